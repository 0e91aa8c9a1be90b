//! Depth, complexity, recursion, timeouts and production introspection.

use partnergraph_tests::{Backend, TestApp, error_code, on_both_backends};
use serde_json::json;

/// The introspection query GraphiQL and most client generators send (graphql-js).
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}
"#;

async fn the_standard_introspection_query_fits_the_default_limits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = app.query(INTROSPECTION).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
}

async fn queries_deeper_than_the_limit_are_rejected(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut query = "name".to_owned();
    for _ in 0..20 {
        query = format!("ofType {{ {query} }}");
    }
    let body = app
        .query(&format!("{{ __type(name: \"Query\") {{ {query} }} }}"))
        .await;
    assert_eq!(error_code(&body), Some("QUERY_TOO_DEEP"), "{body}");
}

async fn queries_more_complex_than_the_limit_are_rejected(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.max_query_complexity = 3).await;
    let body = app
        .query("{ serverInfo { version databaseBackend databaseVersion schemaVersion } }")
        .await;
    assert_eq!(error_code(&body), Some("QUERY_TOO_COMPLEX"), "{body}");
    let ok = app.query("{ serverInfo { version } }").await;
    assert!(ok.get("errors").is_none(), "{ok}");
}

async fn connections_cost_their_page_size(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.max_query_complexity = 50).await;
    let cheap = app
        .query("{ serverInfo { migrations(first: 2) { edges { node { version } } } } }")
        .await;
    assert!(cheap.get("errors").is_none(), "{cheap}");
    let costly = app
        .query("{ serverInfo { migrations(first: 100) { edges { node { version } } } } }")
        .await;
    assert_eq!(error_code(&costly), Some("QUERY_TOO_COMPLEX"), "{costly}");
}

async fn documents_nested_past_the_recursion_limit_fail_to_parse(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let nested = format!("{}id{}", "{ serverInfo ".repeat(40), " }".repeat(40));
    let body = app.query(&nested).await;
    assert_eq!(error_code(&body), Some("GRAPHQL_PARSE_FAILED"), "{body}");
}

async fn operations_past_the_request_timeout_fail_with_request_timeout(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.request_timeout_ms = 200;
        s.db_pool_size = 1;
        s.db_acquire_timeout_ms = 30_000;
    })
    .await;
    // Holding the only pooled connection makes the operation wait past the request timeout.
    let held = app.db.conn().await.expect("the only connection");
    let response = app
        .http
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .body(json!({ "query": "{ serverInfo { databaseVersion } }" }).to_string())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), reqwest::StatusCode::GATEWAY_TIMEOUT);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), Some("REQUEST_TIMEOUT"), "{body}");
    drop(held);
    let after = app.query("{ serverInfo { databaseVersion } }").await;
    assert!(
        after.get("errors").is_none(),
        "the server recovers: {after}"
    );
}

async fn production_mode_disables_introspection_for_unauthenticated_requests(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.production = true).await;
    let body = app.query("{ __schema { queryType { name } } }").await;
    assert_eq!(error_code(&body), Some("INTROSPECTION_DISABLED"), "{body}");
    let ok = app.query("{ serverInfo { version } }").await;
    assert!(ok.get("errors").is_none(), "{ok}");
    let owner = app.signed_up("owner@acme.test").await;
    let introspected = app
        .query_as(
            &owner.access_token,
            "{ __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        introspected["data"]["__schema"]["queryType"]["name"], "Query",
        "{introspected}"
    );
}

on_both_backends!(
    the_standard_introspection_query_fits_the_default_limits,
    queries_deeper_than_the_limit_are_rejected,
    queries_more_complex_than_the_limit_are_rejected,
    connections_cost_their_page_size,
    documents_nested_past_the_recursion_limit_fail_to_parse,
    operations_past_the_request_timeout_fail_with_request_timeout,
    production_mode_disables_introspection_for_unauthenticated_requests,
);
