//! The catalog: the content model, loading, validation and queries.
//!
//! Knowledge lives here, in data a clinician can edit; nothing in this module
//! knows about HTTP.

mod files;
mod load;
pub mod model;
pub mod policy;
pub mod pose;
mod positions;
mod problem;
mod query;
mod validate;
pub mod vocab;

pub use files::{Found, MAX_FILE_BYTES, find_files, read_dir};
pub use load::{ContentFile, embedded_files};
pub use model::*;
pub use policy::{Activity, ActivityGoal, AgeBand, Messages, Policy};
pub use positions::PositionSet;
pub use problem::{LoadError, Problem};
pub use query::{ExerciseFilter, TechniqueFilter};

/// The seven kinds of entity, as their content folder names.
pub const KINDS: [&str; 7] = [
    "conditions",
    "red-flags",
    "techniques",
    "exercises",
    "sources",
    "escalations",
    "education",
];

/// The folder holding the engine's policy: [`POLICY_FILE`],
/// [`MESSAGES_FILE`] and [`ACTIVITY_FILE`].
pub const POLICY_DIR: &str = "policy";
/// The policy file, relative to the content root.
pub const POLICY_FILE: &str = "policy/policy.json";
/// The engine's sentences, relative to the content root.
pub const MESSAGES_FILE: &str = "policy/messages.json";
/// Walking and activity goals, relative to the content root.
pub const ACTIVITY_FILE: &str = "policy/activity.json";

/// The whole catalog, immutable once loaded. Each list is sorted by id, so
/// listings come in a stable order and lookups are binary searches.
#[derive(Debug)]
pub struct Catalog {
    /// A fingerprint of every content file: changes whenever content changes.
    pub version: String,
    /// Sources, by id.
    pub sources: Vec<Source>,
    /// Conditions, by id.
    pub conditions: Vec<Condition>,
    /// Red flags, by id.
    pub red_flags: Vec<RedFlag>,
    /// Techniques, by id.
    pub techniques: Vec<Technique>,
    /// Exercises, by id.
    pub exercises: Vec<Exercise>,
    /// Escalation rules, by id.
    pub escalations: Vec<EscalationRule>,
    /// The engine's thresholds, age bands, weights and rules.
    pub policy: Policy,
    /// Every sentence the engine says to a person, by key.
    pub messages: Messages,
    /// The same sentences in [`policy::MESSAGES`] order, for lookups by
    /// position (an empty string where content lacks one, which
    /// validation refuses).
    message_table: Vec<policy::Template>,
    /// The policy's rules in [`policy::RULES`] order.
    rule_table: Vec<Option<policy::Rule>>,
    /// Their decisions, in the same order.
    decision_table: Vec<policy::Template>,
    /// Each rule's sources as source positions, in the same order.
    rule_sources: Vec<Vec<u16>>,
    /// Walking and activity goals.
    pub activity: Activity,
    /// Education messages, by id.
    pub education: Vec<Education>,
    search: query::SearchIndex,
    refs: Refs,
}

