//! Content validation: everything is checked at load time and every problem
//! is reported, so an author fixes a whole batch in one pass.

use std::collections::{BTreeMap, BTreeSet};

use super::model::*;
use super::policy::{Activity, Policy};
use super::problem::Problem;
use super::{Entity, KINDS};

/// The ids of every kind, for resolving cross-references.
pub(super) struct Ids<'a> {
    sources: BTreeSet<&'a str>,
    conditions: BTreeSet<&'a str>,
    red_flags: BTreeSet<&'a str>,
    exercises: BTreeSet<&'a str>,
    /// What each exercise avoids: a harder version avoids at least as much.
    exercise_avoid: BTreeMap<&'a str, &'a AvoidIf>,
    techniques: BTreeMap<&'a str, &'a Technique>,
    /// Age-band ids from the policy: signs beside flags and conditions.
    age_bands: BTreeSet<&'a str>,
    /// Conditions whose people may only do pregnancy-safe exercises.
    pregnancy_only: BTreeSet<&'a str>,
}

fn id_set<T: Entity>(items: &[(String, T)]) -> BTreeSet<&str> {
    items.iter().map(|(_, item)| item.id()).collect()
}

impl<'a> Ids<'a> {
    pub(super) fn new(
        sources: &'a [(String, Source)],
        conditions: &'a [(String, Condition)],
        red_flags: &'a [(String, RedFlag)],
        techniques: &'a [(String, Technique)],
        exercises: &'a [(String, Exercise)],
        // Rules are never the target of a reference; taken for symmetry of the call.
        _escalations: &'a [(String, EscalationRule)],
        policy: Option<&'a Policy>,
    ) -> Self {
        Self {
            sources: id_set(sources),
            conditions: id_set(conditions),
            red_flags: id_set(red_flags),
            exercises: id_set(exercises),
            exercise_avoid: exercises
                .iter()
                .map(|(_, e)| (e.id.as_str(), &e.avoid_if))
                .collect(),
            techniques: techniques.iter().map(|(_, t)| (t.id.as_str(), t)).collect(),
            age_bands: policy
                .map(|p| p.age_bands.iter().map(|b| b.id.as_str()).collect())
                .unwrap_or_default(),
            pregnancy_only: conditions
                .iter()
                .filter(|(_, c)| c.modifiers.pregnancy_safe_only)
                .map(|(_, c)| c.id.as_str())
                .collect(),
        }
    }
}

/// Which kind a cross-reference points at.
#[derive(Clone, Copy)]
enum Target {
    Source,
    Condition,
    RedFlag,
    Exercise,
    Technique,
}

/// Checks for one file, collecting problems under its name.
pub(super) struct Check<'a, 'p> {
    file: &'a str,
    ids: &'a Ids<'a>,
    problems: &'p mut Vec<Problem>,
}

