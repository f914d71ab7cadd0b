//! Red flags first: which signs the person presents (flags, conditions, age
//! bands), which escalation rules they fire, the final urgency, and a
//! message built from that urgency alone.
//!
//! The message says what to do at the final urgency and why it was raised;
//! a flag whose own urgency is lower keeps none of its own action's words
//! (its action would say, say, that self-care can go on), only a line to
//! mention it. Each action therefore appears once, and never beside a more
//! urgent one.

use std::borrow::Cow;

use crate::catalog::{EscalationRule, Urgency, position};

use super::context::{Context, source_positions};
use super::explanation::words;
use super::explanation::{m, r, say_at};
use super::output::{FiredFlag, RaisedBy, Triage, TriageLevel};

fn level_of(u: Urgency) -> TriageLevel {
    match u {
        Urgency::SeeClinician => TriageLevel::SeeClinician,
        Urgency::Urgent => TriageLevel::Urgent,
        Urgency::Emergency => TriageLevel::Emergency,
    }
}

/// Whether every clause of `rule` holds for this person, read from the
/// rule's signs as positions.
pub(super) fn fires(ctx: &Context<'_>, rule: &EscalationRule) -> bool {
    let at = position(&ctx.catalog.escalations, rule);
    ctx.catalog.refs().escalation_signs[at]
        .iter()
        .all(|(signs, needed)| signs.iter().filter(|s| ctx.has_sign_ref(**s)).count() >= *needed)
}

/// The signs of `rule` this person presents, in the rule's order.
fn present<'c>(ctx: &Context<'c>, rule: &'c EscalationRule) -> Vec<&'c str> {
    rule.when
        .iter()
        .flat_map(|c| &c.of)
        .filter(|s| ctx.has_sign(s))
        .map(String::as_str)
        .collect()
}

