//! Red flags first: which fired, how urgent after combinations, and what
//! to do now.

use crate::catalog::{RedFlag, Urgency, position};

use super::output::{FiredFlag, Triage, TriageLevel};
use super::{Context, sources_of};

/// NICE NG59 covers people aged 16 and over.
pub const MIN_AGE: u8 = 16;

/// The urgency of `flag` for this person, and the escalation that raised it.
fn urgency_of<'c>(ctx: &Context<'c>, flag: &'c RedFlag) -> (Urgency, Option<&'c str>) {
    let age = ctx.person.age;
    flag.escalation
        .iter()
        .filter(|e| {
            e.conditions
                .iter()
                .all(|c| ctx.condition_ids.contains(&c.as_str()))
                && e.red_flags
                    .iter()
                    .all(|r| ctx.flag_ids.contains(&r.as_str()))
                && e.min_age.is_none_or(|min| age.is_some_and(|a| a >= min))
        })
        .map(|e| (e.urgency, Some(e.reason.as_str())))
        .fold((flag.urgency, None), |best, next| {
            if next.0 > best.0 { next } else { best }
        })
}

/// Screens the person's red flags and age.
pub(super) fn screen<'c>(ctx: &mut Context<'c>) -> Triage<'c> {
    let mut flags: Vec<FiredFlag> = Vec::new();
    let fired: Vec<&RedFlag> = ctx
        .flag_ids
        .iter()
        .filter_map(|id| ctx.catalog.red_flag(id))
        .collect();
    for flag in fired {
        let (urgency, escalated) = urgency_of(ctx, flag);
        let mut decision = format!("`{}` reported: {}", flag.id, urgency);
        if let Some(reason) = escalated {
            decision.push_str(&format!(" (raised from {}: {reason})", flag.urgency));
        }
        ctx.step(
            "red-flag",
            decision,
            vec![flag.id.as_str()],
            ctx.catalog.refs().red_flag_sources[position(&ctx.catalog.red_flags, flag)].clone(),
        );
        flags.push(FiredFlag {
            id: flag.id.as_str(),
            name: flag.name.as_str(),
            urgency,
            action: flag.action.as_str(),
            escalated_because: escalated.map(str::to_owned),
        });
    }
    // Most urgent first; id order among equals keeps the answer deterministic.
    flags.sort_by(|a, b| b.urgency.cmp(&a.urgency).then_with(|| a.id.cmp(b.id)));

    let mut level = match flags.first().map(|f| f.urgency) {
        Some(Urgency::Emergency) => TriageLevel::Emergency,
        Some(Urgency::Urgent) => TriageLevel::Urgent,
        Some(Urgency::SeeClinician) => TriageLevel::SeeClinician,
        None => TriageLevel::SelfCare,
    };
    let young = ctx.person.age.is_some_and(|a| a < MIN_AGE);
    if young {
        level = level.max(TriageLevel::SeeClinician);
        ctx.step(
            "age-under-16",
            format!("age under {MIN_AGE}: the guidance here is for adults, so see a clinician before self-care"),
            vec![],
            sources_of(ctx.catalog, &["nice-ng59"]),
        );
    }

    let actions: Vec<&str> = flags.iter().map(|f| f.action).collect();
    let message = match level {
        TriageLevel::Emergency => format!(
            "Go to an emergency department now, or call emergency services. Do not try self-care first. {}",
            actions.join(" ")
        ),
        TriageLevel::Urgent => format!(
            "Get a same-day medical assessment (call your doctor or an urgent care service today) before any self-care. {}",
            actions.join(" ")
        ),
        TriageLevel::SeeClinician if young => {
            "Back pain in children and teenagers should be checked by a doctor or physiotherapist before any self-care plan.".to_owned()
        }
        TriageLevel::SeeClinician => format!(
            "You can start gentle self-care, but book an appointment with a doctor or physiotherapist soon. {}",
            actions.join(" ")
        ),
        TriageLevel::SelfCare => {
            "No warning signs were reported, so careful self-care is a reasonable start. Keep moving as normally as you can.".to_owned()
        }
    };
    Triage {
        level,
        message: message.trim_end().to_owned(),
        flags,
    }
}