/// Whether `id` is lower-case kebab-case: `a-z0-9` words joined by single hyphens.
pub(super) fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl<'a, 'p> Check<'a, 'p> {
    pub(super) fn new(file: &'a str, ids: &'a Ids<'a>, problems: &'p mut Vec<Problem>) -> Self {
        Self {
            file,
            ids,
            problems,
        }
    }

    fn problem(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(self.file, field, message));
    }

    /// The id is kebab-case and matches the file name.
    fn id(&mut self, id: &str) {
        if !is_kebab_case(id) {
            self.problem("id", format!("`{id}` is not kebab-case (lower-case letters and digits joined by single hyphens, at most 64 characters)"));
        }
        let stem = self
            .file
            .rsplit('/')
            .next()
            .and_then(|name| name.strip_suffix(".json"))
            .unwrap_or_default();
        if stem != id {
            self.problem(
                "id",
                format!("`{id}` does not match the file name `{stem}.json`"),
            );
        }
    }

    fn text(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.problem(field, "must not be empty");
        }
    }

    fn opt_text(&mut self, field: &str, value: Option<&String>) {
        if let Some(v) = value {
            self.text(field, v);
        }
    }

    fn texts(&mut self, field: &str, values: &[String], min: usize) {
        if values.len() < min {
            self.problem(
                field,
                format!(
                    "needs at least {min} entr{}",
                    if min == 1 { "y" } else { "ies" }
                ),
            );
        }
        for (i, v) in values.iter().enumerate() {
            self.text(&format!("{field}[{i}]"), v);
        }
    }

    fn range<N: PartialOrd + std::fmt::Display + Copy>(
        &mut self,
        field: &str,
        value: N,
        lo: N,
        hi: N,
    ) {
        if value < lo || value > hi {
            self.problem(field, format!("{value} is out of range {lo}..={hi}"));
        }
    }

    fn refs(&mut self, field: &str, values: &[String], target: Target) {
        let techniques: BTreeSet<&str>;
        let (set, kind) = match target {
            Target::Source => (&self.ids.sources, KINDS[4]),
            Target::Condition => (&self.ids.conditions, KINDS[0]),
            Target::RedFlag => (&self.ids.red_flags, KINDS[1]),
            Target::Exercise => (&self.ids.exercises, KINDS[3]),
            Target::Technique => {
                techniques = self.ids.techniques.keys().copied().collect();
                (&techniques, KINDS[2])
            }
        };
        let mut seen = BTreeSet::new();
        let mut dangling = Vec::new();
        let mut repeated = Vec::new();
        for (i, v) in values.iter().enumerate() {
            if !set.contains(v.as_str()) {
                dangling.push(format!("{field}[{i}]: no {kind} entry with id `{v}`"));
            }
            if !seen.insert(v.as_str()) {
                repeated.push(format!("{field}[{i}]: `{v}` is listed twice"));
            }
        }
        for message in dangling.into_iter().chain(repeated) {
            let (f, m) = message.split_once(": ").expect("formatted above");
            self.problem(f.to_owned(), m.to_owned());
        }
    }

    fn sources(&mut self, values: &[String]) {
        if values.is_empty() {
            self.problem("sources", "every entry must cite at least one source");
        }
        self.refs("sources", values, Target::Source);
    }

    fn snomed(&mut self, snomed: &[Snomed]) {
        for (i, s) in snomed.iter().enumerate() {
            if !(6..=18).contains(&s.code.len()) || !s.code.bytes().all(|b| b.is_ascii_digit()) {
                self.problem(
                    format!("snomed[{i}].code"),
                    format!(
                        "`{}` is not a SNOMED CT concept id (6 to 18 digits)",
                        s.code
                    ),
                );
            }
            if snomed[..i].iter().any(|earlier| earlier.code == s.code) {
                self.problem(
                    format!("snomed[{i}].code"),
                    format!("`{}` is listed twice", s.code),
                );
            }
            self.text(&format!("snomed[{i}].display"), &s.display);
            if let Some(weeks) = s.min_weeks {
                self.range(&format!("snomed[{i}].min_weeks"), weeks, 1, 520);
            }
        }
    }

    /// Cautions: at least one, none empty, keyed ones naming real ids.
    fn cautions(&mut self, notes: &[CautionNote]) {
        if notes.is_empty() {
            self.problem("cautions", "needs at least 1 entry");
        }
        for (i, n) in notes.iter().enumerate() {
            let at = format!("cautions[{i}]");
            self.text(&format!("{at}.text"), &n.text);
            self.refs(
                &format!("{at}.conditions"),
                &n.only_with.conditions,
                Target::Condition,
            );
            self.refs(
                &format!("{at}.red_flags"),
                &n.only_with.red_flags,
                Target::RedFlag,
            );
            self.refs(
                &format!("{at}.unless_conditions"),
                &n.unless.conditions,
                Target::Condition,
            );
            self.refs(
                &format!("{at}.unless_red_flags"),
                &n.unless.red_flags,
                Target::RedFlag,
            );
            for (field, list) in [("needs", &n.needs), ("without", &n.without)] {
                if list.contains(&Equipment::None) {
                    self.problem(
                        format!("{at}.{field}"),
                        "names `none`, which is not something a person has or lacks",
                    );
                }
            }
            if let Some(q) = n.needs.iter().find(|q| n.without.contains(q)) {
                self.problem(
                    format!("{at}.without"),
                    format!("`{q}` is also in `needs`, so no one would see the caution"),
                );
            }
        }
    }

    fn avoid_if(&mut self, avoid: &AvoidIf) {
        self.refs("avoid_if.conditions", &avoid.conditions, Target::Condition);
        self.refs("avoid_if.red_flags", &avoid.red_flags, Target::RedFlag);
    }

    /// A condition listed both as suited and as ruled out is a contradiction a
    /// reader of the content could not resolve.
    fn no_overlap(&mut self, field: &str, suited: &[String], avoid: &AvoidIf) {
        for (i, c) in suited.iter().enumerate() {
            if avoid.conditions.contains(c) {
                self.problem(
                    format!("{field}[{i}]"),
                    format!("`{c}` is also in avoid_if.conditions"),
                );
            }
        }
    }
}

