//! Table tests for the safety policy in content: every escalation rule
//! fires on the signs it names and not on a near miss, age bands act as
//! signs, and massage-only plans never reach people for whom massage may
//! only support exercise.

use backcare::catalog::{Catalog, EscalationRule};
use backcare::engine::{Duration, Pain, PainArea, Person, PlanApproach, Preferences, recommend};

fn catalog() -> Catalog {
    Catalog::embedded().expect("embedded content is valid")
}

/// A person presenting exactly `signs` (flags, conditions, age bands).
fn presenting(c: &Catalog, signs: &[&str]) -> Person {
    let mut p = Person {
        pain: Pain {
            duration: Duration::Acute,
            intensity: Some(4),
            areas: vec![PainArea::LowerBack],
        },
        conditions: vec![],
        red_flags: vec![],
        age: Some(35),
        preferences: Preferences::default(),
        start_back: None,
        last_week: None,
    };
    for s in signs {
        if c.red_flag(s).is_some() {
            p.red_flags.push((*s).to_owned());
        } else if c.condition(s).is_some() {
            p.conditions.push((*s).to_owned());
        } else {
            let band = c
                .policy
                .age_bands
                .iter()
                .find(|b| b.id == *s)
                .expect("a sign");
            p.age = band.min_age.or(band.max_age);
        }
    }
    p.red_flags.sort();
    p.conditions.sort();
    p
}

/// The fewest signs that satisfy `rule`: the first `needed` of each clause.
fn minimal(rule: &EscalationRule) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for clause in &rule.when {
        let fresh: Vec<&str> = clause
            .of
            .iter()
            .map(String::as_str)
            .filter(|s| !out.contains(s))
            .take(clause.needed())
            .collect();
        out.extend(fresh);
    }
    out
}

#[test]
fn every_escalation_rule_fires_on_its_signs_and_not_on_a_near_miss() {
    let c = catalog();
    assert!(!c.escalations.is_empty());
    for rule in &c.escalations {
        let signs = minimal(rule);
        let person = presenting(&c, &signs);
        let r = recommend(&c, &person);
        let fired = r.triage.escalations.iter().find(|e| e.id == rule.id);
        assert!(fired.is_some(), "{}: {signs:?} did not fire it", rule.id);
        assert!(
            r.triage.level.as_str() == rule.urgency.as_str()
                || r.triage.level > backcare::engine::TriageLevel::SelfCare,
            "{}: level {}",
            rule.id,
            r.triage.level
        );
        let rank = |s: &str| {
            ["self_care", "see_clinician", "urgent", "emergency"]
                .iter()
                .position(|x| *x == s)
        };
        assert!(
            rank(r.triage.level.as_str()) >= rank(rule.urgency.as_str()),
            "{}: below its urgency",
            rule.id
        );
        if rule.urgency.as_str() != "see_clinician" {
            assert_eq!(r.approach, PlanApproach::NoPlan, "{}: no plan", rule.id);
        }
        let fired = fired.unwrap();
        assert_eq!(
            fired.action,
            Some(rule.action.as_str()),
            "{}: its own action at its urgency",
            rule.id
        );
        assert!(
            r.triage.message.contains(&rule.reason),
            "{}: the message says why",
            rule.id
        );
        // Each near miss (one sign fewer) does not fire it.
        for left_out in &signs {
            let fewer: Vec<&str> = signs.iter().copied().filter(|s| s != left_out).collect();
            let person = presenting(&c, &fewer);
            let r = recommend(&c, &person);
            assert!(
                !r.triage.escalations.iter().any(|e| e.id == rule.id),
                "{}: fired without {left_out}",
                rule.id
            );
        }
    }
}

