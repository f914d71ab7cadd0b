//! CDS Hooks 2.0 wire types. Field names follow the specification
//! (camelCase), unlike the rest of this API.
//!
//! Requests are parsed straight into these types; their schemas, with the
//! rules of [`rules`] that utoipa cannot derive, are the grammar an invalid
//! request is checked against and what the OpenAPI document publishes. The
//! FHIR resources inside a call are the EHR layer's types
//! ([`crate::ehr::fhir`]), which cannot carry utoipa's derive; the `Fhir*`
//! schemas here describe them as that layer reads them, and a proptest of
//! the handlers (`typed_calls_agree_with_the_grammar`) holds the two to
//! each other.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::ehr::dates::{self, FhirDate, FhirDateTime};
use crate::ehr::fhir::{self, FhirId, ResourceType};
use crate::engine::Bothersomeness;
use crate::http::grammar::Schemas;
use crate::json::objects_only;

/// The discovery document: the services this endpoint offers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Services {
    /// The CDS services offered.
    pub services: Vec<Service>,
}

/// One CDS service.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The hook that invokes it.
    #[schema(example = "patient-view")]
    pub hook: &'static str,
    /// Its id, the last segment of its URL.
    #[schema(example = "back-pain-relief")]
    pub id: &'static str,
    /// Human-friendly name.
    pub title: &'static str,
    /// What it does.
    pub description: &'static str,
    /// FHIR queries the EHR should run and send as `prefetch`, by key.
    pub prefetch: BTreeMap<&'static str, &'static str>,
    /// What the EHR must do for the service to work well.
    pub usage_requirements: &'static str,
}

/// A coded value (FHIR CardCoding).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardCoding {
    /// The code system.
    pub system: &'static str,
    /// The code.
    pub code: &'static str,
    /// Its display text.
    pub display: &'static str,
}

/// Who produced a card.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardSource {
    /// The service and the guideline behind it.
    pub label: String,
    /// The guideline's page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A link on a card.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardLink {
    /// What it opens.
    pub label: String,
    /// Absolute URL in this service.
    pub url: String,
    /// Always `absolute`.
    #[serde(rename = "type")]
    #[schema(example = "absolute")]
    pub kind: &'static str,
}

/// A CDS Hooks card.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    /// Unique id, which feedback refers to.
    pub uuid: String,
    /// One line under 140 characters.
    pub summary: String,
    /// `critical` for emergency or urgent red flags, `warning` for
    /// see-a-clinician flags or when no safe plan fits, `info` for a
    /// self-care plan.
    #[schema(example = "info")]
    pub indicator: &'static str,
    /// Markdown: what to do, the plan with doses, cautions, and what the
    /// record did and did not tell the service.
    pub detail: String,
    /// The service and guideline.
    pub source: CardSource,
    /// The red flags and exercises in this service.
    pub links: Vec<CardLink>,
    /// Reasons a clinician can give for overriding the card.
    pub override_reasons: Vec<CardCoding>,
}

/// The answer to a hook call. An empty list means nothing to say: the
/// record holds nothing about back pain.
#[derive(Debug, Serialize, ToSchema)]
pub struct CdsResponse {
    /// Zero or one card.
    pub cards: Vec<Card>,
}

/// What [`is_uuid`] accepts, as a regular expression for schemas.
pub const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// Whether `s` is a UUID in its usual text form: 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A string schema of the pattern `pattern`, named by `title` in errors.
fn pattern_schema(title: &str, pattern: &str, description: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .title(Some(title))
        .description(Some(description))
        .pattern(Some(pattern))
        .examples([json!(example)])
        .into()
}

/// A string that must pass `ok` to be deserialised.
fn checked<'de, D: Deserializer<'de>>(d: D, ok: fn(&str) -> bool) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    if ok(&text) {
        Ok(text)
    } else {
        Err(de::Error::custom(format!("`{text}` has the wrong form")))
    }
}

/// A UUID: a call's `hookInstance`, a card's `uuid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uuid(pub String);

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked(d, is_uuid).map(Self)
    }
}

/// When a clinician acted on a card: a FHIR instant, or a full date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp(pub String);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        checked(d, dates::is_date_time).map(Self)
    }
}

