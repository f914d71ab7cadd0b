//! Prometheus metrics, kept in-process and rendered as text on the admin
//! listener. Every label value comes from a closed set: routes are route
//! templates (or `<unmatched>`), never raw paths or queries, and methods are
//! the nine standard ones or `other`. A label taken from the request as sent
//! would let each made-up value add a series that is kept for ever.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use axum::http::Method;

use crate::catalog::Catalog;

/// The method label: one of the standard methods, or `other` for any
/// extension method a client makes up.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "other",
    }
}

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Debug, Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// One route's counts; a route sees few (method, status) pairs, so a small
/// vector searched in place avoids allocating on the hot path.
#[derive(Debug, Default)]
struct Route {
    /// (method label, status, requests).
    requests: Vec<(&'static str, u16, u64)>,
    latency: Histogram,
}

#[derive(Debug, Default)]
struct Routes {
    by_route: BTreeMap<String, Route>,
}

/// Counters and histograms for the service.
#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<Routes>,
    in_flight: AtomicI64,
    shed: AtomicU64,
    connections_open: AtomicI64,
    connections_refused: AtomicU64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    /// CDS cards served, by indicator (info, warning, critical).
    cds_cards: [AtomicU64; 3],
    /// CDS feedback: accepted, then overridden by each known reason, then
    /// overridden for another or no reason.
    cds_feedback: [AtomicU64; CDS_FEEDBACK.len()],
    /// CDS calls refused with 401, by reason (`CDS_AUTH_REASONS`).
    cds_auth_failures: [AtomicU64; CDS_AUTH_REASONS.len()],
    /// The cards whose feedback has been counted.
    feedback_counted: Mutex<Remembered>,
}

/// How many cards' feedback is remembered as counted: enough for days of
/// a busy clinic, and at most about 2 MB.
pub const FEEDBACK_REMEMBERED: usize = 65_536;

/// Cards (by their 128-bit id) whose feedback was counted, oldest first,
/// so each card counts once however often it is sent; past
/// [`FEEDBACK_REMEMBERED`] the oldest are forgotten.
#[derive(Debug, Default)]
struct Remembered {
    order: VecDeque<u128>,
    cards: HashSet<u128>,
}

/// Why CDS calls were refused, in the order of `Metrics::cds_auth_failures`:
/// the labels of `cds::auth::Failure`, a closed set so a forger cannot add
/// series.
const CDS_AUTH_REASONS: [&str; 6] = [
    "missing",
    "malformed",
    "signature",
    "claims",
    "replay",
    "issuer",
];

/// Indicator labels, in the order of `Metrics::cds_cards`.
const CDS_INDICATORS: [&str; 3] = ["info", "warning", "critical"];

/// (outcome, reason) labels, in the order of `Metrics::cds_feedback`. The
/// reasons are the cards' own override reasons, so the label set is bounded.
const CDS_FEEDBACK: [(&str, &str); 7] = [
    ("accepted", ""),
    ("overridden", "already-addressed"),
    ("overridden", "not-back-pain"),
    ("overridden", "patient-declined"),
    ("overridden", "clinical-judgement"),
    ("overridden", "other"),
    ("overridden", "none"),
];