/// The signs to name in a sentence: a condition the person did not report,
/// implied by another sign in the same list (a minor fall counts as a
/// recent injury), goes without saying.
fn said_signs<'c>(ctx: &Context<'c>, signs: &[&'c str]) -> Vec<&'c str> {
    let implied_by_listed = |s: &str| {
        !ctx.person.conditions.iter().any(|c| c == s)
            && (ctx
                .flags
                .iter()
                .any(|f| signs.contains(&f.id.as_str()) && f.counts_as.iter().any(|c| c == s))
                || ctx.age_bands.iter().any(|b| {
                    signs.contains(&b.id.as_str()) && b.implies_conditions.iter().any(|c| c == s)
                }))
    };
    signs
        .iter()
        .copied()
        .filter(|s| !implied_by_listed(s))
        .collect()
}

/// Whether last week's report shows the pain up by the policy's margin
/// with every reported exercise painful.
pub(super) fn pain_rising_and_painful(ctx: &Context<'_>) -> bool {
    let Some(report) = ctx.person.last_week.as_ref() else {
        return false;
    };
    // Rising as recorded both weeks: pain not recorded now counts as worse
    // for step-ups, but is no evidence of a rise.
    let rising = report.pain_then.is_some()
        && ctx.person.pain.intensity.is_some()
        && super::progression::pain_worse(ctx);
    rising
        && !report.items.is_empty()
        && report
            .items
            .iter()
            .all(|i| i.felt == super::input::Felt::Painful)
}

/// Screens the person's red flags, conditions and age.
pub(super) fn screen<'c>(ctx: &mut Context<'c>) -> Triage<'c> {
    let catalog = ctx.catalog;
    let rules: Vec<&EscalationRule> = catalog
        .escalations
        .iter()
        .filter(|r| fires(ctx, r))
        .collect();
    let bands: Vec<_> = ctx.age_bands.clone();

    let mut level = TriageLevel::SelfCare;
    for u in ctx
        .flags
        .iter()
        .map(|f| f.urgency)
        .chain(rules.iter().map(|r| r.urgency))
        .chain(bands.iter().filter_map(|b| b.urgency))
    {
        level = level.max(level_of(u));
    }
    // Pain rising week on week while every exercise hurts is not for
    // self-care alone: a clinician should review it.
    if pain_rising_and_painful(ctx) {
        ctx.pain_review_alone = level < TriageLevel::SeeClinician;
        level = level.max(TriageLevel::SeeClinician);
        let worse_by = catalog.policy.limits.pain_worse_by.to_string();
        ctx.fire(
            r!("pain-rising-review"),
            &[("points", &worse_by)],
            vec![],
            vec![],
        );
    }

    // Each flag: its urgency after the rules that name it.
    let mut flags: Vec<FiredFlag<'c>> = Vec::new();
    for flag in ctx.flags.clone() {
        let raising = rules
            .iter()
            .filter(|r| r.urgency > flag.urgency && r.when.iter().any(|c| c.of.contains(&flag.id)))
            .max_by_key(|r| r.urgency);
        let urgency = raising.map_or(flag.urgency, |r| r.urgency);
        let action = if level_of(flag.urgency) == level {
            Cow::Borrowed(flag.action.as_str())
        } else {
            Cow::Owned(say_at(
                catalog,
                m!("triage.also_mention"),
                &[("flag", ctx.flag_name(flag))],
            ))
        };
        let name = ctx.flag_name(flag);
        match raising {
            Some(r) => ctx.fire(
                r!("red-flag-raised"),
                &[
                    ("flag", name),
                    ("urgency", words(catalog, "urgency", urgency.as_str())),
                    ("from", words(catalog, "urgency", flag.urgency.as_str())),
                ],
                vec![flag.id.as_str(), r.id.as_str()],
                catalog.refs().red_flag_sources[position(&catalog.red_flags, flag)].clone(),
            ),
            None => ctx.fire(
                r!("red-flag"),
                &[
                    ("flag", name),
                    ("urgency", words(catalog, "urgency", urgency.as_str())),
                ],
                vec![flag.id.as_str()],
                catalog.refs().red_flag_sources[position(&catalog.red_flags, flag)].clone(),
            ),
        }
        flags.push(FiredFlag {
            id: flag.id.as_str(),
            name: flag.name.as_str(),
            urgency,
            action,
            // The reason itself is in the message and the rule's entry:
            // here only which rule raised it, so nothing is said twice.
            escalated_because: raising.map(|r| {
                say_at(
                    catalog,
                    m!("triage.raised_by"),
                    &[("rule", &r.name.to_lowercase())],
                )
            }),
        });
    }
    // Most urgent first; id order among equals keeps the answer deterministic.
    flags.sort_by(|a, b| b.urgency.cmp(&a.urgency).then_with(|| a.id.cmp(b.id)));

    let mut raised = Vec::new();
    for rule in &rules {
        let signs = said_signs(ctx, &present(ctx, rule));
        let names = ctx.names(&signs);
        let mut ids = vec![rule.id.as_str()];
        ids.extend(&signs);
        let sources = source_positions(ctx.catalog, &rule.sources);
        // A rule below the final urgency says what it alone would call
        // for, so the answer never states two urgencies as its own.
        let below = level_of(rule.urgency) < level;
        ctx.fire(
            if below {
                r!("escalation-below")
            } else {
                r!("escalation")
            },
            &[
                ("rule", &rule.name.to_lowercase()),
                ("signs", &names),
                ("urgency", words(catalog, "urgency", rule.urgency.as_str())),
            ],
            ids,
            sources,
        );
        raised.push(RaisedBy {
            id: rule.id.as_str(),
            name: rule.name.as_str(),
            urgency: rule.urgency,
            // A rule below the final urgency keeps its reason but not its
            // action, which would offer a lesser path.
            action: (level_of(rule.urgency) == level).then_some(rule.action.as_str()),
            reason: rule.reason.as_str(),
            signs,
        });
    }
    // Most urgent first, then id order.
    raised.sort_by(|a, b| b.urgency.cmp(&a.urgency).then_with(|| a.id.cmp(b.id)));

    // A band that brings in conditions says so; a band that only acts as a
    // sign speaks through the rules and the message.
    for band in bands.iter().filter(|b| !b.implies_conditions.is_empty()) {
        let implied: Vec<&str> = band.implies_conditions.iter().map(String::as_str).collect();
        let names = ctx.names(&implied);
        let sources = source_positions(ctx.catalog, &band.sources);
        ctx.fire(
            r!("age-band"),
            &[("band", &band.name), ("conditions", &names)],
            std::iter::once(band.id.as_str()).chain(implied).collect(),
            sources,
        );
    }

    // A sign that counts as a condition the person did not name says so,
    // so the plan's care for it does not come from nowhere.
    for flag in ctx.flags.clone() {
        let implied: Vec<&str> = flag
            .counts_as
            .iter()
            .map(String::as_str)
            .filter(|c| !ctx.person.conditions.iter().any(|p| p == c))
            .collect();
        if implied.is_empty() {
            continue;
        }
        let names = ctx.names(&implied);
        ctx.fire(
            r!("flag-counts-as"),
            &[("flag", ctx.flag_name(flag)), ("conditions", &names)],
            std::iter::once(flag.id.as_str()).chain(implied).collect(),
            vec![],
        );
    }

    Triage {
        level,
        message: String::new(),
        flags,
        escalations: raised,
    }
}

