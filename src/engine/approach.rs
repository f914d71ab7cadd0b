//! The approach: what the person's conditions prefer, adjusted by the
//! guideline rules (NICE NG59 1.2.7, ACP 2017, STarT Back's pathways) and
//! by the person's access to massage.

use crate::catalog::Approach;

use super::context::{Context, entry_sources};
use super::explanation::r;
use super::input::{Duration, Goal, MassageAccess};
use super::output::Risk;

/// NICE's stratified care: the STarT Back tier decides how much support
/// goes with the plan (NG59 1.1.2, Keele's matched pathways).
pub(super) fn stratified_care(ctx: &mut Context<'_>) {
    let Some(risk) = ctx.risk else { return };
    let rule = match risk {
        Risk::Low => r!("start-back-low-self-management"),
        Risk::Medium => r!("start-back-medium-physiotherapy"),
        Risk::High => r!("start-back-high-psychologically-informed"),
    };
    ctx.fire(rule, &[], vec![], vec![]);
}

/// The approach the conditions prefer, adjusted by the guideline rules.
/// `Massage` here means massage first, with gentle movement beside it:
/// NICE 1.2.7 offers manual therapy only with exercise.
pub(super) fn choose(ctx: &mut Context<'_>) -> Approach {
    // One approach when every condition prefers the same, else both.
    let mut preferred = ctx.effective.iter().map(|c| c.helps.approach);
    let first = preferred.next();
    let mut approach = match first {
        Some(one) if preferred.all(|a| a == one) => one,
        _ => Approach::Combined,
    };
    let ids: Vec<&str> = ctx.effective.iter().map(|c| c.id.as_str()).collect();
    let names = ctx.effective_condition_names();
    let catalog = ctx.catalog;
    // Where massage is ruled out or out of reach, what helps most for this
    // person is the plan without it: said so, and the reason follows.
    let no_massage = ctx.limits.massage_excluded.is_some()
        || ctx.person.preferences.massage_access == MassageAccess::NoAccess;
    let said = if no_massage {
        Approach::Stretching
    } else {
        approach
    };
    let sources = entry_sources(
        &catalog.conditions,
        &catalog.refs().condition_sources,
        &ctx.effective,
    );
    ctx.fire(
        r!("condition-approach"),
        &[
            (
                "approach",
                super::explanation::words(catalog, "approach", said.as_str()),
            ),
            ("conditions", &names),
        ],
        ids,
        sources,
    );

    let person = ctx.person;
    if let Some(b) = ctx.limits.massage_excluded.clone() {
        let args = [
            ("because", b.name.as_ref()),
            ("reason", b.reason.unwrap_or_default()),
        ];
        adjust(
            ctx,
            &mut approach,
            Approach::Stretching,
            r!("massage-excluded"),
            &args,
            vec![b.id],
        );
    }
    if person.preferences.massage_access == MassageAccess::NoAccess {
        adjust(
            ctx,
            &mut approach,
            Approach::Stretching,
            r!("no-massage-access"),
            &[],
            vec![],
        );
    }
    if approach == Approach::Massage
        && let Some(b) = ctx.limits.massage_supporting.clone()
    {
        let args = [
            ("because", b.name.as_ref()),
            ("reason", b.reason.unwrap_or_default()),
        ];
        adjust(
            ctx,
            &mut approach,
            Approach::Combined,
            r!("massage-supporting-only"),
            &args,
            vec![b.id],
        );
    }
    // Combined already: still say that massage only supports the exercise.
    if approach == Approach::Combined
        && let Some(b) = ctx.limits.massage_supporting.clone()
    {
        let args = [
            ("because", b.name.as_ref()),
            ("reason", b.reason.unwrap_or_default()),
        ];
        let ids = if b.id.is_empty() { vec![] } else { vec![b.id] };
        ctx.fire(r!("massage-supporting-only"), &args, ids, vec![]);
    }
    if approach == Approach::Massage && person.pain.duration != Duration::Acute {
        let args = [("duration", person.pain.duration.as_str())];
        adjust(
            ctx,
            &mut approach,
            Approach::Combined,
            r!("nice-1.2.7-massage-with-exercise"),
            &args,
            vec![],
        );
    }
    if approach == Approach::Massage && person.preferences.goal == Goal::LongTerm {
        adjust(
            ctx,
            &mut approach,
            Approach::Combined,
            r!("long-term-goal-exercise"),
            &[],
            vec![],
        );
    }
    if approach == Approach::Massage
        && let Some(risk) = ctx.risk.filter(|r| *r >= Risk::Medium)
    {
        let args = [("risk", risk.as_str())];
        adjust(
            ctx,
            &mut approach,
            Approach::Combined,
            r!("start-back-exercise"),
            &args,
            vec![],
        );
    }
    if approach == Approach::Massage {
        ctx.fire(r!("massage-first-with-movement"), &[], vec![], vec![]);
    } else if person.pain.duration == Duration::Chronic {
        ctx.fire(r!("acp-r2-chronic-exercise"), &[], vec![], vec![]);
    }
    approach
}

