//! What every step of the engine reads: the catalog, the person, the signs
//! they present, the caps on the plan, and the explanation being written.

use std::borrow::Cow;

use crate::catalog::{
    Area, Catalog, CautionKey, CautionNote, Condition, Difficulty, Equipment, PositionSet,
    Pressure, RedFlag, SignRef, Slot, Technique, position,
};

use super::explanation::m;
use super::input::{Duration, Goal, MassageAccess, Person};
use super::output::{Risk, Step};

/// A set of times of day, one bit each.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct SlotSet(u32);

impl SlotSet {
    fn of(slots: impl Iterator<Item = Slot>) -> Self {
        Self(slots.fold(0, |bits, s| bits | 1 << (s as u32)))
    }

    pub(super) fn contains(self, slot: Slot) -> bool {
        self.0 & 1 << (slot as u32) != 0
    }
}

/// Who set a cap or a massage limit: a condition, a red flag, an age band
/// or the pain itself, with its id (empty for the pain) and its name
/// mid-sentence.
#[derive(Debug, Clone)]
pub(super) struct Because<'c> {
    pub(super) id: &'c str,
    pub(super) name: Cow<'c, str>,
    pub(super) reason: Option<&'c str>,
}

/// What the person's conditions, flags, age and pain cap, and who set each cap.
#[derive(Debug)]
pub(super) struct Limits<'c> {
    pub(super) max_pressure: Pressure,
    pub(super) pressure_by: Vec<Because<'c>>,
    pub(super) max_difficulty: Difficulty,
    pub(super) difficulty_by: Vec<Because<'c>>,
    pub(super) pregnancy_only: Option<&'c Condition>,
    pub(super) massage_excluded: Option<Because<'c>>,
    pub(super) massage_supporting: Option<Because<'c>>,
    /// Set when a warning sign or the pain makes every part of the plan
    /// gentle: the message key that says why.
    pub(super) gentle: Option<&'static str>,
}

impl Default for Limits<'_> {
    fn default() -> Self {
        Self {
            max_pressure: Pressure::Firm,
            pressure_by: Vec::new(),
            max_difficulty: Difficulty::Advanced,
            difficulty_by: Vec::new(),
            pregnancy_only: None,
            massage_excluded: None,
            massage_supporting: None,
            gentle: None,
        }
    }
}

impl<'c> Limits<'c> {
    /// The ids behind the pressure cap.
    pub(super) fn pressure_ids(&self) -> Vec<&'c str> {
        ids(&self.pressure_by)
    }

    /// The ids behind the difficulty cap.
    pub(super) fn difficulty_ids(&self) -> Vec<&'c str> {
        ids(&self.difficulty_by)
    }
}

fn ids<'c>(by: &[Because<'c>]) -> Vec<&'c str> {
    by.iter()
        .map(|b| b.id)
        .filter(|id| !id.is_empty())
        .collect()
}

/// Why something is ruled out, the catalog ids that rule it out, and
/// whether the person would expect to hear it: what their conditions,
/// flags or missing extras rule out is listed in `avoid`; what their own
/// choices (positions, access to massage, household items they lack) rule
/// out goes without saying, and so do treatments advised against that
/// nothing in their situation brings up.
#[derive(Debug, Clone)]
pub(super) struct Exclusion<'c> {
    pub(super) reason: Cow<'c, str>,
    pub(super) because: Vec<&'c str>,
    pub(super) listed: bool,
}

impl<'c> Exclusion<'c> {
    /// An exclusion the person would expect to hear about.
    pub(super) fn listed(reason: impl Into<Cow<'c, str>>, because: Vec<&'c str>) -> Self {
        Self {
            reason: reason.into(),
            because,
            listed: true,
        }
    }

    /// An exclusion that follows from the person's own choices. It is
    /// never said, so it carries no sentence.
    pub(super) fn quiet() -> Self {
        Self {
            reason: Cow::Borrowed(""),
            because: Vec::new(),
            listed: false,
        }
    }
}

