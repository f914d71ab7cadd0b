//! Turning a recommendation into CDS Hooks cards: one card, whose indicator
//! follows the triage (critical for emergency and urgent red flags, warning
//! for see-a-clinician, info for a self-care plan), whose markdown detail
//! carries the plan and what the record did and did not tell us, and whose
//! links open the exercises and red flags in this service.

use std::fmt::Write;

use super::wire::{Card, CardCoding, CardLink, CardSource};
use crate::catalog::{Catalog, SnomedKind};
use crate::ehr::Record;
use crate::ehr::dates::acp_weeks;
use crate::ehr::fhir::is_snomed_id;
use crate::engine::{Person, PlanApproach, Recommendation, Risk, TriageLevel};

/// Cards' `summary` must be shorter than this (CDS Hooks 2.0).
const SUMMARY_MAX: usize = 140;

/// The most entries of each list from the record (mapped codes, unknown
/// codes, uncoded conditions, notes) a card shows; the rest are counted.
/// A record with thousands of conditions would otherwise make a card of
/// megabytes that no clinician reads.
pub const LIST_MAX: usize = 20;

/// The longest piece of record text (a condition's text, a display) a card
/// quotes, in bytes.
const TEXT_MAX: usize = 120;

/// The longest note a card shows, in bytes (notes quote prefetch keys).
const NOTE_MAX: usize = 240;

/// The override reasons a clinician can pick; feedback is counted by them.
pub const OVERRIDE_REASONS: [(&str, &str); 4] = [
    ("already-addressed", "Already addressed in this encounter"),
    ("not-back-pain", "Patient is not being seen for back pain"),
    ("patient-declined", "Patient declined self-care advice"),
    ("clinical-judgement", "Clinical judgement differs"),
];

/// The code system of [`OVERRIDE_REASONS`].
pub const OVERRIDE_SYSTEM: &str = "urn:backcare:cds:override-reason";

/// `text`, cut so it is under [`SUMMARY_MAX`] characters: at the last
/// space that leaves it short enough (a clinician reads whole words), or at
/// a character boundary when one word alone is too long.
fn summary(text: String) -> String {
    if text.chars().count() < SUMMARY_MAX {
        return text;
    }
    let kept: String = text.chars().take(SUMMARY_MAX - 2).collect();
    let mut cut = match kept.rfind(' ') {
        Some(space) if space > 0 => kept[..space]
            .trim_end_matches([',', ';', ':', '-', ' '])
            .to_owned(),
        _ => kept,
    };
    cut.push('…');
    cut
}

