//! What the engine needs to know about a person, already checked by the
//! caller: ids exist, numbers are in range.

use crate::catalog::vocab::vocabulary;
pub use crate::catalog::{Duration, PainArea};
use crate::catalog::{Equipment, Position};

vocabulary! {
    /// What massage the person can get.
    MassageAccess {
        /// A massage therapist, and self-massage.
        Professional = "professional",
        /// Only self-massage with their own tools.
        SelfOnly = "self",
        /// No massage at all.
        NoAccess = "none",
    }
}

vocabulary! {
    /// What the person wants most.
    Goal {
        /// Relief now.
        QuickRelief = "quick_relief",
        /// Fewer and milder episodes over time.
        LongTerm = "long_term",
        /// Both.
        Both = "both",
    }
}

vocabulary! {
    /// STarT Back item 9: how bothersome the pain was in the last two weeks.
    Bothersomeness {
        /// Not at all.
        NotAtAll = "not_at_all",
        /// Slightly.
        Slightly = "slightly",
        /// Moderately.
        Moderately = "moderately",
        /// Very much.
        VeryMuch = "very_much",
        /// Extremely.
        Extremely = "extremely",
    }
}

/// The pain itself.
#[derive(Debug, Clone)]
pub struct Pain {
    /// How long it has lasted.
    pub duration: Duration,
    /// 0 (none) to 10 (worst imaginable); `None` when nobody recorded it
    /// (an EHR record), which the engine treats cautiously, as severe.
    pub intensity: Option<u8>,
    /// Where it hurts; never empty.
    pub areas: Vec<PainArea>,
}

vocabulary! {
    /// How an exercise felt last week.
    Felt {
        /// Too easy: time to step up.
        TooEasy = "too_easy",
        /// About right.
        Right = "right",
        /// Too hard to do well.
        TooHard = "too_hard",
        /// It hurt.
        Painful = "painful",
    }
}

/// How one exercise of last week's plan went.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ItemReport {
    /// The exercise id.
    pub exercise_id: String,
    /// Days it was done, 0 to 7.
    pub days_done: u8,
    /// How it felt.
    pub felt: Felt,
}

/// Last week's report, kept by the app: the service stores nothing.
#[derive(Debug, Clone)]
pub struct WeekReport {
    /// Pain a week ago, 0 to 10, when the app recorded it.
    pub pain_then: Option<u8>,
    /// How each exercise went, sorted by id.
    pub items: Vec<ItemReport>,
}

/// What fits the person's life.
#[derive(Debug, Clone)]
pub struct Preferences {
    /// Minutes a day for the routine, 5 to 120.
    pub minutes_per_day: u8,
    /// Extra equipment they have; household items (policy `household`)
    /// are assumed unless listed in `lacks`.
    pub equipment: Vec<Equipment>,
    /// Household items they do not have.
    pub lacks: Vec<Equipment>,
    /// Technique ids the person asked about, so those advised against are
    /// explained even when nothing else makes them relevant.
    pub asked_about: Vec<String>,
    /// Positions they cannot or will not get into.
    pub avoid_positions: Vec<Position>,
    /// What massage they can get.
    pub massage_access: MassageAccess,
    /// What they want most.
    pub goal: Goal,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            minutes_per_day: 10,
            equipment: Vec::new(),
            lacks: Vec::new(),
            asked_about: Vec::new(),
            avoid_positions: Vec::new(),
            massage_access: MassageAccess::Professional,
            goal: Goal::Both,
        }
    }
}

/// The STarT Back Screening Tool's answers, by item meaning (Keele
/// University; the wording is theirs and not reproduced here).
#[derive(Debug, Clone, Copy)]
pub struct StartBackAnswers {
    /// Item 1: pain has spread down the leg(s).
    pub leg_pain: bool,
    /// Item 2: pain in the shoulder or neck as well.
    pub shoulder_or_neck_pain: bool,
    /// Item 3: walked only short distances because of the pain.
    pub walked_short_distances_only: bool,
    /// Item 4: dressed more slowly than usual because of the pain.
    pub dressed_slowly: bool,
    /// Item 5: feels it is not safe for them to be physically active.
    pub not_safe_to_be_active: bool,
    /// Item 6: worrying thoughts a lot of the time.
    pub worrying_thoughts: bool,
    /// Item 7: feels the pain is terrible and will never get better.
    pub pain_terrible_never_better: bool,
    /// Item 8: has not enjoyed things they usually enjoy.
    pub no_enjoyment: bool,
    /// Item 9: how bothersome the pain has been.
    pub bothersomeness: Bothersomeness,
}

/// Everything the engine decides from.
#[derive(Debug, Clone)]
pub struct Person {
    /// The pain.
    pub pain: Pain,
    /// Catalog condition ids, sorted and without repeats.
    pub conditions: Vec<String>,
    /// Catalog red-flag ids answered yes, sorted and without repeats.
    pub red_flags: Vec<String>,
    /// Age in years, when given.
    pub age: Option<u8>,
    /// Time, equipment and access.
    pub preferences: Preferences,
    /// STarT Back answers, when given.
    pub start_back: Option<StartBackAnswers>,
    /// Last week's report, when the app sends it.
    pub last_week: Option<WeekReport>,
}