/// Schemas for strings of a documented form: the pattern is what the
/// type's deserialiser (or, for the EHR layer's types, its parser)
/// accepts, and the title names the form in errors.
macro_rules! pattern_schemas {
    ($($t:ty: $name:literal, $title:literal, $pattern:expr, $example:literal, $description:literal;)+) => { $(
        impl PartialSchema for $t {
            fn schema() -> RefOr<Schema> {
                pattern_schema($title, $pattern, $description, $example)
            }
        }
        impl ToSchema for $t {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    )+ };
}

pattern_schemas! {
    Uuid: "Uuid", "UUID", UUID_PATTERN, "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "A UUID: 8, 4, 4, 4 and 12 hexadecimal digits.";
    Timestamp: "Timestamp", "FHIR instant or date", dates::TIMESTAMP_PATTERN, "2026-11-21T10:00:00Z",
        "A FHIR instant (`2026-11-21T10:00:00Z`, seconds and a zone) or a full date: year 0001 or later, a day that exists.";
    FhirId: "FhirId", "FHIR id", fhir::ID_PATTERN, "1288992",
        "A FHIR id: 1 to 64 letters, digits, `-` or `.`.";
    ResourceType: "FhirResourceType", "FHIR resource type", fhir::RESOURCE_TYPE_PATTERN, "Condition",
        "A FHIR resource type: a capitalised name of letters.";
    FhirDate: "FhirDate", "FHIR date", dates::DATE_PATTERN, "1965-12-23",
        "A FHIR date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, year 0001 or later, a day that exists. A partial date means its last day.";
    FhirDateTime: "FhirDateTime", "FHIR dateTime", dates::DATE_TIME_PATTERN, "2026-01-10",
        "A FHIR dateTime: a FHIR date, or a full date with a time and a zone (`2026-01-10T09:30:00+01:00`).";
    StartBackLinkId: "StartBackLinkId", "STarT Back item number (`1` to `9`)", fhir::START_BACK_ITEM_PATTERN, "9",
        "A STarT Back item: `1` to `8` are answered with `valueBoolean` (agree = true), `9` with a bothersomeness `valueCoding`.";
}

/// A JSON object the service accepts and does not read.
#[derive(Debug, Clone, Copy)]
pub struct AnyObject;

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Ignored;
        impl<'de> Visitor<'de> for Ignored {
            type Value = AnyObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyObject, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyObject)
            }
        }
        d.deserialize_map(Ignored)
    }
}

objects_only!(
    PatientViewContext,
    CdsRequest,
    AcceptedSuggestion,
    ReasonCoding,
    OverrideReason,
    FeedbackItem,
    Feedback
);

/// `T`'s value spelt `text` among `values`, from a string only: serde's
/// derive would also take `{"text": null}`, which the schema does not.
fn spelt<'de, D: Deserializer<'de>, T: Copy + 'static>(
    d: D,
    values: &'static [(&'static str, T)],
    names: &'static [&'static str],
) -> Result<T, D::Error> {
    let text = std::borrow::Cow::<str>::deserialize(d)?;
    values
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, v)| *v)
        .ok_or_else(|| de::Error::unknown_variant(&text, names))
}

/// The hooks this service answers.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum Hook {
    /// The clinician opened the patient's chart.
    #[serde(rename = "patient-view")]
    PatientView,
}

impl<'de> Deserialize<'de> for Hook {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        spelt(d, &[("patient-view", Self::PatientView)], &["patient-view"])
    }
}

/// A clinician's response to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The card was accepted.
    Accepted,
    /// The card was overridden.
    Overridden,
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let values = &[
            ("accepted", Self::Accepted),
            ("overridden", Self::Overridden),
        ];
        spelt(d, values, &["accepted", "overridden"])
    }
}

impl Outcome {
    /// As the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Overridden => "overridden",
        }
    }
}

/// The context of a `patient-view` hook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase")]
pub struct PatientViewContext {
    /// The user viewing the chart (`Practitioner/123`).
    pub user_id: Option<String>,
    /// The patient's FHIR id.
    pub patient_id: FhirId,
    /// The encounter, if any.
    pub encounter_id: Option<String>,
}

