//! Building the exercise routine: filter for safety and fit, rank for
//! relevance, fill the time budget, then schedule in a sensible order.

use crate::catalog::{Area, Equipment, Exercise, ExerciseKind, PregnancySafety, Slot, StretchType};

use super::input::{Goal, PainArea};
use super::output::{Avoided, Routine, RoutineItem, Session};
use super::{Context, Exclusion, names, position};

/// The most exercises a day's routine holds, so it stays doable.
const MAX_ITEMS: usize = 8;
/// The most items sharing a main area, so the routine covers the body.
const MAX_PER_AREA: usize = 2;
/// The most stretches placed straight after a massage.
const MAX_AFTER_MASSAGE: usize = 2;

/// Why `e` is not safe or not possible for this person.
pub(super) fn exclusion<'c>(ctx: &Context<'c>, e: &Exercise) -> Option<Exclusion<'c>> {
    let i = position(&ctx.catalog.exercises, e);
    let refs = ctx.catalog.refs();
    if let Some(id) = ctx.avoided_by(
        &refs.exercise_avoid_conditions[i],
        &refs.exercise_avoid_flags[i],
    ) {
        return Some((
            ["Not safe with ", ctx.name_of(id), "."].concat().into(),
            vec![id],
        ));
    }
    if let Some(c) = ctx.limits.pregnancy_only
        && e.pregnancy.status == PregnancySafety::Avoid
    {
        let note = e.pregnancy.note.as_deref().unwrap_or_default();
        return Some((
            format!("Not for use in pregnancy. {note}")
                .trim_end()
                .to_owned()
                .into(),
            vec![c.id.as_str()],
        ));
    }
    if ctx.person.preferences.avoid_positions.contains(&e.position) {
        return Some((
            format!(
                "Done {}, a position you avoid.",
                e.position.as_str().replace('_', " ")
            )
            .into(),
            vec![],
        ));
    }
    let prefs = &ctx.person.preferences;
    if let Some(missing) = e
        .equipment
        .iter()
        .find(|q| **q != Equipment::None && !prefs.equipment.contains(q))
    {
        return Some((super::needs(*missing).into(), vec![]));
    }
    if e.difficulty > ctx.limits.max_difficulty {
        return Some((
            format!(
                "{} is harder than suits {}.",
                capitalise(e.difficulty.as_str()),
                ctx.limits.difficulty_why
            )
            .into(),
            ctx.limits.difficulty_ids.clone(),
        ));
    }
    if e.kind == ExerciseKind::SelfMassage && !ctx.self_massage_allowed() {
        return Some(("Self-massage is not part of your plan.".into(), vec![]));
    }
    None
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The catalog areas that a pain area covers.
fn areas_for(pain: PainArea) -> &'static [Area] {
    match pain {
        PainArea::LowerBack => &[Area::LowerBack, Area::Core],
        PainArea::MidBack => &[Area::MidBack],
        PainArea::UpperBack => &[Area::UpperBack, Area::Shoulders, Area::Neck, Area::Chest],
        PainArea::Hips => &[Area::Hips, Area::Glutes, Area::HipFlexors],
        PainArea::Leg => &[Area::Leg, Area::Hamstrings, Area::Glutes, Area::Quadriceps],
    }
}

/// The catalog areas a pain area covers, as bits.
pub(super) fn pain_bits(pain: PainArea) -> u32 {
    area_bits(areas_for(pain))
}

/// A set of areas as one bit per area.
fn area_bits(areas: &[Area]) -> u32 {
    areas.iter().fold(0, |bits, a| bits | 1 << (*a as u32))
}

/// Relevance: conditions it suits count most, then the areas that hurt,
/// then the times of day the conditions favour, then the person's goal.
fn score(ctx: &Context<'_>, e: &Exercise) -> u32 {
    let suitable = &ctx.catalog.refs().exercise_suitable[position(&ctx.catalog.exercises, e)];
    let suits = ctx.effective_set.count(suitable) as u32;
    // Areas as bits: one AND per pain area instead of comparing lists.
    let worked = area_bits(&e.areas);
    let hurts = ctx
        .pain_bits
        .iter()
        .filter(|bits| *bits & worked != 0)
        .count() as u32;
    let slots = e
        .best_time
        .iter()
        .filter(|s| ctx.preferred_slots.contains(s))
        .count() as u32;
    let goal = match (ctx.person.preferences.goal, e.kind) {
        (Goal::LongTerm | Goal::Both, ExerciseKind::Strength) => 3,
        (Goal::QuickRelief, ExerciseKind::Stretch | ExerciseKind::Mobility) => 2,
        _ => 0,
    };
    suits * 10 + hurts * 4 + slots * 2 + goal
}

/// The order of sessions through a day.
const SLOT_ORDER: [Slot; 6] = [
    Slot::Morning,
    Slot::Daytime,
    Slot::BeforeExercise,
    Slot::AfterExercise,
    Slot::AfterMassage,
    Slot::Evening,
];

/// Within a session: self-massage before stretching (stretch after
/// massage), moving work before holds (warm up before deeper stretches).
fn order_in_session(e: &Exercise) -> u8 {
    match (e.kind, e.stretch_type) {
        (ExerciseKind::SelfMassage, _) => 0,
        (_, Some(StretchType::Dynamic)) => 1,
        (ExerciseKind::Mobility, _) => 2,
        (ExerciseKind::Strength, _) => 3,
        (_, Some(StretchType::Pnf)) => 5,
        _ => 4,
    }
}

