//! The decision engine behind `POST /recommendation`: pure functions over an
//! immutable [`Catalog`], as a short pipeline of named steps, each in its
//! own file: triage, limits, approach, massage, routine, cautions. The
//! explanation records every rule as it fires.
//!
//! Knowledge comes from the catalog: escalation rules, age bands,
//! thresholds, weights, the rules' sources and every sentence said to the
//! person are content (`content/policy/`), so the engine holds the
//! algorithm and nothing clinical of its own.

mod approach;
mod cautions;
mod context;
pub mod explanation;
mod guidance;
pub mod input;
mod limits;
mod massage;
pub mod output;
mod progression;
mod routine;
pub mod start_back;
mod triage;

use crate::catalog::{Approach, Catalog, Pressure, Technique};
use context::{Context, entry_sources};
use explanation::{m, r};
pub use input::*;
pub use output::*;
pub use triage::sentences;

/// Problems that would make the engine cite, assume or say missing content.
pub fn check_catalog(catalog: &Catalog) -> Vec<String> {
    explanation::check(catalog)
}

/// A recommendation with no plan: only the triage and what to do now.
fn no_plan<'c>(
    mut ctx: Context<'c>,
    mut triage: Triage<'c>,
    start_back: Option<StartBackResult>,
) -> Recommendation<'c> {
    triage.message = triage::message(&ctx, &triage, false);
    // The explanation names only what the answer holds: an age band's
    // care for a plan is moot when there is no plan.
    ctx.steps
        .retain(|s| s.rule != "age-band" && s.rule != "flag-counts-as");
    let triage_level = triage.level;
    Recommendation {
        triage,
        approach: PlanApproach::NoPlan,
        massage: None,
        adjuncts: Vec::new(),
        routine: None,
        activity: None,
        education: Vec::new(),
        avoid: Vec::new(),
        // No plan, so no plan cautions (keeping active or how to stretch
        // would contradict "be seen first"); only the signs that mean
        // emergency help, below an emergency answer.
        cautions: cautions::safety_net(&ctx, triage_level),
        explanation: ctx.steps,
        start_back,
        catalog_version: ctx.catalog.version.as_str(),
    }
}

