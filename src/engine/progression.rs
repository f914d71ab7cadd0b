//! Progression without storage: last week's report, which the app keeps and
//! sends back, turned into this week's changes. An exercise that went well
//! stays (the plan is steady week to week); one that felt easy steps up to
//! its harder version unless the pain is worse; one that felt too hard, or
//! was not done, steps down to its easier version; one that hurt is swapped
//! for its easier version or left out. Every change goes through the same
//! safety rules and budget as any other choice, because it only nudges the
//! ranking: an excluded exercise is never brought back.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Exercise, position};

use super::context::Context;
use super::explanation::{m, r, say_at};
use super::input::Felt;

/// This week's nudges from last week's report.
#[derive(Debug, Default)]
pub(super) struct Adjustments<'c> {
    /// Extra score for exercises to keep or bring in.
    pub(super) boost: BTreeMap<&'c str, u32>,
    /// Exercises not to choose this week.
    pub(super) drop: BTreeSet<&'c str>,
    /// What changed for an exercise of this week's plan, and why.
    pub(super) change: BTreeMap<&'c str, String>,
    /// Exercises to keep but make shorter (one set).
    pub(super) shorter: BTreeSet<&'c str>,
    /// Exercises to keep with one set more (easy, with no harder version).
    pub(super) more: BTreeSet<&'c str>,
    /// What to say about each reported exercise, once the plan is known.
    said: Vec<Said<'c>>,
}

/// A reported exercise's change: the rule, the exercise reported, and the
/// one that should carry it this week (itself, a version, or none when it
/// is left out).
#[derive(Debug)]
struct Said<'c> {
    rule: (usize, &'static str),
    was: &'c Exercise,
    into: Option<&'c Exercise>,
    /// Whether the reported exercise suits one of the person's conditions.
    suited: bool,
}

/// Whether `e` is safe for this person (no exclusion).
fn safe(ctx: &Context<'_>, e: &Exercise) -> bool {
    ctx.exercise_exclusions[position(&ctx.catalog.exercises, e)].is_none()
}

/// The first safe version of `e` in `ids` (its easier or harder list).
fn version<'c>(ctx: &Context<'c>, ids: &'c [String]) -> Option<&'c Exercise> {
    ids.iter()
        .filter_map(|id| ctx.catalog.exercise(id))
        .find(|v| safe(ctx, v))
}

/// Whether the pain is worse than last week's report says it was, by the
/// policy's margin; pain not recorded now counts as worse (nothing steps
/// up). False with no report.
pub(super) fn pain_worse(ctx: &Context<'_>) -> bool {
    let Some(report) = ctx.person.last_week.as_ref() else {
        return false;
    };
    match (report.pain_then, ctx.person.pain.intensity) {
        (Some(then), Some(now)) => {
            now >= then.saturating_add(ctx.catalog.policy.limits.pain_worse_by)
        }
        (_, None) => true,
        (None, Some(_)) => false,
    }
}

