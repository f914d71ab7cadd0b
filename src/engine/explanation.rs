//! The explanation: every rule the engine fires, with the sentence it says
//! and the sources it rests on, both read from the policy content. This
//! file lists each rule and message the engine uses with the placeholders
//! it fills in, so a policy that lacks one, or uses a placeholder the
//! engine cannot fill, is refused at load rather than answered wrongly.

use crate::catalog::Catalog;
use crate::catalog::policy::{fill, placeholders};

/// Every rule the engine fires, with the placeholders its decision may use.
pub const RULES: &[(&str, &[&str])] = &[
    ("red-flag", &["flag", "urgency"]),
    ("red-flag-raised", &["flag", "urgency", "from"]),
    ("escalation", &["rule", "signs", "urgency"]),
    ("age-band", &["band", "conditions"]),
    ("age-band-no-plan", &["band"]),
    ("start-back", &["score", "psychosocial", "risk", "pathway"]),
    ("start-back-low-self-management", &[]),
    ("start-back-medium-physiotherapy", &[]),
    ("start-back-high-psychologically-informed", &[]),
    ("no-plan", &["level"]),
    ("default-condition", &["condition"]),
    ("gentle-plan", &["because"]),
    ("pressure-cap", &["pressure", "because"]),
    ("difficulty-cap", &["difficulty", "because"]),
    ("condition-approach", &["approach", "conditions"]),
    ("massage-excluded", &["because", "reason"]),
    ("no-massage-access", &[]),
    ("massage-supporting-only", &["because", "reason"]),
    ("nice-1.2.7-massage-with-exercise", &["duration"]),
    ("long-term-goal-exercise", &[]),
    ("start-back-exercise", &["risk"]),
    ("massage-first-with-movement", &[]),
    ("acp-r2-chronic-exercise", &[]),
    ("no-suitable-massage", &[]),
    ("massage", &["techniques"]),
    ("lighter-massage-offered", &["technique"]),
    ("adjuncts", &["techniques"]),
    ("routine-empty", &[]),
    ("routine", &["exercises", "used", "budget"]),
    ("massage-only-acute", &[]),
    ("no-safe-plan", &[]),
    ("activity", &["minutes"]),
    ("education", &["titles"]),
    ("progress-pain-worse", &[]),
    ("progress-swap-painful", &["was", "now"]),
    ("progress-drop-painful", &["was", "now"]),
    ("progress-simpler-not-done", &["was", "now"]),
    ("progress-shorter-not-done", &["was", "now"]),
    ("progress-step-down", &["was", "now"]),
    ("progress-shorter-too-hard", &["was", "now"]),
    ("progress-step-up", &["was", "now"]),
    ("progress-more", &["was", "now"]),
    ("progress-keep", &["was", "now"]),
];

/// Every sentence the engine says to a person, with its placeholders.
pub const MESSAGES: &[(&str, &[&str])] = &[
    ("triage.lead.emergency", &[]),
    ("triage.lead.urgent", &[]),
    ("triage.lead.see_clinician", &[]),
    ("triage.lead.self_care", &[]),
    ("triage.also_mention", &["flag"]),
    ("triage.severe_pain", &[]),
    ("triage.no_plan_fits", &[]),
    ("urgency.see_clinician", &[]),
    ("urgency.urgent", &[]),
    ("urgency.emergency", &[]),
    ("approach.massage", &[]),
    ("approach.stretching", &[]),
    ("approach.combined", &[]),
    ("start_back.pathway.low", &[]),
    ("start_back.pathway.medium", &[]),
    ("start_back.pathway.high", &[]),
    ("start_back.advice.medium", &[]),
    ("start_back.advice.high", &[]),
    ("cautions.stop", &["emergencies"]),
    ("names.none", &[]),
    ("names.and", &[]),
    ("gentle.warning_sign", &[]),
    ("gentle.unrecorded_pain", &[]),
    ("gentle.severe_pain", &[]),
    ("reason.not_recommended", &["reason"]),
    ("reason.not_safe_with", &["name"]),
    ("reason.no_massage_with", &["name", "reason"]),
    ("reason.massage_unavailable", &[]),
    ("reason.self_massage_only", &[]),
    ("reason.pressure", &["pressure", "because", "max"]),
    ("reason.needs_equipment", &["equipment"]),
    ("reason.pregnancy", &["note"]),
    ("reason.position", &["position"]),
    ("reason.too_hard", &["difficulty", "because"]),
    ("reason.self_massage_not_in_plan", &[]),
    ("reason.applies", &["technique", "why"]),
    ("pick.general", &[]),
    ("pick.lighter", &[]),
    ("pick.suits", &["conditions"]),
    ("pick.pressure", &["pressure"]),
    ("pick.pressure_self", &["pressure"]),
    ("pick.pressure_capped", &["pressure", "because"]),
    ("item.reason", &["benefit", "conditions"]),
    ("reason.lacks_household", &["equipment"]),
    ("progression.up_to", &["harder"]),
    ("progression.up_more.stretch", &[]),
    ("progression.up_more.mobility", &[]),
    ("progression.up_more.strength", &[]),
    ("progression.up_more.self-massage", &[]),
    ("progression.down_to", &["easier"]),
    ("progression.down_less", &[]),
    ("session.warm_up", &["technique"]),
    ("change.painful_swapped", &["was"]),
    ("change.not_done_simpler", &["was"]),
    ("change.not_done_shorter", &[]),
    ("change.too_hard_easier", &["was"]),
    ("change.too_hard_shorter", &[]),
    ("change.too_easy_harder", &["was"]),
    ("change.too_easy_more.stretch", &[]),
    ("change.too_easy_more.mobility", &[]),
    ("change.too_easy_more.strength", &[]),
    ("change.too_easy_more.self-massage", &[]),
    ("cautions.emergency", &["emergencies"]),
    ("triage.raised_by", &["rule"]),
    ("pick.pressure_capped_self", &["pressure", "because"]),
    ("routine.count_one", &[]),
    ("routine.count_many", &["count"]),
    ("position.supine", &[]),
    ("position.prone", &[]),
    ("position.kneeling", &[]),
    ("position.seated_floor", &[]),
    ("position.seated_chair", &[]),
    ("position.standing", &[]),
    ("position.side_lying", &[]),
];

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

/// The words for a vocabulary value (`urgency`, `approach`) from the messages.
pub(super) fn words(catalog: &Catalog, vocabulary: &str, value: &str) -> String {
    catalog.message(&format!("{vocabulary}.{value}")).to_owned()
}

/// A message with its placeholders filled in.
pub(super) fn say(catalog: &Catalog, key: &str, args: &[(&str, &str)]) -> String {
    fill(catalog.message(key), args)
}
