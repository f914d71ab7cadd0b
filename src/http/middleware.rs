//! The middleware stack, configured in one place: request ids, the request
//! log, metrics, security headers, compression, CORS, load shedding,
//! timeouts and panic recovery. Every refusal is a problem+json body.

use std::collections::hash_map::RandomState;
use std::convert::Infallible;
use std::future::{Future, poll_fn};
use std::hash::BuildHasher;
use std::panic::{self, AssertUnwindSafe};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tower::{Layer, Service};
use tower_http::compression::{Compression, CompressionBody, CompressionLayer};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tracing::Instrument;

use super::error::ApiError;
use super::{AppState, caching};

/// The request id header, accepted from clients or generated.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Headers a catalog answer carries: the handler's four (content type,
/// ETag, cache policy, `Vary`) and the guard's five (security headers and
/// the request id), with room to spare. Handlers that know their answer
/// reserve this many, so the map is allocated once.
pub(super) const RESPONSE_HEADERS: usize = 12;

/// Limits and policies for the public listener.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The largest request body, in bytes (413 above it).
    pub body_limit: usize,
    /// How long a request may take before it is answered 503, counted
    /// from when its body has arrived.
    pub request_timeout: Duration,
    /// How long a request body may take to arrive before it is answered 408.
    pub body_timeout: Duration,
    /// Requests served at once; more are answered 503 at once rather than queued.
    pub concurrency_limit: usize,
    /// Origins allowed to call the API from a browser; none by default.
    pub cors_origins: Vec<HeaderValue>,
    /// The service's public base URL (`https://backcare.example.org`), for
    /// absolute links in CDS cards; from the `Host` header when unset.
    pub public_url: Option<String>,
    /// How CDS Hooks calls are authenticated; by default they are refused
    /// until trusted issuers are configured.
    pub cds_auth: Arc<super::cds::auth::CdsAuth>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            body_limit: super::BODY_LIMIT,
            request_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            concurrency_limit: 1024,
            cors_origins: Vec::new(),
            public_url: None,
            cds_auth: Arc::default(),
        }
    }
}

/// Security headers for a JSON API; the docs page gets the relaxed policy
/// Swagger UI needs (its own scripts, inline styles, data: images), and our
/// own pages one that allows only this service's stylesheet and images.
fn security_headers(headers: &mut HeaderMap, docs: bool) {
    let page = !docs
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let csp = if docs {
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
    } else if page {
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    } else {
        "default-src 'none'; frame-ancestors 'none'"
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
}

/// What every request's guard shares.
#[derive(Debug)]
struct Shared {
    state: AppState,
    /// Requests served at once; more are shed.
    concurrency_limit: i64,
    timeout: Duration,
    /// The configured body limit (CDS routes take more, see `body_limit_of`).
    body_limit: usize,
    /// How long a request body may take to arrive.
    body_timeout: Duration,
    /// A randomly keyed hasher, different in every process: ids are the
    /// keyed hash of a counter, so they do not collide within a process,
    /// are unlikely to across replicas, and tell nobody how many requests
    /// came before.
    id_key: RandomState,
    /// Counts requests; only its keyed hash is shown.
    id_counter: AtomicU64,
}

impl Shared {
    /// The client's request id when it is a sane one, else a new one. A
    /// keyed hash (SipHash, std's) of a counter costs no system call, unlike
    /// a random UUID per request, and unlike the counter itself it does not
    /// reveal how busy the service is.
    fn request_id(&self, given: Option<&HeaderValue>) -> HeaderValue {
        if let Some(value) = given
            && (1..=MAX_REQUEST_ID).contains(&value.len())
            && value.as_bytes().iter().all(u8::is_ascii_graphic)
        {
            return value.clone();
        }
        let n = self.id_counter.fetch_add(1, Ordering::Relaxed);
        let mut hex = [0u8; 32];
        let digits = (u128::from(self.id_key.hash_one((n, 0u8))) << 64)
            | u128::from(self.id_key.hash_one((n, 1u8)));
        for (i, byte) in hex.iter_mut().enumerate() {
            let nibble = (digits >> (4 * (31 - i))) & 0xf;
            *byte = b"0123456789abcdef"[nibble as usize];
        }
        HeaderValue::from_bytes(&hex).expect("hex digits are a valid header value")
    }
}

/// A request counted in flight until dropped, which also happens when the
/// client goes away before the answer.
struct InFlight(Arc<Shared>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.state.metrics().end();
    }
}