#[test]
fn age_bands_act_as_signs_and_modifiers() {
    let c = catalog();
    // 70 or over: the older-adult caps whether or not it was ticked.
    for age in [70, 84, 100] {
        let mut p = presenting(&c, &["muscle-spasm"]);
        p.age = Some(age);
        let r = recommend(&c, &p);
        for t in r
            .massage
            .iter()
            .flat_map(|m| m.techniques.iter().chain(&m.self_massage))
        {
            assert_ne!(
                t.pressure.map(|x| x.as_str()),
                Some("firm"),
                "{age}: {}",
                t.technique_id
            );
        }
        assert!(r.explanation.iter().any(|s| s.rule == "age-band"), "{age}");
    }
    let mut p = presenting(&c, &["muscle-spasm"]);
    p.age = Some(69);
    let r = recommend(&c, &p);
    assert!(
        !r.explanation
            .iter()
            .any(|s| s.catalog_ids.contains(&"age-70-plus")),
        "69 is not 70 or over"
    );
    // Cancer history at 50 with new pain is urgent; at 49, or with pain
    // of more than 12 weeks, it is not.
    for (age, duration, urgent) in [
        (50, Duration::Acute, true),
        (49, Duration::Acute, false),
        (60, Duration::Chronic, false),
    ] {
        let mut p = presenting(&c, &["cancer-history"]);
        p.age = Some(age);
        p.pain.duration = duration;
        let r = recommend(&c, &p);
        assert_eq!(
            r.triage.level.as_str() == "urgent",
            urgent,
            "{age} {duration}"
        );
    }
    // 50 or over with new pain is a sign on its own: see a clinician, and
    // the message says why; at 49, or with pain of more than 12 weeks, no.
    for (age, duration, sign) in [
        (50, Duration::Acute, true),
        (70, Duration::Subacute, true),
        (49, Duration::Acute, false),
        (55, Duration::Chronic, false),
    ] {
        let mut p = presenting(&c, &[]);
        p.age = Some(age);
        p.pain.duration = duration;
        let r = recommend(&c, &p);
        assert_eq!(
            r.triage.level.as_str() == "see_clinician",
            sign,
            "{age} {duration}"
        );
        assert_eq!(
            r.triage.message.contains("50 or over"),
            sign,
            "{age} {duration}: {}",
            r.triage.message
        );
    }
    // Under 16: no plan, with a message that offers no self-care.
    for age in [0, 15] {
        let mut p = presenting(&c, &[]);
        p.age = Some(age);
        let r = recommend(&c, &p);
        assert_eq!(r.approach, PlanApproach::NoPlan, "{age}");
        assert!(
            !r.triage.message.contains("You can start gentle self-care"),
            "{age}"
        );
    }
}

#[test]
fn a_recent_injury_given_as_a_condition_counts_as_the_sign_it_is() {
    let c = catalog();
    for bones in ["osteoporosis", "steroid-use"] {
        let person = presenting(&c, &["recent-injury", bones]);
        let r = recommend(&c, &person);
        assert_eq!(
            r.triage.level.as_str(),
            "urgent",
            "recent injury with {bones}"
        );
    }
}

#[test]
fn massage_never_stands_alone_where_it_may_only_support() {
    let c = catalog();
    let every_position = backcare::catalog::Position::ALL.to_vec();
    for condition in ["low-mood", "sciatica", "spinal-stenosis", "muscle-spasm"] {
        for duration in Duration::ALL {
            if condition == "muscle-spasm" && *duration == Duration::Acute {
                continue; // the one case where massage first may stand alone
            }
            let mut p = presenting(&c, &[condition]);
            p.pain.duration = *duration;
            p.preferences.avoid_positions = every_position.clone();
            let r = recommend(&c, &p);
            assert_ne!(
                r.approach,
                PlanApproach::Massage,
                "{condition} {duration}: massage alone"
            );
            if r.approach == PlanApproach::NoPlan {
                assert!(r.massage.is_none() && r.routine.is_none());
                assert!(
                    r.explanation.iter().any(|s| s.rule == "no-safe-plan"),
                    "{condition}: says why"
                );
                // Nothing of a plan that is not given: no adjuncts, no plan
                // cautions, no step naming a massage.
                assert!(r.adjuncts.is_empty(), "{condition}");
                // Only the safety net: when to get emergency help.
                assert!(
                    r.cautions.len() == 1 && r.cautions[0].from == "red-flags",
                    "{condition}: {:?}",
                    r.cautions
                );
                assert!(
                    !r.explanation
                        .iter()
                        .any(|s| s.rule == "massage" || s.rule == "adjuncts"),
                    "{condition}"
                );
            }
        }
    }
}

