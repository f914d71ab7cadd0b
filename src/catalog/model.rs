//! The content model: what a content file may hold.
//!
//! Every struct rejects unknown fields, so a misspelt key in a content file is
//! reported at load time instead of being silently dropped.

use serde::Deserialize;

pub use super::pose::Pose;
pub use super::vocab::*;

/// A publication that catalog entries rest on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Kebab-case id, equal to the file name.
    pub id: String,
    /// The publication's title.
    pub title: String,
    /// Authors as the publication names them, when it names any.
    #[serde(default)]
    pub authors: Option<String>,
    /// Publisher, journal or organisation.
    pub publisher: String,
    /// Year of publication, when known.
    #[serde(default)]
    pub year: Option<u16>,
    /// The kind of publication.
    pub kind: SourceKind,
    /// Where to read it, when known.
    #[serde(default)]
    pub url: Option<String>,
    /// What the catalog takes from it, in a sentence or two.
    pub summary: String,
}

/// A verified SNOMED CT concept that stands for a catalog entry; EHR
/// records coded with it (CDS Hooks) map to that entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snomed {
    /// The concept id (digits only).
    pub code: String,
    /// The concept's display term.
    pub display: String,
    /// Weeks the pain has lasted at least when a record carries this code
    /// (chronic low back pain, "more than 12 weeks": 13), for records without an onset date.
    #[serde(default)]
    pub min_weeks: Option<u16>,
}

/// What a condition prefers, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Helps {
    /// The approach that suits this condition best.
    pub approach: Approach,
    /// Why, in plain words.
    pub why: String,
}

/// How a condition changes massage and exercise choices for the person.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionModifiers {
    /// Whether massage is allowed, supporting only, or excluded.
    #[serde(default = "default_massage_role")]
    pub massage: MassageRole,
    /// Why massage is limited, required when `massage` is not `allowed`.
    #[serde(default)]
    pub massage_reason: Option<String>,
    /// The firmest massage pressure that is safe.
    #[serde(default)]
    pub max_pressure: Option<Pressure>,
    /// The hardest exercises that are sensible.
    #[serde(default)]
    pub max_difficulty: Option<Difficulty>,
    /// Only exercises that are safe (or safe with a change) in pregnancy.
    #[serde(default)]
    pub pregnancy_safe_only: bool,
    /// How often professional massage suits this condition, when it has a rhythm.
    #[serde(default)]
    pub massage_frequency: Option<String>,
    /// Times of day the routine should favour for this condition.
    #[serde(default)]
    pub preferred_slots: Vec<Slot>,
}

fn default_massage_role() -> MassageRole {
    MassageRole::Allowed
}

impl Default for ConditionModifiers {
    fn default() -> Self {
        Self {
            massage: MassageRole::Allowed,
            massage_reason: None,
            max_pressure: None,
            max_difficulty: None,
            pregnancy_safe_only: false,
            massage_frequency: None,
            preferred_slots: Vec::new(),
        }
    }
}

impl Default for FlagModifiers {
    fn default() -> Self {
        Self {
            massage: MassageRole::Allowed,
            massage_reason: None,
            max_pressure: None,
            max_difficulty: None,
            adjuncts: Vec::new(),
        }
    }
}

/// A kind of back pain, a situation that causes it, or a modifier that
/// changes what is safe.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Kebab-case id, equal to the file name.
    pub id: String,
    /// Plain name.
    pub name: String,
    /// The entry as a noun phrase for use mid-sentence ("a history of
    /// cancer"); its name, lower-cased, when absent.
    #[serde(default)]
    pub phrase: Option<String>,
    /// Plain-language summary.
    pub summary: String,
    /// Presentation, situation or modifier.
    pub category: ConditionCategory,
    /// Typical symptoms or signs.
    pub symptoms: Vec<String>,
    /// The approach that helps most, and why.
    pub helps: Helps,
    /// What to be careful about; a caution may be only for pain of some
    /// durations.
    pub cautions: Vec<CautionNote>,
    /// How this condition changes the plan.
    #[serde(default)]
    pub modifiers: ConditionModifiers,
    /// SNOMED CT concepts, only those the clinical reference verifies.
    #[serde(default)]
    pub snomed: Vec<Snomed>,
    /// Source ids.
    pub sources: Vec<String>,
}

