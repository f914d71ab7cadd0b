//! What the engine answers. These types are also the wire format of
//! `POST /recommendation`, so their doc comments are its API documentation.
//! Text that comes straight from the catalog is borrowed from it (`'c`):
//! an answer copies no catalog string, which was most of its allocations.

use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;

pub use crate::catalog::Risk;
use crate::catalog::vocab::vocabulary;
use crate::catalog::{ExerciseKind, Pressure, Slot, Urgency};

vocabulary! {
    /// What the person should do about their pain first.
    TriageLevel {
        /// No warning signs: self-care is a reasonable start.
        SelfCare = "self_care",
        /// Start gently, and book a visit with a clinician.
        SeeClinician = "see_clinician",
        /// Same-day medical assessment; no self-care plan until then.
        Urgent = "urgent",
        /// Emergency department now; no self-care plan.
        Emergency = "emergency",
    }
}

vocabulary! {
    /// The plan's main approach.
    PlanApproach {
        /// Massage alone (only for acute pain, when no exercise fits and
        /// nothing makes massage supporting-only).
        Massage = "massage",
        /// Stretching, mobility and strength exercise.
        Stretching = "stretching",
        /// Exercise every day, with massage now and then beside it.
        Combined = "combined",
        /// No self-care plan: get help first.
        NoPlan = "none",
    }
}

/// A red flag the person reported, with the urgency after combinations.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FiredFlag<'c> {
    /// Red-flag id.
    pub id: &'c str,
    /// Its name.
    pub name: &'c str,
    /// Urgency after escalation by combinations.
    pub urgency: Urgency,
    /// What to do, in plain words, at the answer's urgency: the flag's own
    /// action when it sets that urgency, otherwise only a line to mention
    /// it (its own action would offer a lesser path).
    pub action: Cow<'c, str>,
    /// Why the urgency was raised, when a combination raised it.
    pub escalated_because: Option<String>,
}

/// An escalation rule that fired: a combination of signs more serious than
/// its parts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RaisedBy<'c> {
    /// Escalation rule id (`GET /red-flags` shows the rules per flag).
    pub id: &'c str,
    /// Its name.
    pub name: &'c str,
    /// The urgency it raises to.
    pub urgency: Urgency,
    /// What to do now, when this rule sets the answer's urgency; null when
    /// something more urgent does.
    pub action: Option<&'c str>,
    /// Why the combination is more serious.
    pub reason: &'c str,
    /// The signs (red-flag, condition or age-band ids) the person presents.
    pub signs: Vec<&'c str>,
}

/// The safety screen's outcome.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Triage<'c> {
    /// What to do first.
    pub level: TriageLevel,
    /// A plain-language message saying what to do now.
    pub message: String,
    /// Every red flag that fired, most urgent first.
    pub flags: Vec<FiredFlag<'c>>,
    /// Every escalation rule that fired, most urgent first.
    pub escalations: Vec<RaisedBy<'c>>,
}

/// A technique chosen for the person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TechniquePick<'c> {
    /// Technique id.
    pub technique_id: &'c str,
    /// Its name.
    pub name: &'c str,
    /// The pressure to ask for or use, for massage.
    pub pressure: Option<Pressure>,
    /// How often.
    pub frequency: String,
    /// Why it was chosen.
    pub reason: String,
    /// Every caution of the technique that applies to this person.
    pub cautions: Vec<&'c str>,
    /// Typical session length, in minutes.
    pub session_minutes: SessionMinutes,
}

/// A range of minutes, as the technique's own entry gives it.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct SessionMinutes {
    /// Shortest sensible session.
    pub min: u16,
    /// Longest sensible session.
    pub max: u16,
}

/// The daily walking or activity goal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityPlan<'c> {
    /// Goal id (content `policy/activity.json`).
    pub id: &'c str,
    /// A short title.
    pub title: &'c str,
    /// Minutes a day the goal adds up to; not part of the routine's minutes.
    pub daily_goal_minutes: u16,
    /// The goal in words.
    pub goal: &'c str,
    /// Why.
    pub why: &'c str,
    /// How to build it up week by week.
    pub progress: &'c str,
    /// What to do on a bad day.
    pub on_a_bad_day: &'c str,
    /// Sources behind it.
    pub source_ids: &'c [String],
}

/// A short educational message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EducationItem<'c> {
    /// Message id.
    pub id: &'c str,
    /// What it is about.
    pub theme: crate::catalog::Theme,
    /// A short title.
    pub title: &'c str,
    /// Two or three plain sentences.
    pub text: &'c str,
    /// Sources behind it.
    pub source_ids: &'c [String],
}

/// The massage part of the plan. Professional massage is occasional (see
/// each pick's `frequency`) and is not counted in the daily minutes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MassagePlan<'c> {
    /// The one hands-on massage to book with a therapist, the best fit
    /// (empty when none suits or is available).
    pub techniques: Vec<TechniquePick<'c>>,
    /// Other hands-on massage that would also suit, if the first is not
    /// available.
    pub alternatives: Vec<TechniquePick<'c>>,
    /// Stretches to do straight after a professional massage, while the
    /// muscles are warm; occasional, like the massage, and not counted in
    /// the daily minutes.
    pub after_massage: Vec<RoutineItem<'c>>,
    /// Self-massage with the person's own tools; the routine's
    /// self-massage items come first in their session (roll, then stretch).
    pub self_massage: Vec<TechniquePick<'c>>,
}

/// An easier or harder version of an exercise.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Variant<'c> {
    /// Exercise id.
    pub exercise_id: &'c str,
    /// Its name.
    pub name: &'c str,
}

