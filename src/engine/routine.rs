//! Building the exercise routine: filter for safety and fit, rank for
//! relevance, fill the time budget, then schedule in a sensible order.

use std::borrow::Cow;

use crate::catalog::{
    Area, Equipment, Exercise, ExerciseKind, PregnancySafety, Slot, StretchType, position,
};

use super::context::{Context, Exclusion};
use super::explanation::say;
use super::input::Goal;
use super::limits::names_of;
use super::output::{Avoided, Routine, RoutineItem, Session};

/// Why `e` is not safe or not possible for this person. An exercise is
/// ruled out by its own rules and by every technique it applies: a ball
/// exercise is out wherever the massage ball is.
pub(super) fn exclusion<'c>(ctx: &Context<'c>, e: &'c Exercise) -> Option<Exclusion<'c>> {
    let catalog = ctx.catalog;
    let i = position(&catalog.exercises, e);
    let refs = catalog.refs();
    if let Some(id) = ctx.avoided_by(
        &refs.exercise_avoid_conditions[i],
        &refs.exercise_avoid_flags[i],
    ) {
        let name = ctx.name_of(id);
        return Some((
            say(catalog, "reason.not_safe_with", &[("name", &name)]).into(),
            vec![id],
        ));
    }
    if let Some(c) = ctx.limits.pregnancy_only
        && e.pregnancy.status == PregnancySafety::Avoid
    {
        let note = e.pregnancy.note.as_deref().unwrap_or_default();
        return Some((
            say(catalog, "reason.pregnancy", &[("note", note)])
                .trim_end()
                .to_owned()
                .into(),
            vec![c.id.as_str()],
        ));
    }
    if ctx.person.preferences.avoid_positions.contains(&e.position) {
        let position = super::explanation::words(catalog, "position", e.position.as_str());
        return Some((
            say(catalog, "reason.position", &[("position", &position)]).into(),
            vec![],
        ));
    }
    let prefs = &ctx.person.preferences;
    if let Some(missing) = e
        .equipment
        .iter()
        .find(|q| **q != Equipment::None && !prefs.equipment.contains(q))
    {
        let equipment = missing.as_str().replace('_', " ");
        let args = [("equipment", equipment.as_str())];
        return Some((say(catalog, "reason.needs_equipment", &args).into(), vec![]));
    }
    if e.difficulty > ctx.limits.max_difficulty {
        let because = names_of(&ctx.limits.difficulty_by, catalog.message("names.and"));
        let difficulty = capitalise(e.difficulty.as_str());
        return Some((
            say(
                catalog,
                "reason.too_hard",
                &[("difficulty", &difficulty), ("because", &because)],
            )
            .into(),
            ctx.limits.difficulty_ids(),
        ));
    }
    if e.kind == ExerciseKind::SelfMassage && !ctx.self_massage_allowed() {
        return Some((
            Cow::Borrowed(catalog.message("reason.self_massage_not_in_plan")),
            vec![],
        ));
    }
    for id in &e.applies {
        let Some(t) = ctx.technique(id) else { continue };
        if let Some((why, because)) = &ctx.technique_exclusions[position(&catalog.techniques, t)] {
            let name = t.name.to_lowercase();
            return Some((
                say(
                    catalog,
                    "reason.applies",
                    &[("technique", &name), ("why", why)],
                )
                .into(),
                because.clone(),
            ));
        }
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

/// A set of areas as one bit per area.
pub(super) fn area_bits(areas: &[Area]) -> u32 {
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
    let w = &ctx.catalog.policy.weights;
    let goal = match (ctx.person.preferences.goal, e.kind) {
        (Goal::LongTerm | Goal::Both, ExerciseKind::Strength) => w.strength_for_long_term,
        (Goal::QuickRelief, ExerciseKind::Stretch | ExerciseKind::Mobility) => {
            w.stretch_for_quick_relief
        }
        _ => 0,
    };
    suits * w.suits + hurts * w.hurts + slots * w.slot + goal
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
        && after_massage_used < usize::from(ctx.catalog.policy.limits.max_after_massage)
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
/// With `gentle_only` (massage first) it holds gentle movement only, and
/// strength work where the plan needs it.
pub(super) fn build<'c>(ctx: &mut Context<'c>, gentle_only: bool) -> Option<Routine<'c>> {
    let budget = u16::from(ctx.person.preferences.minutes_per_day);
    let refs = ctx.catalog.refs();
    let limits = &ctx.catalog.policy.limits;
    let (max_items, max_per_area) = (
        usize::from(limits.max_items),
        usize::from(limits.max_per_area),
    );
    let strength = super::approach::wants_strength(ctx);
    // Exclusions were decided once for the person (Context); reuse them.
    let mut candidates: Vec<(u32, &Exercise)> = ctx
        .catalog
        .exercises
        .iter()
        .zip(&ctx.exercise_exclusions)
        .zip(&refs.exercise_suitable)
        .filter(|((e, excluded), suitable)| {
            excluded.is_none()
                && ctx.effective_set.count(suitable) > 0
                && (!gentle_only
                    || e.kind == ExerciseKind::Mobility
                    || (strength && e.kind == ExerciseKind::Strength))
        })
        .map(|((e, _), _)| (score(ctx, e), e))
        .collect();
    // Stable sort: id order among equal scores keeps answers deterministic.
    candidates.sort_by_key(|(s, _)| std::cmp::Reverse(*s));

    // Strength work prevents recurrence (NICE, ACP R2): a long-term goal
    // reserves room for the best strength exercise before anything else.
    if strength
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
        if chosen.len() == max_items {
            break;
        }
        let main_area = e.areas.first();
        let same_area = chosen
            .iter()
            .filter(|c| c.areas.first() == main_area)
            .count();
        if used + u16::from(e.minutes) <= budget && same_area < max_per_area {
            used += u16::from(e.minutes);
            chosen.push(e);
        }
    }
    if chosen.is_empty() {
        ctx.fire("routine-empty", &[], vec![], vec![]);
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
    let exercises = if chosen.len() == 1 {
        ctx.catalog.message("routine.count_one").to_owned()
    } else {
        say(
            ctx.catalog,
            "routine.count_many",
            &[("count", &chosen.len().to_string())],
        )
    };
    let (used_text, budget_text) = (used.to_string(), budget.to_string());
    ctx.fire(
        "routine",
        &[
            ("exercises", &exercises),
            ("used", &used_text),
            ("budget", &budget_text),
        ],
        ids,
        sources,
    );
    Some(Routine {
        total_minutes: used,
        sessions,
    })
}

fn item<'c>(ctx: &Context<'c>, e: &'c Exercise) -> RoutineItem<'c> {
    let catalog = ctx.catalog;
    let at = position(&catalog.exercises, e);
    let suits = ctx.effective_among(&catalog.refs().exercise_suitable[at]);
    let reason = say(catalog, "item.suits", &[("conditions", &ctx.names(&suits))]);
    let pregnancy_note =
        if ctx.limits.pregnancy_only.is_some() && e.pregnancy.status == PregnancySafety::Modify {
            e.pregnancy.note.as_deref()
        } else {
            None
        };

    RoutineItem {
        exercise_id: e.id.as_str(),
        name: e.name.as_str(),
        // Worded once at load: the dose only changes with the content.
        dose: catalog.refs().exercise_dose[at].as_str(),
        minutes: e.minutes,
        reason,
        cautions: ctx.cautions_for(&e.cautions),
        pregnancy_note,
    }
}
