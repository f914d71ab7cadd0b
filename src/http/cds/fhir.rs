//! Reading a CDS Hooks `prefetch` (FHIR R4 resources) into what the engine
//! needs: the patient's age, their conditions and red flags mapped through
//! the catalog's SNOMED CT codes, how long the back pain has lasted and
//! their STarT Back answers. Everything that could not be used is kept as a
//! note, so the card can say what it did not take into account.

use serde_json::{Map, Value};

use crate::catalog::{Catalog, ConditionCategory};
use crate::engine::{Bothersomeness, Duration, StartBackAnswers};
use crate::http::FieldError;
use crate::http::extract::kind_of;

/// The code system FHIR uses for SNOMED CT.
pub const SNOMED: &str = "http://snomed.info/sct";

/// The oldest age a birth date may give; older is a data error.
const MAX_AGE: i64 = 130;

/// The canonical URL our STarT Back questionnaire responses must name.
/// Items `1` to `8` are answered with `valueBoolean` (agree = true), item
/// `9` with `valueCoding.code` from the bothersomeness vocabulary.
pub const START_BACK_QUESTIONNAIRE: &str = "urn:backcare:questionnaire:start-back";

/// A calendar date, for onsets and birth dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day, 1 to 31.
    pub day: u32,
}

impl Date {
    /// Today in UTC.
    pub fn today() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// Days since 1970-01-01 (H. Hinnant's civil-date algorithm).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// A FHIR `date` or `dateTime` (`2024`, `2024-03`, `2024-03-05`,
    /// `2024-03-05T10:00:00Z`). A partial date means its latest day, so
    /// durations and ages come out no longer than they can be. A time needs
    /// a full date and a zone, as FHIR says.
    pub fn parse(text: &str) -> Option<Self> {
        match text.split_once('T') {
            None => Self::parse_date(text),
            Some((date, time)) if date.len() == 10 && is_time_with_zone(time) => {
                Self::parse_date(date)
            }
            Some(_) => None,
        }
    }

    /// A FHIR `date` only (`2024`, `2024-03`, `2024-03-05`): four-digit
    /// years from 0001, and a day that exists. Nothing but ASCII digits and
    /// `-`, so `+999` or `２０２４` are not years.
    pub fn parse_date(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let year = digits(parts.next()?, 4).filter(|y| *y >= 1)?;
        let year = i32::try_from(year).ok()?;
        let month = match parts.next() {
            Some(m) => digits(m, 2).filter(|m| (1..=12).contains(m))?,
            None => 12,
        };
        let last = Self::last_day(year, month);
        let day = match parts.next() {
            Some(d) => digits(d, 2).filter(|d| (1..=last).contains(d))?,
            None => last,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Self { year, month, day })
    }

    fn last_day(year: i32, month: u32) -> u32 {
        let next = if month == 12 {
            Self {
                year: year + 1,
                month: 1,
                day: 1,
            }
        } else {
            Self {
                year,
                month: month + 1,
                day: 1,
            }
        };
        Self::from_days(next.days() - 1).day
    }

