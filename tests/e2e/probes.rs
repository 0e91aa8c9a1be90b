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
        "partnergraph_db_statements_total",
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
}

on_both_backends!(
    healthz_and_readyz_answer_while_the_database_is_up,
    readyz_is_503_when_the_database_is_unreachable,
    metrics_count_operations_latency_pool_and_websockets,
);

async fn in_flight_requests_finish_during_shutdown(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.db_pool_size = 1;
        s.db_acquire_timeout_ms = 30_000;
    })
    .await;
    // The request waits for the only pooled connection, so it is in flight when shutdown begins.
    let held = app.db.conn().await.expect("the only connection");
    let request = app
        .http
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(r#"{"query":"{ serverInfo { databaseVersion } }"}"#)
        .send();
    let request = tokio::spawn(request);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    app.begin_shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    drop(held);
    let response = request.await.expect("task").expect("the request completes");
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(
        body["data"]["serverInfo"]["databaseVersion"].is_string(),
        "{body}"
    );
    app.stop().await;
}

on_both_backends!(in_flight_requests_finish_during_shutdown);
