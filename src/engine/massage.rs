//! Choosing massage, self-massage and adjunct techniques, and saying why the
//! others are left out.

use crate::catalog::{Modality, Technique, TechniqueStatus};

use super::input::MassageAccess;
use super::output::{Avoided, TechniquePick};
use super::{Context, Exclusion, names, position};

/// How many hands-on and self-massage techniques a plan names at most.
const MAX_PICKS: usize = 2;

/// Why `t` cannot be used by this person, with the ids that rule it out.
pub(super) fn exclusion<'c>(ctx: &Context<'c>, t: &Technique) -> Option<Exclusion<'c>> {
    if t.status == TechniqueStatus::NotRecommended {
        let reason = t
            .status_reason
            .clone()
            .unwrap_or_else(|| "not recommended".to_owned());
        return Some((format!("Not recommended: {reason}").into(), vec![]));
    }
    let i = position(&ctx.catalog.techniques, t);
    let refs = ctx.catalog.refs();
    if let Some(id) = ctx.avoided_by(
        &refs.technique_avoid_conditions[i],
        &refs.technique_avoid_flags[i],
    ) {
        return Some((
            ["Not safe with ", ctx.name_of(id), "."].concat().into(),
            vec![id],
        ));
    }
    let hands_on = matches!(t.modality, Modality::Massage | Modality::SelfMassage);
    if !hands_on {
        return None;
    }
    if let Some(c) = ctx.limits.massage_excluded {
        let why = c.modifiers.massage_reason.as_deref().unwrap_or_default();
        return Some((
            format!("No massage with {}: {why}", c.name.to_lowercase()).into(),
            vec![c.id.as_str()],
        ));
    }
    match (ctx.person.preferences.massage_access, t.modality) {
        (MassageAccess::NoAccess, _) => {
            return Some(("You said massage is not available to you.".into(), vec![]));
        }
        (MassageAccess::SelfOnly, Modality::Massage) => {
            return Some((
                "You said only self-massage is available to you.".into(),
                vec![],
            ));
        }
        _ => {}
    }
    if let Some(p) = t.pressure
        && p > ctx.limits.max_pressure
    {
        return Some((
            format!(
                "Uses {p} pressure; {} allows at most {} pressure.",
                ctx.limits.pressure_why, ctx.limits.max_pressure
            )
            .into(),
            ctx.limits.pressure_ids.clone(),
        ));
    }
    if let Some(missing) = t
        .equipment
        .iter()
        .find(|e| !ctx.person.preferences.equipment.contains(e))
    {
        return Some((super::needs(*missing).into(), vec![]));
    }
    None
}

/// How well `t` suits the person: matching `best_for` conditions count most;
/// lighter pressure breaks ties because it is the cautious choice.
fn rank(ctx: &Context<'_>, t: &Technique) -> (usize, u8) {
    let best_for = &ctx.catalog.refs().technique_best_for[position(&ctx.catalog.techniques, t)];
    let matches = ctx.effective_set.count(best_for);
    let lightness = 3 - t.pressure.map_or(0, |p| p as u8);
    (matches, lightness)
}

fn pick<'c>(ctx: &Context<'c>, t: &'c Technique) -> TechniquePick<'c> {
    let matched = ctx.effective_among(
        &ctx.catalog.refs().technique_best_for[position(&ctx.catalog.techniques, t)],
    );
    let mut reason = if matched.is_empty() {
        "A gentle, general option for back pain.".to_owned()
    } else {
        format!("Suits {}.", names(ctx, &matched))
    };
    if let Some(p) = t.pressure {
        reason.push_str(&format!(" Ask for {p} pressure"));
        if p == ctx.limits.max_pressure && p < crate::catalog::Pressure::Firm {
            reason.push_str(&format!(
                " ({} allows at most {})",
                ctx.limits.pressure_why, ctx.limits.max_pressure
            ));
        }
        reason.push('.');
    }
    // A condition's own rhythm (desk workers: every 2-4 weeks) beats the
    // technique's generic frequency for professional massage.
    let frequency = match (
        t.modality,
        ctx.effective
            .iter()
            .find_map(|c| c.modifiers.massage_frequency.as_deref()),
    ) {
        (Modality::Massage, Some(f)) => f.to_owned(),
        _ => t.frequency.clone(),
    };
    TechniquePick {
        technique_id: t.id.as_str(),
        name: t.name.as_str(),
        pressure: t.pressure,
        frequency,
        reason,
    }
}

/// The usable techniques of `modality`, best first.
fn usable<'c>(ctx: &Context<'c>, modality: Modality) -> Vec<&'c Technique> {
    let mut found: Vec<((usize, u8), &Technique)> = ctx
        .catalog
        .techniques
        .iter()
        .zip(&ctx.technique_exclusions)
        .filter(|(t, excluded)| t.modality == modality && excluded.is_none())
        .map(|(t, _)| (rank(ctx, t), t))
        .collect();
    // Stable sort: id order among equals.
    found.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
    found.into_iter().map(|(_, t)| t).collect()
}

/// The hands-on and self-massage techniques to pick (either may be empty).
pub(super) fn choose<'c>(ctx: &Context<'c>) -> (Vec<&'c Technique>, Vec<&'c Technique>) {
    // Only techniques that suit one of the person's conditions: a technique
    // made for one group (prenatal massage) must not reach another.
    let hands_on = usable(ctx, Modality::Massage)
        .into_iter()
        .filter(|t| rank(ctx, t).0 > 0)
        .take(MAX_PICKS)
        .collect();
    // Self-massage only where a condition calls for it, or where it is the
    // only massage the person can get.
    let only_self = ctx.person.preferences.massage_access == MassageAccess::SelfOnly;
    let self_massage = usable(ctx, Modality::SelfMassage)
        .into_iter()
        .filter(|t| only_self || rank(ctx, t).0 > 0)
        .take(MAX_PICKS)
        .collect();
    (hands_on, self_massage)
}

/// Adjuncts (heat, cold, relaxation) that suit one of the person's conditions.
pub(super) fn adjuncts<'c>(ctx: &Context<'c>) -> Vec<&'c Technique> {
    usable(ctx, Modality::Adjunct)
        .into_iter()
        .filter(|t| rank(ctx, t).0 > 0)
        .collect()
}

/// Each technique as a pick, with pressure, frequency and reason.
pub(super) fn picks<'c>(ctx: &Context<'c>, techniques: &[&'c Technique]) -> Vec<TechniquePick<'c>> {
    techniques.iter().map(|t| pick(ctx, t)).collect()
}

/// Every technique this person must not be offered, with the reason.
pub(super) fn avoided<'c>(ctx: &mut Context<'c>) -> Vec<Avoided<'c>> {
    // The last use of the cache: take it rather than copy every reason.
    let exclusions = std::mem::take(&mut ctx.technique_exclusions);
    ctx.catalog
        .techniques
        .iter()
        .zip(exclusions)
        .filter_map(|(t, excluded)| {
            excluded.map(|(reason, because)| Avoided {
                kind: "technique",
                id: t.id.as_str(),
                name: t.name.as_str(),
                reason,
                because,
            })
        })
        .collect()
}
