//! The decision engine behind `POST /recommendation`: pure functions over an
//! immutable [`Catalog`]. The order of the rules is the order of this file's
//! [`recommend`]: red flags, limits, approach, massage, routine, cautions.
//!
//! Knowledge comes from the catalog (approach preferences, suitability,
//! exclusions, escalations, pressure and difficulty caps); the engine holds
//! only the guideline rules, each citing its source.

pub mod input;
mod massage;
pub mod output;
mod routine;
pub mod start_back;
mod triage;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::LazyLock;

use crate::catalog::{
    Approach, Catalog, Condition, Difficulty, Equipment, MassageRole, Pressure, Slot, Technique,
    Urgency, position,
};
pub use input::*;
pub use output::*;

/// The condition assumed when a person names none: plain back pain.
pub const DEFAULT_CONDITION: &str = "non-specific-low-back-pain";

/// Source ids the engine's own guideline rules cite; they must exist in the
/// catalog (checked by [`check_catalog`]).
pub const RULE_SOURCES: [&str; 4] = [
    "nice-ng59",
    "acp-2017",
    "start-back-keele",
    "seed-massage-vs-stretching",
];

/// Pain at or above this intensity gets the gentle version of every plan.
pub const SEVERE_PAIN: u8 = 7;

/// Problems that would make the engine cite or assume missing content.
pub fn check_catalog(catalog: &Catalog) -> Vec<String> {
    let mut problems: Vec<String> = RULE_SOURCES
        .iter()
        .filter(|id| catalog.source(id).is_none())
        .map(|id| format!("the engine cites source `{id}`, which the catalog lacks"))
        .collect();
    if catalog.condition(DEFAULT_CONDITION).is_none() {
        problems.push(format!(
            "the engine assumes condition `{DEFAULT_CONDITION}`, which the catalog lacks"
        ));
    }
    problems
}

/// What the person's conditions and flags cap, and who set each cap.
#[derive(Debug)]
struct Limits<'c> {
    max_pressure: Pressure,
    pressure_why: String,
    pressure_ids: Vec<&'c str>,
    max_difficulty: Difficulty,
    difficulty_why: String,
    difficulty_ids: Vec<&'c str>,
    pregnancy_only: Option<&'c Condition>,
    massage_excluded: Option<&'c Condition>,
    massage_supporting: Option<&'c Condition>,
}

/// Everything a rule reads, and the explanation it writes to.
struct Context<'c> {
    catalog: &'c Catalog,
    person: &'c Person,
    condition_ids: Vec<&'c str>,
    flag_ids: Vec<&'c str>,
    /// The person's conditions, or the default one when they named none.
    effective: Vec<&'c Condition>,
    /// The person's conditions, flags and effective conditions as sets of
    /// catalog positions, for the hot loops.
    condition_set: IdSet,
    flag_set: IdSet,
    effective_set: IdSet,
    preferred_slots: BTreeSet<Slot>,
    /// Each painful area's catalog areas as bits, for scoring exercises.
    pain_bits: Vec<u32>,
    limits: Limits<'c>,
    massage_in_plan: bool,
    /// The STarT Back tier, when the person answered the questions.
    risk: Option<Risk>,
    /// Lower-cased names of the person's conditions and flags, made once
    /// because every reason sentence uses them.
    lower_names: Vec<(&'c str, &'c str)>,
    /// Why each technique (catalog order) is ruled out, computed once.
    technique_exclusions: Vec<Option<Exclusion<'c>>>,
    /// Why each exercise (catalog order) is ruled out, computed once.
    exercise_exclusions: Vec<Option<Exclusion<'c>>>,
    steps: Vec<Step<'c>>,
}

/// A set of catalog positions (conditions or red flags), one bit each.
#[derive(Debug, Default)]
struct IdSet(Vec<u64>);

impl IdSet {
    fn of(positions: impl Iterator<Item = usize>) -> Self {
        let mut words = Vec::new();
        for p in positions {
            let word = p / 64;
            if words.len() <= word {
                words.resize(word + 1, 0);
            }
            words[word] |= 1 << (p % 64);
        }
        Self(words)
    }

