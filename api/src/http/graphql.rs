//! `/graphql` following the GraphQL-over-HTTP specification.
//!
//! - `POST` with `Content-Type: application/json` (else 415); a JSON object or, for batches, an
//!   array of at most the configured number of operations.
//! - `GET` with `query`, `variables`, `operationName` in the query string, for queries only
//!   (mutations get 405); a browser asking for HTML without a query gets GraphiQL.
//! - Responses are `application/graphql-response+json` when the client accepts it (request
//!   errors then get 400, timeouts 504) and `application/json` otherwise (always 200 once the
//!   request is well-formed). Malformed JSON, a missing query or an oversized body get 400 or 413
//!   with a GraphQL error body in either case.

use std::time::Instant;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, Request, ServerError};
use axum::body::{Body, to_bytes};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value as Json, json};

use super::AppState;
use crate::auth::{Viewer, viewer};
use crate::error::{ApiError, code};
use crate::graphql::ClientIp;
use crate::graphql::extensions::{DenyIntrospection, OperationName};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const APPLICATION_JSON: &str = "application/json";

/// The response media type negotiated from `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    /// `application/graphql-response+json`: status codes carry meaning.
    GraphQLResponse,
    /// `application/json`: 200 for every well-formed request.
    Json,
}

impl MediaType {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphQLResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response media type; `None` when the client accepts neither.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let types: Vec<String> = accept
        .split(',')
        .filter_map(|part| part.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    if types.iter().any(|t| t == GRAPHQL_RESPONSE_JSON) {
        Some(MediaType::GraphQLResponse)
    } else if types.is_empty()
        || types
            .iter()
            .any(|t| t == APPLICATION_JSON || t == "*/*" || t == "application/*")
    {
        Some(MediaType::Json)
    } else {
        None
    }
}

/// A response whose body is only `errors` (the request never executed).
fn request_error(
    status: StatusCode,
    media: MediaType,
    error_code: &str,
    message: &str,
) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": error_code } }] });
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

/// `POST /graphql`.
pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(APPLICATION_JSON));
    if !is_json {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            code::UNSUPPORTED_MEDIA_TYPE,
            "POST bodies must be application/json",
        );
    }
    let limit = state.services.limits.max_body_bytes;
    let too_large = || {
        request_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            code::PAYLOAD_TOO_LARGE,
            &format!("the request body exceeds {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return too_large();
    }
    let Ok(bytes) = to_bytes(body, limit).await else {
        return too_large();
    };
    match parse_body(&bytes, state.services.limits.max_batch_operations) {
        Ok(batch) => execute(&state, &headers, peer, batch, media).await,
        Err(message) => request_error(StatusCode::BAD_REQUEST, media, code::BAD_REQUEST, &message),
    }
}

/// Parses a POST body into a (batch) request, with messages fit for clients.
fn parse_body(bytes: &[u8], max_batch: usize) -> Result<BatchRequest, String> {
    let value: Json =
        serde_json::from_slice(bytes).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let check = |item: &Json| -> Result<(), String> {
        match item.get("query") {
            Some(Json::String(query)) if !query.trim().is_empty() => Ok(()),
            Some(Json::String(_)) | None => Err("the request has no query".to_owned()),
            Some(_) => Err("query must be a string".to_owned()),
        }
    };
    match &value {
        Json::Object(_) => check(&value)?,
        Json::Array(items) => {
            if items.is_empty() {
                return Err("the batch is empty".to_owned());
            }
            if items.len() > max_batch {
                return Err(format!("a batch may hold at most {max_batch} operations"));
            }
            items.iter().try_for_each(check)?;
        }
        _ => return Err("the body must be a JSON object or an array of them".to_owned()),
    }
    serde_json::from_value(value).map_err(|e| format!("the request is malformed: {e}"))
}

/// `GET /graphql`: GraphiQL for browsers, otherwise a query in the query string.
pub async fn get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let has_query = url::form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "query");
    if wants_html && !has_query {
        return Html(graphiql()).into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    if !has_query {
        return request_error(
            StatusCode::BAD_REQUEST,
            media,
            code::BAD_REQUEST,
            "the request has no query",
        );
    }
    let request = match async_graphql::http::parse_query_string(&query) {
        Ok(request) => request,
        Err(error) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                media,
                code::BAD_REQUEST,
                &format!("the query string is malformed: {error}"),
            );
        }
    };
    if operation_type(&request) == Some(OperationType::Mutation) {
        let mut response = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            code::METHOD_NOT_ALLOWED,
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, &headers, peer, BatchRequest::Single(request), media).await
}

/// The type of the operation a request would run, if the document parses.
fn operation_type(request: &Request) -> Option<OperationType> {
    let document = async_graphql::parser::parse_query(&request.query).ok()?;
    let mut operations = document.operations.iter();
    let selected = match &request.operation_name {
        Some(name) => operations.find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => operations.next(),
    };
    selected.map(|(_, operation)| operation.node.ty)
}

fn graphiql() -> String {
    GraphiQLSource::build()
        .endpoint("/graphql")
        .subscription_endpoint("/graphql/ws")
        .title("Partnergraph GraphiQL")
        .finish()
}

fn not_acceptable() -> Response {
    request_error(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        code::NOT_ACCEPTABLE,
        "accept application/graphql-response+json or application/json",
    )
}

