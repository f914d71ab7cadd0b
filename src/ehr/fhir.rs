//! Reading a CDS Hooks `prefetch` (FHIR R4 resources) into a [`Record`]:
//! the patient's age, their conditions and red flags mapped through the
//! catalog's SNOMED CT codes, how long the back pain has lasted and their
//! STarT Back answers. Everything that could not be used is kept as a note,
//! so the card can say what it did not take into account.
//!
//! The resources are typed ([`Prefetch`], [`Resource`]): their shape (a
//! Condition's `code` is a CodeableConcept, a birth date is a FHIR `date`)
//! is checked as they are parsed, and the API's schema states the same
//! shape, so a malformed resource is reported by the request grammar in its
//! words. What is left for [`read`] are the rules no schema can state: a
//! resource must be the context patient's, and a date must not be in the
//! future nor a birth date more than 130 years ago.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::dates::{Date, FhirDate, FhirDateTime, acp_duration};
use super::record::{Mapped, Problem, Record};
use crate::catalog::{Catalog, ConditionCategory, SnomedKind};
use crate::engine::{Bothersomeness, StartBackAnswers};
use crate::json::objects_only;

/// The code system FHIR uses for SNOMED CT.
pub const SNOMED: &str = "http://snomed.info/sct";

/// The oldest age a birth date may give; older is a data error.
const MAX_AGE: i64 = 130;

/// The canonical URL our STarT Back questionnaire responses must name.
/// Items `1` to `8` are answered with `valueBoolean` (agree = true), item
/// `9` with `valueCoding.code` from the bothersomeness vocabulary.
pub const START_BACK_QUESTIONNAIRE: &str = "urn:backcare:questionnaire:start-back";

/// What [`is_fhir_id`] accepts, as a regular expression for schemas.
pub const ID_PATTERN: &str = "^[A-Za-z0-9.-]{1,64}$";

/// What [`is_resource_type`] accepts, as a regular expression for schemas.
pub const RESOURCE_TYPE_PATTERN: &str = "^[A-Z][A-Za-z]{0,63}$";

/// What [`start_back_item`] accepts, as a regular expression for schemas.
pub const START_BACK_ITEM_PATTERN: &str = "^[1-9]$";

/// The STarT Back items answered true or false, as a regular expression.
pub const START_BACK_YES_NO_PATTERN: &str = "^[1-8]$";

/// Whether `id` is a FHIR id: 1 to 64 ASCII letters, digits, `-` or `.`.
pub fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Whether `kind` has the form of a FHIR resource type: a capitalised
/// ASCII name (`Condition`) of at most 64 letters.
pub fn is_resource_type(kind: &str) -> bool {
    kind.len() <= 64
        && kind.starts_with(|c: char| c.is_ascii_uppercase())
        && kind.bytes().all(|b| b.is_ascii_alphabetic())
}

/// The patient id a FHIR reference names: `Patient/{id}`, optionally
/// versioned (`Patient/{id}/_history/{version}`), optionally absolute on
/// `server` (the call's `fhirServer`). Anything else (another resource type,
/// another server, `xPatient/1`) names no patient this service can vouch for.
pub fn patient_reference<'r>(reference: &'r str, server: Option<&str>) -> Option<&'r str> {
    let base = server
        .map(|s| s.trim_end_matches('/'))
        .filter(|s| s.starts_with("https://") || s.starts_with("http://"));
    let relative = base
        .and_then(|base| reference.strip_prefix(base)?.strip_prefix('/'))
        .unwrap_or(reference);
    let rest = relative.strip_prefix("Patient/")?;
    let id = match rest.split_once("/_history/") {
        Some((id, version)) => is_fhir_id(version).then_some(id)?,
        None => rest,
    };
    is_fhir_id(id).then_some(id)
}

/// Whether `code` has the form of a SNOMED CT identifier: 6 to 18 ASCII
/// digits, not starting with 0.
pub fn is_snomed_id(code: &str) -> bool {
    (6..=18).contains(&code.len())
        && !code.starts_with('0')
        && code.bytes().all(|b| b.is_ascii_digit())
}

/// A STarT Back item's `linkId`: exactly `1` to `9` (not `01` or `+1`).
pub fn start_back_item(link_id: &str) -> Option<usize> {
    match link_id.as_bytes() {
        [d @ b'1'..=b'9'] => Some(usize::from(d - b'0')),
        _ => None,
    }
}

/// A string deserialised only when `ok` holds for it.
fn checked<'de, D: Deserializer<'de>>(
    d: D,
    ok: fn(&str) -> bool,
    what: &str,
) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    if ok(&text) {
        Ok(text)
    } else {
        Err(de::Error::custom(format!("`{text}` is not {what}")))
    }
}