/// One clause of an escalation rule: at least `at_least` of these signs
/// (every one when `at_least` is absent).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    /// Sign ids: red-flag, condition or age-band ids.
    pub of: Vec<String>,
    /// How many of them must be present; all of them when absent.
    #[serde(default)]
    pub at_least: Option<u8>,
}

impl Clause {
    /// How many of `of` must be present.
    pub fn needed(&self) -> usize {
        self.at_least.map_or(self.of.len(), usize::from)
    }
}

/// A combination of signs (red flags, conditions, age bands) that is more
/// serious than its parts, with the urgency it raises the answer to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationRule {
    /// Kebab-case id, equal to the file name.
    pub id: String,
    /// Plain name.
    pub name: String,
    /// The serious cause it may point to.
    pub group: String,
    /// Every clause must hold for the rule to fire.
    pub when: Vec<Clause>,
    /// The urgency when it fires.
    pub urgency: Urgency,
    /// What to do now, at this urgency, in plain words.
    pub action: String,
    /// Why the combination is more serious.
    pub reason: String,
    /// Source ids.
    pub sources: Vec<String>,
}

/// How a red flag limits massage and exercise while it is being checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagModifiers {
    /// Whether massage is allowed, supporting only, or excluded.
    #[serde(default = "default_massage_role")]
    pub massage: MassageRole,
    /// Why massage is limited, required when `massage` is not `allowed`.
    #[serde(default)]
    pub massage_reason: Option<String>,
    /// The firmest massage pressure that is safe.
    #[serde(default)]
    pub max_pressure: Option<Pressure>,
    /// The hardest exercises that are sensible.
    #[serde(default)]
    pub max_difficulty: Option<Difficulty>,
    /// Adjunct technique ids its action suggests (a cold pack for an
    /// inflamed flare).
    #[serde(default)]
    pub adjuncts: Vec<String>,
}

/// A sign that back pain may have a serious cause.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlag {
    /// Kebab-case id, equal to the file name.
    pub id: String,
    /// Plain name.
    pub name: String,
    /// The entry as a noun phrase for use mid-sentence ("a history of
    /// cancer"); its name, lower-cased, when absent.
    #[serde(default)]
    pub phrase: Option<String>,
    /// The serious cause it may point to.
    pub group: String,
    /// A yes/no question a person can answer about themselves.
    pub question: String,
    /// Urgency on its own.
    pub urgency: Urgency,
    /// What to do, in plain words.
    pub action: String,
    /// Condition ids this sign counts as for the plan (a minor fall is a
    /// recent injury; numbness down a leg is nerve root pain): their
    /// exclusions, caps and cautions apply.
    #[serde(default)]
    pub counts_as: Vec<String>,
    /// How it limits massage and exercise.
    #[serde(default)]
    pub modifiers: FlagModifiers,
    /// SNOMED CT concepts, only those the clinical reference verifies.
    #[serde(default)]
    pub snomed: Vec<Snomed>,
    /// Source ids.
    pub sources: Vec<String>,
}

/// Conditions and red flags that rule something out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvoidIf {
    /// Condition ids.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Red-flag ids.
    #[serde(default)]
    pub red_flags: Vec<String>,
}

impl AvoidIf {
    /// The first condition or red flag of the person's that rules this out.
    pub fn first_match<'a>(&'a self, conditions: &[&str], red_flags: &[&str]) -> Option<&'a str> {
        self.conditions
            .iter()
            .find(|c| conditions.contains(&c.as_str()))
            .or_else(|| {
                self.red_flags
                    .iter()
                    .find(|f| red_flags.contains(&f.as_str()))
            })
            .map(String::as_str)
    }
}

