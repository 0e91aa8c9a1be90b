//! The one error type of the API and its mapping to GraphQL `extensions.code`.
//!
//! Resolvers return [`ApiError`]; converting it into an `async_graphql::Error` sets the code
//! (and `field` or `retryAfterSeconds` where they apply). Internal errors are logged once, with
//! their cause chain, at that conversion and reach clients only as a generic message.

use std::error::Error as StdError;
use std::sync::Arc;

use partnergraph_persistence::DbError;

/// Machine-readable error codes (`extensions.code`), documented in `docs/GRAPHQL.md`.
pub mod code {
    /// No or invalid credentials.
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    /// Authenticated, but the role does not allow this.
    pub const FORBIDDEN: &str = "FORBIDDEN";
    /// No such object in the viewer's organisation (also for other organisations' objects).
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// An argument or input field is invalid; `extensions.field` names it.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    /// The write lost a race (stale version, duplicate).
    pub const CONFLICT: &str = "CONFLICT";
    /// Too many attempts; `extensions.retryAfterSeconds` says when to retry.
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    /// No language model is configured or reachable.
    pub const LLM_UNAVAILABLE: &str = "LLM_UNAVAILABLE";
    /// The organisation's monthly token budget is spent.
    pub const LLM_QUOTA_EXCEEDED: &str = "LLM_QUOTA_EXCEEDED";
    /// The operation ran past the request timeout.
    pub const REQUEST_TIMEOUT: &str = "REQUEST_TIMEOUT";
    /// A bug or an outage; details are in the server log, never in the response.
    pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";
    /// The HTTP request itself is malformed (bad JSON, no query, too many batched operations).
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    /// The document is not valid GraphQL syntax.
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    /// The document does not validate against the schema.
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    /// The selection is nested deeper than the configured limit.
    pub const QUERY_TOO_DEEP: &str = "QUERY_TOO_DEEP";
    /// The operation's complexity exceeds the configured limit.
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    /// Introspection is disabled for this request (production mode, unauthenticated).
    pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";
    /// The body is larger than the configured limit.
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    /// The request's media type is not supported.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
    /// Mutations must use POST.
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    /// None of the accepted response media types can be produced.
    pub const NOT_ACCEPTABLE: &str = "NOT_ACCEPTABLE";

    /// Codes that mean the request never reached execution (the GraphQL-over-HTTP "request
    /// error": the response has no `data`).
    pub const REQUEST_ERRORS: &[&str] = &[
        BAD_REQUEST,
        GRAPHQL_PARSE_FAILED,
        GRAPHQL_VALIDATION_FAILED,
        QUERY_TOO_DEEP,
        QUERY_TOO_COMPLEX,
        INTROSPECTION_DISABLED,
    ];
}

/// Generic message of internal errors.
pub const INTERNAL_MESSAGE: &str = "Internal server error";

/// Everything a resolver can fail with.
///
/// Deliberately not `Display`: async-graphql converts any `Display` type into an error carrying
/// only its message, and a stray `?` must never send an unclassified message to clients.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// No or invalid credentials.
    Unauthenticated(String),
    /// The viewer's role does not allow this.
    Forbidden(String),
    /// No such object (in the viewer's organisation).
    NotFound(&'static str),
    /// Invalid input; `field` names the argument or input path at fault.
    BadUserInput {
        /// What is wrong, for people.
        message: String,
        /// The input at fault, e.g. `input.companyDomain`.
        field: Option<String>,
    },
    /// A conflicting write.
    Conflict(String),
    /// Too many attempts.
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after_seconds: u64,
    },
    /// AI is not available.
    LlmUnavailable(String),
    /// AI budget spent.
    LlmQuotaExceeded(String),
    /// Past the request timeout.
    RequestTimeout {
        /// The configured budget.
        timeout_ms: u128,
    },
    /// Anything unexpected: logged with its cause chain, never shown to clients.
    Internal(Arc<dyn StdError + Send + Sync>),
}

impl ApiError {
    /// Invalid input naming the field at fault.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadUserInput {
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// An unexpected error (wrapped, logged when converted).
    pub fn internal(error: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        ApiError::Internal(Arc::from(error.into()))
    }