pub(super) fn source(c: &mut Check<'_, '_>, s: &Source) {
    c.id(&s.id);
    c.text("title", &s.title);
    c.opt_text("authors", s.authors.as_ref());
    c.text("publisher", &s.publisher);
    if let Some(year) = s.year {
        c.range("year", year, 1900, 2100);
    }
    if let Some(url) = &s.url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        c.problem("url", format!("`{url}` is not an http(s) URL"));
    }
    c.text("summary", &s.summary);
}

pub(super) fn condition(c: &mut Check<'_, '_>, x: &Condition) {
    c.id(&x.id);
    c.text("name", &x.name);
    c.opt_text("phrase", x.phrase.as_ref());
    c.text("summary", &x.summary);
    c.texts("symptoms", &x.symptoms, 1);
    c.text("helps.why", &x.helps.why);
    c.cautions(&x.cautions);
    let m = &x.modifiers;
    match (m.massage, &m.massage_reason) {
        (MassageRole::Allowed, _) => {
            c.opt_text("modifiers.massage_reason", m.massage_reason.as_ref())
        }
        (_, Some(reason)) => c.text("modifiers.massage_reason", reason),
        (role, None) => c.problem(
            "modifiers.massage_reason",
            format!("required when modifiers.massage is `{role}`"),
        ),
    }
    if m.massage == MassageRole::Excluded && x.helps.approach != Approach::Stretching {
        c.problem(
            "helps.approach",
            "must be `stretching` when modifiers.massage is `excluded`",
        );
    }
    c.opt_text("modifiers.massage_frequency", m.massage_frequency.as_ref());
    c.snomed(&x.snomed);
    c.sources(&x.sources);
}

pub(super) fn red_flag(c: &mut Check<'_, '_>, f: &RedFlag) {
    c.id(&f.id);
    c.text("name", &f.name);
    c.opt_text("phrase", f.phrase.as_ref());
    c.refs("counts_as", &f.counts_as, Target::Condition);
    c.text("group", &f.group);
    c.text("question", &f.question);
    if !f.question.trim_end().ends_with('?') {
        c.problem("question", "must be a yes/no question ending in `?`");
    }
    c.text("action", &f.action);
    let m = &f.modifiers;
    c.refs("modifiers.adjuncts", &m.adjuncts, Target::Technique);
    for (i, id) in m.adjuncts.iter().enumerate() {
        if c.ids
            .techniques
            .get(id.as_str())
            .is_some_and(|t| t.modality != Modality::Adjunct)
        {
            c.problem(
                format!("modifiers.adjuncts[{i}]"),
                format!("`{id}` is not an adjunct"),
            );
        }
    }
    match (m.massage, &m.massage_reason) {
        (MassageRole::Allowed, _) => {
            c.opt_text("modifiers.massage_reason", m.massage_reason.as_ref())
        }
        (_, Some(reason)) => c.text("modifiers.massage_reason", reason),
        (role, None) => c.problem(
            "modifiers.massage_reason",
            format!("required when modifiers.massage is `{role}`"),
        ),
    }
    c.snomed(&f.snomed);
    c.sources(&f.sources);
}

