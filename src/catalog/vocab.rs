//! Closed vocabularies used by the content model.
//!
//! Each vocabulary is a plain enum with its wire spelling, a list of every
//! value (so the HTTP layer can document and parse them without a second
//! copy) and a parser whose error names the accepted values.

/// Declares a closed vocabulary: the enum, its serde spelling, `ALL`,
/// `as_str` and `FromStr`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        // From a string only: serde's derive would also take
        // `{"value": null}`, which no schema of ours allows. Its words for
        // an unknown value are kept.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Spelling;
                impl<'de> serde::de::Visitor<'de> for Spelling {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(f, "one of: {}", $name::expected())
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        $name::ALL
                            .iter()
                            .copied()
                            .find(|v| v.as_str() == s)
                            .ok_or_else(|| E::unknown_variant(s, &[$($text),+]))
                    }
                }
                d.deserialize_str(Spelling)
            }
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and content spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Every accepted spelling, comma separated, for error messages.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| format!("`{s}` is not one of: {}", Self::expected()))
            }
        }
    };
}

vocabulary! {
    /// How a condition relates to the person: what they have, what they do, or
    /// something that changes how they should be treated.
    ConditionCategory {
        /// A kind of back pain the person has.
        Presentation = "presentation",
        /// Something about their life that causes or shapes the pain.
        Situation = "situation",
        /// Something that changes what is safe for them.
        Modifier = "modifier",
    }
}

vocabulary! {
    /// The main way of treating back pain.
    Approach {
        /// Hands-on or self-massage first.
        Massage = "massage",
        /// Stretching, mobility and strength work first.
        Stretching = "stretching",
        /// Both, massage first and stretching after.
        Combined = "combined",
    }
}

vocabulary! {
    /// How urgently a red flag needs medical attention.
    Urgency {
        /// Book a visit with a clinician; gentle self-care may go on meanwhile.
        SeeClinician = "see_clinician",
        /// Same-day medical assessment.
        Urgent = "urgent",
        /// Go to an emergency department now.
        Emergency = "emergency",
    }
}

vocabulary! {
    /// What kind of technique this is.
    Modality {
        /// Hands-on massage by a therapist.
        Massage = "massage",
        /// Massage a person does on themselves with a tool.
        SelfMassage = "self-massage",
        /// A way of stretching.
        Stretching = "stretching",
        /// Something used alongside massage or stretching (heat, cold, relaxation).
        Adjunct = "adjunct",
    }
}

vocabulary! {
    /// Whether a technique may ever be recommended.
    TechniqueStatus {
        /// May be recommended when it fits the person.
        Recommended = "recommended",
        /// Never recommended; kept in the catalog to say why.
        NotRecommended = "not-recommended",
    }
}

vocabulary! {
    /// Massage pressure, lightest first.
    Pressure {
        /// Gentle strokes.
        Light = "light",
        /// Firm enough to work the muscle, not painful.
        Moderate = "moderate",
        /// Deep pressure into the muscle.
        Firm = "firm",
    }
}

vocabulary! {
    /// What an exercise mainly does.
    ExerciseKind {
        /// Lengthens a muscle.
        Stretch = "stretch",
        /// Moves a joint through its range.
        Mobility = "mobility",
        /// Builds the muscles that support the spine.
        Strength = "strength",
        /// Self-massage with a tool.
        SelfMassage = "self-massage",
    }
}

vocabulary! {
    /// The way a stretch is done.
    StretchType {
        /// Hold still in the stretch.
        Static = "static",
        /// Move in and out of the stretch.
        Dynamic = "dynamic",
        /// Contract, relax, then stretch further.
        Pnf = "pnf",
    }
}

vocabulary! {
    /// A part of the body an exercise works on.
    Area {
        /// The lumbar spine and the muscles around it.
        LowerBack = "lower_back",
        /// The thoracic spine below the shoulder blades.
        MidBack = "mid_back",
        /// Between and around the shoulder blades.
        UpperBack = "upper_back",
        /// The neck.
        Neck = "neck",
        /// Shoulders.
        Shoulders = "shoulders",
        /// Chest.
        Chest = "chest",
        /// Hip joints and hip rotators.
        Hips = "hips",
        /// Front of the hips.
        HipFlexors = "hip_flexors",
        /// Buttocks.
        Glutes = "glutes",
        /// Back of the thighs.
        Hamstrings = "hamstrings",
        /// Front of the thighs.
        Quadriceps = "quadriceps",
        /// Legs below the hips, including the calves and the path of the sciatic nerve.
        Leg = "leg",
        /// Deep trunk muscles.
        Core = "core",
    }
}

