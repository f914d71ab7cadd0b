//! Choosing massage, self-massage and adjunct techniques, and saying why the
//! others are left out.

use crate::catalog::{MassageRole, Modality, Pressure, Technique, TechniqueStatus, position};

use super::context::{Context, Exclusion, names_of};
use super::explanation::{m, say_at};
use super::input::MassageAccess;
use super::output::{Avoided, SessionMinutes, TechniquePick};

/// Why `t` cannot be used by this person, with the ids that rule it out.
pub(super) fn exclusion<'c>(ctx: &Context<'c>, t: &Technique) -> Option<Exclusion<'c>> {
    let catalog = ctx.catalog;
    if t.status == TechniqueStatus::NotRecommended {
        // Said only where the person's situation brings it up, or they
        // asked: repeating the do-not-offer list in every answer buries
        // what matters to this person.
        let sought: Vec<&'c str> = ctx
            .effective
            .iter()
            .filter(|c| t.sought_for.contains(&c.id))
            .map(|c| c.id.as_str())
            .collect();
        let asked = ctx.person.preferences.asked_about.contains(&t.id);
        return Some(if asked || !sought.is_empty() {
            let reason = t.status_reason.as_deref().unwrap_or_default();
            let text = say_at(catalog, m!("reason.not_recommended"), &[("reason", reason)]);
            Exclusion::listed(text, sought)
        } else {
            Exclusion::quiet()
        });
    }
    let i = position(&catalog.techniques, t);
    let refs = catalog.refs();
    if let Some((id, name)) = ctx.avoided_by(
        &refs.technique_avoid_conditions[i],
        &refs.technique_avoid_flags[i],
    ) {
        return Some(Exclusion::listed(
            say_at(catalog, m!("reason.not_safe_with"), &[("name", name)]),
            vec![id],
        ));
    }
    let hands_on = matches!(t.modality, Modality::Massage | Modality::SelfMassage);
    if !hands_on {
        return None;
    }
    if let Some(b) = &ctx.limits.massage_excluded {
        let args = [
            ("name", b.name.as_ref()),
            ("reason", b.reason.unwrap_or_default()),
        ];
        let ids = if b.id.is_empty() { vec![] } else { vec![b.id] };
        return Some(Exclusion::listed(
            say_at(catalog, m!("reason.no_massage_with"), &args),
            ids,
        ));
    }
    match (ctx.person.preferences.massage_access, t.modality) {
        (MassageAccess::NoAccess, _) => {
            return Some(Exclusion::quiet());
        }
        (MassageAccess::SelfOnly, Modality::Massage) => {
            return Some(Exclusion::quiet());
        }
        _ => {}
    }
    if let Some(p) = t.pressure
        && p > ctx.limits.max_pressure
    {
        let because = names_of(&ctx.limits.pressure_by, catalog.msg(m!("names.and")));
        let args = [
            ("pressure", p.as_str()),
            ("because", because.as_str()),
            ("max", ctx.limits.max_pressure.as_str()),
        ];
        return Some(Exclusion::listed(
            say_at(catalog, m!("reason.pressure"), &args),
            ctx.limits.pressure_ids(),
        ));
    }
    ctx.missing(&t.equipment)
}

/// How well `t` suits the person: matching `best_for` conditions count most;
/// lighter pressure breaks ties because it is the cautious choice.
fn rank(ctx: &Context<'_>, t: &Technique) -> (usize, u8) {
    let best_for = &ctx.catalog.refs().technique_best_for_set[position(&ctx.catalog.techniques, t)];
    let matches = ctx.effective_set.overlap(best_for);
    let lightness = 3 - t.pressure.map_or(0, |p| p as u8);
    (matches, lightness)
}

fn pick<'c>(ctx: &Context<'c>, t: &'c Technique, lighter: bool) -> TechniquePick<'c> {
    let catalog = ctx.catalog;
    let at = position(&catalog.techniques, t);
    let mut reason = if lighter {
        catalog.msg(m!("pick.lighter")).to_owned()
    } else if ctx
        .effective_set
        .overlap(&catalog.refs().technique_best_for_set[at])
        == 0
    {
        catalog.msg(m!("pick.general")).to_owned()
    } else {
        let matched = ctx.effective_names(&catalog.refs().technique_best_for[at]);
        say_at(catalog, m!("pick.suits"), &[("conditions", &matched)])
    };
    if let Some(p) = t.pressure {
        reason.push(' ');
        if p == ctx.limits.max_pressure && p < Pressure::Firm {
            let because = names_of(&ctx.limits.pressure_by, catalog.msg(m!("names.and")));
            let at = if t.modality == Modality::SelfMassage {
                m!("pick.pressure_capped_self")
            } else {
                m!("pick.pressure_capped")
            };
            reason.push_str(&say_at(
                catalog,
                at,
                &[("pressure", p.as_str()), ("because", &because)],
            ));
        } else if t.modality == Modality::SelfMassage {
            reason.push_str(&say_at(
                catalog,
                m!("pick.pressure_self"),
                &[("pressure", p.as_str())],
            ));
        } else {
            reason.push_str(&say_at(
                catalog,
                m!("pick.pressure"),
                &[("pressure", p.as_str())],
            ));
        }
    }
    // A condition's own rhythm (desk workers: every 2-4 weeks) beats the
    // technique's generic frequency for professional massage; that of a
    // condition where massage may only support (low mood) comes first.
    let rhythm = |supporting: bool| {
        ctx.effective
            .iter()
            .filter(|c| (c.modifiers.massage == MassageRole::SupportingOnly) == supporting)
            .find_map(|c| c.modifiers.massage_frequency.as_deref())
    };
    let frequency = match (t.modality, rhythm(true).or_else(|| rhythm(false))) {
        (Modality::Massage, Some(f)) => f.to_owned(),
        _ => t.frequency.clone(),
    };
    TechniquePick {
        technique_id: t.id.as_str(),
        name: t.name.as_str(),
        pressure: t.pressure,
        frequency,
        reason,
        cautions: ctx.cautions_for(
            &t.cautions,
            &catalog.refs().technique_caution_keys[position(&catalog.techniques, t)],
        ),
        session_minutes: SessionMinutes {
            min: t.session_minutes.min,
            max: t.session_minutes.max,
        },
    }
}

