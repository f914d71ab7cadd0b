//! The caps on a plan: the firmest pressure, the hardest exercise, whether
//! massage may be used or only support exercise, from the person's
//! conditions (named or implied by their age), their red flags, and their
//! pain. The tightest cap wins, and each cap names who set it.

use std::borrow::Cow;

use crate::catalog::{Difficulty, MassageRole, Pressure};

use super::context::{Because, Context, Limits};
use super::explanation::say;
use super::explanation::{m, r};
use super::output::TriageLevel;

/// One source of caps, condition or flag alike.
struct Caps<'c> {
    because: Because<'c>,
    massage: MassageRole,
    max_pressure: Option<Pressure>,
    max_difficulty: Option<Difficulty>,
}

/// Tightens `current` to `cap` when it is lower, or adds `by` to the list
/// when it is equal: a cap set by two conditions names both.
fn tighten<'c, T: Ord + Copy>(
    current: &mut T,
    by: &mut Vec<Because<'c>>,
    cap: T,
    who: &Because<'c>,
) {
    if cap < *current {
        *current = cap;
        by.clear();
        by.push(who.clone());
    } else if cap == *current && !by.iter().any(|b| b.id == who.id) {
        by.push(who.clone());
    }
}

/// Works out the caps, and explains the ones that bind.
pub(super) fn decide<'c>(ctx: &mut Context<'c>, level: TriageLevel) -> Limits<'c> {
    let catalog = ctx.catalog;
    let mut caps: Vec<Caps<'c>> = Vec::new();
    for c in &ctx.effective {
        let m = &c.modifiers;
        caps.push(Caps {
            because: Because {
                id: c.id.as_str(),
                name: ctx.condition_name(c).into(),
                reason: m.massage_reason.as_deref(),
            },
            massage: m.massage,
            max_pressure: m.max_pressure,
            max_difficulty: m.max_difficulty,
        });
    }
    for f in &ctx.flags {
        let m = &f.modifiers;
        caps.push(Caps {
            because: Because {
                id: f.id.as_str(),
                name: ctx.flag_name(f).into(),
                reason: m.massage_reason.as_deref(),
            },
            massage: m.massage,
            max_pressure: m.max_pressure,
            max_difficulty: m.max_difficulty,
        });
    }
    let mut l = Limits::default();
    for cap in &caps {
        if let Some(p) = cap.max_pressure {
            tighten(&mut l.max_pressure, &mut l.pressure_by, p, &cap.because);
        }
        if let Some(d) = cap.max_difficulty {
            tighten(&mut l.max_difficulty, &mut l.difficulty_by, d, &cap.because);
        }
        match cap.massage {
            MassageRole::Excluded if l.massage_excluded.is_none() => {
                l.massage_excluded = Some(cap.because.clone());
            }
            MassageRole::SupportingOnly if l.massage_supporting.is_none() => {
                l.massage_supporting = Some(cap.because.clone());
            }
            _ => {}
        }
    }
    l.pregnancy_only = ctx
        .effective
        .iter()
        .copied()
        .find(|c| c.modifiers.pregnancy_safe_only);

    // A warning sign for a clinician, or pain that is severe or unrecorded,
    // makes every part of the plan gentle.
    let intensity = ctx.person.pain.intensity;
    l.gentle = if level == TriageLevel::SeeClinician && ctx.pain_review_alone {
        Some("gentle.pain_rising")
    } else if level == TriageLevel::SeeClinician && ctx.flags.is_empty() {
        // No warning sign ticked: the age, alone or with a condition, asks
        // for the check.
        Some("gentle.age_sign")
    } else if level == TriageLevel::SeeClinician {
        Some("gentle.warning_sign")
    } else if intensity.is_none() {
        Some("gentle.unrecorded_pain")
    } else if intensity.is_some_and(|i| i >= catalog.policy.limits.severe_pain) {
        Some("gentle.severe_pain")
    } else {
        None
    };
    if let Some(key) = l.gentle {
        let because = Because {
            id: "",
            name: Cow::Owned(say(catalog, key, &[])),
            reason: None,
        };
        tighten(
            &mut l.max_pressure,
            &mut l.pressure_by,
            Pressure::Light,
            &because,
        );
        tighten(
            &mut l.max_difficulty,
            &mut l.difficulty_by,
            Difficulty::Beginner,
            &because,
        );
    }
    l
}