/// Everything a rule reads, and the explanation it writes to.
pub(super) struct Context<'c> {
    pub(super) catalog: &'c Catalog,
    pub(super) person: &'c Person,
    /// The person's conditions: those named, and those their age implies.
    pub(super) conditions: Vec<&'c Condition>,
    /// The person's red flags.
    pub(super) flags: Vec<&'c RedFlag>,
    /// The age bands the person is in.
    pub(super) age_bands: Vec<&'c crate::catalog::AgeBand>,
    /// Their positions in the policy's list.
    pub(super) band_positions: Vec<u16>,
    /// The conditions planned for: the person's, or the default when they
    /// named none.
    pub(super) effective: Vec<&'c Condition>,
    pub(super) condition_set: PositionSet,
    pub(super) flag_set: PositionSet,
    pub(super) effective_set: PositionSet,
    pub(super) preferred_slots: SlotSet,
    /// What the person has to exercise with: their extras, and the
    /// household items they did not say they lack.
    pub(super) equipment: Vec<Equipment>,
    /// Each painful area's catalog areas as bits, for scoring exercises.
    pub(super) pain_bits: Vec<u32>,
    pub(super) limits: Limits<'c>,
    pub(super) massage_in_plan: bool,
    /// Whether last week's rising pain, with every reported exercise
    /// hurting, is what alone calls for a clinician's review.
    pub(super) pain_review_alone: bool,
    /// Whether the final plan holds no massage or self-massage, once known.
    pub(super) massage_free: bool,
    /// Whether the massage chosen includes self-massage tools the person
    /// has, so the routine makes room for one.
    pub(super) self_massage_chosen: bool,
    /// The STarT Back tier, when the person answered the questions.
    pub(super) risk: Option<Risk>,
    /// Why each technique (catalog order) is ruled out, computed once.
    pub(super) technique_exclusions: Vec<Option<Exclusion<'c>>>,
    /// Why each exercise (catalog order) is ruled out, computed once.
    pub(super) exercise_exclusions: Vec<Option<Exclusion<'c>>>,
    pub(super) steps: Vec<Step<'c>>,
}

impl<'c> Context<'c> {
    /// The context for `person`, before any rule has run.
    pub(super) fn new(catalog: &'c Catalog, person: &'c Person) -> Self {
        let policy = &catalog.policy;
        let age_bands: Vec<_> = person
            .age
            .map(|age| {
                policy
                    .age_bands
                    .iter()
                    .filter(|b| b.holds(age, person.pain.duration))
                    .collect()
            })
            .unwrap_or_default();
        let flags: Vec<&RedFlag> = person
            .red_flags
            .iter()
            .filter_map(|id| catalog.red_flag(id))
            .collect();
        // The person's conditions: those named, those their age brings in,
        // and those their signs count as (a minor fall is a recent injury).
        let mut conditions: Vec<&Condition> = person
            .conditions
            .iter()
            .map(String::as_str)
            .chain(
                age_bands
                    .iter()
                    .flat_map(|b| b.implies_conditions.iter().map(String::as_str)),
            )
            .chain(
                flags
                    .iter()
                    .flat_map(|f| f.counts_as.iter().map(String::as_str)),
            )
            .filter_map(|id| catalog.condition(id))
            .collect();
        conditions.sort_by(|a, b| a.id.cmp(&b.id));
        conditions.dedup_by(|a, b| a.id == b.id);
        let mut effective = conditions.clone();
        if person.conditions.is_empty()
            && let Some(default) = catalog.condition(&policy.default_condition)
            && !effective.iter().any(|c| c.id == default.id)
        {
            effective.push(default);
            effective.sort_by(|a, b| a.id.cmp(&b.id));
        }
        let positions = |cs: &[&Condition]| {
            PositionSet::of(cs.iter().map(|c| position(&catalog.conditions, c)))
        };
        Self {
            catalog,
            person,
            condition_set: positions(&conditions),
            effective_set: positions(&effective),
            flag_set: PositionSet::of(flags.iter().map(|f| position(&catalog.red_flags, *f))),
            pain_bits: person
                .pain
                .areas
                .iter()
                .map(|p| policy.area_map.get(p).map_or(0, |areas| area_bits(areas)))
                .collect(),
            preferred_slots: SlotSet::of(
                effective
                    .iter()
                    .flat_map(|c| c.modifiers.preferred_slots.iter().copied()),
            ),
            equipment: {
                let prefs = &person.preferences;
                let mut have: Vec<Equipment> = prefs
                    .equipment
                    .iter()
                    .chain(policy.household.iter().filter(|h| !prefs.lacks.contains(h)))
                    .copied()
                    .collect();
                have.sort();
                have.dedup();
                have
            },
            band_positions: age_bands
                .iter()
                .filter_map(|b| policy.age_bands.iter().position(|x| std::ptr::eq(x, *b)))
                .filter_map(|p| u16::try_from(p).ok())
                .collect(),
            conditions,
            flags,
            age_bands,
            effective,
            limits: Limits::default(),
            massage_in_plan: false,
            pain_review_alone: false,
            massage_free: false,
            self_massage_chosen: false,
            risk: None,
            technique_exclusions: Vec::new(),
            exercise_exclusions: Vec::new(),
            steps: Vec::new(),
        }
    }

