//! The engine's policy as content: thresholds, age bands, the pain-area map,
//! selection weights, the rules it fires with their sources and wording, and
//! every sentence it says to a person. `content/policy/policy.json` and
//! `content/policy/messages.json`; a clinician changes behaviour by editing
//! them, and the loader refuses a policy the engine could not follow.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::vocab::{Area, Duration, Equipment, ExerciseKind, PainArea, Slot, Urgency};

/// A band of ages that acts as a sign (in escalation rules) and as a
/// modifier (the conditions it implies).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    /// Kebab-case id, usable as a sign in escalation rules.
    pub id: String,
    /// Plain name, for use mid-sentence ("aged 70 or over").
    pub name: String,
    /// The band as one of several signs in a list ("being 70 or over").
    pub as_sign: String,
    /// The youngest age in the band.
    #[serde(default)]
    pub min_age: Option<u8>,
    /// The oldest age in the band.
    #[serde(default)]
    pub max_age: Option<u8>,
    /// Pain durations the band needs ("new pain": acute or subacute); any
    /// duration when empty.
    #[serde(default)]
    pub durations: Vec<Duration>,
    /// Condition ids that apply to everyone in the band, ticked or not.
    #[serde(default)]
    pub implies_conditions: Vec<String>,
    /// The urgency the band raises the answer to on its own, if any.
    #[serde(default)]
    pub urgency: Option<Urgency>,
    /// What to do, said to the person when the band has an urgency.
    #[serde(default)]
    pub action: Option<String>,
    /// Whether no self-care plan is given in this band.
    #[serde(default)]
    pub no_plan: bool,
    /// Source ids.
    pub sources: Vec<String>,
}

impl AgeBand {
    /// Whether a person of `age` with pain of `duration` is in the band.
    pub fn holds(&self, age: u8, duration: Duration) -> bool {
        self.min_age.is_none_or(|min| age >= min)
            && self.max_age.is_none_or(|max| age <= max)
            && (self.durations.is_empty() || self.durations.contains(&duration))
    }
}

/// Limits that keep a plan doable.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanLimits {
    /// Pain at or above this intensity (0-10) gets the gentle plan.
    pub severe_pain: u8,
    /// The most exercises a day's routine holds.
    pub max_items: u8,
    /// The most items sharing a main area.
    pub max_per_area: u8,
    /// The most stretches placed straight after a massage.
    pub max_after_massage: u8,
    /// The most hands-on and self-massage techniques a plan names.
    pub max_massage_picks: u8,
    /// How many strength exercises a plan that needs strength holds, by
    /// the minutes a day the person has.
    pub strength_items: Vec<StrengthItems>,
    /// Pain this many points higher than last week's means no step-ups.
    pub pain_worse_by: u8,
    /// An exercise done on fewer days than this last week counts as hard
    /// to fit in: it is made simpler or shorter.
    pub min_days_done: u8,
    /// An exercise steps up only when it felt easy on at least this many
    /// days last week ("easy for a whole week").
    pub step_up_min_days: u8,
    /// The most education messages a plan carries.
    pub max_education: u8,
    /// The most exercises that step up to a harder version in one week.
    pub max_step_ups: u8,
}

/// How many strength exercises from how many minutes a day.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrengthItems {
    /// From this many minutes a day.
    pub from_minutes: u8,
    /// This many strength exercises.
    pub count: u8,
}

/// How exercises are ranked for a person.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Per condition of the person's that the exercise suits.
    pub suits: u32,
    /// Per painful area the exercise works.
    pub hurts: u32,
    /// Per time of day the person's conditions favour.
    pub slot: u32,
    /// Strength work, for a long-term goal.
    pub strength_for_long_term: u32,
    /// Stretching and mobility, for quick relief.
    pub stretch_for_quick_relief: u32,
    /// A self-massage exercise, when the plan holds massage and the person
    /// has a suitable self-massage tool: the routine gives it its place.
    pub self_massage_with_tools: u32,
    /// An exercise from last week's plan that went well (or its chosen
    /// easier or harder version), so the plan stays steady week to week.
    pub continuity: u32,
}

