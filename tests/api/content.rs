//! The content: the real catalog through the real loader, and broken
//! directories each reported with file and field.

use std::path::Path;

use backcare::catalog::{Catalog, LoadError, Problem};

use crate::helpers::{TestApp, fixture_copy, repo_root};

/// The ids clients, the engine and the tests rely on (issue: content catalog).
const REQUIRED: [(&str, usize, &[&str]); 5] = [
    (
        "sources",
        10,
        &[
            "seed-massage-vs-stretching",
            "seed-massage-pros-cons",
            "seed-massage-chronic-back-pain",
            "seed-best-stretches",
            "nice-ng59",
            "acp-2017",
            "furlan-2015-cochrane",
            "hayden-2021-cochrane",
            "start-back-keele",
            "cochrane-pregnancy-2015",
        ],
    ),
    (
        "conditions",
        22,
        &[
            "muscle-spasm",
            "chronic-stiffness",
            "poor-posture",
            "prolonged-sitting",
            "regular-exercise",
            "post-exercise-soreness",
            "pregnancy",
            "sciatica",
            "injury-rehab",
            "recent-injury",
            "stress-tension",
            "older-adult",
            "low-mood",
            "pain-sensitivity",
            "osteoporosis",
            "spinal-instability",
            "spinal-stenosis",
            "degenerative-disc-disease",
            "myofascial-pain",
            "non-specific-low-back-pain",
            "pulled-muscle",
            "repetitive-strain",
        ],
    ),
    (
        "red-flags",
        12,
        &[
            "bladder-bowel-dysfunction",
            "saddle-numbness",
            "progressive-leg-weakness",
            "bilateral-leg-symptoms",
            "fever-or-infection",
            "cancer-history",
            "unexplained-weight-loss",
            "major-trauma",
            "minor-trauma",
            "night-pain",
            "leg-numbness",
            "active-inflammation",
        ],
    ),
    (
        "techniques",
        16,
        &[
            "swedish-massage",
            "deep-tissue-massage",
            "myofascial-release",
            "trigger-point-therapy",
            "prenatal-massage",
            "foam-rolling",
            "massage-ball",
            "static-stretching",
            "dynamic-stretching",
            "pnf-stretching",
            "heat-therapy",
            "cold-therapy",
            "relaxation-training",
            "tens",
            "lumbar-support-belt",
            "traction",
        ],
    ),
    (
        "exercises",
        22,
        &[
            "childs-pose",
            "cat-cow",
            "seated-forward-fold",
            "knee-to-chest",
            "supine-hamstring-stretch",
            "pigeon-pose",
            "lizard-pose",
            "hip-flexor-stretch",
            "piriformis-stretch",
            "thoracic-extension-foam-roller",
            "wall-angels",
            "dead-bug",
            "bird-dog",
            "glute-bridge",
            "pelvic-tilt",
            "hip-circles",
            "leg-swings",
        ],
    ),
];

#[tokio::test]
async fn the_real_content_has_every_required_entity_with_every_field_filled() {
    let app = TestApp::embedded();
    for (kind, minimum, ids) in REQUIRED {
        let total = app.get(&format!("/{kind}")).await.json()["total"]
            .as_u64()
            .unwrap() as usize;
        assert!(
            total >= minimum,
            "{kind}: {total} entries, at least {minimum} required"
        );
        for id in ids {
            let response = app.get(&format!("/{kind}/{id}")).await;
            assert_eq!(response.status, 200, "/{kind}/{id} is missing");
            let body = response.json();
            for (field, value) in body.as_object().unwrap() {
                let empty = value.as_str().is_some_and(|s| s.trim().is_empty());
                assert!(!empty, "/{kind}/{id}: `{field}` is empty");
            }
            assert!(
                !body["sources"].as_array().is_none_or(Vec::is_empty) || kind == "sources",
                "/{kind}/{id} cites nothing"
            );
        }
    }
}

