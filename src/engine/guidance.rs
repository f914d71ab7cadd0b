//! What goes beside the exercises: the daily walking goal (NICE: encourage
//! normal activity) and a few short educational messages chosen for the
//! person's situation and STarT Back tier (selfBACK's weekly messages).

use crate::catalog::{Education, position};

use super::context::{Context, join_words};
use super::explanation::{m, r};
use super::output::{ActivityPlan, EducationItem};

/// The first activity goal that fits the pain's duration and severity;
/// unrecorded pain counts as severe, the gentler choice.
pub(super) fn activity<'c>(ctx: &mut Context<'c>) -> Option<ActivityPlan<'c>> {
    let catalog = ctx.catalog;
    let pain = &ctx.person.pain;
    let severe = pain
        .intensity
        .is_none_or(|i| i >= catalog.policy.limits.severe_pain);
    let goal = catalog.activity.goals.iter().find(|g| {
        (g.when.durations.is_empty() || g.when.durations.contains(&pain.duration))
            && g.when.severe_pain.is_none_or(|s| s == severe)
    })?;
    let minutes = goal.daily_goal_minutes.to_string();
    let sources = catalog.refs().activity_sources[position(&catalog.activity.goals, goal)].clone();
    ctx.fire(r!("activity"), &[("minutes", &minutes)], vec![], sources);
    Some(ActivityPlan {
        id: goal.id.as_str(),
        title: goal.title.as_str(),
        daily_goal_minutes: goal.daily_goal_minutes,
        goal: goal.goal.as_str(),
        why: goal.why.as_str(),
        // Pain up since last week: walking holds, it does not build.
        progress: if super::progression::pain_worse(ctx) {
            catalog.msg(m!("activity.hold"))
        } else {
            goal.progress.as_str()
        },
        on_a_bad_day: goal.on_a_bad_day.as_str(),
        source_ids: &goal.sources,
    })
}

/// Whether `m` is for this person: every list it names must match.
fn for_person(ctx: &Context<'_>, m: &Education) -> bool {
    let a = &m.audience;
    (a.durations.is_empty() || a.durations.contains(&ctx.person.pain.duration))
        && (a.risks.is_empty() || ctx.risk.is_some_and(|r| a.risks.contains(&r)))
        && (a.conditions.is_empty() || a.conditions.iter().any(|c| ctx.has_condition(c)))
}

/// The messages for this person, highest priority first, at most the
/// policy's number.
pub(super) fn education<'c>(ctx: &mut Context<'c>) -> Vec<EducationItem<'c>> {
    let catalog = ctx.catalog;
    let mut chosen: Vec<&Education> = catalog
        .education
        .iter()
        .filter(|m| for_person(ctx, m))
        .collect();
    // Stable: id order among equal priorities.
    chosen.sort_by_key(|m| std::cmp::Reverse(m.priority));
    chosen.truncate(usize::from(catalog.policy.limits.max_education));
    if chosen.is_empty() {
        return Vec::new();
    }
    let ids = chosen.iter().map(|m| m.id.as_str()).collect();
    let refs = catalog.refs();
    let at = |m: &Education| position(&catalog.education, m);
    let sources = chosen
        .iter()
        .flat_map(|m| &refs.education_sources[at(m)])
        .copied()
        .collect();
    let titles = join_words(
        chosen
            .iter()
            .map(|m| refs.education_quoted_titles[at(m)].as_str()),
        catalog.msg(m!("names.and")),
    );
    ctx.fire(r!("education"), &[("titles", &titles)], ids, sources);
    chosen
        .into_iter()
        .map(|m| EducationItem {
            id: m.id.as_str(),
            theme: m.theme,
            title: m.title.as_str(),
            text: m.text.as_str(),
            source_ids: &m.sources,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::engine::input::{Duration, Pain, PainArea, Person, Preferences};
    use crate::engine::output::Risk;

    fn ids_for(duration: Duration, risk: Option<Risk>, conditions: &[&str]) -> Vec<String> {
        let catalog = Catalog::embedded().expect("embedded content is valid");
        let person = Person {
            pain: Pain {
                duration,
                intensity: Some(4),
                areas: vec![PainArea::LowerBack],
            },
            conditions: conditions.iter().map(|s| (*s).to_owned()).collect(),
            red_flags: vec![],
            age: None,
            preferences: Preferences::default(),
            start_back: None,
            last_week: None,
        };
        let mut ctx = Context::new(&catalog, &person);
        ctx.risk = risk;
        education(&mut ctx)
            .iter()
            .map(|m| m.id.to_owned())
            .collect()
    }

    #[test]
    fn messages_follow_the_tier_and_the_conditions() {
        let high = ids_for(Duration::Chronic, Some(Risk::High), &[]);
        let low = ids_for(Duration::Chronic, Some(Risk::Low), &[]);
        let catalog = Catalog::embedded().unwrap();
        let theme_of = |id: &str| {
            catalog
                .education
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.theme)
        };
        assert!(
            high.iter().any(
                |id| theme_of(id) == Some(crate::catalog::Theme::StressAndMood)
                    || theme_of(id) == Some(crate::catalog::Theme::HurtIsNotHarm)
            ),
            "{high:?}"
        );
        assert_ne!(high, low);
        assert!(high.len() <= usize::from(catalog.policy.limits.max_education));
        // The message on when to get help suits everyone and leads.
        assert_eq!(
            ids_for(Duration::Acute, None, &[])
                .first()
                .map(String::as_str),
            Some("when-to-get-help")
        );
        // Pain of months is not told to see a doctor if it lasts a month.
        let chronic = ids_for(Duration::Chronic, None, &[]);
        assert_eq!(
            chronic.first().map(String::as_str),
            Some("when-to-get-help-lasting")
        );
        for id in &chronic {
            let m = catalog.education.iter().find(|m| &m.id == id).unwrap();
            assert!(!m.text.contains("after a month"), "{id}: {}", m.text);
        }
    }
}
