//! Catalog pages: an exercise, a condition, a red flag, and the lists that
//! link to them.

use maud::{Markup, html};

use super::{layout, nbsp, paragraphs};
use crate::catalog::{Catalog, CautionNote, Equipment, Exercise, RedFlag, Source, Urgency};

/// The people a keyed caution is for, in words: "For osteoporosis,
/// long-term steroid use" or "Without a chair". `None` when it is for
/// everyone, or keyed only by what the page cannot show (pain duration,
/// massage in the plan).
fn who(catalog: &Catalog, note: &CautionNote) -> Option<String> {
    let names: Vec<String> = note
        .only_with
        .conditions
        .iter()
        .filter_map(|id| catalog.condition(id).map(|c| c.name.to_lowercase()))
        .chain(
            note.only_with
                .red_flags
                .iter()
                .filter_map(|id| catalog.red_flag(id).map(|f| f.name.to_lowercase())),
        )
        .collect();
    let things = |list: &[Equipment], joiner: &str| {
        list.iter()
            .map(|q| format!("a {}", q.as_str().replace('_', " ")))
            .collect::<Vec<_>>()
            .join(joiner)
    };
    let mut parts = Vec::new();
    if !names.is_empty() {
        parts.push(format!("For {}", names.join(", ")));
    }
    if !note.needs.is_empty() {
        parts.push(format!("with {}", things(&note.needs, " and ")));
    }
    if !note.without.is_empty() {
        parts.push(format!("without {}", things(&note.without, " or ")));
    }
    let label = parts.join(", ");
    let mut chars = label.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
}

/// Cautions, each keyed one labelled with who it is for.
fn cautions(catalog: &Catalog, notes: &[CautionNote]) -> Markup {
    html! {
        ul.list {
            @for n in notes {
                li {
                    @if let Some(who) = who(catalog, n) { span.tag { (who) ": " } }
                    (n.text)
                }
            }
        }
    }
}

/// The sources behind an entry, each with its publisher, year and link.
pub(crate) fn sources<'a>(catalog: &'a Catalog, ids: impl IntoIterator<Item = &'a str>) -> Markup {
    let mut found: Vec<&Source> = ids
        .into_iter()
        .filter_map(|id| catalog.source(id))
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found.dedup_by(|a, b| a.id == b.id);
    html! {
        ul.list.sources {
            @for s in found {
                li {
                    @match &s.url {
                        Some(url) if url.starts_with("https://") || url.starts_with("http://") => a href=(url) rel="noreferrer" { (s.title) },
                        _ => (s.title),
                    }
                    ". " (s.publisher)
                    @if let Some(y) = s.year { ", " (y) }
                    "."
                }
            }
        }
    }
}

/// The illustration of an exercise, as a figure.
pub(crate) fn illustration(e: &Exercise) -> Markup {
    html! {
        figure.illustration {
            img src={ "/exercises/" (e.id) "/illustration.svg" } alt={ (e.name) ": start and end positions" } width="640" height="300";
            figcaption { "Where to start, and where to move to." }
        }
    }
}

/// A dose in words with units that do not break across lines.
fn dose(e: &Exercise) -> Markup {
    html! { (e.dose.in_words()) ", about " (e.minutes) (nbsp()) "min" }
}

