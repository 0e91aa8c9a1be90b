//! Subscriptions over both websocket protocols, and close frames at shutdown.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use partnergraph_tests::{Backend, TestApp, on_both_backends};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(app: &TestApp, protocol: &str) -> Socket {
    let mut request = app.ws_url().into_client_request().expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_str(protocol).expect("ascii"),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connected");
    assert_eq!(response.headers()["sec-websocket-protocol"], protocol);
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("sent");
}

/// The next JSON message, skipping keep-alives.
async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("socket open")
            .expect("valid frame");
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text).expect("json");
            if value["type"] != "ka" && value["type"] != "ping" {
                return value;
            }
        }
    }
}

/// Signs up, connects with `protocol` and completes the `connection_init` / `connection_ack`
/// handshake with the access token in the payload.
async fn initialised(app: &TestApp, protocol: &str) -> Socket {
    let owner = app.signed_up("owner@acme.test").await;
    let mut socket = connect(app, protocol).await;
    let payload = json!({ "Authorization": format!("Bearer {}", owner.access_token) });
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    socket
}

/// The first GraphQL error of an `error` message or of a `next` payload.
fn first_error(message: &Value) -> &Value {
    if message["type"] == "error" {
        &message["payload"][0]
    } else {
        &message["payload"]["errors"][0]
    }
}

const TICKS: &str = "subscription { ticks(count: 3, intervalMs: 10) { sequence at } }";

async fn subscriptions_stream_over_graphql_transport_ws(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut socket = initialised(&app, "graphql-transport-ws").await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": TICKS } }),
    )
    .await;
    for expected in 1..=3 {
        let message = next_json(&mut socket).await;
        assert_eq!(message["type"], "next", "{message}");
        assert!(message["payload"].get("errors").is_none(), "{message}");
        assert_eq!(message["id"], "1");
        assert_eq!(message["payload"]["data"]["ticks"]["sequence"], expected);
    }
    let complete = next_json(&mut socket).await;
    assert_eq!(complete["type"], "complete", "{complete}");
}

async fn subscriptions_stream_over_the_legacy_graphql_ws_protocol(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut socket = initialised(&app, "graphql-ws").await;
    send(
        &mut socket,
        json!({ "id": "7", "type": "start", "payload": { "query": TICKS } }),
    )
    .await;
    for expected in 1..=3 {
        let message = next_json(&mut socket).await;
        assert_eq!(message["type"], "data", "{message}");
        assert_eq!(message["payload"]["data"]["ticks"]["sequence"], expected);
    }
    assert_eq!(next_json(&mut socket).await["type"], "complete");
}

async fn invalid_subscription_arguments_are_bad_user_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut socket = initialised(&app, "graphql-transport-ws").await;
    let query = "subscription { ticks(count: 1000) { sequence } }";
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
    let message = next_json(&mut socket).await;
    let error = first_error(&message);
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{message}");
    assert_eq!(error["extensions"]["field"], "count");
}

async fn websockets_without_a_graphql_subprotocol_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let request = app.ws_url().into_client_request().expect("request");
    match tokio_tungstenite::connect_async(request).await {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 400),
        other => panic!("expected a 400, got {:?}", other.map(|(_, r)| r.status())),
    }
}

async fn shutdown_sends_open_websockets_a_close_frame(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut socket = initialised(&app, "graphql-transport-ws").await;
    let long = "subscription { ticks(count: 100, intervalMs: 50) { sequence } }";
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": long } }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await["type"], "next");
    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("body");
    assert!(
        metrics.contains("partnergraph_websocket_connections 1"),
        "{metrics}"
    );

    app.begin_shutdown();
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(message) = socket.next().await {
            if let Ok(Message::Close(frame)) = message {
                return frame;
            }
        }
        None
    })
    .await
    .expect("closed within 5 s")
    .expect("a close frame");
    assert_eq!(close.code, CloseCode::Away);
    app.stop().await;
}

async fn subscriptions_need_authentication(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut socket = connect(&app, "graphql-transport-ws").await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": TICKS } }),
    )
    .await;
    let message = next_json(&mut socket).await;
    let error = first_error(&message);
    assert_eq!(error["extensions"]["code"], "UNAUTHENTICATED", "{message}");
}

async fn a_bad_credential_in_connection_init_closes_the_socket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut socket = connect(&app, "graphql-transport-ws").await;
    let payload = json!({ "Authorization": "Bearer pgk_not-a-real-key" });
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(Message::Text(text)) => assert!(!text.contains("connection_ack"), "{text}"),
                _ => {}
            }
        }
        None
    })
    .await
    .expect("closed within 5 s");
    assert_eq!(closed, Some(4403));
}

async fn api_keys_authenticate_websockets_too(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("owner@acme.test").await;
    let created = app
        .query_as(
            &owner.access_token,
            "mutation { createApiKey(input: { name: \"ws\", role: VIEWER }) { secret } }",
            json!({}),
        )
        .await;
    let secret = created["data"]["createApiKey"]["secret"]
        .as_str()
        .expect("secret");
    let mut socket = connect(&app, "graphql-transport-ws").await;
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {secret}") } })).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": TICKS } }),
    )
    .await;
    let message = next_json(&mut socket).await;
    assert_eq!(
        message["payload"]["data"]["ticks"]["sequence"], 1,
        "{message}"
    );
}

on_both_backends!(
    api_keys_authenticate_websockets_too,
    subscriptions_need_authentication,
    a_bad_credential_in_connection_init_closes_the_socket,
    subscriptions_stream_over_graphql_transport_ws,
    subscriptions_stream_over_the_legacy_graphql_ws_protocol,
    invalid_subscription_arguments_are_bad_user_input,
    websockets_without_a_graphql_subprotocol_are_refused,
    shutdown_sends_open_websockets_a_close_frame,
);