/// One rule the engine fires: the sources it rests on and the sentence it
/// writes into the explanation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The decision, with `{placeholders}` the engine fills in.
    pub decision: String,
    /// Source ids behind the rule.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// The engine's policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The condition assumed when a person names none.
    pub default_condition: String,
    /// Plan size and the severe-pain threshold.
    pub limits: PlanLimits,
    /// Age bands, as signs and modifiers.
    pub age_bands: Vec<AgeBand>,
    /// The catalog areas each painful area covers.
    pub area_map: BTreeMap<PainArea, Vec<Area>>,
    /// Exercise ranking weights.
    pub weights: Weights,
    /// Technique ids offered when a lighter massage is needed and no
    /// condition-linked one is light enough (gentle, general techniques).
    pub gentle_massage: Vec<String>,
    /// Rules by id.
    pub rules: BTreeMap<String, Rule>,
    /// Household items assumed present unless the person says otherwise.
    pub household: Vec<Equipment>,
    /// The time of day each kind of exercise goes in, unless the person's
    /// conditions favour another of its times (mornings gentle mobility,
    /// evenings deeper holds).
    pub slot_by_kind: BTreeMap<ExerciseKind, Slot>,
    /// The adjunct that, when in the plan, warms the muscles just before
    /// the stretching session.
    pub warm_up: String,
    /// Adjunct technique ids a STarT Back tier brings in (relaxation
    /// training at high risk, where worry and low mood keep pain going).
    #[serde(default)]
    pub risk_adjuncts: BTreeMap<super::vocab::Risk, Vec<String>>,
}

/// When an activity goal applies.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityWhen {
    /// Pain durations it is for; any when empty.
    #[serde(default)]
    pub durations: Vec<Duration>,
    /// Whether it is for severe (or unrecorded) pain; either when null.
    #[serde(default)]
    pub severe_pain: Option<bool>,
}

/// A daily walking or activity goal (NICE: encourage normal activity).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityGoal {
    /// Kebab-case id.
    pub id: String,
    /// When it applies; the first goal that applies is given.
    pub when: ActivityWhen,
    /// A short title.
    pub title: String,
    /// Minutes a day the goal adds up to.
    pub daily_goal_minutes: u16,
    /// The goal in words.
    pub goal: String,
    /// Why, in a sentence.
    pub why: String,
    /// How to build it up.
    pub progress: String,
    /// What to do on a bad day.
    pub on_a_bad_day: String,
    /// Source ids.
    pub sources: Vec<String>,
}

/// Walking and staying active: `content/policy/activity.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// Goals, first match wins.
    pub goals: Vec<ActivityGoal>,
    /// Source ids for the section as a whole.
    pub sources: Vec<String>,
}

/// Every rule the engine fires, with the placeholders its decision may use.
pub const RULES: &[(&str, &[&str])] = &[
    ("red-flag", &["flag", "urgency"]),
    ("red-flag-raised", &["flag", "urgency", "from"]),
    ("escalation", &["rule", "signs", "urgency"]),
    ("escalation-below", &["rule", "signs", "urgency"]),
    ("age-band", &["band", "conditions"]),
    ("flag-counts-as", &["flag", "conditions"]),
    ("age-band-no-plan", &["band"]),
    ("start-back", &["score", "psychosocial", "risk", "pathway"]),
    ("start-back-low-self-management", &[]),
    ("start-back-medium-physiotherapy", &[]),
    ("start-back-high-psychologically-informed", &[]),
    ("no-plan", &["level"]),
    ("pain-rising-review", &["points"]),
    ("default-condition", &["condition"]),
    ("default-condition-with", &["condition", "implied"]),
    ("gentle-plan", &["because", "what"]),
    ("pressure-cap", &["pressure", "because"]),
    ("difficulty-cap", &["difficulty", "because"]),
    ("condition-approach", &["approach", "conditions"]),
    ("massage-excluded", &["because", "reason"]),
    ("no-massage-access", &[]),
    ("massage-supporting-only", &["because", "reason"]),
    ("nice-1.2.7-massage-with-exercise", &["duration"]),
    ("long-term-goal-exercise", &[]),
    ("start-back-exercise", &["risk"]),
    ("massage-first-with-movement", &[]),
    ("acp-r2-chronic-exercise", &[]),
    ("no-suitable-massage", &[]),
    ("massage", &["techniques"]),
    ("lighter-massage-offered", &["technique"]),
    ("adjuncts", &["techniques"]),
    ("routine-empty", &[]),
    ("routine", &["exercises", "used", "budget"]),
    ("no-held-stretches", &["because"]),
    ("massage-only-acute", &[]),
    ("no-safe-plan", &[]),
    ("activity", &["minutes"]),
    ("education", &["titles"]),
    ("progress-pain-worse", &[]),
    ("progress-swap-painful", &["was", "now"]),
    ("progress-drop-painful", &["was", "now"]),
    ("progress-simpler-not-done", &["was", "now"]),
    ("progress-shorter-not-done", &["was", "now"]),
    ("progress-step-down", &["was", "now"]),
    ("progress-shorter-too-hard", &["was", "now"]),
    ("progress-step-up", &["was", "now"]),
    ("progress-more", &["was", "now"]),
    ("progress-keep", &["was", "now"]),
    ("progress-easy-held", &["was", "now"]),
    ("progress-easy-held-pain", &["was", "now"]),
    ("progress-easy-few-days", &["was", "now"]),
    ("progress-left-out-unsafe", &["was", "why"]),
    ("progress-left-out", &["was"]),
    ("progress-not-suited", &["was", "conditions"]),
];