/// Decides what this person should do, explaining every rule that fired.
pub fn recommend<'c>(catalog: &'c Catalog, person: &'c Person) -> Recommendation<'c> {
    let mut ctx = Context::new(catalog, person);

    // 1. Red flags, conditions and age as signs, before anything else.
    let mut triage = triage::screen(&mut ctx);
    let start_back = person
        .start_back
        .as_ref()
        .map(|a| start_back::score(catalog, a));
    ctx.risk = start_back.as_ref().map(|sb| sb.risk);
    if let Some(sb) = &start_back {
        let (score, psychosocial) = (sb.score.to_string(), sb.psychosocial_score.to_string());
        ctx.fire(
            r!("start-back"),
            &[
                ("score", &score),
                ("psychosocial", &psychosocial),
                ("risk", sb.risk.as_str()),
                ("pathway", &sb.pathway),
            ],
            vec![],
            vec![],
        );
    }
    let no_plan_band = ctx.age_bands.iter().copied().find(|b| b.no_plan);
    if triage.level >= TriageLevel::Urgent {
        let ids = triage
            .flags
            .iter()
            .filter(|f| f.urgency >= crate::catalog::Urgency::Urgent)
            .map(|f| f.id)
            .chain(triage.escalations.iter().map(|r| r.id))
            .collect();
        let level = explanation::words(catalog, "urgency", triage.level.as_str());
        ctx.fire(r!("no-plan"), &[("level", level)], ids, vec![]);
        return no_plan(ctx, triage, start_back);
    }
    if let Some(band) = no_plan_band {
        ctx.fire(
            r!("age-band-no-plan"),
            &[("band", &band.name)],
            vec![band.id.as_str()],
            vec![],
        );
        return no_plan(ctx, triage, start_back);
    }
    approach::stratified_care(&mut ctx);
    if person.conditions.is_empty() {
        let id = catalog.policy.default_condition.as_str();
        let name = ctx.name_of(id);
        // Conditions the age or the signs bring in are named beside it, so
        // the plan's "suits sciatica" does not come from nowhere.
        let implied: Vec<&str> = ctx
            .conditions
            .iter()
            .map(|c| c.id.as_str())
            .filter(|c| *c != id)
            .collect();
        if implied.is_empty() {
            ctx.fire(
                r!("default-condition"),
                &[("condition", &name)],
                vec![id],
                vec![],
            );
        } else {
            let names = ctx.names(&implied);
            let ids = std::iter::once(id).chain(implied).collect();
            ctx.fire(
                r!("default-condition-with"),
                &[("condition", &name), ("implied", &names)],
                ids,
                vec![],
            );
        }
    }

    // 2. Caps from conditions, flags, age and pain.
    ctx.limits = limits::decide(&mut ctx, triage.level);
    // The caps are explained here, in this order, once the plan shows
    // whether it holds any massage.
    let caps_at = ctx.steps.len();
    // Exclusions depend only on the person and the caps: decide them once,
    // techniques first, because exercises inherit what they apply.
    ctx.technique_exclusions = catalog
        .techniques
        .iter()
        .map(|t| massage::exclusion(&ctx, t))
        .collect();
    ctx.exercise_exclusions = catalog
        .exercises
        .iter()
        .map(|e| routine::exclusion(&ctx, e))
        .collect();

    // 3. The approach: what the conditions prefer, then the guideline rules.
    let mut approach = approach::choose(&mut ctx);

    // 4. Massage, and the supporting techniques.
    let wants_massage = matches!(approach, Approach::Massage | Approach::Combined);
    let chosen = if wants_massage {
        massage::choose(&ctx)
    } else {
        massage::Chosen {
            hands_on: vec![],
            lighter: None,
            self_massage: vec![],
        }
    };
    let gentle_only = approach == Approach::Massage;
    if wants_massage && chosen.is_empty() {
        approach = Approach::Stretching;
        ctx.fire(r!("no-suitable-massage"), &[], vec![], vec![]);
    }
    ctx.massage_in_plan = approach != Approach::Stretching;
    ctx.self_massage_chosen = ctx.massage_in_plan && !chosen.self_massage.is_empty();
    let adjunct_techniques = massage::adjuncts(&ctx);

    // 5. The daily routine, nudged by last week's report; massage first
    // still comes with gentle movement.
    let adjustments = progression::from_report(&mut ctx);
    let warm_up = adjunct_techniques
        .iter()
        .copied()
        .find(|t| t.id == catalog.policy.warm_up);
    let gentle_only = gentle_only && ctx.massage_in_plan;
    let routine = routine::build(&mut ctx, gentle_only, &adjustments, warm_up);
    // Self-massage the routine gives minutes and a place is the
    // self-massage the plan names: the picks are the routine's own tools.
    let self_massage_techniques = routine_self_massage(&ctx, routine.as_ref());
    let massage = ctx.massage_in_plan.then(|| {
        // One professional massage to book, the best fit; the others are
        // alternatives.
        let mut hands_on = massage::hands_on_picks(&ctx, &chosen);
        let alternatives = hands_on.split_off(hands_on.len().min(1));
        let after_massage = if hands_on.is_empty() {
            Vec::new()
        } else {
            routine::after_massage(&ctx, routine.as_ref(), &adjustments)
        };
        MassagePlan {
            techniques: hands_on,
            alternatives,
            after_massage,
            self_massage: massage::picks(&ctx, &self_massage_techniques),
        }
    });
    // Self-massage lives in the routine, with its minutes and its place:
    // a plan with none there and nothing to book has no massage.
    let massage = massage.filter(|m| !m.techniques.is_empty() || !m.self_massage.is_empty());
    if ctx.massage_in_plan && massage.is_none() {
        ctx.massage_in_plan = false;
        ctx.fire(r!("no-suitable-massage"), &[], vec![], vec![]);
    }
    let plan_approach = match (&routine, &massage) {
        (Some(_), Some(_)) => PlanApproach::Combined,
        (Some(_), None) => PlanApproach::Stretching,
        (None, Some(m)) if massage_alone_allowed(&ctx, m) => {
            ctx.fire(r!("massage-only-acute"), &[], vec![], vec![]);
            PlanApproach::Massage
        }
        (None, _) => PlanApproach::NoPlan,
    };
    let no_fit = plan_approach == PlanApproach::NoPlan;
    // A plan left with no massage says so where it says what helps most.
    if plan_approach == PlanApproach::Stretching {
        approach::restate(&mut ctx, Approach::Stretching);
    }
    let pressure_in_plan = !no_fit
        && (massage.is_some()
            || routine
                .iter()
                .flat_map(|r| &r.sessions)
                .flat_map(|s| &s.items)
                .any(|i| i.kind == crate::catalog::ExerciseKind::SelfMassage));
    ctx.massage_free = !pressure_in_plan;
    let later = ctx.steps.split_off(caps_at);
    limits::explain(&mut ctx, !no_fit, pressure_in_plan);
    ctx.steps.extend(later);
    let (massage, routine, adjunct_techniques) = if no_fit {
        // No safe plan fits: a physiotherapist should build one, so the
        // answer is at least a visit to a clinician.
        triage.level = triage.level.max(TriageLevel::SeeClinician);
        ctx.fire(r!("no-safe-plan"), &[], vec![], vec![]);
        ctx.steps
            .retain(|s| s.rule != "age-band" && s.rule != "flag-counts-as");
        (None, None, Vec::new())
    } else {
        (massage, routine, adjunct_techniques)
    };
    // The explanation names only what the final plan holds: last week's
    // changes are said of the exercises it holds.
    if !no_fit {
        let in_plan: Vec<&str> = routine
            .iter()
            .flat_map(|r| &r.sessions)
            .flat_map(|s| &s.items)
            .chain(massage.iter().flat_map(|m| &m.after_massage))
            .map(|i| i.exercise_id)
            .collect();
        progression::explain(&mut ctx, &adjustments, &in_plan);
    }
    if massage.is_some() {
        if let Some(t) = chosen.lighter
            && !chosen.hands_on.is_empty()
        {
            let name = t.phrase.clone();
            ctx.fire(
                r!("lighter-massage-offered"),
                &[("technique", &name)],
                vec![t.id.as_str()],
                vec![],
            );
        }
        // The one to book and the self-massage; the alternatives are
        // listed as such in the plan.
        let named: Vec<&Technique> = massage
            .iter()
            .flat_map(|m| m.techniques.iter().chain(&m.self_massage))
            .filter_map(|p| catalog.technique(p.technique_id))
            .collect();
        fire_techniques(&mut ctx, r!("massage"), &named);
    }
    let adjuncts = massage::picks(&ctx, &adjunct_techniques);
    if !adjunct_techniques.is_empty() {
        fire_techniques(&mut ctx, r!("adjuncts"), &adjunct_techniques);
    }

    // 6. Walking and education beside the plan.
    let (activity, education) = if no_fit {
        (None, Vec::new())
    } else {
        (guidance::activity(&mut ctx), guidance::education(&mut ctx))
    };

    // 7. What was left out, and what to watch for: with no plan, nothing
    // to watch for in it.
    let mut avoid = massage::avoided(&mut ctx);
    avoid.extend(routine::avoided(&mut ctx));
    let cautions = if no_fit {
        cautions::safety_net(&ctx, triage.level)
    } else {
        cautions::plan(&ctx, start_back.as_ref())
    };
    triage.message = triage::message(&ctx, &triage, no_fit);
    Recommendation {
        triage,
        approach: plan_approach,
        massage,
        adjuncts,
        routine,
        activity,
        education,
        avoid,
        cautions,
        explanation: ctx.steps,
        start_back,
        catalog_version: catalog.version.as_str(),
    }
}

