//! CDS Hooks 2.0 wire types. Field names follow the specification
//! (camelCase), unlike the rest of this API.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

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
    pub system: String,
    /// The code.
    pub code: String,
    /// Its display text.
    pub display: String,
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

/// The hooks this service answers.
#[derive(Debug, Serialize, ToSchema)]
pub enum Hook {
    /// The clinician opened the patient's chart.
    #[serde(rename = "patient-view")]
    PatientView,
}

/// A clinician's response to a card.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The card was accepted.
    Accepted,
    /// The card was overridden.
    Overridden,
}

/// The context of a `patient-view` hook.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatientViewContext {
    /// The user viewing the chart (`Practitioner/123`).
    pub user_id: Option<String>,
    /// The patient's FHIR id.
    #[schema(pattern = "^[A-Za-z0-9.-]{1,64}$", example = "1288992")]
    pub patient_id: String,
    /// The encounter, if any.
    pub encounter_id: Option<String>,
}

/// A CDS Hooks call for the `patient-view` hook.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CdsRequest {
    /// The hook: this service answers `patient-view` only.
    pub hook: Hook,
    /// This call's UUID.
    #[schema(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        example = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"
    )]
    pub hook_instance: String,
    /// The EHR's FHIR server. Accepted but not called: the service works
    /// only from `prefetch`, so it needs no access to patient records.
    pub fhir_server: Option<String>,
    /// Accepted but not used, for the same reason.
    #[schema(value_type = Option<Object>)]
    pub fhir_authorization: Option<serde_json::Value>,
    /// The hook context.
    pub context: PatientViewContext,
    /// FHIR resources by prefetch key: a Patient, a Bundle (search set) of
    /// Conditions, and STarT Back QuestionnaireResponses. Any key may be
    /// null or absent; the card then says what it could not use.
    #[schema(value_type = Option<Object>)]
    pub prefetch: Option<serde_json::Value>,
    /// Extensions; accepted and not used.
    #[schema(value_type = Option<Object>)]
    pub extension: Option<serde_json::Value>,
}

/// A suggestion the clinician accepted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptedSuggestion {
    /// The suggestion's id.
    pub id: String,
}

/// A coded reason, as sent by the EHR.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonCoding {
    /// The code system (the cards' is `urn:backcare:cds:override-reason`).
    pub system: Option<String>,
    /// The code; one of the card's `overrideReasons` is counted by name,
    /// any other as `other`.
    pub code: String,
    /// Display text.
    pub display: Option<String>,
}

/// Why a card was overridden.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OverrideReason {
    /// The reason picked from the card's `overrideReasons`.
    pub reason: Option<ReasonCoding>,
    /// Free text; it may identify a patient, so it is never stored.
    pub user_comment: Option<String>,
}

/// Feedback on one card.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FeedbackItem {
    /// The card's `uuid`.
    #[schema(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub card: String,
    /// What the clinician did with the card.
    pub outcome: Outcome,
    /// Suggestions accepted (this service's cards carry none).
    pub accepted_suggestions: Option<Vec<AcceptedSuggestion>>,
    /// Why the card was overridden; only with `overridden`.
    pub override_reason: Option<OverrideReason>,
    /// When (FHIR instant, or a date): year 0001 or later, a day that exists.
    #[schema(
        pattern = "^([0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?$",
        example = "2026-11-21T10:00:00Z"
    )]
    pub outcome_timestamp: String,
}

/// Feedback on one or more cards.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// One entry per card, 1 to 100.
    #[schema(min_items = 1, max_items = 100)]
    pub feedback: Vec<FeedbackItem>,
}

/// Feedback was counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackReceipt {
    /// Entries counted.
    pub received: usize,
}
