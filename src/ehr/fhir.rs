//! Reading a CDS Hooks `prefetch` (FHIR R4 resources) into a [`Record`]:
//! the patient's age, their conditions and red flags mapped through the
//! catalog's SNOMED CT codes, how long the back pain has lasted and their
//! STarT Back answers. Everything that could not be used is kept as a note,
//! so the card can say what it did not take into account; anything
//! malformed, or another patient's, is a [`Problem`].

use serde_json::{Map, Value};

use super::dates::{Date, acp_duration};
use super::record::{Mapped, Problem, Record};
use crate::catalog::{Catalog, ConditionCategory, SnomedKind};
use crate::engine::{Bothersomeness, StartBackAnswers};

/// The code system FHIR uses for SNOMED CT.
pub const SNOMED: &str = "http://snomed.info/sct";

/// The oldest age a birth date may give; older is a data error.
const MAX_AGE: i64 = 130;

/// The canonical URL our STarT Back questionnaire responses must name.
/// Items `1` to `8` are answered with `valueBoolean` (agree = true), item
/// `9` with `valueCoding.code` from the bothersomeness vocabulary.
pub const START_BACK_QUESTIONNAIRE: &str = "urn:backcare:questionnaire:start-back";

/// Whether `id` is a FHIR id: 1 to 64 ASCII letters, digits, `-` or `.`.
pub fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
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

