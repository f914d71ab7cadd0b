//! Building the exercise routine: filter for safety and fit, rank for
//! relevance, fill the time budget, then schedule in a sensible order.

use crate::catalog::{
    Exercise, ExerciseKind, Modality, PregnancySafety, Slot, StretchType, position,
};

use super::context::{Context, Exclusion, area_bits, names_of};
use super::explanation::{m, r, say_at};
use super::input::Goal;
use super::output::{Avoided, DoseParts, Progression, Routine, RoutineItem, Session, Variant};
use super::progression::Adjustments;

/// Why `e` is not safe or not possible for this person. An exercise is
/// ruled out by its own rules and by every technique it applies: a ball
/// exercise is out wherever the massage ball is.
pub(super) fn exclusion<'c>(ctx: &Context<'c>, e: &'c Exercise) -> Option<Exclusion<'c>> {
    let catalog = ctx.catalog;
    let i = position(&catalog.exercises, e);
    let refs = catalog.refs();
    if let Some((id, name)) = ctx.avoided_by(
        &refs.exercise_avoid_conditions[i],
        &refs.exercise_avoid_flags[i],
    ) {
        return Some(Exclusion::listed(
            say_at(catalog, m!("reason.not_safe_with"), &[("name", name)]),
            vec![id],
        ));
    }
    if let Some(c) = ctx.limits.pregnancy_only
        && e.pregnancy.status == PregnancySafety::Avoid
    {
        let note = e.pregnancy.note.as_deref().unwrap_or_default();
        return Some(Exclusion::listed(
            say_at(catalog, m!("reason.pregnancy"), &[("note", note)])
                .trim_end()
                .to_owned(),
            vec![c.id.as_str()],
        ));
    }
    if ctx.person.preferences.avoid_positions.contains(&e.position) {
        return Some(Exclusion::quiet());
    }
    if let Some(missing) = ctx.missing(&e.equipment) {
        return Some(missing);
    }
    if e.difficulty > ctx.limits.max_difficulty {
        let because = names_of(&ctx.limits.difficulty_by, catalog.msg(m!("names.and")));
        let difficulty = e.difficulty.as_str();
        return Some(Exclusion::listed(
            say_at(
                catalog,
                m!("reason.too_hard"),
                &[("difficulty", difficulty), ("because", &because)],
            ),
            ctx.limits.difficulty_ids(),
        ));
    }
    if e.kind == ExerciseKind::SelfMassage && !ctx.self_massage_allowed() {
        // Listed only when a condition or flag keeps massage out; a person
        // without access to massage knows.
        return Some(match &ctx.limits.massage_excluded {
            Some(b) if !b.id.is_empty() => Exclusion::listed(
                say_at(
                    catalog,
                    m!("reason.no_massage_with"),
                    &[
                        ("name", b.name.as_ref()),
                        ("reason", b.reason.unwrap_or_default()),
                    ],
                ),
                vec![b.id],
            ),
            _ => Exclusion::quiet(),
        });
    }
    for t in &refs.exercise_applies[i] {
        let t = usize::from(*t);
        if let Some(x) = &ctx.technique_exclusions[t] {
            // What the person's own choices rule out is never said.
            if !x.listed {
                return Some(Exclusion::quiet());
            }
            let name = &catalog.techniques[t].phrase;
            return Some(Exclusion {
                reason: say_at(
                    catalog,
                    m!("reason.applies"),
                    &[("technique", name), ("why", &x.reason)],
                )
                .into(),
                because: x.because.clone(),
                listed: x.listed,
            });
        }
    }
    None
}