    fn contains(&self, position: u16) -> bool {
        let p = usize::from(position);
        self.0.get(p / 64).is_some_and(|w| w & (1 << (p % 64)) != 0)
    }

    fn count(&self, positions: &[u16]) -> usize {
        positions.iter().filter(|p| self.contains(**p)).count()
    }
}

/// "Needs equipment you do not have: …" for each piece of equipment, worded
/// once: most of an answer's left-out entries give this reason.
fn needs(missing: Equipment) -> &'static str {
    static REASONS: LazyLock<Vec<String>> = LazyLock::new(|| {
        Equipment::ALL
            .iter()
            .map(|e| format!("Needs equipment you do not have: {e}."))
            .collect()
    });
    let at = Equipment::ALL
        .iter()
        .position(|e| *e == missing)
        .expect("every equipment value is in ALL");
    &REASONS[at]
}

/// Why something is ruled out, and the catalog ids that rule it out.
type Exclusion<'c> = (Cow<'c, str>, Vec<&'c str>);

impl<'c> Context<'c> {
    fn step(
        &mut self,
        rule: &'static str,
        decision: String,
        catalog_ids: Vec<&'c str>,
        mut sources: Vec<u16>,
    ) {
        // Sources as catalog positions: the catalog keeps them in id order,
        // so sorting numbers gives the ids in order without comparing text.
        sources.sort_unstable();
        sources.dedup();
        let catalog = self.catalog;
        self.steps.push(Step {
            rule,
            decision,
            catalog_ids,
            source_ids: sources
                .iter()
                .map(|p| catalog.sources[usize::from(*p)].id.as_str())
                .collect(),
        });
    }

    /// The name of a condition or red flag, lower-cased for use mid-sentence.
    fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.lower_names
            .iter()
            .find(|(known, _)| *known == id)
            .map_or(id, |(_, name)| name)
    }

    /// The first of the person's conditions, then red flags, among these
    /// positions: what rules an entry out.
    fn avoided_by(&self, conditions: &[u16], flags: &[u16]) -> Option<&'c str> {
        let catalog = self.catalog;
        conditions
            .iter()
            .find(|p| self.condition_set.contains(**p))
            .map(|p| catalog.conditions[usize::from(*p)].id.as_str())
            .or_else(|| {
                flags
                    .iter()
                    .find(|p| self.flag_set.contains(**p))
                    .map(|p| catalog.red_flags[usize::from(*p)].id.as_str())
            })
    }

    /// The ids of the effective conditions among these positions, in order.
    fn effective_among(&self, conditions: &[u16]) -> Vec<&'c str> {
        let catalog = self.catalog;
        conditions
            .iter()
            .filter(|p| self.effective_set.contains(**p))
            .map(|p| catalog.conditions[usize::from(*p)].id.as_str())
            .collect()
    }

    fn self_massage_allowed(&self) -> bool {
        self.limits.massage_excluded.is_none()
            && self.person.preferences.massage_access != MassageAccess::NoAccess
    }
}

/// "a, b and c" from condition or flag ids.
fn names(ctx: &Context<'_>, ids: &[&str]) -> String {
    if ids.is_empty() {
        return "back pain in general".to_owned();
    }
    let mut out = String::with_capacity(24 * ids.len());
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == ids.len() { " and " } else { ", " });
        }
        out.push_str(ctx.name_of(id));
    }
    out
}

/// The given source ids that exist in the catalog.
fn sources_of(catalog: &Catalog, ids: &[&str]) -> Vec<u16> {
    ids.iter()
        .filter_map(|id| {
            catalog
                .sources
                .binary_search_by(|s| s.id.as_str().cmp(id))
                .ok()
        })
        .filter_map(|p| u16::try_from(p).ok())
        .collect()
}

