//! Traces reach an OTLP/HTTP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use partnergraph_api::telemetry;
use partnergraph_tests::{Backend, TestApp};

type Received = Arc<Mutex<Vec<Vec<u8>>>>;

/// An in-process OTLP/HTTP collector on its own thread and runtime.
fn start_collector() -> (String, Received) {
    let received: Received = Arc::default();
    let sink = received.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let app = Router::new().route(
                "/v1/traces",
                post(move |body: Bytes| {
                    let sink = sink.clone();
                    async move {
                        sink.lock().expect("lock").push(body.to_vec());
                        ""
                    }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            axum::serve(listener, app).await.expect("collector");
        });
    });
    let addr = rx.recv().expect("collector address");
    (format!("http://{addr}"), received)
}

#[test]
fn graphql_operations_are_exported_as_otlp_spans() {
    let (endpoint, received) = start_collector();
    let mut settings = partnergraph_api::Settings::defaults();
    settings.otel_endpoint = Some(endpoint);
    settings.otel_service_name = "partnergraph-e2e".into();
    // Built outside any runtime: the exporter's blocking HTTP client must not live inside one.
    let (dispatch, telemetry) = telemetry::build(&settings).expect("telemetry");
    assert!(telemetry.exports_traces());
    {
        let _scoped = tracing::dispatcher::set_default(&dispatch);
        // A current-thread runtime keeps every task on this thread, inside the scoped subscriber.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let app = TestApp::spawn(Backend::Sqlite).await;
            let body = app
                .query("query TracedOperation { serverInfo { version } }")
                .await;
            assert!(body.get("errors").is_none(), "{body}");
            app.stop().await;
        });
    }
    telemetry.shutdown();
    let received = received.lock().expect("lock");
    let all: Vec<u8> = received.iter().flatten().copied().collect();
    let contains = |needle: &str| all.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!received.is_empty(), "no OTLP export arrived");
    assert!(contains("partnergraph-e2e"), "service name missing");
    assert!(
        contains("TracedOperation") || contains("request"),
        "no GraphQL span"
    );
}
