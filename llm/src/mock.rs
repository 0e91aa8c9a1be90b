//! An in-process OpenAI-compatible server that misbehaves on demand (cargo feature
//! `mock-server`), for tests that need a real HTTP endpoint.
//!
//! ```no_run
//! # use partnergraph_llm::{OpenAiModel, mock::{Behaviour, MockServer}};
//! # async fn demo() -> Result<(), partnergraph_llm::LlmError> {
//! let server = MockServer::start().await;
//! server.enqueue(Behaviour::Status { status: 503, retry_after_secs: None, body: String::new() });
//! server.enqueue(Behaviour::json(&serde_json::json!({"summary": "..."})));
//! let model = OpenAiModel::new(server.config())?;
//! # Ok(())
//! # }
//! ```
//!
//! Every response carries `Connection: close`, so each request arrives on a new connection
//! (which is what lets [`Behaviour::Refuse`] drop one).

use std::{
    collections::VecDeque,
    io,
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};
use tokio::{net::TcpListener, task::JoinHandle};

use crate::{fake::split_chars, openai::OpenAiConfig};

/// A pause that lets the server flush what it sent before it cuts the connection.
const FLUSH: Duration = Duration::from_millis(50);

/// What the server does with one chat completion request.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    /// Streams `text` as `chat.completion.chunk` SSE events of `chunk_chars` characters, waiting
    /// `delay` before each, then a `finish_reason` chunk, a usage chunk and `[DONE]`.
    Stream {
        text: String,
        chunk_chars: usize,
        delay: Duration,
    },
    /// Streams the first `after_chars` characters of `text`, then drops the connection without
    /// finishing the response.
    CutMidStream { text: String, after_chars: usize },
    /// Streams `text_before`, then sends `data: {not json`.
    MalformedChunk { text_before: String },
    /// Answers with this status (and `Retry-After`, if given) and body.
    Status {
        status: u16,
        retry_after_secs: Option<u64>,
        body: String,
    },
    /// Streams the first `before_chars` characters of `text`, waits `stall`, then the rest.
    Stall {
        before_chars: usize,
        text: String,
        stall: Duration,
    },
    /// Closes the next connection without answering.
    Refuse,
}

impl Behaviour {
    /// Streams `value` as JSON text in chunks of 12 characters, without delay.
    pub fn json(value: &Value) -> Behaviour {
        Behaviour::text(value.to_string())
    }

    /// Streams `text` in chunks of 12 characters, without delay.
    pub fn text(text: impl Into<String>) -> Behaviour {
        Behaviour::Stream {
            text: text.into(),
            chunk_chars: 12,
            delay: Duration::ZERO,
        }
    }
}

#[derive(Debug, Default)]
struct Shared {
    queue: VecDeque<Behaviour>,
    default: Option<Behaviour>,
    requests: Vec<Value>,
}

type SharedState = Arc<Mutex<Shared>>;

fn lock(state: &SharedState) -> MutexGuard<'_, Shared> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running mock server on `127.0.0.1`; stops when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: SharedState,
    task: JoinHandle<()>,
}