/// A FHIR id ([`is_fhir_id`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirId(String);

impl FhirId {
    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FhirId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked(d, is_fhir_id, "a FHIR id").map(Self)
    }
}

/// A FHIR resource type ([`is_resource_type`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType(String);

impl ResourceType {
    /// The type's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for ResourceType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked(d, is_resource_type, "a FHIR resource type").map(Self)
    }
}

/// A FHIR Reference; only `reference` is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self")]
pub struct Reference {
    /// `Patient/123`, or an absolute URL on the FHIR server.
    pub reference: Option<String>,
}

/// A FHIR Coding.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self")]
pub struct Coding {
    /// The code system.
    pub system: Option<String>,
    /// The code.
    pub code: Option<String>,
    /// Its display text.
    pub display: Option<String>,
}

/// A FHIR CodeableConcept.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self")]
pub struct CodeableConcept {
    /// Codes from code systems.
    pub coding: Option<Vec<Coding>>,
    /// Plain text.
    pub text: Option<String>,
}

impl CodeableConcept {
    /// The codes of its codings.
    fn codes(&self) -> impl Iterator<Item = &str> {
        self.coding
            .iter()
            .flatten()
            .filter_map(|c| c.code.as_deref())
    }
}

/// A FHIR Period; only `start` is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self")]
pub struct Period {
    /// When it began.
    pub start: Option<FhirDateTime>,
}

/// A Condition, as far as it is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct Condition {
    /// Whose condition it is.
    pub subject: Option<Reference>,
    /// `active`, `resolved`…
    pub clinical_status: Option<CodeableConcept>,
    /// `confirmed`, `refuted`…
    pub verification_status: Option<CodeableConcept>,
    /// What it is.
    pub code: Option<CodeableConcept>,
    /// When it began.
    pub onset_date_time: Option<FhirDateTime>,
    /// When it began, as a period.
    pub onset_period: Option<Period>,
    /// When it was recorded: it began no later.
    pub recorded_date: Option<FhirDateTime>,
}

/// A Patient, as far as it is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct Patient {
    /// The patient's id.
    pub id: Option<String>,
    /// Their birth date.
    pub birth_date: Option<FhirDate>,
}

/// One answer in a QuestionnaireResponse.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct Answer {
    /// A yes/no answer.
    pub value_boolean: Option<bool>,
    /// A coded answer.
    pub value_coding: Option<Coding>,
}

/// One item of a QuestionnaireResponse.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
pub struct Item {
    /// Which question.
    pub link_id: String,
    /// Its answers.
    pub answer: Option<Vec<Answer>>,
}

/// A QuestionnaireResponse to the STarT Back questionnaire
/// ([`START_BACK_QUESTIONNAIRE`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self")]
pub struct StartBackResponse {
    /// Whose answers they are.
    pub subject: Option<Reference>,
    /// Only `completed` and `amended` responses are scored.
    pub status: Option<String>,
    /// When it was answered.
    pub authored: Option<FhirDateTime>,
    /// The answers, by item.
    pub item: Option<Vec<Item>>,
}

impl StartBackResponse {
    /// Its items as the questionnaire defines them: `linkId` `1` to `9`,
    /// items 1 to 8 answered true or false, item 9 with a bothersomeness
    /// code. The API's schema states the same with `if`/`then`.
    fn check(&self) -> Result<(), String> {
        for item in self.item.iter().flatten() {
            let n = start_back_item(&item.link_id)
                .ok_or_else(|| format!("`{}` is not a STarT Back item", item.link_id))?;
            for answer in item.answer.iter().flatten() {
                let ok = if n <= 8 {
                    answer.value_boolean.is_some()
                } else {
                    answer
                        .value_coding
                        .as_ref()
                        .and_then(|c| c.code.as_deref())
                        .is_some_and(|code| code.parse::<Bothersomeness>().is_ok())
                };
                if !ok {
                    return Err(format!("item {n} is not answered as its kind is"));
                }
            }
        }
        Ok(())
    }
}

/// An entry of a Bundle.
#[derive(Debug, Clone, Deserialize)]
#[serde(remote = "Self")]
pub struct Entry {
    /// The resource it carries.
    pub resource: Resource,
}

objects_only!(
    Reference,
    Coding,
    CodeableConcept,
    Period,
    Condition,
    Patient,
    Answer,
    Item,
    StartBackResponse,
    Entry,
    AnyResource
);