/// The self-massage techniques the routine's self-massage items use, in
/// routine order, each once: the self-massage the plan names.
fn routine_self_massage<'c>(
    ctx: &Context<'c>,
    routine: Option<&Routine<'c>>,
) -> Vec<&'c Technique> {
    let catalog = ctx.catalog;
    let mut out: Vec<&'c Technique> = Vec::new();
    let items = routine
        .into_iter()
        .flat_map(|r| &r.sessions)
        .flat_map(|s| &s.items)
        .filter(|i| i.kind == crate::catalog::ExerciseKind::SelfMassage);
    for item in items {
        let Some(e) = catalog.exercise(item.exercise_id) else {
            continue;
        };
        let applies =
            &catalog.refs().exercise_applies[crate::catalog::position(&catalog.exercises, e)];
        for t in applies.iter().map(|t| &catalog.techniques[usize::from(*t)]) {
            if t.modality == crate::catalog::Modality::SelfMassage
                && !out.iter().any(|o| o.id == t.id)
            {
                out.push(t);
            }
        }
    }
    out
}

/// Massage with no exercise beside it only where the guidelines allow it:
/// acute pain, no STarT Back tier asking for physiotherapy, no long-term
/// goal, nothing that makes massage only a support, and a massage that is
/// not firm (firm pressure is never the whole plan).
fn massage_alone_allowed(ctx: &Context<'_>, m: &MassagePlan<'_>) -> bool {
    ctx.person.pain.duration == Duration::Acute
        && ctx.risk.is_none_or(|r| r == Risk::Low)
        && ctx.person.preferences.goal != Goal::LongTerm
        && ctx.limits.massage_supporting.is_none()
        && m.techniques
            .iter()
            .chain(&m.self_massage)
            .any(|t| t.pressure != Some(Pressure::Firm))
}

/// Records a rule that names techniques, citing their sources.
fn fire_techniques<'c>(
    ctx: &mut Context<'c>,
    rule: (usize, &'static str),
    chosen: &[&'c Technique],
) {
    let catalog = ctx.catalog;
    let ids: Vec<&str> = chosen.iter().map(|t| t.id.as_str()).collect();
    let names = context::join_words(
        chosen.iter().map(|t| t.phrase.as_str()),
        catalog.msg(m!("names.and")),
    );
    let sources = entry_sources(
        &catalog.techniques,
        &catalog.refs().technique_sources,
        chosen,
    );
    ctx.fire(rule, &[("techniques", &names)], ids, sources);
}
