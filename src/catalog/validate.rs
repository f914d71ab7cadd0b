//! Content validation: everything is checked at load time and every problem
//! is reported, so an author fixes a whole batch in one pass.

use std::collections::BTreeSet;

use super::load::Problem;
use super::model::*;
use super::{Entity, KINDS};

/// The ids of every kind, for resolving cross-references.
pub(super) struct Ids<'a> {
    sources: BTreeSet<&'a str>,
    conditions: BTreeSet<&'a str>,
    red_flags: BTreeSet<&'a str>,
    exercises: BTreeSet<&'a str>,
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
        // Techniques are never the target of a reference; taken for symmetry of the call.
        _techniques: &'a [(String, Technique)],
        exercises: &'a [(String, Exercise)],
    ) -> Self {
        Self {
            sources: id_set(sources),
            conditions: id_set(conditions),
            red_flags: id_set(red_flags),
            exercises: id_set(exercises),
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
}

/// Checks for one file, collecting problems under its name.
pub(super) struct Check<'a, 'p> {
    file: &'a str,
    ids: &'a Ids<'a>,
    problems: &'p mut Vec<Problem>,
}

/// Whether `id` is lower-case kebab-case: `a-z0-9` words joined by single hyphens.
pub fn is_kebab_case(id: &str) -> bool {
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
        let (set, kind) = match target {
            Target::Source => (&self.ids.sources, KINDS[4]),
            Target::Condition => (&self.ids.conditions, KINDS[0]),
            Target::RedFlag => (&self.ids.red_flags, KINDS[1]),
            Target::Exercise => (&self.ids.exercises, KINDS[3]),
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

pub(super) fn source(c: &mut Check, s: &Source) {
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

pub(super) fn condition(c: &mut Check, x: &Condition) {
    c.id(&x.id);
    c.text("name", &x.name);
    c.text("summary", &x.summary);
    c.texts("symptoms", &x.symptoms, 1);
    c.text("helps.why", &x.helps.why);
    c.texts("cautions", &x.cautions, 1);
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

pub(super) fn red_flag(c: &mut Check, f: &RedFlag) {
    c.id(&f.id);
    c.text("name", &f.name);
    c.text("group", &f.group);
    c.text("question", &f.question);
    if !f.question.trim_end().ends_with('?') {
        c.problem("question", "must be a yes/no question ending in `?`");
    }
    c.text("action", &f.action);
    for (i, e) in f.escalation.iter().enumerate() {
        let at = format!("escalation[{i}]");
        c.refs(
            &format!("{at}.conditions"),
            &e.conditions,
            Target::Condition,
        );
        c.refs(&format!("{at}.red_flags"), &e.red_flags, Target::RedFlag);
        if e.red_flags.iter().any(|r| r == &f.id) {
            c.problem(format!("{at}.red_flags"), "must not name the flag itself");
        }
        if e.conditions.is_empty() && e.red_flags.is_empty() && e.min_age.is_none() {
            c.problem(
                &at,
                "needs at least one of conditions, red_flags or min_age",
            );
        }
        if let Some(age) = e.min_age {
            c.range(&format!("{at}.min_age"), age, 1, 120);
        }
        if e.urgency <= f.urgency {
            c.problem(
                format!("{at}.urgency"),
                format!(
                    "`{}` does not raise the flag's own urgency `{}`",
                    e.urgency, f.urgency
                ),
            );
        }
        c.text(&format!("{at}.reason"), &e.reason);
    }
    c.snomed(&f.snomed);
    c.sources(&f.sources);
}

pub(super) fn technique(c: &mut Check, t: &Technique) {
    c.id(&t.id);
    c.text("name", &t.name);
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
    c.texts("cautions", &t.cautions, 1);
    c.text("sequencing", &t.sequencing);
    c.text("evidence", &t.evidence);
    c.sources(&t.sources);
}

pub(super) fn exercise(c: &mut Check, e: &Exercise) {
    c.id(&e.id);
    c.text("name", &e.name);
    c.texts("aliases", &e.aliases, 0);
    c.text("summary", &e.summary);
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
    c.texts("cautions", &e.cautions, 1);
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
    c.sources(&e.sources);
}
