//! What to watch for across the plan: the person's conditions' own
//! cautions, the STarT Back tier's advice, and the signs that mean stop
//! now. Flag actions live in the triage and item or technique cautions on
//! the items and picks, so nothing is said twice.

use std::borrow::Cow;

use super::context::Context;
use super::output::{Caution, Risk, StartBackResult};

/// The plan-wide cautions.
pub(super) fn plan<'c>(
    ctx: &Context<'c>,
    start_back: Option<&StartBackResult>,
) -> Vec<Caution<'c>> {
    let catalog = ctx.catalog;
    let mut out: Vec<Caution<'c>> = Vec::new();
    for c in &ctx.effective {
        let keys = &catalog.refs().condition_caution_keys
            [crate::catalog::position(&catalog.conditions, *c)];
        for text in ctx.cautions_for(&c.cautions, keys) {
            // Two conditions may share a warning (the emergency signs of
            // nerve pressure): said once.
            if !out.iter().any(|o| o.text == text) {
                out.push(Caution {
                    text: Cow::Borrowed(text),
                    from: c.id.as_str(),
                });
            }
        }
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
    // Worded once at load: it names every emergency flag.
    let stop = catalog.refs().stop_caution.as_str();
    if !stop.is_empty() {
        out.push(Caution {
            text: Cow::Borrowed(stop),
            from: "red-flags",
        });
    }
    out
}

/// With no plan: only the signs that mean emergency help, unless the
/// answer already sends the person to an emergency department.
pub(super) fn safety_net<'c>(
    ctx: &Context<'c>,
    level: super::output::TriageLevel,
) -> Vec<Caution<'c>> {
    let emergency = ctx.catalog.refs().emergency_caution.as_str();
    if level == super::output::TriageLevel::Emergency || emergency.is_empty() {
        return Vec::new();
    }
    vec![Caution {
        text: Cow::Borrowed(emergency),
        from: "red-flags",
    }]
}
