//! GraphQL over HTTP: media types, methods, status codes, bodies, batches, GraphiQL, node ids.

use partnergraph_tests::{Backend, TestApp, error_code, on_both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SERVER_INFO: &str =
    "query Info { serverInfo { version databaseBackend databaseVersion schemaVersion } }";

async fn post(
    app: &TestApp,
    accept: Option<&str>,
    content_type: &str,
    body: &str,
) -> (StatusCode, String, Value) {
    let mut request = app
        .http
        .post(app.url("/graphql"))
        .header("content-type", content_type)
        .body(body.to_owned());
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.expect("sent");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, content_type, body)
}

async fn server_info_reads_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = app.query(SERVER_INFO).await;
    let info = &body["data"]["serverInfo"];
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"), "{body}");
    let expected = match backend {
        Backend::Sqlite => "SQLITE",
        Backend::Postgres => "POSTGRES",
    };
    assert_eq!(info["databaseBackend"], expected);
    assert!(
        info["databaseVersion"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
    assert!(
        info["schemaVersion"]
            .as_str()
            .is_some_and(|v| v.len() >= 14),
        "{body}"
    );
}

async fn queries_over_get_are_answered(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .http
        .get(app.url("/graphql"))
        .query(&[("query", "{ serverInfo { databaseBackend } }")])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["data"]["serverInfo"]["databaseBackend"].is_string(),
        "{body}"
    );
}

async fn graphql_response_json_is_negotiated_and_request_errors_are_400(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let accept = Some("application/graphql-response+json, application/json;q=0.9");
    let (status, content_type, body) = post(
        &app,
        accept,
        "application/json",
        &json!({"query": SERVER_INFO}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        content_type.starts_with("application/graphql-response+json"),
        "{content_type}"
    );
    assert!(body["data"]["serverInfo"].is_object());

    let (status, _, body) = post(
        &app,
        accept,
        "application/json",
        r#"{"query":"{ noSuchField }"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"));
    assert!(
        body.get("data").is_none(),
        "a request error has no data entry: {body}"
    );

    let (status, _, body) = post(
        &app,
        accept,
        "application/json",
        r#"{"query":"{ serverInfo {"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), Some("GRAPHQL_PARSE_FAILED"));
}

async fn application_json_answers_200_for_well_formed_requests(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, content_type, body) = post(
        &app,
        Some("application/json"),
        "application/json",
        r#"{"query":"{ noSuchField }"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("application/json"));
    assert_eq!(error_code(&body), Some("GRAPHQL_VALIDATION_FAILED"));
}

async fn malformed_json_and_missing_queries_are_400_with_a_graphql_error_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for accept in [None, Some("application/graphql-response+json")] {
        for body in [
            "{not json",
            r#"{"variables":{}}"#,
            r#"{"query":""}"#,
            r#"{"query":42}"#,
            "[]",
            "7",
        ] {
            let (status, _, response) = post(&app, accept, "application/json", body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(error_code(&response), Some("BAD_REQUEST"), "{body}");
            assert!(response["errors"][0]["message"].is_string());
        }
    }
    let response = app
        .http
        .get(app.url("/graphql"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

async fn unsupported_media_types_are_415(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/graphql",
    ] {
        let (status, _, body) = post(&app, None, content_type, "{ serverInfo { version } }").await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}");
        assert_eq!(error_code(&body), Some("UNSUPPORTED_MEDIA_TYPE"));
    }
    let (status, _, _) = post(
        &app,
        None,
        "application/json; charset=utf-8",
        &json!({"query": SERVER_INFO}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

async fn unacceptable_response_types_are_406(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, _, body) = post(
        &app,
        Some("text/csv"),
        "application/json",
        &json!({"query": SERVER_INFO}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(error_code(&body), Some("NOT_ACCEPTABLE"));
}

async fn mutations_over_get_are_405(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .http
        .get(app.url("/graphql"))
        .query(&[("query", "mutation Change { __typename }")])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), Some("METHOD_NOT_ALLOWED"));
}

async fn oversized_bodies_are_413(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.max_body_bytes = 256).await;
    let padding = " ".repeat(400);
    let body = json!({ "query": format!("{{ serverInfo {{ version }} {padding} }}") }).to_string();
    let (status, _, response) = post(&app, None, "application/json", &body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&response), Some("PAYLOAD_TOO_LARGE"));
}

async fn batches_run_each_operation_up_to_the_limit(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.max_batch_operations = 2).await;
    let two = json!([{ "query": "{ serverInfo { version } }" }, { "query": "{ __typename }" }])
        .to_string();
    let (status, _, body) = post(&app, None, "application/json", &two).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body[0]["data"]["serverInfo"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(body[1]["data"]["__typename"], "Query");
    let three = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }, { "query": "{ __typename }" }]).to_string();
    let (status, _, body) = post(&app, None, "application/json", &three).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), Some("BAD_REQUEST"));
}

