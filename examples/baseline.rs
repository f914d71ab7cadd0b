//! The yardstick for `scripts/bench-http.sh`: the same axum and tokio, the
//! same runtime settings and allocator as the service, and a handler that
//! returns a short fixed JSON body. Not part of the service.
//!
//! `cargo run --release --example baseline -- 127.0.0.1:8099`

use axum::Router;
use axum::http::header;
use axum::routing::get;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the runtime starts");
    runtime.block_on(async move {
        let app = Router::new().route(
            "/",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"status":"ok"}"#,
                )
            }),
        );
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .expect("the address is free");
        axum::serve(listener, app).await.expect("the server runs");
    });
}