/// The references the engine follows on every request, as positions in the
/// id-sorted condition and red-flag lists, worked out once at load: the
/// engine then tests membership with a bit, not a string comparison.
#[derive(Debug, Default)]
pub struct Refs {
    /// Per exercise (catalog order): `suitable_for` as condition positions.
    pub exercise_suitable: Vec<Vec<u16>>,
    /// The same, as sets.
    pub exercise_suitable_set: Vec<PositionSet>,
    /// Per exercise: `avoid_if.conditions` as condition positions.
    pub exercise_avoid_conditions: Vec<Vec<u16>>,
    /// Per exercise: `avoid_if.red_flags` as red-flag positions.
    pub exercise_avoid_flags: Vec<Vec<u16>>,
    /// Per technique: `best_for` as condition positions.
    pub technique_best_for: Vec<Vec<u16>>,
    /// The same, as sets.
    pub technique_best_for_set: Vec<PositionSet>,
    /// Per technique: `avoid_if.conditions` as condition positions.
    pub technique_avoid_conditions: Vec<Vec<u16>>,
    /// Per technique: `avoid_if.red_flags` as red-flag positions.
    pub technique_avoid_flags: Vec<Vec<u16>>,
    /// Per exercise: its dose in words ([`Dose::in_words`]).
    pub exercise_dose: Vec<String>,
    /// Per exercise: what it works, as the position of the first exercise
    /// that works the same target, so targets compare as numbers.
    pub exercise_target: Vec<u16>,
    /// Per condition: its name lower-cased, for use mid-sentence.
    pub condition_lower_names: Vec<String>,
    /// Per red flag: its name lower-cased, for use mid-sentence.
    pub red_flag_lower_names: Vec<String>,
    /// The plan-wide caution naming every emergency red flag (when to stop
    /// and get help now); empty when the catalog has none.
    pub stop_caution: String,
    /// The same signs, as the one caution of an answer with no plan.
    pub emergency_caution: String,
    /// Per exercise: its `sources` as source positions.
    pub exercise_sources: Vec<Vec<u16>>,
    /// Per technique: its `sources` as source positions.
    pub technique_sources: Vec<Vec<u16>>,
    /// Per condition: its `sources` as source positions.
    pub condition_sources: Vec<Vec<u16>>,
    /// Per red flag: its `sources` as source positions.
    pub red_flag_sources: Vec<Vec<u16>>,
    /// Per exercise: the techniques it applies, as technique positions.
    pub exercise_applies: Vec<Vec<u16>>,
    /// Per exercise: its easier versions, as exercise positions.
    pub exercise_easier: Vec<Vec<u16>>,
    /// Per exercise: its harder versions, as exercise positions.
    pub exercise_harder: Vec<Vec<u16>>,
    /// Per exercise: its cautions' keys, parallel to `cautions`.
    pub exercise_caution_keys: Vec<Vec<CautionKey>>,
    /// Per technique: its cautions' keys, parallel to `cautions`.
    pub technique_caution_keys: Vec<Vec<CautionKey>>,
    /// Per condition: its cautions' keys, parallel to `cautions`.
    pub condition_caution_keys: Vec<Vec<CautionKey>>,
    /// Per escalation rule: its clauses' signs as positions, with how many
    /// of each clause must be present.
    pub escalation_signs: Vec<Vec<(Vec<SignRef>, usize)>>,
    /// Per education message: its `sources` as source positions.
    pub education_sources: Vec<Vec<u16>>,
    /// Per education message: its title in quotation marks, for use mid-sentence.
    pub education_quoted_titles: Vec<String>,
    /// Per activity goal: its `sources` as source positions.
    pub activity_sources: Vec<Vec<u16>>,
    /// Per exercise, parallel to `exercise_harder`: when to move on to that
    /// harder version, worded once because it depends only on the content.
    pub exercise_up_to: Vec<Vec<String>>,
    /// Per exercise, parallel to `exercise_easier`: when to go back to that
    /// easier version.
    pub exercise_down_to: Vec<Vec<String>>,
    /// Per equipment (in declaration order): why an entry that needs it is
    /// left out when the person does not have it.
    pub needs_equipment: Vec<String>,
    /// Every SNOMED CT concept on a condition or red flag, sorted by code
    /// (then conditions before red flags, each in id order): a record's
    /// code is found by binary search, not by scanning every entry.
    pub snomed: Vec<SnomedRef>,
}

/// Who a caution is for, as positions: empty lists mean everyone.
#[derive(Debug, Default, Clone)]
pub struct CautionKey {
    /// Condition positions.
    pub conditions: Vec<u16>,
    /// Red-flag positions.
    pub red_flags: Vec<u16>,
    /// Condition positions that hide the caution.
    pub unless_conditions: Vec<u16>,
    /// Red-flag positions that hide the caution.
    pub unless_red_flags: Vec<u16>,
}

/// A sign of an escalation rule, as a position in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignRef {
    /// A red flag.
    RedFlag(u16),
    /// A condition.
    Condition(u16),
    /// An age band of the policy.
    AgeBand(u16),
}

/// Which list a [`SnomedRef`] points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SnomedKind {
    /// [`Catalog::conditions`].
    Condition,
    /// [`Catalog::red_flags`].
    RedFlag,
}

impl SnomedKind {
    /// The kind's name as the API spells it: `condition` or `red-flag`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Condition => "condition",
            Self::RedFlag => "red-flag",
        }
    }
}

/// Where a SNOMED CT code is in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SnomedRef {
    /// The concept id.
    pub code: String,
    /// The list the entry is in.
    pub kind: SnomedKind,
    /// The entry's position in that list.
    pub position: u16,
    /// The concept's position in the entry's `snomed` list.
    pub concept: u16,
}

