//! Shared state: the catalog being served, swappable as a whole on reload,
//! and the metrics.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::Serialize;

use super::cds::auth::CdsAuth;
use super::metrics::Metrics;
use super::wire;
use crate::catalog::{Area, Equipment, ExerciseKind, Position};
use crate::catalog::{Catalog, Entity};

/// A catalog with every entity's wire JSON serialised once, when it is
/// loaded: catalog responses only change on reload, so serving them is
/// copying bytes, not converting and serialising per request.
#[derive(Debug)]
pub struct Served {
    catalog: Catalog,
    etag: axum::http::HeaderValue,
    conditions: Vec<Bytes>,
    red_flags: Vec<Bytes>,
    techniques: Vec<Bytes>,
    exercises: Vec<Bytes>,
    /// Every exercise's illustration, drawn once like its JSON.
    illustrations: Vec<Bytes>,
    sources: Vec<Bytes>,
    exercise_pages: PageCache<PageKey>,
}

/// The most bytes of assembled list pages one catalog keeps. Past it,
/// further pages are assembled per request as before; a reload starts a
/// new, empty cache with the new catalog.
const PAGE_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// List pages already assembled for one catalog, by their checked filter
/// and window. A list page is the concatenation of many entities' JSON
/// (37 KB for `area=lower_back`), and copying it together was most of a
/// list request's own work. Only pages that are public anyway are kept:
/// they are marked `Cache-Control: public`, and their keys are closed
/// vocabularies and catalog ids, never free text a person typed.
#[derive(Debug)]
pub struct PageCache<K> {
    pages: Mutex<(HashMap<K, Bytes>, usize)>,
}

impl<K> Default for PageCache<K> {
    fn default() -> Self {
        Self {
            pages: Mutex::new((HashMap::new(), 0)),
        }
    }
}

impl<K: Hash + Eq> PageCache<K> {
    /// The page kept for `key`, if any.
    pub fn get(&self, key: &K) -> Option<Bytes> {
        // A panic elsewhere cannot leave the map half-written: insert is
        // one call, so a poisoned lock's data is still sound.
        let pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        pages.0.get(key).cloned()
    }

    /// Keeps `page` for `key`, unless that would pass the byte budget.
    pub fn insert(&self, key: K, page: &Bytes) {
        let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        let (map, bytes) = &mut *pages;
        if *bytes + page.len() <= PAGE_CACHE_BYTES && !map.contains_key(&key) {
            *bytes += page.len();
            map.insert(key, page.clone());
        }
    }
}

/// `value`'s JSON, to keep for the catalog's lifetime: shrunk to its length,
/// since the serialiser reserves room for a large answer.
fn kept<T: Serialize>(value: &T) -> Bytes {
    let mut body = super::serialise::to_vec(value);
    body.shrink_to_fit();
    Bytes::from(body)
}

fn serialise<'a, T: 'a, W: Serialize + From<&'a T>>(items: &'a [T]) -> Vec<Bytes> {
    items.iter().map(|item| kept(&W::from(item))).collect()
}

/// The JSON of the entity with `id`, found by binary search over the
/// id-sorted catalog list that `json` parallels.
fn lookup<'a, T: Entity>(items: &[T], json: &'a [Bytes], id: &str) -> Option<&'a Bytes> {
    items
        .binary_search_by(|item| item.id().cmp(id))
        .ok()
        .map(|i| &json[i])
}

impl Served {
    /// Serialises every entity of `catalog`.
    pub fn new(catalog: Catalog) -> Self {
        Self {
            etag: super::caching::etag(&catalog.version),
            conditions: serialise::<_, wire::conditions::Condition>(&catalog.conditions),
            red_flags: catalog
                .red_flags
                .iter()
                .map(|f| kept(&wire::red_flags::RedFlag::new(&catalog, f)))
                .collect(),
            techniques: serialise::<_, wire::techniques::Technique>(&catalog.techniques),
            exercises: serialise::<_, wire::exercises::Exercise>(&catalog.exercises),
            illustrations: catalog
                .exercises
                .iter()
                .map(|e| Bytes::from(crate::illustration::svg(e)))
                .collect(),
            sources: serialise::<_, wire::sources::Source>(&catalog.sources),
            exercise_pages: PageCache::default(),
            catalog,
        }
    }

