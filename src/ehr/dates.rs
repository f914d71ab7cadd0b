//! Civil dates as FHIR writes them, and how long pain has lasted.
//!
//! FHIR `date`s may be partial (`2024`, `2024-03`) and `dateTime`s carry a
//! zone; the parsers here work on bytes and accept nothing but ASCII digits
//! where digits go, so no input can panic or sneak in a sign or a
//! full-width digit. Day arithmetic is H. Hinnant's civil-date algorithm:
//! no date crate is needed for days since the epoch and whole years.

use serde::de::{self, Deserialize, Deserializer};

use crate::catalog::Duration;

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

// The lexical forms below, as the ECMA-262 regular expressions JSON Schema
// uses, built from parts so each is written once. A regular expression can
// say which days exist, leap days included, so these are exact: a unit test
// holds each to its parser.
macro_rules! year {
    () => {
        "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
    };
}
macro_rules! month {
    () => {
        "(?:0[1-9]|1[0-2])"
    };
}
// A day that exists: up to the 28th in any month, the 29th and 30th in all
// but February, the 31st in the long months, and the 29th of February in
// years divisible by 4 but not 100, or by 400 (year 0 is no year).
macro_rules! full_date {
    () => {
        concat!(
            "(?:",
            year!(),
            "-(?:",
            month!(),
            "-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)",
            "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29)"
        )
    };
}
macro_rules! time {
    () => {
        "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
    };
}

/// What [`Date::parse_date`] accepts: a FHIR `date`, year, year and month,
/// or a full date.
pub const DATE_PATTERN: &str =
    concat!("^(?:", year!(), "(?:-", month!(), ")?|", full_date!(), ")$");

/// What [`Date::parse`] accepts: a FHIR `dateTime`, a `date` or a full date
/// with a time and a zone.
pub const DATE_TIME_PATTERN: &str = concat!(
    "^(?:",
    year!(),
    "(?:-",
    month!(),
    ")?|",
    full_date!(),
    "(?:",
    time!(),
    ")?)$"
);

/// What [`is_date_time`] accepts: a full date, optionally with a time and
/// a zone.
pub const TIMESTAMP_PATTERN: &str = concat!("^", full_date!(), "(?:", time!(), ")?$");

/// A FHIR `date` as written (`Patient.birthDate`), with the day it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirDate {
    /// The latest day it can mean.
    pub date: Date,
    /// As written, for notes.
    pub text: String,
}

/// A FHIR `dateTime` as written (`Condition.onsetDateTime`), with its day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FhirDateTime {
    /// The latest day it can mean.
    pub date: Date,
    /// As written, for notes and for ordering responses of one form.
    pub text: String,
}

impl<'de> Deserialize<'de> for FhirDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match Date::parse_date(&text) {
            Some(date) => Ok(Self { date, text }),
            None => Err(de::Error::custom(format!("`{text}` is not a FHIR date"))),
        }
    }
}

impl<'de> Deserialize<'de> for FhirDateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match Date::parse(&text) {
            Some(date) => Ok(Self { date, text }),
            None => Err(de::Error::custom(format!(
                "`{text}` is not a FHIR dateTime"
            ))),
        }
    }
}

/// How long pain has lasted, by the American College of Physicians' 2017
/// guideline: acute under 4 weeks, subacute 4 to 12 weeks, chronic beyond.
/// Day 28 is the first subacute day and day 84 the last.
pub fn acp_duration(days: i64) -> Duration {
    if days < 28 {
        Duration::Acute
    } else if days <= 84 {
        Duration::Subacute
    } else {
        Duration::Chronic
    }
}