impl Refs {
    fn build(c: &Catalog) -> Self {
        // Validation has already refused dangling references.
        let positions = |ids: &[String], of: &dyn Fn(&str) -> Option<usize>| -> Vec<u16> {
            ids.iter()
                .filter_map(|id| of(id))
                .filter_map(|i| u16::try_from(i).ok())
                .collect()
        };
        let condition = |id: &str| {
            c.conditions
                .binary_search_by(|x| x.id.as_str().cmp(id))
                .ok()
        };
        let flag = |id: &str| c.red_flags.binary_search_by(|x| x.id.as_str().cmp(id)).ok();
        let source = |id: &str| c.sources.binary_search_by(|x| x.id.as_str().cmp(id)).ok();
        let exercise = |id: &str| c.exercises.binary_search_by(|x| x.id.as_str().cmp(id)).ok();
        let technique = |id: &str| {
            c.techniques
                .binary_search_by(|x| x.id.as_str().cmp(id))
                .ok()
        };
        let keys = |notes: &[CautionNote]| -> Vec<CautionKey> {
            notes
                .iter()
                .map(|n| CautionKey {
                    conditions: positions(&n.only_with.conditions, &condition),
                    red_flags: positions(&n.only_with.red_flags, &flag),
                    unless_conditions: positions(&n.unless.conditions, &condition),
                    unless_red_flags: positions(&n.unless.red_flags, &flag),
                })
                .collect()
        };
        let sign = |id: &str| -> Option<SignRef> {
            let at = |i: usize| u16::try_from(i).ok();
            flag(id)
                .and_then(at)
                .map(SignRef::RedFlag)
                .or_else(|| condition(id).and_then(at).map(SignRef::Condition))
                .or_else(|| {
                    c.policy
                        .age_bands
                        .iter()
                        .position(|b| b.id == id)
                        .and_then(at)
                        .map(SignRef::AgeBand)
                })
        };
        let exercise_suitable: Vec<Vec<u16>> = c
            .exercises
            .iter()
            .map(|e| positions(&e.suitable_for, &condition))
            .collect();
        let technique_best_for: Vec<Vec<u16>> = c
            .techniques
            .iter()
            .map(|t| positions(&t.best_for, &condition))
            .collect();
        let sets = |lists: &[Vec<u16>]| -> Vec<PositionSet> {
            lists
                .iter()
                .map(|l| PositionSet::of(l.iter().map(|p| usize::from(*p))))
                .collect()
        };
        Self {
            exercise_suitable_set: sets(&exercise_suitable),
            technique_best_for_set: sets(&technique_best_for),
            exercise_suitable,
            technique_best_for,
            exercise_avoid_conditions: c
                .exercises
                .iter()
                .map(|e| positions(&e.avoid_if.conditions, &condition))
                .collect(),
            exercise_avoid_flags: c
                .exercises
                .iter()
                .map(|e| positions(&e.avoid_if.red_flags, &flag))
                .collect(),
            technique_avoid_conditions: c
                .techniques
                .iter()
                .map(|t| positions(&t.avoid_if.conditions, &condition))
                .collect(),
            technique_avoid_flags: c
                .techniques
                .iter()
                .map(|t| positions(&t.avoid_if.red_flags, &flag))
                .collect(),
            exercise_dose: c.exercises.iter().map(|e| e.dose.in_words()).collect(),
            exercise_target: c
                .exercises
                .iter()
                .map(|e| {
                    let first = c.exercises.iter().position(|x| x.target == e.target);
                    first
                        .and_then(|p| u16::try_from(p).ok())
                        .unwrap_or(u16::MAX)
                })
                .collect(),
            condition_lower_names: c
                .conditions
                .iter()
                .map(|x| x.phrase.clone().unwrap_or_else(|| x.name.to_lowercase()))
                .collect(),
            red_flag_lower_names: c
                .red_flags
                .iter()
                .map(|f| f.phrase.clone().unwrap_or_else(|| f.name.to_lowercase()))
                .collect(),
            exercise_sources: c
                .exercises
                .iter()
                .map(|e| positions(&e.sources, &source))
                .collect(),
            technique_sources: c
                .techniques
                .iter()
                .map(|t| positions(&t.sources, &source))
                .collect(),
            condition_sources: c
                .conditions
                .iter()
                .map(|x| positions(&x.sources, &source))
                .collect(),
            red_flag_sources: c
                .red_flags
                .iter()
                .map(|f| positions(&f.sources, &source))
                .collect(),
            exercise_applies: c
                .exercises
                .iter()
                .map(|e| positions(&e.applies, &technique))
                .collect(),
            exercise_caution_keys: c.exercises.iter().map(|e| keys(&e.cautions)).collect(),
            exercise_easier: c
                .exercises
                .iter()
                .map(|e| positions(&e.easier, &exercise))
                .collect(),
            exercise_harder: c
                .exercises
                .iter()
                .map(|e| positions(&e.harder, &exercise))
                .collect(),
            technique_caution_keys: c.techniques.iter().map(|t| keys(&t.cautions)).collect(),
            condition_caution_keys: c.conditions.iter().map(|x| keys(&x.cautions)).collect(),
            escalation_signs: c
                .escalations
                .iter()
                .map(|r| {
                    r.when
                        .iter()
                        .map(|cl| (cl.of.iter().filter_map(|s| sign(s)).collect(), cl.needed()))
                        .collect()
                })
                .collect(),
            snomed: snomed_index(c),
            education_sources: c
                .education
                .iter()
                .map(|m| positions(&m.sources, &source))
                .collect(),
            education_quoted_titles: c
                .education
                .iter()
                .map(|m| format!("\u{201c}{}\u{201d}", m.title))
                .collect(),
            activity_sources: c
                .activity
                .goals
                .iter()
                .map(|g| positions(&g.sources, &source))
                .collect(),
            exercise_up_to: c
                .exercises
                .iter()
                .map(|e| variant_sentences(c, &e.harder, &exercise, MESSAGE_UP_TO, "harder"))
                .collect(),
            exercise_down_to: c
                .exercises
                .iter()
                .map(|e| variant_sentences(c, &e.easier, &exercise, MESSAGE_DOWN_TO, "easier"))
                .collect(),
            needs_equipment: Equipment::ALL
                .iter()
                .map(|q| {
                    let words = q.as_str().replace('_', " ");
                    c.say(MESSAGE_NEEDS_EQUIPMENT, &[("equipment", &words)])
                })
                .collect(),
            stop_caution: emergency_caution(c, MESSAGE_STOP),
            emergency_caution: emergency_caution(c, MESSAGE_EMERGENCY),
        }
    }
}

