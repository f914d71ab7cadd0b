//! The plan as a handout a person can print or save: what to do first, the
//! daily routine by session with each item's illustration, dose, minutes
//! and cautions, the occasional massage part, walking, a few messages, when
//! to stop and get help, and the sources. It is the answer to the same
//! `POST` (the person's details stay in the body, never in a URL).

use maud::{Markup, html};

use super::catalog::{illustration, sources};
use super::{layout, nbsp};
use crate::catalog::{Catalog, Slot};
use crate::engine::{Recommendation, RoutineItem, TechniquePick, TriageLevel};

fn slot_words(s: Slot) -> &'static str {
    match s {
        Slot::Morning => "In the morning",
        Slot::Daytime => "During the day",
        Slot::Evening => "In the evening",
        Slot::BeforeExercise => "Before you exercise",
        Slot::AfterExercise => "After you exercise",
        Slot::AfterMassage => "After a massage",
    }
}

fn level_words(l: TriageLevel) -> &'static str {
    match l {
        TriageLevel::SelfCare => "Self-care is a reasonable start",
        TriageLevel::SeeClinician => "See a doctor or physiotherapist soon",
        TriageLevel::Urgent => "Get a medical assessment today",
        TriageLevel::Emergency => "Emergency: get help now",
    }
}

fn item(catalog: &Catalog, i: &RoutineItem<'_>) -> Markup {
    html! {
        section.card {
            h3 { (i.name) }
            @if let Some(e) = catalog.exercise(i.exercise_id) { (illustration(e)) }
            p { strong { (i.dose) } " · about " (i.minutes) (nbsp()) "min" }
            p.why { (i.reason) }
            @if let Some(change) = &i.change { p { strong { "This week: " } (change) } }
            ol.list { @for s in i.steps { li { (s) } } }
            p { strong { "How it should feel: " } (i.feel) }
            @if !i.cautions.is_empty() {
                ul.list.caution { @for c in &i.cautions { li { (c) } } }
            }
            @if let Some(note) = i.pregnancy_note { p { strong { "In pregnancy: " } (note) } }
            p.tag { (i.progression.progress_when) " " (i.progression.drop_back_when) }
        }
    }
}

fn technique(t: &TechniquePick<'_>) -> Markup {
    html! {
        section.card {
            h3 { (t.name) }
            p { strong { (t.frequency) } }
            p.why { (t.reason) }
            @if !t.cautions.is_empty() {
                ul.list.caution { @for c in &t.cautions { li { (c) } } }
            }
        }
    }
}

/// The handout for `r`.
pub(crate) fn handout(catalog: &Catalog, r: &Recommendation<'_>) -> Markup {
    let level = r.triage.level.as_str();
    let mut source_ids: Vec<&str> = r
        .explanation
        .iter()
        .flat_map(|s| s.source_ids.iter().copied())
        .collect();
    source_ids.extend(
        r.activity
            .iter()
            .flat_map(|a| a.source_ids.iter().map(String::as_str)),
    );
    source_ids.extend(
        r.education
            .iter()
            .flat_map(|m| m.source_ids.iter().map(String::as_str)),
    );
    layout(
        "Your back-care plan",
        html! {
            h1 { "Your back-care plan" }
            div class={ "notice " (level) } {
                strong { (level_words(r.triage.level)) }
                (r.triage.message)
                @if !r.triage.flags.is_empty() {
                    ul.list { @for f in &r.triage.flags { li { strong { (f.name) ": " } (f.action) } } }
                }
                @for e in r.triage.escalations.iter().filter(|e| e.action.is_some()) {
                    p { strong { (e.name) ": " } (e.action.unwrap_or_default()) }
                }
            }
            @if let Some(routine) = &r.routine {
                h2 { "Every day, about " (routine.total_minutes) (nbsp()) "minutes" }
                @for s in &routine.sessions {
                    h3 { (slot_words(s.slot)) }
                    @if let Some(before) = &s.before { p.notice { (before) } }
                    div.cards { @for i in &s.items { (item(catalog, i)) } }
                }
            }
            @if let Some(m) = &r.massage {
                @if !m.techniques.is_empty() || !m.self_massage.is_empty() {
                    h2 { "Now and then: massage" }
                    p { "Not part of the daily minutes." }
                    @for t in &m.techniques { (technique(t)) }
                    @if !m.alternatives.is_empty() {
                        p { "If that is not available: "
                            @for (n, a) in m.alternatives.iter().enumerate() {
                                @if n > 0 { ", " } (a.name)
                            }
                            "." }
                    }
                    @if !m.after_massage.is_empty() {
                        h3 { "Straight after a massage" }
                        div.cards { @for i in &m.after_massage { (item(catalog, i)) } }
                    }
                    @for t in &m.self_massage { (technique(t)) }
                }
            }
            @if !r.adjuncts.is_empty() {
                h2 { "Also helpful" }
                @for t in &r.adjuncts { (technique(t)) }
            }
            @if let Some(a) = &r.activity {
                h2 { "Walking: " (a.title) }
                section.card {
                    p { (a.goal) }
                    p.why { (a.why) }
                    p { strong { "Building up: " } (a.progress) }
                    p { strong { "On a bad day: " } (a.on_a_bad_day) }
                }
            }
            @if !r.education.is_empty() {
                h2 { "Good to know" }
                @for m in &r.education {
                    section.card { h3 { (m.title) } p { (m.text) } }
                }
            }
            @if !r.cautions.is_empty() {
                h2 { "When to stop and get help" }
                ul.list { @for c in &r.cautions { li { (c.text) } } }
            }
            h2 { "Sources" }
            (sources(catalog, source_ids))
        },
    )
}