/// Relevance: conditions it suits count most, then the areas that hurt,
/// then the times of day the conditions favour, then the person's goal.
/// `suits` is how many of the person's conditions it suits.
fn score(ctx: &Context<'_>, e: &Exercise, suits: usize) -> u32 {
    let suits = suits as u32;
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
        .filter(|s| ctx.preferred_slots.contains(**s))
        .count() as u32;
    let w = &ctx.catalog.policy.weights;
    let goal = match (ctx.person.preferences.goal, e.kind) {
        (Goal::LongTerm | Goal::Both, ExerciseKind::Strength) => w.strength_for_long_term,
        (Goal::QuickRelief, ExerciseKind::Stretch | ExerciseKind::Mobility) => {
            w.stretch_for_quick_relief
        }
        _ => 0,
    };
    let tools = if ctx.self_massage_chosen && e.kind == ExerciseKind::SelfMassage {
        w.self_massage_with_tools
    } else {
        0
    };
    suits * w.suits + hurts * w.hurts + slots * w.slot + goal + tools
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

/// The slot to do `e` in: a time the person's conditions favour among the
/// exercise's own, else the time its kind goes in (mornings gentle
/// mobility, the day strength, evenings deeper holds). Nothing daily goes
/// after a massage that comes every few weeks.
fn slot_for(ctx: &Context<'_>, e: &Exercise) -> Slot {
    let own = ctx
        .catalog
        .policy
        .slot_by_kind
        .get(&e.kind)
        .copied()
        .unwrap_or(Slot::Evening);
    // Mornings hold only the kinds the policy puts there (gentle
    // mobility), whatever else a condition favours.
    if let Some(s) = e.best_time.iter().find(|s| {
        ctx.preferred_slots.contains(**s)
            && **s != Slot::AfterMassage
            && (**s != Slot::Morning || own == Slot::Morning)
    }) {
        return *s;
    }
    own
}

/// The exercises this person would expect to hear are left out, with reasons.
pub(super) fn avoided<'c>(ctx: &mut Context<'c>) -> Vec<Avoided<'c>> {
    // The last use of the cache: take it rather than copy every reason.
    let exclusions = std::mem::take(&mut ctx.exercise_exclusions);
    ctx.catalog
        .exercises
        .iter()
        .zip(exclusions)
        .filter_map(|(e, excluded)| {
            excluded.filter(|x| x.listed).map(|x| Avoided {
                kind: "exercise",
                id: e.id.as_str(),
                name: e.name.as_str(),
                reason: x.reason,
                because: x.because,
            })
        })
        .collect()
}

/// What `e` works, as a number (see `Refs::exercise_target`).
fn target(ctx: &Context<'_>, e: &Exercise) -> u16 {
    ctx.catalog.refs().exercise_target[position(&ctx.catalog.exercises, e)]
}

/// How many strength exercises a plan that needs strength holds, for this
/// many minutes a day.
fn strength_count(ctx: &Context<'_>, budget: u16) -> usize {
    ctx.catalog
        .policy
        .limits
        .strength_items
        .iter()
        .filter(|s| u16::from(s.from_minutes) <= budget)
        .map(|s| usize::from(s.count))
        .max()
        .unwrap_or(0)
}

/// The sets of `e` this week: one when last week's report asks for a
/// shorter version, one more when it felt easy and has no harder version.
fn sets_of(e: &Exercise, adj: &Adjustments<'_>) -> u8 {
    if adj.shorter.contains(e.id.as_str()) {
        1
    } else if adj.more.contains(e.id.as_str()) {
        e.dose.sets.saturating_add(1).min(5)
    } else {
        e.dose.sets
    }
}

/// The minutes `e` takes this week, in step with its sets.
fn minutes_of(e: &Exercise, adj: &Adjustments<'_>) -> u8 {
    let sets = sets_of(e, adj);
    if sets == e.dose.sets {
        e.minutes
    } else {
        let per_set = f32::from(e.minutes) / f32::from(e.dose.sets.max(1));
        (per_set * f32::from(sets)).round().max(1.0) as u8
    }
}

