//! A scripted [`LanguageModel`] for unit tests: no HTTP, replies queued in advance.

use std::{collections::VecDeque, sync::Mutex, time::Duration};

use futures_util::{StreamExt, stream};

use crate::model::{ChatRequest, Chunk, ChunkStream, LanguageModel, LlmError, Usage};

/// A model that replays queued replies, one per [`LanguageModel::stream`] call, and records
/// every request.
///
/// Each reply ends with a usage chunk: `prompt_tokens` = characters of the request's messages / 4
/// (at least 1), `completion_tokens` = number of text chunks.
#[derive(Debug)]
pub struct ScriptedModel {
    model: String,
    delay: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    script: VecDeque<Step>,
    requests: Vec<ChatRequest>,
}

#[derive(Debug)]
enum Step {
    Reply(Vec<String>),
    Fail(LlmError),
    Cut(Vec<String>, LlmError),
}

impl ScriptedModel {
    pub fn new(model: &str) -> Self {
        Self {
            model: model.to_owned(),
            delay: Duration::ZERO,
            state: Mutex::default(),
        }
    }

    /// Queues the reply to the next `stream` call: text split into these chunks, then a usage chunk.
    pub fn reply(self, chunks: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.push(Step::Reply(chunks.into_iter().map(Into::into).collect()))
    }

    /// Queues `value` serialised as JSON, split into chunks of `chunk_len` characters.
    pub fn reply_json(self, value: &serde_json::Value, chunk_len: usize) -> Self {
        let text = value.to_string();
        self.reply(split_chars(&text, chunk_len))
    }

    /// The next call fails before streaming anything.
    pub fn fail(self, error: LlmError) -> Self {
        self.push(Step::Fail(error))
    }

    /// The next call yields these chunks, then fails mid-stream.
    pub fn cut_after(
        self,
        chunks: impl IntoIterator<Item = impl Into<String>>,
        error: LlmError,
    ) -> Self {
        self.push(Step::Cut(
            chunks.into_iter().map(Into::into).collect(),
            error,
        ))
    }

    /// Waits this long before each chunk.
    pub fn with_delay(mut self, per_chunk: Duration) -> Self {
        self.delay = per_chunk;
        self
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<ChatRequest> {
        self.lock().requests.clone()
    }

    /// How many times `stream` was called.
    pub fn calls(&self) -> usize {
        self.lock().requests.len()
    }

    fn push(self, step: Step) -> Self {
        self.lock().script.push_back(step);
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A test that panicked while holding the lock has failed already; keep the data.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Splits `text` into pieces of at most `len` characters (at least one character each).
pub(crate) fn split_chars(text: &str, len: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(len.max(1))
        .map(|piece| piece.iter().collect())
        .collect()
}

#[async_trait::async_trait]
impl LanguageModel for ScriptedModel {
    fn model(&self) -> &str {
        &self.model
    }

    async fn stream(&self, request: ChatRequest) -> Result<ChunkStream, LlmError> {
        let prompt_chars: usize = request.messages.iter().map(|m| m.content.len()).sum();
        let step = {
            let mut state = self.lock();
            state.requests.push(request);
            state.script.pop_front()
        };
        let items: Vec<Result<Chunk, LlmError>> = match step {
            None => return Err(LlmError::Unavailable("script exhausted".into())),
            Some(Step::Fail(error)) => return Err(error),
            Some(Step::Reply(chunks)) => {
                let prompt_tokens = u32::try_from(prompt_chars / 4).unwrap_or(u32::MAX).max(1);
                let completion_tokens = u32::try_from(chunks.len()).unwrap_or(u32::MAX);
                let usage = Usage {
                    prompt_tokens,
                    completion_tokens,
                    total_tokens: prompt_tokens.saturating_add(completion_tokens),
                };
                chunks
                    .into_iter()
                    .map(|text| Ok(Chunk::Delta(text)))
                    .chain([Ok(Chunk::Usage(usage))])
                    .collect()
            }
            Some(Step::Cut(chunks, error)) => chunks
                .into_iter()
                .map(|text| Ok(Chunk::Delta(text)))
                .chain([Err(error)])
                .collect(),
        };
        let delay = self.delay;
        Ok(stream::iter(items)
            .then(move |item| async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                item
            })
            .boxed())
    }
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt;

    use super::*;
    use crate::model::Message;

    fn ask(text: &str) -> ChatRequest {
        ChatRequest::new(vec![Message::user(text)])
    }

    #[tokio::test]
    async fn replies_are_streamed_in_order_and_end_with_usage() {
        let model = ScriptedModel::new("fake").reply(["Hel", "lo"]);
        let chunks: Vec<Chunk> = model
            .stream(ask("12345678"))
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            chunks,
            vec![
                Chunk::Delta("Hel".into()),
                Chunk::Delta("lo".into()),
                Chunk::Usage(Usage {
                    prompt_tokens: 2,
                    completion_tokens: 2,
                    total_tokens: 4
                }),
            ]
        );
        assert_eq!(model.calls(), 1);
        assert_eq!(model.requests(), vec![ask("12345678")]);
    }

    #[tokio::test]
    async fn an_exhausted_script_is_unavailable() {
        let model = ScriptedModel::new("fake");
        let error = model.stream(ask("hi")).await.err().unwrap();
        assert_eq!(error, LlmError::Unavailable("script exhausted".into()));
    }

    #[tokio::test]
    async fn a_cut_reply_fails_after_its_chunks() {
        let model = ScriptedModel::new("fake")
            .fail(LlmError::NotConfigured)
            .cut_after(["{\"a\""], LlmError::Protocol("cut".into()));
        assert_eq!(
            model.stream(ask("1")).await.err(),
            Some(LlmError::NotConfigured)
        );
        let items: Vec<_> = model.stream(ask("2")).await.unwrap().collect().await;
        assert_eq!(
            items,
            vec![
                Ok(Chunk::Delta("{\"a\"".into())),
                Err(LlmError::Protocol("cut".into()))
            ]
        );
    }

    #[test]
    fn json_is_split_into_character_chunks() {
        assert_eq!(split_chars("aébc", 2), vec!["aé", "bc"]);
        assert_eq!(split_chars("abc", 0), vec!["a", "b", "c"]);
    }
}
