//! HTTP routes: `/graphql` (POST, GET, GraphiQL), `/graphql/ws`, `/healthz`, `/readyz`, `/metrics`.

mod graphql;
mod probes;
mod ws;

use axum::Router;
use axum::routing::get;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::graphql::{AppSchema, Services};

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The executable schema.
    pub schema: AppSchema,
    /// Database, limits, metrics.
    pub services: Services,
    /// Production mode (introspection only when authenticated).
    pub production: bool,
    /// Cancelled when the server shuts down.
    pub shutdown: CancellationToken,
    /// Websocket sessions, awaited at shutdown so each gets its close frame.
    pub websockets: TaskTracker,
}

/// The router with every route.
pub fn router(state: AppState, cors_origins: &[String]) -> Router {
    let router = Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(ws::upgrade))
        .route("/healthz", get(probes::healthz))
        .route("/readyz", get(probes::readyz))
        .route("/metrics", get(probes::metrics))
        .with_state(state);
    match cors(cors_origins) {
        Some(layer) => router.layer(layer),
        None => router,
    }
}

fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<&str> = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .collect();
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| o.parse().ok()))
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
            .allow_headers(Any),
    )
}