const MESSAGE_STOP: usize = policy::message_index("cautions.stop");
const MESSAGE_EMERGENCY: usize = policy::message_index("cautions.emergency");

/// The message at `at` naming every emergency red flag of `c`, lower-cased
/// and joined by "; "; empty when there is none.
fn emergency_caution(c: &Catalog, at: usize) -> String {
    let names: Vec<String> = c
        .red_flags
        .iter()
        .filter(|f| f.urgency == Urgency::Emergency)
        .map(|f| f.name.to_lowercase())
        .collect();
    if names.is_empty() {
        return String::new();
    }
    c.say(at, &[("emergencies", &names.join("; "))])
}

const MESSAGE_UP_TO: usize = policy::message_index("progression.up_to");
const MESSAGE_DOWN_TO: usize = policy::message_index("progression.down_to");
const MESSAGE_NEEDS_EQUIPMENT: usize = policy::message_index("reason.needs_equipment");

/// The sentence at message `at` for each of `ids` (exercise ids), with
/// `slot` filled by that exercise's name lower-cased; parallel to the
/// positions `Refs` keeps for the same ids.
fn variant_sentences(
    c: &Catalog,
    ids: &[String],
    exercise: &dyn Fn(&str) -> Option<usize>,
    at: usize,
    slot: &str,
) -> Vec<String> {
    ids.iter()
        .filter_map(|id| exercise(id))
        .filter(|i| u16::try_from(*i).is_ok())
        .map(|i| policy::fill(c.msg(at), &[(slot, &c.exercises[i].name.to_lowercase())]))
        .collect()
}

/// Every SNOMED CT concept of `c`'s conditions and red flags, sorted.
fn snomed_index(c: &Catalog) -> Vec<SnomedRef> {
    let entries = |kind: SnomedKind, lists: Vec<&[Snomed]>| {
        lists
            .into_iter()
            .enumerate()
            .flat_map(move |(position, concepts)| {
                concepts
                    .iter()
                    .enumerate()
                    .map(move |(concept, s)| SnomedRef {
                        code: s.code.clone(),
                        kind,
                        position: u16::try_from(position).unwrap_or(u16::MAX),
                        concept: u16::try_from(concept).unwrap_or(u16::MAX),
                    })
            })
            .collect::<Vec<_>>()
    };
    let conditions = c.conditions.iter().map(|x| x.snomed.as_slice()).collect();
    let flags = c.red_flags.iter().map(|f| f.snomed.as_slice()).collect();
    let mut index = entries(SnomedKind::Condition, conditions);
    index.extend(entries(SnomedKind::RedFlag, flags));
    index.sort();
    index
}

