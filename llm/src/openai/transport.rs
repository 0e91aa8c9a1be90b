//! The HTTP service async-openai sends requests through (its `middleware` seam).
//!
//! It replaces async-openai's built-in retry layer (fixed policy, and it turns error responses
//! into errors without their `Retry-After`) with a plain transport that maps every failure to a
//! typed [`LlmError`]; the retry loop lives in [`super::OpenAiModel::stream`].

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use async_openai::{error::OpenAIError, middleware::HttpRequestFactory};
use reqwest::{Response, StatusCode, header::RETRY_AFTER};

use crate::model::{LlmError, TimeoutStage};

/// Longest error message kept from a response body.
const MAX_MESSAGE_CHARS: usize = 300;

#[derive(Clone, Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    redact: Redact,
}

impl Transport {
    pub(crate) fn new(http: reqwest::Client, redact: Redact) -> Self {
        Self { http, redact }
    }
}

impl tower_service::Service<HttpRequestFactory> for Transport {
    type Response = Response;
    type Error = OpenAIError;
    type Future = Pin<Box<dyn Future<Output = Result<Response, OpenAIError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let request = factory.build().await?;
            let response = this
                .http
                .execute(request)
                .await
                .map_err(|error| boxed(this.redact.error(send_error(error))))?;
            if response.status().is_success() {
                return Ok(response);
            }
            Err(boxed(this.redact.error(status_error(response).await)))
        })
    }
}

fn boxed(error: LlmError) -> OpenAIError {
    OpenAIError::Boxed(Box::new(error))
}

/// The typed error inside an async-openai error, whether we put it there or not.
pub(crate) fn llm_error(error: OpenAIError, redact: &Redact) -> LlmError {
    let error = match error {
        OpenAIError::Boxed(inner) => match inner.downcast::<LlmError>() {
            Ok(typed) => *typed,
            Err(other) => LlmError::Unavailable(other.to_string()),
        },
        OpenAIError::Reqwest(error) => send_error(error),
        OpenAIError::JSONDeserialize(error, _content) => {
            LlmError::Protocol(format!("a stream chunk is not valid JSON ({error})"))
        }
        OpenAIError::StreamError(error) => {
            LlmError::Protocol(format!("the connection broke off mid-stream ({error})"))
        }
        OpenAIError::InvalidArgument(message) => {
            LlmError::Protocol(format!("the request could not be encoded: {message}"))
        }
        other => LlmError::Protocol(other.to_string()),
    };
    redact.error(error)
}

fn send_error(error: reqwest::Error) -> LlmError {
    if error.is_timeout() {
        // The client only has a connect timeout; the others are enforced around it.
        return LlmError::Timeout {
            stage: TimeoutStage::Connect,
        };
    }
    let what = if error.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    let error = error.without_url();
    let mut cause: &dyn std::error::Error = &error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    LlmError::Unavailable(format!("{what} ({cause})"))
}

async fn status_error(response: Response) -> LlmError {
    let status = response.status();
    let retry_after_ms = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(|seconds| seconds.saturating_mul(1000));
    if status == StatusCode::TOO_MANY_REQUESTS {
        return LlmError::RateLimited { retry_after_ms };
    }
    let body = response.text().await.unwrap_or_default();
    LlmError::Http {
        status: status.as_u16(),
        message: error_message(&body, status),
    }
}

/// `error.message` of an OpenAI-style error body, else the body itself, shortened.
fn error_message(body: &str, status: StatusCode) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|value| value.get("error"))
        .and_then(|error| {
            error
                .get("message")
                .and_then(serde_json::Value::as_str)
                .or_else(|| error.as_str())
        })
        .unwrap_or(body)
        .trim();
    if message.is_empty() {
        return status.canonical_reason().unwrap_or("no message").to_owned();
    }
    let mut short: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    if short.len() < message.len() {
        short.push('…');
    }
    short
}

/// Removes the API key from anything that may be shown or logged.
#[derive(Clone, Default)]
pub(crate) struct Redact(Option<String>);

impl std::fmt::Debug for Redact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redact")
    }
}

impl Redact {
    pub(crate) fn new(secret: Option<&str>) -> Self {
        Self(secret.filter(|s| !s.is_empty()).map(str::to_owned))
    }

    fn text(&self, text: String) -> String {
        match &self.0 {
            Some(secret) if text.contains(secret.as_str()) => {
                text.replace(secret.as_str(), "[redacted]")
            }
            _ => text,
        }
    }

    pub(crate) fn error(&self, error: LlmError) -> LlmError {
        match error {
            LlmError::Unavailable(message) => LlmError::Unavailable(self.text(message)),
            LlmError::Http { status, message } => LlmError::Http {
                status,
                message: self.text(message),
            },
            LlmError::Protocol(message) => LlmError::Protocol(self.text(message)),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_reduced_to_their_message() {
        let openai =
            r#"{"error": {"message": "model not found", "type": "invalid_request_error"}}"#;
        assert_eq!(
            error_message(openai, StatusCode::NOT_FOUND),
            "model not found"
        );
        assert_eq!(
            error_message(r#"{"error": "busy"}"#, StatusCode::SERVICE_UNAVAILABLE),
            "busy"
        );
        assert_eq!(
            error_message("", StatusCode::SERVICE_UNAVAILABLE),
            "Service Unavailable"
        );
        let long = "x".repeat(1000);
        assert_eq!(
            error_message(&long, StatusCode::BAD_GATEWAY)
                .chars()
                .count(),
            MAX_MESSAGE_CHARS + 1
        );
    }

    #[test]
    fn the_api_key_is_redacted_from_messages() {
        let redact = Redact::new(Some("sk-secret"));
        assert_eq!(
            redact.error(LlmError::Http {
                status: 401,
                message: "Incorrect API key provided: sk-secret".into()
            }),
            LlmError::Http {
                status: 401,
                message: "Incorrect API key provided: [redacted]".into()
            }
        );
    }
}