    /// The catalog these bytes were serialised from.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The ETag of every catalog response: the catalog version, quoted.
    pub fn etag(&self) -> &axum::http::HeaderValue {
        &self.etag
    }

    /// Every condition's JSON, in id order.
    pub fn conditions_json(&self) -> &[Bytes] {
        &self.conditions
    }
    /// Every red flag's JSON, in id order.
    pub fn red_flags_json(&self) -> &[Bytes] {
        &self.red_flags
    }
    /// Every source's JSON, in id order.
    pub fn sources_json(&self) -> &[Bytes] {
        &self.sources
    }
    /// One condition's JSON.
    pub fn condition_json(&self, id: &str) -> Option<&Bytes> {
        lookup(&self.catalog.conditions, &self.conditions, id)
    }
    /// One red flag's JSON.
    pub fn red_flag_json(&self, id: &str) -> Option<&Bytes> {
        lookup(&self.catalog.red_flags, &self.red_flags, id)
    }
    /// One technique's JSON.
    pub fn technique_json(&self, id: &str) -> Option<&Bytes> {
        lookup(&self.catalog.techniques, &self.techniques, id)
    }
    /// One exercise's JSON.
    pub fn exercise_json(&self, id: &str) -> Option<&Bytes> {
        lookup(&self.catalog.exercises, &self.exercises, id)
    }
    /// One exercise's illustration (SVG).
    pub fn illustration_svg(&self, id: &str) -> Option<&Bytes> {
        lookup(&self.catalog.exercises, &self.illustrations, id)
    }
    /// The JSON of an exercise taken from this catalog (no search by id).
    pub fn json_of_exercise(&self, exercise: &crate::catalog::Exercise) -> &Bytes {
        &self.exercises[crate::catalog::position(&self.catalog.exercises, exercise)]
    }
    /// Exercise list pages assembled so far for this catalog.
    pub fn exercise_pages(&self) -> &PageCache<PageKey> {
        &self.exercise_pages
    }
    /// One source's JSON.
    pub fn source_json(&self, id: &str) -> Option<&Bytes> {
        lookup(&self.catalog.sources, &self.sources, id)
    }
}

/// Per-deployment request settings handlers need. They live in the state,
/// not in request extensions, because an extension layer costs an insert
/// into every request's extension map.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest JSON body, in bytes.
    pub body_limit: usize,
    /// The public base URL for absolute links in CDS cards.
    pub public_url: Option<String>,
    /// How CDS Hooks calls are authenticated.
    pub cds_auth: Arc<CdsAuth>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_limit: super::BODY_LIMIT,
            public_url: None,
            cds_auth: Arc::default(),
        }
    }
}

/// What every handler can reach. axum clones the state for every request,
/// so it is one reference count behind which everything lives.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    /// Shared with the admin listener's state, so a reload reaches both.
    catalog: Arc<ArcSwap<Served>>,
    metrics: Arc<Metrics>,
    limits: Limits,
    /// Set once the service is stopping: `/readyz` then answers 503.
    draining: Arc<AtomicBool>,
}

impl AppState {
    /// State serving `catalog`.
    pub fn new(catalog: Catalog) -> Self {
        Self(Arc::new(Shared {
            catalog: Arc::new(ArcSwap::from_pointee(Served::new(catalog))),
            metrics: Arc::new(Metrics::default()),
            limits: Limits::default(),
            draining: Arc::new(AtomicBool::new(false)),
        }))
    }

    /// The same catalog and metrics with these request settings.
    pub fn with_limits(&self, limits: Limits) -> Self {
        Self(Arc::new(Shared {
            catalog: self.0.catalog.clone(),
            metrics: self.0.metrics.clone(),
            limits,
            draining: self.0.draining.clone(),
        }))
    }