/// A caution: for everyone, or only for people with one of the listed
/// conditions or red flags, and only for pain of the listed durations. In
/// content it is a plain sentence, or `{"text", "conditions", "red_flags",
/// "durations", "unless_conditions", "unless_red_flags", "pressure",
/// "with_massage", "needs", "without"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(from = "CautionText")]
pub struct CautionNote {
    /// What to be careful about.
    pub text: String,
    /// Shown only to people with one of these; empty for everyone.
    pub only_with: AvoidIf,
    /// Shown only for pain of these durations; empty for any.
    pub durations: Vec<Duration>,
    /// Not shown to people with one of these, because another entry of
    /// theirs says the same more fully.
    pub unless: AvoidIf,
    /// The massage pressure the caution speaks of, if any: it is shown
    /// only while the plan holds massage and allows that pressure, so that
    /// it never contradicts a tighter cap.
    pub pressure: Option<Pressure>,
    /// Whether it speaks of massage: shown only while the plan holds
    /// massage or self-massage.
    pub with_massage: bool,
    /// Equipment the caution tells the person to use: shown only to
    /// people who have all of it, so no one is told to reach for
    /// something they said they do not have.
    pub needs: Vec<Equipment>,
    /// Shown only to people who lack one of these: the way to do without
    /// them, beside a caution that `needs` them.
    pub without: Vec<Equipment>,
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a caution: a sentence, or an object with `text` and `conditions` or `red_flags`"
)]
enum CautionText {
    General(String),
    Keyed {
        text: String,
        #[serde(default)]
        conditions: Vec<String>,
        #[serde(default)]
        red_flags: Vec<String>,
        #[serde(default)]
        durations: Vec<Duration>,
        #[serde(default)]
        unless_conditions: Vec<String>,
        #[serde(default)]
        unless_red_flags: Vec<String>,
        #[serde(default)]
        pressure: Option<Pressure>,
        #[serde(default)]
        with_massage: bool,
        #[serde(default)]
        needs: Vec<Equipment>,
        #[serde(default)]
        without: Vec<Equipment>,
    },
}

impl From<CautionText> for CautionNote {
    fn from(c: CautionText) -> Self {
        match c {
            CautionText::General(text) => Self {
                text,
                only_with: AvoidIf::default(),
                durations: Vec::new(),
                unless: AvoidIf::default(),
                pressure: None,
                with_massage: false,
                needs: Vec::new(),
                without: Vec::new(),
            },
            CautionText::Keyed {
                text,
                conditions,
                red_flags,
                durations,
                unless_conditions,
                unless_red_flags,
                pressure,
                with_massage,
                needs,
                without,
            } => Self {
                text,
                only_with: AvoidIf {
                    conditions,
                    red_flags,
                },
                durations,
                unless: AvoidIf {
                    conditions: unless_conditions,
                    red_flags: unless_red_flags,
                },
                pressure,
                with_massage,
                needs,
                without,
            },
        }
    }
}

/// A range of minutes.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinuteRange {
    /// Shortest sensible session, in minutes.
    pub min: u16,
    /// Longest sensible session, in minutes.
    pub max: u16,
}

/// A way of massaging, stretching or supporting either.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technique {
    /// Kebab-case id, equal to the file name.
    pub id: String,
    /// Plain name.
    pub name: String,
    /// The name as said mid-sentence, with its article where it takes one
    /// ("a massage ball", "foam rolling", "Swedish massage").
    pub phrase: String,
    /// Massage, self-massage, stretching or adjunct.
    pub modality: Modality,
    /// Recommended or not recommended.
    pub status: TechniqueStatus,
    /// Why it is not recommended; required when it is not.
    #[serde(default)]
    pub status_reason: Option<String>,
    /// Plain-language summary.
    pub summary: String,
    /// How it works.
    pub how_it_works: String,
    /// Condition ids it suits best.
    #[serde(default)]
    pub best_for: Vec<String>,
    /// For a technique advised against: condition ids for which people
    /// often seek it, so a plan for them says why not.
    #[serde(default)]
    pub sought_for: Vec<String>,
    /// Pressure used; required for massage and self-massage.
    #[serde(default)]
    pub pressure: Option<Pressure>,
    /// Equipment a person needs to do it themselves (self-massage tools).
    #[serde(default)]
    pub equipment: Vec<Equipment>,
    /// Typical session length.
    pub session_minutes: MinuteRange,
    /// How often, in plain words.
    pub frequency: String,
    /// Conditions and red flags that rule it out.
    #[serde(default)]
    pub avoid_if: AvoidIf,
    /// What to be careful about, for everyone or for some conditions.
    pub cautions: Vec<CautionNote>,
    /// Where it goes in a session relative to other work.
    pub sequencing: String,
    /// What the evidence says, with figures.
    pub evidence: String,
    /// Source ids.
    pub sources: Vec<String>,
}

