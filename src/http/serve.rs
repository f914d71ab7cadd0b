//! The public listener: hyper's HTTP/1 connection builder with the limits
//! slow, idle and abundant clients need, and a drain on shutdown.
//!
//! `axum::serve` sets none of these: a client could hold a connection for
//! ever by sending a request head a byte at a time, by never sending a
//! request at all, or by opening connections until the process runs out
//! of file descriptors. Here:
//!
//! - a request head must be complete within `header_timeout` of the
//!   connection opening or of its first byte after an earlier request;
//! - a connection with no request in progress and no bytes either way for
//!   `idle_timeout` is closed (longer than a load balancer's own idle
//!   timeout, so the balancer closes first and never reuses a connection
//!   the service is closing);
//! - at most `max_connections` are open; one more is answered with a 503
//!   problem and closed, and while the limit is reached connections with
//!   no request in progress are closed after `idle_timeout_when_full`, so
//!   idle or stalled clients cannot keep others out for the whole idle
//!   timeout;
//! - a request head (request line and headers) longer than
//!   [`MAX_HEAD_BYTES`] is refused; hyper checks after each read, so one
//!   large read can take a connection's buffer to about twice that, and a
//!   thousand connections each sending an endless header hold about
//!   70 to 115 MB between them rather than hyper's default 400 MB;
//! - request bodies have their own timeout in the guard
//!   ([`super::Settings::body_timeout`]), which also admits a request only
//!   once its body has arrived.
//!
//! On the stop signal the service reports not ready (`/readyz` 503) but
//! keeps serving for `drain_delay`, so load balancers stop sending it new
//! work first; then it stops accepting, closes idle connections, lets
//! requests in flight finish, and gives up after `shutdown_timeout`.
//!
//! hyper's own header read timeout is not used: its timer also runs while
//! a keep-alive connection waits for its next request, so it could not be
//! shorter than the idle timeout without closing idle connections early.

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt;

use super::{ApiError, AppState};

/// The longest request head read, in bytes: hyper answers a longer one 431
/// and closes the connection. hyper checks after each read, so a head that
/// arrives in one burst may reach about twice this before it is refused.
/// hyper's own default is about 400 KB, enough for a thousand clients
/// sending endless headers to take 400 MB.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Connection limits and the shutdown schedule.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// How long a request head may take to arrive.
    pub header_timeout: Duration,
    /// How long a connection may sit with no request and no bytes.
    pub idle_timeout: Duration,
    /// Connections open at once; one more is answered 503 and closed.
    pub max_connections: usize,
    /// How long a connection may sit with no request in progress once the
    /// connection limit has been reached: idle and stalled connections make
    /// room for new ones.
    pub idle_timeout_when_full: Duration,
    /// How long to keep serving, not ready, after the stop signal.
    pub drain_delay: Duration,
    /// How long requests in flight get to finish once draining ends.
    pub shutdown_timeout: Duration,
}

impl Default for ServeSettings {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(75),
            max_connections: 1024,
            idle_timeout_when_full: Duration::from_secs(1),
            drain_delay: Duration::from_secs(5),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// How serving ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Every connection closed within the shutdown timeout.
    Drained,
    /// Some connections were still open at the shutdown timeout.
    TimedOut,
}

/// Serves `app` on `listener` until `stop` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    state: AppState,
    settings: ServeSettings,
    stop: impl Future<Output = ()>,
) -> Stopped {
    let max = settings.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(max));
    let (close_tx, close_rx) = watch::channel(false);
    // Whether the connection limit has been reached: set when a connection
    // is refused, cleared once a tenth of the limit is free again.
    let (full_tx, full_rx) = watch::channel(false);
    let headroom = (max / 10).max(1);
    let refusal = refusal();
    let settings = Arc::new(settings);
    let mut stop = pin!(stop);
    let mut accepting_until: Option<Instant> = None;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(err) => {
                        // Out of descriptors or memory: wait rather than spin.
                        tracing::warn!(%err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                match permits.clone().try_acquire_owned() {
                    Ok(permit) => {
                        if permits.available_permits() >= headroom {
                            full_tx.send_if_modified(|full| std::mem::replace(full, false));
                        }
                        state.metrics().connection(true);
                        tokio::spawn(connection(
                            stream,
                            app.clone(),
                            state.clone(),
                            settings.clone(),
                            permit,
                            Signals { close: close_rx.clone(), full: full_rx.clone() },
                        ));
                    }
                    Err(_) => {
                        full_tx.send_if_modified(|full| !std::mem::replace(full, true));
                        state.metrics().connection_refused();
                        tokio::spawn(refuse(stream, refusal.clone()));
                    }
                }
            }
            // No new connection to notice the limit easing: look again.
            () = tokio::time::sleep(Duration::from_secs(1)), if *full_tx.borrow() => {
                if permits.available_permits() >= headroom {
                    full_tx.send_replace(false);
                }
            }
            () = &mut stop, if accepting_until.is_none() => {
                state.set_draining();
                tracing::info!(
                    drain_delay_s = settings.drain_delay.as_secs_f64(),
                    "stopping: not ready, still serving until the drain delay has passed"
                );
                accepting_until = Some(Instant::now() + settings.drain_delay);
            }
            () = sleep_until(accepting_until), if accepting_until.is_some() => break,
        }
    }
    drop(listener);
    tracing::info!("no longer accepting; finishing requests in flight");
    let _ = close_tx.send(true);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    match tokio::time::timeout(settings.shutdown_timeout, permits.acquire_many(all)).await {
        Ok(_) => Stopped::Drained,
        Err(_) => Stopped::TimedOut,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The whole answer to a connection over the limit, written once.
fn refusal() -> bytes::Bytes {
    let problem = ApiError::overloaded().problem();
    let body = super::serialise::to_vec(&problem);
    let mut out = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: {}\r\ncache-control: no-store\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        super::error::PROBLEM_JSON,
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out.into()
}

/// Answers a connection over the limit with a 503 and closes it, within a
/// second whatever the client does.
async fn refuse(mut stream: TcpStream, answer: bytes::Bytes) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&answer).await?;
        stream.shutdown().await
    })
    .await;
}

