//! [`OpenAiModel`]: streamed chat completions from any OpenAI-compatible endpoint, through
//! async-openai.
//!
//! How async-openai is used, and why:
//! - Its `Client` builds and sends the request (base URL, `Authorization` header) and parses the
//!   SSE stream; the `byot` feature lets the body be our own type (async-openai's typed request
//!   plus a `response_format` whose schema keeps declaration order) and lets chunks be read as
//!   `serde_json::Value`, because async-openai's typed chunk rejects chunks that lack fields such
//!   as `created` (seen from local servers). With `byot` the body must set `stream: true` itself.
//! - Its `middleware` feature replaces the built-in HTTP executor, whose retry layer has a fixed
//!   policy and drops `Retry-After` once it turns an error response into an error. Our
//!   `Transport` maps every failure to a typed [`LlmError`] (keeping `Retry-After`),
//!   and the retry loop below owns the policy: up to `max_attempts` on 429, 5xx and connection
//!   failures, waiting `Retry-After` (capped at 30 s) or exponential backoff with full jitter
//!   (capped at 8 s). Retries happen only while opening the stream, so never after content.
//! - Deadlines are enforced around it: the connect timeout by reqwest, the first-token timeout
//!   from sending the successful attempt to its first content delta, the total timeout over
//!   everything. A stream that ends before a `finish_reason` is a [`LlmError::Protocol`] error.
//!
//! async-openai reads the SSE stream in a task of its own, which ends as soon as the returned
//! stream is dropped, so dropping the stream (or the future awaiting it) cancels the request.
//!
//! TLS: without the `tls` cargo feature, only `http://` endpoints work (the local model, or a
//! TLS-terminating proxy). The feature adds rustls with the `ring` provider (no aws-lc-sys); it
//! makes reqwest require a process-wide rustls provider for EVERY reqwest client in the
//! process, so call [`install_tls_provider`] at startup before any client is built.

mod transport;
mod wire;

use std::{collections::VecDeque, fmt, time::Duration};

use async_openai::{Client, config::OpenAIConfig, types::stream::StreamResponse};
use futures_util::{StreamExt, stream};
use rand::Rng;
use serde_json::Value;
use tokio::time::{Instant, timeout_at};

use self::{
    transport::{Redact, Transport, llm_error},
    wire::{StreamBody, parse_chunk},
};
use crate::{
    ModelEndpoint,
    model::{ChatRequest, Chunk, ChunkStream, LanguageModel, LlmError, TimeoutStage, Usage},
};

/// The model id used when `PARTNERGRAPH_LLM_MODEL` is unset.
pub const DEFAULT_MODEL: &str = "qwen2.5-0.5b";
/// Longest wait a `Retry-After` header can impose.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// Longest exponential backoff step.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// How to reach an OpenAI-compatible endpoint.
#[derive(Clone)]
pub struct OpenAiConfig {
    /// Base URL including the version path, e.g. `http://127.0.0.1:8012/v1`.
    pub base_url: String,
    /// Sent as a bearer token; never logged or printed.
    pub api_key: Option<String>,
    pub model: String,
    /// Opening the TCP connection. Default 5 s.
    pub connect_timeout: Duration,
    /// From sending the request to the first content delta. Default 30 s.
    pub first_token_timeout: Duration,
    /// The whole request, retries and stream included. Default 300 s.
    pub total_timeout: Duration,
    /// Attempts including the first. Default 3.
    pub max_attempts: u32,
    /// First backoff step (exponential with full jitter, capped at 8 s). Default 500 ms.
    pub backoff_base: Duration,
}

impl fmt::Debug for OpenAiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("model", &self.model)
            .field("connect_timeout", &self.connect_timeout)
            .field("first_token_timeout", &self.first_token_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("backoff_base", &self.backoff_base)
            .finish()
    }
}