/// The tightest caps over the person's conditions; severe pain or a
/// see-a-clinician flag makes everything gentle.
fn limits<'c>(conditions: &[&'c Condition], gentle: Option<&str>) -> Limits<'c> {
    let mut l = Limits {
        max_pressure: Pressure::Firm,
        pressure_why: String::new(),
        pressure_ids: Vec::new(),
        max_difficulty: Difficulty::Advanced,
        difficulty_why: String::new(),
        difficulty_ids: Vec::new(),
        pregnancy_only: None,
        massage_excluded: None,
        massage_supporting: None,
    };
    for c in conditions {
        let m = &c.modifiers;
        if let Some(p) = m.max_pressure
            && p < l.max_pressure
        {
            (l.max_pressure, l.pressure_why, l.pressure_ids) =
                (p, c.name.to_lowercase(), vec![c.id.as_str()]);
        }
        if let Some(d) = m.max_difficulty
            && d < l.max_difficulty
        {
            (l.max_difficulty, l.difficulty_why, l.difficulty_ids) =
                (d, c.name.to_lowercase(), vec![c.id.as_str()]);
        }
        if m.pregnancy_safe_only && l.pregnancy_only.is_none() {
            l.pregnancy_only = Some(c);
        }
        match m.massage {
            MassageRole::Excluded if l.massage_excluded.is_none() => l.massage_excluded = Some(c),
            MassageRole::SupportingOnly if l.massage_supporting.is_none() => {
                l.massage_supporting = Some(c)
            }
            _ => {}
        }
    }
    if let Some(why) = gentle {
        if l.max_pressure > Pressure::Light {
            (l.max_pressure, l.pressure_why, l.pressure_ids) =
                (Pressure::Light, why.to_owned(), vec![]);
        }
        if l.max_difficulty > Difficulty::Beginner {
            (l.max_difficulty, l.difficulty_why, l.difficulty_ids) =
                (Difficulty::Beginner, why.to_owned(), vec![]);
        }
    }
    l
}

/// Each fired flag's action, as a caution citing the flag.
fn flag_actions<'c>(triage: &Triage<'c>) -> Vec<Caution<'c>> {
    triage
        .flags
        .iter()
        .map(|f| Caution {
            text: Cow::Borrowed(f.action),
            from: f.id,
        })
        .collect()
}

/// A recommendation with no plan: only the triage and what to do now.
fn no_plan<'c>(
    ctx: Context<'c>,
    triage: Triage<'c>,
    start_back: Option<StartBackResult>,
) -> Recommendation<'c> {
    let cautions = flag_actions(&triage);
    Recommendation {
        triage,
        approach: PlanApproach::NoPlan,
        massage: None,
        adjuncts: Vec::new(),
        routine: None,
        avoid: Vec::new(),
        cautions,
        explanation: ctx.steps,
        start_back,
        catalog_version: ctx.catalog.version.as_str(),
    }
}