vocabulary! {
    /// The body position an exercise is done in.
    Position {
        /// Lying on the back.
        Supine = "supine",
        /// Lying face down.
        Prone = "prone",
        /// Lying on one side.
        SideLying = "side_lying",
        /// Kneeling or on hands and knees.
        Kneeling = "kneeling",
        /// Sitting on the floor.
        SeatedFloor = "seated_floor",
        /// Sitting on a chair.
        SeatedChair = "seated_chair",
        /// Standing.
        Standing = "standing",
    }
}

impl Position {
    /// Whether the position needs the person to get down to the floor.
    pub const fn on_floor(self) -> bool {
        !matches!(self, Position::SeatedChair | Position::Standing)
    }
}

vocabulary! {
    /// Equipment an exercise needs.
    Equipment {
        /// Nothing beyond the floor and the body.
        None = "none",
        /// A foam roller.
        FoamRoller = "foam_roller",
        /// A massage or tennis ball.
        MassageBall = "massage_ball",
        /// A yoga block or a thick book.
        YogaBlock = "yoga_block",
        /// A clear wall.
        Wall = "wall",
        /// A sturdy chair without wheels.
        Chair = "chair",
        /// A towel, belt or strap.
        Towel = "towel",
        /// An exercise mat.
        Mat = "mat",
        /// A handheld massage tool (percussion or roller).
        HandheldMassager = "handheld_massager",
    }
}

vocabulary! {
    /// How hard an exercise is.
    Difficulty {
        /// Suitable for anyone starting out.
        Beginner = "beginner",
        /// Needs some strength, balance or flexibility.
        Intermediate = "intermediate",
        /// For people used to exercise.
        Advanced = "advanced",
    }
}

vocabulary! {
    /// A time of day, or a moment, to do an exercise.
    Slot {
        /// After getting up.
        Morning = "morning",
        /// Breaks during the working day.
        Daytime = "daytime",
        /// Before bed or in the evening.
        Evening = "evening",
        /// Before a workout, as a warm-up.
        BeforeExercise = "before_exercise",
        /// After a workout.
        AfterExercise = "after_exercise",
        /// After a massage, while the muscles are warm.
        AfterMassage = "after_massage",
    }
}

vocabulary! {
    /// Whether an exercise is safe during pregnancy.
    PregnancySafety {
        /// Safe as described.
        Safe = "safe",
        /// Safe with the change given in the note.
        Modify = "modify",
        /// Not for use during pregnancy.
        Avoid = "avoid",
    }
}

vocabulary! {
    /// The kind of publication a source is.
    SourceKind {
        /// A clinical guideline.
        Guideline = "guideline",
        /// A systematic review.
        SystematicReview = "systematic-review",
        /// A clinical trial.
        Trial = "trial",
        /// An article for the public.
        Article = "article",
        /// A clinical tool or questionnaire.
        Tool = "tool",
    }
}

vocabulary! {
    /// Whether a condition changes how much massage a person may have.
    MassageRole {
        /// No restriction beyond pressure and technique exclusions.
        Allowed = "allowed",
        /// Massage only alongside exercise, never the main approach.
        SupportingOnly = "supporting_only",
        /// No massage at all.
        Excluded = "excluded",
    }
}

// Other layers declare their closed vocabularies the same way.
pub(crate) use vocabulary;

vocabulary! {
    /// How long the pain has lasted (ACP 2017 classes).
    Duration {
        /// Less than 4 weeks.
        Acute = "acute",
        /// 4 to 12 weeks.
        Subacute = "subacute",
        /// More than 12 weeks.
        Chronic = "chronic",
    }
}

vocabulary! {
    /// Where it hurts.
    PainArea {
        /// Lower back.
        LowerBack = "lower_back",
        /// Middle of the back.
        MidBack = "mid_back",
        /// Upper back.
        UpperBack = "upper_back",
        /// Hips or buttocks.
        Hips = "hips",
        /// Leg.
        Leg = "leg",
    }
}

vocabulary! {
    /// STarT Back risk tier.
    Risk {
        /// Advice and self-management.
        Low = "low",
        /// Physiotherapy.
        Medium = "medium",
        /// Psychologically informed physiotherapy.
        High = "high",
    }
}

vocabulary! {
    /// What an education message is about.
    Theme {
        /// Staying active and keeping up normal life.
        StayingActive = "staying-active",
        /// Pain is not a sign of damage.
        HurtIsNotHarm = "hurt-is-not-harm",
        /// Pacing and building up gradually.
        Pacing = "pacing",
        /// Sleep and back pain.
        Sleep = "sleep",
        /// Stress, worry and mood.
        StressAndMood = "stress-and-mood",
        /// When to get medical help.
        WhenToSeekHelp = "when-to-seek-help",
        /// What back pain is and is not.
        WhatBackPainIs = "what-back-pain-is",
        /// What to do in a flare-up.
        FlareUps = "flare-ups",
    }
}