    /// Whole years from `self` to `on`.
    pub fn years_until(self, on: Date) -> i64 {
        let mut years = i64::from(on.year - self.year);
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

impl std::fmt::Display for Date {
    /// `YYYY-MM-DD`, which [`Date::parse`] reads back as the same date.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `text` as a number when it is exactly `len` ASCII digits.
fn digits(text: &str, len: usize) -> Option<u32> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

/// Whether `text` is a full FHIR date, optionally with a time and zone:
/// `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm)`, with a day
/// that exists. The documented pattern for `outcomeTimestamp` says the same.
pub fn is_date_time(text: &str) -> bool {
    let date = text.split_once('T').map_or(text, |(date, _)| date);
    date.len() == 10 && Date::parse(text).is_some()
}

/// `hh:mm:ss[.fff]` then `Z` or `+hh:mm` / `-hh:mm` (at most 14:00).
/// Works on bytes and checks that each is ASCII before reading it as a
/// number, so no input can split a multi-byte character.
fn is_time_with_zone(time: &str) -> bool {
    let two = |s: &[u8], max: u32| {
        s.len() == 2
            && s.iter().all(u8::is_ascii_digit)
            && u32::from(s[0] - b'0') * 10 + u32::from(s[1] - b'0') <= max
    };
    let bytes = time.as_bytes();
    let Some(zone_at) = bytes.iter().position(|b| matches!(b, b'Z' | b'+' | b'-')) else {
        return false;
    };
    let (clock, zone) = bytes.split_at(zone_at);
    let (hms, fraction) = match clock.iter().position(|b| *b == b'.') {
        Some(dot) => (&clock[..dot], Some(&clock[dot + 1..])),
        None => (clock, None),
    };
    let clock_ok = hms.len() == 8
        && hms[2] == b':'
        && hms[5] == b':'
        && two(&hms[0..2], 23)
        && two(&hms[3..5], 59)
        && two(&hms[6..8], 60)
        && fraction.is_none_or(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit));
    let zone_ok = zone == b"Z"
        || (zone.len() == 6 && zone[3] == b':' && {
            let (h, m) = (&zone[1..3], &zone[4..6]);
            two(h, 14) && two(m, 59) && (h != b"14" || m == b"00")
        });
    clock_ok && zone_ok
}

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

/// A catalog entry a record mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// The SNOMED CT code in the record.
    pub code: String,
    /// The catalog's display term for it.
    pub display: String,
    /// `condition` or `red-flag`.
    pub kind: &'static str,
    /// The catalog id.
    pub id: String,
}

/// What the prefetch told us, and what it did not.
#[derive(Debug, Default)]
pub struct Record {
    /// Age in whole years, from `Patient.birthDate`.
    pub age: Option<u8>,
    /// Catalog condition ids, sorted, without repeats.
    pub conditions: Vec<String>,
    /// Catalog red-flag ids, sorted, without repeats.
    pub red_flags: Vec<String>,
    /// Each code that mapped, in record order.
    pub mapped: Vec<Mapped>,
    /// SNOMED CT codes the catalog does not know: (code, display).
    pub unknown_codes: Vec<(String, String)>,
    /// Active conditions with no SNOMED CT coding, by their text.
    pub uncoded: Vec<String>,
    /// Conditions skipped because they are resolved, inactive, refuted or
    /// entered in error.
    pub not_active: usize,
    /// How long the back pain has lasted, and how we know.
    pub duration: Option<(Duration, String)>,
    /// Whether any Condition list was in the prefetch at all.
    pub has_conditions: bool,
    /// Whether a Patient resource was in the prefetch.
    pub has_patient: bool,
    /// The newest completed STarT Back questionnaire response.
    pub start_back: Option<(StartBackAnswers, Option<String>)>,
    /// Prefetch entries and resources not used, and why.
    pub notes: Vec<String>,
}

impl Record {
    /// Whether anything in the record is about back pain: a presentation
    /// condition or a red flag, or STarT Back answers.
    pub fn concerns_back_pain(&self, catalog: &Catalog) -> bool {
        !self.red_flags.is_empty()
            || self.start_back.is_some()
            || self.conditions.iter().any(|id| {
                catalog
                    .condition(id)
                    .is_some_and(|c| c.category == ConditionCategory::Presentation)
            })
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
    pub errors: Vec<FieldError>,
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
        self.errors.push(FieldError::new(path, message));
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

    /// Maps a SNOMED CT code through the catalog; false when unknown.
    fn map_code(&mut self, code: &str, onset: Option<&(Date, String)>) -> bool {
        let mut found = false;
        for c in &self.catalog.conditions {
            if let Some(concept) = c.snomed.iter().find(|s| s.code == code) {
                found = true;
                self.record.conditions.push(c.id.clone());
                self.record.mapped.push(Mapped {
                    code: code.to_owned(),
                    display: concept.display.clone(),
                    kind: "condition",
                    id: c.id.clone(),
                });
                if c.category == ConditionCategory::Presentation {
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
        }
        for f in &self.catalog.red_flags {
            if let Some(concept) = f.snomed.iter().find(|s| s.code == code) {
                found = true;
                self.record.red_flags.push(f.id.clone());
                self.record.mapped.push(Mapped {
                    code: code.to_owned(),
                    display: concept.display.clone(),
                    kind: "red-flag",
                    id: f.id.clone(),
                });
            }
        }
        found
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
        self.record.duration = longest.map(|(days, why)| {
            // ACP 2017: acute under 4 weeks, subacute 4 to 12, chronic beyond.
            let duration = if days < 28 {
                Duration::Acute
            } else if days <= 84 {
                Duration::Subacute
            } else {
                Duration::Chronic
            };
            (duration, why)
        });
        self.record
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn dates_round_trip_and_partial_dates_take_their_last_day() {
        for days in [-1000, 0, 59, 60, 11_016, 20_000, 40_000] {
            assert_eq!(Date::from_days(days).days(), days);
        }
        assert_eq!(
            Date::parse("2024-02"),
            Some(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        assert_eq!(
            Date::parse("2023"),
            Some(Date {
                year: 2023,
                month: 12,
                day: 31
            })
        );
        assert_eq!(
            Date::parse("2024-03-05T10:00:00+01:00"),
            Some(Date {
                year: 2024,
                month: 3,
                day: 5
            })
        );
        assert_eq!(Date::parse("2024-13-01"), None);
        assert_eq!(Date::parse("yesterday"), None);
        for good in [
            "2026-11-21",
            "2026-11-21T10:00:00Z",
            "2026-02-28T23:59:60.123+14:00",
            "2026-11-21T10:00:00-05:30",
        ] {
            assert!(super::is_date_time(good), "{good}");
        }
        for bad in [
            "2026-11",
            "2026-02-30",
            "2026-11-21T61:00:00Z",
            "2026-11-21T10:00:00Z*",
            "2026-11-21T10:00Z",
            "2026-11-21T10:00:00",
            "2026-11-21T10:00:00+15:00",
            "2026-11-21T10:00:00.Z",
        ] {
            assert!(!super::is_date_time(bad), "{bad}");
        }
        let born = Date::parse("1925-12-23").unwrap();
        assert_eq!(born.years_until(Date::parse("2026-12-22").unwrap()), 100);
        assert_eq!(born.years_until(Date::parse("2026-12-23").unwrap()), 101);
    }
}