/// Every sentence the engine says to a person, with its placeholders.
pub const MESSAGES: &[(&str, &[&str])] = &[
    ("triage.lead.emergency", &[]),
    ("triage.lead.urgent", &[]),
    ("triage.lead.see_clinician", &[]),
    ("triage.lead.self_care", &[]),
    ("triage.also_mention", &["flag"]),
    ("triage.severe_pain", &[]),
    ("triage.severe_pain_lasting", &[]),
    ("triage.pain_rising", &[]),
    ("activity.hold", &[]),
    ("triage.no_plan_fits", &[]),
    ("urgency.see_clinician", &[]),
    ("urgency.urgent", &[]),
    ("urgency.emergency", &[]),
    ("approach.massage", &[]),
    ("approach.stretching", &[]),
    ("approach.combined", &[]),
    ("start_back.pathway.low", &[]),
    ("start_back.pathway.medium", &[]),
    ("start_back.pathway.high", &[]),
    ("start_back.advice.medium", &[]),
    ("start_back.advice.high", &[]),
    ("cautions.stop", &["emergencies"]),
    ("names.none", &[]),
    ("names.and", &[]),
    ("gentle.warning_sign", &[]),
    ("gentle.unrecorded_pain", &[]),
    ("gentle.severe_pain", &[]),
    ("gentle.pain_rising", &[]),
    ("gentle.age_sign", &[]),
    ("gentle.what.with_massage", &[]),
    ("gentle.what.exercise", &[]),
    ("reason.not_recommended", &["reason"]),
    ("reason.not_safe_with", &["name"]),
    ("reason.no_massage_with", &["name", "reason"]),
    ("reason.pressure", &["pressure", "because", "max"]),
    ("reason.needs_equipment", &["equipment"]),
    ("reason.pregnancy", &["note"]),
    ("reason.too_hard", &["difficulty", "because"]),
    ("reason.applies", &["technique", "why"]),
    ("pick.general", &[]),
    ("pick.lighter", &[]),
    ("pick.suits", &["conditions"]),
    ("pick.pressure", &["pressure"]),
    ("pick.pressure_self", &["pressure"]),
    ("pick.pressure_capped", &["pressure", "because"]),
    ("item.reason", &["benefit", "conditions"]),
    ("progression.up_to", &["harder"]),
    ("progression.up_more.stretch", &[]),
    ("progression.up_more.mobility", &[]),
    ("progression.up_more.strength", &[]),
    ("progression.up_more.self-massage", &[]),
    ("progression.down_to", &["easier"]),
    ("progression.down_less", &[]),
    ("session.warm_up", &["technique"]),
    ("change.painful_swapped", &["was"]),
    ("change.not_done_simpler", &["was"]),
    ("change.not_done_shorter", &[]),
    ("change.too_hard_easier", &["was"]),
    ("change.too_hard_shorter", &[]),
    ("change.too_easy_harder", &["was"]),
    ("change.too_easy_more.stretch", &[]),
    ("change.too_easy_more.mobility", &[]),
    ("change.too_easy_more.strength", &[]),
    ("change.too_easy_more.self-massage", &[]),
    ("cautions.emergency", &["emergencies"]),
    ("triage.raised_by", &["rule"]),
    ("pick.pressure_capped_self", &["pressure", "because"]),
    ("routine.count_one", &[]),
    ("routine.count_many", &["count"]),
    ("position.supine", &[]),
    ("position.prone", &[]),
    ("position.kneeling", &[]),
    ("position.seated_floor", &[]),
    ("position.seated_chair", &[]),
    ("position.standing", &[]),
    ("position.side_lying", &[]),
];