#[test]
fn the_content_directory_is_what_the_binary_embeds() {
    let from_dir =
        Catalog::from_dir(&repo_root().join("content")).unwrap_or_else(|e| panic!("{e}"));
    let embedded = Catalog::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        from_dir.version, embedded.version,
        "rebuild: content/ changed since the binary embedded it"
    );
}

#[test]
fn the_engine_finds_every_source_and_condition_it_relies_on() {
    let catalog = Catalog::embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        backcare::engine::check_catalog(&catalog),
        Vec::<String>::new()
    );
    let fixture = Catalog::from_dir(&crate::helpers::fixture_dir()).unwrap();
    assert_eq!(
        backcare::engine::check_catalog(&fixture),
        Vec::<String>::new()
    );
    // A policy that drops a rule the engine fires, renames a message, or
    // uses a placeholder the engine cannot fill is refused at load.
    let dir = crate::helpers::fixture_copy("policy-gaps");
    let policy_path = dir.join("policy/policy.json");
    let mut policy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&policy_path).unwrap()).unwrap();
    policy["rules"]
        .as_object_mut()
        .unwrap()
        .remove("no-safe-plan");
    policy["rules"]["routine"]["decision"] = serde_json::json!("{count} items for {nobody}");
    std::fs::write(&policy_path, policy.to_string()).unwrap();
    let messages_path = dir.join("policy/messages.json");
    let mut messages: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&messages_path).unwrap()).unwrap();
    let lead = messages
        .as_object_mut()
        .unwrap()
        .remove("triage.lead.urgent")
        .unwrap();
    messages["triage.lead.urgnet"] = lead;
    std::fs::write(&messages_path, messages.to_string()).unwrap();
    let problems = match backcare::content::load(Some(&dir)) {
        Err(backcare::catalog::LoadError::Invalid(p)) => p,
        other => panic!("a gapped policy loaded: {:?}", other.map(|c| c.version)),
    };
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    for expected in [
        "`no-safe-plan`",
        "{nobody}",
        "`triage.lead.urgent` is missing",
        "`triage.lead.urgnet`",
    ] {
        assert!(
            text.iter().any(|t| t.contains(expected)),
            "{expected} not in {text:#?}"
        );
    }
}