/// A CDS Hooks call for the `patient-view` hook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase")]
pub struct CdsRequest {
    /// The hook: this service answers `patient-view` only.
    pub hook: Hook,
    /// This call's UUID.
    pub hook_instance: Uuid,
    /// The EHR's FHIR server. Accepted but not called: the service works
    /// only from `prefetch`, so it needs no access to patient records.
    pub fhir_server: Option<String>,
    /// Accepted but not used, for the same reason.
    #[schema(value_type = Option<Object>)]
    pub fhir_authorization: Option<AnyObject>,
    /// The hook context.
    pub context: PatientViewContext,
    /// FHIR resources by prefetch key: a Patient, a Bundle (search set) of
    /// Conditions, and STarT Back QuestionnaireResponses. Any key may be
    /// null or absent; the card then says what it could not use. Each
    /// resource must be the context patient's.
    #[schema(value_type = Option<Prefetch>)]
    pub prefetch: Option<fhir::Prefetch>,
    /// Extensions; accepted and not used.
    #[schema(value_type = Option<Object>)]
    pub extension: Option<AnyObject>,
}

/// FHIR R4 resources by prefetch key, each null where the EHR could not
/// fetch it (a schema only: the EHR layer reads them).
pub struct Prefetch;

impl PartialSchema for Prefetch {
    fn schema() -> RefOr<Schema> {
        let resource = OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .item(Ref::from_schema_name(PrefetchResource::name()));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "FHIR R4 resources by prefetch key, each null where the EHR could not fetch it. Only the fields described are read; resources of other types are listed on the card as not used.",
            ))
            .additional_properties(Some(Schema::OneOf(resource.build())))
            .into()
    }
}

impl ToSchema for Prefetch {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            PrefetchResource::name().into_owned(),
            PrefetchResource::schema(),
        ));
        PrefetchResource::schemas(schemas);
    }
}

/// A prefetched FHIR resource: one resource, or a Bundle of them (a schema
/// only; its shape is `FhirResource`'s, and a Bundle's is `FhirBundle`'s,
/// by the rules).
pub struct PrefetchResource;

impl PartialSchema for PrefetchResource {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "A prefetched FHIR resource: one resource (see `FhirResource`), or a Bundle of them (`FhirBundle`).",
            ))
            .into()
    }
}

impl ToSchema for PrefetchResource {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((FhirResource::name().into_owned(), FhirResource::schema()));
        FhirResource::schemas(schemas);
    }
}

/// A FHIR resource. A Condition, a Patient and a STarT Back
/// QuestionnaireResponse are read and have the shape of
/// `FhirCondition`, `FhirPatient` and `FhirStartBackResponse`; others are
/// not read.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct FhirResource {
    /// The resource's type.
    pub resource_type: ResourceType,
}

/// A Bundle (search set), as read.
#[derive(ToSchema)]
pub struct FhirBundle {
    /// The resources found.
    pub entry: Option<Vec<FhirBundleEntry>>,
}

/// An entry of a Bundle.
#[derive(ToSchema)]
pub struct FhirBundleEntry {
    /// The resource.
    pub resource: FhirResource,
}

/// A FHIR Reference, as read.
#[derive(ToSchema)]
pub struct FhirReference {
    /// `Patient/{id}`, versioned or absolute on `fhirServer`: it must be
    /// the context patient.
    pub reference: Option<String>,
}

/// A FHIR Coding.
#[derive(ToSchema)]
pub struct FhirCoding {
    /// The code system; conditions are read from `http://snomed.info/sct`.
    pub system: Option<String>,
    /// The code.
    pub code: Option<String>,
    /// Its display text.
    pub display: Option<String>,
}

/// A FHIR CodeableConcept.
#[derive(ToSchema)]
pub struct FhirCodeableConcept {
    /// Codes.
    pub coding: Option<Vec<FhirCoding>>,
    /// Plain text, shown for conditions without a SNOMED CT code.
    pub text: Option<String>,
}

/// A FHIR Period, as read.
#[derive(ToSchema)]
pub struct FhirPeriod {
    /// When it began.
    pub start: Option<FhirDateTime>,
}

/// A Condition, as read. Resolved, inactive, in-remission, refuted and
/// entered-in-error conditions are skipped.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct FhirCondition {
    /// Whose condition it is: it must be the context patient; a condition
    /// naming no subject is not used.
    pub subject: Option<FhirReference>,
    /// `active`, `inactive`, `remission`, `resolved`…
    pub clinical_status: Option<FhirCodeableConcept>,
    /// `confirmed`, `refuted`, `entered-in-error`…
    pub verification_status: Option<FhirCodeableConcept>,
    /// What it is: SNOMED CT codes are read.
    pub code: Option<FhirCodeableConcept>,
    /// When it began; not in the future. Dates the back pain.
    pub onset_date_time: Option<FhirDateTime>,
    /// When it began, when `onsetDateTime` is not given.
    pub onset_period: Option<FhirPeriod>,
    /// When it was recorded: the pain began no later (when no onset is given).
    pub recorded_date: Option<FhirDateTime>,
}