/// Decides what this person should do, explaining every rule that fired.
pub fn recommend<'c>(catalog: &'c Catalog, person: &'c Person) -> Recommendation<'c> {
    let conditions: Vec<&Condition> = person
        .conditions
        .iter()
        .filter_map(|id| catalog.condition(id))
        .collect();
    let effective: Vec<&Condition> = if conditions.is_empty() {
        catalog.condition(DEFAULT_CONDITION).into_iter().collect()
    } else {
        conditions.clone()
    };
    let mut ctx = Context {
        catalog,
        person,
        condition_ids: conditions.iter().map(|c| c.id.as_str()).collect(),
        flag_ids: person.red_flags.iter().map(String::as_str).collect(),
        condition_set: IdSet::of(conditions.iter().map(|c| position(&catalog.conditions, *c))),
        flag_set: IdSet::of(person.red_flags.iter().filter_map(|id| {
            catalog
                .red_flags
                .binary_search_by(|f| f.id.as_str().cmp(id))
                .ok()
        })),
        effective_set: IdSet::of(effective.iter().map(|c| position(&catalog.conditions, *c))),
        pain_bits: person
            .pain
            .areas
            .iter()
            .map(|p| routine::pain_bits(*p))
            .collect(),
        preferred_slots: effective
            .iter()
            .flat_map(|c| c.modifiers.preferred_slots.iter().copied())
            .collect(),
        effective: effective.clone(),
        limits: limits(&[], None),
        massage_in_plan: false,
        risk: None,
        lower_names: conditions
            .iter()
            .chain(effective.iter())
            .map(|c| {
                let at = position(&catalog.conditions, *c);
                (
                    c.id.as_str(),
                    catalog.refs().condition_lower_names[at].as_str(),
                )
            })
            .chain(person.red_flags.iter().filter_map(|id| {
                let at = catalog
                    .red_flags
                    .binary_search_by(|f| f.id.as_str().cmp(id))
                    .ok()?;
                Some((
                    catalog.red_flags[at].id.as_str(),
                    catalog.refs().red_flag_lower_names[at].as_str(),
                ))
            }))
            .collect(),
        technique_exclusions: Vec::new(),
        exercise_exclusions: Vec::new(),
        steps: Vec::new(),
    };

    // 1. Red flags and age, before anything else.
    let triage = triage::screen(&mut ctx);
    let start_back = person.start_back.as_ref().map(start_back::score);
    ctx.risk = start_back.as_ref().map(|sb| sb.risk);
    if let Some(sb) = &start_back {
        ctx.step(
            "start-back",
            format!(
                "STarT Back score {} (psychosocial {}): {} risk, pathway: {}",
                sb.score, sb.psychosocial_score, sb.risk, sb.pathway
            ),
            vec![],
            sources_of(catalog, &["start-back-keele", "nice-ng59"]),
        );
    }
    let young = person.age.is_some_and(|a| a < triage::MIN_AGE);
    if matches!(triage.level, TriageLevel::Emergency | TriageLevel::Urgent) || young {
        let decision = if young {
            "no self-care plan for under-16s".to_owned()
        } else {
            format!(
                "{} red flag: no self-care plan until a clinician has assessed the person",
                triage.level
            )
        };
        let ids = triage
            .flags
            .iter()
            .filter(|f| f.urgency >= Urgency::Urgent)
            .map(|f| f.id)
            .collect();
        ctx.step("no-plan", decision, ids, vec![]);
        return no_plan(ctx, triage, start_back);
    }
    stratified_care(&mut ctx);
    if person.conditions.is_empty() {
        ctx.step(
            "default-condition",
            format!("no conditions given: planning for `{DEFAULT_CONDITION}`"),
            vec![DEFAULT_CONDITION],
            vec![],
        );
    }

    // 2. Caps from conditions, flags and pain.
    let gentle = if triage.level == TriageLevel::SeeClinician {
        Some("a warning sign that needs a clinician")
    } else if person.pain.intensity.is_none() {
        Some("pain of unrecorded intensity")
    } else if person.pain.intensity.is_some_and(|i| i >= SEVERE_PAIN) {
        Some("pain this severe")
    } else {
        None
    };
    ctx.limits = limits(&ctx.effective, gentle);
    if let Some(why) = gentle {
        ctx.step(
            "gentle-plan",
            format!("{why}: light pressure and beginner exercises only"),
            triage.flags.iter().map(|f| f.id).collect(),
            sources_of(catalog, &["seed-massage-pros-cons"]),
        );
    }
    if ctx.limits.max_pressure < Pressure::Firm && !ctx.limits.pressure_ids.is_empty() {
        let capping: Vec<&Condition> = ctx
            .limits
            .pressure_ids
            .iter()
            .filter_map(|id| catalog.condition(id))
            .collect();
        let sources = entry_sources(
            &catalog.conditions,
            &catalog.refs().condition_sources,
            &capping,
        );
        ctx.step(
            "pressure-cap",
            format!(
                "massage pressure at most {} because of {}",
                ctx.limits.max_pressure, ctx.limits.pressure_why
            ),
            ctx.limits.pressure_ids.clone(),
            sources,
        );
    }

    // Exclusions depend only on the person and the caps: decide them once.
    ctx.technique_exclusions = catalog
        .techniques
        .iter()
        .map(|t| massage::exclusion(&ctx, t))
        .collect();
    debug_assert_eq!(
        catalog.refs().exercise_suitable.len(),
        catalog.exercises.len()
    );
    ctx.exercise_exclusions = catalog
        .exercises
        .iter()
        .map(|e| routine::exclusion(&ctx, e))
        .collect();

    // 3. The approach: what the conditions prefer, then the guideline rules.
    let approach = choose_approach(&mut ctx);

    // 4. Massage, and the routine that goes with it.
    let wants_massage = matches!(approach, Approach::Massage | Approach::Combined);
    let (hands_on, self_massage) = if wants_massage {
        massage::choose(&ctx)
    } else {
        (vec![], vec![])
    };
    let mut approach = approach;
    if wants_massage && hands_on.is_empty() && self_massage.is_empty() {
        approach = Approach::Stretching;
        ctx.step(
            "no-suitable-massage",
            "no massage technique is safe and available for this person: stretching-based plan"
                .to_owned(),
            vec![],
            vec![],
        );
    }
    ctx.massage_in_plan = approach != Approach::Stretching;
    let massage = ctx.massage_in_plan.then(|| MassagePlan {
        techniques: massage::picks(&ctx, &hands_on),
        self_massage: massage::picks(&ctx, &self_massage),
    });
    if massage.is_some() {
        let chosen: Vec<&Technique> = hands_on.iter().chain(&self_massage).copied().collect();
        let ids: Vec<&str> = chosen.iter().map(|t| t.id.as_str()).collect();
        let sources = entry_sources(
            &catalog.techniques,
            &catalog.refs().technique_sources,
            &chosen,
        );
        ctx.step(
            "massage",
            format!("massage: {}", ids.join(", ")),
            ids,
            sources,
        );
    }
    let adjunct_techniques = massage::adjuncts(&ctx);
    let adjuncts = massage::picks(&ctx, &adjunct_techniques);
    if !adjunct_techniques.is_empty() {
        let ids: Vec<&str> = adjunct_techniques.iter().map(|t| t.id.as_str()).collect();
        let sources = entry_sources(
            &catalog.techniques,
            &catalog.refs().technique_sources,
            &adjunct_techniques,
        );
        ctx.step(
            "adjuncts",
            format!("supporting techniques: {}", ids.join(", ")),
            ids,
            sources,
        );
    }
    let routine = if approach == Approach::Massage {
        None
    } else {
        routine::build(&mut ctx)
    };
    let plan_approach = match (approach, &routine, &massage) {
        (Approach::Massage, _, _) => PlanApproach::Massage,
        (_, Some(_), Some(_)) => PlanApproach::Combined,
        (_, Some(_), None) => PlanApproach::Stretching,
        // No exercise fits: massage alone only where guidelines allow it
        // (acute pain, and no STarT Back tier asking for physiotherapy).
        (_, None, Some(_))
            if person.pain.duration == Duration::Acute
                && ctx.risk.is_none_or(|r| r == Risk::Low) =>
        {
            PlanApproach::Massage
        }
        (_, None, _) => PlanApproach::NoPlan,
    };
    let (massage, routine) = if plan_approach == PlanApproach::NoPlan {
        (None, None)
    } else {
        (massage, routine)
    };
    if plan_approach == PlanApproach::NoPlan {
        ctx.step(
            "no-safe-plan",
            "no safe exercise fits these limits and massage alone is not advised: see a physiotherapist".to_owned(),
            vec![],
            sources_of(catalog, &["nice-ng59"]),
        );
    }

    // 5. What was left out, and what to watch for.
    let mut avoid = massage::avoided(&mut ctx);
    avoid.extend(routine::avoided(&mut ctx));
    let cautions = cautions(&ctx, &triage, start_back.as_ref(), &massage);
    let mut triage = triage;
    if plan_approach == PlanApproach::NoPlan {
        triage.message.push_str(" No self-care plan fits these limits safely; a physiotherapist can build one with you.");
    }
    Recommendation {
        triage,
        approach: plan_approach,
        massage,
        adjuncts,
        routine,
        avoid,
        cautions,
        explanation: ctx.steps,
        start_back,
        catalog_version: catalog.version.as_str(),
    }
}