    /// Whether the plan must build strength: a long-term goal, a STarT
    /// Back tier that calls for a physiotherapy-style programme, or pain
    /// that has lasted beyond the acute phase.
    pub(super) fn needs_strength(&self) -> bool {
        self.person.preferences.goal != Goal::QuickRelief
            || self.risk.is_some_and(|r| r >= Risk::Medium)
            || self.person.pain.duration != Duration::Acute
    }

    /// Whether the person has this condition (named or implied by age).
    pub(super) fn has_condition(&self, id: &str) -> bool {
        self.conditions.iter().any(|c| c.id == id)
    }

    /// Whether the person reported this red flag.
    pub(super) fn has_flag(&self, id: &str) -> bool {
        self.flags.iter().any(|f| f.id == id)
    }

    /// Whether the person presents this sign: a red flag, a condition or an
    /// age band.
    pub(super) fn has_sign(&self, id: &str) -> bool {
        self.has_flag(id) || self.has_condition(id) || self.age_bands.iter().any(|b| b.id == id)
    }

    /// The name of a sign, lower-cased for use mid-sentence.
    pub(super) fn name_of(&self, id: &'c str) -> Cow<'c, str> {
        let refs = self.catalog.refs();
        let catalog = self.catalog;
        if let Ok(at) = catalog
            .conditions
            .binary_search_by(|c| c.id.as_str().cmp(id))
        {
            return Cow::Borrowed(refs.condition_lower_names[at].as_str());
        }
        if let Ok(at) = catalog
            .red_flags
            .binary_search_by(|f| f.id.as_str().cmp(id))
        {
            return Cow::Borrowed(refs.red_flag_lower_names[at].as_str());
        }
        catalog
            .policy
            .age_bands
            .iter()
            .find(|b| b.id == id)
            .map_or(Cow::Borrowed(id), |b| Cow::Borrowed(b.as_sign.as_str()))
    }

    /// The name of one of the catalog's conditions, lower-cased, read by
    /// position.
    pub(super) fn condition_name(&self, c: &'c Condition) -> &'c str {
        let refs = self.catalog.refs();
        refs.condition_lower_names[position(&self.catalog.conditions, c)].as_str()
    }

    /// The person's conditions (named, implied or the default) by name,
    /// joined for use mid-sentence.
    pub(super) fn effective_condition_names(&self) -> String {
        if self.effective.is_empty() {
            return self.catalog.msg(m!("names.none")).to_owned();
        }
        join_words(
            self.effective.iter().map(|c| self.condition_name(c)),
            self.catalog.msg(m!("names.and")),
        )
    }

    /// The name of one of the catalog's red flags, lower-cased, read by
    /// position.
    pub(super) fn flag_name(&self, f: &'c RedFlag) -> &'c str {
        let refs = self.catalog.refs();
        refs.red_flag_lower_names[position(&self.catalog.red_flags, f)].as_str()
    }

    /// "a, b and c" from sign ids; "back pain in general" for none.
    pub(super) fn names(&self, ids: &[&'c str]) -> String {
        if ids.is_empty() {
            return self.catalog.msg(m!("names.none")).to_owned();
        }
        let words: Vec<Cow<'c, str>> = ids.iter().map(|id| self.name_of(id)).collect();
        join_words(
            words.iter().map(|w| w.as_ref()),
            self.catalog.msg(m!("names.and")),
        )
    }

    /// The first of the person's conditions, then red flags, among these
    /// positions: what rules an entry out, as its id and its name
    /// mid-sentence.
    pub(super) fn avoided_by(
        &self,
        conditions: &[u16],
        flags: &[u16],
    ) -> Option<(&'c str, &'c str)> {
        let catalog = self.catalog;
        let refs = catalog.refs();
        conditions
            .iter()
            .find(|p| self.condition_set.contains(**p))
            .map(|p| {
                let p = usize::from(*p);
                (
                    catalog.conditions[p].id.as_str(),
                    refs.condition_lower_names[p].as_str(),
                )
            })
            .or_else(|| {
                flags.iter().find(|p| self.flag_set.contains(**p)).map(|p| {
                    let p = usize::from(*p);
                    (
                        catalog.red_flags[p].id.as_str(),
                        refs.red_flag_lower_names[p].as_str(),
                    )
                })
            })
    }

    /// "a, b and c": the phrases of the effective conditions among these
    /// positions, read by position; empty when none is among them.
    pub(super) fn effective_names(&self, conditions: &[u16]) -> String {
        let refs = self.catalog.refs();
        let words = conditions
            .iter()
            .filter(|p| self.effective_set.contains(**p))
            .map(|p| refs.condition_lower_names[usize::from(*p)].as_str());
        if words.clone().next().is_none() {
            return self.catalog.msg(m!("names.none")).to_owned();
        }
        join_words(words, self.catalog.msg(m!("names.and")))
    }

    /// Whether self-massage may be part of the plan at all.
    pub(super) fn self_massage_allowed(&self) -> bool {
        self.limits.massage_excluded.is_none()
            && self.person.preferences.massage_access != MassageAccess::NoAccess
    }

    /// The cautions among `notes` that apply to this person: every general
    /// one, and each keyed one whose condition or flag they have, for pain
    /// of their duration, with the equipment it needs. `keys` are the
    /// notes' keys as positions (the catalog's `Refs`), so membership is a
    /// bit test.
    pub(super) fn cautions_for(
        &self,
        notes: &'c [CautionNote],
        keys: &[CautionKey],
    ) -> Vec<&'c str> {
        let duration = self.person.pain.duration;
        notes
            .iter()
            .zip(keys)
            .filter(|(n, k)| {
                let keyed = !k.conditions.is_empty() || !k.red_flags.is_empty();
                let theirs = !keyed
                    || k.conditions.iter().any(|p| self.condition_set.contains(*p))
                    || k.red_flags.iter().any(|p| self.flag_set.contains(*p));
                let hidden = k
                    .unless_conditions
                    .iter()
                    .any(|p| self.condition_set.contains(*p))
                    || k.unless_red_flags
                        .iter()
                        .any(|p| self.flag_set.contains(*p));
                // A pressure caution holds only where the plan has massage
                // at that pressure: a tighter cap, or no massage, hides it.
                let pressure_ok = n
                    .pressure
                    .is_none_or(|p| !self.massage_free && self.limits.max_pressure >= p)
                    && !(n.with_massage && self.massage_free);
                // Advice to use something only for those who have it, and
                // the way without it only for those who lack it.
                let equipment_ok = n.needs.iter().all(|q| self.equipment.contains(q))
                    && (n.without.is_empty()
                        || n.without.iter().any(|q| !self.equipment.contains(q)));
                theirs
                    && !hidden
                    && pressure_ok
                    && equipment_ok
                    && (n.durations.is_empty() || n.durations.contains(&duration))
            })
            .map(|(n, _)| n.text.as_str())
            .collect()
    }

    /// Whether the person presents this sign, by position.
    pub(super) fn has_sign_ref(&self, sign: SignRef) -> bool {
        match sign {
            SignRef::RedFlag(p) => self.flag_set.contains(p),
            SignRef::Condition(p) => self.condition_set.contains(p),
            SignRef::AgeBand(p) => self.band_positions.contains(&p),
        }
    }

    /// Why `needed` is missing, when it is: a household item the person
    /// said they lack goes without saying; a missing extra is listed.
    pub(super) fn missing(&self, needed: &[Equipment]) -> Option<Exclusion<'c>> {
        let missing = needed
            .iter()
            .find(|q| **q != Equipment::None && !self.equipment.contains(q))?;
        Some(if self.catalog.policy.household.contains(missing) {
            Exclusion::quiet()
        } else {
            // Worded once at load, per piece of equipment.
            let reason = &self.catalog.refs().needs_equipment[*missing as usize];
            Exclusion::listed(reason.as_str(), vec![])
        })
    }

    /// The technique with this id.
    pub(super) fn technique(&self, id: &str) -> Option<&'c Technique> {
        self.catalog.technique(id)
    }
}

/// "a, b and c": the words joined by commas, the last by `and`. Read
/// twice (length, then text), so the sentence is written without growing.
pub(super) fn join_words<'w>(words: impl Iterator<Item = &'w str> + Clone, and: &str) -> String {
    let (count, len) = words
        .clone()
        .fold((0, 0), |(count, len), w| (count + 1, len + w.len()));
    let mut out = String::with_capacity(len + 2 * count + and.len());
    for (i, w) in words.enumerate() {
        if i > 0 {
            if i + 1 == count {
                out.push(' ');
                out.push_str(and);
                out.push(' ');
            } else {
                out.push_str(", ");
            }
        }
        out.push_str(w);
    }
    out
}

