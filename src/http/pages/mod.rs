//! Pages for people: the same resource URLs answer `text/html` when a
//! browser asks for it, and `POST /recommendation` answers a printable
//! handout. JSON stays the default for API clients, `*/*` and no `Accept`.
//!
//! Pages are written with maud, whose `html!` templates are checked at
//! compile time and escape every value by default, so catalog text can never
//! become markup. They carry no scripts, one stylesheet from this service,
//! and the illustrations this service draws, under a strict CSP.

mod catalog;
mod handout;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::state::Served;

pub(crate) use catalog::{condition_page, exercise_page, list_page, red_flag_page};
pub(crate) use handout::handout;

/// The stylesheet every page links: readable on a phone, and printable on
/// A4 or Letter with no item split across pages.
pub(crate) const STYLESHEET: &str = include_str!("site.css");

/// The path the stylesheet is served at.
pub(crate) const STYLESHEET_PATH: &str = "/assets/site.css";

/// The pages' icon: a plain mark in the illustrations' colour.
pub(crate) const ICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f3a5f"/><path d="M11 7c5 4 5 9 1 13s-3 6 1 6" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>"##;

/// The path the icon is served at.
pub(crate) const ICON_PATH: &str = "/assets/icon.svg";

/// Whether the client prefers HTML to JSON: `text/html` with a higher
/// quality than `application/json` (a browser's `Accept`). A tie, `*/*`,
/// no `Accept` or an unreadable one all mean JSON.
pub(crate) fn wants_html(headers: &HeaderMap) -> bool {
    let mut html = 0.0_f32;
    let mut json = 0.0_f32;
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut bits = part.split(';');
            let media = bits.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = bits
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            match media.as_str() {
                "text/html" | "application/xhtml+xml" => html = html.max(q),
                "application/json" | "application/problem+json" => json = json.max(q),
                "*/*" | "application/*" => json = json.max(q),
                _ => {}
            }
        }
    }
    html > json
}

/// A whole page: the layout around `body`.
pub(crate) fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · backcare" }
                link rel="stylesheet" href=(STYLESHEET_PATH);
                link rel="icon" href=(ICON_PATH) type="image/svg+xml";
            }
            body {
                header.site {
                    a href="/exercises" { "Exercises" }
                    a href="/conditions" { "Conditions" }
                    a href="/red-flags" { "Warning signs" }
                }
                main { (body) }
                footer.site {
                    p { "General self-care information, not a diagnosis. backcare never suggests medicines." }
                }
            }
        }
    }
}

/// A 200 page for a catalog resource: HTML, with the catalog's ETag, so a
/// browser revalidates it like the JSON.
pub(crate) fn page(served: &Served, markup: Markup) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::ETAG, html_etag(served)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(super::caching::CACHE_CONTROL),
            ),
            (header::VARY, HeaderValue::from_static("Accept")),
        ],
        markup.into_string(),
    )
        .into_response()
}

/// The ETag of a page: the catalog's, marked as HTML so it never matches
/// the JSON of the same URL.
pub(crate) fn html_etag(served: &Served) -> HeaderValue {
    let json = served.etag().to_str().unwrap_or("\"\"");
    let html = format!("{}-html\"", json.trim_end_matches('"'));
    HeaderValue::from_str(&html).unwrap_or_else(|_| served.etag().clone())
}

/// Text split into paragraphs, escaped.
pub(crate) fn paragraphs(text: &str) -> Markup {
    html! { @for p in text.split("\n\n") { p { (p) } } }
}

/// A non-breaking space, for units.
pub(crate) fn nbsp() -> PreEscaped<&'static str> {
    PreEscaped("&nbsp;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn browsers_get_html_and_api_clients_json() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(wants_html(&accept(browser)));
        assert!(wants_html(&accept("text/html")));
        for json in [
            "application/json",
            "*/*",
            "",
            "text/html;q=0.5, application/json",
            "text/html, application/json",
            "garbage;;q=x",
        ] {
            assert!(!wants_html(&accept(json)), "{json}");
        }
        assert!(!wants_html(&HeaderMap::new()));
    }

    #[test]
    fn catalog_text_is_escaped() {
        let page =
            layout("<script>", html! { p { ("<img src=x onerror=alert(1)>") } }).into_string();
        assert!(!page.contains("<script>") && !page.contains("<img src=x"));
        assert!(page.contains("&lt;img src=x"));
        assert!(page.contains("lang=\"en\""));
    }
}