/// How much of an exercise, structured: what `dose` says in words.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DoseParts {
    /// Seconds to hold, for held exercises.
    pub hold_seconds: Option<u16>,
    /// Repetitions per set, for moving exercises.
    pub reps: Option<u16>,
    /// Number of sets.
    pub sets: u8,
    /// Whether the dose is for each side.
    pub per_side: bool,
}

/// When to move on, and when to drop back.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Progression<'c> {
    /// When to move to the harder version (or to more of this one).
    pub progress_when: Cow<'c, str>,
    /// The harder version to move to, when there is a safe one.
    pub progress_to: Option<Variant<'c>>,
    /// When to drop back to the easier version (or to less of this one).
    pub drop_back_when: Cow<'c, str>,
    /// The easier version to drop back to, when there is one.
    pub drop_back_to: Option<Variant<'c>>,
}

/// One exercise in the routine, with everything an app shows for it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoutineItem<'c> {
    /// Exercise id; `GET /exercises/{id}` has the steps.
    pub exercise_id: &'c str,
    /// Its name.
    pub name: &'c str,
    /// How much, in words ("hold 30 s, 2 sets, each side").
    pub dose: Cow<'c, str>,
    /// Minutes it takes.
    pub minutes: u8,
    /// Why it was chosen, and any change to make.
    pub reason: String,
    /// Every caution of the exercise that applies to this person: the
    /// general ones and those for their conditions and red flags.
    pub cautions: Vec<&'c str>,
    /// How to change it in pregnancy, when the person is pregnant and it
    /// needs a change.
    pub pregnancy_note: Option<&'c str>,
    /// What to do, in order.
    pub steps: &'c [String],
    /// The dose, structured.
    pub dose_parts: DoseParts,
    /// How it should feel, and what means ease off.
    pub feel: &'c str,
    /// What it mainly works; no two items in a routine share one.
    pub target: &'c str,
    /// Stretch, mobility, strength or self-massage.
    pub kind: ExerciseKind,
    /// Easier versions that are safe for this person.
    pub easier: Vec<Variant<'c>>,
    /// Harder versions that are safe for this person.
    pub harder: Vec<Variant<'c>>,
    /// When to step up, and when to drop back.
    pub progression: Progression<'c>,
    /// What changed from last week's plan and why, when a report was sent.
    pub change: Option<String>,
}

/// Exercises done together, at one time of day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session<'c> {
    /// When.
    pub slot: Slot,
    /// What to do first, such as warming up with heat before stretching.
    pub before: Option<String>,
    /// What, in the order to do it.
    pub items: Vec<RoutineItem<'c>>,
}

/// The daily exercise routine.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Routine<'c> {
    /// Minutes a day for all the sessions together; never above
    /// `minutes_per_day`. Occasional parts (professional massage and the
    /// stretches after it) and the walking goal are not counted.
    pub total_minutes: u16,
    /// Sessions in the order of the day.
    pub sessions: Vec<Session<'c>>,
}

/// Something left out for this person, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Avoided<'c> {
    /// `technique` or `exercise`.
    #[schema(example = "technique")]
    pub kind: &'static str,
    /// Its id.
    pub id: &'c str,
    /// Its name.
    pub name: &'c str,
    /// Why not, in plain words.
    pub reason: Cow<'c, str>,
    /// The catalog ids (conditions, red flags) that ruled it out, if any.
    pub because: Vec<&'c str>,
}

/// Something to watch for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Caution<'c> {
    /// What to watch for, or when to stop or seek help.
    pub text: Cow<'c, str>,
    /// The catalog entry it comes from.
    pub from: &'c str,
}

/// One rule that fired, in the order the engine applied them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Step<'c> {
    /// Stable rule id.
    #[schema(example = "nice-1.2.7-massage-with-exercise")]
    pub rule: &'static str,
    /// What it decided.
    pub decision: String,
    /// The catalog entries behind the decision.
    pub catalog_ids: Vec<&'c str>,
    /// The sources behind the decision.
    pub source_ids: Vec<&'c str>,
}

/// The STarT Back result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StartBackResult {
    /// Total score, 0 to 9.
    pub score: u8,
    /// Psychosocial subscale (items 5 to 9), 0 to 5.
    pub psychosocial_score: u8,
    /// Risk tier.
    pub risk: Risk,
    /// The matched care pathway.
    pub pathway: String,
}

/// The whole answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recommendation<'c> {
    /// Red-flag screening: always first.
    pub triage: Triage<'c>,
    /// The main approach.
    pub approach: PlanApproach,
    /// Massage to get or do, or null.
    pub massage: Option<MassagePlan<'c>>,
    /// Supporting techniques such as heat, cold or relaxation training.
    pub adjuncts: Vec<TechniquePick<'c>>,
    /// The daily exercise routine, or null.
    pub routine: Option<Routine<'c>>,
    /// The daily walking goal, or null when no plan is given.
    pub activity: Option<ActivityPlan<'c>>,
    /// A few short messages for this person's situation.
    pub education: Vec<EducationItem<'c>>,
    /// Techniques and exercises left out for this person, and why.
    pub avoid: Vec<Avoided<'c>>,
    /// What to watch for and when to stop or seek help.
    pub cautions: Vec<Caution<'c>>,
    /// Every rule that fired, in order, with the content and sources behind it.
    pub explanation: Vec<Step<'c>>,
    /// STarT Back stratification, when answers were given.
    pub start_back: Option<StartBackResult>,
    /// The catalog version the answer was built from.
    pub catalog_version: &'c str,
}
