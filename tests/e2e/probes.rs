//! Health, readiness and metrics.

use partnergraph_tests::{Backend, TestApp, on_both_backends};
use reqwest::StatusCode;

async fn healthz_and_readyz_answer_while_the_database_is_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let health = app
        .http
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app.http.get(app.url("/readyz")).send().await.expect("sent");
    assert_eq!(ready.status(), StatusCode::OK);
}

async fn readyz_is_503_when_the_database_is_unreachable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db.close();
    let ready = app.http.get(app.url("/readyz")).send().await.expect("sent");
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let health = app
        .http
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        health.status(),
        StatusCode::OK,
        "the process is still alive"
    );
}

async fn metrics_count_operations_latency_pool_and_websockets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.query("query MetricsProbe { serverInfo { version } }")
        .await;
    app.query("query Broken { nope }").await;
    let response = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/plain")
    );
    let text = response.text().await.expect("body");
    for expected in [
        r#"partnergraph_graphql_requests_total{operation="MetricsProbe",outcome="ok"} 1"#,
        r#"outcome="rejected""#,
        "partnergraph_graphql_request_duration_seconds_bucket",
        r#"partnergraph_db_pool_connections{state="in_use"}"#,
        r#"partnergraph_db_pool_connections{state="idle"}"#,
        "partnergraph_websocket_connections 0",
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
}

on_both_backends!(
    healthz_and_readyz_answer_while_the_database_is_up,
    readyz_is_503_when_the_database_is_unreachable,
    metrics_count_operations_latency_pool_and_websockets,
);