impl MockServer {
    /// Binds `127.0.0.1:0` and starts serving.
    ///
    /// # Panics
    /// If no local port can be bound (a test environment problem).
    pub async fn start() -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the mock model server to 127.0.0.1:0");
        let addr = listener.local_addr().expect("the mock server's address");
        let state = SharedState::default();
        let app = Router::new()
            .route("/v1/chat/completions", post(chat_completions))
            .route("/health", get(|| async { Json200 }))
            .with_state(Arc::clone(&state));
        let listener = Refusing {
            inner: listener,
            state: Arc::clone(&state),
        };
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::warn!(error = %error, "mock model server stopped");
            }
        });
        MockServer { addr, state, task }
    }

    /// `http://127.0.0.1:PORT/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// A client configuration for this server: model `"mock"`, short timeouts and backoff.
    pub fn config(&self) -> OpenAiConfig {
        let mut config = OpenAiConfig::new(self.base_url(), "mock");
        config.connect_timeout = Duration::from_secs(2);
        config.first_token_timeout = Duration::from_secs(5);
        config.total_timeout = Duration::from_secs(30);
        config.backoff_base = Duration::from_millis(10);
        config
    }

    /// Queues the behaviour for a later request (first in, first out).
    pub fn enqueue(&self, behaviour: Behaviour) {
        lock(&self.state).queue.push_back(behaviour);
    }

    /// What to do when the queue is empty (otherwise: HTTP 500).
    pub fn set_default(&self, behaviour: Behaviour) {
        lock(&self.state).default = Some(behaviour);
    }

    /// Request bodies received, in order (a body that is not JSON is kept as a string; a
    /// connection closed by [`Behaviour::Refuse`] is recorded as `null`).
    pub fn requests(&self) -> Vec<Value> {
        lock(&self.state).requests.clone()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Json200;

impl IntoResponse for Json200 {
    fn into_response(self) -> Response {
        axum::Json(json!({"status": "ok"})).into_response()
    }
}

/// Drops a new connection when the next behaviour is [`Behaviour::Refuse`].
struct Refusing {
    inner: TcpListener,
    state: SharedState,
}

impl axum::serve::Listener for Refusing {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (socket, addr) = axum::serve::Listener::accept(&mut self.inner).await;
            let mut state = lock(&self.state);
            if state.queue.front() == Some(&Behaviour::Refuse) {
                state.queue.pop_front();
                state.requests.push(Value::Null);
                drop(socket);
                continue;
            }
            return (socket, addr);
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

async fn chat_completions(State(state): State<SharedState>, body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let behaviour = {
        let mut shared = lock(&state);
        shared.requests.push(request.clone());
        shared.queue.pop_front().or_else(|| shared.default.clone())
    };
    let mut response = match behaviour {
        Some(behaviour) => respond(behaviour, &request),
        None => status_response(500, None, "the mock has no behaviour queued".into()),
    };
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// One piece of a streamed response.
enum Frame {
    Data(String),
    Wait(Duration),
    Abort,
}

fn respond(behaviour: Behaviour, request: &Value) -> Response {
    let sse = Sse::for_request(request);
    match behaviour {
        Behaviour::Stream {
            text,
            chunk_chars,
            delay,
        } => sse.respond(sse.content(&text, chunk_chars, delay, true)),
        Behaviour::CutMidStream { text, after_chars } => {
            let before: String = text.chars().take(after_chars).collect();
            let mut frames = sse.content(&before, 12, Duration::ZERO, false);
            // Let hyper flush what was sent: an error while data is still buffered drops it.
            frames.push(Frame::Wait(FLUSH));
            frames.push(Frame::Abort);
            sse.respond(frames)
        }
        Behaviour::MalformedChunk { text_before } => {
            let mut frames = sse.content(&text_before, 12, Duration::ZERO, false);
            frames.push(Frame::Data("data: {not json\n\n".into()));
            frames.push(Frame::Data("data: [DONE]\n\n".into()));
            sse.respond(frames)
        }
        Behaviour::Status {
            status,
            retry_after_secs,
            body,
        } => status_response(status, retry_after_secs, body),
        Behaviour::Stall {
            before_chars,
            text,
            stall,
        } => {
            let before: String = text.chars().take(before_chars).collect();
            let after: String = text.chars().skip(before_chars).collect();
            let mut frames = sse.content(&before, 12, Duration::ZERO, false);
            frames.push(Frame::Wait(stall));
            let mut rest = sse.content(&after, 12, Duration::ZERO, true);
            rest.remove(0); // the role chunk was sent already
            frames.extend(rest);
            sse.respond(frames)
        }
        // Only reachable when a connection was reused; answer like a dropped connection would.
        Behaviour::Refuse => sse.respond(vec![Frame::Abort]),
    }
}

fn status_response(status: u16, retry_after_secs: Option<u64>, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let json = serde_json::from_str::<Value>(&body).is_ok();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if json {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    if let Some(seconds) = retry_after_secs {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// Builds OpenAI `chat.completion.chunk` events.
struct Sse {
    model: String,
    prompt_tokens: u64,
}

impl Sse {
    fn for_request(request: &Value) -> Self {
        let prompt_chars: usize = request["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|message| message["content"].as_str())
            .map(str::len)
            .sum();
        Self {
            model: request["model"].as_str().unwrap_or("mock").to_owned(),
            prompt_tokens: u64::try_from(prompt_chars / 4).unwrap_or(u64::MAX).max(1),
        }
    }

    fn event(&self, choices: Value, usage: Value) -> Frame {
        let chunk = json!({
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": self.model,
            "choices": choices,
            "usage": usage,
        });
        Frame::Data(format!("data: {chunk}\n\n"))
    }

    fn delta(&self, delta: Value, finish_reason: Value) -> Frame {
        self.event(
            json!([{"index": 0, "delta": delta, "finish_reason": finish_reason}]),
            Value::Null,
        )
    }

    /// A role chunk, the content chunks and, if `finish`, the finish, usage and `[DONE]` events.
    fn content(&self, text: &str, chunk_chars: usize, delay: Duration, finish: bool) -> Vec<Frame> {
        let mut frames = vec![self.delta(json!({"role": "assistant", "content": ""}), Value::Null)];
        let pieces = if text.is_empty() {
            Vec::new()
        } else {
            split_chars(text, chunk_chars)
        };
        let completion_tokens = pieces.len() as u64;
        for piece in pieces {
            if !delay.is_zero() {
                frames.push(Frame::Wait(delay));
            }
            frames.push(self.delta(json!({"content": piece}), Value::Null));
        }
        if finish {
            frames.push(self.delta(json!({}), json!("stop")));
            frames.push(self.event(
                json!([]),
                json!({
                    "prompt_tokens": self.prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": self.prompt_tokens + completion_tokens,
                }),
            ));
            frames.push(Frame::Data("data: [DONE]\n\n".into()));
        }
        frames
    }

    fn respond(&self, frames: Vec<Frame>) -> Response {
        let body = stream::iter(frames).filter_map(|frame| async move {
            match frame {
                Frame::Data(text) => Some(Ok::<_, io::Error>(Bytes::from(text))),
                Frame::Wait(duration) => {
                    tokio::time::sleep(duration).await;
                    None
                }
                Frame::Abort => Some(Err(io::Error::other("the mock cut the stream"))),
            }
        });
        let mut response = Response::new(Body::from_stream(body));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }
}
