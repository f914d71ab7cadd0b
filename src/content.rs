//! Where the served catalog comes from: the embedded copy or a directory,
//! checked against what the engine needs, and reloaded safely while serving.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::catalog::{Catalog, Found, LoadError, Problem, find_files};
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
            let previous = state.catalog().catalog().version.clone();
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

/// What the loader would read under `dir`: each content file's resolved
/// path, size and modification time, and the entries it would refuse. A
/// ConfigMap update swaps the `..data` link, which changes every resolved
/// path; the walk is the loader's own, so it skips `..` entries and
/// neither recurses nor follows links out of `dir` (a link loop cannot
/// make it spin).
fn stamp(dir: &Path) -> Option<(Vec<Found>, Vec<Problem>)> {
    find_files(dir).ok()
}

/// Starts a thread that reloads whenever the content under `dir` changes,
/// checking every `every`. It is a thread of its own, not a task: walking
/// the directory and loading the catalog block, and would hold up requests
/// on the async runtime's few threads.
pub fn watch(
    state: AppState,
    dir: PathBuf,
    every: Duration,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    // Stamped before the thread starts, so a change made right after this
    // call is seen as a change.
    let mut last = stamp(&dir);
    std::thread::Builder::new()
        .name("content-watch".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                let now = stamp(&dir);
                if now != last {
                    last = now;
                    tracing::info!("content changed on disk; reloading");
                    let _ = reload(&state, &dir);
                }
            }
        })
}
