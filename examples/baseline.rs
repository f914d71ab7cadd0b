//! The yardstick for `scripts/bench-http.sh`: the same axum and tokio, the
//! same runtime settings and allocator as the service, and a handler that
//! returns a short fixed JSON body. Not part of the service.
//!
//! `cargo run --release --example baseline -- 127.0.0.1:8099`
//!
//! With a second argument, `BODY_BYTES`, the fixed body is a JSON object of
//! exactly that many bytes instead, served from memory like the service's
//! catalog pages: the ceiling for any endpoint whose answer is that large,
//! which tells the cost of the answer's size apart from the cost of our
//! code. It answers POST as well, after reading the request body whole,
//! so the cost of receiving an endpoint's request can be measured too.

use axum::Router;
use axum::http::header;
use axum::routing::get;
use bytes::Bytes;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    let body = match std::env::args().nth(2) {
        None => Bytes::from_static(br#"{"status":"ok"}"#),
        Some(n) => {
            let n: usize = n.parse().expect("BODY_BYTES is a number of bytes");
            // `{"pad":"…"}` is 10 bytes around the padding.
            let pad = "a".repeat(n.saturating_sub(10));
            Bytes::from(format!(r#"{{"pad":"{pad}"}}"#))
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the runtime starts");
    runtime.block_on(async move {
        let app = Router::new().route(
            "/",
            get({
                let body = body.clone();
                move || {
                    let body = body.clone();
                    async move { ([(header::CONTENT_TYPE, "application/json")], body) }
                }
            })
            .post(move |request: Bytes| {
                let body = body.clone();
                async move {
                    drop(request);
                    ([(header::CONTENT_TYPE, "application/json")], body)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .expect("the address is free");
        axum::serve(listener, app).await.expect("the server runs");
    });
}