/// How much of an exercise to do.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dose {
    /// Seconds to hold each stretch, for held exercises.
    #[serde(default)]
    pub hold_seconds: Option<u16>,
    /// Repetitions per set, for moving exercises.
    #[serde(default)]
    pub reps: Option<u16>,
    /// Number of sets.
    pub sets: u8,
    /// Whether the dose is for each side.
    #[serde(default)]
    pub per_side: bool,
}

impl Dose {
    /// The dose in words: "hold 30 s, 2 sets, each side".
    pub fn in_words(&self) -> String {
        let mut parts = Vec::new();
        if let Some(h) = self.hold_seconds {
            parts.push(format!("hold {h} s"));
        }
        if let Some(r) = self.reps {
            parts.push(format!("{r} reps"));
        }
        parts.push(if self.sets == 1 {
            "1 set".to_owned()
        } else {
            format!("{} sets", self.sets)
        });
        if self.per_side {
            parts.push("each side".to_owned());
        }
        parts.join(", ")
    }
}

/// Whether an exercise suits pregnancy, and how to change it if needed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pregnancy {
    /// Safe, modify or avoid.
    pub status: PregnancySafety,
    /// How to change it (for `modify`) or why to avoid it.
    #[serde(default)]
    pub note: Option<String>,
}

/// A stretch, mobility, strength or self-massage exercise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Kebab-case id, equal to the file name.
    pub id: String,
    /// Plain name.
    pub name: String,
    /// Other names people use for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Plain-language summary.
    pub summary: String,
    /// What it does for the person, said as the reason it is in a plan.
    pub benefit: String,
    /// How it should feel, and what means ease off.
    pub feel: String,
    /// What it mainly works, shared by exercises that do the same job: a
    /// routine never holds two with the same target.
    pub target: String,
    /// What it mainly does.
    pub kind: ExerciseKind,
    /// The way of stretching, for stretches.
    #[serde(default)]
    pub stretch_type: Option<StretchType>,
    /// Body areas it works on.
    pub areas: Vec<Area>,
    /// Body position.
    pub position: Position,
    /// Equipment it needs (`none` alone when it needs nothing).
    pub equipment: Vec<Equipment>,
    /// Technique ids whose method it uses (a held stretch applies static
    /// stretching, a ball exercise the massage ball): it inherits their
    /// exclusions, pressure and pregnancy rules.
    pub applies: Vec<String>,
    /// How hard it is.
    pub difficulty: Difficulty,
    /// What to do, in order.
    pub steps: Vec<String>,
    /// The stick figure its illustration is drawn from.
    pub pose: Pose,
    /// How much to do.
    pub dose: Dose,
    /// Estimated minutes for the whole dose.
    pub minutes: u8,
    /// Best times to do it.
    pub best_time: Vec<Slot>,
    /// Condition ids it suits.
    pub suitable_for: Vec<String>,
    /// Conditions and red flags that rule it out.
    #[serde(default)]
    pub avoid_if: AvoidIf,
    /// Pregnancy suitability.
    pub pregnancy: Pregnancy,
    /// What to be careful about, for everyone or for some conditions.
    pub cautions: Vec<CautionNote>,
    /// Common mistakes.
    pub common_mistakes: Vec<String>,
    /// Easier variations (exercise ids).
    #[serde(default)]
    pub easier: Vec<String>,
    /// Harder variations (exercise ids).
    #[serde(default)]
    pub harder: Vec<String>,
    /// Source ids.
    pub sources: Vec<String>,
}

/// Who an education message is for: every list that is not empty must
/// match (any of its entries), and an empty list matches anyone.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Pain durations.
    #[serde(default)]
    pub durations: Vec<Duration>,
    /// STarT Back tiers.
    #[serde(default)]
    pub risks: Vec<Risk>,
    /// Condition ids.
    #[serde(default)]
    pub conditions: Vec<String>,
}

/// A short educational message a plan carries (selfBACK's weekly
/// messages; NICE: advice and self-management at every step).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Education {
    /// Kebab-case id, equal to the file name.
    pub id: String,
    /// What it is about.
    pub theme: Theme,
    /// A short title.
    pub title: String,
    /// Two or three plain sentences.
    pub text: String,
    /// Who it is for.
    #[serde(rename = "for")]
    pub audience: Audience,
    /// Higher shows first, 1 to 9.
    pub priority: u8,
    /// Source ids.
    pub sources: Vec<String>,
}