async fn browsers_get_graphiql_wired_to_the_websocket_endpoint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .http
        .get(app.url("/graphql"))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let html = response.text().await.expect("body");
    assert!(html.contains("graphiql"), "not GraphiQL");
    assert!(html.contains("/graphql/ws"), "subscription URL missing");
}

async fn node_resolves_global_ids_and_rejects_bad_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("owner@acme.test").await;
    let token = owner.access_token.as_str();
    let body = app
        .query("{ serverInfo { migrations(first: 1) { edges { node { id version } } } } }")
        .await;
    let node = &body["data"]["serverInfo"]["migrations"]["edges"][0]["node"];
    let id = node["id"].as_str().expect("id");
    let fetched = app
        .query_as(
            token,
            "query($id: ID!) { node(id: $id) { id ... on SchemaMigration { version appliedAt } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        fetched["data"]["node"]["version"], node["version"],
        "{fetched}"
    );
    assert!(fetched["data"]["node"]["appliedAt"].is_string());

    let anonymous = app
        .query_with(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));

    let malformed = app
        .query_as(token, r#"{ node(id: "not-an-id") { id } }"#, json!({}))
        .await;
    assert_eq!(error_code(&malformed), Some("BAD_USER_INPUT"));
    assert_eq!(malformed["errors"][0]["extensions"]["field"], "id");

    // Well-formed but naming nothing.
    let missing_id = "U2NoZW1hTWlncmF0aW9uOjE5OTkwMTAxMDAwMDAw"; // SchemaMigration:19990101000000
    let missing = app
        .query_as(
            token,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": missing_id }),
        )
        .await;
    assert_eq!(error_code(&missing), Some("NOT_FOUND"), "{missing}");
    assert_eq!(missing["data"], Value::Null);
}

async fn connections_page_with_opaque_cursors_and_enforce_the_maximum(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.max_page_size = 5).await;
    let page = "query($first: Int, $after: String, $last: Int, $before: String) { serverInfo { migrations(first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } edges { cursor node { version } } } } }";
    let first = app.query_with(page, json!({ "first": 1 })).await;
    let connection = &first["data"]["serverInfo"]["migrations"];
    let total = connection["totalCount"].as_i64().expect("totalCount");
    assert!(total >= 1, "{first}");
    assert_eq!(connection["edges"].as_array().map(Vec::len), Some(1));
    assert_eq!(connection["pageInfo"]["hasNextPage"], total > 1);
    let cursor = connection["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor");
    assert!(!cursor.contains("2026"), "cursors are opaque");

    let after = app
        .query_with(page, json!({ "first": 5, "after": cursor }))
        .await;
    let rest = after["data"]["serverInfo"]["migrations"]["edges"]
        .as_array()
        .map(Vec::len);
    assert_eq!(
        rest,
        Some(usize::try_from((total - 1).min(5)).unwrap_or(0)),
        "{after}"
    );
    assert_eq!(
        after["data"]["serverInfo"]["migrations"]["pageInfo"]["hasPreviousPage"],
        true
    );

    let last = app.query_with(page, json!({ "last": 1 })).await;
    let newest = &last["data"]["serverInfo"]["migrations"]["edges"][0]["node"]["version"];
    // Walking forward page by page ends at the same newest migration.
    let mut cursor: Option<String> = None;
    let mut walked = Vec::new();
    loop {
        let body = app
            .query_with(page, json!({ "first": 5, "after": cursor }))
            .await;
        let connection = &body["data"]["serverInfo"]["migrations"];
        walked.extend(connection["edges"].as_array().cloned().unwrap_or_default());
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        cursor = connection["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(walked.len(), usize::try_from(total).unwrap_or(0));
    assert_eq!(walked.last().map(|e| &e["node"]["version"]), Some(newest));

    let too_many = app.query_with(page, json!({ "first": 6 })).await;
    assert_eq!(error_code(&too_many), Some("BAD_USER_INPUT"));
    assert_eq!(too_many["errors"][0]["extensions"]["field"], "first");

    let foreign_cursor = app
        .query_with(page, json!({ "first": 1, "after": "Zm9vfDE" }))
        .await;
    assert_eq!(foreign_cursor["errors"][0]["extensions"]["field"], "after");
}

on_both_backends!(
    server_info_reads_the_database,
    queries_over_get_are_answered,
    graphql_response_json_is_negotiated_and_request_errors_are_400,
    application_json_answers_200_for_well_formed_requests,
    malformed_json_and_missing_queries_are_400_with_a_graphql_error_body,
    unsupported_media_types_are_415,
    unacceptable_response_types_are_406,
    mutations_over_get_are_405,
    oversized_bodies_are_413,
    batches_run_each_operation_up_to_the_limit,
    browsers_get_graphiql_wired_to_the_websocket_endpoint,
    node_resolves_global_ids_and_rejects_bad_ones,
    connections_page_with_opaque_cursors_and_enforce_the_maximum,
);
