//! The language-model seam of Partnergraph.
//!
//! - [`LanguageModel`]: a chat request in, a stream of text deltas and usage out.
//!   [`OpenAiModel`] talks to any OpenAI-compatible endpoint; [`ScriptedModel`] replays
//!   queued replies in unit tests.
//! - [`PartialJson`]: best-effort parsing of a JSON document while it streams.
//! - [`generate`]: structured output against an [`OutputContract`] (schema + validation), with
//!   one repair attempt.
//! - [`artifacts`]: the typed strategy artifacts (ICP, IPP), [`partner_analysis`], and
//!   [`prompts`] to generate and edit them.
//! - `mock` (cargo feature `mock-server`): an in-process OpenAI-compatible server that
//!   misbehaves on demand, for integration tests.
//!
//! Every module is public, and its main items are re-exported here too.

pub mod artifacts;
pub mod fake;
#[cfg(feature = "mock-server")]
pub mod mock;
pub mod model;
pub mod openai;
pub mod partial;
pub mod partner_analysis;
pub mod prompts;
pub mod structured;

pub use fake::ScriptedModel;
pub use model::{
    ChatRequest, Chunk, ChunkStream, LanguageModel, LlmError, Message, OutputSchema, Role,
    TimeoutStage, Usage,
};
pub use openai::install_tls_provider;
pub use openai::{DEFAULT_MODEL, OpenAiConfig, OpenAiModel};
pub use partial::{PartialJson, parse_partial, strip_code_fences};
pub use structured::{
    Artifact, OutputContract, Progress, Structured, StructuredError, Validate, generate,
    repair_instruction, strict_schema_for,
};

/// Where the OpenAI-compatible model endpoint is, if anywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelEndpoint {
    /// Base URL of an OpenAI-compatible API (`PARTNERGRAPH_LLM_BASE_URL`).
    pub base_url: Option<String>,
    /// Model name (`PARTNERGRAPH_LLM_MODEL`).
    pub model: Option<String>,
}

impl ModelEndpoint {
    /// Whether AI operations can run at all.
    pub fn is_configured(&self) -> bool {
        self.base_url
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_without_a_base_url_is_not_configured() {
        assert!(!ModelEndpoint::default().is_configured());
        let endpoint = ModelEndpoint {
            base_url: Some("http://127.0.0.1:8012/v1".into()),
            model: None,
        };
        assert!(endpoint.is_configured());
    }
}