/// Builds the daily routine, or `None` when no exercise is both safe and
/// suitable. With `gentle_only` (massage first) it holds gentle movement,
/// and strength work where the plan needs it. `warm_up` names the adjunct
/// in the plan that warms the muscles before the stretching session.
pub(super) fn build<'c>(
    ctx: &mut Context<'c>,
    gentle_only: bool,
    adj: &Adjustments<'c>,
    warm_up: Option<&'c crate::catalog::Technique>,
) -> Option<Routine<'c>> {
    let budget = u16::from(ctx.person.preferences.minutes_per_day);
    let refs = ctx.catalog.refs();
    let limits = &ctx.catalog.policy.limits;
    let (max_items, max_per_area) = (
        usize::from(limits.max_items),
        usize::from(limits.max_per_area),
    );
    let strength = ctx.needs_strength();
    // Exclusions were decided once for the person (Context); reuse them.
    // Last week's report only nudges the ranking among safe exercises.
    let mut candidates: Vec<(u32, &Exercise)> = Vec::with_capacity(ctx.catalog.exercises.len());
    candidates.extend(
        ctx.catalog
            .exercises
            .iter()
            .zip(&ctx.exercise_exclusions)
            .zip(&refs.exercise_suitable_set)
            .filter_map(|((e, excluded), suitable)| {
                // Massage first comes with gentle movement, and the
                // self-massage itself has its place in the routine.
                if excluded.is_some()
                    || (gentle_only
                        && e.kind != ExerciseKind::Mobility
                        && e.kind != ExerciseKind::SelfMassage
                        && !(strength && e.kind == ExerciseKind::Strength))
                {
                    return None;
                }
                let suits = ctx.effective_set.overlap(suitable);
                let boost = adj.boost.get(e.id.as_str()).copied();
                // Strength for the areas that hurt suits anyone whose plan needs
                // strength, whatever the condition's own list names.
                let strength_for_pain = strength
                    && e.kind == ExerciseKind::Strength
                    && ctx.pain_bits.iter().any(|b| b & area_bits(&e.areas) != 0);
                let fits = suits > 0 || boost.is_some() || strength_for_pain;
                (fits && !adj.drop.contains(e.id.as_str()))
                    .then(|| (score(ctx, e, suits) + boost.unwrap_or(0), e))
            }),
    );
    // Stable sort: id order among equal scores keeps answers deterministic.
    candidates.sort_by_key(|(s, _)| std::cmp::Reverse(*s));

    // Strength work prevents recurrence (NICE, ACP R2): a plan that needs
    // it reserves room for the best strength exercises, of different
    // targets, before anything else.
    if strength {
        let wanted = strength_count(ctx, budget);
        let mut reserved: Vec<(u32, &Exercise)> = Vec::new();
        // Strength for the areas that hurt first (for the lower back and
        // hips: dead bug, bird dog, glute bridge), then any other.
        let works_pain = |e: &Exercise| {
            let worked = area_bits(&e.areas);
            ctx.pain_bits.iter().any(|bits| bits & worked != 0)
        };
        for pass in [true, false] {
            for (score, e) in &candidates {
                if reserved.len() == wanted {
                    break;
                }
                if e.kind == ExerciseKind::Strength
                    && works_pain(e) == pass
                    && !reserved
                        .iter()
                        .any(|(_, r)| target(ctx, r) == target(ctx, e) || std::ptr::eq(*r, *e))
                {
                    reserved.push((*score, e));
                }
            }
        }
        candidates.retain(|(_, e)| !reserved.iter().any(|(_, r)| std::ptr::eq(*r, *e)));
        reserved.extend(candidates);
        candidates = reserved;
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
        // One exercise per target: two hamstring stretches, or cat-cow
        // and its seated version, do the same job twice.
        let works = target(ctx, e);
        let same_target = chosen.iter().any(|c| target(ctx, c) == works);
        let minutes = u16::from(minutes_of(e, adj));
        if used + minutes <= budget && same_area < max_per_area && !same_target {
            used += minutes;
            chosen.push(e);
        }
    }
    if chosen.is_empty() {
        ctx.fire(r!("routine-empty"), &[], vec![], vec![]);
        return None;
    }

    let mut placed: Vec<(Slot, &Exercise)> =
        chosen.iter().map(|e| (slot_for(ctx, e), *e)).collect();
    placed.sort_by_key(|(slot, e)| {
        let at = SLOT_ORDER
            .iter()
            .position(|s| s == slot)
            .unwrap_or(SLOT_ORDER.len());
        // Catalog position is id order.
        (at, order_in_session(e), position(&ctx.catalog.exercises, e))
    });

    let mut sessions: Vec<Session<'_>> = Vec::new();
    for (slot, e) in placed {
        let item = item(ctx, e, adj);
        match sessions.last_mut() {
            Some(s) if s.slot == slot => s.items.push(item),
            _ => sessions.push(Session {
                slot,
                before: None,
                items: vec![item],
            }),
        }
    }
    // Heat just before the stretching session, where heat is in the plan.
    if let Some(t) = warm_up
        && let Some(session) = sessions
            .iter_mut()
            .find(|s| s.items.iter().any(|i| i.kind == ExerciseKind::Stretch))
    {
        session.before = Some(say_at(
            ctx.catalog,
            m!("session.warm_up"),
            &[("technique", &t.phrase)],
        ));
    }
    let ids: Vec<&str> = chosen.iter().map(|e| e.id.as_str()).collect();
    let sources: Vec<u16> = chosen
        .iter()
        .flat_map(|e| &refs.exercise_sources[position(&ctx.catalog.exercises, e)])
        .copied()
        .collect();
    let exercises = if chosen.len() == 1 {
        ctx.catalog.msg(m!("routine.count_one")).to_owned()
    } else {
        say_at(
            ctx.catalog,
            m!("routine.count_many"),
            &[("count", &chosen.len().to_string())],
        )
    };
    let (used_text, budget_text) = (used.to_string(), budget.to_string());
    ctx.fire(
        r!("routine"),
        &[
            ("exercises", &exercises),
            ("used", &used_text),
            ("budget", &budget_text),
        ],
        ids,
        sources,
    );
    explain_no_stretches(ctx, &chosen);
    Some(Routine {
        total_minutes: used,
        sessions,
    })
}