/// A prefetched resource, by what the service does with it.
#[derive(Debug, Clone)]
pub enum Resource {
    /// A Bundle (search set); read at the top of a prefetch entry only.
    Bundle(Vec<Entry>),
    /// A Condition.
    Condition(Condition),
    /// A Patient.
    Patient(Patient),
    /// A STarT Back QuestionnaireResponse.
    StartBack(StartBackResponse),
    /// A QuestionnaireResponse to another questionnaire: not read.
    OtherQuestionnaire,
    /// The EHR reporting a problem fetching the entry.
    OperationOutcome,
    /// A resource type this service does not use.
    Other(ResourceType),
}

/// Every field the service reads, of any resource type, so a resource is
/// parsed in one pass before its type is known (JSON does not put
/// `resourceType` first). A field typed here for one resource type and
/// sent with another shape in a resource of another type (a List's
/// `entry`) fails this parse although the schema accepts it:
/// [`Resource::from_value`] reads such a prefetch exactly, by type.
#[derive(Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
struct AnyResource {
    resource_type: ResourceType,
    entry: Option<Vec<Entry>>,
    subject: Option<Reference>,
    clinical_status: Option<CodeableConcept>,
    verification_status: Option<CodeableConcept>,
    code: Option<CodeableConcept>,
    onset_date_time: Option<FhirDateTime>,
    onset_period: Option<Period>,
    recorded_date: Option<FhirDateTime>,
    id: Option<String>,
    birth_date: Option<FhirDate>,
    questionnaire: Option<String>,
    status: Option<String>,
    authored: Option<FhirDateTime>,
    item: Option<Vec<Item>>,
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = <AnyResource as Deserialize>::deserialize(d)?;
        Ok(match r.resource_type.as_str() {
            "Bundle" => Self::Bundle(r.entry.unwrap_or_default()),
            "Condition" => Self::Condition(Condition {
                subject: r.subject,
                clinical_status: r.clinical_status,
                verification_status: r.verification_status,
                code: r.code,
                onset_date_time: r.onset_date_time,
                onset_period: r.onset_period,
                recorded_date: r.recorded_date,
            }),
            "Patient" => Self::Patient(Patient {
                id: r.id,
                birth_date: r.birth_date,
            }),
            "QuestionnaireResponse"
                if r.questionnaire.as_deref() == Some(START_BACK_QUESTIONNAIRE) =>
            {
                let response = StartBackResponse {
                    subject: r.subject,
                    status: r.status,
                    authored: r.authored,
                    item: r.item,
                };
                response.check().map_err(de::Error::custom)?;
                Self::StartBack(response)
            }
            "QuestionnaireResponse" => Self::OtherQuestionnaire,
            "OperationOutcome" => Self::OperationOutcome,
            _ => Self::Other(r.resource_type),
        })
    }
}

impl Resource {
    /// The resource `v` is, read by its type, so that only the fields its
    /// type is read for must have their shape; `None` when they do not.
    /// `top` is a prefetch entry itself, whose Bundle is read.
    pub fn from_value(v: &Value, top: bool) -> Option<Self> {
        let kind = ResourceType::deserialize(v.get("resourceType")?).ok()?;
        Some(match kind.as_str() {
            "Bundle" if top => {
                let entries = match v.get("entry") {
                    None | Some(Value::Null) => &[][..],
                    Some(entries) => entries.as_array()?,
                };
                let mut read = Vec::with_capacity(entries.len());
                for entry in entries {
                    let resource = entry.as_object()?.get("resource")?;
                    read.push(Entry {
                        resource: Self::from_value(resource, false)?,
                    });
                }
                Self::Bundle(read)
            }
            "Condition" => Self::Condition(<Condition as Deserialize>::deserialize(v).ok()?),
            "Patient" => Self::Patient(<Patient as Deserialize>::deserialize(v).ok()?),
            "QuestionnaireResponse"
                if v.get("questionnaire").and_then(Value::as_str)
                    == Some(START_BACK_QUESTIONNAIRE) =>
            {
                let response = <StartBackResponse as Deserialize>::deserialize(v).ok()?;
                response.check().ok()?;
                Self::StartBack(response)
            }
            "QuestionnaireResponse" => Self::OtherQuestionnaire,
            "OperationOutcome" => Self::OperationOutcome,
            _ => Self::Other(kind),
        })
    }
}

/// A prefetch: each key with its resource, or none where the EHR could not
/// fetch it (null). Keys are in order and each appears once: a repeated
/// key is refused, since keeping either would silently drop the other.
#[derive(Debug, Clone, Default)]
pub struct Prefetch(pub Vec<(String, Option<Resource>)>);

