//! `/exercises/{id}/illustration.svg`: every exercise's picture, cached
//! like the catalog JSON and linked from it.

use axum::body::Body;
use axum::http::Request;

use crate::helpers::TestApp;

#[tokio::test]
async fn every_exercise_has_a_picture_that_its_json_links_to() {
    let app = TestApp::embedded();
    let list = app.get("/exercises?limit=500").await.json();
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 30);
    for item in items {
        let id = item["id"].as_str().unwrap();
        let link = &item["illustration"];
        let url = format!("/exercises/{id}/illustration.svg");
        assert_eq!(link["url"], url.as_str(), "{id}");
        assert_eq!(link["licence"], "MIT", "{id}: the project's licence");
        assert_eq!(link["author"], "backcare contributors", "{id}");

        let picture = app.get(&url).await;
        assert_eq!(picture.status, 200, "{url}");
        assert_eq!(
            picture.header("content-type"),
            Some("image/svg+xml"),
            "{url}"
        );
        assert_eq!(
            picture.header("etag"),
            Some(format!("\"{}\"", app.catalog_version).as_str()),
            "{url}: the catalog's ETag"
        );
        assert_eq!(
            picture.header("cache-control"),
            Some("public, max-age=300"),
            "{url}"
        );
        assert_eq!(
            picture.header("x-content-type-options"),
            Some("nosniff"),
            "{url}"
        );
        assert!(
            picture.header("content-security-policy").is_some(),
            "{url}: the security headers"
        );
        let svg = String::from_utf8(picture.body.clone()).expect("SVG is text");
        assert!(svg.starts_with("<svg "), "{url}");
        let name = item["name"]
            .as_str()
            .unwrap()
            .replace('&', "&amp;")
            .replace('\'', "&apos;");
        assert!(svg.contains(&format!(">{name}</title>")), "{url}");
        assert!(svg.contains("<desc "), "{url}");

        let again = app.get(&url).await;
        assert_eq!(
            again.body, picture.body,
            "{url}: the same bytes on every request"
        );
    }
}

#[tokio::test]
async fn a_picture_the_client_has_is_not_modified() {
    let app = TestApp::embedded();
    let url = "/exercises/cat-cow/illustration.svg";
    let etag = app.get(url).await.header("etag").unwrap().to_owned();
    for sent in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
    ] {
        let response = app
            .request(
                Request::get(url)
                    .header("if-none-match", sent.as_str())
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status, 304, "If-None-Match: {sent}");
        assert!(response.body.is_empty());
        assert_eq!(response.header("etag"), Some(etag.as_str()));
    }
    let stale = app
        .request(
            Request::get(url)
                .header("if-none-match", "\"0000000000000000\"")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(stale.status, 200, "an old version gets the picture");
}

#[tokio::test]
async fn an_unknown_exercise_has_no_picture() {
    let app = TestApp::embedded();
    let body = app
        .get("/exercises/cat-cw/illustration.svg")
        .await
        .problem(404);
    assert!(
        body["detail"].as_str().unwrap().contains("cat-cw"),
        "{body}"
    );
    app.get("/exercises/cat-cow/illustration.png")
        .await
        .problem(404);
}

#[tokio::test]
async fn the_fixture_catalog_draws_its_own_exercise() {
    let app = TestApp::fixture();
    let picture = app.get("/exercises/chair-reach/illustration.svg").await;
    assert_eq!(picture.status, 200);
    let svg = String::from_utf8(picture.body).unwrap();
    assert!(svg.contains(">Chair reach</title>"), "{svg}");
    assert!(
        svg.contains("Start: Sit near the front of the chair."),
        "{svg}"
    );
}