/// What a connection has been doing, for its timeouts. Times are
/// milliseconds since the connection opened.
#[derive(Debug)]
struct Activity {
    opened: Instant,
    /// The last byte read or written.
    last: AtomicU64,
    /// When the request head now arriving began, plus one; 0 when none is.
    head_since: AtomicU64,
    /// Requests being handled (hyper's HTTP/1 handles one at a time).
    busy: AtomicUsize,
}

/// Which timeout has passed.
#[derive(Debug, PartialEq, Eq)]
enum Expired {
    Head,
    Idle,
}

impl Activity {
    fn new() -> Self {
        // A new connection owes a request head at once.
        Self {
            opened: Instant::now(),
            last: AtomicU64::new(0),
            head_since: AtomicU64::new(1),
            busy: AtomicUsize::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX - 1)
    }

    fn read(&self) {
        let now = self.now();
        self.last.store(now, Ordering::Relaxed);
        if self.busy.load(Ordering::Relaxed) == 0 {
            let _ =
                self.head_since
                    .compare_exchange(0, now + 1, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    fn wrote(&self) {
        self.last.store(self.now(), Ordering::Relaxed);
    }

    /// A request head has arrived and its handling begins.
    fn begin(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::Relaxed);
        self.head_since.store(0, Ordering::Relaxed);
        Busy(self.clone())
    }

    /// When the next timeout could pass, in milliseconds since opening,
    /// with `idle` as the idle timeout.
    fn deadline(&self, settings: &ServeSettings, idle: Duration) -> u64 {
        let idle = self.last.load(Ordering::Relaxed) + millis(idle);
        match self.head_since.load(Ordering::Relaxed) {
            0 => idle,
            since => idle.min(since - 1 + millis(settings.header_timeout)),
        }
    }

    fn expired(&self, settings: &ServeSettings, idle: Duration) -> Option<Expired> {
        let now = self.now();
        let since = self.head_since.load(Ordering::Relaxed);
        if since > 0 && now >= since - 1 + millis(settings.header_timeout) {
            return Some(Expired::Head);
        }
        let idle = self.busy.load(Ordering::Relaxed) == 0
            && now >= self.last.load(Ordering::Relaxed) + millis(idle);
        idle.then_some(Expired::Idle)
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX / 2)
}

/// A request being handled on a connection, until dropped.
struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.wrote();
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The socket, noting every byte that moves.
struct Tracked {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// What the listener tells every connection.
struct Signals {
    /// Set when the service stops: finish and close.
    close: watch::Receiver<bool>,
    /// Whether the connection limit has been reached.
    full: watch::Receiver<bool>,
}

/// Serves one connection until it closes, times out or is drained.
async fn connection(
    stream: TcpStream,
    app: Router,
    state: AppState,
    settings: Arc<ServeSettings>,
    _permit: OwnedSemaphorePermit,
    mut signals: Signals,
) {
    let _ = stream.set_nodelay(true);
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Tracked {
        stream,
        activity: activity.clone(),
    });
    let service = hyper::service::service_fn({
        let activity = activity.clone();
        move |request: hyper::Request<Incoming>| {
            let busy = activity.begin();
            let answer = app.clone().oneshot(request.map(Body::new));
            async move {
                let response = answer.await.unwrap_or_else(|never| match never {});
                drop(busy);
                Ok::<_, std::convert::Infallible>(response)
            }
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .max_buf_size(MAX_HEAD_BYTES);
    let mut conn = pin!(builder.serve_connection(io, service));
    let mut closing = false;
    loop {
        let idle = if *signals.full.borrow() {
            settings.idle_timeout_when_full
        } else {
            settings.idle_timeout
        };
        let at = activity.opened + Duration::from_millis(activity.deadline(&settings, idle));
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(%err, "connection ended with an error");
                }
                break;
            }
            _ = signals.close.changed(), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
            // The limit was reached or eased: the idle deadline changes.
            Ok(()) = signals.full.changed() => {}
            () = tokio::time::sleep_until(at) => match activity.expired(&settings, idle) {
                // A head still arriving is answered with nothing: the
                // client may not even be speaking HTTP.
                Some(Expired::Head) => break,
                // Idle twice over (say, a reader that never takes its
                // answer): close without waiting any longer.
                Some(Expired::Idle) if closing => break,
                Some(Expired::Idle) => {
                    closing = true;
                    activity.wrote();
                    conn.as_mut().graceful_shutdown();
                }
                None => {}
            },
        }
    }
    state.metrics().connection(false);
}