/// NICE's stratified care: the STarT Back tier decides how much support
/// goes with the plan (NG59 1.1.2, Keele's matched pathways).
fn stratified_care(ctx: &mut Context<'_>) {
    let Some(risk) = ctx.risk else { return };
    let (rule, decision) = match risk {
        Risk::Low => (
            "start-back-low-self-management",
            "low risk: advice and self-management; this plan is the self-management",
        ),
        Risk::Medium => (
            "start-back-medium-physiotherapy",
            "medium risk: a physiotherapy-style plan centred on exercise, with strengthening, and a physiotherapist advised",
        ),
        Risk::High => (
            "start-back-high-psychologically-informed",
            "high risk: a physiotherapy-style plan centred on exercise, with strengthening, plus psychologically informed support from a physiotherapist",
        ),
    };
    let sources = sources_of(ctx.catalog, &["start-back-keele", "nice-ng59"]);
    ctx.step(rule, decision.to_owned(), vec![], sources);
}

/// Whether the plan must build strength: a long-term goal, or a STarT Back
/// tier that calls for a physiotherapy-style programme.
fn wants_strength(ctx: &Context<'_>) -> bool {
    ctx.person.preferences.goal != Goal::QuickRelief || ctx.risk.is_some_and(|r| r >= Risk::Medium)
}