#[tokio::test]
async fn not_recommended_techniques_say_why_and_suit_nobody() {
    let app = TestApp::embedded();
    for id in ["tens", "lumbar-support-belt", "traction"] {
        let body = app.get(&format!("/techniques/{id}")).await.json();
        assert_eq!(body["status"], "not-recommended", "{id}");
        assert!(
            body["status_reason"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "{id} needs a reason"
        );
        assert_eq!(body["best_for"], serde_json::json!([]), "{id}");
    }
}

#[tokio::test]
async fn snomed_codes_are_only_the_verified_ones() {
    // The clinical reference lists these as verified or corroborated; nothing else may appear.
    let allowed = [
        "279039007",
        "161891005",
        "23056005",
        "278860009",
        "192970008",
        "64859006",
        "76107001",
    ];
    let app = TestApp::embedded();
    for kind in ["conditions", "red-flags"] {
        let body = app.get(&format!("/{kind}?limit=500")).await.json();
        for item in body["items"].as_array().unwrap() {
            for concept in item["snomed"].as_array().unwrap() {
                let code = concept["code"].as_str().unwrap();
                assert!(
                    allowed.contains(&code),
                    "{kind}/{}: SNOMED {code} is not in the verified list",
                    item["id"]
                );
            }
        }
    }
}

fn problems(dir: &Path) -> Vec<Problem> {
    match Catalog::from_dir(dir) {
        Err(LoadError::Invalid(problems)) => problems,
        Err(other) => panic!("expected content problems, got {other}"),
        Ok(_) => panic!(
            "broken content in {} loaded without complaint",
            dir.display()
        ),
    }
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn each_kind_of_broken_content_is_reported_with_file_and_field() {
    type Break = fn(&Path);
    let cases: Vec<(&str, Break, &str, &str, &str)> = vec![
        (
            "malformed-json",
            |d| edit(d, "exercises/chair-reach.json", "\"name\":", "\"name\""),
            "exercises/chair-reach.json",
            "",
            "expected",
        ),
        (
            "unknown-field",
            |d| {
                edit(
                    d,
                    "conditions/desk-stiffness.json",
                    "\"summary\":",
                    "\"sumary\":",
                )
            },
            "conditions/desk-stiffness.json",
            "sumary",
            "unknown field `sumary`",
        ),
        (
            "nested-unknown-field",
            |d| {
                edit(
                    d,
                    "exercises/chair-reach.json",
                    "\"sets\": 2",
                    "\"sets\": 2, \"tempo\": 1",
                )
            },
            "exercises/chair-reach.json",
            "dose.tempo",
            "unknown field `tempo`",
        ),
        (
            "id-not-kebab",
            |d| {
                edit(
                    d,
                    "sources/test-guideline.json",
                    "\"id\": \"test-guideline\"",
                    "\"id\": \"Test_Guideline\"",
                );
            },
            "sources/test-guideline.json",
            "id",
            "not kebab-case",
        ),
        (
            "id-not-file-name",
            |d| {
                edit(
                    d,
                    "red-flags/numb-saddle.json",
                    "\"id\": \"numb-saddle\"",
                    "\"id\": \"numb-groin\"",
                )
            },
            "red-flags/numb-saddle.json",
            "id",
            "does not match the file name",
        ),
        (
            "duplicate-id",
            |d| {
                std::fs::copy(
                    d.join("techniques/gentle-massage.json"),
                    d.join("techniques/gentle-massage-copy.json"),
                )
                .unwrap();
            },
            "techniques/gentle-massage.json",
            "id",
            "duplicate id `gentle-massage`",
        ),
        (
            "dangling-condition",
            |d| {
                edit(
                    d,
                    "exercises/chair-reach.json",
                    "\"suitable_for\": [\"desk-stiffness\"]",
                    "\"suitable_for\": [\"desk-stifness\"]",
                )
            },
            "exercises/chair-reach.json",
            "suitable_for[0]",
            "no conditions entry with id `desk-stifness`",
        ),
        (
            "dangling-source",
            |d| {
                edit(
                    d,
                    "techniques/gentle-massage.json",
                    "\"sources\": [\"test-guideline\"]",
                    "\"sources\": [\"made-up\"]",
                )
            },
            "techniques/gentle-massage.json",
            "sources[0]",
            "no sources entry",
        ),
        (
            "empty-text",
            |d| {
                edit(
                    d,
                    "conditions/desk-stiffness.json",
                    "\"name\": \"Desk stiffness\"",
                    "\"name\": \"  \"",
                )
            },
            "conditions/desk-stiffness.json",
            "name",
            "must not be empty",
        ),
        (
            "out-of-range",
            |d| {
                edit(
                    d,
                    "exercises/chair-reach.json",
                    "\"minutes\": 1",
                    "\"minutes\": 90",
                )
            },
            "exercises/chair-reach.json",
            "minutes",
            "out of range",
        ),
        (
            "wrong-type",
            |d| {
                edit(
                    d,
                    "exercises/chair-reach.json",
                    "\"minutes\": 1",
                    "\"minutes\": \"one\"",
                )
            },
            "exercises/chair-reach.json",
            "minutes",
            "invalid type",
        ),
        (
            "unknown-vocabulary",
            |d| {
                edit(
                    d,
                    "exercises/chair-reach.json",
                    "\"position\": \"seated_chair\"",
                    "\"position\": \"hanging\"",
                )
            },
            "exercises/chair-reach.json",
            "position",
            "unknown variant `hanging`",
        ),
        (
            "too-few-steps",
            |d| {
                edit(
                    d,
                    "exercises/chair-reach.json",
                    ", \"Breathe out and hold.\"",
                    "",
                )
            },
            "exercises/chair-reach.json",
            "steps",
            "at least 3",
        ),
        (
            "not-json-file",
            |d| std::fs::write(d.join("exercises/notes.txt"), "draft").unwrap(),
            "exercises/notes.txt",
            "",
            "not a .json",
        ),
        (
            "unknown-folder",
            |d| std::fs::create_dir_all(d.join("drugs")).unwrap(),
            "drugs/",
            "",
            "unknown content folder",
        ),
    ];
    for (name, break_it, file, field, message) in cases {
        let dir = fixture_copy(name);
        break_it(&dir);
        let found = problems(&dir);
        assert!(
            found
                .iter()
                .any(|p| p.file == file && p.field == field && p.message.contains(message)),
            "{name}: expected {file}: {field}: …{message}…, got:\n{}",
            found
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A step up never brings back what a condition or flag keeps out: a
/// harder version that avoids less than its easier one is refused, from
/// both ends of the link.
#[test]
fn a_harder_version_avoids_at_least_what_its_easier_one_avoids() {
    let dir = crate::helpers::content_copy("versions");
    edit(
        &dir,
        "exercises/childs-pose.json",
        "\"conditions\": [\n      \"osteoporosis\"\n    ],",
        "\"conditions\": [],",
    );
    let found = problems(&dir);
    let about = |file: &str, field: &str| {
        found
            .iter()
            .find(|p| p.file.ends_with(file) && p.field.starts_with(field))
    };
    let from_easier =
        about("knee-to-chest.json", "harder").expect("reported on the easier exercise");
    assert!(
        from_easier.message.contains("osteoporosis"),
        "{}",
        from_easier.message
    );
    let from_harder = about("childs-pose.json", "easier").expect("reported on the harder exercise");
    assert!(
        from_harder.message.contains("osteoporosis"),
        "{}",
        from_harder.message
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_problem_is_reported_at_once() {
    let dir = fixture_copy("many-problems");
    edit(
        &dir,
        "conditions/desk-stiffness.json",
        "\"summary\":",
        "\"sumary\":",
    );
    edit(
        &dir,
        "exercises/chair-reach.json",
        "\"minutes\": 1",
        "\"minutes\": 90",
    );
    edit(
        &dir,
        "techniques/gentle-massage.json",
        "\"sources\": [\"test-guideline\"]",
        "\"sources\": [\"made-up\"]",
    );
    let found = problems(&dir);
    let files: std::collections::BTreeSet<&str> = found.iter().map(|p| p.file.as_str()).collect();
    assert!(
        files.len() >= 3,
        "all three broken files are reported: {found:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_validate_command_lists_problems_and_exits_1() {
    let dir = fixture_copy("cli-validate");
    edit(
        &dir,
        "exercises/chair-reach.json",
        "\"minutes\": 1",
        "\"minutes\": 0",
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_backcare"))
        .args(["validate", "--content"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("exercises/chair-reach.json: minutes: 0 is out of range"),
        "{stderr}"
    );

    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_backcare"))
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_server_refuses_to_start_on_broken_content() {
    let dir = fixture_copy("cli-serve");
    edit(
        &dir,
        "conditions/desk-stiffness.json",
        "\"summary\":",
        "\"sumary\":",
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_backcare"))
        .args(["serve", "--bind", "127.0.0.1:0", "--content"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("conditions/desk-stiffness.json") && stderr.contains("sumary"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The fixture content laid out as Kubernetes mounts ConfigMap volumes: in
/// each kind folder a `..<timestamp>` folder with the files, a `..data`
/// link to it, and one link per key into `..data`.
#[cfg(unix)]
fn configmap_layout(name: &str, plain: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::symlink;
    let dir = std::env::temp_dir().join(format!("backcare-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for kind in std::fs::read_dir(plain).unwrap() {
        let kind = kind.unwrap();
        if !kind.path().is_dir() {
            continue;
        }
        let mount = dir.join(kind.file_name());
        let stamp = mount.join("..2026_01_02_03_04_05.123456789");
        std::fs::create_dir_all(&stamp).unwrap();
        for file in std::fs::read_dir(kind.path()).unwrap() {
            let file = file.unwrap();
            std::fs::copy(file.path(), stamp.join(file.file_name())).unwrap();
            symlink(
                Path::new("..data").join(file.file_name()),
                mount.join(file.file_name()),
            )
            .unwrap();
        }
        symlink("..2026_01_02_03_04_05.123456789", mount.join("..data")).unwrap();
    }
    dir
}

/// Runs `f` on its own thread, failing the test if it takes over 10 s.
#[track_caller]
fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("did not finish in 10 s: a link loop was followed")
}

#[cfg(unix)]
#[test]
fn a_configmap_volume_layout_loads_like_plain_folders() {
    let dir = configmap_layout("configmap", &repo_root().join("content"));
    // What `serve` does with `BACKCARE_CONTENT=/content`.
    let catalog = backcare::content::load(Some(&dir)).unwrap_or_else(|e| panic!("{e}"));
    let plain = Catalog::from_dir(&repo_root().join("content")).unwrap();
    assert_eq!(
        catalog.version, plain.version,
        "the same files, the same version"
    );
    assert_eq!(catalog.counts(), plain.counts());
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn links_loops_and_oversized_files_are_problems_not_hangs() {
    use std::os::unix::fs::symlink;
    let dir = fixture_copy("links");
    let conditions = dir.join("conditions");
    symlink("loop-b.json", conditions.join("loop-a.json")).unwrap();
    symlink("loop-a.json", conditions.join("loop-b.json")).unwrap();
    // Two links back to their own folder: walking into them branches for ever.
    symlink(".", conditions.join("again")).unwrap();
    symlink("..", conditions.join("up")).unwrap();
    symlink(&dir, dir.join("exercises/root")).unwrap();
    symlink("/etc/hostname", conditions.join("outside.json")).unwrap();
    std::fs::write(
        dir.join("sources/huge.json"),
        format!("{{\"id\": \"{}\"}}", "x".repeat(1024 * 1024)),
    )
    .unwrap();
    let found = within_seconds({
        let dir = dir.clone();
        move || problems(&dir)
    });
    let has = |file: &str, message: &str| {
        assert!(
            found
                .iter()
                .any(|p| p.file == file && p.message.contains(message)),
            "expected {file}: …{message}…, got:\n{}",
            found
                .iter()
                .map(|p| format!("  {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    has("conditions/loop-a.json", "cannot resolve link");
    has("conditions/outside.json", "outside the content directory");
    has("conditions/again", "not a .json");
    has("sources/huge.json", "over the limit of 1048576 bytes");
    within_seconds({
        let dir = dir.clone();
        move || backcare::catalog::find_files(&dir).map(|_| ())
    })
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn the_watcher_reloads_when_a_configmap_swaps_its_data_link() {
    use std::os::unix::fs::symlink;
    let dir = configmap_layout("configmap-watch", &repo_root().join("content"));
    let state = backcare::http::AppState::new(Catalog::from_dir(&dir).unwrap());
    let before = state.catalog().catalog().version.clone();
    backcare::content::watch(
        state.clone(),
        dir.clone(),
        std::time::Duration::from_millis(20),
    )
    .unwrap();
    // What the kubelet does: write a new timestamped folder, then swap
    // `..data` to it with one rename.
    let mount = dir.join("exercises");
    let next = mount.join("..2026_02_03_04_05_06.000000001");
    std::fs::create_dir_all(&next).unwrap();
    for file in std::fs::read_dir(mount.join("..data")).unwrap() {
        let file = file.unwrap();
        std::fs::copy(file.path(), next.join(file.file_name())).unwrap();
    }
    edit(&next, "cat-cow.json", "\"minutes\": 2", "\"minutes\": 3");
    symlink("..2026_02_03_04_05_06.000000001", mount.join("..data_tmp")).unwrap();
    std::fs::rename(mount.join("..data_tmp"), mount.join("..data")).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while state.catalog().catalog().version == before {
        assert!(
            std::time::Instant::now() < deadline,
            "no reload after the swap"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        state
            .catalog()
            .catalog()
            .exercise("cat-cow")
            .unwrap()
            .minutes,
        3
    );
    let _ = std::fs::remove_dir_all(&dir);
}
