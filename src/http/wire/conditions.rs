//! Wire types of `/conditions`: what the API writes for each entry.

use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::{self, Approach, ConditionCategory, Difficulty, MassageRole, Pressure, Slot};
use crate::http::schema::{KeyedCaution, Snomed};

/// The approach that helps a condition most, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Helps {
    /// `massage`, `stretching` or `combined`.
    pub approach: Approach,
    /// Why, in plain words.
    pub why: String,
}

/// How a condition changes the plan the engine builds.
#[derive(Debug, Serialize, ToSchema)]
pub struct Modifiers {
    /// Whether massage is allowed, only supporting, or excluded.
    pub massage: MassageRole,
    /// Why massage is limited, when it is.
    pub massage_reason: Option<String>,
    /// The firmest massage pressure that is safe.
    pub max_pressure: Option<Pressure>,
    /// The hardest exercises that are sensible.
    pub max_difficulty: Option<Difficulty>,
    /// Whether only pregnancy-safe exercises may be used.
    pub pregnancy_safe_only: bool,
    /// How often professional massage suits, when it has a rhythm.
    pub massage_frequency: Option<String>,
    /// Times of day the routine favours.
    pub preferred_slots: Vec<Slot>,
}

/// A kind of back pain, a situation that causes it, or a modifier that
/// changes what is safe.
#[derive(Debug, Serialize, ToSchema)]
pub struct Condition {
    /// Stable kebab-case id.
    #[schema(example = "sciatica")]
    pub id: String,
    /// Plain name.
    #[schema(example = "Sciatica")]
    pub name: String,
    /// Plain-language summary.
    pub summary: String,
    /// Presentation, situation or modifier.
    pub category: ConditionCategory,
    /// Typical symptoms or signs.
    pub symptoms: Vec<String>,
    /// The approach that helps most, and why.
    pub helps: Helps,
    /// What to be careful about.
    pub cautions: Vec<String>,
    /// The same cautions with who each is for.
    pub caution_details: Vec<KeyedCaution>,
    /// How the condition changes the plan.
    pub modifiers: Modifiers,
    /// SNOMED CT concepts for this entry, only verified ones; EHR records
    /// coded with them map to it (CDS Hooks). Often empty.
    pub snomed: Vec<Snomed>,
    /// Ids of the sources this entry rests on.
    pub sources: Vec<String>,
}

impl From<&catalog::Condition> for Condition {
    fn from(c: &catalog::Condition) -> Self {
        let m = &c.modifiers;
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            summary: c.summary.clone(),
            category: c.category,
            symptoms: c.symptoms.clone(),
            helps: Helps {
                approach: c.helps.approach,
                why: c.helps.why.clone(),
            },
            cautions: c.cautions.iter().map(|n| n.text.clone()).collect(),
            caution_details: c.cautions.iter().map(KeyedCaution::from).collect(),
            modifiers: Modifiers {
                massage: m.massage,
                massage_reason: m.massage_reason.clone(),
                max_pressure: m.max_pressure,
                max_difficulty: m.max_difficulty,
                pregnancy_safe_only: m.pregnancy_safe_only,
                massage_frequency: m.massage_frequency.clone(),
                preferred_slots: m.preferred_slots.clone(),
            },
            snomed: c.snomed.iter().map(Snomed::from).collect(),
            sources: c.sources.clone(),
        }
    }
}