/// The longest client-supplied request id kept; longer ones are replaced,
/// so a client cannot flood the logs through it.
const MAX_REQUEST_ID: usize = 128;

/// The whole per-request policy as one layer: request id, shedding,
/// timeout, panic recovery, security headers, metrics and the request log.
///
/// One hand-written layer instead of a stack of generic ones: each layer
/// added to an axum router is cloned and boxed per request, and the stack
/// of nine cost about 5 µs a request, more than the handlers themselves
/// (`cargo bench --bench engine -- router/`).
#[derive(Debug, Clone)]
struct GuardLayer(Arc<Shared>);

impl<S: Clone> Layer<S> for GuardLayer {
    type Service = Guard<S>;
    fn layer(&self, inner: S) -> Guard<S> {
        Guard {
            inner,
            shared: self.0.clone(),
        }
    }
}

/// The service under the guard. Only requests that ask for an encoding go
/// through compression, wrapped around a clone of it on demand: the
/// compression body costs about 0.9 µs a request even when it compresses
/// nothing. The inner service is an axum route, which is always ready, so
/// its clone needs no `poll_ready` of its own.
#[derive(Debug, Clone)]
struct Guard<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// Which of the two the request went to.
enum Call<A, B> {
    Plain(A),
    Compressed(B),
}

