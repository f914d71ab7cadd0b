//! Wire types of `/red-flags`: what the API writes for each entry.

use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::{self, Urgency};
use crate::http::schema::Snomed;

/// An escalation rule that names this red flag: a combination of signs
/// that raises the urgency.
#[derive(Debug, Serialize, ToSchema)]
pub struct Escalation {
    /// The escalation rule's id.
    pub rule: String,
    /// Its clauses: each holds when at least `at_least` of its signs are
    /// present (all of them when `at_least` is null); the rule fires when
    /// every clause holds.
    pub when: Vec<Clause>,
    /// Condition ids among the rule's signs.
    pub conditions: Vec<String>,
    /// Other red-flag ids among the rule's signs.
    pub red_flags: Vec<String>,
    /// The youngest age of an age band among the rule's signs, if age matters.
    pub min_age: Option<u8>,
    /// The raised urgency.
    pub urgency: Urgency,
    /// Why the combination is more serious.
    pub reason: String,
    /// What to do when it fires.
    pub action: String,
}

/// One clause of an escalation rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct Clause {
    /// Sign ids: red-flag, condition or age-band ids.
    pub of: Vec<String>,
    /// How many must be present; all of them when null.
    pub at_least: Option<u8>,
}

/// A sign that back pain may have a serious cause.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedFlag {
    /// Stable kebab-case id.
    #[schema(example = "saddle-numbness")]
    pub id: String,
    /// Plain name.
    pub name: String,
    /// The serious cause it may point to.
    #[schema(example = "cauda equina syndrome")]
    pub group: String,
    /// A yes/no question a person can answer about themselves.
    pub question: String,
    /// Urgency on its own.
    pub urgency: Urgency,
    /// What to do, in plain words.
    pub action: String,
    /// Escalation rules that name it: combinations that make it more urgent.
    pub escalation: Vec<Escalation>,
    /// SNOMED CT concepts for this entry, only verified ones; EHR records
    /// coded with them map to it (CDS Hooks). Often empty.
    pub snomed: Vec<Snomed>,
    /// Ids of the sources this entry rests on.
    pub sources: Vec<String>,
}

impl RedFlag {
    /// The wire form of `f`, with the escalation rules of `catalog` that name it.
    pub fn new(catalog: &catalog::Catalog, f: &catalog::RedFlag) -> Self {
        let escalation = catalog
            .escalations
            .iter()
            .filter(|r| r.when.iter().any(|c| c.of.contains(&f.id)))
            .map(|r| {
                let signs = || r.when.iter().flat_map(|c| &c.of).filter(|s| **s != f.id);
                Escalation {
                    rule: r.id.clone(),
                    when: r
                        .when
                        .iter()
                        .map(|c| Clause {
                            of: c.of.clone(),
                            at_least: c.at_least,
                        })
                        .collect(),
                    conditions: signs()
                        .filter(|s| catalog.condition(s).is_some())
                        .cloned()
                        .collect(),
                    red_flags: signs()
                        .filter(|s| catalog.red_flag(s).is_some())
                        .cloned()
                        .collect(),
                    min_age: catalog
                        .policy
                        .age_bands
                        .iter()
                        .filter(|b| signs().any(|s| *s == b.id))
                        .filter_map(|b| b.min_age)
                        .min(),
                    urgency: r.urgency,
                    reason: r.reason.clone(),
                    action: r.action.clone(),
                }
            })
            .collect();
        Self {
            id: f.id.clone(),
            name: f.name.clone(),
            group: f.group.clone(),
            question: f.question.clone(),
            urgency: f.urgency,
            action: f.action.clone(),
            escalation,
            snomed: f.snomed.iter().map(Snomed::from).collect(),
            sources: f.sources.clone(),
        }
    }
}
