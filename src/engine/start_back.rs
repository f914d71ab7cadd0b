//! STarT Back Screening Tool scoring (Keele University): total of items 1-9,
//! psychosocial subscale of items 5-9, and the risk tier.

use crate::catalog::Catalog;

use super::input::{Bothersomeness, StartBackAnswers};
use super::output::{Risk, StartBackResult};

/// Scores the answers. Total <= 3 is low risk; a psychosocial score >= 4 is
/// high; anything else is medium. The pathway is worded in the policy's
/// messages.
pub fn score(catalog: &Catalog, a: &StartBackAnswers) -> StartBackResult {
    let bothered = matches!(
        a.bothersomeness,
        Bothersomeness::VeryMuch | Bothersomeness::Extremely
    );
    let psychosocial = [
        a.not_safe_to_be_active,
        a.worrying_thoughts,
        a.pain_terrible_never_better,
        a.no_enjoyment,
        bothered,
    ]
    .iter()
    .filter(|&&x| x)
    .count() as u8;
    let physical = [
        a.leg_pain,
        a.shoulder_or_neck_pain,
        a.walked_short_distances_only,
        a.dressed_slowly,
    ]
    .iter()
    .filter(|&&x| x)
    .count() as u8;
    let score = physical + psychosocial;
    let risk = if score <= 3 {
        Risk::Low
    } else if psychosocial >= 4 {
        Risk::High
    } else {
        Risk::Medium
    };
    let pathway = catalog.message(&format!("start_back.pathway.{}", risk.as_str()));
    StartBackResult {
        score,
        psychosocial_score: psychosocial,
        risk,
        pathway: pathway.to_owned(),
    }
}
