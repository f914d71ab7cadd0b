//! The catalog: the content model, loading, validation and queries.
//!
//! Knowledge lives here, in data a clinician can edit; nothing in this module
//! knows about HTTP.

mod load;
pub mod model;
mod query;
mod validate;
pub mod vocab;

pub use load::{ContentFile, LoadError, Problem, embedded_files, read_dir};
pub use model::*;
pub use query::{ExerciseFilter, TechniqueFilter};

/// The five kinds of entity, as their content folder names.
pub const KINDS: [&str; 5] = [
    "conditions",
    "red-flags",
    "techniques",
    "exercises",
    "sources",
];

/// The whole catalog, immutable once loaded. Each list is sorted by id, so
/// listings come in a stable order and lookups are binary searches.
#[derive(Debug)]
pub struct Catalog {
    /// A fingerprint of every content file: changes whenever content changes.
    pub version: String,
    /// Sources, by id.
    pub sources: Vec<Source>,
    /// Conditions, by id.
    pub conditions: Vec<Condition>,
    /// Red flags, by id.
    pub red_flags: Vec<RedFlag>,
    /// Techniques, by id.
    pub techniques: Vec<Technique>,
    /// Exercises, by id.
    pub exercises: Vec<Exercise>,
    search: query::SearchIndex,
}

/// Anything with a catalog id.
pub trait Entity {
    /// The entity's id.
    fn id(&self) -> &str;
}

macro_rules! entity {
    ($($t:ty),*) => { $(impl Entity for $t { fn id(&self) -> &str { &self.id } })* };
}
entity!(Source, Condition, RedFlag, Technique, Exercise);

fn find<'a, T: Entity>(items: &'a [T], id: &str) -> Option<&'a T> {
    items
        .binary_search_by(|item| item.id().cmp(id))
        .ok()
        .map(|i| &items[i])
}

impl Catalog {
    /// A catalog with no entities, for building the API description without content.
    pub fn empty() -> Self {
        Self {
            version: "empty".to_owned(),
            sources: Vec::new(),
            conditions: Vec::new(),
            red_flags: Vec::new(),
            techniques: Vec::new(),
            exercises: Vec::new(),
            search: query::SearchIndex::default(),
        }
    }

    /// Loads the content embedded in the binary at build time.
    pub fn embedded() -> Result<Self, LoadError> {
        Self::from_files(embedded_files())
    }

    /// Loads and validates a whole catalog from `(path, text)` files, reporting
    /// every problem at once.
    pub fn from_files(files: Vec<ContentFile>) -> Result<Self, LoadError> {
        load::load(files, Vec::new())
    }

    /// Loads and validates the content in a directory laid out as
    /// `<kind>/<id>.json`.
    pub fn from_dir(root: &std::path::Path) -> Result<Self, LoadError> {
        let (files, problems) = read_dir(root)?;
        load::load(files, problems)
    }

    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        find(&self.sources, id)
    }
    /// A condition by id.
    pub fn condition(&self, id: &str) -> Option<&Condition> {
        find(&self.conditions, id)
    }
    /// A red flag by id.
    pub fn red_flag(&self, id: &str) -> Option<&RedFlag> {
        find(&self.red_flags, id)
    }
    /// A technique by id.
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        find(&self.techniques, id)
    }
    /// An exercise by id.
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        find(&self.exercises, id)
    }

    /// How many entities of each kind, in [`KINDS`] order.
    pub fn counts(&self) -> [(&'static str, usize); 5] {
        [
            ("conditions", self.conditions.len()),
            ("red-flags", self.red_flags.len()),
            ("techniques", self.techniques.len()),
            ("exercises", self.exercises.len()),
            ("sources", self.sources.len()),
        ]
    }
}