pub(super) fn technique(c: &mut Check<'_, '_>, t: &Technique) {
    c.id(&t.id);
    c.text("name", &t.name);
    c.text("phrase", &t.phrase);
    match (t.status, &t.status_reason) {
        (TechniqueStatus::NotRecommended, None) => {
            c.problem("status_reason", "required when status is `not-recommended`")
        }
        (_, reason) => c.opt_text("status_reason", reason.as_ref()),
    }
    if t.status == TechniqueStatus::NotRecommended && !t.best_for.is_empty() {
        c.problem(
            "best_for",
            "a not-recommended technique must not be best for anything",
        );
    }
    c.text("summary", &t.summary);
    c.text("how_it_works", &t.how_it_works);
    c.refs("best_for", &t.best_for, Target::Condition);
    c.refs("sought_for", &t.sought_for, Target::Condition);
    if t.status == TechniqueStatus::Recommended && !t.sought_for.is_empty() {
        c.problem("sought_for", "only for techniques advised against");
    }
    let hands_on = matches!(t.modality, Modality::Massage | Modality::SelfMassage);
    match (hands_on, t.pressure) {
        (true, None) => c.problem(
            "pressure",
            format!("required for modality `{}`", t.modality),
        ),
        (false, Some(_)) => c.problem(
            "pressure",
            format!(
                "only massage and self-massage have a pressure, not `{}`",
                t.modality
            ),
        ),
        _ => {}
    }
    if t.equipment.contains(&Equipment::None) {
        c.problem(
            "equipment",
            "list the tools needed, or leave the list empty; `none` is for exercises",
        );
    }
    c.range("session_minutes.min", t.session_minutes.min, 1, 240);
    c.range(
        "session_minutes.max",
        t.session_minutes.max,
        t.session_minutes.min.max(1),
        240,
    );
    c.text("frequency", &t.frequency);
    c.avoid_if(&t.avoid_if);
    c.no_overlap("best_for", &t.best_for, &t.avoid_if);
    c.cautions(&t.cautions);
    c.text("sequencing", &t.sequencing);
    c.text("evidence", &t.evidence);
    c.sources(&t.sources);
}

