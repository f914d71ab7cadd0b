//! Where the served catalog comes from: the embedded copy or a directory,
//! checked against what the engine needs, and reloaded safely while serving.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::catalog::{Catalog, LoadError, Problem};
use crate::http::AppState;

/// Loads the catalog from `dir`, or the embedded one, and checks that the
/// engine finds every source and condition it relies on.
pub fn load(dir: Option<&Path>) -> Result<Catalog, LoadError> {
    let catalog = match dir {
        Some(dir) => Catalog::from_dir(dir)?,
        None => Catalog::embedded()?,
    };
    let missing = crate::engine::check_catalog(&catalog);
    if missing.is_empty() {
        return Ok(catalog);
    }
    Err(LoadError::Invalid(
        missing
            .into_iter()
            .map(|message| Problem {
                file: "(engine)".to_owned(),
                field: String::new(),
                message,
            })
            .collect(),
    ))
}

/// Loads `dir` and swaps it in if it is valid; otherwise keeps serving the
/// current catalog, logs every problem and counts the failure. Requests in
/// flight finish on the catalog they started with.
pub fn reload(state: &AppState, dir: &Path) -> Result<String, LoadError> {
    match load(Some(dir)) {
        Ok(catalog) => {
            let version = catalog.version.clone();
            let previous = state.catalog().version.clone();
            state.replace(catalog);
            state.metrics().reload(true);
            tracing::info!(%previous, %version, "content reloaded");
            Ok(version)
        }
        Err(err) => {
            state.metrics().reload(false);
            match &err {
                LoadError::Invalid(problems) => {
                    for problem in problems {
                        tracing::error!(%problem, "content problem");
                    }
                    tracing::error!(
                        problems = problems.len(),
                        "reload refused; still serving the previous content"
                    );
                }
                LoadError::Io { .. } => {
                    tracing::error!(%err, "reload refused; still serving the previous content")
                }
            }
            Err(err)
        }
    }
}

/// A cheap fingerprint of a directory tree: paths, sizes and modification
/// times. Polling it works the same on every platform and in containers
/// where ConfigMap updates swap symlinks.
fn stamp(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // `metadata` follows symlinks, so a swapped ConfigMap link shows.
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(path);
            } else {
                out.push((
                    path,
                    meta.len(),
                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Reloads whenever the files under `dir` change, checking every `every`.
pub async fn watch(state: AppState, dir: PathBuf, every: Duration) {
    let mut last = stamp(&dir);
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let now = stamp(&dir);
        if now != last {
            last = now;
            tracing::info!("content changed on disk; reloading");
            let _ = reload(&state, &dir);
        }
    }
}