impl<S> Service<Request> for Guard<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
    Compression<S>:
        Service<Request, Response = Response<CompressionBody<Body>>, Error = Infallible>,
    <Compression<S> as Service<Request>>::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let shared = self.shared.clone();
        let started = Instant::now();
        let id = shared.request_id(request.headers().get(&REQUEST_ID));
        // MatchedPath is reference counted: cloning it does not copy the route.
        let route = request.extensions().get::<MatchedPath>().cloned();
        let route_name = route.as_ref().map_or("<unmatched>", MatchedPath::as_str);
        let method = request.method().clone();
        let docs = request.uri().path().starts_with("/docs");
        // Probes are never shed: a saturated replica is alive, and shedding
        // /healthz would have it restarted when it is only busy.
        let probe = matches!(route_name, "/healthz" | "/readyz");
        let conditional = matches!(method, Method::GET | Method::HEAD)
            && request.headers().contains_key(header::IF_NONE_MATCH);
        let if_none_match = conditional.then(|| {
            let mut only = HeaderMap::new();
            for value in request.headers().get_all(header::IF_NONE_MATCH) {
                only.append(header::IF_NONE_MATCH, value.clone());
            }
            only
        });
        let wants_encoding = request.headers().contains_key(header::ACCEPT_ENCODING);
        // `100-continue` is met by hyper when the body is first read; any
        // other expectation cannot be, and is refused before the handler.
        let expectation_failed = request
            .headers()
            .get(header::EXPECT)
            .is_some_and(|v| !v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        // The span names the route template and request id, never the raw
        // URI: query strings and bodies may carry health data.
        // Per-request lines are debug: at the default level a line per
        // request costs a fifth of the throughput, and the metrics already
        // count every request; server errors are logged at warn below.
        let span = tracing::debug_span!(
            "request",
            method = super::metrics::method_label(&method),
            route = route_name,
            request_id = id.to_str().unwrap_or("-"),
        );
        // A request with a body is admitted once the body has arrived, so a
        // client sending slowly holds a connection, not one of the
        // concurrency slots. Requests without one are admitted at once.
        let pending = if expectation_failed {
            Pending::Refused(ApiError::expectation_failed().into_response())
        } else if request.body().is_end_stream() {
            let admitted = admit(&shared, probe);
            let call = admitted
                .is_some()
                .then(|| start(&mut self.inner, request, wants_encoding));
            Pending::Started(admitted, call)
        } else {
            let limit = super::body_limit_of(request.uri().path(), shared.body_limit);
            Pending::Body(self.inner.clone(), request, limit)
        };
        let future = async move {
            // The timeout counts from admission: at once for a request
            // without a body, once the body is in for one with.
            let (admitted, call, admitted_at) = match pending {
                Pending::Refused(response) => (None, Err(response), started),
                Pending::Started(admitted, call) => (admitted, Ok(call), started),
                Pending::Body(mut inner, request, limit) => {
                    match buffer(request, limit, shared.body_timeout).await {
                        Ok(request) => {
                            let admitted = admit(&shared, probe);
                            let call = admitted
                                .is_some()
                                .then(|| start(&mut inner, request, wants_encoding));
                            (admitted, Ok(call), Instant::now())
                        }
                        Err(refused) => (None, Err(refused.into_response()), started),
                    }
                }
            };
            let response = match call {
                Err(response) => response,
                Ok(None) => {
                    shared.state.metrics().shed();
                    ApiError::overloaded().into_response()
                }
                Ok(Some(Err(panic))) => panic_response(panic),
                Ok(Some(Ok(call))) => {
                    let work = async move {
                        match call {
                            Call::Plain(future) => future.await,
                            Call::Compressed(future) => {
                                future.await.map(|response| response.map(Body::new))
                            }
                        }
                    };
                    let deadline = tokio::time::Instant::from_std(admitted_at) + shared.timeout;
                    let mut future = pin!(tokio::time::timeout_at(deadline, work));
                    // Polling inside catch_unwind turns a panicking handler
                    // into a 500 while the connection and server live on.
                    let outcome = poll_fn(|cx| {
                        match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                            Ok(Poll::Pending) => Poll::Pending,
                            Ok(Poll::Ready(result)) => Poll::Ready(Ok(result)),
                            Err(panic) => Poll::Ready(Err(panic)),
                        }
                    })
                    .await;
                    match outcome {
                        Ok(Ok(Ok(response))) => response,
                        Ok(Ok(Err(never))) => match never {},
                        Ok(Err(_elapsed)) => ApiError::timed_out(shared.timeout).into_response(),
                        Err(panic) => panic_response(panic),
                    }
                }
            };
            drop(admitted);
            let mut response = caching::not_modified(if_none_match.as_ref(), response);
            let headers = response.headers_mut();
            headers.reserve(5);
            security_headers(headers, docs);
            headers.insert(REQUEST_ID, id);
            let latency = started.elapsed();
            let status = response.status().as_u16();
            shared.state.metrics().finish(
                route.as_ref().map_or("<unmatched>", MatchedPath::as_str),
                &method,
                status,
                latency,
            );
            if status >= 500 {
                tracing::warn!(
                    status,
                    route = route.as_ref().map_or("<unmatched>", MatchedPath::as_str),
                    request_id = response
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-"),
                    latency_ms = latency.as_secs_f64() * 1000.0,
                    "server error"
                );
            } else {
                tracing::debug!(
                    status,
                    latency_ms = latency.as_secs_f64() * 1000.0,
                    "response"
                );
            }
            Ok(response)
        };
        // A disabled span still costs an enter and exit on every poll.
        if span.is_disabled() {
            Box::pin(future)
        } else {
            Box::pin(future.instrument(span))
        }
    }
}

/// Where a request stands when the guard's future first runs.
enum Pending<S, A, B> {
    /// Answered already, before the handler.
    Refused(Response),
    /// Admitted (or shed, when `None`) and, if admitted, started.
    Started(Option<InFlight>, Option<Result<Call<A, B>, Panic>>),
    /// Its body is still to arrive, up to the limit.
    Body(S, Request, usize),
}

type Panic = Box<dyn std::any::Any + Send + 'static>;

/// The handler's future, plain or through compression.
type RouteCall<S> =
    Call<<S as Service<Request>>::Future, <Compression<S> as Service<Request>>::Future>;