/// What a JSON value is, for problems ("must be a string, not a number").
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads resources out of a prefetch, collecting every structural problem.
pub struct Reader<'a> {
    catalog: &'a Catalog,
    patient_id: &'a str,
    /// The call's `fhirServer`, the base of absolute references.
    server: Option<&'a str>,
    today: Date,
    /// Problems that make the request malformed.
    pub errors: Vec<Problem>,
    record: Record,
    /// The earliest onset among back-pain conditions, and the code's own
    /// minimum duration in weeks.
    earliest_onset: Option<(Date, String)>,
    min_weeks: Option<(u16, String)>,
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
            errors: Vec::new(),
            record: Record::default(),
            earliest_onset: None,
            min_weeks: None,
        }
    }

    /// A note for the card about the entry at `path`, which is shown as
    /// code: prefetch keys are the EHR's, so anything but the characters a
    /// path is made of becomes `?`, and a long path is cut.
    fn note(&mut self, path: &str, text: String) {
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

    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(Problem::new(path, message));
    }

    fn object<'v>(&mut self, v: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(map) => Some(map),
            other => {
                self.error(path, format!("must be an object, not {}", kind_of(other)));
                None
            }
        }
    }

    fn array<'v>(&mut self, v: Option<&'v Value>, path: &str) -> &'v [Value] {
        match v {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.error(path, format!("must be an array, not {}", kind_of(other)));
                &[]
            }
        }
    }

    fn string<'v>(&mut self, v: Option<&'v Value>, path: &str) -> Option<&'v str> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.error(path, format!("must be a string, not {}", kind_of(other)));
                None
            }
        }
    }

    /// Reads one prefetch entry: a resource, a Bundle of them, or null
    /// (the EHR could not fetch it).
    pub fn entry(&mut self, key: &str, value: &Value) {
        let path = format!("prefetch.{key}");
        if value.is_null() {
            self.note(&path, "was empty: the EHR did not supply it".to_owned());
            return;
        }
        self.resource(value, &path, true);
    }

    fn resource(&mut self, value: &Value, path: &str, bundles: bool) {
        let Some(map) = self.object(value, path) else {
            return;
        };
        let at = format!("{path}.resourceType");
        let Some(kind) = self.string(map.get("resourceType"), &at) else {
            if map.get("resourceType").is_none_or(Value::is_null) {
                self.error(&at, "is required: every FHIR resource names its type");
            }
            return;
        };
        // FHIR resource types are capitalised names ("Condition").
        let well_formed = kind.len() <= 64
            && kind.starts_with(|c: char| c.is_ascii_uppercase())
            && kind.chars().all(|c| c.is_ascii_alphabetic());
        if !well_formed {
            self.error(&at, format!("`{kind}` is not a FHIR resource type"));
            return;
        }
        match kind {
            "Bundle" if bundles => {
                let at = format!("{path}.entry");
                let entries = self.array(map.get("entry"), &at);
                let mut conditions = false;
                for (i, entry) in entries.iter().enumerate() {
                    let at = format!("{path}.entry[{i}]");
                    let Some(entry) = self.object(entry, &at) else {
                        continue;
                    };
                    match entry.get("resource") {
                        Some(resource) => {
                            conditions |= resource["resourceType"] == "Condition";
                            self.resource(resource, &format!("{at}.resource"), false);
                        }
                        None => self.error(&format!("{at}.resource"), "is required"),
                    }
                }
                // An empty search result still says "no active conditions".
                if entries.is_empty() || conditions {
                    self.record.has_conditions = true;
                }
            }
            "Condition" => {
                self.record.has_conditions = true;
                self.condition(map, path);
            }
            "Patient" => self.patient(map, path),
            "QuestionnaireResponse" => self.questionnaire_response(map, path),
            "OperationOutcome" => self.note(
                path,
                "is an OperationOutcome: the EHR reported a problem fetching it".to_owned(),
            ),
            other => self.note(
                path,
                format!("is a {other}, which this service does not use"),
            ),
        }
    }

    /// Whether the resource's `field` reference names the context's patient;
    /// another patient is an error, no subject at all is false.
    fn check_subject(&mut self, map: &Map<String, Value>, field: &str, path: &str) -> bool {
        let at = format!("{path}.{field}.reference");
        let reference = match map.get(field) {
            Some(Value::Object(subject)) => self.string(subject.get("reference"), &at),
            None | Some(Value::Null) => None,
            Some(other) => {
                self.error(
                    &format!("{path}.{field}"),
                    format!("must be a Reference object, not {}", kind_of(other)),
                );
                None
            }
        };
        let Some(reference) = reference else {
            return false;
        };
        if patient_reference(reference, self.server) == Some(self.patient_id) {
            return true;
        }
        self.error(
            &at,
            format!(
                "`{reference}` is not the context's patient `Patient/{}`: refusing to mix records",
                self.patient_id
            ),
        );
        false
    }

    /// The codes of a CodeableConcept's codings from `system`.
    fn codes<'v>(
        &mut self,
        concept: Option<&'v Value>,
        path: &str,
    ) -> Vec<(&'v str, Option<&'v str>, Option<&'v str>)> {
        let Some(concept) = concept.filter(|c| !c.is_null()) else {
            return Vec::new();
        };
        let Some(map) = self.object(concept, path) else {
            return Vec::new();
        };
        let codings = self.array(map.get("coding"), &format!("{path}.coding"));
        let mut out = Vec::new();
        for (i, coding) in codings.iter().enumerate() {
            let at = format!("{path}.coding[{i}]");
            let Some(c) = self.object(coding, &at) else {
                continue;
            };
            let system = self.string(c.get("system"), &format!("{at}.system"));
            let code = self.string(c.get("code"), &format!("{at}.code"));
            let display = self.string(c.get("display"), &format!("{at}.display"));
            if let Some(code) = code {
                out.push((code, system, display));
            }
        }
        out
    }

    fn condition(&mut self, map: &Map<String, Value>, path: &str) {
        let ours = self.check_subject(map, "subject", path);
        let clinical = self.codes(map.get("clinicalStatus"), &format!("{path}.clinicalStatus"));
        let verification = self.codes(
            map.get("verificationStatus"),
            &format!("{path}.verificationStatus"),
        );
        let inactive = clinical
            .iter()
            .any(|(code, _, _)| matches!(*code, "inactive" | "remission" | "resolved"));
        let void = verification
            .iter()
            .any(|(code, _, _)| matches!(*code, "refuted" | "entered-in-error"));
        let codes = self.codes(map.get("code"), &format!("{path}.code"));
        let text = map
            .get("code")
            .and_then(|c| c.get("text"))
            .and_then(Value::as_str);
        let onset = self.onset(map, path);
        // FHIR requires a subject; without one nothing says whose it is.
        if !ours {
            if map.get("subject").is_none_or(Value::is_null) {
                self.note(path, "names no subject: not used".to_owned());
            }
            return;
        }
        if inactive || void {
            self.record.not_active += 1;
            return;
        }
        let mut snomed = false;
        for (code, system, display) in codes {
            if system != Some(SNOMED) {
                continue;
            }
            snomed = true;
            if !self.map_code(code, onset.as_ref()) {
                self.record
                    .unknown_codes
                    .push((code.to_owned(), display.unwrap_or("no display").to_owned()));
            }
        }
        if !snomed {
            let label = text.map_or_else(|| "a condition without text".to_owned(), str::to_owned);
            self.record.uncoded.push(label);
        }
    }

    /// When the condition began: `onsetDateTime`, `onsetPeriod.start`, or
    /// failing those `recordedDate` (the pain began no later than that).
    fn onset(&mut self, map: &Map<String, Value>, path: &str) -> Option<(Date, String)> {
        let candidates = [
            ("onsetDateTime", map.get("onsetDateTime")),
            (
                "onsetPeriod.start",
                map.get("onsetPeriod").and_then(|p| p.get("start")),
            ),
            ("recordedDate", map.get("recordedDate")),
        ];
        for (field, value) in candidates {
            let at = format!("{path}.{field}");
            if let Some(text) = self.string(value, &at) {
                match Date::parse(text) {
                    Some(date) if date.days() > self.today.days() + 1 => {
                        self.error(&at, format!("`{text}` is in the future"));
                        return None;
                    }
                    Some(date) => return Some((date, format!("{field} {text}"))),
                    None => {
                        self.error(&at, format!("`{text}` is not a FHIR date or dateTime"));
                        return None;
                    }
                }
            }
        }
        None
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

    fn patient(&mut self, map: &Map<String, Value>, path: &str) {
        self.record.has_patient = true;
        if let Some(id) = self.string(map.get("id"), &format!("{path}.id"))
            && id != self.patient_id
        {
            self.error(
                &format!("{path}.id"),
                format!(
                    "`{id}` is not the context's patientId `{}`: refusing to mix records",
                    self.patient_id
                ),
            );
        }
        let at = format!("{path}.birthDate");
        if let Some(text) = self.string(map.get("birthDate"), &at) {
            // A day's grace: today in UTC is yesterday east of it.
            match Date::parse_date(text) {
                Some(born) if born.days() > self.today.days() + 1 => {
                    self.error(&at, format!("`{text}` is in the future"))
                }
                Some(born) if born.years_until(self.today) > MAX_AGE => self.error(
                    &at,
                    format!("`{text}` is more than {MAX_AGE} years ago: not a real birth date"),
                ),
                Some(born) => {
                    self.record.age = u8::try_from(born.years_until(self.today).max(0)).ok();
                }
                None => self.error(&at, format!("`{text}` is not a FHIR date")),
            }
        }
    }

    fn questionnaire_response(&mut self, map: &Map<String, Value>, path: &str) {
        let questionnaire = map.get("questionnaire").and_then(Value::as_str);
        if questionnaire != Some(START_BACK_QUESTIONNAIRE) {
            self.note(
                path,
                format!("answers a questionnaire other than `{START_BACK_QUESTIONNAIRE}`"),
            );
            return;
        }
        if !self.check_subject(map, "subject", path) {
            if map.get("subject").is_none_or(Value::is_null) {
                self.note(path, "names no subject: not used".to_owned());
            }
            return;
        }
        let status = map.get("status").and_then(Value::as_str);
        if !matches!(status, Some("completed" | "amended")) {
            self.note(
                path,
                "is not completed: STarT Back not scored from it".to_owned(),
            );
            return;
        }
        let at = format!("{path}.authored");
        let authored = self.string(map.get("authored"), &at).map(str::to_owned);
        if let Some(text) = &authored
            && Date::parse(text).is_none()
        {
            self.error(&at, format!("`{text}` is not a FHIR dateTime"));
        }
        let items = self.array(map.get("item"), &format!("{path}.item"));
        let mut yes = [None::<bool>; 8];
        let mut bother = None;
        for (i, item) in items.iter().enumerate() {
            let at = format!("{path}.item[{i}]");
            let Some(item) = self.object(item, &at) else {
                continue;
            };
            let link = self.string(item.get("linkId"), &format!("{at}.linkId"));
            let answers = self.array(item.get("answer"), &format!("{at}.answer"));
            let Some(answer) = answers.first().and_then(Value::as_object) else {
                continue;
            };
            match link.and_then(start_back_item) {
                Some(n @ 1..=8) => match answer.get("valueBoolean").and_then(Value::as_bool) {
                    Some(b) => yes[n - 1] = Some(b),
                    None => self.error(
                        &format!("{at}.answer[0].valueBoolean"),
                        "items 1 to 8 are answered true or false",
                    ),
                },
                Some(9) => {
                    let code = answer
                        .get("valueCoding")
                        .and_then(|c| c.get("code"))
                        .and_then(Value::as_str);
                    match code.map(str::parse::<Bothersomeness>) {
                        Some(Ok(b)) => bother = Some(b),
                        Some(Err(e)) => self.error(&format!("{at}.answer[0].valueCoding.code"), e),
                        None => self.error(
                            &format!("{at}.answer[0].valueCoding.code"),
                            "item 9 is answered with a bothersomeness code",
                        ),
                    }
                }
                _ => self.error(
                    &format!("{at}.linkId"),
                    "STarT Back items are linkId `1` to `9`",
                ),
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
            self.note(
                path,
                "does not answer all nine STarT Back items: not scored".to_owned(),
            );
            return;
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

    /// The record, once every entry has been read.
    pub fn finish(mut self) -> Record {
        self.record.conditions.sort();
        self.record.conditions.dedup();
        self.record.red_flags.sort();
        self.record.red_flags.dedup();
        let weeks_since = self
            .earliest_onset
            .as_ref()
            .map(|(date, why)| ((self.today.days() - date.days()).max(0), why.clone()));
        let from_onset = weeks_since.map(|(days, why)| (days, format!("from {why}")));
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
        self.record
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(prefetch: Value, today: Date) -> (Record, Vec<Problem>) {
        let catalog = Catalog::embedded().expect("embedded content is valid");
        let mut reader = Reader::new(&catalog, "p1", None, today);
        for (key, value) in prefetch.as_object().expect("an object") {
            reader.entry(key, value);
        }
        let errors = std::mem::take(&mut reader.errors);
        (reader.finish(), errors)
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
        let (record, errors) = read(prefetch, today);
        assert_eq!(errors, []);
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
        let (_, errors) = read(prefetch, today);
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

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

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