/// Explains the caps that bind, once the plan is known: pressure is said
/// only of a plan that holds massage or self-massage (`pressure_in_plan`),
/// so that an answer with no massage never speaks of its pressure; "the
/// plan is gentle" only of an answer with a plan (`has_plan`).
pub(super) fn explain(ctx: &mut Context<'_>, has_plan: bool, pressure_in_plan: bool) {
    let catalog = ctx.catalog;
    let and = catalog.msg(m!("names.and"));
    let l = &ctx.limits;
    let gentle = l.gentle.filter(|_| has_plan);
    let (pressure, difficulty) = (l.max_pressure, l.max_difficulty);
    // "The whole plan is gentle" already says light pressure and beginner
    // level: the caps name only who else sets them, and are not said
    // when no one else does.
    let others = |by: &[Because<'_>]| -> Option<String> {
        let mut names = by
            .iter()
            .filter(|b| gentle.is_none() || !b.id.is_empty())
            .map(|b| b.name.as_ref())
            .peekable();
        names.peek()?;
        Some(super::context::join_words(names, and))
    };
    let (pressure_by, difficulty_by) = (others(&l.pressure_by), others(&l.difficulty_by));
    let (pressure_ids, difficulty_ids) = (l.pressure_ids(), l.difficulty_ids());
    if let Some(key) = gentle {
        let what = catalog.msg(if pressure_in_plan {
            m!("gentle.what.with_massage")
        } else {
            m!("gentle.what.exercise")
        });
        let flags = ctx.flags.iter().map(|f| f.id.as_str()).collect();
        let because = say(catalog, key, &[]);
        ctx.fire(
            r!("gentle-plan"),
            &[("because", &because), ("what", what)],
            flags,
            vec![],
        );
    }
    if let Some(pressure_by) = pressure_by.filter(|_| pressure_in_plan && pressure < Pressure::Firm)
    {
        ctx.fire(
            r!("pressure-cap"),
            &[("pressure", pressure.as_str()), ("because", &pressure_by)],
            pressure_ids,
            vec![],
        );
    }
    if let Some(difficulty_by) = difficulty_by.filter(|_| difficulty < Difficulty::Advanced) {
        ctx.fire(
            r!("difficulty-cap"),
            &[
                ("difficulty", difficulty.as_str()),
                ("because", &difficulty_by),
            ],
            difficulty_ids,
            vec![],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::engine::input::{Duration, Pain, PainArea, Person, Preferences};

    fn person(
        conditions: &[&str],
        flags: &[&str],
        intensity: Option<u8>,
        age: Option<u8>,
    ) -> Person {
        Person {
            pain: Pain {
                duration: Duration::Acute,
                intensity,
                areas: vec![PainArea::LowerBack],
            },
            conditions: conditions.iter().map(|s| (*s).to_owned()).collect(),
            red_flags: flags.iter().map(|s| (*s).to_owned()).collect(),
            age,
            preferences: Preferences::default(),
            start_back: None,
            last_week: None,
        }
    }

    fn limits_for(p: &Person) -> (Pressure, Vec<String>, bool, bool) {
        let catalog = Catalog::embedded().expect("embedded content is valid");
        let mut ctx = Context::new(&catalog, p);
        let l = decide(&mut ctx, TriageLevel::SelfCare);
        (
            l.max_pressure,
            l.pressure_ids().iter().map(|s| (*s).to_owned()).collect(),
            l.massage_excluded.is_some(),
            l.massage_supporting.is_some(),
        )
    }

    #[test]
    fn the_tightest_cap_wins_and_ties_name_every_source() {
        let (p, by, _, _) = limits_for(&person(
            &["osteoporosis", "spinal-instability"],
            &[],
            Some(3),
            None,
        ));
        assert_eq!(p, Pressure::Light);
        assert_eq!(by, ["osteoporosis", "spinal-instability"]);
        let (p, by, _, _) = limits_for(&person(
            &["osteoporosis", "older-adult"],
            &[],
            Some(3),
            None,
        ));
        assert_eq!((p, by), (Pressure::Light, vec!["osteoporosis".to_owned()]));
    }

    #[test]
    fn age_flags_and_pain_cap_like_conditions() {
        // 70 or over: the older-adult cap without ticking it.
        let (p, by, _, _) = limits_for(&person(&[], &[], Some(3), Some(75)));
        assert_eq!(
            (p, by),
            (Pressure::Moderate, vec!["older-adult".to_owned()])
        );
        // A flag's modifiers cap and exclude as a condition's do.
        let (p, _, _, _) = limits_for(&person(&[], &["leg-numbness"], Some(3), None));
        assert_eq!(p, Pressure::Moderate);
        let (_, _, excluded, _) = limits_for(&person(&[], &["minor-trauma"], Some(3), None));
        assert!(excluded);
        let (_, _, _, supporting) = limits_for(&person(&["low-mood"], &[], Some(3), None));
        assert!(supporting);
        // Severe or unrecorded pain: light pressure, set by the pain itself.
        for intensity in [Some(7), Some(10), None] {
            let (p, by, _, _) = limits_for(&person(&[], &[], intensity, None));
            assert_eq!((p, by.len()), (Pressure::Light, 0), "{intensity:?}");
        }
    }
}
