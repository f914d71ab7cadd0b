//! Embeds every content file into the binary, so `cargo run --release` serves
//! the full catalog with nothing beside it. Generated code is a sorted table of
//! `(relative path, include_str!)` pairs; sorting keeps the build reproducible.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let content = root.join("content");
    println!("cargo:rerun-if-changed=content");

    let mut files = Vec::new();
    collect(&content, &content, &mut files);
    files.sort();

    let out =
        PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_content.rs");
    let mut code = String::from(
        "/// Content files embedded at build time: (path relative to `content/`, text).\n",
    );
    code.push_str("pub(crate) static EMBEDDED: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        code.push_str(&format!("    ({rel:?}, include_str!({abs:?})),\n"));
    }
    code.push_str("];\n");
    fs::File::create(out)
        .and_then(|mut f| f.write_all(code.as_bytes()))
        .expect("write embedded content table");
}

/// Collects `<kind>/<file>.json` below `content/`; other files (README and the
/// like) are authoring notes, not content.
fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, files);
        } else if path.extension().is_some_and(|e| e == "json") {
            let rel = path
                .strip_prefix(base)
                .expect("walked below base")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, path.to_string_lossy().into_owned()));
        }
    }
}