pub(super) fn exercise(c: &mut Check<'_, '_>, e: &Exercise) {
    c.id(&e.id);
    c.text("name", &e.name);
    c.texts("aliases", &e.aliases, 0);
    c.text("summary", &e.summary);
    c.text("benefit", &e.benefit);
    c.text("feel", &e.feel);
    if !is_kebab_case(&e.target) {
        c.problem("target", format!("`{}` is not kebab-case", e.target));
    }
    let stretches = matches!(e.kind, ExerciseKind::Stretch | ExerciseKind::Mobility);
    if e.stretch_type.is_some() && !stretches {
        c.problem(
            "stretch_type",
            format!(
                "only stretch and mobility exercises have a stretch type, not `{}`",
                e.kind
            ),
        );
    }
    if e.areas.is_empty() {
        c.problem("areas", "needs at least 1 entry");
    }
    if e.equipment.is_empty() {
        c.problem(
            "equipment",
            "needs at least 1 entry (`none` when nothing is needed)",
        );
    } else if e.equipment.len() > 1 && e.equipment.contains(&Equipment::None) {
        c.problem("equipment", "`none` must stand alone");
    }
    c.texts("steps", &e.steps, 3);
    for (field, message) in super::pose::check(&e.pose, &e.equipment, e.steps.len()) {
        c.problem(field, message);
    }
    match (e.dose.hold_seconds, e.dose.reps) {
        (None, None) => c.problem("dose", "needs hold_seconds, reps, or both"),
        (hold, reps) => {
            if let Some(h) = hold {
                c.range("dose.hold_seconds", h, 1, 300);
            }
            if let Some(r) = reps {
                c.range("dose.reps", r, 1, 100);
            }
        }
    }
    c.range("dose.sets", e.dose.sets, 1, 10);
    c.range("minutes", e.minutes, 1, 30);
    if e.best_time.is_empty() {
        c.problem("best_time", "needs at least 1 entry");
    }
    if e.best_time.contains(&Slot::AfterMassage) && e.kind == ExerciseKind::SelfMassage {
        c.problem("best_time", "self-massage is not done after a massage");
    }
    if e.suitable_for.is_empty() {
        c.problem("suitable_for", "needs at least 1 entry");
    }
    c.refs("suitable_for", &e.suitable_for, Target::Condition);
    c.avoid_if(&e.avoid_if);
    c.no_overlap("suitable_for", &e.suitable_for, &e.avoid_if);
    match (e.pregnancy.status, &e.pregnancy.note) {
        (PregnancySafety::Safe, note) => c.opt_text("pregnancy.note", note.as_ref()),
        (_, Some(note)) => c.text("pregnancy.note", note),
        (status, None) => c.problem(
            "pregnancy.note",
            format!("required when pregnancy.status is `{status}`"),
        ),
    }
    if e.pregnancy.status == PregnancySafety::Avoid {
        for (i, s) in e.suitable_for.iter().enumerate() {
            if c.ids.pregnancy_only.contains(s.as_str()) {
                c.problem(
                    format!("suitable_for[{i}]"),
                    format!(
                        "`{s}` allows only pregnancy-safe exercises but pregnancy.status is `avoid`"
                    ),
                );
            }
        }
    }
    c.cautions(&e.cautions);
    applies(c, e);
    c.texts("common_mistakes", &e.common_mistakes, 1);
    c.refs("easier", &e.easier, Target::Exercise);
    c.refs("harder", &e.harder, Target::Exercise);
    for field in ["easier", "harder"] {
        let list = if field == "easier" {
            &e.easier
        } else {
            &e.harder
        };
        if list.contains(&e.id) {
            c.problem(field, "must not name the exercise itself");
        }
    }
    versions_avoid_as_much(c, e);
    c.sources(&e.sources);
}

/// A harder version is ruled out for everyone its easier version is: a
/// step up must never bring back what a condition or flag keeps out.
fn versions_avoid_as_much(c: &mut Check<'_, '_>, e: &Exercise) {
    let pairs = e
        .harder
        .iter()
        .enumerate()
        .map(|(i, h)| {
            (
                format!("harder[{i}]"),
                &e.avoid_if,
                h.as_str(),
                c.ids.exercise_avoid.get(h.as_str()).copied(),
            )
        })
        .chain(e.easier.iter().enumerate().map(|(i, h)| {
            (
                format!("easier[{i}]"),
                &e.avoid_if,
                h.as_str(),
                c.ids.exercise_avoid.get(h.as_str()).copied(),
            )
        }))
        .collect::<Vec<_>>();
    for (field, own, other, theirs) in pairs {
        let Some(theirs) = theirs else { continue };
        let (strict, loose) = if field.starts_with("harder") {
            (theirs, own)
        } else {
            (own, theirs)
        };
        let missing: Vec<&str> = loose
            .conditions
            .iter()
            .chain(&loose.red_flags)
            .filter(|id| !strict.conditions.contains(id) && !strict.red_flags.contains(id))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let (hard, easy) = if field.starts_with("harder") {
                (other, e.id.as_str())
            } else {
                (e.id.as_str(), other)
            };
            c.problem(
                field,
                format!(
                    "`{hard}` is harder than `{easy}`, so it must avoid what `{easy}` avoids: {}",
                    missing.join(", ")
                ),
            );
        }
    }
}