/// The page of one exercise.
pub(crate) fn exercise_page(catalog: &Catalog, e: &Exercise) -> Markup {
    let link = |id: &String| catalog.exercise(id).map(|v| (v.id.clone(), v.name.clone()));
    let easier: Vec<(String, String)> = e.easier.iter().filter_map(link).collect();
    let harder: Vec<(String, String)> = e.harder.iter().filter_map(link).collect();
    layout(
        &e.name,
        html! {
            h1 { (e.name) }
            p.summary { (e.summary) }
            ul.facts {
                li { (e.kind.as_str().replace('-', " ")) }
                li { (e.difficulty.as_str()) }
                li { (dose(e)) }
            }
            (illustration(e))
            h2 { "What it does" }
            p { (e.benefit) }
            h2 { "How to do it" }
            ol.list { @for s in &e.steps { li { (s) } } }
            h2 { "How it should feel" }
            p { (e.feel) }
            h2 { "Be careful" }
            (cautions(catalog, &e.cautions))
            @if let Some(note) = &e.pregnancy.note {
                p { strong { "In pregnancy: " } (note) }
            }
            h2 { "Common mistakes" }
            ul.list { @for m in &e.common_mistakes { li { (m) } } }
            @if !easier.is_empty() || !harder.is_empty() {
                h2 { "Easier and harder versions" }
                ul.list {
                    @for (id, name) in &easier { li { "Easier: " a href={ "/exercises/" (id) } { (name) } } }
                    @for (id, name) in &harder { li { "Harder: " a href={ "/exercises/" (id) } { (name) } } }
                }
            }
            h2 { "Sources" }
            (sources(catalog, e.sources.iter().map(String::as_str)))
        },
    )
}

/// The page of one condition.
pub(crate) fn condition_page(catalog: &Catalog, c: &crate::catalog::Condition) -> Markup {
    let exercises: Vec<&Exercise> = catalog
        .exercises
        .iter()
        .filter(|e| e.suitable_for.contains(&c.id))
        .collect();
    layout(
        &c.name,
        html! {
            h1 { (c.name) }
            p.summary { (c.summary) }
            h2 { "Signs" }
            ul.list { @for s in &c.symptoms { li { (s) } } }
            h2 { "What helps" }
            (paragraphs(&c.helps.why))
            h2 { "Be careful" }
            (cautions(catalog, &c.cautions))
            @if !exercises.is_empty() {
                h2 { "Exercises that suit it" }
                ul.plain { @for e in exercises { li { a href={ "/exercises/" (e.id) } { (e.name) } } } }
            }
            h2 { "Sources" }
            (sources(catalog, c.sources.iter().map(String::as_str)))
        },
    )
}

/// How urgent, in words a person acts on.
fn urgency_words(u: Urgency) -> &'static str {
    match u {
        Urgency::SeeClinician => "See a clinician soon",
        Urgency::Urgent => "Same-day medical assessment",
        Urgency::Emergency => "Emergency: go now",
    }
}

/// The page of one red flag, with the combinations that make it more urgent.
pub(crate) fn red_flag_page(catalog: &Catalog, f: &RedFlag) -> Markup {
    let rules: Vec<_> = catalog
        .escalations
        .iter()
        .filter(|r| r.when.iter().any(|c| c.of.contains(&f.id)))
        .collect();
    layout(
        &f.name,
        html! {
            h1 { (f.name) }
            p.summary { (f.question) }
            div class={ "notice " (f.urgency.as_str()) } {
                strong { (urgency_words(f.urgency)) }
                (f.action)
            }
            @if !rules.is_empty() {
                h2 { "When it comes with other signs" }
                @for r in rules {
                    div class={ "notice " (r.urgency.as_str()) } {
                        strong { (r.name) ": " (urgency_words(r.urgency)) }
                        p { (r.reason) }
                        p { (r.action) }
                    }
                }
            }
            h2 { "Sources" }
            (sources(catalog, f.sources.iter().map(String::as_str)))
        },
    )
}

/// A list page: each entry's name linking to its page, with a line under it.
pub(crate) fn list_page(
    title: &str,
    intro: &str,
    base: &str,
    entries: &[(&str, &str, &str)],
) -> Markup {
    layout(
        title,
        html! {
            h1 { (title) }
            p.summary { (intro) }
            ul.plain {
                @for (id, name, line) in entries {
                    li {
                        a href={ (base) "/" (id) } { (name) }
                        br;
                        span.tag { (line) }
                    }
                }
            }
        },
    )
}