/// The usable techniques of `modality`, best first.
fn usable<'c>(ctx: &Context<'c>, modality: Modality) -> Vec<&'c Technique> {
    let mut found: Vec<((usize, u8), &Technique)> = ctx
        .catalog
        .techniques
        .iter()
        .zip(&ctx.technique_exclusions)
        .filter(|(t, excluded)| t.modality == modality && excluded.is_none())
        .map(|(t, _)| (rank(ctx, t), t))
        .collect();
    // Stable sort: id order among equals.
    found.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
    found.into_iter().map(|(_, t)| t).collect()
}

/// The massage chosen for a person.
pub(super) struct Chosen<'c> {
    /// Hands-on techniques, best first.
    pub(super) hands_on: Vec<&'c Technique>,
    /// A lighter hands-on technique added because the others are firm or
    /// none suited within the caps.
    pub(super) lighter: Option<&'c Technique>,
    /// Self-massage techniques.
    pub(super) self_massage: Vec<&'c Technique>,
}

impl<'c> Chosen<'c> {
    /// Whether nothing was chosen.
    pub(super) fn is_empty(&self) -> bool {
        self.hands_on.is_empty() && self.lighter.is_none() && self.self_massage.is_empty()
    }
}

/// The hands-on and self-massage techniques to pick (either may be empty).
pub(super) fn choose<'c>(ctx: &Context<'c>) -> Chosen<'c> {
    let max = usize::from(ctx.catalog.policy.limits.max_massage_picks);
    // Only techniques that suit one of the person's conditions: a technique
    // made for one group (prenatal massage) must not reach another.
    let hands_on: Vec<&Technique> = usable(ctx, Modality::Massage)
        .into_iter()
        .filter(|t| rank(ctx, t).0 > 0)
        .take(max)
        .collect();
    // Firm pressure is never the whole of the massage: when every pick is
    // firm, or the caps left none, a light, general technique is offered.
    let all_firm = hands_on.iter().all(|t| t.pressure == Some(Pressure::Firm));
    let lighter =
        if all_firm && ctx.person.preferences.massage_access == MassageAccess::Professional {
            ctx.catalog
                .policy
                .gentle_massage
                .iter()
                .filter_map(|id| ctx.technique(id))
                .find(|t| ctx.technique_exclusions[position(&ctx.catalog.techniques, *t)].is_none())
        } else {
            None
        };
    // Self-massage only where a condition calls for it, or where it is the
    // only massage the person can get.
    let only_self = ctx.person.preferences.massage_access == MassageAccess::SelfOnly;
    let self_massage = usable(ctx, Modality::SelfMassage)
        .into_iter()
        .filter(|t| only_self || rank(ctx, t).0 > 0)
        .take(max)
        .collect();
    Chosen {
        hands_on,
        lighter,
        self_massage,
    }
}

/// Adjuncts (heat, cold, relaxation) that suit one of the person's
/// conditions, or that a flag's action suggests (a cold pack for an
/// inflamed flare).
pub(super) fn adjuncts<'c>(ctx: &Context<'c>) -> Vec<&'c Technique> {
    usable(ctx, Modality::Adjunct)
        .into_iter()
        .filter(|t| {
            rank(ctx, t).0 > 0
                || ctx
                    .flags
                    .iter()
                    .any(|f| f.modifiers.adjuncts.contains(&t.id))
                || ctx.risk.is_some_and(|r| {
                    ctx.catalog
                        .policy
                        .risk_adjuncts
                        .get(&r)
                        .is_some_and(|ids| ids.contains(&t.id))
                })
        })
        .collect()
}

/// Each technique as a pick, with pressure, frequency, reason and cautions.
pub(super) fn picks<'c>(ctx: &Context<'c>, techniques: &[&'c Technique]) -> Vec<TechniquePick<'c>> {
    techniques.iter().map(|t| pick(ctx, t, false)).collect()
}

/// The hands-on picks, the lighter one last.
pub(super) fn hands_on_picks<'c>(ctx: &Context<'c>, chosen: &Chosen<'c>) -> Vec<TechniquePick<'c>> {
    let mut out = picks(ctx, &chosen.hands_on);
    // Beside firm picks it is the lighter option; alone it is the gentle,
    // general one.
    let beside_firm = !chosen.hands_on.is_empty();
    out.extend(chosen.lighter.map(|t| pick(ctx, t, beside_firm)));
    out
}

/// Every technique this person would expect to hear is left out, with
/// the reason.
pub(super) fn avoided<'c>(ctx: &mut Context<'c>) -> Vec<Avoided<'c>> {
    // The last use of the cache: take it rather than copy every reason.
    let exclusions = std::mem::take(&mut ctx.technique_exclusions);
    ctx.catalog
        .techniques
        .iter()
        .zip(exclusions)
        .filter_map(|(t, excluded)| {
            excluded.filter(|x| x.listed).map(|x| Avoided {
                kind: "technique",
                id: t.id.as_str(),
                name: t.name.as_str(),
                reason: x.reason,
                because: x.because,
            })
        })
        .collect()
}
