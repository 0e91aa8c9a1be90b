//! `OpenAiModel` against the in-process mock server (and, when one runs, a real local model).

mod live;
mod openai;
