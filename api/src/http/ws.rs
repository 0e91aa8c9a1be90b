//! GraphQL over websockets at `/graphql/ws`: `graphql-transport-ws` and the legacy
//! `graphql-ws` protocol. On shutdown every session gets a close frame (1001, going away).

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};

use super::AppState;

/// Close code sent when the server shuts down.
const GOING_AWAY: u16 = 1001;

/// Upgrades the connection; a missing or unknown subprotocol is a 400 (from the extractor).
pub async fn upgrade(
    State(state): State<AppState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let tracker = state.websockets.clone();
            tracker.track_future(serve(state, socket, protocol))
        })
}

async fn serve(state: AppState, socket: WebSocket, protocol: GraphQLProtocol) {
    let _open = state.services.metrics.websocket_opened();
    let (mut sink, stream) = socket.split();
    // Shutdown ends the client's message stream, which ends the GraphQL session; the sink is
    // only borrowed so that the close frame can still be sent afterwards.
    let stream = stream.take_until(state.shutdown.clone().cancelled_owned());
    GraphQLWebSocket::new_with_pair(&mut sink, stream, state.schema.clone(), protocol)
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