/// The sources of these entries of `all`, as source positions, read from
/// `sources` (the catalog's per-entry table parallel to `all`). Entries are
/// taken rather than ids, so no id is searched for.
fn entry_sources<T>(all: &[T], sources: &[Vec<u16>], entries: &[&T]) -> Vec<u16> {
    entries
        .iter()
        .flat_map(|e| &sources[position(all, *e)])
        .copied()
        .collect()
}

/// The approach the conditions prefer, adjusted by the guideline rules and
/// the person's access to massage.
fn choose_approach(ctx: &mut Context<'_>) -> Approach {
    let preferred: BTreeSet<Approach> = ctx.effective.iter().map(|c| c.helps.approach).collect();
    let mut approach = match preferred.iter().collect::<Vec<_>>().as_slice() {
        [one] => **one,
        _ => Approach::Combined,
    };
    let ids: Vec<&str> = ctx.effective.iter().map(|c| c.id.as_str()).collect();
    let why: Vec<String> = ctx
        .effective
        .iter()
        .map(|c| format!("{}: {}", c.id, c.helps.approach))
        .collect();
    let catalog = ctx.catalog;
    let sources = entry_sources(
        &catalog.conditions,
        &catalog.refs().condition_sources,
        &ctx.effective,
    );
    ctx.step(
        "condition-approach",
        format!("conditions prefer {} ({})", approach, why.join(", ")),
        ids,
        sources,
    );

    let person = ctx.person;
    if let Some(c) = ctx.limits.massage_excluded {
        let reason = c.modifiers.massage_reason.clone().unwrap_or_default();
        let decision = format!("no massage with {}: {reason}", c.id);
        adjust(
            ctx,
            &mut approach,
            Approach::Stretching,
            "massage-excluded",
            decision,
            vec![c.id.as_str()],
            &[],
        );
    }
    if person.preferences.massage_access == MassageAccess::NoAccess {
        let decision = "massage is not available: exercise-based plan".to_owned();
        adjust(
            ctx,
            &mut approach,
            Approach::Stretching,
            "no-massage-access",
            decision,
            vec![],
            &[],
        );
    }
    if approach == Approach::Massage
        && let Some(c) = ctx.limits.massage_supporting
    {
        let reason = c.modifiers.massage_reason.clone().unwrap_or_default();
        let decision = format!("massage only beside exercise with {}: {reason}", c.id);
        adjust(
            ctx,
            &mut approach,
            Approach::Combined,
            "massage-supporting-only",
            decision,
            vec![c.id.as_str()],
            &[],
        );
    }
    if approach == Approach::Massage && person.pain.duration != Duration::Acute {
        let decision = format!(
            "{} pain: massage only as part of a package that includes exercise",
            person.pain.duration
        );
        let sources = &["nice-ng59", "acp-2017"];
        adjust(
            ctx,
            &mut approach,
            Approach::Combined,
            "nice-1.2.7-massage-with-exercise",
            decision,
            vec![],
            sources,
        );
    }
    if approach == Approach::Massage && person.preferences.goal == Goal::LongTerm {
        let decision =
            "long-term goal: exercise added, because its benefits outlast massage's".to_owned();
        let sources = &["acp-2017", "seed-massage-vs-stretching"];
        adjust(
            ctx,
            &mut approach,
            Approach::Combined,
            "long-term-goal-exercise",
            decision,
            vec![],
            sources,
        );
    }
    if approach == Approach::Massage
        && let Some(risk) = ctx.risk.filter(|r| *r >= Risk::Medium)
    {
        let decision = format!(
            "STarT Back {risk} risk: exercise added, because physiotherapy for this tier is exercise-based"
        );
        let sources = &["start-back-keele", "nice-ng59"];
        adjust(
            ctx,
            &mut approach,
            Approach::Combined,
            "start-back-exercise",
            decision,
            vec![],
            sources,
        );
    }
    if approach == Approach::Massage {
        let sources = sources_of(ctx.catalog, &["acp-2017"]);
        ctx.step(
            "acp-r1-acute-massage",
            "acute pain: massage first is reasonable".to_owned(),
            vec![],
            sources,
        );
    } else if person.pain.duration == Duration::Chronic {
        let sources = sources_of(ctx.catalog, &["acp-2017", "nice-ng59"]);
        ctx.step(
            "acp-r2-chronic-exercise",
            "chronic pain: the plan centres on exercise".to_owned(),
            vec![],
            sources,
        );
    }
    approach
}