    /// The request settings.
    pub fn limits(&self) -> &Limits {
        &self.0.limits
    }

    /// Marks the service as stopping, for every clone of this state.
    pub fn set_draining(&self) {
        self.0.draining.store(true, Ordering::Relaxed);
    }

    /// Whether the service is stopping.
    pub fn is_draining(&self) -> bool {
        self.0.draining.load(Ordering::Relaxed)
    }

    /// Request, shedding, reload and CDS counters.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// The catalog now. A request takes this once and keeps it, so a reload
    /// never changes the catalog under a request in flight.
    pub fn catalog(&self) -> Arc<Served> {
        self.0.catalog.load_full()
    }

    /// Serves `catalog` from now on; requests in flight finish on the old one.
    pub fn replace(&self, catalog: Catalog) {
        self.0.catalog.store(Arc::new(Served::new(catalog)));
    }
}

/// The catalog a request runs on, taken once per request: from the caching
/// middleware when it already took it (so the ETag matches the body), else
/// from the state.
#[derive(Debug, Clone)]
pub struct Snapshot(pub Arc<Served>);

impl FromRequestParts<AppState> for Snapshot {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        _parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Snapshot(state.catalog()))
    }
}

/// A checked exercise list query without free text: what a cached page is
/// kept under (the condition as its catalog position).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    /// The condition filter, as a catalog position.
    pub(super) condition: Option<usize>,
    /// The area filter.
    pub(super) area: Option<Area>,
    /// The equipment filter.
    pub(super) equipment: Option<Equipment>,
    /// The position filter.
    pub(super) position: Option<Position>,
    /// The kind filter.
    pub(super) kind: Option<ExerciseKind>,
    /// The pregnancy filter.
    pub(super) pregnancy_safe: Option<bool>,
    /// The page size.
    pub(super) limit: usize,
    /// The items skipped.
    pub(super) offset: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::{conditions, exercises, sources, techniques};

    /// `serde_json`'s bytes for every item, to hold the kept bytes against.
    fn reference<'a, T: 'a, W: Serialize + From<&'a T>>(items: &'a [T]) -> Vec<Vec<u8>> {
        items
            .iter()
            .map(|item| serde_json::to_vec(&W::from(item)).expect("serialises"))
            .collect()
    }

    fn assert_same(kind: &str, kept: &[Bytes], reference: &[Vec<u8>]) {
        assert_eq!(kept.len(), reference.len(), "{kind}: one body per entity");
        for (kept, reference) in kept.iter().zip(reference) {
            assert_eq!(
                kept.as_ref(),
                reference.as_slice(),
                "{kind}: sonic-rs and serde_json disagree on {}",
                String::from_utf8_lossy(reference)
            );
        }
    }

    /// For every entity of the embedded content, the bytes kept and served
    /// are byte for byte what `serde_json` writes: the serialiser is a
    /// speed choice, never a change a client or cache could see.
    #[test]
    fn every_embedded_entity_is_serialised_as_serde_json_would() {
        let served = Served::new(Catalog::embedded().expect("embedded content is valid"));
        let catalog = served.catalog();
        assert_same(
            "conditions",
            &served.conditions,
            &reference::<_, conditions::Condition>(&catalog.conditions),
        );
        let red_flags: Vec<Vec<u8>> = catalog
            .red_flags
            .iter()
            .map(|f| serde_json::to_vec(&wire::red_flags::RedFlag::new(catalog, f)).unwrap())
            .collect();
        assert_same("red flags", &served.red_flags, &red_flags);
        assert_same(
            "techniques",
            &served.techniques,
            &reference::<_, techniques::Technique>(&catalog.techniques),
        );
        assert_same(
            "exercises",
            &served.exercises,
            &reference::<_, exercises::Exercise>(&catalog.exercises),
        );
        assert_same(
            "sources",
            &served.sources,
            &reference::<_, sources::Source>(&catalog.sources),
        );
    }
}