/// Counts the request in flight; `None` when that is over the limit
/// (never for probes). The in-flight gauge is also the admission count:
/// one atomic for both.
fn admit(shared: &Arc<Shared>, probe: bool) -> Option<InFlight> {
    let admitted = InFlight(shared.clone());
    let over = shared.state.metrics().start() > shared.concurrency_limit;
    (probe || !over).then_some(admitted)
}

/// Calls the handler (through compression when the client asked for an
/// encoding), catching a panic in the call itself.
fn start<S>(inner: &mut S, request: Request, compress: bool) -> Result<RouteCall<S>, Panic>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone,
    Compression<S>:
        Service<Request, Response = Response<CompressionBody<Body>>, Error = Infallible>,
{
    panic::catch_unwind(AssertUnwindSafe(|| {
        if compress {
            Call::Compressed(CompressionLayer::new().layer(inner.clone()).call(request))
        } else {
            Call::Plain(inner.call(request))
        }
    }))
}

/// Reads the whole body, up to `limit` bytes and within `timeout`. A
/// declared length over the limit is refused before anything is read, so
/// a client waiting on `Expect: 100-continue` is never told to send it.
async fn buffer(request: Request, limit: usize, timeout: Duration) -> Result<Request, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .or(request.body().size_hint().exact());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::payload_too_large(limit));
    }
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Ok(Ok(collected)) => Ok(Request::from_parts(parts, Body::from(collected.to_bytes()))),
        Ok(Err(err)) if err.is::<LengthLimitError>() => Err(ApiError::payload_too_large(limit)),
        Ok(Err(_)) => Err(ApiError::malformed_body(
            "the request body could not be read: the connection failed while sending it",
        )),
        Err(_) => Err(ApiError::body_timed_out(timeout)),
    }
}

/// A panic in a handler becomes a 500 with a problem body; the connection
/// and the server survive. The panic hook ([`log_panics`]) has logged where
/// it happened, and the guard logs the 500 with its route and request id.
fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal().into_response()
}

/// Replaces the default panic hook, which prints the panic message on
/// several lines of stderr, with one `tracing` error naming only where the
/// panic happened. The message is left out: it is built from whatever the
/// code had at hand (`index 5 out of range`, an `expect` on a request
/// value) and may carry request data into the logs.
pub fn log_panics() {
    panic::set_hook(Box::new(|info| {
        let location = info.location().map_or_else(
            || "unknown".to_owned(),
            |l| format!("{}:{}:{}", l.file(), l.line(), l.column()),
        );
        let thread = std::thread::current();
        tracing::error!(
            %location,
            thread = thread.name().unwrap_or("unnamed"),
            "panicked"
        );
    }));
}

/// Wraps `router` in the whole stack: CORS first (when configured, so that
/// even refusals carry its headers), then the guard, which compresses for
/// requests that ask.
pub fn apply(router: Router<AppState>, state: &AppState, settings: &Settings) -> Router<AppState> {
    let guard = GuardLayer(Arc::new(Shared {
        state: state.clone(),
        concurrency_limit: i64::try_from(settings.concurrency_limit).unwrap_or(i64::MAX),
        timeout: settings.request_timeout,
        body_limit: settings.body_limit,
        body_timeout: settings.body_timeout,
        id_key: RandomState::new(),
        id_counter: AtomicU64::new(0),
    }));
    let router = router.layer(guard);
    if settings.cors_origins.is_empty() {
        return router;
    }
    router
        .layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(settings.cors_origins.clone()))
                .allow_methods([Method::GET, Method::HEAD, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::IF_NONE_MATCH, REQUEST_ID])
                .expose_headers([header::ETAG, REQUEST_ID])
                .max_age(Duration::from_secs(600)),
        )
        .layer(axum::middleware::map_response(preflight_headers))
}

/// CORS answers preflight requests itself, before the guard: give those
/// answers the security headers too. Every other answer already has them
/// (the docs page its own policy), so they are left as they are.
async fn preflight_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key(header::X_CONTENT_TYPE_OPTIONS) {
        security_headers(headers, false);
    }
    response
}