/// Reads last week's report; fires a step for each change.
pub(super) fn from_report<'c>(ctx: &mut Context<'c>) -> Adjustments<'c> {
    let mut adj = Adjustments::default();
    let Some(report) = ctx.person.last_week.as_ref() else {
        return adj;
    };
    let catalog = ctx.catalog;
    let continuity = catalog.policy.weights.continuity;
    let worse = pain_worse(ctx);
    if worse {
        ctx.fire(r!("progress-pain-worse"), &[], vec![], vec![]);
    }
    // A week steps up at most this many exercises, so a change in pain can
    // be traced to one change.
    let mut step_ups_left = usize::from(catalog.policy.limits.max_step_ups);
    for item in &report.items {
        let Some(e) = catalog.exercise(&item.exercise_id) else {
            continue;
        };
        if worse {
            // Worse pain: nothing harder comes in, by a step-up or otherwise.
            adj.drop.extend(e.harder.iter().map(String::as_str));
        }
        // An exercise that suits none of this person's conditions is not
        // brought back by the report, but what it says still counts: one
        // that hurt is never chosen this week, and its fate is explained.
        let suits = &catalog.refs().exercise_suitable_set[position(&catalog.exercises, e)];
        let suited = ctx.effective_set.overlap(suits) > 0;
        let name = e.name.to_lowercase();
        let easier = version(ctx, &e.easier);
        let harder = version(ctx, &e.harder);
        let not_done = item.days_done < catalog.policy.limits.min_days_done;
        let (rule, into, text): ((usize, &'static str), Option<&Exercise>, String) = match item.felt
        {
            Felt::Painful => {
                adj.drop.insert(e.id.as_str());
                match easier {
                    Some(v) => (
                        r!("progress-swap-painful"),
                        Some(v),
                        say_at(catalog, m!("change.painful_swapped"), &[("was", &name)]),
                    ),
                    None => (r!("progress-drop-painful"), None, String::new()),
                }
            }
            Felt::TooHard | Felt::Right | Felt::TooEasy if not_done => match easier {
                Some(v) => {
                    adj.drop.insert(e.id.as_str());
                    (
                        r!("progress-simpler-not-done"),
                        Some(v),
                        say_at(catalog, m!("change.not_done_simpler"), &[("was", &name)]),
                    )
                }
                None => {
                    adj.shorter.insert(e.id.as_str());
                    (
                        r!("progress-shorter-not-done"),
                        Some(e),
                        catalog.msg(m!("change.not_done_shorter")).to_owned(),
                    )
                }
            },
            Felt::TooHard => match easier {
                Some(v) => {
                    adj.drop.insert(e.id.as_str());
                    (
                        r!("progress-step-down"),
                        Some(v),
                        say_at(catalog, m!("change.too_hard_easier"), &[("was", &name)]),
                    )
                }
                None => {
                    adj.shorter.insert(e.id.as_str());
                    (
                        r!("progress-shorter-too-hard"),
                        Some(e),
                        catalog.msg(m!("change.too_hard_shorter")).to_owned(),
                    )
                }
            },
            // Easy on a few days is not yet easy for a week: it stays
            // until it has been done on most days.
            Felt::TooEasy if item.days_done < catalog.policy.limits.step_up_min_days => {
                (r!("progress-easy-few-days"), Some(e), String::new())
            }
            Felt::TooEasy if !worse && step_ups_left > 0 => {
                step_ups_left -= 1;
                match harder {
                    Some(v) => {
                        adj.drop.insert(e.id.as_str());
                        (
                            r!("progress-step-up"),
                            Some(v),
                            say_at(catalog, m!("change.too_easy_harder"), &[("was", &name)]),
                        )
                    }
                    None => {
                        adj.more.insert(e.id.as_str());
                        (
                            r!("progress-more"),
                            Some(e),
                            super::explanation::words(
                                catalog,
                                "change.too_easy_more",
                                e.kind.as_str(),
                            )
                            .to_owned(),
                        )
                    }
                }
            }
            // Easy, but pain is worse or this week's step-ups are used:
            // one change at a time, so its effect can be judged.
            Felt::TooEasy if worse => (r!("progress-easy-held-pain"), Some(e), String::new()),
            Felt::TooEasy => (r!("progress-easy-held"), Some(e), String::new()),
            Felt::Right => (r!("progress-keep"), Some(e), String::new()),
        };
        if let Some(v) = into {
            if suited {
                *adj.boost.entry(v.id.as_str()).or_default() += continuity;
            }
            if !text.is_empty() {
                adj.change.insert(v.id.as_str(), text);
            }
        }
        adj.said.push(Said {
            rule,
            was: e,
            into,
            suited,
        });
    }
    adj
}

/// Explains each change from last week's report, now that the plan is
/// known: a change is said only of an exercise the plan holds (the daily
/// routine or the stretches after massage, `in_plan`); a reported exercise
/// the plan does not hold is said to be left out, with the reason when a
/// condition, flag or missing extra rules it out.
pub(super) fn explain<'c>(ctx: &mut Context<'c>, adj: &Adjustments<'c>, in_plan: &[&str]) {
    let catalog = ctx.catalog;
    for said in &adj.said {
        let was = said.was.name.to_lowercase();
        let held = said.into.filter(|v| in_plan.contains(&v.id.as_str()));
        match (said.into, held) {
            // Left out because it hurt: said as such.
            (None, _) => ctx.fire(
                said.rule,
                &[("was", &was), ("now", "")],
                vec![said.was.id.as_str()],
                vec![],
            ),
            (Some(v), Some(_)) => {
                let mut ids = vec![said.was.id.as_str()];
                if v.id != said.was.id {
                    ids.push(v.id.as_str());
                }
                let now = v.name.to_lowercase();
                ctx.fire(said.rule, &[("was", &was), ("now", &now)], ids, vec![]);
            }
            (Some(v), None) => {
                // The reported exercise's own exclusion first, then its
                // version's: what rules either out is the reason.
                let listed = |e: &Exercise| {
                    ctx.exercise_exclusions[position(&catalog.exercises, e)]
                        .as_ref()
                        .filter(|x| x.listed)
                };
                let excluded = listed(said.was).or_else(|| listed(v));
                match excluded {
                    Some(x) => {
                        let why = x.reason.clone();
                        let mut ids = vec![said.was.id.as_str()];
                        ids.extend(x.because.iter().copied());
                        ctx.fire(
                            r!("progress-left-out-unsafe"),
                            &[("was", &was), ("why", &why)],
                            ids,
                            vec![],
                        );
                    }
                    None if !said.suited => {
                        let conditions = ctx.effective_condition_names();
                        ctx.fire(
                            r!("progress-not-suited"),
                            &[("was", &was), ("conditions", &conditions)],
                            vec![said.was.id.as_str()],
                            vec![],
                        );
                    }
                    None => ctx.fire(
                        r!("progress-left-out"),
                        &[("was", &was)],
                        vec![said.was.id.as_str()],
                        vec![],
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::engine::input::{
        Duration, ItemReport, Pain, PainArea, Person, Preferences, WeekReport,
    };

    fn adjust(
        items: &[(&str, u8, Felt)],
        then: u8,
        now: u8,
    ) -> (Vec<String>, Vec<String>, Vec<&'static str>) {
        let catalog = Catalog::embedded().expect("embedded content is valid");
        let person = Person {
            pain: Pain {
                duration: Duration::Subacute,
                intensity: Some(now),
                areas: vec![PainArea::LowerBack],
            },
            conditions: vec!["chronic-stiffness".to_owned()],
            red_flags: vec![],
            age: None,
            preferences: Preferences::default(),
            start_back: None,
            last_week: Some(WeekReport {
                pain_then: Some(then),
                items: items
                    .iter()
                    .map(|(id, days, felt)| ItemReport {
                        exercise_id: (*id).to_owned(),
                        days_done: *days,
                        felt: *felt,
                    })
                    .collect(),
            }),
        };
        let mut ctx = Context::new(&catalog, &person);
        ctx.exercise_exclusions = catalog.exercises.iter().map(|_| None).collect();
        let adj = from_report(&mut ctx);
        // Every exercise in the plan: each change is said.
        let all: Vec<&str> = catalog.exercises.iter().map(|e| e.id.as_str()).collect();
        explain(&mut ctx, &adj, &all);
        (
            adj.boost.keys().map(|s| (*s).to_owned()).collect(),
            adj.drop.iter().map(|s| (*s).to_owned()).collect(),
            ctx.steps.iter().map(|s| s.rule).collect(),
        )
    }

    #[test]
    fn easy_steps_up_unless_pain_is_worse() {
        let e = Catalog::embedded().unwrap();
        let with_harder = e
            .exercises
            .iter()
            .find(|x| !x.harder.is_empty())
            .expect("an exercise with a harder version");
        let harder = with_harder.harder[0].clone();
        let (boost, drop, rules) = adjust(&[(&with_harder.id, 6, Felt::TooEasy)], 5, 5);
        assert_eq!((boost, drop), (vec![harder], vec![with_harder.id.clone()]));
        assert!(rules.contains(&"progress-step-up"));
        // Pain up by the policy's margin: no step-up, and no harder
        // version comes in by another way either.
        let (boost, drop, rules) = adjust(&[(&with_harder.id, 6, Felt::TooEasy)], 3, 6);
        assert_eq!(boost, vec![with_harder.id.clone()]);
        let mut harder_all = with_harder.harder.clone();
        harder_all.sort();
        assert_eq!(drop, harder_all);
        assert!(rules.contains(&"progress-pain-worse"));
    }

    #[test]
    fn painful_and_not_done_step_down_or_go() {
        let e = Catalog::embedded().unwrap();
        let with_easier = e
            .exercises
            .iter()
            .find(|x| !x.easier.is_empty())
            .expect("an exercise with an easier version");
        let easier = with_easier.easier[0].clone();
        let (boost, drop, _) = adjust(&[(&with_easier.id, 3, Felt::Painful)], 5, 5);
        assert_eq!(
            (boost, drop),
            (vec![easier.clone()], vec![with_easier.id.clone()])
        );
        let (boost, _, rules) = adjust(&[(&with_easier.id, 0, Felt::Right)], 5, 5);
        assert_eq!(boost, vec![easier]);
        assert!(rules.contains(&"progress-simpler-not-done"));
        let alone = e
            .exercises
            .iter()
            .find(|x| x.easier.is_empty())
            .expect("an exercise with no easier version");
        let (boost, drop, rules) = adjust(&[(&alone.id, 2, Felt::Painful)], 5, 5);
        assert!(boost.is_empty() && drop == vec![alone.id.clone()]);
        assert!(rules.contains(&"progress-drop-painful"));
    }
}
