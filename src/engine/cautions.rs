//! What to watch for across the plan: the person's conditions' own
//! cautions, the STarT Back tier's advice, and the signs that mean stop
//! now. Flag actions live in the triage and item or technique cautions on
//! the items and picks, so nothing is said twice.

use std::borrow::Cow;

use super::context::Context;
use super::explanation::say;
use super::output::{Caution, Risk, StartBackResult};

/// The plan-wide cautions.
pub(super) fn plan<'c>(
    ctx: &Context<'c>,
    start_back: Option<&StartBackResult>,
) -> Vec<Caution<'c>> {
    let catalog = ctx.catalog;
    let mut out = Vec::new();
    for c in &ctx.effective {
        out.extend(c.cautions.iter().map(|t| Caution {
            text: Cow::Borrowed(t.as_str()),
            from: c.id.as_str(),
        }));
    }
    if let Some(sb) = start_back {
        let key = match sb.risk {
            Risk::Low => None,
            Risk::Medium => Some("start_back.advice.medium"),
            Risk::High => Some("start_back.advice.high"),
        };
        if let Some(key) = key {
            out.push(Caution {
                text: Cow::Borrowed(catalog.message(key)),
                from: "start-back-keele",
            });
        }
    }
    // The emergency flags' names are joined once at load.
    let emergencies = &catalog.refs().emergency_names;
    if !emergencies.is_empty() {
        out.push(Caution {
            text: say(catalog, "cautions.stop", &[("emergencies", emergencies)]).into(),
            from: "red-flags",
        });
    }
    out
}
