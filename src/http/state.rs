//! Shared state: the catalog being served, swappable as a whole on reload,
//! and the metrics.

use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::metrics::Metrics;
use crate::catalog::Catalog;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    catalog: Arc<ArcSwap<Catalog>>,
    /// Request, shedding and reload counters.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// State serving `catalog`.
    pub fn new(catalog: Catalog) -> Self {
        Self {
            catalog: Arc::new(ArcSwap::from_pointee(catalog)),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The catalog now. A request takes this once and keeps it, so a reload
    /// never changes the catalog under a request in flight.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.load_full()
    }

    /// Serves `catalog` from now on; requests in flight finish on the old one.
    pub fn replace(&self, catalog: Catalog) {
        self.catalog.store(Arc::new(catalog));
    }
}

/// The catalog a request runs on, taken once per request: from the caching
/// middleware when it already took it (so the ETag matches the body), else
/// from the state.
#[derive(Debug, Clone)]
pub struct Snapshot(pub Arc<Catalog>);

impl FromRequestParts<AppState> for Snapshot {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Snapshot>()
            .cloned()
            .unwrap_or_else(|| Snapshot(state.catalog())))
    }
}