impl Metrics {
    /// A request started: how many are in flight now, counting it. The
    /// caller must call [`Metrics::end`] once for every start, including
    /// when the client goes away mid-request.
    pub fn start(&self) -> i64 {
        self.in_flight.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A request that started has ended.
    pub fn end(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    /// A request finished on `route` (a route template or `<unmatched>`)
    /// with `status` after `latency`.
    pub fn finish(&self, route: &str, method: &Method, status: u16, latency: Duration) {
        let method = method_label(method);
        let seconds = latency.as_secs_f64();
        // A poisoned lock only means another request panicked mid-update;
        // the counters are still usable.
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let r = match routes.by_route.get_mut(route) {
            Some(r) => r,
            None => routes.by_route.entry(route.to_owned()).or_default(),
        };
        match r
            .requests
            .iter_mut()
            .find(|(m, s, _)| *m == method && *s == status)
        {
            Some((_, _, n)) => *n += 1,
            None => {
                r.requests.push((method, status, 1));
                r.requests.sort();
            }
        }
        let h = &mut r.latency;
        h.count += 1;
        h.sum += seconds;
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            h.buckets[i] += 1;
        }
    }

    /// A CDS card was served.
    pub fn cds_card(&self, indicator: &str) {
        if let Some(i) = CDS_INDICATORS.iter().position(|x| *x == indicator) {
            self.cds_cards[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A clinician accepted or overrode `card` (its id as a number), with
    /// the override reason's code if any; codes the cards do not offer
    /// count as `other`. Only a card's first feedback counts: whether this
    /// one did.
    pub fn cds_feedback(&self, card: u128, outcome: &str, reason: Option<&str>) -> bool {
        {
            let mut seen = self
                .feedback_counted
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if !seen.cards.insert(card) {
                return false;
            }
            seen.order.push_back(card);
            if seen.order.len() > FEEDBACK_REMEMBERED
                && let Some(oldest) = seen.order.pop_front()
            {
                seen.cards.remove(&oldest);
            }
        }
        let reason = match (outcome, reason) {
            ("accepted", _) => "",
            (_, None) => "none",
            (_, Some(code)) => CDS_FEEDBACK
                .iter()
                .find(|(_, known)| *known == code && code != "other" && code != "none")
                .map_or("other", |(_, known)| known),
        };
        if let Some(i) = CDS_FEEDBACK
            .iter()
            .position(|(o, r)| *o == outcome && *r == reason)
        {
            self.cds_feedback[i].fetch_add(1, Ordering::Relaxed);
        }
        true
    }

    /// A CDS call was refused with 401 for `reason` (a label of
    /// `cds::auth::Failure`; others are not counted).
    pub fn cds_auth_failure(&self, reason: &str) {
        if let Some(i) = CDS_AUTH_REASONS.iter().position(|r| *r == reason) {
            self.cds_auth_failures[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A connection opened (`true`) or closed (`false`).
    pub fn connection(&self, opened: bool) {
        self.connections_open
            .fetch_add(if opened { 1 } else { -1 }, Ordering::Relaxed);
    }

    /// A connection was refused because as many as allowed were open.
    pub fn connection_refused(&self) {
        self.connections_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// A request was refused because the service was saturated.
    pub fn shed(&self) {
        self.shed.fetch_add(1, Ordering::Relaxed);
    }

    /// A content reload succeeded or failed.
    pub fn reload(&self, ok: bool) {
        let counter = if ok {
            &self.reloads_ok
        } else {
            &self.reloads_failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Successful and failed reloads so far.
    pub fn reloads(&self) -> (u64, u64) {
        (
            self.reloads_ok.load(Ordering::Relaxed),
            self.reloads_failed.load(Ordering::Relaxed),
        )
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self, catalog: &Catalog) -> String {
        let mut out = String::with_capacity(4096);
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP backcare_http_requests_total HTTP requests by route template, method and status.\n");
        out.push_str("# TYPE backcare_http_requests_total counter\n");
        for (route, method, status, n) in routes
            .by_route
            .iter()
            .flat_map(|(route, r)| r.requests.iter().map(move |(m, s, n)| (route, m, s, n)))
        {
            let _ = writeln!(
                out,
                "backcare_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str(
            "# HELP backcare_http_request_duration_seconds Request latency by route template.\n",
        );
        out.push_str("# TYPE backcare_http_request_duration_seconds histogram\n");
        for (route, h) in routes.by_route.iter().map(|(route, r)| (route, &r.latency)) {
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "backcare_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "backcare_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "backcare_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "backcare_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        drop(routes);
        let gauges = [
            (
                "backcare_http_requests_in_flight",
                "gauge",
                "Requests being served now.",
                self.in_flight.load(Ordering::Relaxed) as f64,
            ),
            (
                "backcare_http_requests_shed_total",
                "counter",
                "Requests refused with 503 because the service was saturated.",
                self.shed.load(Ordering::Relaxed) as f64,
            ),
            (
                "backcare_http_connections_open",
                "gauge",
                "Connections open on the public listener.",
                self.connections_open.load(Ordering::Relaxed) as f64,
            ),
            (
                "backcare_http_connections_refused_total",
                "counter",
                "Connections answered 503 and closed because as many as allowed were open.",
                self.connections_refused.load(Ordering::Relaxed) as f64,
            ),
            (
                "backcare_catalog_reloads_total",
                "counter",
                "Content reloads that were validated and swapped in.",
                self.reloads_ok.load(Ordering::Relaxed) as f64,
            ),
            (
                "backcare_catalog_reload_failures_total",
                "counter",
                "Content reloads refused because the new content was invalid.",
                self.reloads_failed.load(Ordering::Relaxed) as f64,
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out.push_str("# HELP backcare_cds_cards_total CDS Hooks cards served, by indicator.\n# TYPE backcare_cds_cards_total counter\n");
        for (indicator, n) in CDS_INDICATORS.iter().zip(&self.cds_cards) {
            let n = n.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "backcare_cds_cards_total{{indicator=\"{indicator}\"}} {n}"
            );
        }
        out.push_str("# HELP backcare_cds_feedback_total CDS Hooks card feedback, by outcome and override reason.\n# TYPE backcare_cds_feedback_total counter\n");
        for ((outcome, reason), n) in CDS_FEEDBACK.iter().zip(&self.cds_feedback) {
            let n = n.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "backcare_cds_feedback_total{{outcome=\"{outcome}\",reason=\"{reason}\"}} {n}"
            );
        }
        out.push_str("# HELP backcare_cds_auth_failures_total CDS Hooks calls refused with 401, by reason.\n# TYPE backcare_cds_auth_failures_total counter\n");
        for (reason, n) in CDS_AUTH_REASONS.iter().zip(&self.cds_auth_failures) {
            let n = n.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "backcare_cds_auth_failures_total{{reason=\"{reason}\"}} {n}"
            );
        }
        out.push_str("# HELP backcare_catalog_info The catalog version being served.\n# TYPE backcare_catalog_info gauge\n");
        let _ = writeln!(
            out,
            "backcare_catalog_info{{version=\"{}\"}} 1",
            catalog.version
        );
        out.push_str("# HELP backcare_catalog_entities Entities in the catalog being served, by kind.\n# TYPE backcare_catalog_entities gauge\n");
        for (kind, n) in catalog.counts() {
            let _ = writeln!(out, "backcare_catalog_entities{{kind=\"{kind}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP backcare_build_info The running build.\n# TYPE backcare_build_info gauge\nbackcare_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        process_metrics(&mut out);
        out
    }
}

/// The standard `process_*` metrics, read from `/proc` (Linux); on other
/// systems, or where `/proc` is not mounted, they are left out.
fn process_metrics(out: &mut String) {
    // /proc reports CPU and start times in USER_HZ ticks, fixed at 100 by
    // the kernel's ABI whatever the kernel's own tick rate.
    const TICKS: f64 = 100.0;
    if let Some(rss) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        })
    {
        let _ = writeln!(
            out,
            "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {}",
            rss * 1024
        );
    }
    if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
        let _ = writeln!(
            out,
            "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\nprocess_open_fds {}",
            fds.count()
        );
    }
    if let Some(max) = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3)?.parse::<u64>().ok())
        })
    {
        let _ = writeln!(
            out,
            "# HELP process_max_fds Maximum number of open file descriptors.\n# TYPE process_max_fds gauge\nprocess_max_fds {max}"
        );
    }
    // The fields after the command name, which is in parentheses and may
    // itself hold spaces: utime and stime are the 12th and 13th, the start
    // time the 20th.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    if let (Some(user), Some(system)) = (tick(11), tick(12)) {
        let _ = writeln!(
            out,
            "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {}",
            (user + system) as f64 / TICKS
        );
    }
    let boot = std::fs::read_to_string("/proc/stat").ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("btime "))
            .and_then(|v| v.trim().parse::<u64>().ok())
    });
    if let (Some(boot), Some(start)) = (boot, tick(19)) {
        let _ = writeln!(
            out,
            "# HELP process_start_time_seconds Start time of the process since the Unix epoch in seconds.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds {}",
            boot as f64 + start as f64 / TICKS
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A card counts once; past the remembered number of cards the oldest
    /// is forgotten, so memory stays bounded, and it counts again.
    #[test]
    fn feedback_counts_each_card_once_and_remembers_a_bounded_number() {
        let metrics = Metrics::default();
        assert!(metrics.cds_feedback(7, "accepted", None));
        assert!(!metrics.cds_feedback(7, "accepted", None));
        assert!(!metrics.cds_feedback(7, "overridden", Some("patient-declined")));
        for card in 1000..1000 + FEEDBACK_REMEMBERED as u128 {
            assert!(metrics.cds_feedback(card, "accepted", None));
        }
        let remembered = metrics.feedback_counted.lock().unwrap().cards.len();
        assert_eq!(remembered, FEEDBACK_REMEMBERED);
        assert!(
            metrics.cds_feedback(7, "accepted", None),
            "forgotten, so new"
        );
        assert!(!metrics.cds_feedback(1000 + FEEDBACK_REMEMBERED as u128 - 1, "accepted", None));
    }
}