/// A Patient, as read.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct FhirPatient {
    /// It must be the context's `patientId`.
    pub id: Option<String>,
    /// Not in the future, nor more than 130 years ago.
    pub birth_date: Option<FhirDate>,
}

/// A QuestionnaireResponse to `urn:backcare:questionnaire:start-back`, as
/// read. Responses to other questionnaires are not read.
#[derive(ToSchema)]
pub struct FhirStartBackResponse {
    /// Whose answers: it must be the context patient.
    pub subject: Option<FhirReference>,
    /// Only `completed` and `amended` responses are scored.
    pub status: Option<String>,
    /// When answered; the newest response is used.
    pub authored: Option<FhirDateTime>,
    /// The nine items.
    pub item: Option<Vec<FhirStartBackItem>>,
}

/// A STarT Back item. The first answer is read.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct FhirStartBackItem {
    /// Which item.
    pub link_id: StartBackLinkId,
    /// Its answers.
    pub answer: Option<Vec<FhirAnswer>>,
}

/// A STarT Back item's `linkId` (a schema only: the EHR layer reads it).
pub struct StartBackLinkId(pub String);

/// A QuestionnaireResponse answer.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct FhirAnswer {
    /// Items 1 to 8: true when the patient agrees.
    pub value_boolean: Option<bool>,
    /// Item 9: `code` is a bothersomeness code.
    pub value_coding: Option<FhirCoding>,
}

/// A suggestion the clinician accepted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct AcceptedSuggestion {
    /// The suggestion's id.
    #[schema(min_length = 1)]
    pub id: String,
}

/// A coded reason, as sent by the EHR.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct ReasonCoding {
    /// The code system (the cards' is `urn:backcare:cds:override-reason`).
    pub system: Option<String>,
    /// The code; one of the card's `overrideReasons` is counted by name,
    /// any other as `other`.
    #[schema(min_length = 1)]
    pub code: String,
    /// Display text.
    pub display: Option<String>,
}

/// Why a card was overridden.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase")]
pub struct OverrideReason {
    /// The reason picked from the card's `overrideReasons`; only with an
    /// `overridden` outcome.
    pub reason: Option<ReasonCoding>,
    /// Free text; it may identify a patient, so it is never stored.
    pub user_comment: Option<String>,
}

/// Feedback on one card.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase")]
pub struct FeedbackItem {
    /// The card's `uuid`.
    pub card: Uuid,
    /// What the clinician did with the card.
    pub outcome: Outcome,
    /// Suggestions accepted (this service's cards carry none).
    pub accepted_suggestions: Option<Vec<AcceptedSuggestion>>,
    /// Why the card was overridden; a `reason` only with `overridden`.
    pub override_reason: Option<OverrideReason>,
    /// When.
    pub outcome_timestamp: Timestamp,
}

/// Feedback on one or more cards.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Feedback {
    /// One entry per card, 1 to 100.
    #[schema(min_items = 1, max_items = 100)]
    pub feedback: Vec<FeedbackItem>,
}

impl Feedback {
    /// The most entries one feedback call may hold, as its schema says.
    pub const MAX_ITEMS: usize = 100;

    /// Whether it keeps the rules its schema states beyond types: 1 to
    /// [`Self::MAX_ITEMS`] entries, no empty codes or ids, and a reason
    /// only for an overridden card.
    pub fn within_rules(&self) -> bool {
        (1..=Self::MAX_ITEMS).contains(&self.feedback.len())
            && self.feedback.iter().all(|item| {
                let reason = item
                    .override_reason
                    .as_ref()
                    .and_then(|r| r.reason.as_ref());
                reason.is_none_or(|r| !r.code.is_empty())
                    && (item.outcome == Outcome::Overridden || reason.is_none())
                    && item
                        .accepted_suggestions
                        .iter()
                        .flatten()
                        .all(|s| !s.id.is_empty())
            })
    }
}

/// The schemas a rule refers to but no field does.
fn add<T: ToSchema>(defs: &mut Schemas) {
    let mut found = Vec::new();
    T::schemas(&mut found);
    for (name, schema) in found {
        defs.insert(
            name,
            serde_json::to_value(schema).expect("schemas serialise"),
        );
    }
    let schema = serde_json::to_value(T::schema()).expect("schemas serialise");
    defs.insert(T::name().into_owned(), schema);
}

