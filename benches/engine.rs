//! `cargo bench --bench engine`: one recommendation, typical and worst case,
//! through the engine alone (no HTTP, no JSON).
#![expect(
    missing_docs,
    reason = "criterion_group! generates an undocumented public function"
)]

use backcare::catalog::{Catalog, Equipment};
use backcare::engine::{
    Duration, Goal, MassageAccess, Pain, PainArea, Person, Preferences, recommend,
};
use criterion::{Criterion, black_box, criterion_group, criterion_main};

// The same allocator as the service binary, so the figures are the service's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn typical() -> Person {
    Person {
        pain: Pain {
            duration: Duration::Chronic,
            intensity: 4,
            areas: vec![PainArea::LowerBack, PainArea::Hips],
        },
        conditions: vec!["poor-posture".into(), "prolonged-sitting".into()],
        red_flags: vec![],
        age: Some(38),
        preferences: Preferences {
            minutes_per_day: 15,
            equipment: vec![Equipment::Chair],
            ..Preferences::default()
        },
        start_back: None,
    }
}

/// Every condition that does not exclude the rest, a see-a-clinician flag,
/// all equipment and a long budget: the most candidates to filter and rank.
fn worst_case(catalog: &Catalog) -> Person {
    Person {
        pain: Pain {
            duration: Duration::Subacute,
            intensity: 5,
            areas: PainArea::ALL.to_vec(),
        },
        conditions: catalog.conditions.iter().map(|c| c.id.clone()).collect(),
        red_flags: vec!["night-pain".into(), "leg-numbness".into()],
        age: Some(60),
        preferences: Preferences {
            minutes_per_day: 120,
            equipment: Equipment::ALL.to_vec(),
            avoid_positions: vec![],
            massage_access: MassageAccess::Professional,
            goal: Goal::Both,
        },
        start_back: None,
    }
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::embedded().expect("embedded content is valid");
    let typical = typical();
    let worst = worst_case(&catalog);
    c.bench_function("recommend/typical", |b| {
        b.iter(|| recommend(black_box(&catalog), black_box(&typical)))
    });
    c.bench_function("recommend/worst_case", |b| {
        b.iter(|| recommend(black_box(&catalog), black_box(&worst)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