/// A routine with no held stretch because every stretching technique is
/// ruled out says so: the approach's name must not promise stretches the
/// person cannot have.
fn explain_no_stretches<'c>(ctx: &mut Context<'c>, chosen: &[&'c Exercise]) {
    if chosen.iter().any(|e| e.kind == ExerciseKind::Stretch) {
        return;
    }
    let catalog = ctx.catalog;
    let mut stretching = catalog
        .techniques
        .iter()
        .zip(&ctx.technique_exclusions)
        .filter(|(t, _)| t.modality == Modality::Stretching);
    let mut because: Vec<&'c str> = Vec::new();
    let mut ids: Vec<&'c str> = Vec::new();
    let all_out = stretching.all(|(t, x)| match x {
        Some(x) if x.listed => {
            ids.push(t.id.as_str());
            for b in &x.because {
                if !because.contains(b) {
                    because.push(b);
                }
            }
            true
        }
        _ => false,
    });
    if !all_out || ids.is_empty() {
        return;
    }
    let names = ctx.names(&because);
    ids.extend(because);
    ctx.fire(r!("no-held-stretches"), &[("because", &names)], ids, vec![]);
}

/// The stretches to do straight after a professional massage, while the
/// muscles are warm: safe, suitable held stretches made for that moment,
/// one per target, none that the daily routine already holds (its target
/// is already worked) or that last week's report keeps out.
pub(super) fn after_massage<'c>(
    ctx: &Context<'c>,
    routine: Option<&Routine<'c>>,
    adj: &Adjustments<'c>,
) -> Vec<RoutineItem<'c>> {
    let refs = ctx.catalog.refs();
    let daily: Vec<&str> = routine
        .iter()
        .flat_map(|r| &r.sessions)
        .flat_map(|s| &s.items)
        .map(|i| i.target)
        .collect();
    let mut candidates: Vec<(u32, &Exercise)> = ctx
        .catalog
        .exercises
        .iter()
        .zip(&ctx.exercise_exclusions)
        .zip(&refs.exercise_suitable_set)
        .filter_map(|((e, excluded), suitable)| {
            let suits = ctx.effective_set.overlap(suitable);
            (excluded.is_none()
                && e.kind == ExerciseKind::Stretch
                && e.best_time.contains(&Slot::AfterMassage)
                && suits > 0
                && !adj.drop.contains(e.id.as_str())
                && !daily.contains(&e.target.as_str()))
            .then(|| (score(ctx, e, suits), e))
        })
        .collect();
    candidates.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
    let mut out: Vec<&Exercise> = Vec::new();
    for (_, e) in candidates {
        if out.len() == usize::from(ctx.catalog.policy.limits.max_after_massage) {
            break;
        }
        let works = target(ctx, e);
        if !out.iter().any(|o| target(ctx, o) == works) {
            out.push(e);
        }
    }
    out.into_iter().map(|e| item(ctx, e, adj)).collect()
}