/// An exercise is at least as strict as every technique it applies: their
/// exclusions are in its own `avoid_if`, a technique kept out of pregnancy
/// keeps it out too, and a held stretch or a ball names what it uses.
fn applies(c: &mut Check<'_, '_>, e: &Exercise) {
    c.refs("applies", &e.applies, Target::Technique);
    let required = match (e.kind, e.stretch_type) {
        (_, Some(StretchType::Static)) => Some("static-stretching"),
        (_, Some(StretchType::Pnf)) => Some("pnf-stretching"),
        _ => None,
    };
    // Where the catalog describes the method, the stretch must name it.
    if let Some(id) = required
        && c.ids.techniques.contains_key(id)
        && !e.applies.iter().any(|a| a == id)
    {
        c.problem(
            "applies",
            format!(
                "a `{}` stretch applies `{id}`",
                e.stretch_type.map_or("", |s| s.as_str())
            ),
        );
    }
    if e.kind == ExerciseKind::SelfMassage
        && c.ids
            .techniques
            .values()
            .any(|t| t.modality == Modality::SelfMassage)
        && !e.applies.iter().any(|a| {
            c.ids
                .techniques
                .get(a.as_str())
                .is_some_and(|t| t.modality == Modality::SelfMassage)
        })
    {
        c.problem(
            "applies",
            "a self-massage exercise applies a self-massage technique",
        );
    }
    for (i, id) in e.applies.iter().enumerate() {
        let Some(t) = c.ids.techniques.get(id.as_str()).copied() else {
            continue;
        };
        let at = format!("applies[{i}]");
        if t.status == TechniqueStatus::NotRecommended {
            c.problem(
                &at,
                format!("`{id}` is not recommended, so nothing may apply it"),
            );
        }
        for (field, theirs, ours) in [
            ("conditions", &t.avoid_if.conditions, &e.avoid_if.conditions),
            ("red_flags", &t.avoid_if.red_flags, &e.avoid_if.red_flags),
        ] {
            let missing: Vec<&str> = theirs
                .iter()
                .filter(|x| !ours.contains(x))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                c.problem(
                    format!("avoid_if.{field}"),
                    format!(
                        "looser than `{id}`, which it applies: add {}",
                        missing.join(", ")
                    ),
                );
            }
        }
        let kept_out_of_pregnancy = t
            .avoid_if
            .conditions
            .iter()
            .any(|x| c.ids.pregnancy_only.contains(x.as_str()));
        if kept_out_of_pregnancy && e.pregnancy.status != PregnancySafety::Avoid {
            c.problem(
                "pregnancy.status",
                format!("must be `avoid`: `{id}`, which it applies, is not for pregnancy"),
            );
        }
    }
}

/// Whether `id` names a sign: a red flag, a condition or an age band.
fn is_sign(ids: &Ids<'_>, id: &str) -> bool {
    ids.red_flags.contains(id) || ids.conditions.contains(id) || ids.age_bands.contains(id)
}

pub(super) fn escalation(c: &mut Check<'_, '_>, r: &EscalationRule) {
    c.id(&r.id);
    c.text("name", &r.name);
    c.text("group", &r.group);
    if r.when.is_empty() {
        c.problem("when", "needs at least 1 clause");
    }
    let mut signs = 0;
    for (i, clause) in r.when.iter().enumerate() {
        let at = format!("when[{i}]");
        if clause.of.is_empty() {
            c.problem(format!("{at}.of"), "needs at least 1 sign");
        }
        for (j, s) in clause.of.iter().enumerate() {
            if !is_sign(c.ids, s) {
                c.problem(
                    format!("{at}.of[{j}]"),
                    format!("`{s}` is not a red-flag, condition or age-band id"),
                );
            }
            if clause.of[..j].contains(s) {
                c.problem(format!("{at}.of[{j}]"), format!("`{s}` is listed twice"));
            }
        }
        if let Some(n) = clause.at_least
            && (n == 0 || usize::from(n) > clause.of.len())
        {
            c.problem(
                format!("{at}.at_least"),
                format!("{n} is out of range 1..={}", clause.of.len()),
            );
        }
        signs += clause.needed();
    }
    // One sign alone is that sign's own urgency, not a combination.
    if signs < 2 {
        c.problem("when", "a rule combines at least 2 signs");
    }
    if r.urgency == Urgency::SeeClinician
        && r.when
            .iter()
            .all(|cl| cl.of.iter().all(|s| c.ids.red_flags.contains(s.as_str())))
    {
        // Every flag is at least see-a-clinician on its own: such a rule raises nothing.
        c.problem(
            "urgency",
            "`see_clinician` raises nothing when every sign is a red flag",
        );
    }
    c.text("action", &r.action);
    c.text("reason", &r.reason);
    c.sources(&r.sources);
}

