//! Wire types of `/exercises`: what the API writes for each entry.

use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::{
    self, Area, Difficulty, Equipment, ExerciseKind, Position, PregnancySafety, Slot, StretchType,
};
use crate::http::schema::{AvoidIf, KeyedCaution};

/// How much of an exercise to do.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dose {
    /// Seconds to hold each stretch, for held exercises.
    pub hold_seconds: Option<u16>,
    /// Repetitions per set, for moving exercises.
    pub reps: Option<u16>,
    /// Number of sets.
    pub sets: u8,
    /// Whether the dose is for each side.
    pub per_side: bool,
}

impl From<&catalog::Dose> for Dose {
    fn from(d: &catalog::Dose) -> Self {
        Self {
            hold_seconds: d.hold_seconds,
            reps: d.reps,
            sets: d.sets,
            per_side: d.per_side,
        }
    }
}

/// Whether an exercise suits pregnancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pregnancy {
    /// `safe`, `modify` (with the note's change) or `avoid`.
    pub status: PregnancySafety,
    /// How to change it, or why to avoid it.
    pub note: Option<String>,
}

/// Where an exercise's picture is, and on what terms it may be reused.
#[derive(Debug, Serialize, ToSchema)]
pub struct Illustration {
    /// The picture: an SVG stick figure in its start and end positions.
    #[schema(example = "/exercises/piriformis-stretch/illustration.svg")]
    pub url: String,
    /// The picture's licence: the project's own, as it is drawn from the
    /// catalog's content by the service.
    #[schema(example = "MIT")]
    pub licence: &'static str,
    /// Who made it.
    #[schema(example = "backcare contributors")]
    pub author: &'static str,
}

/// Who draws the illustrations: they are generated from content that the
/// project's contributors write.
const ILLUSTRATION_AUTHOR: &str = "backcare contributors";

impl Illustration {
    fn of(id: &str) -> Self {
        Self {
            url: format!("/exercises/{id}/illustration.svg"),
            licence: env!("CARGO_PKG_LICENSE"),
            author: ILLUSTRATION_AUTHOR,
        }
    }
}

/// A stretch, mobility, strength or self-massage exercise.
#[derive(Debug, Serialize, ToSchema)]
pub struct Exercise {
    /// Stable kebab-case id.
    #[schema(example = "piriformis-stretch")]
    pub id: String,
    /// Plain name.
    #[schema(example = "Piriformis stretch")]
    pub name: String,
    /// Other names people use for it.
    pub aliases: Vec<String>,
    /// Plain-language summary.
    pub summary: String,
    /// What it does for the person, in a sentence.
    pub benefit: String,
    /// How it should feel, and what means ease off.
    pub feel: String,
    /// What it mainly works; a routine never holds two with one target.
    pub target: String,
    /// What it mainly does.
    pub kind: ExerciseKind,
    /// The way of stretching, for stretches.
    pub stretch_type: Option<StretchType>,
    /// Body areas it works on.
    pub areas: Vec<Area>,
    /// Body position.
    pub position: Position,
    /// Equipment it needs (`none` alone when it needs nothing).
    pub equipment: Vec<Equipment>,
    /// Technique ids whose method it uses; it inherits their exclusions.
    pub applies: Vec<String>,
    /// How hard it is.
    pub difficulty: Difficulty,
    /// What to do, in order.
    pub steps: Vec<String>,
    /// How much to do.
    pub dose: Dose,
    /// Estimated minutes for the whole dose, both sides included.
    pub minutes: u8,
    /// Best times to do it.
    pub best_time: Vec<Slot>,
    /// Condition ids it suits.
    pub suitable_for: Vec<String>,
    /// Conditions and red flags that rule it out.
    pub avoid_if: AvoidIf,
    /// Pregnancy suitability.
    pub pregnancy: Pregnancy,
    /// What to be careful about: every caution's text, for everyone and
    /// for some conditions alike.
    pub cautions: Vec<String>,
    /// The same cautions with who each is for: a person is shown those
    /// with empty lists and those naming one of their conditions or flags,
    /// when they have the equipment a caution needs.
    pub caution_details: Vec<KeyedCaution>,
    /// Common mistakes.
    pub common_mistakes: Vec<String>,
    /// Easier variations (exercise ids).
    pub easier: Vec<String>,
    /// Harder variations (exercise ids).
    pub harder: Vec<String>,
    /// Ids of the sources this entry rests on.
    pub sources: Vec<String>,
    /// A picture of the exercise.
    pub illustration: Illustration,
}

impl From<&catalog::Exercise> for Exercise {
    fn from(e: &catalog::Exercise) -> Self {
        Self {
            id: e.id.clone(),
            name: e.name.clone(),
            aliases: e.aliases.clone(),
            summary: e.summary.clone(),
            benefit: e.benefit.clone(),
            feel: e.feel.clone(),
            target: e.target.clone(),
            kind: e.kind,
            stretch_type: e.stretch_type,
            areas: e.areas.clone(),
            position: e.position,
            equipment: e.equipment.clone(),
            applies: e.applies.clone(),
            difficulty: e.difficulty,
            steps: e.steps.clone(),
            dose: (&e.dose).into(),
            minutes: e.minutes,
            best_time: e.best_time.clone(),
            suitable_for: e.suitable_for.clone(),
            avoid_if: (&e.avoid_if).into(),
            pregnancy: Pregnancy {
                status: e.pregnancy.status,
                note: e.pregnancy.note.clone(),
            },
            cautions: e.cautions.iter().map(|c| c.text.clone()).collect(),
            caution_details: e.cautions.iter().map(KeyedCaution::from).collect(),
            common_mistakes: e.common_mistakes.clone(),
            easier: e.easier.clone(),
            harder: e.harder.clone(),
            sources: e.sources.clone(),
            illustration: Illustration::of(&e.id),
        }
    }
}