/// The weeks [`acp_duration`] gives each duration, in words.
pub fn acp_weeks(duration: Duration) -> &'static str {
    match duration {
        Duration::Acute => "under 4 weeks",
        Duration::Subacute => "4 to 12 weeks",
        Duration::Chronic => "over 12 weeks",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

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
            assert!(is_date_time(good), "{good}");
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
            assert!(!is_date_time(bad), "{bad}");
        }
        let born = Date::parse("1925-12-23").unwrap();
        assert_eq!(born.years_until(Date::parse("2026-12-22").unwrap()), 100);
        assert_eq!(born.years_until(Date::parse("2026-12-23").unwrap()), 101);
    }

    #[test]
    fn acp_durations_change_at_four_and_twelve_weeks() {
        for (days, want) in [
            (-3, Duration::Acute),
            (0, Duration::Acute),
            (27, Duration::Acute),
            (28, Duration::Subacute),
            (84, Duration::Subacute),
            (85, Duration::Chronic),
            (10_000, Duration::Chronic),
        ] {
            assert_eq!(acp_duration(days), want, "{days} days");
        }
        assert_eq!(acp_weeks(Duration::Subacute), "4 to 12 weeks");
    }

    #[test]
    fn leap_days_exist_in_leap_years_only() {
        let timestamp = regex::Regex::new(TIMESTAMP_PATTERN).unwrap();
        for (text, ok) in [
            ("2024-02-29", true),
            ("2000-02-29", true),
            ("0400-02-29", true),
            ("0004-02-29", true),
            ("1900-02-29", false),
            ("2023-02-29", false),
            ("0000-02-29", false),
            ("2024-04-31", false),
            ("2024-12-31T23:59:60Z", true),
        ] {
            assert_eq!(timestamp.is_match(text), ok, "{text}");
            assert_eq!(is_date_time(text), ok, "{text}");
        }
    }

    #[test]
    fn typed_dates_keep_their_text_and_refuse_what_the_parsers_do() {
        let d: FhirDateTime = serde_json::from_str("\"2024-03\"").unwrap();
        assert_eq!((d.date.day, d.text.as_str()), (31, "2024-03"));
        assert!(serde_json::from_str::<FhirDate>("\"2024-03-05T10:00:00Z\"").is_err());
        assert!(serde_json::from_str::<FhirDateTime>("\"2024-02-30\"").is_err());
        assert!(serde_json::from_str::<FhirDate>("5").is_err());
    }

    /// Whether `y-m-d` exists, worked out without the code under test.
    pub(crate) fn day_exists(y: u32, m: u32, d: u32) -> bool {
        let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        y >= 1 && (1..=days).contains(&d)
    }

    /// Strings close to the accepted forms: digits, separators, zone signs
    /// and a few multi-byte characters where each part goes.
    fn near_date() -> impl Strategy<Value = String> {
        let part = "[0-9+\\-é٣０]{0,5}";
        let time = "(T[0-9:é]{0,9}(\\.[0-9]{0,3})?[Z+\\-é]?[0-9:é+\\-]{0,6})?";
        let regex = |re: &str| proptest::string::string_regex(re).unwrap();
        prop_oneof![
            regex(&format!("{part}(-{part}(-{part})?)?{time}")),
            regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+\\-][0-9é:]{1,5}"),
        ]
    }

    /// `pattern` without its anchors, for proptest to generate from.
    pub(crate) fn unanchored(pattern: &str) -> &str {
        pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .expect("an anchored pattern")
    }

    /// Strings of `pattern`.
    pub(crate) fn of_pattern(pattern: &str) -> impl Strategy<Value = String> + use<> {
        proptest::string::string_regex(unanchored(pattern)).unwrap()
    }

    /// A valid timestamp with one character inserted somewhere.
    fn mutated_timestamp() -> impl Strategy<Value = String> {
        (
            of_pattern(TIMESTAMP_PATTERN),
            any::<prop::sample::Index>(),
            any::<char>(),
        )
            .prop_map(|(s, at, c)| {
                let cut = s
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([s.len()])
                    .nth(at.index(s.chars().count() + 1))
                    .unwrap();
                format!("{}{c}{}", &s[..cut], &s[cut..])
            })
    }

    /// Any text, and text close to dates and timestamps, for fuzzing every
    /// parser a record's strings meet.
    pub(crate) fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), near_date(), mutated_timestamp()]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Dates and timestamps: no input panics, and what is accepted reads
        /// back the same from its canonical form.
        #[test]
        fn fhir_dates_never_panic_and_accept_consistently(text in any_text()) {
            let date = Date::parse(&text);
            let date_only = Date::parse_date(&text);
            let full = is_date_time(&text);
            if let Some(d) = date_only {
                prop_assert_eq!(date, Some(d), "a date is also a dateTime");
                prop_assert!(!text.contains('T'));
            }
            if full {
                prop_assert!(date.is_some(), "`{}` is a full timestamp but not a dateTime", text);
            }
            if let Some(d) = date {
                prop_assert!(text.is_ascii(), "`{}` accepted", text);
                prop_assert!(d.year >= 1 && (1..=12).contains(&d.month));
                prop_assert!(day_exists(d.year as u32, d.month, d.day), "{:?}", d);
                let canonical = d.to_string();
                prop_assert_eq!(Date::parse(&canonical), Some(d));
                prop_assert_eq!(Date::parse_date(&canonical), Some(d));
                prop_assert!(is_date_time(&canonical));
                let midnight = format!("{canonical}T00:00:00Z");
                prop_assert!(is_date_time(&midnight));
                prop_assert_eq!(Date::from_days(d.days()), d);
            }
        }

        /// Each documented pattern accepts exactly what its parser does, on
        /// text near dates and on text of the pattern with a day that may
        /// not exist.
        #[test]
        fn each_pattern_is_its_parser(
            text in prop_oneof![
                any_text(),
                of_pattern(DATE_TIME_PATTERN),
                "[0-9]{4}-(0[0-9]|1[0-3])-(0[0-9]|[1-3][0-9])(T10:00:00Z)?",
            ]
        ) {
            let regex = |p: &str| regex::Regex::new(p).unwrap();
            let (date, date_time, timestamp) =
                (regex(DATE_PATTERN), regex(DATE_TIME_PATTERN), regex(TIMESTAMP_PATTERN));
            prop_assert_eq!(date.is_match(&text), Date::parse_date(&text).is_some(), "date `{}`", text);
            prop_assert_eq!(date_time.is_match(&text), Date::parse(&text).is_some(), "dateTime `{}`", text);
            prop_assert_eq!(timestamp.is_match(&text), is_date_time(&text), "timestamp `{}`", text);
        }

        /// Every timestamp the pattern generates has a day that exists.
        #[test]
        fn documented_timestamps_have_days_that_exist(text in of_pattern(TIMESTAMP_PATTERN)) {
            let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap();
            prop_assert!(day_exists(number(0..4), number(5..7), number(8..10)), "`{}`", text);
            prop_assert!(is_date_time(&text), "`{}`", text);
        }
    }
}