/// The sources of these entries of `all`, as source positions, read from
/// `sources` (the catalog's per-entry table parallel to `all`). Entries are
/// taken rather than ids, so no id is searched for.
pub(super) fn entry_sources<T>(all: &[T], sources: &[Vec<u16>], entries: &[&T]) -> Vec<u16> {
    entries
        .iter()
        .flat_map(|e| &sources[position(all, *e)])
        .copied()
        .collect()
}

impl<'c> Context<'c> {
    /// Records that `rule` fired: its decision (from the policy, filled in
    /// with `args`), the catalog entries behind it, and its sources with
    /// `more` sources (as catalog positions) from those entries.
    pub(super) fn fire(
        &mut self,
        (at, rule): (usize, &'static str),
        args: &[(&str, &str)],
        catalog_ids: Vec<&'c str>,
        more: Vec<u16>,
    ) {
        let catalog = self.catalog;
        let decision = catalog.decide(at, args);
        let mut sources = more;
        sources.extend_from_slice(catalog.rule_sources(at));
        // Sources as catalog positions: the catalog keeps them in id order,
        // so sorting numbers gives the ids in order without comparing text.
        sources.sort_unstable();
        sources.dedup();
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
}

/// A set of areas as one bit per area.
pub(super) fn area_bits(areas: &[Area]) -> u32 {
    areas.iter().fold(0, |bits, a| bits | 1 << (*a as u32))
}

/// "a and b" from the names of who set a cap.
pub(super) fn names_of(by: &[Because<'_>], and: &str) -> String {
    join_words(by.iter().map(|b| b.name.as_ref()), and)
}

/// The given source ids as catalog positions.
pub(super) fn source_positions(catalog: &Catalog, ids: &[String]) -> Vec<u16> {
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