/// Words the approach sentence with the plan as built: massage the plan
/// could not hold (no safe or fitting technique, no room in the routine)
/// is not promised by "what helps most for you".
pub(super) fn restate(ctx: &mut Context<'_>, built: Approach) {
    let catalog = ctx.catalog;
    let Some(at) = ctx
        .steps
        .iter()
        .position(|s| s.rule == "condition-approach")
    else {
        return;
    };
    let names = ctx.effective_condition_names();
    let (rule_at, _) = r!("condition-approach");
    let approach = super::explanation::words(catalog, "approach", built.as_str());
    ctx.steps[at].decision =
        catalog.decide(rule_at, &[("approach", approach), ("conditions", &names)]);
}

/// Moves the approach to `to`, explaining why, when it is not there already.
fn adjust<'c>(
    ctx: &mut Context<'c>,
    approach: &mut Approach,
    to: Approach,
    rule: (usize, &'static str),
    args: &[(&str, &str)],
    ids: Vec<&'c str>,
) {
    if *approach != to {
        *approach = to;
        let ids = ids.into_iter().filter(|id| !id.is_empty()).collect();
        ctx.fire(rule, args, ids, vec![]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::engine::input::{Pain, PainArea, Person, Preferences};

    fn approach_for(
        conditions: &[&str],
        duration: Duration,
        goal: Goal,
    ) -> (Approach, Vec<&'static str>) {
        let catalog = Catalog::embedded().expect("embedded content is valid");
        let p = Person {
            pain: Pain {
                duration,
                intensity: Some(3),
                areas: vec![PainArea::LowerBack],
            },
            conditions: conditions.iter().map(|s| (*s).to_owned()).collect(),
            red_flags: vec![],
            age: None,
            preferences: Preferences {
                goal,
                ..Preferences::default()
            },
            start_back: None,
            last_week: None,
        };
        let mut ctx = Context::new(&catalog, &p);
        ctx.limits = crate::engine::limits::decide(&mut ctx, crate::engine::TriageLevel::SelfCare);
        let a = choose(&mut ctx);
        (a, ctx.steps.iter().map(|s| s.rule).collect())
    }

    #[test]
    fn massage_first_only_for_acute_pain_without_a_support_only_condition() {
        let (a, rules) = approach_for(&["muscle-spasm"], Duration::Acute, Goal::QuickRelief);
        assert_eq!(a, Approach::Massage);
        assert!(rules.contains(&"massage-first-with-movement"));
        for duration in [Duration::Subacute, Duration::Chronic] {
            let (a, rules) = approach_for(&["muscle-spasm"], duration, Goal::QuickRelief);
            assert_eq!(a, Approach::Combined, "{duration}");
            assert!(rules.contains(&"nice-1.2.7-massage-with-exercise"));
        }
        let (a, _) = approach_for(&["muscle-spasm"], Duration::Acute, Goal::LongTerm);
        assert_eq!(a, Approach::Combined);
        let (a, rules) = approach_for(
            &["stress-tension", "low-mood"],
            Duration::Acute,
            Goal::QuickRelief,
        );
        assert_ne!(a, Approach::Massage, "{rules:?}");
        let (a, rules) = approach_for(
            &["recent-injury", "muscle-spasm"],
            Duration::Acute,
            Goal::QuickRelief,
        );
        assert_eq!(a, Approach::Stretching);
        assert!(rules.contains(&"massage-excluded"));
    }
}