impl<'de> Deserialize<'de> for Prefetch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Prefetch;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("FHIR resources by prefetch key")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Prefetch, A::Error> {
                let mut entries: Vec<(String, Option<Resource>)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value::<Option<Resource>>()?;
                    entries.push((key, value));
                }
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                if let Some(pair) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
                    return Err(de::Error::custom(format!("duplicate key `{}`", pair[0].0)));
                }
                Ok(Prefetch(entries))
            }
        }
        d.deserialize_map(Entries)
    }
}

impl Prefetch {
    /// The prefetch `v` is, read resource by resource
    /// ([`Resource::from_value`]); `None` when an entry is malformed.
    pub fn from_value(v: &Value) -> Option<Self> {
        let entries = v.as_object()?.iter().map(|(key, entry)| {
            let resource = match entry {
                Value::Null => None,
                v => Some(Resource::from_value(v, true)?),
            };
            Some((key.clone(), resource))
        });
        entries.collect::<Option<Vec<_>>>().map(Self)
    }
}

/// Reads `prefetch`, the prefetch of a call about `patient_id` on the FHIR
/// server `server`, dating things from `today`: the record, or every
/// problem found.
pub fn read(
    catalog: &Catalog,
    patient_id: &str,
    server: Option<&str>,
    prefetch: Option<&Prefetch>,
    today: Date,
) -> Result<Record, Vec<Problem>> {
    let mut reader = Reader::new(catalog, patient_id, server, today);
    for (key, resource) in prefetch.iter().flat_map(|p| &p.0) {
        reader.entry(key, resource.as_ref());
    }
    reader.finish()
}

/// Reads resources out of a prefetch, collecting every problem.
pub struct Reader<'a> {
    catalog: &'a Catalog,
    patient_id: &'a str,
    /// The call's `fhirServer`, the base of absolute references.
    server: Option<&'a str>,
    today: Date,
    problems: Vec<Problem>,
    record: Record,
    /// The earliest onset among back-pain conditions, and the code's own
    /// minimum duration in weeks.
    earliest_onset: Option<(Date, String)>,
    min_weeks: Option<(u16, String)>,
}

/// Whose a resource is, by its subject.
enum Whose {
    /// The context patient's.
    Ours,
    /// Another patient's or another kind of subject: a problem, reported.
    Theirs,
    /// A subject without a reference: nobody can say.
    Unknown,
    /// No subject at all.
    Nobody,
}

impl<'a> Reader<'a> {
    /// A reader for the patient `patient_id` on the FHIR server `server`,
    /// dating things from `today`.
    pub fn new(
        catalog: &'a Catalog,
        patient_id: &'a str,
        server: Option<&'a str>,
        today: Date,
    ) -> Self {
        Self {
            catalog,
            patient_id,
            server,
            today,
            problems: Vec::new(),
            record: Record::default(),
            earliest_onset: None,
            min_weeks: None,
        }
    }

