//! OpenAPI schemas for the catalog's vocabularies, generated from the
//! vocabularies themselves so the documented values can never drift.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::catalog::vocab::*;
use crate::engine::{
    Bothersomeness, Duration, Felt, Goal, MassageAccess, PainArea, PlanApproach, Risk, TriageLevel,
};

macro_rules! vocabulary_schema {
    ($($t:ident: $description:literal),+ $(,)?) => { $(
        impl utoipa::PartialSchema for $t {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .enum_values(Some($t::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }
        impl utoipa::ToSchema for $t {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($t))
            }
        }
    )+ };
}

vocabulary_schema! {
    ConditionCategory: "How a condition relates to the person: `presentation` (a kind of back pain), `situation` (something in their life that causes or shapes it) or `modifier` (something that changes what is safe).",
    Approach: "The main way of treating the pain: `massage`, `stretching` or `combined` (massage first, stretching after).",
    Urgency: "How urgently a red flag needs medical attention: `see_clinician` (book a visit; gentle self-care may go on), `urgent` (same-day assessment), `emergency` (go to an emergency department now).",
    Modality: "What kind of technique: hands-on `massage`, `self-massage` with a tool, `stretching`, or an `adjunct` used alongside (heat, cold, relaxation).",
    TechniqueStatus: "`recommended` techniques may be suggested when they fit; `not-recommended` ones never are and say why.",
    Pressure: "Massage pressure, lightest first.",
    ExerciseKind: "What an exercise mainly does.",
    StretchType: "How a stretch is done: `static` holds, `dynamic` movement, or `pnf` contract-relax.",
    Area: "A part of the body an exercise works on.",
    Position: "The body position an exercise is done in. All but `seated_chair` and `standing` need the person to get down to the floor.",
    Equipment: "Equipment an exercise needs; `none` means nothing beyond the floor and the body.",
    Difficulty: "How hard an exercise is.",
    Slot: "A time of day, or a moment, to do an exercise.",
    PregnancySafety: "Whether an exercise suits pregnancy: `safe` as described, `modify` with the change in the note, or `avoid`.",
    SourceKind: "The kind of publication.",
    MassageRole: "How a condition limits massage: `allowed`, `supporting_only` (only beside exercise, never the main approach) or `excluded`.",
    Duration: "How long the pain has lasted: `acute` (under 4 weeks), `subacute` (4 to 12 weeks) or `chronic` (over 12 weeks).",
    PainArea: "Where it hurts.",
    MassageAccess: "What massage the person can get: `professional` (a therapist, and self-massage), `self` (only self-massage with their own tools) or `none`.",
    Goal: "What the person wants most.",
    Bothersomeness: "STarT Back item 9: how bothersome the pain has been in the last two weeks.",
    TriageLevel: "What to do first: `self_care`; `see_clinician` (start gently and book a visit); `urgent` (same-day assessment, no plan); `emergency` (emergency department now, no plan).",
    PlanApproach: "The plan's main approach: `massage` (massage on its own: acute pain only, when no exercise fits), `stretching` (exercise every day with no massage: stretching, mobility and strengthening, whichever are safe for the person), `combined` (the daily exercise with occasional massage and self-massage) or `none` (no plan: get help first).",
    Risk: "STarT Back risk tier: `low` (advice and self-management), `medium` (physiotherapy), `high` (psychologically informed physiotherapy).",
    Theme: "What an education message is about.",
    Felt: "How an exercise felt last week: `too_easy`, `right`, `too_hard` or `painful`.",
}

/// A SNOMED CT concept, given only where the clinical reference verifies it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"code": "23056005", "display": "Sciatica (disorder)"}))]
pub struct Snomed {
    /// The SNOMED CT concept id.
    pub code: String,
    /// The concept's display term.
    pub display: String,
    /// Weeks the pain has lasted at least when a record carries this code.
    pub min_weeks: Option<u16>,
}

impl From<&crate::catalog::Snomed> for Snomed {
    fn from(s: &crate::catalog::Snomed) -> Self {
        Self {
            code: s.code.clone(),
            display: s.display.clone(),
            min_weeks: s.min_weeks,
        }
    }
}

/// Conditions and red flags that rule something out for a person.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AvoidIf {
    /// Condition ids.
    pub conditions: Vec<String>,
    /// Red-flag ids.
    pub red_flags: Vec<String>,
}

impl From<&crate::catalog::AvoidIf> for AvoidIf {
    fn from(a: &crate::catalog::AvoidIf) -> Self {
        Self {
            conditions: a.conditions.clone(),
            red_flags: a.red_flags.clone(),
        }
    }
}

/// A caution and who is shown it: people with one of its conditions or
/// red flags (anyone when both are empty), for pain of its durations,
/// with all the equipment it `needs` and, if it has a `without` list,
/// lacking one of those.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct KeyedCaution {
    /// What to be careful about.
    pub text: String,
    /// Condition ids it is for.
    pub conditions: Vec<String>,
    /// Red-flag ids it is for.
    pub red_flags: Vec<String>,
    /// Pain durations it is for; any when empty.
    pub durations: Vec<crate::engine::Duration>,
    /// Condition ids that hide it: another entry of theirs says it more
    /// fully.
    pub unless_conditions: Vec<String>,
    /// Red-flag ids that hide it.
    pub unless_red_flags: Vec<String>,
    /// The massage pressure it speaks of: shown only while a plan holds
    /// massage that allows this pressure.
    pub pressure: Option<crate::catalog::Pressure>,
    /// Whether it speaks of massage: shown only while a plan holds massage
    /// or self-massage.
    pub with_massage: bool,
    /// Equipment it tells the person to use: shown only to people who have
    /// all of it.
    pub needs: Vec<crate::catalog::Equipment>,
    /// Shown only to people who lack one of these: the way to do without.
    pub without: Vec<crate::catalog::Equipment>,
}

impl From<&crate::catalog::CautionNote> for KeyedCaution {
    fn from(n: &crate::catalog::CautionNote) -> Self {
        Self {
            text: n.text.clone(),
            conditions: n.only_with.conditions.clone(),
            red_flags: n.only_with.red_flags.clone(),
            durations: n.durations.clone(),
            unless_conditions: n.unless.conditions.clone(),
            unless_red_flags: n.unless.red_flags.clone(),
            pressure: n.pressure,
            with_massage: n.with_massage,
            needs: n.needs.clone(),
            without: n.without.clone(),
        }
    }
}
