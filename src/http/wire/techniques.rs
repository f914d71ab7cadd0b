//! Wire types of `/techniques`: what the API writes for each entry.

use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::{self, Equipment, Modality, Pressure, TechniqueStatus};
use crate::http::schema::{AvoidIf, KeyedCaution};

/// A typical session length.
#[derive(Debug, Serialize, ToSchema)]
pub struct MinuteRange {
    /// Shortest sensible session, in minutes.
    pub min: u16,
    /// Longest sensible session, in minutes.
    pub max: u16,
}

/// A way of massaging, stretching or supporting either.
#[derive(Debug, Serialize, ToSchema)]
pub struct Technique {
    /// Stable kebab-case id.
    #[schema(example = "trigger-point-therapy")]
    pub id: String,
    /// Plain name.
    pub name: String,
    /// Massage, self-massage, stretching or adjunct.
    pub modality: Modality,
    /// Recommended, or not recommended (never suggested by the engine).
    pub status: TechniqueStatus,
    /// Why it is not recommended, when it is not.
    pub status_reason: Option<String>,
    /// Plain-language summary.
    pub summary: String,
    /// How it works.
    pub how_it_works: String,
    /// Condition ids it suits best.
    pub best_for: Vec<String>,
    /// Pressure used, for massage and self-massage.
    pub pressure: Option<Pressure>,
    /// Tools needed to do it yourself.
    pub equipment: Vec<Equipment>,
    /// Typical session length.
    pub session_minutes: MinuteRange,
    /// How often, in plain words.
    pub frequency: String,
    /// Conditions and red flags that rule it out.
    pub avoid_if: AvoidIf,
    /// What to be careful about: every caution's text, for everyone and
    /// for some conditions alike.
    pub cautions: Vec<String>,
    /// The same cautions with who each is for: a person is shown those
    /// with empty lists and those naming one of their conditions or flags,
    /// when they have the equipment a caution needs.
    pub caution_details: Vec<KeyedCaution>,
    /// Where it goes relative to other work (stretch after massage).
    pub sequencing: String,
    /// What the evidence says, with figures.
    pub evidence: String,
    /// Ids of the sources this entry rests on.
    pub sources: Vec<String>,
}

impl From<&catalog::Technique> for Technique {
    fn from(t: &catalog::Technique) -> Self {
        Self {
            id: t.id.clone(),
            name: t.name.clone(),
            modality: t.modality,
            status: t.status,
            status_reason: t.status_reason.clone(),
            summary: t.summary.clone(),
            how_it_works: t.how_it_works.clone(),
            best_for: t.best_for.clone(),
            pressure: t.pressure,
            equipment: t.equipment.clone(),
            session_minutes: MinuteRange {
                min: t.session_minutes.min,
                max: t.session_minutes.max,
            },
            frequency: t.frequency.clone(),
            avoid_if: (&t.avoid_if).into(),
            cautions: t.cautions.iter().map(|c| c.text.clone()).collect(),
            caution_details: t.cautions.iter().map(KeyedCaution::from).collect(),
            sequencing: t.sequencing.clone(),
            evidence: t.evidence.clone(),
            sources: t.sources.clone(),
        }
    }
}