/// Whether the version `v` may be shown to the person: safe for them, and
/// not one that hurt last week.
fn offered(ctx: &Context<'_>, v: &Exercise, adj: &Adjustments<'_>) -> bool {
    ctx.exercise_exclusions[position(&ctx.catalog.exercises, v)].is_none()
        && !adj.drop.contains(v.id.as_str())
}

/// The versions of `e` among `ids` that may be shown, and the place in
/// `ids` of the first of them.
fn variants<'c>(
    ctx: &Context<'c>,
    ids: &[u16],
    adj: &Adjustments<'c>,
) -> (Vec<Variant<'c>>, Option<usize>) {
    let mut first = None;
    let mut out = Vec::new();
    for (i, p) in ids.iter().enumerate() {
        let v = &ctx.catalog.exercises[usize::from(*p)];
        if offered(ctx, v, adj) {
            first.get_or_insert(i);
            out.push(Variant {
                exercise_id: v.id.as_str(),
                name: v.name.as_str(),
            });
        }
    }
    (out, first)
}

fn item<'c>(ctx: &Context<'c>, e: &'c Exercise, adj: &Adjustments<'c>) -> RoutineItem<'c> {
    let catalog = ctx.catalog;
    let at = position(&catalog.exercises, e);
    let suits = ctx.effective_names(&catalog.refs().exercise_suitable[at]);
    let reason = say_at(
        catalog,
        m!("item.reason"),
        &[("benefit", &e.benefit), ("conditions", &suits)],
    );
    // In pregnancy every note is said: a safe exercise's note still tells
    // how to make room for the bump.
    let pregnancy_note = if ctx.limits.pregnancy_only.is_some() {
        e.pregnancy.note.as_deref()
    } else {
        None
    };
    let refs = catalog.refs();
    let (easier, first_easier) = variants(ctx, &refs.exercise_easier[at], adj);
    let (harder, first_harder) = variants(ctx, &refs.exercise_harder[at], adj);
    // The sentences naming a version were worded at load.
    let progression = Progression {
        progress_when: match first_harder {
            Some(i) => refs.exercise_up_to[at][i].as_str().into(),
            None => catalog
                .msg(match e.kind {
                    ExerciseKind::Stretch => m!("progression.up_more.stretch"),
                    ExerciseKind::Mobility => m!("progression.up_more.mobility"),
                    ExerciseKind::Strength => m!("progression.up_more.strength"),
                    ExerciseKind::SelfMassage => m!("progression.up_more.self-massage"),
                })
                .into(),
        },
        progress_to: harder.first().cloned(),
        drop_back_when: match first_easier {
            Some(i) => refs.exercise_down_to[at][i].as_str().into(),
            None => catalog.msg(m!("progression.down_less")).into(),
        },
        drop_back_to: easier.first().cloned(),
    };
    let sets = sets_of(e, adj);
    let dose_parts = DoseParts {
        hold_seconds: e.dose.hold_seconds,
        reps: e.dose.reps,
        sets,
        per_side: e.dose.per_side,
    };
    let dose: std::borrow::Cow<'c, str> = if sets != e.dose.sets {
        crate::catalog::Dose {
            sets,
            ..e.dose.clone()
        }
        .in_words()
        .into()
    } else {
        // Worded once at load: the dose only changes with the content.
        catalog.refs().exercise_dose[at].as_str().into()
    };
    RoutineItem {
        exercise_id: e.id.as_str(),
        name: e.name.as_str(),
        dose,
        minutes: minutes_of(e, adj),
        reason,
        cautions: ctx.cautions_for(&e.cautions, &catalog.refs().exercise_caution_keys[at]),
        pregnancy_note,
        steps: &e.steps,
        dose_parts,
        feel: e.feel.as_str(),
        target: e.target.as_str(),
        kind: e.kind,
        easier,
        harder,
        progression,
        change: adj.change.get(e.id.as_str()).cloned(),
    }
}