/// Moves the approach to `to`, explaining why, when it is not there already.
fn adjust<'c>(
    ctx: &mut Context<'c>,
    approach: &mut Approach,
    to: Approach,
    rule: &'static str,
    decision: String,
    ids: Vec<&'c str>,
    sources: &[&str],
) {
    if *approach != to {
        *approach = to;
        let sources = sources_of(ctx.catalog, sources);
        ctx.step(rule, decision, ids, sources);
    }
}

/// What to watch for: flags to act on, the conditions' own cautions, the
/// chosen techniques' first caution, and the signs that mean stop now.
fn cautions<'c>(
    ctx: &Context<'c>,
    triage: &Triage<'c>,
    start_back: Option<&StartBackResult>,
    massage: &Option<MassagePlan<'c>>,
) -> Vec<Caution<'c>> {
    let mut out = flag_actions(triage);
    for c in &ctx.effective {
        out.extend(c.cautions.iter().map(|t| Caution {
            text: Cow::Borrowed(t.as_str()),
            from: c.id.as_str(),
        }));
    }
    if let Some(m) = massage {
        for pick in m.techniques.iter().chain(&m.self_massage) {
            if let Some(t) = ctx.catalog.technique(pick.technique_id)
                && let Some(first) = t.cautions.first()
            {
                out.push(Caution {
                    text: Cow::Borrowed(first.as_str()),
                    from: t.id.as_str(),
                });
            }
        }
    }
    if let Some(sb) = start_back {
        let text = match sb.risk {
            Risk::Low => None,
            Risk::Medium => Some(
                "Your answers suggest a medium risk of the pain lasting. Ask for a physiotherapist: exercise with their guidance, with or without hands-on treatment, helps most at this level.",
            ),
            Risk::High => Some(
                "Your answers suggest a high risk of the pain lasting. Ask for a physiotherapist who offers psychologically informed care: exercise together with help for the worry, low mood and beliefs about pain that keep it going.",
            ),
        };
        if let Some(text) = text {
            out.push(Caution {
                text: Cow::Borrowed(text),
                from: "start-back-keele",
            });
        }
    }
    // The emergency flags' names are joined once at load.
    let emergencies = &ctx.catalog.refs().emergency_names;
    if !emergencies.is_empty() {
        out.push(Caution {
            text: format!(
                "Stop any exercise that causes sharp or spreading pain. Get emergency help at once if any of these start: {emergencies}."
            )
            .into(),
            from: "red-flags",
        });
    }
    out
}