/// The card for `rec`, the recommendation for `person`, who was read from
/// `record`. Whether a chart deserves a card is the EHR layer's decision,
/// made before the engine ran.
pub fn card(
    catalog: &Catalog,
    rec: &Recommendation<'_>,
    person: &Person,
    record: &Record,
    base_url: Option<&str>,
    card_id: String,
) -> Card {
    // The flags' names, or what else raised the level (an escalation rule,
    // or an age band with no plan, named by the engine's stable
    // `age-band-no-plan` rule), so a summary never joins an empty list.
    let flags: Vec<&str> = rec.triage.flags.iter().map(|f| f.name).collect();
    let rules: Vec<&str> = rec.triage.escalations.iter().map(|r| r.name).collect();
    let band = rec
        .explanation
        .iter()
        .find(|s| s.rule == "age-band-no-plan")
        .and_then(|s| s.catalog_ids.first())
        .and_then(|id| catalog.policy.age_bands.iter().find(|b| b.id == *id));
    let why = if !flags.is_empty() {
        flags.join(", ")
    } else if !rules.is_empty() {
        rules.join(", ")
    } else if let Some(band) = band {
        format!("patient {}", band.name)
    } else {
        "needs assessment".to_owned()
    };
    let (indicator, headline) = match rec.triage.level {
        TriageLevel::Emergency => (
            "critical",
            format!("Back pain red flag: {why} - emergency assessment now"),
        ),
        TriageLevel::Urgent => (
            "critical",
            format!("Back pain red flag: {why} - same-day assessment"),
        ),
        TriageLevel::SeeClinician if rec.approach == PlanApproach::NoPlan => (
            "warning",
            format!("Back pain: {why} - assess before any self-care plan"),
        ),
        TriageLevel::SeeClinician => (
            "warning",
            format!("Back pain: {why} - assess; gentle self-care meanwhile"),
        ),
        TriageLevel::SelfCare if rec.approach == PlanApproach::NoPlan => (
            "warning",
            "Back pain: no safe self-care plan fits - refer for assessment".to_owned(),
        ),
        TriageLevel::SelfCare => {
            let approach = match rec.approach {
                PlanApproach::Massage => "massage-first",
                PlanApproach::Stretching => "exercise-centred",
                PlanApproach::Combined => "exercise and massage",
                PlanApproach::NoPlan => "no",
            };
            let mut text = format!("Back pain: {approach} self-care plan");
            if let Some(r) = &rec.routine {
                let _ = write!(text, ", {} min a day", r.total_minutes);
            }
            if let Some(sb) = &rec.start_back {
                let _ = write!(text, "; STarT Back {} risk: {}", sb.risk, sb.pathway);
            }
            ("info", text)
        }
    };
    let detail = detail(catalog, rec, person, record);
    let mut links = Vec::new();
    if let Some(base) = base_url {
        for f in &rec.triage.flags {
            links.push(CardLink {
                label: format!("Red flag: {}", f.name),
                url: format!("{base}/red-flags/{}", f.id),
                kind: "absolute",
            });
        }
        for item in rec
            .routine
            .iter()
            .flat_map(|r| &r.sessions)
            .flat_map(|s| &s.items)
        {
            links.push(CardLink {
                label: format!("Exercise: {}", item.name),
                url: format!("{base}/exercises/{}", item.exercise_id),
                kind: "absolute",
            });
        }
    }
    let guideline = catalog.source("nice-ng59");
    Card {
        uuid: card_id,
        summary: summary(headline),
        indicator,
        detail,
        source: CardSource {
            label: format!(
                "backcare back-pain self-care ({})",
                guideline.map_or("NICE NG59", |s| s.title.as_str())
            ),
            url: guideline.and_then(|s| s.url.clone()),
        },
        links,
        override_reasons: OVERRIDE_REASONS
            .iter()
            .map(|&(code, display)| CardCoding {
                system: OVERRIDE_SYSTEM,
                code,
                display,
            })
            .collect(),
    }
}