    /// The message clients see (internal errors get a generic one).
    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthenticated(message)
            | ApiError::Forbidden(message)
            | ApiError::Conflict(message)
            | ApiError::LlmUnavailable(message)
            | ApiError::LlmQuotaExceeded(message)
            | ApiError::BadUserInput { message, .. } => message.clone(),
            ApiError::NotFound(what) => format!("{what} not found"),
            ApiError::RateLimited {
                retry_after_seconds,
            } => {
                format!("too many attempts; retry in {retry_after_seconds} s")
            }
            ApiError::RequestTimeout { timeout_ms } => {
                format!("the operation did not finish within {timeout_ms} ms")
            }
            ApiError::Internal(_) => INTERNAL_MESSAGE.to_owned(),
        }
    }

    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => code::UNAUTHENTICATED,
            ApiError::Forbidden(_) => code::FORBIDDEN,
            ApiError::NotFound(_) => code::NOT_FOUND,
            ApiError::BadUserInput { .. } => code::BAD_USER_INPUT,
            ApiError::Conflict(_) => code::CONFLICT,
            ApiError::RateLimited { .. } => code::RATE_LIMITED,
            ApiError::LlmUnavailable(_) => code::LLM_UNAVAILABLE,
            ApiError::LlmQuotaExceeded(_) => code::LLM_QUOTA_EXCEEDED,
            ApiError::RequestTimeout { .. } => code::REQUEST_TIMEOUT,
            ApiError::Internal(_) => code::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => ApiError::NotFound("record"),
            other => ApiError::Internal(Arc::new(other)),
        }
    }
}

/// The error and its sources, joined: `a: b: c`.
pub fn cause_chain(error: &(dyn StdError + 'static)) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let code = error.code();
        if let ApiError::Internal(cause) = &error {
            tracing::error!(error.chain = %cause_chain(cause.as_ref()), "internal error");
        }
        let mut graphql_error = async_graphql::Error::new(error.message());
        let extensions = graphql_error
            .extensions
            .get_or_insert_with(Default::default);
        extensions.set("code", code);
        match &error {
            ApiError::BadUserInput {
                field: Some(field), ..
            } => extensions.set("field", field.as_str()),
            ApiError::RateLimited {
                retry_after_seconds,
            } => extensions.set("retryAfterSeconds", *retry_after_seconds),
            _ => {}
        }
        graphql_error
    }
}

/// Result type of resolvers.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::Value;

    fn extensions(error: ApiError) -> (String, Value) {
        let graphql_error: async_graphql::Error = error.into();
        let extensions = graphql_error.extensions.expect("extensions set");
        let json = serde_json::to_value(&extensions).expect("serialisable");
        (
            graphql_error.message,
            Value::from_json(json).expect("json value"),
        )
    }

    fn code_of(error: ApiError) -> String {
        let (_, ext) = extensions(error);
        match ext {
            Value::Object(map) => match map.get("code") {
                Some(Value::String(code)) => code.clone(),
                other => panic!("no code: {other:?}"),
            },
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn every_variant_maps_to_its_code() {
        let cases = [
            (
                ApiError::Unauthenticated("sign in".into()),
                "UNAUTHENTICATED",
            ),
            (ApiError::Forbidden("admins only".into()), "FORBIDDEN"),
            (ApiError::NotFound("partner"), "NOT_FOUND"),
            (
                ApiError::bad_input("input.name", "too long"),
                "BAD_USER_INPUT",
            ),
            (ApiError::Conflict("stale version".into()), "CONFLICT"),
            (
                ApiError::RateLimited {
                    retry_after_seconds: 30,
                },
                "RATE_LIMITED",
            ),
            (
                ApiError::LlmUnavailable("no model".into()),
                "LLM_UNAVAILABLE",
            ),
            (
                ApiError::LlmQuotaExceeded("budget".into()),
                "LLM_QUOTA_EXCEEDED",
            ),
            (
                ApiError::RequestTimeout { timeout_ms: 10 },
                "REQUEST_TIMEOUT",
            ),
            (ApiError::internal("boom"), "INTERNAL_SERVER_ERROR"),
        ];
        for (error, expected) in cases {
            assert_eq!(code_of(error), expected);
        }
    }

    #[test]
    fn bad_user_input_names_the_field() {
        let (_, ext) = extensions(ApiError::bad_input("input.companyDomain", "required"));
        let json = ext.into_json().expect("json");
        assert_eq!(json["field"], "input.companyDomain");
    }

    #[test]
    fn rate_limited_says_when_to_retry() {
        let (_, ext) = extensions(ApiError::RateLimited {
            retry_after_seconds: 42,
        });
        assert_eq!(ext.into_json().expect("json")["retryAfterSeconds"], 42);
    }

    #[test]
    fn internal_errors_reach_clients_only_as_a_generic_message() {
        let (message, _) = extensions(ApiError::internal(
            "password=hunter2 leaked in a driver error",
        ));
        assert_eq!(message, INTERNAL_MESSAGE);
    }

    #[test]
    fn database_errors_are_internal_except_not_found() {
        assert_eq!(ApiError::from(DbError::NotFound).code(), "NOT_FOUND");
        assert_eq!(
            ApiError::from(DbError::PoolTimeout { waited_ms: 5 }).code(),
            "INTERNAL_SERVER_ERROR"
        );
    }

    #[test]
    fn the_cause_chain_joins_sources() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] std::io::Error);
        let error = Outer(std::io::Error::other("inner"));
        assert_eq!(cause_chain(&error), "outer: inner");
    }
}
