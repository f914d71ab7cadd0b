//! What to watch for across the plan: the person's conditions' own
//! cautions, the STarT Back tier's advice, and the signs that mean stop
//! now. Flag actions live in the triage and item or technique cautions on
//! the items and picks, so nothing is said twice.

use std::borrow::Cow;

use super::context::Context;
use super::explanation::{m, say_at};
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
    // The emergency flags' names are joined once at load.
    let emergencies = &catalog.refs().emergency_names;
    if !emergencies.is_empty() {
        out.push(Caution {
            text: say_at(
                catalog,
                m!("cautions.stop"),
                &[("emergencies", emergencies)],
            )
            .into(),
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
    let emergencies = &ctx.catalog.refs().emergency_names;
    if level == super::output::TriageLevel::Emergency || emergencies.is_empty() {
        return Vec::new();
    }
    vec![Caution {
        text: say_at(
            ctx.catalog,
            m!("cautions.emergency"),
            &[("emergencies", emergencies)],
        )
        .into(),
        from: "red-flags",
    }]
}
