//! Property tests: random valid requests against the real catalog, checking
//! the safety invariants the engine must never break. The FHIR parsers'
//! fuzzing lives beside them, in `src/ehr`.

use std::sync::OnceLock;

use backcare::catalog::{
    Catalog, Difficulty, Equipment, MassageRole, Position, PregnancySafety, Pressure,
    TechniqueStatus, Urgency,
};
use backcare::engine::{
    Bothersomeness, Duration, Felt, Goal, ItemReport, MassageAccess, Pain, PainArea, Person,
    PlanApproach, Preferences, Risk, StartBackAnswers, TriageLevel, WeekReport, recommend,
};
use proptest::prelude::*;
use proptest::sample::subsequence;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("embedded content is valid"))
}

fn ids<T>(items: &[T], id: fn(&T) -> &String) -> Vec<String> {
    items.iter().map(|x| id(x).clone()).collect()
}

fn person() -> impl Strategy<Value = Person> {
    let c = catalog();
    let conditions = ids(&c.conditions, |x| &x.id);
    let flags = ids(&c.red_flags, |x| &x.id);
    let n_conditions = conditions.len();
    let n_flags = flags.len();
    (
        (
            prop::sample::select(Duration::ALL),
            prop::option::of(0u8..=10),
            subsequence(PainArea::ALL, 1..=PainArea::ALL.len()),
        ),
        subsequence(conditions, 0..=n_conditions.min(4)),
        prop_oneof![3 => Just(vec![]), 1 => subsequence(flags, 0..=n_flags.min(2))],
        prop::option::of(0u8..=100),
        (
            5u8..=120,
            subsequence(Equipment::ALL, 0..=Equipment::ALL.len()),
            subsequence(Position::ALL, 0..=Position::ALL.len()),
            prop::sample::select(MassageAccess::ALL),
            prop::sample::select(Goal::ALL),
            subsequence(
                vec![Equipment::Wall, Equipment::Chair, Equipment::Towel],
                0..=3,
            ),
        ),
        prop::option::of((
            prop::array::uniform8(any::<bool>()),
            prop::sample::select(Bothersomeness::ALL),
        )),
        prop::option::of((
            prop::option::of(0u8..=10),
            prop::collection::vec(
                (
                    prop::sample::select(ids(&c.exercises, |x| &x.id)),
                    0u8..=7,
                    prop::sample::select(Felt::ALL),
                ),
                0..6,
            ),
        )),
    )
        .prop_map(
            |((duration, intensity, areas), conditions, red_flags, age, prefs, sb, report)| {
                Person {
                    pain: Pain {
                        duration,
                        intensity,
                        areas,
                    },
                    conditions,
                    red_flags,
                    age,
                    preferences: Preferences {
                        minutes_per_day: prefs.0,
                        equipment: prefs.1,
                        avoid_positions: prefs.2,
                        massage_access: prefs.3,
                        goal: prefs.4,
                        lacks: prefs.5,
                        asked_about: vec![],
                    },
                    start_back: sb.map(|(a, bothersomeness)| StartBackAnswers {
                        leg_pain: a[0],
                        shoulder_or_neck_pain: a[1],
                        walked_short_distances_only: a[2],
                        dressed_slowly: a[3],
                        not_safe_to_be_active: a[4],
                        worrying_thoughts: a[5],
                        pain_terrible_never_better: a[6],
                        no_enjoyment: a[7],
                        bothersomeness,
                    }),
                    last_week: report.map(|(pain_then, items)| {
                        let mut items: Vec<ItemReport> = items
                            .into_iter()
                            .map(|(exercise_id, days_done, felt)| ItemReport {
                                exercise_id,
                                days_done,
                                felt,
                            })
                            .collect();
                        items.sort();
                        items.dedup_by(|a, b| a.exercise_id == b.exercise_id);
                        WeekReport { pain_then, items }
                    }),
                }
            },
        )
}