/// The card's markdown: what to do, the plan, and what it rests on.
fn detail(catalog: &Catalog, rec: &Recommendation<'_>, person: &Person, record: &Record) -> String {
    let mut md = String::with_capacity(2048);
    // The triage message speaks to the patient and repeats each flag's
    // action; a clinician gets one line of what to do, then the flags.
    let headline = match rec.triage.level {
        TriageLevel::Emergency => {
            "Refer for emergency assessment now; no self-care plan until assessed."
        }
        TriageLevel::Urgent => "Arrange same-day assessment; no self-care plan until assessed.",
        TriageLevel::SeeClinician if rec.approach == PlanApproach::NoPlan => {
            rec.triage.message.as_str()
        }
        TriageLevel::SeeClinician => {
            "Assess the flags below; gentle self-care can start meanwhile."
        }
        TriageLevel::SelfCare => rec.triage.message.as_str(),
    };
    let _ = writeln!(md, "**{headline}**\n");
    for f in &rec.triage.flags {
        let _ = write!(md, "- **{}** ({}): {}", f.name, f.urgency, f.action);
        if let Some(why) = &f.escalated_because {
            let _ = write!(md, " Raised because {why}.");
        }
        md.push('\n');
    }
    if !rec.triage.flags.is_empty() {
        md.push('\n');
    }
    let planned = rec.approach != PlanApproach::NoPlan;
    if let Some(sb) = &rec.start_back {
        // With no plan there is no "plan below" to describe.
        let advice = match (sb.risk, planned) {
            (Risk::Low, _) => "advice and self-management; no referral needed on this score",
            (Risk::Medium, true) => "refer to physiotherapy; the plan below is exercise-centred",
            (Risk::Medium, false) => "refer to physiotherapy once assessed",
            (Risk::High, true) => {
                "refer to psychologically informed physiotherapy; the plan below is exercise-centred"
            }
            (Risk::High, false) => "refer to psychologically informed physiotherapy once assessed",
        };
        let _ = writeln!(
            md,
            "**STarT Back:** {} risk (score {}/9, psychosocial {}/5): {advice}.\n",
            sb.risk, sb.score, sb.psychosocial_score
        );
    }
    if let Some(m) = &rec.massage {
        md.push_str("### Massage\n");
        for t in m.techniques.iter().chain(&m.self_massage) {
            let _ = write!(md, "- **{}**", t.name);
            if let Some(p) = t.pressure {
                let _ = write!(md, ", {p} pressure");
            }
            let _ = writeln!(md, ", {}", t.frequency);
        }
        md.push('\n');
    }
    if let Some(r) = &rec.routine {
        let _ = writeln!(md, "### Routine ({} min a day)", r.total_minutes);
        for s in &r.sessions {
            let _ = writeln!(md, "**{}**", slot_name(s.slot.as_str()));
            for item in &s.items {
                let _ = writeln!(md, "- {}: {} ({} min)", item.name, item.dose, item.minutes);
            }
        }
        md.push('\n');
    }
    if !rec.adjuncts.is_empty() {
        let names: Vec<&str> = rec.adjuncts.iter().map(|t| t.name).collect();
        let _ = writeln!(md, "**Also:** {}.\n", names.join(", "));
    }
    let cautions: Vec<&str> = rec
        .cautions
        .iter()
        .filter(|c| !rec.triage.flags.iter().any(|f| f.id == c.from))
        .map(|c| c.text.as_ref())
        .collect();
    if !cautions.is_empty() && rec.approach != PlanApproach::NoPlan {
        md.push_str("### Cautions\n");
        for c in cautions {
            let _ = writeln!(md, "- {c}");
        }
        md.push('\n');
    }
    md.push_str("### From the record\n");
    if record.mapped.is_empty() {
        md.push_str("- No condition in the record maps to this service's catalog.\n");
    }
    let (mapped, more) = capped(&record.mapped);
    for m in mapped {
        let name = match m.kind {
            SnomedKind::Condition => catalog.condition(&m.id).map(|c| c.name.as_str()),
            SnomedKind::RedFlag => catalog.red_flag(&m.id).map(|f| f.name.as_str()),
        };
        let _ = writeln!(
            md,
            "- SNOMED CT {} ({}): {}",
            m.code,
            m.display,
            name.unwrap_or(&m.id)
        );
    }
    left_out(&mut md, more, "mapped code");
    if !record.unknown_codes.is_empty() {
        let (shown, more) = capped(&record.unknown_codes);
        let mut codes: Vec<String> = shown
            .iter()
            .map(|(code, display)| format!("{} ({})", code_of(code), text(display)))
            .collect();
        if more > 0 {
            codes.push(format!("and {more} more"));
        }
        let _ = writeln!(
            md,
            "- Not used, unknown to this service: SNOMED CT {}",
            codes.join(", ")
        );
    }
    if !record.uncoded.is_empty() {
        let (shown, more) = capped(&record.uncoded);
        let mut texts: Vec<String> = shown.iter().map(|t| text(t)).collect();
        if more > 0 {
            texts.push(format!("and {more} more"));
        }
        let _ = writeln!(md, "- Not used, no SNOMED CT code: {}", texts.join(", "));
    }
    if record.not_active > 0 {
        let _ = writeln!(
            md,
            "- Skipped {} resolved, inactive, refuted or entered-in-error condition(s)",
            record.not_active
        );
    }
    // The assumptions are the person's, as the EHR layer made them.
    match &record.duration {
        Some((d, why)) => {
            let _ = writeln!(md, "- Duration: {d}, {why}");
        }
        None => {
            let d = person.pain.duration;
            let _ = writeln!(
                md,
                "- Duration: no onset recorded, assumed {d} ({})",
                acp_weeks(d)
            );
        }
    }
    // The plan's assumptions matter only where there is a plan.
    if planned {
        if person.pain.intensity.is_none() {
            md.push_str("- Pain intensity is not in the record: the plan is kept gentle\n");
        }
        let _ = writeln!(
            md,
            "- Assumed: {} minutes a day, household items only (floor, wall, chair, towel), massage available; POST /recommendation tailors these",
            person.preferences.minutes_per_day
        );
    }
    match record.age {
        Some(age) => {
            let _ = writeln!(md, "- Age: {age}");
        }
        None => md.push_str("- Age: not in the record\n"),
    }
    if !record.has_conditions {
        md.push_str(
            "- The EHR sent no conditions (prefetch missing): this is the general plan for back pain\n",
        );
    }
    let (notes, more) = capped(&record.notes);
    for note in notes {
        let _ = writeln!(md, "- {}", cut(note, NOTE_MAX));
    }
    left_out(&mut md, more, "note");
    let _ = writeln!(
        md,
        "\nGeneral self-care information, not a diagnosis; no medicines. Catalog version {}.",
        rec.catalog_version
    );
    md
}