/// Outcome of one operation, for logs and metrics.
struct Executed {
    response: async_graphql::Response,
    outcome: &'static str,
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    batch: BatchRequest,
    media: MediaType,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let caller = Caller {
        viewer: viewer::resolve(&state.services, authorization).await,
        ip: ClientIp(peer.ip()),
    };
    match batch {
        BatchRequest::Single(request) => {
            let executed = execute_one(state, &caller, request).await;
            single_response(executed, media)
        }
        BatchRequest::Batch(requests) => {
            let mut bodies = Vec::with_capacity(requests.len());
            for request in requests {
                let executed = execute_one(state, &caller, request).await;
                bodies.push(response_body(&executed.response));
            }
            let mut response = Json::Array(bodies).to_string().into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, media.content_type());
            response
        }
    }
}

/// Who sent the HTTP request.
struct Caller {
    viewer: Viewer,
    ip: ClientIp,
}

/// Runs one operation under the request timeout; logs it once and records metrics.
async fn execute_one(state: &AppState, caller: &Caller, mut request: Request) -> Executed {
    let started = Instant::now();
    let limits = state.services.limits;
    let slot = OperationName::default();
    let requested_name = request.operation_name.clone();
    request = request
        .data(slot.clone())
        .data(caller.viewer.clone())
        .data(caller.ip);
    if state.production && !caller.viewer.is_authenticated() {
        request = request.data(DenyIntrospection).disable_introspection();
    }
    let (response, outcome) =
        match tokio::time::timeout(limits.request_timeout, state.schema.execute(request)).await {
            Ok(response) if response.errors.is_empty() => (response, "ok"),
            Ok(response) if is_request_error(&response) => (response, "rejected"),
            Ok(response) => (response, "error"),
            Err(_) => {
                let error: async_graphql::Error = ApiError::RequestTimeout {
                    timeout_ms: limits.request_timeout.as_millis(),
                }
                .into();
                (
                    async_graphql::Response::from_errors(vec![
                        error.into_server_error(Default::default()),
                    ]),
                    "timeout",
                )
            }
        };
    let operation = slot
        .get()
        .or(requested_name)
        .unwrap_or_else(|| "anonymous".to_owned());
    let elapsed = started.elapsed();
    let codes = error_codes(&response.errors);
    state
        .services
        .metrics
        .record_operation(&operation, outcome, elapsed.as_secs_f64());
    tracing::info!(
        graphql.operation = %operation,
        outcome,
        duration_ms = elapsed.as_millis() as u64,
        error_codes = %codes.join(","),
        "graphql operation"
    );
    Executed { response, outcome }
}

fn error_codes(errors: &[ServerError]) -> Vec<String> {
    errors
        .iter()
        .filter_map(|error| error.extensions.as_ref()?.get("code").cloned())
        .map(|value| match value {
            async_graphql::Value::String(code) => code,
            other => other.to_string(),
        })
        .collect()
}

/// A response that never executed: no data, and every error a request-level code.
fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && error_codes(&response.errors)
            .iter()
            .all(|c| code::REQUEST_ERRORS.contains(&c.as_str()) || c == code::REQUEST_TIMEOUT)
}

/// The JSON body: request errors carry no `data` entry, as the specification requires.
fn response_body(response: &async_graphql::Response) -> Json {
    let mut body = serde_json::to_value(response).unwrap_or_else(|_| json!({}));
    if is_request_error(response)
        && let Json::Object(map) = &mut body
    {
        map.remove("data");
    }
    body
}

fn single_response(executed: Executed, media: MediaType) -> Response {
    let status = match (media, executed.outcome) {
        (MediaType::GraphQLResponse, "rejected") => StatusCode::BAD_REQUEST,
        (MediaType::GraphQLResponse, "timeout") => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::OK,
    };
    let mut response = (status, response_body(&executed.response).to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).expect("ascii"));
        headers
    }

    #[test]
    fn the_graphql_response_media_type_wins_when_accepted() {
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(MediaType::GraphQLResponse)
        );
        assert_eq!(negotiate(&accept("*/*")), Some(MediaType::Json));
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
        assert_eq!(negotiate(&accept("text/csv")), None);
    }

    #[test]
    fn bodies_without_a_query_or_with_too_many_operations_are_refused() {
        assert!(parse_body(br#"{"query":"{ __typename }"}"#, 2).is_ok());
        assert_eq!(
            parse_body(br#"{"variables":{}}"#, 2).err().as_deref(),
            Some("the request has no query")
        );
        assert!(parse_body(b"{not json", 2).is_err());
        let batch = br#"[{"query":"{a}"},{"query":"{b}"},{"query":"{c}"}]"#;
        assert!(
            parse_body(batch, 2)
                .expect_err("too many")
                .contains("at most 2")
        );
        assert!(parse_body(b"[]", 2).is_err());
        assert!(parse_body(b"42", 2).is_err());
    }

    #[test]
    fn the_selected_operation_decides_the_type() {
        let request = Request::new("query A { a } mutation B { b }").operation_name("B");
        assert_eq!(operation_type(&request), Some(OperationType::Mutation));
        let request = Request::new("query A { a } mutation B { b }").operation_name("A");
        assert_eq!(operation_type(&request), Some(OperationType::Query));
        assert_eq!(
            operation_type(&Request::new("{ a }")),
            Some(OperationType::Query)
        );
    }
}