/// The slot to do `e` in: a time the person's conditions favour, right after
/// a massage for a few holds when the plan has massage, else the exercise's
/// own first sensible time.
fn slot_for(ctx: &Context<'_>, e: &Exercise, after_massage_used: usize) -> Slot {
    if let Some(s) = e.best_time.iter().find(|s| ctx.preferred_slots.contains(s)) {
        return *s;
    }
    if ctx.massage_in_plan
        && after_massage_used < MAX_AFTER_MASSAGE
        && e.best_time.contains(&Slot::AfterMassage)
    {
        return Slot::AfterMassage;
    }
    // Exercise-day slots only make sense for people who exercise.
    let daily = e
        .best_time
        .iter()
        .find(|s| matches!(s, Slot::Morning | Slot::Daytime | Slot::Evening));
    match daily {
        Some(s) => *s,
        None if matches!(e.kind, ExerciseKind::Mobility | ExerciseKind::Strength) => Slot::Morning,
        None => Slot::Evening,
    }
}

/// The exercises this person must not do, with reasons.
pub(super) fn avoided<'c>(ctx: &mut Context<'c>) -> Vec<Avoided<'c>> {
    // The last use of the cache: take it rather than copy every reason.
    let exclusions = std::mem::take(&mut ctx.exercise_exclusions);
    ctx.catalog
        .exercises
        .iter()
        .zip(exclusions)
        .filter_map(|(e, excluded)| {
            excluded.map(|(reason, because)| Avoided {
                kind: "exercise",
                id: e.id.as_str(),
                name: e.name.as_str(),
                reason,
                because,
            })
        })
        .collect()
}

/// Builds the routine, or `None` when no exercise is both safe and suitable.
pub(super) fn build<'c>(ctx: &mut Context<'c>) -> Option<Routine<'c>> {
    let budget = u16::from(ctx.person.preferences.minutes_per_day);
    let refs = ctx.catalog.refs();
    // Exclusions were decided once for the person (Context); reuse them.
    let mut candidates: Vec<(u32, &Exercise)> = ctx
        .catalog
        .exercises
        .iter()
        .zip(&ctx.exercise_exclusions)
        .zip(&refs.exercise_suitable)
        .filter(|((_, excluded), suitable)| {
            excluded.is_none() && ctx.effective_set.count(suitable) > 0
        })
        .map(|((e, _), _)| (score(ctx, e), e))
        .collect();
    // Stable sort: id order among equal scores keeps answers deterministic.
    candidates.sort_by_key(|(s, _)| std::cmp::Reverse(*s));

    // Strength work prevents recurrence (NICE, ACP R2): a long-term goal
    // reserves room for the best strength exercise before anything else.
    if super::wants_strength(ctx)
        && let Some(at) = candidates
            .iter()
            .position(|(_, e)| e.kind == ExerciseKind::Strength)
    {
        let strength = candidates.remove(at);
        candidates.insert(0, strength);
    }
    let mut chosen: Vec<&Exercise> = Vec::new();
    let mut used: u16 = 0;
    for (_, e) in &candidates {
        if chosen.len() == MAX_ITEMS {
            break;
        }
        let main_area = e.areas.first();
        let same_area = chosen
            .iter()
            .filter(|c| c.areas.first() == main_area)
            .count();
        if used + u16::from(e.minutes) <= budget && same_area < MAX_PER_AREA {
            used += u16::from(e.minutes);
            chosen.push(e);
        }
    }
    if chosen.is_empty() {
        ctx.step(
            "routine-empty",
            "no exercise is both safe and suitable within these limits".to_owned(),
            vec![],
            vec![],
        );
        return None;
    }

    let mut placed: Vec<(Slot, &Exercise)> = Vec::new();
    for e in &chosen {
        let after_massage = placed
            .iter()
            .filter(|(s, _)| *s == Slot::AfterMassage)
            .count();
        placed.push((slot_for(ctx, e, after_massage), e));
    }
    placed.sort_by_key(|(slot, e)| {
        let at = SLOT_ORDER
            .iter()
            .position(|s| s == slot)
            .unwrap_or(SLOT_ORDER.len());
        (at, order_in_session(e), e.id.as_str())
    });

    let mut sessions: Vec<Session> = Vec::new();
    for (slot, e) in placed {
        let item = item(ctx, e);
        match sessions.last_mut() {
            Some(s) if s.slot == slot => s.items.push(item),
            _ => sessions.push(Session {
                slot,
                items: vec![item],
            }),
        }
    }
    let ids: Vec<&str> = chosen.iter().map(|e| e.id.as_str()).collect();
    let sources: Vec<u16> = chosen
        .iter()
        .flat_map(|e| &refs.exercise_sources[position(&ctx.catalog.exercises, e)])
        .copied()
        .collect();
    ctx.step(
        "routine",
        format!(
            "{} exercises, {used} of {budget} minutes, safe for every condition and flag reported, ordered mobility before holds and stretching after massage",
            chosen.len()
        ),
        ids,
        sources,
    );
    Some(Routine {
        total_minutes: used,
        sessions,
    })
}

fn item<'c>(ctx: &Context<'c>, e: &'c Exercise) -> RoutineItem<'c> {
    let at = position(&ctx.catalog.exercises, e);
    let suits = ctx.effective_among(&ctx.catalog.refs().exercise_suitable[at]);
    let mut reason = names(ctx, &suits);
    reason.insert_str(0, "Suits ");
    reason.push('.');
    if ctx.limits.pregnancy_only.is_some()
        && e.pregnancy.status == PregnancySafety::Modify
        && let Some(note) = &e.pregnancy.note
    {
        reason.push_str(&format!(" In pregnancy: {note}"));
    }
    RoutineItem {
        exercise_id: e.id.as_str(),
        name: e.name.as_str(),
        // Worded once at load: the dose only changes with the content.
        dose: ctx.catalog.refs().exercise_dose[at].as_str(),
        minutes: e.minutes,
        reason,
    }
}