/// The position of `key` in `table`, for compile-time lookups: a key that
/// is not there stops the build.
const fn index_in(table: &[(&str, &[&str])], key: &str) -> usize {
    let mut i = 0;
    while i < table.len() {
        let k = table[i].0.as_bytes();
        let q = key.as_bytes();
        if k.len() == q.len() {
            let mut j = 0;
            while j < k.len() && k[j] == q[j] {
                j += 1;
            }
            if j == k.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not a key of the policy's table")
}

/// The position of a message key in [`MESSAGES`].
pub const fn message_index(key: &str) -> usize {
    index_in(MESSAGES, key)
}

/// The position of a rule id in [`RULES`].
pub const fn rule_index(id: &str) -> usize {
    index_in(RULES, id)
}

/// Every sentence the engine says to a person, by key, with
/// `{placeholders}` it fills in.
pub type Messages = BTreeMap<String, String>;

/// The `{placeholder}` names in a template, in order, or the position of a
/// brace that does not open or close one.
pub fn placeholders(template: &str) -> Result<Vec<&str>, usize> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut at = 0;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(at + open);
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(at + open)?;
        let name = &after[..close];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(at + open);
        }
        out.push(name);
        at += open + close + 2;
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// `template` with each `{name}` replaced by its value in `args`; names
/// without a value are left as they are (validation refuses them at load).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    Template::parse(template).fill(args)
}

/// A sentence with its `{name}` placeholders found once, when the content
/// is loaded: filling it in copies text and values, and searches nothing.
#[derive(Debug, Clone, Default)]
pub struct Template {
    text: String,
    /// The byte ranges of the placeholders, braces included, in order.
    holes: Vec<(u32, u32)>,
}

impl Template {
    /// Finds the placeholders of `text`. A brace that opens no `{name}` is
    /// text (validation refuses it at load).
    pub fn parse(text: &str) -> Self {
        let mut holes = Vec::new();
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(open) = bytes[at..].iter().position(|b| *b == b'{') {
            let open = at + open;
            match bytes[open + 1..].iter().position(|b| *b == b'}') {
                Some(close) => {
                    let end = open + close + 2;
                    // Content is bounded far below 4 GiB; a longer text
                    // simply keeps its braces.
                    if let (Ok(a), Ok(b)) = (u32::try_from(open), u32::try_from(end)) {
                        holes.push((a, b));
                    }
                    at = end;
                }
                None => break,
            }
        }
        Self {
            text: text.to_owned(),
            holes,
        }
    }

    /// The sentence as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The sentence with each `{name}` replaced by its value in `args`;
    /// names without a value are left as they are.
    pub fn fill(&self, args: &[(&str, &str)]) -> String {
        // Room for each value once: enough for nearly every sentence.
        let values: usize = args.iter().map(|(_, v)| v.len()).sum();
        let mut out = String::with_capacity(self.text.len() + values);
        let mut from = 0;
        for &(a, b) in &self.holes {
            let (a, b) = (a as usize, b as usize);
            let name = &self.text[a + 1..b - 1];
            out.push_str(&self.text[from..a]);
            match args.iter().find(|(k, _)| *k == name) {
                Some((_, v)) => out.push_str(v),
                None => out.push_str(&self.text[a..b]),
            }
            from = b;
        }
        out.push_str(&self.text[from..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_and_bad_braces_located() {
        assert_eq!(
            placeholders("a {x} b {long_name}."),
            Ok(vec!["x", "long_name"])
        );
        assert_eq!(placeholders("no braces"), Ok(vec![]));
        assert_eq!(placeholders("open {x"), Err(5));
        assert_eq!(placeholders("close } here"), Err(6));
        assert_eq!(placeholders("bad {X}"), Err(4));
        assert_eq!(placeholders("empty {}"), Err(6));
    }

    #[test]
    fn fill_replaces_known_names_only() {
        assert_eq!(fill("{a} and {b}", &[("a", "1"), ("b", "2")]), "1 and 2");
        assert_eq!(fill("{a} and {c}", &[("a", "1")]), "1 and {c}");
        assert_eq!(fill("plain", &[]), "plain");
    }
}
