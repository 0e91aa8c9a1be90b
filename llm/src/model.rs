//! The seam every caller talks to: a chat request in, a stream of text deltas and usage out.

use std::fmt;

use futures_util::stream::BoxStream;
use serde::{Deserialize, Serialize};

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    System,
    User,
    Assistant,
}

/// One turn of a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: Role::System,
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// A JSON Schema the reply must follow, sent as `response_format: json_schema` with `strict: true`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSchema {
    /// The schema's name (`a-z`, `A-Z`, `0-9`, `_`, `-`; at most 64 characters).
    pub name: String,
    pub schema: serde_json::Value,
}

/// What to ask the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    pub schema: Option<OutputSchema>,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
}

impl ChatRequest {
    /// A request with these messages and no schema, token limit or temperature.
    pub fn new(messages: Vec<Message>) -> Self {
        Self {
            messages,
            schema: None,
            max_tokens: None,
            temperature: None,
        }
    }
}

/// Tokens spent, as reported by the endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub total_tokens: u32,
}

impl Usage {
    /// The sum of two usages (saturating).
    #[expect(
        clippy::should_implement_trait,
        reason = "the inherent method works without importing `std::ops::Add`; the trait is implemented too"
    )]
    pub fn add(self, other: Usage) -> Usage {
        Usage {
            prompt_tokens: self.prompt_tokens.saturating_add(other.prompt_tokens),
            completion_tokens: self
                .completion_tokens
                .saturating_add(other.completion_tokens),
            total_tokens: self.total_tokens.saturating_add(other.total_tokens),
        }
    }
}

impl std::ops::Add for Usage {
    type Output = Usage;

    fn add(self, other: Usage) -> Usage {
        Usage::add(self, other)
    }
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        *self = Usage::add(*self, other);
    }
}

/// One item of a streamed reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Chunk {
    /// The next piece of the reply's text.
    Delta(String),
    /// Token usage of the whole request (usually the last item).
    Usage(Usage),
}

/// A streamed reply. It ends after the last chunk, or with one error.
pub type ChunkStream = BoxStream<'static, Result<Chunk, LlmError>>;

/// Which deadline ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutStage {
    /// Opening the connection to the endpoint.
    Connect,
    /// Between sending the request and the first piece of content.
    FirstToken,
    /// The whole request, retries and stream included.
    Total,
}

impl fmt::Display for TimeoutStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutStage::Connect => "connecting to the endpoint",
            TimeoutStage::FirstToken => "waiting for the first token",
            TimeoutStage::Total => "generating the reply",
        })
    }
}

/// Why a model call failed. Messages are meant for people and never contain the API key.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum LlmError {
    /// No endpoint is configured.
    #[error("no language model endpoint is configured")]
    NotConfigured,
    /// The endpoint could not be reached (after retries).
    #[error("the language model endpoint is unavailable: {0}")]
    Unavailable(String),
    /// A deadline ran out.
    #[error("the language model timed out while {stage}")]
    Timeout { stage: TimeoutStage },
    /// The endpoint kept answering 429 (after retries).
    #[error("{}", rate_limited_message(*retry_after_ms))]
    RateLimited { retry_after_ms: Option<u64> },
    /// Any other non-success answer: 5xx after retries, or a 4xx that retrying cannot fix.
    #[error("the language model endpoint answered HTTP {status}: {message}")]
    Http { status: u16, message: String },
    /// The stream broke the protocol: an unparsable chunk, or an end without `[DONE]`/`finish_reason`.
    #[error("the language model stream broke off or was malformed: {0}")]
    Protocol(String),
}

fn rate_limited_message(retry_after_ms: Option<u64>) -> String {
    match retry_after_ms {
        Some(ms) => format!(
            "the language model endpoint is rate limiting requests (it asked to retry after {ms} ms)"
        ),
        None => "the language model endpoint is rate limiting requests".to_owned(),
    }
}

/// A chat model. Implementations: [`crate::OpenAiModel`] and [`crate::ScriptedModel`].
#[async_trait::async_trait]
pub trait LanguageModel: Send + Sync + fmt::Debug {
    /// The model id that will be recorded on generations.
    fn model(&self) -> &str;

    /// Starts a streamed chat completion. Retries (429/5xx/connect) happen inside, only before
    /// the first content byte is yielded. Dropping the stream cancels the request.
    async fn stream(&self, request: ChatRequest) -> Result<ChunkStream, LlmError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usages_add_up_field_by_field() {
        let a = Usage {
            prompt_tokens: 10,
            completion_tokens: 5,
            total_tokens: 15,
        };
        let b = Usage {
            prompt_tokens: 1,
            completion_tokens: 2,
            total_tokens: 3,
        };
        let sum = a.add(b);
        assert_eq!(
            sum,
            Usage {
                prompt_tokens: 11,
                completion_tokens: 7,
                total_tokens: 18
            }
        );
        assert_eq!(a + b, sum);
        let mut c = a;
        c += b;
        assert_eq!(c, sum);
    }

    #[test]
    fn error_messages_read_as_sentences() {
        assert_eq!(
            LlmError::Timeout {
                stage: TimeoutStage::FirstToken
            }
            .to_string(),
            "the language model timed out while waiting for the first token"
        );
        assert_eq!(
            LlmError::RateLimited {
                retry_after_ms: Some(2000)
            }
            .to_string(),
            "the language model endpoint is rate limiting requests (it asked to retry after 2000 ms)"
        );
        assert_eq!(
            LlmError::Http {
                status: 503,
                message: "loading model".into()
            }
            .to_string(),
            "the language model endpoint answered HTTP 503: loading model"
        );
    }
}
