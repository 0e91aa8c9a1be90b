//! The language-model seam of Partnergraph.
//!
//! This crate grows with the AI-generation issue (async-openai client, structured output,
//! streaming). For now it defines the configuration surface the server reports on, so that
//! `serverInfo` can say whether AI features are available.

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