/// Anything with a catalog id.
pub trait Entity {
    /// The entity's id.
    fn id(&self) -> &str;
}

macro_rules! entity {
    ($($t:ty),*) => { $(impl Entity for $t { fn id(&self) -> &str { &self.id } })* };
}
entity!(
    Source,
    Condition,
    RedFlag,
    Technique,
    Exercise,
    EscalationRule,
    Education
);

/// The position of `item` in `list`, which it belongs to: callers only
/// hold references into the catalog's own lists, so an address difference
/// is the index, without a search by id.
pub fn position<T>(list: &[T], item: &T) -> usize {
    let size = std::mem::size_of::<T>().max(1);
    let i = (std::ptr::from_ref(item).addr() - list.as_ptr().addr()) / size;
    assert!(i < list.len(), "an entity outside the catalog's list");
    i
}

fn find<'a, T: Entity>(items: &'a [T], id: &str) -> Option<&'a T> {
    items
        .binary_search_by(|item| item.id().cmp(id))
        .ok()
        .map(|i| &items[i])
}

impl Catalog {
    /// Loads the content embedded in the binary at build time.
    pub fn embedded() -> Result<Self, LoadError> {
        Self::from_files(embedded_files())
    }

    /// Loads and validates a whole catalog from `(path, text)` files, reporting
    /// every problem at once.
    pub fn from_files(files: Vec<ContentFile>) -> Result<Self, LoadError> {
        load::load(files, Vec::new())
    }

    /// Loads and validates the content in a directory laid out as
    /// `<kind>/<id>.json`.
    pub fn from_dir(root: &std::path::Path) -> Result<Self, LoadError> {
        let (files, problems) = read_dir(root)?;
        load::load(files, problems)
    }

    /// References as positions, for the engine.
    pub fn refs(&self) -> &Refs {
        &self.refs
    }

    /// Recomputes [`Catalog::refs`] after the lists were changed in place.
    pub fn reindex(&mut self) {
        self.tables();
        self.refs = Refs::build(self);
    }

    /// Where the catalog carries the SNOMED CT concept `code`: none, one,
    /// or several entries (conditions first, each list in id order).
    pub fn snomed(&self, code: &str) -> &[SnomedRef] {
        let index = &self.refs.snomed;
        let start = index.partition_point(|r| r.code.as_str() < code);
        let len = index[start..].partition_point(|r| r.code == code);
        &index[start..start + len]
    }

