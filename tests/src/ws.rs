//! A `graphql-transport-ws` client for subscription tests.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestApp;

/// One `graphql-transport-ws` connection, initialised with an access token.
pub struct Subscriber {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Subscriber {
    /// Connects and completes `connection_init` / `connection_ack` with `token`.
    pub async fn connect(app: &TestApp, token: &str) -> Subscriber {
        let mut request = app.ws_url().into_client_request().expect("request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connected");
        let mut subscriber = Subscriber { socket };
        subscriber
            .send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }))
            .await;
        let ack = subscriber.next_message(Duration::from_secs(10)).await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        subscriber
    }

    async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("sent");
    }

    /// Starts subscription `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next protocol message (pings and keep-alives skipped).
    pub async fn next_message(&mut self, within: Duration) -> Value {
        loop {
            let message = tokio::time::timeout(within, self.socket.next())
                .await
                .expect("a message in time")
                .expect("socket open")
                .expect("valid frame");
            if let Message::Text(text) = message {
                let value: Value = serde_json::from_str(&text).expect("json");
                if value["type"] != "ka" && value["type"] != "ping" && value["type"] != "pong" {
                    return value;
                }
            }
        }
    }

    /// Every `next` payload of subscription `id` until its `complete` (or an `error`, returned
    /// as the last element).
    pub async fn collect(&mut self, within: Duration) -> Vec<Value> {
        let mut payloads = Vec::new();
        loop {
            let message = self.next_message(within).await;
            match message["type"].as_str() {
                Some("next") => payloads.push(message["payload"].clone()),
                Some("complete") => return payloads,
                _ => {
                    payloads.push(message);
                    return payloads;
                }
            }
        }
    }
}