/// The triage message: what to do at the final urgency (or, when no
/// self-care plan fits, that one cannot be given), then why the urgency
/// was raised, then when to get severe pain reviewed.
pub(super) fn message(ctx: &Context<'_>, triage: &Triage<'_>, no_plan_fits: bool) -> String {
    let catalog = ctx.catalog;
    let level = triage.level;
    let no_plan_band = ctx
        .age_bands
        .iter()
        .find(|b| b.no_plan && b.urgency.map(level_of) == Some(level));
    // An age band that alone sets the urgency says what to do in its own
    // words, which replace the level's general lead.
    let band_alone = ctx.age_bands.iter().find(|b| {
        b.urgency.map(level_of) == Some(level)
            && !triage.flags.iter().any(|f| level_of(f.urgency) == level)
            && !triage.escalations.iter().any(|r| r.action.is_some())
    });
    let mut sentences: Vec<&str> = Vec::new();
    match no_plan_band
        .or(band_alone)
        .and_then(|b| b.action.as_deref())
    {
        Some(action) => sentences.push(action),
        None if no_plan_fits => sentences.push(catalog.msg(m!("triage.no_plan_fits"))),
        // An age band's own booking advice at this urgency, below, is the
        // more precise one: the general "book soon" would give a second
        // timeframe.
        None if level == TriageLevel::SeeClinician
            && ctx.age_bands.iter().any(|b| {
                !b.no_plan && b.urgency.map(level_of) == Some(level) && b.action.is_some()
            }) => {}
        None => sentences.push(catalog.msg(match level {
            TriageLevel::Emergency => m!("triage.lead.emergency"),
            TriageLevel::Urgent => m!("triage.lead.urgent"),
            TriageLevel::SeeClinician => m!("triage.lead.see_clinician"),
            TriageLevel::SelfCare => m!("triage.lead.self_care"),
        })),
    }
    // Other age bands at this urgency add what to do.
    for band in &ctx.age_bands {
        if !band.no_plan
            && band.urgency.map(level_of) == Some(level)
            && band_alone.is_none_or(|b| b.id != band.id)
            && let Some(action) = &band.action
        {
            sentences.push(action);
        }
    }
    for r in &triage.escalations {
        if r.action.is_some() {
            sentences.push(r.reason);
        }
    }
    let severe = ctx
        .person
        .pain
        .intensity
        .is_some_and(|i| i >= catalog.policy.limits.severe_pain);
    if pain_rising_and_painful(ctx) {
        sentences.push(catalog.msg(m!("triage.pain_rising")));
    }
    if severe && level <= TriageLevel::SeeClinician {
        // New pain may settle in days; lasting pain this strong is for a
        // review of what else may help.
        sentences.push(catalog.msg(
            if ctx.person.pain.duration == super::input::Duration::Acute {
                m!("triage.severe_pain")
            } else {
                m!("triage.severe_pain_lasting")
            },
        ));
    }
    unique_sentences(&sentences)
}

/// The texts joined by spaces, each sentence once: two rules or a lead and
/// a reason may share one.
pub(super) fn unique_sentences(texts: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = String::with_capacity(texts.iter().map(|t| t.len() + 1).sum());
    for text in texts {
        for sentence in sentences(text) {
            if seen.contains(&sentence) {
                continue;
            }
            seen.push(sentence);
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(sentence);
        }
    }
    out
}

/// The sentences of `text`: each ends at `.`, `!` or `?` followed by a
/// space or the end.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text.trim();
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let mut end = rest.len();
        for (i, b) in bytes.iter().enumerate() {
            if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1).is_none_or(|n| *n == b' ') {
                end = i + 1;
                break;
            }
        }
        let (sentence, after) = rest.split_at(end);
        rest = after.trim_start();
        Some(sentence.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_stops_followed_by_space() {
        let s: Vec<&str> = sentences("Go now. Call 999! Is it 3.5 cm? yes").collect();
        assert_eq!(s, ["Go now.", "Call 999!", "Is it 3.5 cm?", "yes"]);
    }

    #[test]
    fn repeated_sentences_are_said_once() {
        let texts = ["Go now. Do not wait.", "Do not wait. Call."];
        assert_eq!(unique_sentences(&texts), "Go now. Do not wait. Call.");
    }
}