/// The first [`LIST_MAX`] of `items`, and how many are left out.
fn capped<T>(items: &[T]) -> (&[T], usize) {
    let shown = &items[..items.len().min(LIST_MAX)];
    (shown, items.len() - shown.len())
}

/// A line counting what [`capped`] left out, if anything.
fn left_out(md: &mut String, more: usize, what: &str) {
    if more > 0 {
        let _ = writeln!(md, "- {more} more {what}(s) left out");
    }
}

/// A code from the record, shown only when it has the form of a SNOMED CT
/// id (digits), so nothing else the record holds is pasted in as a code.
fn code_of(code: &str) -> String {
    if is_snomed_id(code) {
        code.to_owned()
    } else {
        "(a code that is not a SNOMED CT id)".to_owned()
    }
}

/// Record text (a condition's text, a coding's display) made inert for
/// CommonMark and GitHub Flavored Markdown, which CDS Hooks cards use: cut
/// to [`TEXT_MAX`] bytes; line breaks and other control characters become
/// spaces, so it cannot start a heading, list or block; the punctuation
/// Markdown gives a meaning is backslash-escaped, so it cannot open a link,
/// an image, emphasis, code, a table cell, an HTML tag (`<`) or an entity
/// (`&`), nor start a block (`#`, `>`, and `+ - . =` first); and a
/// zero-width space is put into `://`, `www.` and `@`, which GFM would
/// otherwise turn into links by themselves. What is left is plain text.
pub fn text(record: &str) -> String {
    let record = cut(record, TEXT_MAX);
    let mut out = String::with_capacity(record.len() * 2);
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => out.push(' '),
            ':' if out.ends_with(|p: char| p.is_ascii_alphanumeric())
                && chars.peek() == Some(&'/') =>
            {
                out.push_str("\\:\u{200B}");
            }
            '@' => out.push_str("\\@\u{200B}"),
            '.' if out.len() >= 3
                && out.as_bytes()[out.len() - 3..].eq_ignore_ascii_case(b"www") =>
            {
                out.push_str("\u{200B}\\.");
            }
            c if "\\`*_[]()#!<>&|~".contains(c) || (out.is_empty() && "+-.=".contains(c)) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to at most `max` bytes at a character boundary, ending in
/// `…` when cut; only the kept part is copied.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn slot_name(slot: &str) -> String {
    let spaced = slot.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Summaries stay under the CDS Hooks limit, and a cut one ends
        /// with a whole word of the headline and an ellipsis.
        #[test]
        fn summaries_are_short_and_cut_between_words(words in proptest::collection::vec("[a-zé]{1,12}[,;]?", 1..40)) {
            let text = words.join(" ");
            let short = summary(text.clone());
            prop_assert!(short.chars().count() < SUMMARY_MAX, "{short}");
            if short != text {
                let kept = short.strip_suffix('…').expect("an ellipsis");
                prop_assert!(text.starts_with(kept), "{kept} is not a prefix of {text}");
                let rest = &text[kept.len()..];
                prop_assert!(rest.starts_with([' ', ',', ';']), "cut mid-word: {short} / {text}");
            }
        }
    }

    #[test]
    fn one_long_word_is_cut_at_a_character_boundary() {
        let text = "é".repeat(SUMMARY_MAX * 2);
        let short = summary(text);
        assert_eq!(short.chars().count(), SUMMARY_MAX - 1);
    }
}