impl OpenAiConfig {
    /// A configuration with the default timeouts and retries and no API key.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            connect_timeout: Duration::from_secs(5),
            first_token_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(300),
            max_attempts: 3,
            backoff_base: Duration::from_millis(500),
        }
    }

    /// From `PARTNERGRAPH_LLM_BASE_URL`, `PARTNERGRAPH_LLM_API_KEY` (or `OPENAI_API_KEY`) and
    /// `PARTNERGRAPH_LLM_MODEL` (default [`DEFAULT_MODEL`]); `None` when the base URL is unset
    /// or blank.
    pub fn from_env() -> Option<Self> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Self::from_env`] with another source of variables.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let present = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let base_url = present("PARTNERGRAPH_LLM_BASE_URL")?;
        let model = present("PARTNERGRAPH_LLM_MODEL").unwrap_or_else(|| DEFAULT_MODEL.to_owned());
        let mut config = Self::new(base_url, model);
        config.api_key = present("PARTNERGRAPH_LLM_API_KEY").or_else(|| present("OPENAI_API_KEY"));
        Some(config)
    }

    /// What `serverInfo` reports.
    pub fn endpoint(&self) -> ModelEndpoint {
        ModelEndpoint {
            base_url: Some(self.base_url.clone()),
            model: Some(self.model.clone()),
        }
    }
}

/// Makes rustls use `ring` in this process (with the `tls` feature). Call it at startup before
/// any reqwest client is built; calling it again is harmless.
pub fn install_tls_provider() {
    // Err means a provider is installed already, which is what we want.
    #[cfg(feature = "tls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A [`LanguageModel`] backed by an OpenAI-compatible `/chat/completions` endpoint.
pub struct OpenAiModel {
    config: OpenAiConfig,
    client: Client<OpenAIConfig>,
    redact: Redact,
}

impl fmt::Debug for OpenAiModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenAiModel")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OpenAiModel {
    pub fn new(config: OpenAiConfig) -> Result<Self, LlmError> {
        let base_url = config.base_url.trim().trim_end_matches('/').to_owned();
        if base_url.is_empty() {
            return Err(LlmError::NotConfigured);
        }
        install_tls_provider();
        if !cfg!(feature = "tls") && base_url.starts_with("https://") {
            return Err(LlmError::Unavailable(
                "https endpoints need the `tls` feature of partnergraph-llm".into(),
            ));
        }
        let api_key = config.api_key.as_deref().map(str::trim).unwrap_or_default();
        if api_key.chars().any(char::is_control) {
            return Err(LlmError::Unavailable(
                "the API key contains control characters".into(),
            ));
        }
        #[cfg(feature = "tls")]
        install_tls_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|error| {
                LlmError::Unavailable(format!("the HTTP client could not be built: {error}"))
            })?;
        let redact = Redact::new(Some(api_key));
        let openai_config = OpenAIConfig::new()
            .with_api_base(base_url)
            .with_api_key(api_key)
            .with_org_id("")
            .with_project_id("");
        let client = Client::build(http.clone(), openai_config)
            .with_http_service(Transport::new(http, redact.clone()));
        Ok(Self {
            config,
            client,
            redact,
        })
    }

    pub fn config(&self) -> &OpenAiConfig {
        &self.config
    }

    /// How long to wait before attempt `attempt + 1` after `error`, if it is worth retrying.
    fn retry_delay(&self, attempt: u32, error: &LlmError) -> Option<Duration> {
        if attempt >= self.config.max_attempts {
            return None;
        }
        let retryable = match error {
            LlmError::RateLimited { .. } | LlmError::Unavailable(_) => true,
            LlmError::Timeout { stage } => *stage == TimeoutStage::Connect,
            LlmError::Http { status, .. } => *status >= 500,
            LlmError::NotConfigured | LlmError::Protocol(_) => false,
        };
        if !retryable {
            return None;
        }
        if let LlmError::RateLimited {
            retry_after_ms: Some(ms),
        } = error
        {
            return Some(Duration::from_millis(*ms).min(MAX_RETRY_AFTER));
        }
        Some(full_jitter(self.config.backoff_base, attempt))
    }
}

/// A random wait in `[0, min(8 s, base · 2^(attempt-1))]`.
fn full_jitter(base: Duration, attempt: u32) -> Duration {
    let ceiling = base
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(MAX_BACKOFF);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::rng().random_range(0..=ceiling_ms))
}

#[async_trait::async_trait]
impl LanguageModel for OpenAiModel {
    fn model(&self) -> &str {
        &self.config.model
    }

    async fn stream(&self, request: ChatRequest) -> Result<ChunkStream, LlmError> {
        let total_deadline = Instant::now() + self.config.total_timeout;
        let body = StreamBody::new(&self.config.model, &request);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = Instant::now();
            let first_token_deadline = sent + self.config.first_token_timeout;
            let (deadline, stage) = earliest(first_token_deadline, total_deadline);
            let opened = timeout_at(
                deadline,
                self.client.chat().create_stream_byot::<_, Value>(&body),
            )
            .await;
            let error = match opened {
                Err(_elapsed) => return Err(LlmError::Timeout { stage }),
                Ok(Ok(events)) => {
                    return Ok(Deadlines {
                        first_token: first_token_deadline,
                        total: total_deadline,
                    }
                    .watch(events, self.redact.clone()));
                }
                Ok(Err(error)) => llm_error(error, &self.redact),
            };
            let Some(delay) = self.retry_delay(attempt, &error) else {
                return Err(error);
            };
            if Instant::now() + delay >= total_deadline {
                return Err(error);
            }
            tracing::warn!(
                llm.model = %self.config.model,
                llm.attempt = attempt,
                retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                error = %error,
                "model request failed; retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

fn earliest(first_token: Instant, total: Instant) -> (Instant, TimeoutStage) {
    if first_token < total {
        (first_token, TimeoutStage::FirstToken)
    } else {
        (total, TimeoutStage::Total)
    }
}

struct Deadlines {
    first_token: Instant,
    total: Instant,
}

/// The state of a stream being read.
struct Reading {
    events: StreamResponse<Value>,
    deadlines: Deadlines,
    redact: Redact,
    pending: VecDeque<Chunk>,
    usage: Option<Usage>,
    got_content: bool,
    finished: bool,
    done: bool,
}

impl Deadlines {
    /// Turns raw chunk values into [`Chunk`]s, enforcing the deadlines and the end-of-stream rule.
    fn watch(self, events: StreamResponse<Value>, redact: Redact) -> ChunkStream {
        let reading = Reading {
            events,
            deadlines: self,
            redact,
            pending: VecDeque::new(),
            usage: None,
            got_content: false,
            finished: false,
            done: false,
        };
        stream::unfold(reading, |mut reading| async move {
            let item = reading.next().await?;
            Some((item, reading))
        })
        .boxed()
    }
}

impl Reading {
    async fn next(&mut self) -> Option<Result<Chunk, LlmError>> {
        loop {
            if let Some(chunk) = self.pending.pop_front() {
                return Some(Ok(chunk));
            }
            if self.done {
                return None;
            }
            let (deadline, stage) = if self.got_content {
                (self.deadlines.total, TimeoutStage::Total)
            } else {
                earliest(self.deadlines.first_token, self.deadlines.total)
            };
            let event = match timeout_at(deadline, self.events.next()).await {
                Err(_elapsed) => return Some(Err(self.fail(LlmError::Timeout { stage }))),
                Ok(event) => event,
            };
            let parsed = match event {
                Some(Ok(value)) => parse_chunk(&value),
                // After `finish_reason` the content is complete; a broken tail does not matter.
                None | Some(Err(_)) if self.finished => {
                    self.end();
                    continue;
                }
                None => Err(LlmError::Protocol(
                    "the stream ended before the model finished its reply".into(),
                )),
                Some(Err(error)) => Err(llm_error(error, &self.redact)),
            };
            match parsed {
                Ok(event) => {
                    if let Some(content) = event.content {
                        self.got_content = true;
                        self.pending.push_back(Chunk::Delta(content));
                    }
                    self.usage = event.usage.or(self.usage);
                    self.finished |= event.finished;
                }
                Err(_) if self.finished => self.end(),
                Err(error) => return Some(Err(self.fail(error))),
            }
        }
    }

    /// A clean end: the last usage seen (servers may repeat it) goes out once.
    fn end(&mut self) {
        self.done = true;
        if let Some(usage) = self.usage.take() {
            self.pending.push_back(Chunk::Usage(usage));
        }
    }

    fn fail(&mut self, error: LlmError) -> LlmError {
        self.done = true;
        self.pending.clear();
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn config_comes_from_the_environment() {
        assert!(OpenAiConfig::from_vars(vars(&[])).is_none());
        assert!(OpenAiConfig::from_vars(vars(&[("PARTNERGRAPH_LLM_BASE_URL", "  ")])).is_none());
        let config = OpenAiConfig::from_vars(vars(&[
            ("PARTNERGRAPH_LLM_BASE_URL", "http://127.0.0.1:8012/v1"),
            ("OPENAI_API_KEY", "sk-openai"),
        ]))
        .unwrap();
        assert_eq!(config.base_url, "http://127.0.0.1:8012/v1");
        assert_eq!(config.model, DEFAULT_MODEL);
        assert_eq!(config.api_key.as_deref(), Some("sk-openai"));
        assert_eq!(config.max_attempts, 3);
        let config = OpenAiConfig::from_vars(vars(&[
            ("PARTNERGRAPH_LLM_BASE_URL", "http://h/v1"),
            ("PARTNERGRAPH_LLM_MODEL", "big"),
            ("PARTNERGRAPH_LLM_API_KEY", "sk-ours"),
            ("OPENAI_API_KEY", "sk-openai"),
        ]))
        .unwrap();
        assert_eq!(config.model, "big");
        assert_eq!(config.api_key.as_deref(), Some("sk-ours"));
        assert!(config.endpoint().is_configured());
    }

    #[test]
    fn debug_output_never_shows_the_api_key() {
        let mut config = OpenAiConfig::new("http://127.0.0.1:1/v1", "m");
        config.api_key = Some("sk-very-secret".into());
        let model = OpenAiModel::new(config.clone()).unwrap();
        assert!(!format!("{config:?}").contains("sk-very-secret"));
        assert!(!format!("{model:?}").contains("sk-very-secret"));
        assert!(format!("{config:?}").contains("[redacted]"));
    }

    #[test]
    fn a_blank_base_url_is_not_configured() {
        let error = OpenAiModel::new(OpenAiConfig::new(" ", "m")).unwrap_err();
        assert_eq!(error, LlmError::NotConfigured);
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let mut config = OpenAiConfig::new("http://127.0.0.1:1/v1", "m");
        config.backoff_base = Duration::from_millis(100);
        let model = OpenAiModel::new(config).unwrap();
        let http = |status| LlmError::Http {
            status,
            message: String::new(),
        };
        assert!(model.retry_delay(1, &http(503)).unwrap() <= Duration::from_millis(100));
        assert!(model.retry_delay(2, &http(500)).unwrap() <= Duration::from_millis(200));
        assert_eq!(model.retry_delay(3, &http(500)), None, "attempts exhausted");
        assert_eq!(model.retry_delay(1, &http(400)), None);
        assert_eq!(model.retry_delay(1, &LlmError::Protocol("x".into())), None);
        assert_eq!(
            model.retry_delay(
                1,
                &LlmError::RateLimited {
                    retry_after_ms: Some(120_000)
                }
            ),
            Some(MAX_RETRY_AFTER)
        );
        assert!(
            model
                .retry_delay(1, &LlmError::Unavailable("refused".into()))
                .is_some()
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..20 {
            let delay = full_jitter(Duration::from_millis(500), attempt);
            assert!(delay <= MAX_BACKOFF);
        }
        assert_eq!(full_jitter(Duration::ZERO, 3), Duration::ZERO);
    }
}