    /// A note for the card about the entry at `path`, which is shown as
    /// code: prefetch keys are the EHR's, so anything but the characters a
    /// path is made of becomes `?`, and a long path is cut.
    fn note(&mut self, path: &str, text: &str) {
        let mut shown: String = path
            .chars()
            .take(100)
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-[]".contains(c) {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        if path.chars().count() > 100 {
            shown.push('…');
        }
        self.record.notes.push(format!("`{shown}` {text}"));
    }

    fn problem(&mut self, path: String, message: String) {
        self.problems.push(Problem::new(path, message));
    }

    /// Reads one prefetch entry: a resource, a Bundle of them, or none
    /// (the EHR could not fetch it).
    pub fn entry(&mut self, key: &str, resource: Option<&Resource>) {
        let path = format!("prefetch.{key}");
        match resource {
            None => self.note(&path, "was empty: the EHR did not supply it"),
            Some(r) => self.resource(r, &path, true),
        }
    }

    fn resource(&mut self, resource: &Resource, path: &str, top: bool) {
        match resource {
            Resource::Bundle(entries) if top => {
                for (i, entry) in entries.iter().enumerate() {
                    let at = format!("{path}.entry[{i}].resource");
                    self.resource(&entry.resource, &at, false);
                }
                // An empty search result still says "no active conditions".
                let conditions = entries
                    .iter()
                    .any(|e| matches!(e.resource, Resource::Condition(_)));
                if entries.is_empty() || conditions {
                    self.record.has_conditions = true;
                }
            }
            Resource::Bundle(_) => {
                self.note(path, "is a Bundle, which this service does not use");
            }
            Resource::Condition(c) => {
                self.record.has_conditions = true;
                self.condition(c, path);
            }
            Resource::Patient(p) => self.patient(p, path),
            Resource::StartBack(r) => self.start_back(r, path),
            Resource::OtherQuestionnaire => self.note(
                path,
                &format!("answers a questionnaire other than `{START_BACK_QUESTIONNAIRE}`"),
            ),
            Resource::OperationOutcome => self.note(
                path,
                "is an OperationOutcome: the EHR reported a problem fetching it",
            ),
            Resource::Other(kind) => self.note(
                path,
                &format!("is a {}, which this service does not use", kind.as_str()),
            ),
        }
    }

    /// Whose the resource at `path` is, by its `subject`; another
    /// patient's is a problem.
    fn whose(&mut self, subject: Option<&Reference>, path: &str) -> Whose {
        let Some(subject) = subject else {
            return Whose::Nobody;
        };
        let Some(reference) = &subject.reference else {
            return Whose::Unknown;
        };
        if patient_reference(reference, self.server) == Some(self.patient_id) {
            return Whose::Ours;
        }
        self.problem(
            format!("{path}.subject.reference"),
            format!(
                "`{reference}` is not the context's patient `Patient/{}`: refusing to mix records",
                self.patient_id
            ),
        );
        Whose::Theirs
    }

    fn condition(&mut self, c: &Condition, path: &str) {
        let whose = self.whose(c.subject.as_ref(), path);
        let onset = self.onset(c, path);
        // FHIR requires a subject; without one nothing says whose it is.
        match whose {
            Whose::Ours => {}
            Whose::Nobody => return self.note(path, "names no subject: not used"),
            Whose::Theirs | Whose::Unknown => return,
        }
        let inactive = c
            .clinical_status
            .iter()
            .flat_map(|s| s.codes())
            .any(|code| matches!(code, "inactive" | "remission" | "resolved"));
        let void = c
            .verification_status
            .iter()
            .flat_map(|s| s.codes())
            .any(|code| matches!(code, "refuted" | "entered-in-error"));
        if inactive || void {
            self.record.not_active += 1;
            return;
        }
        let mut snomed = false;
        let codings = c
            .code
            .iter()
            .flat_map(|concept| concept.coding.iter().flatten());
        for coding in codings {
            let Some(code) = coding.code.as_deref() else {
                continue;
            };
            if coding.system.as_deref() != Some(SNOMED) {
                continue;
            }
            snomed = true;
            if !self.map_code(code, onset.as_ref()) {
                let display = coding.display.as_deref().unwrap_or("no display");
                self.record
                    .unknown_codes
                    .push((code.to_owned(), display.to_owned()));
            }
        }
        if !snomed {
            let text = c.code.as_ref().and_then(|concept| concept.text.as_deref());
            let label = text.map_or_else(|| "a condition without text".to_owned(), str::to_owned);
            self.record.uncoded.push(label);
        }
    }

    /// When the condition began: `onsetDateTime`, `onsetPeriod.start`, or
    /// failing those `recordedDate` (the pain began no later than that).
    /// The first given is used; one in the future is a problem, since it
    /// would make the pain look newer than it is.
    fn onset(&mut self, c: &Condition, path: &str) -> Option<(Date, String)> {
        let candidates = [
            ("onsetDateTime", c.onset_date_time.as_ref()),
            (
                "onsetPeriod.start",
                c.onset_period.as_ref().and_then(|p| p.start.as_ref()),
            ),
            ("recordedDate", c.recorded_date.as_ref()),
        ];
        let (field, given) = candidates.into_iter().find(|(_, d)| d.is_some())?;
        let given = given?;
        // A day's grace: today in UTC is yesterday east of it.
        if given.date.days() > self.today.days() + 1 {
            self.problem(
                format!("{path}.{field}"),
                format!("`{}` is in the future", given.text),
            );
            return None;
        }
        Some((given.date, format!("{field} {}", given.text)))
    }

    /// Maps a SNOMED CT code through the catalog's code index; false when
    /// unknown.
    fn map_code(&mut self, code: &str, onset: Option<&(Date, String)>) -> bool {
        let catalog = self.catalog;
        let found = catalog.snomed(code);
        for r in found {
            let Some(concept) = catalog.snomed_concept(r) else {
                continue;
            };
            let (id, presentation) = match r.kind {
                SnomedKind::Condition => {
                    let c = &catalog.conditions[usize::from(r.position)];
                    (&c.id, c.category == ConditionCategory::Presentation)
                }
                SnomedKind::RedFlag => (&catalog.red_flags[usize::from(r.position)].id, false),
            };
            match r.kind {
                SnomedKind::Condition => self.record.conditions.push(id.clone()),
                SnomedKind::RedFlag => self.record.red_flags.push(id.clone()),
            }
            self.record.mapped.push(Mapped {
                code: code.to_owned(),
                display: concept.display.clone(),
                kind: r.kind,
                id: id.clone(),
            });
            if presentation {
                if let Some((date, why)) = onset
                    && self.earliest_onset.as_ref().is_none_or(|(d, _)| date < d)
                {
                    self.earliest_onset = Some((*date, why.clone()));
                }
                if let Some(weeks) = concept.min_weeks
                    && self.min_weeks.as_ref().is_none_or(|(w, _)| weeks > *w)
                {
                    self.min_weeks = Some((weeks, concept.display.clone()));
                }
            }
        }
        !found.is_empty()
    }

    fn patient(&mut self, p: &Patient, path: &str) {
        self.record.has_patient = true;
        if let Some(id) = &p.id
            && id != self.patient_id
        {
            self.problem(
                format!("{path}.id"),
                format!(
                    "`{id}` is not the context's patientId `{}`: refusing to mix records",
                    self.patient_id
                ),
            );
        }
        let Some(born) = &p.birth_date else {
            return;
        };
        let at = || format!("{path}.birthDate");
        let text = &born.text;
        // A day's grace: today in UTC is yesterday east of it.
        if born.date.days() > self.today.days() + 1 {
            self.problem(at(), format!("`{text}` is in the future"));
        } else if born.date.years_until(self.today) > MAX_AGE {
            self.problem(
                at(),
                format!("`{text}` is more than {MAX_AGE} years ago: not a real birth date"),
            );
        } else {
            self.record.age = u8::try_from(born.date.years_until(self.today).max(0)).ok();
        }
    }

    fn start_back(&mut self, r: &StartBackResponse, path: &str) {
        match self.whose(r.subject.as_ref(), path) {
            Whose::Ours => {}
            Whose::Nobody => return self.note(path, "names no subject: not used"),
            Whose::Theirs | Whose::Unknown => return,
        }
        if !matches!(r.status.as_deref(), Some("completed" | "amended")) {
            return self.note(path, "is not completed: STarT Back not scored from it");
        }
        let mut yes = [None::<bool>; 8];
        let mut bother = None;
        for item in r.item.iter().flatten() {
            // The items' shape was checked as they were parsed.
            let Some(answer) = item.answer.iter().flatten().next() else {
                continue;
            };
            match start_back_item(&item.link_id) {
                Some(n @ 1..=8) => yes[n - 1] = answer.value_boolean,
                Some(_) => {
                    bother = answer
                        .value_coding
                        .as_ref()
                        .and_then(|c| c.code.as_deref())
                        .and_then(|code| code.parse::<Bothersomeness>().ok());
                }
                None => {}
            }
        }
        let (
            Some(bothersomeness),
            [
                Some(a),
                Some(b),
                Some(c),
                Some(d),
                Some(e),
                Some(f),
                Some(g),
                Some(h),
            ],
        ) = (bother, yes)
        else {
            return self.note(
                path,
                "does not answer all nine STarT Back items: not scored",
            );
        };
        let answers = StartBackAnswers {
            leg_pain: a,
            shoulder_or_neck_pain: b,
            walked_short_distances_only: c,
            dressed_slowly: d,
            not_safe_to_be_active: e,
            worrying_thoughts: f,
            pain_terrible_never_better: g,
            no_enjoyment: h,
            bothersomeness,
        };
        let authored = r.authored.as_ref().map(|a| a.text.clone());
        // Keep the newest; FHIR dateTimes of one form sort as text.
        let newer = match (&self.record.start_back, &authored) {
            (None, _) => true,
            (Some((_, Some(old))), Some(new)) => new > old,
            (Some((_, None)), Some(_)) => true,
            (Some(_), None) => false,
        };
        if newer {
            self.record.start_back = Some((answers, authored));
        }
    }

    /// The record, once every entry has been read, or every problem found.
    pub fn finish(mut self) -> Result<Record, Vec<Problem>> {
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        self.record.conditions.sort();
        self.record.conditions.dedup();
        self.record.red_flags.sort();
        self.record.red_flags.dedup();
        let from_onset = self.earliest_onset.as_ref().map(|(date, why)| {
            let days = (self.today.days() - date.days()).max(0);
            (days, format!("from {why}"))
        });
        let from_code = self.min_weeks.as_ref().map(|(weeks, display)| {
            (
                i64::from(*weeks) * 7,
                format!("the record's code `{display}` means at least {weeks} weeks"),
            )
        });
        let longest = match (from_onset, from_code) {
            (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
            (a, b) => a.or(b),
        };
        self.record.duration = longest.map(|(days, why)| (acp_duration(days), why));
        Ok(self.record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn catalog() -> &'static Catalog {
        static CATALOG: std::sync::LazyLock<Catalog> =
            std::sync::LazyLock::new(|| Catalog::embedded().expect("embedded content is valid"));
        &CATALOG
    }

    /// Reads `prefetch` both ways, typed from its text and by type from
    /// the value, which must agree.
    fn read(prefetch: Value, today: Date) -> Result<Record, Vec<Problem>> {
        let typed: Prefetch = serde_json::from_str(&prefetch.to_string()).expect("well-formed");
        let by_type = Prefetch::from_value(&prefetch).expect("well-formed");
        let a = super::read(catalog(), "p1", None, Some(&typed), today);
        let b = super::read(catalog(), "p1", None, Some(&by_type), today);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        a
    }

    fn condition(code: &str, subject: &str, onset: &str) -> Value {
        serde_json::json!({"resourceType": "Condition", "subject": {"reference": subject},
            "onsetDateTime": onset,
            "code": {"coding": [{"system": SNOMED, "code": code, "display": "d"}]}})
    }

    #[test]
    fn a_record_maps_codes_dates_the_pain_and_keeps_what_it_could_not_use() {
        let today = Date::parse("2026-06-30").unwrap();
        let prefetch = serde_json::json!({
            "patient": {"resourceType": "Patient", "id": "p1", "birthDate": "1966-07-01"},
            "conditions": {"resourceType": "Bundle", "entry": [
                {"resource": condition("279039007", "Patient/p1", "2026-06-01")},
                {"resource": condition("38341003", "Patient/p1", "2020-01-01")},
                {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p1"},
                    "code": {"text": "ICD-10 only"}}}
            ]},
            "other": {"resourceType": "Observation"}
        });
        let record = read(prefetch, today).expect("no problem");
        assert_eq!(record.age, Some(59));
        assert_eq!(record.conditions, ["non-specific-low-back-pain"]);
        assert_eq!(record.mapped.len(), 1);
        assert_eq!(record.mapped[0].kind, SnomedKind::Condition);
        assert_eq!(
            record.unknown_codes,
            [("38341003".to_owned(), "d".to_owned())]
        );
        assert_eq!(record.uncoded, ["ICD-10 only"]);
        // 29 days: the unknown code's older onset does not date back pain.
        let (duration, why) = record.duration.expect("dated");
        assert_eq!(duration, crate::catalog::Duration::Subacute);
        assert_eq!(why, "from onsetDateTime 2026-06-01");
        assert!(record.has_conditions && record.has_patient);
        assert_eq!(record.notes.len(), 1, "{:?}", record.notes);
    }

    #[test]
    fn another_patient_s_record_and_impossible_dates_are_problems() {
        let today = Date::parse("2026-06-30").unwrap();
        let prefetch = serde_json::json!({
            "patient": {"resourceType": "Patient", "id": "p2", "birthDate": "2027-01-01"},
            "conditions": {"resourceType": "Bundle", "entry": [
                {"resource": condition("279039007", "Patient/p2", "2026-06-01")},
                {"resource": condition("279039007", "Patient/p1", "2026-07-02")}
            ]}
        });
        let errors = read(prefetch, today).expect_err("problems");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "prefetch.conditions.entry[0].resource.subject.reference",
                "prefetch.conditions.entry[1].resource.onsetDateTime",
                "prefetch.patient.id",
                "prefetch.patient.birthDate",
            ]
        );
    }

    #[test]
    fn malformed_resources_are_refused_both_ways_and_odd_unread_fields_only_by_the_fast_parse() {
        for bad in [
            serde_json::json!({"x": {"resourceType": "0"}}),
            serde_json::json!({"x": {"resourceType": "Condition", "code": {"coding": "279039007"}}}),
            serde_json::json!({"x": {"resourceType": "Condition", "onsetPeriod": 5}}),
            serde_json::json!({"x": {"resourceType": "Patient", "birthDate": "1980-01-01T00:00:00Z"}}),
            serde_json::json!({"x": {"resourceType": "Bundle", "entry": [{"resource": null}]}}),
            serde_json::json!({"x": {"resourceType": "QuestionnaireResponse",
                "questionnaire": START_BACK_QUESTIONNAIRE,
                "item": [{"linkId": "3", "answer": [{"valueCoding": {"code": "x"}}]}]}}),
            serde_json::json!({"x": 5}),
        ] {
            assert!(
                serde_json::from_str::<Prefetch>(&bad.to_string()).is_err(),
                "{bad}"
            );
            assert!(Prefetch::from_value(&bad).is_none(), "{bad}");
        }
        // Read only by type: an Observation's `code` and another
        // questionnaire's items are not this service's to check.
        for odd in [
            serde_json::json!({"x": {"resourceType": "Observation", "code": 5}}),
            serde_json::json!({"x": {"resourceType": "QuestionnaireResponse",
                "questionnaire": "urn:other", "item": [{"answer": 1}]}}),
            serde_json::json!({"x": {"resourceType": "Bundle", "entry": [{"resource":
                {"resourceType": "Bundle", "entry": 1}}]}}),
        ] {
            let prefetch = Prefetch::from_value(&odd).expect("read by type");
            let record = super::read(catalog(), "p1", None, Some(&prefetch), Date::today())
                .expect("nothing the service reads is wrong");
            assert_eq!(record.notes.len(), 1, "{odd}: {:?}", record.notes);
        }
        let twice = r#"{"a": null, "a": {"resourceType": "Patient"}}"#;
        assert!(serde_json::from_str::<Prefetch>(twice).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Each documented pattern accepts what its parser does.
        #[test]
        fn patterns_are_their_parsers(
            text in prop_oneof![
                any::<String>(),
                "[A-Za-z0-9.\\-é]{0,66}",
                "[A-Z]?[A-Za-z0-9 é]{0,65}",
                "[0-9+ ]{0,2}",
            ]
        ) {
            let regex = |p: &str| regex::Regex::new(p).unwrap();
            prop_assert_eq!(regex(ID_PATTERN).is_match(&text), is_fhir_id(&text));
            prop_assert_eq!(regex(RESOURCE_TYPE_PATTERN).is_match(&text), is_resource_type(&text));
            prop_assert_eq!(
                regex(START_BACK_ITEM_PATTERN).is_match(&text),
                start_back_item(&text).is_some()
            );
            prop_assert_eq!(
                regex(START_BACK_YES_NO_PATTERN).is_match(&text),
                start_back_item(&text).is_some_and(|n| n <= 8)
            );
        }

        /// References: never a panic; a patient id comes back only from
        /// `Patient/{id}` forms, and reads back from its plain form.
        #[test]
        fn patient_references_never_panic_and_read_back(
            text in prop_oneof![
                any::<String>(),
                "(https?://[a-z.]{1,8}/)?(x|Patient|Patient/)?[A-Za-z0-9.\\-é/]{0,8}(/_history/[0-9é]{0,3})?",
            ],
            id in "[A-Za-z0-9.\\-]{1,64}",
        ) {
            let server = Some("https://ehr.example/fhir");
            for base in [None, server] {
                if let Some(found) = patient_reference(&text, base) {
                    prop_assert!(is_fhir_id(found), "{}", found);
                    let plain = format!("Patient/{found}");
                    let again = patient_reference(&plain, None);
                    prop_assert_eq!(again, Some(found));
                }
            }
            let read = |reference: String, base: Option<&str>| {
                patient_reference(&reference, base).map(str::to_owned)
            };
            let id = Some(id);
            let id_ = id.as_deref().unwrap();
            prop_assert_eq!(read(format!("Patient/{id_}"), None), id.clone());
            prop_assert_eq!(read(format!("Patient/{id_}/_history/2"), None), id.clone());
            prop_assert_eq!(read(format!("https://ehr.example/fhir/Patient/{id_}"), server), id.clone());
            prop_assert_eq!(read(format!("https://other.example/Patient/{id_}"), server), None);
            prop_assert_eq!(read(format!("xPatient/{id_}"), server), None);
            prop_assert_eq!(read(format!("Patient/{id_}/extra"), server), None);
        }

        /// Codes: SNOMED CT ids, STarT Back item ids and bothersomeness
        /// codes never panic, and what is accepted is its own canonical form.
        #[test]
        fn fhir_codes_never_panic_and_are_canonical(text in prop_oneof![any::<String>(), "[+0-9é ]{0,20}", "[a-z_]{0,12}"]) {
            if is_snomed_id(&text) {
                prop_assert_eq!(text.parse::<u64>().unwrap().to_string(), text.clone());
            }
            if let Some(n) = start_back_item(&text) {
                prop_assert!((1..=9).contains(&n));
                prop_assert_eq!(n.to_string(), text.clone());
            }
            if let Ok(b) = text.parse::<Bothersomeness>() {
                prop_assert_eq!(b.to_string(), text.clone());
            }
            let _ = is_fhir_id(&text);
        }
    }
}