#[test]
fn flags_that_exclude_massage_keep_it_out_of_every_part_of_the_plan() {
    let c = catalog();
    for flag in ["minor-trauma", "active-inflammation"] {
        let mut p = presenting(&c, &[flag, "chronic-stiffness"]);
        p.preferences.equipment = backcare::catalog::Equipment::ALL.to_vec();
        let r = recommend(&c, &p);
        assert!(r.massage.is_none(), "{flag}: {:?}", r.massage);
        for item in r
            .routine
            .iter()
            .flat_map(|x| &x.sessions)
            .flat_map(|s| &s.items)
        {
            let e = c.exercise(item.exercise_id).unwrap();
            assert_ne!(e.kind.as_str(), "self-massage", "{flag}: {}", e.id);
        }
    }
    // Active inflammation rules out static stretching, so no held stretch.
    let person = presenting(&c, &["active-inflammation", "chronic-stiffness"]);
    let r = recommend(&c, &person);
    for item in r
        .routine
        .iter()
        .flat_map(|x| &x.sessions)
        .flat_map(|s| &s.items)
    {
        let e = c.exercise(item.exercise_id).unwrap();
        assert!(
            !e.applies.iter().any(|a| a == "static-stretching"),
            "{} is a held stretch",
            e.id
        );
    }
}

#[test]
fn nerve_and_fall_signs_shape_the_plan_like_the_conditions_they_are() {
    let c = catalog();
    // Leg numbness (nerve root): massage only ever beside exercise.
    let mut p = presenting(&c, &["leg-numbness"]);
    p.preferences.avoid_positions = backcare::catalog::Position::ALL.to_vec();
    let r = recommend(&c, &p);
    assert_ne!(r.approach, PlanApproach::Massage);
    // A minor fall or strain: no heat while it settles, and no massage.
    let person = presenting(&c, &["minor-trauma", "non-specific-low-back-pain"]);
    let r = recommend(&c, &person);
    assert!(
        r.adjuncts.iter().all(|a| a.technique_id != "heat-therapy"),
        "{:?}",
        r.adjuncts
    );
    assert!(r.massage.is_none());
    // Long-term steroids thin the bones: the osteoporosis cautions reach them.
    let mut p = presenting(&c, &["steroid-use", "chronic-stiffness"]);
    p.pain.duration = Duration::Subacute;
    let r = recommend(&c, &p);
    let keyed: Vec<&str> = r
        .routine
        .iter()
        .flat_map(|x| &x.sessions)
        .flat_map(|s| &s.items)
        .flat_map(|i| i.cautions.iter().copied())
        .filter(|t| t.contains("osteoporosis"))
        .collect();
    assert!(
        !keyed.is_empty(),
        "no bone caution for long-term steroids: {:?}",
        r.routine
    );
}

#[test]
fn a_sign_counts_as_the_condition_it_is() {
    let c = catalog();
    // A minor fall or strain is a recent injury for the plan: what a recent
    // injury rules out (glute bridge, held stretches into the sore area)
    // stays out.
    let recent = c.condition("recent-injury").unwrap();
    let mut p = presenting(&c, &["minor-trauma", "chronic-stiffness"]);
    p.preferences.minutes_per_day = 30;
    let r = recommend(&c, &p);
    for item in r
        .routine
        .iter()
        .flat_map(|x| &x.sessions)
        .flat_map(|s| &s.items)
    {
        let e = c.exercise(item.exercise_id).unwrap();
        assert!(
            !e.avoid_if.conditions.contains(&recent.id),
            "{} after a minor fall",
            e.id
        );
    }
    // Leg numbness is nerve root pain: massage only beside exercise, and
    // the sciatica cautions reach the items.
    let p = presenting(&c, &["leg-numbness"]);
    let r = recommend(&c, &p);
    assert!(
        r.explanation
            .iter()
            .any(|s| s.rule == "massage-supporting-only"),
        "{:?}",
        r.explanation.iter().map(|s| s.rule).collect::<Vec<_>>()
    );
}

#[test]
fn nothing_is_said_twice_across_the_triage() {
    let c = catalog();
    let mut p = presenting(&c, &["cancer-history", "night-pain"]);
    p.age = Some(60);
    let r = recommend(&c, &p);
    let whole = serde_json::to_string(&r).unwrap();
    for rule in &r.triage.escalations {
        let reason = serde_json::to_string(rule.reason).unwrap();
        let reason = &reason[1..reason.len() - 1];
        // In the message and in the rule's own entry, not again per flag.
        assert!(
            whole.matches(reason).count() <= 2,
            "{} said more than twice",
            rule.id
        );
    }
    // 50 or over with new pain alone: the band's own words, not also the
    // general "soon" lead that would set another timescale.
    let mut p = presenting(&c, &[]);
    p.age = Some(55);
    let r = recommend(&c, &p);
    let lead = c.message("triage.lead.see_clinician");
    assert!(!r.triage.message.contains(lead), "{}", r.triage.message);
}
