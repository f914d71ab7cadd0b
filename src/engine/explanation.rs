//! The explanation: every rule the engine fires, with the sentence it says
//! and the sources it rests on, both read from the policy content. This
//! file lists each rule and message the engine uses with the placeholders
//! it fills in, so a policy that lacks one, or uses a placeholder the
//! engine cannot fill, is refused at load rather than answered wrongly.

use crate::catalog::Catalog;
use crate::catalog::policy::{MESSAGES, RULES, fill, placeholders};

/// Problems with the policy's rules and messages: a missing one, or a
/// placeholder the engine does not fill.
pub(super) fn check(catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    for (id, allowed) in RULES {
        match catalog.policy.rules.get(*id) {
            None => problems.push(format!(
                "policy.json: rules: the engine fires `{id}`, which has no entry"
            )),
            Some(rule) => template(
                &mut problems,
                &format!("policy.json: rules.{id}.decision"),
                &rule.decision,
                allowed,
            ),
        }
    }
    for id in catalog.policy.rules.keys() {
        if !RULES.iter().any(|(known, _)| known == id) {
            problems.push(format!(
                "policy.json: rules.{id}: the engine has no such rule"
            ));
        }
    }
    for (key, allowed) in MESSAGES {
        match catalog.messages.get(*key) {
            None => problems.push(format!("messages.json: `{key}` is missing")),
            Some(text) => template(
                &mut problems,
                &format!("messages.json: {key}"),
                text,
                allowed,
            ),
        }
    }
    for key in catalog.messages.keys() {
        if !MESSAGES.iter().any(|(known, _)| known == key) {
            problems.push(format!(
                "messages.json: `{key}`: the engine says no such message"
            ));
        }
    }
    problems
}

fn template(problems: &mut Vec<String>, at: &str, text: &str, allowed: &[&str]) {
    if text.trim().is_empty() {
        problems.push(format!("{at}: must not be empty"));
    }
    match placeholders(text) {
        Err(byte) => problems.push(format!(
            "{at}: the brace at byte {byte} opens or closes no {{name}}"
        )),
        Ok(names) => {
            for name in names {
                if !allowed.contains(&name) {
                    let available = if allowed.is_empty() {
                        "none".to_owned()
                    } else {
                        allowed.join(", ")
                    };
                    problems.push(format!(
                        "{at}: {{{name}}} is not filled in here; available: {available}"
                    ));
                }
            }
        }
    }
}

/// The words for a vocabulary value (`urgency`, `approach`, ...) from the
/// messages: `{vocabulary}.{value}`.
pub(super) fn words<'c>(catalog: &'c Catalog, vocabulary: &str, value: &str) -> &'c str {
    // The key on the stack: these lookups run for every item of a plan.
    let mut key = [0u8; 64];
    let len = vocabulary.len() + 1 + value.len();
    if len > key.len() {
        return catalog.message(&format!("{vocabulary}.{value}"));
    }
    key[..vocabulary.len()].copy_from_slice(vocabulary.as_bytes());
    key[vocabulary.len()] = b'.';
    key[vocabulary.len() + 1..len].copy_from_slice(value.as_bytes());
    std::str::from_utf8(&key[..len]).map_or("", |k| catalog.message(k))
}

/// A message's position in the catalog's table, worked out at compile
/// time: a key the policy does not list fails the build.
macro_rules! m {
    ($key:literal) => {{
        const AT: usize = crate::catalog::policy::message_index($key);
        AT
    }};
}
pub(super) use m;

/// A rule's position and id, worked out at compile time.
macro_rules! r {
    ($id:literal) => {{
        const AT: usize = crate::catalog::policy::rule_index($id);
        (AT, $id)
    }};
}
pub(super) use r;

/// The message at `at` (see [`m!`]) with its placeholders filled in.
pub(super) fn say_at(catalog: &Catalog, at: usize, args: &[(&str, &str)]) -> String {
    catalog.say(at, args)
}

/// A message with its placeholders filled in.
pub(super) fn say(catalog: &Catalog, key: &str, args: &[(&str, &str)]) -> String {
    fill(catalog.message(key), args)
}
