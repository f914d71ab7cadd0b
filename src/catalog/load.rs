//! Reading content files and turning them into a validated [`Catalog`].

use serde::de::DeserializeOwned;

use super::problem::{LoadError, Problem};
use super::{
    ACTIVITY_FILE, Catalog, Entity, KINDS, MESSAGES_FILE, POLICY_DIR, POLICY_FILE,
    query::SearchIndex, validate,
};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_content.rs"));
}

/// One content file: its path relative to the content root
/// (`exercises/cat-cow.json`) and its text.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// Path relative to the content root, with `/` separators.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// The content embedded in the binary at build time.
pub fn embedded_files() -> Vec<ContentFile> {
    embedded::EMBEDDED
        .iter()
        .map(|(path, text)| ContentFile {
            path: (*path).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}

/// Parses one file, naming the field path of the first error serde finds.
fn parse<T: DeserializeOwned>(file: &ContentFile, problems: &mut Vec<Problem>) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(&file.text);
    let parsed = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." { String::new() } else { path };
        (field, err.into_inner().to_string())
    });
    // Trailing data after the object is malformed content too.
    let result = parsed.and_then(|value| {
        de.end()
            .map(|()| value)
            .map_err(|e| (String::new(), e.to_string()))
    });
    match result {
        Ok(value) => Some(value),
        Err((field, message)) => {
            problems.push(Problem::new(&file.path, field, message));
            None
        }
    }
}

/// Collects parsed entities of one kind, sorted by id, reporting duplicates.
fn sorted<T: Entity>(mut items: Vec<(String, T)>, problems: &mut Vec<Problem>) -> Vec<T> {
    items.sort_by(|a, b| a.1.id().cmp(b.1.id()).then_with(|| a.0.cmp(&b.0)));
    for pair in items.windows(2) {
        if pair[0].1.id() == pair[1].1.id() {
            problems.push(Problem::new(
                &pair[1].0,
                "id",
                format!(
                    "duplicate id `{}`, also used by {}",
                    pair[1].1.id(),
                    pair[0].0
                ),
            ));
        }
    }
    items.dedup_by(|a, b| a.1.id() == b.1.id());
    items.into_iter().map(|(_, item)| item).collect()
}

/// A short, stable fingerprint of the content: FNV-1a over every path and text
/// in path order. Not cryptographic; it only has to change when content does.
fn fingerprint(files: &[ContentFile]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so that moving bytes between fields changes the hash.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    };
    for file in files {
        feed(file.path.as_bytes());
        feed(file.text.as_bytes());
    }
    format!("{hash:016x}")
}

/// Parses, validates and indexes `files`; `problems` carries what reading
/// the files already found, so everything is reported together.
pub(super) fn load(
    mut files: Vec<ContentFile>,
    mut problems: Vec<Problem>,
) -> Result<Catalog, LoadError> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let version = fingerprint(&files);

    let mut sources = Vec::new();
    let mut conditions = Vec::new();
    let mut red_flags = Vec::new();
    let mut techniques = Vec::new();
    let mut exercises = Vec::new();
    let mut escalations = Vec::new();
    let mut education = Vec::new();
    let mut policy = None;
    let mut messages = None;
    let mut activity = None;
    for file in &files {
        let kind = file.path.split('/').next().unwrap_or_default();
        let slot = file.path.clone();
        match kind {
            "sources" => sources.extend(parse(file, &mut problems).map(|v| (slot, v))),
            "conditions" => conditions.extend(parse(file, &mut problems).map(|v| (slot, v))),
            "red-flags" => red_flags.extend(parse(file, &mut problems).map(|v| (slot, v))),
            "techniques" => techniques.extend(parse(file, &mut problems).map(|v| (slot, v))),
            "exercises" => exercises.extend(parse(file, &mut problems).map(|v| (slot, v))),
            "escalations" => escalations.extend(parse(file, &mut problems).map(|v| (slot, v))),
            "education" => education.extend(parse(file, &mut problems).map(|v| (slot, v))),
            POLICY_DIR if file.path == ACTIVITY_FILE => activity = parse(file, &mut problems),
            POLICY_DIR if file.path == POLICY_FILE => policy = parse(file, &mut problems),
            POLICY_DIR if file.path == MESSAGES_FILE => messages = parse(file, &mut problems),
            POLICY_DIR => problems.push(Problem::new(
                &file.path,
                "",
                format!(
                    "the policy folder holds only {POLICY_FILE}, {MESSAGES_FILE} and {ACTIVITY_FILE}"
                ),
            )),
            _ => problems.push(Problem::new(
                &file.path,
                "",
                format!(
                    "not in a content folder; expected one of: {}",
                    KINDS.join(", ")
                ),
            )),
        }
    }

    for (found, path) in [
        (policy.is_some(), POLICY_FILE),
        (messages.is_some(), MESSAGES_FILE),
    ] {
        if !found && !problems.iter().any(|p| p.file == path) {
            problems.push(Problem::new(
                path,
                "",
                "missing: the engine cannot run without it",
            ));
        }
    }

    // Checks run while each entity still has its file name, so every problem names its file.
    let ids = validate::Ids::new(
        &sources,
        &conditions,
        &red_flags,
        &techniques,
        &exercises,
        &escalations,
        policy.as_ref(),
    );
    for (file, item) in &sources {
        validate::source(&mut validate::Check::new(file, &ids, &mut problems), item);
    }
    for (file, item) in &conditions {
        validate::condition(&mut validate::Check::new(file, &ids, &mut problems), item);
    }
    for (file, item) in &red_flags {
        validate::red_flag(&mut validate::Check::new(file, &ids, &mut problems), item);
    }
    for (file, item) in &techniques {
        validate::technique(&mut validate::Check::new(file, &ids, &mut problems), item);
    }
    for (file, item) in &exercises {
        validate::exercise(&mut validate::Check::new(file, &ids, &mut problems), item);
    }
    for (file, item) in &escalations {
        validate::escalation(&mut validate::Check::new(file, &ids, &mut problems), item);
    }
    for (file, item) in &education {
        validate::education(&mut validate::Check::new(file, &ids, &mut problems), item);
    }
    if let Some(activity) = &activity {
        validate::activity(
            &mut validate::Check::new(ACTIVITY_FILE, &ids, &mut problems),
            activity,
        );
    }
    if let Some(policy) = &policy {
        validate::policy(
            &mut validate::Check::new(POLICY_FILE, &ids, &mut problems),
            policy,
        );
    }
    drop(ids);
    let (Some(policy), Some(messages), Some(activity)) = (policy, messages, activity) else {
        problems.sort_by(|a, b| (&a.file, &a.field).cmp(&(&b.file, &b.field)));
        problems.dedup();
        return Err(LoadError::Invalid(problems));
    };

    let mut catalog = Catalog {
        version,
        sources: sorted(sources, &mut problems),
        conditions: sorted(conditions, &mut problems),
        red_flags: sorted(red_flags, &mut problems),
        techniques: sorted(techniques, &mut problems),
        exercises: sorted(exercises, &mut problems),
        escalations: sorted(escalations, &mut problems),
        education: sorted(education, &mut problems),
        policy,
        messages,
        message_table: Vec::new(),
        rule_table: Vec::new(),
        decision_table: Vec::new(),
        rule_sources: Vec::new(),
        activity,
        search: SearchIndex::default(),
        refs: Default::default(),
    };
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.file, &a.field).cmp(&(&b.file, &b.field)));
        problems.dedup();
        return Err(LoadError::Invalid(problems));
    }
    catalog.search = SearchIndex::build(&catalog.exercises);
    catalog.reindex();
    Ok(catalog)
}