pub(super) fn policy(c: &mut Check<'_, '_>, p: &Policy) {
    if !c.ids.conditions.contains(p.default_condition.as_str()) {
        c.problem(
            "default_condition",
            format!("no conditions entry with id `{}`", p.default_condition),
        );
    }
    let l = &p.limits;
    c.range("limits.severe_pain", l.severe_pain, 1, 10);
    c.range("limits.max_items", l.max_items, 1, 20);
    c.range("limits.max_per_area", l.max_per_area, 1, 20);
    c.range("limits.max_after_massage", l.max_after_massage, 0, 20);
    c.range("limits.max_massage_picks", l.max_massage_picks, 1, 5);
    for (i, b) in p.age_bands.iter().enumerate() {
        let at = format!("age_bands[{i}]");
        if !is_kebab_case(&b.id) {
            c.problem(format!("{at}.id"), format!("`{}` is not kebab-case", b.id));
        }
        if c.ids.red_flags.contains(b.id.as_str()) || c.ids.conditions.contains(b.id.as_str()) {
            c.problem(
                format!("{at}.id"),
                format!(
                    "`{}` is also a red-flag or condition id; signs must be unambiguous",
                    b.id
                ),
            );
        }
        if p.age_bands[..i].iter().any(|x| x.id == b.id) {
            c.problem(format!("{at}.id"), format!("`{}` is listed twice", b.id));
        }
        c.text(&format!("{at}.name"), &b.name);
        match (b.min_age, b.max_age) {
            (None, None) => c.problem(&at, "needs min_age, max_age or both"),
            (Some(lo), Some(hi)) if lo > hi => c.problem(
                format!("{at}.min_age"),
                format!("{lo} is above max_age {hi}"),
            ),
            _ => {}
        }
        for (field, age) in [("min_age", b.min_age), ("max_age", b.max_age)] {
            if let Some(a) = age {
                c.range(&format!("{at}.{field}"), a, 0, 120);
            }
        }
        c.refs(
            &format!("{at}.implies_conditions"),
            &b.implies_conditions,
            Target::Condition,
        );
        match (b.urgency, &b.action) {
            (Some(_), Some(action)) => c.text(&format!("{at}.action"), action),
            (Some(_), None) => c.problem(format!("{at}.action"), "required with an urgency"),
            (None, Some(_)) => c.problem(format!("{at}.action"), "said only with an urgency"),
            (None, None) => {}
        }
        if b.no_plan && b.urgency.is_none() {
            c.problem(
                format!("{at}.no_plan"),
                "a band with no plan needs an urgency and action",
            );
        }
        c.refs(&format!("{at}.sources"), &b.sources, Target::Source);
        if b.sources.is_empty() {
            c.problem(
                format!("{at}.sources"),
                "every entry must cite at least one source",
            );
        }
    }
    for area in super::vocab::PainArea::ALL {
        match p.area_map.get(area) {
            None => c.problem(
                "area_map",
                format!("`{area}` is not mapped to any catalog area"),
            ),
            Some(list) if list.is_empty() => {
                c.problem(format!("area_map.{area}"), "needs at least 1 area")
            }
            Some(_) => {}
        }
    }
    for (i, s) in l.strength_items.iter().enumerate() {
        c.range(
            &format!("limits.strength_items[{i}].from_minutes"),
            s.from_minutes,
            5,
            120,
        );
        c.range(&format!("limits.strength_items[{i}].count"), s.count, 0, 5);
    }
    c.range("limits.pain_worse_by", l.pain_worse_by, 1, 10);
    c.range("limits.min_days_done", l.min_days_done, 1, 7);
    c.range(
        "limits.step_up_min_days",
        l.step_up_min_days,
        l.min_days_done,
        7,
    );
    c.range("limits.max_education", l.max_education, 0, 10);
    c.range("limits.max_step_ups", l.max_step_ups, 0, 10);
    for (risk, ids) in &p.risk_adjuncts {
        c.refs(&format!("risk_adjuncts.{risk}"), ids, Target::Technique);
    }
    for kind in super::vocab::ExerciseKind::ALL {
        if !p.slot_by_kind.contains_key(kind) {
            c.problem("slot_by_kind", format!("`{kind}` has no time of day"));
        }
    }
    if !c.ids.techniques.contains_key(p.warm_up.as_str()) {
        c.problem(
            "warm_up",
            format!("no techniques entry with id `{}`", p.warm_up),
        );
    }
    c.refs("gentle_massage", &p.gentle_massage, Target::Technique);
    for (i, id) in p.gentle_massage.iter().enumerate() {
        if let Some(t) = c.ids.techniques.get(id.as_str())
            && (t.modality != Modality::Massage || t.pressure != Some(Pressure::Light))
        {
            c.problem(
                format!("gentle_massage[{i}]"),
                format!("`{id}` is not a light hands-on massage"),
            );
        }
    }
    for (id, rule) in &p.rules {
        c.refs(
            &format!("rules.{id}.sources"),
            &rule.sources,
            Target::Source,
        );
        c.text(&format!("rules.{id}.decision"), &rule.decision);
    }
}

