//! GraphQL over websockets at `/graphql/ws`: `graphql-transport-ws` and the legacy
//! `graphql-ws` protocol. On shutdown every session gets a close frame (1001, going away).

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use std::net::SocketAddr;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};

use super::AppState;
use crate::auth::{Viewer, viewer};
use crate::graphql::ClientIp;

/// Close code sent when the server shuts down.
const GOING_AWAY: u16 = 1001;
/// Close code for a refused `connection_init` credential (graphql-transport-ws: Forbidden).
const FORBIDDEN: u16 = 4403;
/// Prefix marking a refused credential in the close reason async-graphql sends (with 1002).
const UNAUTHORIZED: &str = "unauthorized: ";

/// Upgrades the connection; a missing or unknown subprotocol is a 400 (from the extractor).
pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let tracker = state.websockets.clone();
            tracker.track_future(serve(state, socket, protocol, peer))
        })
}

/// The bearer credential of a `connection_init` payload: `{"Authorization": "Bearer …"}`
/// (any case), or `{"authToken": "…"}` / `{"token": "…"}` holding the bare credential.
fn payload_authorization(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    if let Some(value) = object
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str())
    {
        return Some(value.to_owned());
    }
    ["authToken", "token"]
        .iter()
        .find_map(|key| object.get(*key)?.as_str())
        .map(|credential| format!("Bearer {credential}"))
}

async fn serve(state: AppState, socket: WebSocket, protocol: GraphQLProtocol, peer: SocketAddr) {
    let _open = state.services.metrics.websocket_opened();
    let (mut sink, stream) = socket.split();
    // Shutdown ends the client's message stream, which ends the GraphQL session; the sink is
    // only borrowed so that the close frame can still be sent afterwards.
    let stream = stream.take_until(state.shutdown.clone().cancelled_owned());
    let services = state.services.clone();
    // async-graphql closes a failed `connection_init` with 1002; the protocol asks for 4403.
    let mut output = (&mut sink).with(|message: Message| {
        futures_util::future::ready(Ok::<_, axum::Error>(match message {
            Message::Close(Some(frame)) if frame.reason.starts_with(UNAUTHORIZED) => {
                Message::Close(Some(CloseFrame {
                    code: FORBIDDEN,
                    reason: frame.reason,
                }))
            }
            other => other,
        }))
    });
    GraphQLWebSocket::new_with_pair(&mut output, stream, state.schema.clone(), protocol)
        .on_connection_init(move |payload| async move {
            let authorization = payload_authorization(&payload);
            let viewer = viewer::resolve(&services, authorization.as_deref()).await;
            if let Viewer::Anonymous {
                rejected: Some(reason),
            } = &viewer
            {
                return Err(async_graphql::Error::new(format!("{UNAUTHORIZED}{reason}")));
            }
            let mut data = async_graphql::Data::default();
            data.insert(viewer);
            data.insert(ClientIp(peer.ip()));
            Ok(data)
        })
        .serve()
        .await;
    if state.shutdown.is_cancelled() {
        let close = Message::Close(Some(CloseFrame {
            code: GOING_AWAY,
            reason: "server shutting down".into(),
        }));
        let _ = sink.send(close).await;
    }
    let _ = sink.close().await;
}
