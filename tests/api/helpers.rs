//! Drives the real router in-process: no sockets, no ports.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use backcare::catalog::Catalog;
use backcare::http::cds::auth::CdsAuth;
use backcare::http::{AppState, Settings, app_with};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The application under test.
pub(crate) struct TestApp {
    router: axum::Router,
    pub catalog_version: String,
}

/// A response with its body read.
pub(crate) struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    #[track_caller]
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an RFC 9457 problem with this status and returns its body.
    #[track_caller]
    pub(crate) fn problem(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let body = self.json();
        assert_eq!(body["status"], status);
        for field in ["type", "title", "detail"] {
            assert!(
                body[field].as_str().is_some_and(|s| !s.is_empty()),
                "problem without {field}: {body}"
            );
        }
        body
    }

    /// The ids of a list response's items.
    #[track_caller]
    pub(crate) fn ids(&self) -> Vec<String> {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self.json()["items"]
            .as_array()
            .expect("a list response has items")
            .iter()
            .map(|i| i["id"].as_str().expect("items have ids").to_owned())
            .collect()
    }
}

impl TestApp {
    /// The app serving the content embedded in the binary: the real content
    /// through the real loader.
    pub(crate) fn embedded() -> Self {
        Self::with(
            Catalog::embedded().unwrap_or_else(|e| panic!("the embedded content is invalid: {e}")),
        )
    }

    /// The app serving the small fixture catalog.
    pub(crate) fn fixture() -> Self {
        Self::with(
            Catalog::from_dir(&fixture_dir())
                .unwrap_or_else(|e| panic!("fixture content is invalid: {e}")),
        )
    }

    /// Wraps any router (tests of the middleware stack alone).
    pub(crate) fn from_router(router: axum::Router) -> Self {
        Self {
            router,
            catalog_version: String::new(),
        }
    }

    pub(crate) fn with(mut catalog: Catalog) -> Self {
        // A test may change the lists in place; index them again, as the
        // loader does, so lookups (SNOMED CT codes) see the change.
        catalog.reindex();
        let catalog_version = catalog.version.clone();
        Self {
            router: app_with(AppState::new(catalog), &without_cds_auth()),
            catalog_version,
        }
    }

    pub(crate) async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body reads")
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub(crate) async fn get(&self, uri: &str) -> TestResponse {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        uri: &str,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(ct) = content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        self.request(builder.body(body.into()).unwrap()).await
    }
}

/// Default settings with CDS Hooks authentication off: the tests of what
/// the CDS services answer send no tokens. `cds_auth.rs` tests the tokens,
/// and that the default refuses every CDS call.
pub(crate) fn without_cds_auth() -> Settings {
    Settings {
        cds_auth: std::sync::Arc::new(CdsAuth::Off),
        ..Settings::default()
    }
}

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn fixture_dir() -> PathBuf {
    repo_root().join("tests/fixtures/minimal")
}

/// A fresh scratch directory holding a copy of the fixture content.
pub(crate) fn fixture_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("backcare-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&fixture_dir(), &dir);
    dir
}

/// A fresh scratch directory holding a copy of the real content.
pub(crate) fn content_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("backcare-content-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo_root().join("content"), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