/// `{"$ref": …}` to the schema `name`.
fn to(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// An `if` on constant fields: `{"resourceType": "Condition"}`.
fn when(fields: &[(&str, &str)]) -> Value {
    let required: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    let properties: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!({ "const": v })))
        .collect();
    json!({ "required": required, "properties": properties })
}

/// Adds `parts` to the `allOf` of the schema `name`.
fn all_of(defs: &mut Schemas, name: &str, parts: Vec<Value>) {
    if let Some(Value::Object(schema)) = defs.get_mut(name) {
        let list = schema.entry("allOf").or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut() {
            list.extend(parts);
        }
    }
}

/// The rules of the CDS Hooks bodies that JSON Schema 2020-12 states and
/// utoipa cannot derive, applied to the schemas by name: which shape each
/// resource type has, what each STarT Back item is answered with, and that
/// only an overridden card has an override reason. The request grammar and
/// the published document both get them, so they say the same.
pub(crate) fn rules(defs: &mut Schemas) {
    if defs.contains_key("CdsRequest") {
        add::<FhirCondition>(defs);
        add::<FhirPatient>(defs);
        add::<FhirStartBackResponse>(defs);
        add::<FhirBundle>(defs);
        add::<Bothersomeness>(defs);
        let then = |condition: Value, schema: &str| json!({ "if": condition, "then": to(schema) });
        all_of(
            defs,
            "FhirResource",
            vec![
                then(when(&[("resourceType", "Condition")]), "FhirCondition"),
                then(when(&[("resourceType", "Patient")]), "FhirPatient"),
                then(
                    when(&[
                        ("resourceType", "QuestionnaireResponse"),
                        ("questionnaire", fhir::START_BACK_QUESTIONNAIRE),
                    ]),
                    "FhirStartBackResponse",
                ),
            ],
        );
        all_of(
            defs,
            "PrefetchResource",
            vec![
                to("FhirResource"),
                then(when(&[("resourceType", "Bundle")]), "FhirBundle"),
            ],
        );
        let yes_no = json!({
            "if": {
                "required": ["linkId"],
                "properties": { "linkId": { "pattern": fhir::START_BACK_YES_NO_PATTERN } }
            },
            "then": { "properties": { "answer": { "items": {
                "required": ["valueBoolean"],
                "properties": { "valueBoolean": { "type": "boolean" } }
            } } } }
        });
        let bothersomeness = json!({
            "if": when(&[("linkId", "9")]),
            "then": { "properties": { "answer": { "items": {
                "required": ["valueCoding"],
                "properties": { "valueCoding": {
                    "type": "object",
                    "required": ["code"],
                    "properties": { "code": to("Bothersomeness") }
                } }
            } } } }
        });
        all_of(defs, "FhirStartBackItem", vec![yes_no, bothersomeness]);
    }
    if defs.contains_key("FeedbackItem") {
        let accepted = json!({
            "if": when(&[("outcome", "accepted")]),
            "then": { "properties": { "overrideReason": { "properties": {
                "reason": { "type": "null" }
            } } } }
        });
        all_of(defs, "FeedbackItem", vec![accepted]);
    }
}

/// Feedback was received.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackReceipt {
    /// Entries received.
    pub received: usize,
    /// Entries counted: those that were a card's first feedback.
    pub counted: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The UUID pattern is [`is_uuid`].
        #[test]
        fn the_uuid_pattern_is_the_parser(
            text in prop_oneof![any::<String>(), "[0-9a-fA-Fg-]{30,40}", "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-fé]{4}-[0-9a-f]{11,13}"]
        ) {
            let pattern = regex::Regex::new(UUID_PATTERN).unwrap();
            prop_assert_eq!(pattern.is_match(&text), is_uuid(&text), "`{}`", text);
        }
    }

    /// Every pattern the document states names its form, for errors.
    #[test]
    fn every_pattern_has_a_title() {
        fn walk(v: &Value, at: &str) {
            match v {
                Value::Object(map) => {
                    // The `if`s test patterns without naming them.
                    if map.contains_key("pattern") && !at.ends_with("/if/properties/linkId") {
                        assert!(map.get("title").is_some_and(Value::is_string), "{at}");
                    }
                    for (k, v) in map {
                        walk(v, &format!("{at}/{k}"));
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, at)),
                _ => {}
            }
        }
        walk(crate::http::openapi(), "");
    }
}
