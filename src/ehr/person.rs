//! From a chart's record to the engine's person, and whether the chart
//! concerns back pain at all. A chart says nothing of how much it hurts,
//! where else, or what fits the patient's day: the assumptions for those
//! are made here, once, and the card names them.

use super::record::Record;
use crate::catalog::{Catalog, ConditionCategory, Duration, PainArea};
use crate::engine::{Pain, Person, Preferences};

/// The duration assumed when nothing in the record dates the pain:
/// subacute, the middle band, so neither the acute-only massage-first plan
/// nor the chronic plan is chosen on no evidence.
pub const ASSUMED_DURATION: Duration = Duration::Subacute;

/// Whether anything in the record is about back pain: a presentation
/// condition or a red flag, or STarT Back answers.
pub fn concerns_back_pain(catalog: &Catalog, record: &Record) -> bool {
    !record.red_flags.is_empty()
        || record.start_back.is_some()
        || record.conditions.iter().any(|id| {
            catalog
                .condition(id)
                .is_some_and(|c| c.category == ConditionCategory::Presentation)
        })
}

/// Whether the service has something to say about this chart. A
/// patient-view hook fires for every chart opened, so when the record lists
/// conditions and none concerns back pain, silence is right. Without any
/// condition list (no prefetch) the general plan is still worth a card.
pub fn is_relevant(catalog: &Catalog, record: &Record) -> bool {
    !record.has_conditions || concerns_back_pain(catalog, record)
}

/// The engine's person for this record.
pub fn person(record: &Record) -> Person {
    Person {
        pain: Pain {
            duration: record
                .duration
                .as_ref()
                .map_or(ASSUMED_DURATION, |(d, _)| *d),
            // Never in a chart: the engine treats an unknown intensity as
            // severe, so the plan stays gentle.
            intensity: None,
            // The catalog's SNOMED CT concepts are low back pain and its
            // causes; a chart does not say where else it hurts.
            areas: vec![PainArea::LowerBack],
        },
        conditions: record.conditions.clone(),
        red_flags: record.red_flags.clone(),
        age: record.age,
        // Nobody asked the patient: the engine's defaults, which the card
        // states as assumptions.
        preferences: Preferences::default(),
        start_back: record.start_back.as_ref().map(|(answers, _)| *answers),
        last_week: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Bothersomeness, StartBackAnswers};

    fn catalog() -> Catalog {
        Catalog::embedded().expect("embedded content is valid")
    }

    #[test]
    fn a_record_without_dates_or_answers_gets_the_stated_assumptions() {
        let p = person(&Record::default());
        assert_eq!(p.pain.duration, ASSUMED_DURATION);
        assert_eq!(p.pain.intensity, None);
        assert_eq!(p.pain.areas, [PainArea::LowerBack]);
        assert_eq!(
            p.preferences.minutes_per_day,
            Preferences::default().minutes_per_day
        );
        assert!(p.start_back.is_none() && p.last_week.is_none());
    }

    #[test]
    fn the_record_s_duration_age_and_ids_are_kept() {
        let record = Record {
            duration: Some((Duration::Chronic, "from onsetDateTime 2020".into())),
            age: Some(61),
            conditions: vec!["sciatica".into()],
            red_flags: vec!["night-pain".into()],
            ..Record::default()
        };
        let p = person(&record);
        assert_eq!(p.pain.duration, Duration::Chronic);
        assert_eq!(p.age, Some(61));
        assert_eq!(p.conditions, ["sciatica"]);
        assert_eq!(p.red_flags, ["night-pain"]);
    }

    #[test]
    fn relevance_needs_back_pain_only_when_the_record_lists_conditions() {
        let catalog = catalog();
        let presentation = catalog
            .conditions
            .iter()
            .find(|c| c.category == ConditionCategory::Presentation)
            .expect("the content has a kind of back pain");
        let other = catalog
            .conditions
            .iter()
            .find(|c| c.category != ConditionCategory::Presentation)
            .expect("the content has a situation or modifier");
        let with = |conditions: &[&str], has_conditions: bool| Record {
            conditions: conditions.iter().map(|s| (*s).to_owned()).collect(),
            has_conditions,
            ..Record::default()
        };
        assert!(is_relevant(&catalog, &with(&[], false)), "no prefetch");
        assert!(!is_relevant(&catalog, &with(&[], true)), "nothing listed");
        assert!(!is_relevant(&catalog, &with(&[other.id.as_str()], true)));
        assert!(is_relevant(
            &catalog,
            &with(&[presentation.id.as_str()], true)
        ));
        let flagged = Record {
            red_flags: vec!["saddle-numbness".into()],
            ..with(&[], true)
        };
        assert!(is_relevant(&catalog, &flagged));
        let answers = StartBackAnswers {
            leg_pain: false,
            shoulder_or_neck_pain: false,
            walked_short_distances_only: false,
            dressed_slowly: false,
            not_safe_to_be_active: false,
            worrying_thoughts: false,
            pain_terrible_never_better: false,
            no_enjoyment: false,
            bothersomeness: Bothersomeness::Slightly,
        };
        let screened = Record {
            start_back: Some((answers, None)),
            ..with(&[], true)
        };
        assert!(is_relevant(&catalog, &screened));
    }
}