/// The conditions a person's age brings in (70 and over: older adult) and
/// those their signs count as (a minor fall is a recent injury).
fn implied<'c>(c: &'c Catalog, p: &Person) -> Vec<&'c str> {
    c.policy
        .age_bands
        .iter()
        .filter(|b| p.age.is_some_and(|a| b.holds(a, p.pain.duration)))
        .flat_map(|b| b.implies_conditions.iter().map(String::as_str))
        .chain(
            p.red_flags
                .iter()
                .filter_map(|f| c.red_flag(f))
                .flat_map(|f| f.counts_as.iter().map(String::as_str)),
        )
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn safety_invariants_hold(p in person()) {
        let c = catalog();
        let r = recommend(c, &p);
        let has = |id: &String| p.conditions.contains(id);
        let flagged = |id: &String| p.red_flags.contains(id);

        // Emergency or urgent: no plan at all.
        let worst = p.red_flags.iter().filter_map(|f| c.red_flag(f)).map(|f| f.urgency).max();
        if matches!(r.triage.level, TriageLevel::Emergency | TriageLevel::Urgent) {
            prop_assert_eq!(r.approach, PlanApproach::NoPlan);
            prop_assert!(r.massage.is_none() && r.routine.is_none());
        }
        if worst == Some(Urgency::Emergency) {
            prop_assert_eq!(r.triage.level, TriageLevel::Emergency);
        }
        if p.age.is_some_and(|a| a < 16) {
            prop_assert_eq!(r.approach, PlanApproach::NoPlan);
        }

        // Massage: recommended, not excluded, within pressure caps and access.
        let cap = p.conditions.iter().filter_map(|id| c.condition(id)).filter_map(|x| x.modifiers.max_pressure).min();
        let excluded = p.conditions.iter().filter_map(|id| c.condition(id)).any(|x| x.modifiers.massage == MassageRole::Excluded);
        if let Some(m) = &r.massage {
            prop_assert!(!excluded, "massage despite a condition excluding it");
            prop_assert!(p.preferences.massage_access != MassageAccess::NoAccess);
            if p.preferences.massage_access == MassageAccess::SelfOnly {
                prop_assert!(m.techniques.is_empty());
            }
            for pick in m.techniques.iter().chain(&m.self_massage) {
                let t = c.technique(pick.technique_id).unwrap();
                prop_assert_eq!(t.status, TechniqueStatus::Recommended);
                prop_assert!(!t.avoid_if.conditions.iter().any(has), "{} excluded by a condition", t.id);
                prop_assert!(!t.avoid_if.red_flags.iter().any(flagged), "{} excluded by a flag", t.id);
                if let (Some(cap), Some(pressure)) = (cap, t.pressure) {
                    prop_assert!(pressure <= cap, "{} too firm", t.id);
                }
                if r.triage.level == TriageLevel::SeeClinician {
                    prop_assert!(t.pressure.is_none_or(|x| x == Pressure::Light));
                }
                prop_assert!(t.equipment.iter().all(|e| p.preferences.equipment.contains(e)));
            }
        }
        for pick in &r.adjuncts {
            let t = c.technique(pick.technique_id).unwrap();
            prop_assert_eq!(t.status, TechniqueStatus::Recommended);
            prop_assert!(!t.avoid_if.conditions.iter().any(has) && !t.avoid_if.red_flags.iter().any(flagged));
        }

        // No massage-only plan for ongoing pain, nor for a STarT Back tier
        // that calls for physiotherapy.
        if r.approach == PlanApproach::Massage {
            prop_assert_eq!(p.pain.duration, Duration::Acute);
            prop_assert!(r.start_back.as_ref().is_none_or(|sb| sb.risk == Risk::Low));
        }

        // Severe or unrecorded pain: light pressure and beginner exercises only.
        if p.pain.intensity.is_none_or(|i| i >= 7) {
            for pick in r.massage.iter().flat_map(|m| m.techniques.iter().chain(&m.self_massage)) {
                prop_assert!(pick.pressure.is_none_or(|x| x == Pressure::Light), "{} too firm", pick.technique_id);
            }
            for item in r.routine.iter().flat_map(|x| &x.sessions).flat_map(|s| &s.items) {
                let e = c.exercise(item.exercise_id).unwrap();
                prop_assert_eq!(e.difficulty, Difficulty::Beginner, "{} too hard", &e.id);
            }
        }

        // The routine: safe, possible, within budget, never empty.
        let pregnant = p.conditions.iter().filter_map(|id| c.condition(id)).any(|x| x.modifiers.pregnancy_safe_only);
        if let Some(routine) = &r.routine {
            let mut total = 0u16;
            let mut items = 0;
            for session in &routine.sessions {
                prop_assert!(!session.items.is_empty());
                for item in &session.items {
                    items += 1;
                    total += u16::from(item.minutes);
                    let e = c.exercise(item.exercise_id).unwrap();
                    prop_assert!(!e.avoid_if.conditions.iter().any(has), "{} excluded by a condition", e.id);
                    prop_assert!(!e.avoid_if.red_flags.iter().any(flagged), "{} excluded by a flag", e.id);
                    prop_assert!(!p.preferences.avoid_positions.contains(&e.position), "{} in an avoided position", e.id);
                    prop_assert!(e.equipment.iter().all(|q| *q == Equipment::None || p.preferences.equipment.contains(q)
                        || (c.policy.household.contains(q) && !p.preferences.lacks.contains(q))), "{} needs equipment", e.id);
                    if pregnant {
                        prop_assert!(e.pregnancy.status != PregnancySafety::Avoid, "{} in pregnancy", e.id);
                    }
                    let mut effective: Vec<&str> = if p.conditions.is_empty() { vec![c.policy.default_condition.as_str()] } else { p.conditions.iter().map(String::as_str).collect() };
                    effective.extend(implied(c, &p));
                    // An easier or harder version of a suitable exercise may come in
                    // from last week's report.
                    let suits = |x: &backcare::catalog::Exercise| x.suitable_for.iter().any(|s| effective.contains(&s.as_str()));
                    let variant = p.last_week.is_some()
                        && c.exercises.iter().any(|o| suits(o) && (o.easier.contains(&e.id) || o.harder.contains(&e.id)));
                    // Strength for an area in pain suits anyone whose plan needs it.
                    let for_pain = e.kind == backcare::catalog::ExerciseKind::Strength
                        && p.pain.areas.iter().any(|a| c.policy.area_map.get(a).is_some_and(|areas| e.areas.iter().any(|x| areas.contains(x))));
                    prop_assert!(suits(e) || variant || for_pain, "{} suits none of the conditions", e.id);
                }
            }
            prop_assert!(items > 0);
            prop_assert_eq!(total, routine.total_minutes);
            prop_assert!(total <= u16::from(p.preferences.minutes_per_day));
        }
        if r.approach == PlanApproach::Stretching || r.approach == PlanApproach::Combined {
            prop_assert!(r.routine.is_some());
        }

        // Deterministic to the byte.
        let again = recommend(c, &p);
        prop_assert_eq!(serde_json::to_string(&r).unwrap(), serde_json::to_string(&again).unwrap());
    }
}