    /// The concept a [`SnomedRef`] from [`Catalog::snomed`] points at.
    pub fn snomed_concept(&self, r: &SnomedRef) -> Option<&Snomed> {
        let concepts = match r.kind {
            SnomedKind::Condition => &self.conditions.get(usize::from(r.position))?.snomed,
            SnomedKind::RedFlag => &self.red_flags.get(usize::from(r.position))?.snomed,
        };
        concepts.get(usize::from(r.concept))
    }

    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        find(&self.sources, id)
    }
    /// A condition by id.
    pub fn condition(&self, id: &str) -> Option<&Condition> {
        find(&self.conditions, id)
    }
    /// A red flag by id.
    pub fn red_flag(&self, id: &str) -> Option<&RedFlag> {
        find(&self.red_flags, id)
    }
    /// A technique by id.
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        find(&self.techniques, id)
    }
    /// An exercise by id.
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        find(&self.exercises, id)
    }

    /// An escalation rule by id.
    pub fn escalation(&self, id: &str) -> Option<&EscalationRule> {
        find(&self.escalations, id)
    }

    /// A sentence the engine says, by key; validation has checked that
    /// every key the engine uses is there.
    pub fn message(&self, key: &str) -> &str {
        self.messages.get(key).map_or("", String::as_str)
    }

    /// The sentence at position `at` of [`policy::MESSAGES`].
    pub fn msg(&self, at: usize) -> &str {
        self.message_table
            .get(at)
            .map_or("", policy::Template::as_str)
    }

    /// The sentence at position `at` of [`policy::MESSAGES`], with its
    /// placeholders filled in from `args`.
    pub fn say(&self, at: usize, args: &[(&str, &str)]) -> String {
        self.message_table
            .get(at)
            .map_or_else(String::new, |t| t.fill(args))
    }

    /// The decision of the rule at position `at` of [`policy::RULES`], with
    /// its placeholders filled in from `args`.
    pub fn decide(&self, at: usize, args: &[(&str, &str)]) -> String {
        self.decision_table
            .get(at)
            .map_or_else(String::new, |t| t.fill(args))
    }

    /// The sources of the rule at position `at`, as source positions.
    pub fn rule_sources(&self, at: usize) -> &[u16] {
        self.rule_sources.get(at).map_or(&[], Vec::as_slice)
    }

    /// The rule at position `at` of [`policy::RULES`].
    pub fn rule_at(&self, at: usize) -> Option<&policy::Rule> {
        self.rule_table.get(at).and_then(Option::as_ref)
    }

    /// Rebuilds the positional tables of messages and rules.
    fn tables(&mut self) {
        self.message_table = policy::MESSAGES
            .iter()
            .map(|(key, _)| {
                policy::Template::parse(self.messages.get(*key).map_or("", String::as_str))
            })
            .collect();
        self.rule_table = policy::RULES
            .iter()
            .map(|(id, _)| self.policy.rules.get(*id).cloned())
            .collect();
        self.decision_table = self
            .rule_table
            .iter()
            .map(|r| policy::Template::parse(r.as_ref().map_or("", |r| r.decision.as_str())))
            .collect();
        self.rule_sources = self
            .rule_table
            .iter()
            .map(|r| {
                r.iter()
                    .flat_map(|r| &r.sources)
                    .filter_map(|id| {
                        self.sources
                            .binary_search_by(|s| s.id.as_str().cmp(id))
                            .ok()
                    })
                    .filter_map(|p| u16::try_from(p).ok())
                    .collect()
            })
            .collect();
    }

    /// How many entities of each kind, in [`KINDS`] order.
    pub fn counts(&self) -> [(&'static str, usize); 7] {
        [
            ("conditions", self.conditions.len()),
            ("red-flags", self.red_flags.len()),
            ("techniques", self.techniques.len()),
            ("exercises", self.exercises.len()),
            ("sources", self.sources.len()),
            ("escalations", self.escalations.len()),
            ("education", self.education.len()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index finds every concept the lists carry, in the order a scan
    /// of conditions then red flags would, and nothing else.
    #[test]
    fn every_snomed_code_is_found_by_binary_search_as_a_scan_would() {
        let catalog = Catalog::embedded().expect("embedded content is valid");
        let scan = |code: &str| {
            let conditions = catalog.conditions.iter().filter_map(|c| {
                let s = c.snomed.iter().find(|s| s.code == code)?;
                Some((SnomedKind::Condition, c.id.as_str(), s.display.as_str()))
            });
            let flags = catalog.red_flags.iter().filter_map(|f| {
                let s = f.snomed.iter().find(|s| s.code == code)?;
                Some((SnomedKind::RedFlag, f.id.as_str(), s.display.as_str()))
            });
            conditions.chain(flags).collect::<Vec<_>>()
        };
        let found = |code: &str| {
            catalog
                .snomed(code)
                .iter()
                .map(|r| {
                    let id = match r.kind {
                        SnomedKind::Condition => &catalog.conditions[usize::from(r.position)].id,
                        SnomedKind::RedFlag => &catalog.red_flags[usize::from(r.position)].id,
                    };
                    let concept = catalog.snomed_concept(r).expect("the concept is there");
                    assert_eq!(concept.code, code);
                    (r.kind, id.as_str(), concept.display.as_str())
                })
                .collect::<Vec<_>>()
        };
        let codes: Vec<&str> = catalog
            .conditions
            .iter()
            .flat_map(|c| &c.snomed)
            .chain(catalog.red_flags.iter().flat_map(|f| &f.snomed))
            .map(|s| s.code.as_str())
            .collect();
        assert!(!codes.is_empty(), "the content codes some entries");
        for code in codes
            .iter()
            .copied()
            .chain(["0", "999999999", "", "23056005x"])
        {
            assert_eq!(found(code), scan(code), "{code}");
        }
        assert!(catalog.snomed("999999999").is_empty());
    }
}