pub(super) fn education(c: &mut Check<'_, '_>, m: &Education) {
    c.id(&m.id);
    c.text("title", &m.title);
    c.text("text", &m.text);
    c.refs("for.conditions", &m.audience.conditions, Target::Condition);
    c.range("priority", m.priority, 1, 9);
    c.sources(&m.sources);
}

pub(super) fn activity(c: &mut Check<'_, '_>, a: &Activity) {
    if a.goals.is_empty() {
        c.problem("goals", "needs at least 1 goal");
    }
    for (i, g) in a.goals.iter().enumerate() {
        let at = format!("goals[{i}]");
        if !is_kebab_case(&g.id) {
            c.problem(format!("{at}.id"), format!("`{}` is not kebab-case", g.id));
        }
        for (field, text) in [
            ("title", &g.title),
            ("goal", &g.goal),
            ("why", &g.why),
            ("progress", &g.progress),
            ("on_a_bad_day", &g.on_a_bad_day),
        ] {
            c.text(&format!("{at}.{field}"), text);
        }
        c.range(
            &format!("{at}.daily_goal_minutes"),
            g.daily_goal_minutes,
            1,
            240,
        );
        c.refs(&format!("{at}.sources"), &g.sources, Target::Source);
        if g.sources.is_empty() {
            c.problem(
                format!("{at}.sources"),
                "every entry must cite at least one source",
            );
        }
    }
    // Every person must find a goal: some goal matches any duration and
    // any pain.
    for d in super::vocab::Duration::ALL {
        for severe in [true, false] {
            let found = a.goals.iter().any(|g| {
                (g.when.durations.is_empty() || g.when.durations.contains(d))
                    && g.when.severe_pain.is_none_or(|s| s == severe)
            });
            if !found {
                c.problem(
                    "goals",
                    format!(
                        "no goal for {d} pain{}",
                        if severe { " that is severe" } else { "" }
                    ),
                );
            }
        }
    }
    c.sources(&a.sources);
}