/// Every sentence of a text, for comparing messages sentence by sentence.
fn sentences(text: &str) -> Vec<String> {
    backcare::engine::sentences(text)
        .map(str::to_owned)
        .collect()
}

/// The person's conditions as the engine sees them: named, implied by
/// age, or the default when none is named.
fn conditions_of<'c>(c: &'c Catalog, p: &Person) -> Vec<&'c str> {
    let mut out: Vec<&str> = p
        .conditions
        .iter()
        .filter_map(|id| c.condition(id))
        .map(|x| x.id.as_str())
        .collect();
    out.extend(implied(c, p));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// The safety policy holds beyond single rules: exclusions reach no
    /// one through anything that applies the excluded technique, massage
    /// is never the whole plan where it may only support, urgent answers
    /// say nothing of a lower urgency's action and nothing twice, firm
    /// pressure never reaches anyone 70 or over, and every caution an item
    /// carries for the person's conditions and equipment is on it (and
    /// none for others: no one is told to use what they lack).
    #[test]
    fn policy_invariants_hold(p in person()) {
        let c = catalog();
        let r = recommend(c, &p);
        let conditions = conditions_of(c, &p);
        let has = |id: &String| conditions.contains(&id.as_str());
        let flagged = |id: &String| p.red_flags.contains(id);
        // What the person has: their extras, and the household items they
        // did not say they lack.
        let owns = |q: &Equipment| p.preferences.equipment.contains(q)
            || (c.policy.household.contains(q) && !p.preferences.lacks.contains(q));
        let equipped = |note: &backcare::catalog::CautionNote| note.needs.iter().all(owns)
            && (note.without.is_empty() || note.without.iter().any(|q| !owns(q)));
        let flags: Vec<_> = p.red_flags.iter().filter_map(|f| c.red_flag(f)).collect();
        let massage_out = conditions.iter().filter_map(|id| c.condition(id)).any(|x| x.modifiers.massage == MassageRole::Excluded)
            || flags.iter().any(|f| f.modifiers.massage == MassageRole::Excluded);
        let supporting = conditions.iter().filter_map(|id| c.condition(id)).any(|x| x.modifiers.massage == MassageRole::SupportingOnly)
            || flags.iter().any(|f| f.modifiers.massage == MassageRole::SupportingOnly);
        let cap = conditions.iter().filter_map(|id| c.condition(id)).filter_map(|x| x.modifiers.max_pressure)
            .chain(flags.iter().filter_map(|f| f.modifiers.max_pressure))
            .chain((p.pain.intensity.is_none_or(|i| i >= c.policy.limits.severe_pain)
                || r.triage.level == TriageLevel::SeeClinician).then_some(Pressure::Light))
            .min();

        // Exclusions through every door: each item inherits what it applies.
        for item in r.routine.iter().flat_map(|x| &x.sessions).flat_map(|s| &s.items) {
            let e = c.exercise(item.exercise_id).unwrap();
            for t in e.applies.iter().filter_map(|id| c.technique(id)) {
                prop_assert!(!t.avoid_if.conditions.iter().any(has), "{} applies {}, excluded by a condition", e.id, t.id);
                prop_assert!(!t.avoid_if.red_flags.iter().any(flagged), "{} applies {}, excluded by a flag", e.id, t.id);
                if let (Some(cap), Some(pressure)) = (cap, t.pressure) {
                    prop_assert!(pressure <= cap, "{} applies {} above the pressure cap", e.id, t.id);
                }
                if t.pressure.is_some() {
                    prop_assert!(!massage_out, "{} applies {} while massage is excluded", e.id, t.id);
                }
            }
            // Every caution for this person's conditions or flags, and
            // none for anyone else.
            for note in &e.cautions {
                let keyed = !note.only_with.conditions.is_empty() || !note.only_with.red_flags.is_empty();
                let for_them = (!keyed
                    || note.only_with.conditions.iter().any(has)
                    || note.only_with.red_flags.iter().any(flagged))
                    && (note.durations.is_empty() || note.durations.contains(&p.pain.duration))
                    && equipped(note);
                prop_assert_eq!(item.cautions.contains(&note.text.as_str()), for_them, "{}: {}", e.id, &note.text);
            }
        }
        if let Some(m) = &r.massage {
            prop_assert!(!massage_out, "massage while a condition or flag excludes it");
            for pick in m.techniques.iter().chain(&m.self_massage) {
                let t = c.technique(pick.technique_id).unwrap();
                if let (Some(cap), Some(pressure)) = (cap, t.pressure) {
                    prop_assert!(pressure <= cap, "{} above the pressure cap", t.id);
                }
                if p.age.is_some_and(|a| a >= 70) {
                    prop_assert!(t.pressure != Some(Pressure::Firm), "{} firm at 70 or over", t.id);
                }
                for note in &t.cautions {
                    let keyed = !note.only_with.conditions.is_empty() || !note.only_with.red_flags.is_empty();
                    let for_them = (!keyed
                        || note.only_with.conditions.iter().any(has)
                        || note.only_with.red_flags.iter().any(flagged))
                        && (note.durations.is_empty() || note.durations.contains(&p.pain.duration))
                        && equipped(note);
                    prop_assert_eq!(pick.cautions.contains(&note.text.as_str()), for_them, "{}: {}", t.id, &note.text);
                }
            }
            // Firm pressure is never the whole of the massage: a firm one to
            // book has a lighter alternative beside it, and is never the
            // whole plan.
            let firm_only = !m.techniques.is_empty()
                && m.techniques.iter().chain(&m.self_massage).all(|t| t.pressure == Some(Pressure::Firm));
            if firm_only {
                prop_assert!(m.alternatives.iter().any(|t| t.pressure != Some(Pressure::Firm)), "only firm massage, no lighter option");
                prop_assert!(r.routine.is_some(), "firm massage as the whole plan");
            }
        }

        // Massage alone only for acute pain, and never where it may only support.
        if r.approach == PlanApproach::Massage {
            prop_assert_eq!(p.pain.duration, Duration::Acute);
            prop_assert!(!supporting, "massage-only plan where massage may only support");
        }

        // Urgent and emergency answers: no sentence of a lower urgency's
        // action anywhere, and no sentence twice in the message.
        let level = r.triage.level;
        let message = sentences(&r.triage.message);
        let mut seen = std::collections::BTreeSet::new();
        for s in &message {
            prop_assert!(seen.insert(s.clone()), "said twice: {}", s);
        }
        if matches!(level, TriageLevel::Urgent | TriageLevel::Emergency) {
            let whole = serde_json::to_string(&r).unwrap();
            let lower = |u: Urgency| match level {
                TriageLevel::Emergency => u < Urgency::Emergency,
                _ => u < Urgency::Urgent,
            };
            let actions = c.red_flags.iter().filter(|f| lower(f.urgency)).map(|f| f.action.as_str())
                .chain(c.escalations.iter().filter(|e| lower(e.urgency)).map(|e| e.action.as_str()));
            for action in actions {
                for s in sentences(action) {
                    // Short sentences ("Go now.") may be shared by design.
                    if s.split(' ').count() > 4 {
                        prop_assert!(!whole.contains(&s), "a lower urgency's sentence in a {} answer: {}", level, s);
                    }
                }
            }
        }
        // A balanced daily routine: one item per target, within budget;
        // the occasional part is not counted.
        if let Some(routine) = &r.routine {
            let mut targets: Vec<&str> = routine.sessions.iter().flat_map(|s| &s.items).map(|i| i.target).collect();
            let n = targets.len();
            targets.sort_unstable();
            targets.dedup();
            prop_assert_eq!(targets.len(), n, "two items share a target");
            let summed: u16 = routine.sessions.iter().flat_map(|s| &s.items).map(|i| u16::from(i.minutes)).sum();
            prop_assert_eq!(summed, routine.total_minutes);
            prop_assert!(summed <= u16::from(p.preferences.minutes_per_day));
        }
        if let Some(m) = &r.massage {
            prop_assert!(m.techniques.len() <= 1, "more than one massage to book");
            for item in &m.after_massage {
                let e = c.exercise(item.exercise_id).unwrap();
                prop_assert!(!e.avoid_if.conditions.iter().any(has) && !e.avoid_if.red_flags.iter().any(flagged), "{} after massage", e.id);
            }
        }
        // Last week's report: what hurt stays out everywhere (routine, the
        // stretches after massage, every progression); worse pain brings in
        // nothing harder; at most the policy's number of step-ups.
        if let Some(report) = &p.last_week {
            let all_items: Vec<_> = r.routine.iter().flat_map(|x| &x.sessions).flat_map(|s| &s.items)
                .chain(r.massage.iter().flat_map(|m| &m.after_massage)).collect();
            let suits_them = |id: &str| c.exercise(id).is_some_and(|e| {
                let mut eff = conditions.clone();
                if p.conditions.is_empty() { eff.push(c.policy.default_condition.as_str()); }
                e.suitable_for.iter().any(|s| eff.contains(&s.as_str()))
            });
            // Whether or not it suits their conditions now.
            for ri in &report.items {
                if ri.felt == Felt::Painful {
                    for item in &all_items {
                        prop_assert!(item.exercise_id != ri.exercise_id, "{} hurt last week but is back", ri.exercise_id);
                        for v in item.progression.progress_to.iter().chain(&item.progression.drop_back_to) {
                            prop_assert!(v.exercise_id != ri.exercise_id, "{} hurt last week but is offered as a next step", ri.exercise_id);
                        }
                    }
                }
            }
            let worse = match (report.pain_then, p.pain.intensity) {
                (Some(then), Some(now)) => now >= then.saturating_add(c.policy.limits.pain_worse_by),
                (_, None) => true,
                _ => false,
            };
            // Walking holds while the pain is up.
            if let Some(a) = r.activity.as_ref().filter(|_| worse) {
                prop_assert_eq!(a.progress, c.message("activity.hold"));
            }
            let reported = |id: &str| report.items.iter().any(|i| i.exercise_id == id);
            let mut stepped = 0;
            for item in r.routine.iter().flat_map(|x| &x.sessions).flat_map(|s| &s.items) {
                let from: Vec<&ItemReport> = report.items.iter().filter(|i| suits_them(&i.exercise_id)
                    && c.exercise(&i.exercise_id).is_some_and(|e| e.harder.iter().any(|h| h == item.exercise_id))).collect();
                if !from.is_empty() && !reported(item.exercise_id) {
                    prop_assert!(!worse, "{} is harder than last week's item with worse pain", item.exercise_id);
                    if from.iter().any(|i| i.felt == Felt::TooEasy) { stepped += 1; }
                }
            }
            prop_assert!(stepped <= usize::from(c.policy.limits.max_step_ups) + 1, "{} step-ups", stepped);
            // A change is said only of what the plan holds: a step that
            // keeps, shortens or swaps in an exercise names one in the
            // routine or after massage; a reported exercise the plan does
            // not hold is said to be left out, never to stay.
            let held: Vec<&str> = all_items.iter().map(|i| i.exercise_id).collect();
            for step in &r.explanation {
                match step.rule {
                    "progress-left-out" | "progress-left-out-unsafe" | "progress-not-suited" => {
                        prop_assert!(!held.contains(&step.catalog_ids[0]), "{} is in the plan but said to be left out", step.catalog_ids[0]);
                    }
                    "progress-pain-worse" | "progress-drop-painful" => {}
                    rule if rule.starts_with("progress-") => {
                        let now = step.catalog_ids.last().copied().unwrap_or_default();
                        prop_assert!(held.contains(&now), "{rule} names {now}, which the plan does not hold");
                    }
                    _ => {}
                }
            }
        }
        // Every reported exercise hears what became of it, once.
        if let Some(report) = &p.last_week
            && r.approach != PlanApproach::NoPlan
        {
                for ri in report.items.iter().filter(|i| c.exercise(&i.exercise_id).is_some()) {
                    let told = r.explanation.iter()
                        .filter(|s| s.rule.starts_with("progress-") && s.rule != "progress-pain-worse")
                        .filter(|s| s.catalog_ids.first() == Some(&ri.exercise_id.as_str()))
                        .count();
                    prop_assert_eq!(told, 1, "{} reported, told {} times", &ri.exercise_id, told);
                }
        }
        // With no plan, nothing explains what the plan follows, and the
        // answer is at least a visit to a clinician.
        if r.approach == PlanApproach::NoPlan {
            prop_assert!(!r.explanation.iter().any(|s| s.rule == "age-band"), "an age band's care with no plan");
            prop_assert!(r.triage.level >= TriageLevel::SeeClinician, "no plan, yet self-care");
        }
        // Pressure is said only of a plan with massage in it, and never
        // looser than the cap that binds.
        let items: Vec<_> = r.routine.iter().flat_map(|x| &x.sessions).flat_map(|s| &s.items).collect();
        let pressure_in_plan = r.massage.is_some()
            || items.iter().any(|i| i.kind == backcare::catalog::ExerciseKind::SelfMassage);
        if !pressure_in_plan {
            prop_assert!(!r.explanation.iter().any(|s| s.rule == "pressure-cap"), "a pressure cap with no massage");
            for s in r.explanation.iter().filter(|s| s.rule == "gentle-plan") {
                prop_assert!(!s.decision.contains("massage"), "gentle plan speaks of massage: {}", s.decision);
            }
        }
        let plan_cap = r.explanation.iter().find(|s| s.rule == "pressure-cap").map(|s| {
            if s.decision.contains(" light ") { Pressure::Light } else { Pressure::Moderate }
        });
        for caution in &r.cautions {
            let note = c.condition(caution.from).into_iter().flat_map(|x| &x.cautions).find(|n| n.text == caution.text);
            if let Some(n) = note.filter(|n| n.with_massage) {
                prop_assert!(pressure_in_plan, "massage caution with no massage: {}", n.text);
            }
            if let Some(p) = note.and_then(|n| n.pressure) {
                prop_assert!(pressure_in_plan, "pressure caution with no massage: {}", caution.text);
                prop_assert!(plan_cap.is_none_or(|cap| p <= cap), "caution looser than the cap: {}", caution.text);
            }
            // A caution another of theirs says more fully is not repeated.
            if let Some(n) = note {
                prop_assert!(!n.unless.conditions.iter().any(has) && !n.unless.red_flags.iter().any(flagged), "{} said though hidden", caution.text);
            }
        }
        // A plan with no massage never says massage is what helps most.
        if r.massage.is_none() && r.approach != PlanApproach::NoPlan {
            for s in r.explanation.iter().filter(|s| s.rule == "condition-approach") {
                for a in ["approach.combined", "approach.massage"] {
                    prop_assert!(!s.decision.contains(c.message(a)), "no massage, yet: {}", s.decision);
                }
            }
        }
        // One booking timeframe in the message, not two.
        let bookings = sentences(&r.triage.message).iter().filter(|s| s.to_lowercase().contains("book an appointment")).count();
        prop_assert!(bookings <= 1, "{} bookings: {}", bookings, r.triage.message);
        // Lasting pain is not told it may settle within days.
        if p.pain.duration != Duration::Acute {
            prop_assert!(!r.triage.message.contains(c.message("triage.severe_pain")), "days-to-ease told for {} pain", p.pain.duration);
        }
        // Pain rising with every reported exercise hurting is for review.
        if let Some(report) = &p.last_week {
            let rising = matches!((report.pain_then, p.pain.intensity), (Some(t), Some(n)) if n >= t.saturating_add(c.policy.limits.pain_worse_by));
            if rising && !report.items.is_empty() && report.items.iter().all(|i| i.felt == Felt::Painful) {
                prop_assert!(r.triage.level >= TriageLevel::SeeClinician, "rising pain, everything hurt, self-care only");
            }
        }
        // The self-massage the plan names is the routine's own, when the
        // routine holds any.
        if let Some(m) = &r.massage {
            let mut in_routine: Vec<&str> = items.iter()
                .filter(|i| i.kind == backcare::catalog::ExerciseKind::SelfMassage)
                .flat_map(|i| c.exercise(i.exercise_id).unwrap().applies.iter().map(String::as_str))
                .filter(|t| c.technique(t).is_some_and(|t| t.modality == backcare::catalog::Modality::SelfMassage))
                .collect();
            in_routine.sort_unstable();
            in_routine.dedup();
            let mut picks: Vec<&str> = m.self_massage.iter().map(|t| t.technique_id).collect();
            picks.sort_unstable();
            prop_assert_eq!(picks, in_routine, "self-massage picks differ from the routine's");
            prop_assert!(!m.techniques.is_empty() || !m.self_massage.is_empty(), "an empty massage part");
        }
        // An escalation states the answer's own urgency; one below it says
        // what it alone would call for.
        let level_words = c.message(&format!("urgency.{}", r.triage.level));
        for step in r.explanation.iter().filter(|s| s.rule == "escalation") {
            prop_assert!(step.decision.contains(level_words), "escalation at another urgency: {}", step.decision);
        }
        // In pregnancy, every item carries its exercise's pregnancy note.
        let pregnancy_only = conditions.iter().filter_map(|id| c.condition(id)).any(|x| x.modifiers.pregnancy_safe_only);
        if pregnancy_only {
            for item in &items {
                let e = c.exercise(item.exercise_id).unwrap();
                prop_assert_eq!(item.pregnancy_note, e.pregnancy.note.as_deref(), "{}: pregnancy note", e.id);
            }
        }
        // An easy item steps up only after most of a week of it.
        if let Some(report) = &p.last_week {
            for ri in report.items.iter().filter(|i| i.days_done < c.policy.limits.step_up_min_days) {
                prop_assert!(!r.explanation.iter().any(|s| s.rule == "progress-step-up" && s.catalog_ids.first() == Some(&ri.exercise_id.as_str())), "{} stepped up after {} days", &ri.exercise_id, ri.days_done);
            }
        }
        // A condition a reported sign brings in is said to come from it.
        if r.approach != PlanApproach::NoPlan {
            for f in &flags {
                for cond in f.counts_as.iter().filter(|x| !p.conditions.contains(x)) {
                    prop_assert!(r.explanation.iter().any(|s| s.rule == "flag-counts-as" && s.catalog_ids.contains(&cond.as_str())), "{} implied by {} without a word", cond, f.id);
                }
            }
        }
        // An item done on too few days is never said to have gone well.
        if let Some(report) = &p.last_week {
            for ri in report.items.iter().filter(|i| i.days_done < c.policy.limits.min_days_done) {
                prop_assert!(!r.explanation.iter().any(|s| s.rule == "progress-keep" && s.catalog_ids.first() == Some(&ri.exercise_id.as_str())), "{} done {} days, said to have gone well", &ri.exercise_id, ri.days_done);
            }
        }
        // An escalation names what the person reported, not what one of
        // those signs implies.
        for step in r.explanation.iter().filter(|s| s.rule == "escalation") {
            for id in implied(c, &p).into_iter().filter(|id| !p.conditions.iter().any(|x| x == id)) {
                let implier_listed = step.catalog_ids.iter().any(|s| {
                    c.red_flag(s).is_some_and(|f| f.counts_as.iter().any(|x| x == id))
                        || c.policy.age_bands.iter().any(|b| b.id == *s && b.implies_conditions.iter().any(|x| x == id))
                });
                let name = c.condition(id).unwrap().name.to_lowercase();
                if implier_listed {
                    prop_assert!(!step.decision.contains(&format!(", {name}")) && !step.decision.contains(&format!(" {name} ")) , "escalation names implied {}: {}", id, step.decision);
                }
            }
        }
        // Each flag's own action is said at most once in the answer.
        let whole = serde_json::to_string(&r).unwrap();
        for f in &flags {
            let action = serde_json::to_string(&f.action).unwrap();
            let action = &action[1..action.len() - 1];
            prop_assert!(whole.matches(action).count() <= 1, "{}'s action said twice", f.id);
        }
    }
}
