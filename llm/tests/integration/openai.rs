use std::time::{Duration, Instant};

use futures_util::StreamExt;
use partnergraph_llm::{
    ChatRequest, Chunk, LanguageModel, LlmError, Message, OpenAiConfig, OpenAiModel,
    OutputContract, TimeoutStage, Usage,
    artifacts::IdealCustomerProfile,
    generate,
    mock::{Behaviour, MockServer},
};
use serde_json::{Value, json};

/// What a stream produced: its text, its usage, and the error it ended with.
#[derive(Debug, Default)]
struct Outcome {
    text: String,
    usage: Option<Usage>,
    error: Option<LlmError>,
}

async fn run(model: &OpenAiModel, request: ChatRequest) -> Result<Outcome, LlmError> {
    let mut stream = model.stream(request).await?;
    let mut outcome = Outcome::default();
    while let Some(item) = stream.next().await {
        match item {
            Ok(Chunk::Delta(delta)) => outcome.text.push_str(&delta),
            Ok(Chunk::Usage(usage)) => outcome.usage = Some(usage),
            Err(error) => {
                outcome.error = Some(error);
                break;
            }
        }
    }
    Ok(outcome)
}

fn hello() -> ChatRequest {
    ChatRequest::new(vec![Message::user("Say hello")])
}

fn status(status: u16) -> Behaviour {
    Behaviour::Status {
        status,
        retry_after_secs: None,
        body: String::new(),
    }
}

async fn server_and_model() -> (MockServer, OpenAiModel) {
    let server = MockServer::start().await;
    let model = OpenAiModel::new(server.config()).unwrap();
    (server, model)
}

#[tokio::test]
async fn a_streamed_reply_arrives_in_pieces_with_its_usage() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::Stream {
        text: "Hello there, partner manager!".into(),
        chunk_chars: 5,
        delay: Duration::from_millis(5),
    });
    let mut stream = model.stream(hello()).await.unwrap();
    let mut deltas = Vec::new();
    let mut usage = None;
    while let Some(item) = stream.next().await {
        match item.unwrap() {
            Chunk::Delta(delta) => deltas.push(delta),
            Chunk::Usage(u) => usage = Some(u),
        }
    }
    assert_eq!(deltas.concat(), "Hello there, partner manager!");
    assert_eq!(deltas.len(), 6);
    let usage = usage.unwrap();
    assert_eq!(usage.completion_tokens, 6);
    assert_eq!(usage.total_tokens, usage.prompt_tokens + 6);
    assert_eq!(model.model(), "mock");
}

#[tokio::test]
async fn the_request_streams_with_usage_and_a_strict_json_schema() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::text("{}"));
    let request = partnergraph_llm::prompts::icp("acme.com");
    run(&model, request.clone()).await.unwrap();

    let body = &server.requests()[0];
    assert_eq!(body["model"], "mock");
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
    assert_eq!(body["max_tokens"], 900);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], request.messages[1].content);
    let format = &body["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], "ideal_customer_profile");
    assert_eq!(format["json_schema"]["strict"], true);
    assert_eq!(
        format["json_schema"]["schema"],
        OutputContract::of::<IdealCustomerProfile>().schema
    );
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::Status {
        status: 429,
        retry_after_secs: Some(1),
        body: r#"{"error": {"message": "slow down"}}"#.into(),
    });
    server.enqueue(Behaviour::text("ok"));
    let started = Instant::now();
    let outcome = run(&model, hello()).await.unwrap();
    assert_eq!(outcome.text, "ok");
    assert_eq!(server.requests().len(), 2);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn server_errors_are_retried_until_one_succeeds() {
    let (server, model) = server_and_model().await;
    server.enqueue(status(503));
    server.enqueue(status(503));
    server.enqueue(Behaviour::text("third time lucky"));
    let outcome = run(&model, hello()).await.unwrap();
    assert_eq!(outcome.text, "third time lucky");
    assert!(outcome.error.is_none());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn server_errors_give_up_after_the_last_attempt() {
    let (server, model) = server_and_model().await;
    for _ in 0..3 {
        server.enqueue(Behaviour::Status {
            status: 500,
            retry_after_secs: None,
            body: r#"{"error": {"message": "model crashed"}}"#.into(),
        });
    }
    server.enqueue(Behaviour::text("never asked for"));
    let error = model.stream(hello()).await.err().unwrap();
    assert_eq!(
        error,
        LlmError::Http {
            status: 500,
            message: "model crashed".into()
        }
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn rate_limiting_that_persists_is_reported_with_its_retry_after() {
    let (server, model) = server_and_model().await;
    server.set_default(Behaviour::Status {
        status: 429,
        retry_after_secs: Some(0),
        body: String::new(),
    });
    let error = model.stream(hello()).await.err().unwrap();
    assert_eq!(
        error,
        LlmError::RateLimited {
            retry_after_ms: Some(0)
        }
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::Status {
        status: 400,
        retry_after_secs: None,
        body: r#"{"error": {"message": "bad schema"}}"#.into(),
    });
    let error = model.stream(hello()).await.err().unwrap();
    assert_eq!(
        error,
        LlmError::Http {
            status: 400,
            message: "bad schema".into()
        }
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_stream_cut_before_it_finished_is_a_protocol_error() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::CutMidStream {
        text: "{\"summary\": \"a long story\"}".into(),
        after_chars: 14,
    });
    let outcome = run(&model, hello()).await.unwrap();
    assert_eq!(outcome.text, "{\"summary\": \"a");
    assert!(
        matches!(outcome.error, Some(LlmError::Protocol(_))),
        "{outcome:?}"
    );
    assert_eq!(server.requests().len(), 1, "no retry after content");
}

#[tokio::test]
async fn a_malformed_chunk_is_a_protocol_error() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::MalformedChunk {
        text_before: "{\"a\":".into(),
    });
    let outcome = run(&model, hello()).await.unwrap();
    assert_eq!(outcome.text, "{\"a\":");
    let Some(LlmError::Protocol(message)) = &outcome.error else {
        panic!("{outcome:?}");
    };
    assert!(message.contains("not valid JSON"), "{message}");
}

#[tokio::test]
async fn a_stall_before_the_first_token_times_out() {
    let server = MockServer::start().await;
    let mut config = server.config();
    config.first_token_timeout = Duration::from_millis(300);
    let model = OpenAiModel::new(config).unwrap();
    server.enqueue(Behaviour::Stall {
        before_chars: 0,
        text: "too late".into(),
        stall: Duration::from_secs(10),
    });
    let started = Instant::now();
    let outcome = run(&model, hello()).await.unwrap();
    assert_eq!(
        outcome.error,
        Some(LlmError::Timeout {
            stage: TimeoutStage::FirstToken
        })
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_stall_after_the_first_token_runs_into_the_total_timeout() {
    let server = MockServer::start().await;
    let mut config = server.config();
    config.first_token_timeout = Duration::from_millis(200);
    config.total_timeout = Duration::from_millis(600);
    let model = OpenAiModel::new(config).unwrap();
    server.enqueue(Behaviour::Stall {
        before_chars: 4,
        text: "some text then silence".into(),
        stall: Duration::from_secs(10),
    });
    let outcome = run(&model, hello()).await.unwrap();
    assert_eq!(outcome.text, "some");
    assert_eq!(
        outcome.error,
        Some(LlmError::Timeout {
            stage: TimeoutStage::Total
        })
    );
}

#[tokio::test]
async fn a_short_stall_is_waited_out() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::Stall {
        before_chars: 3,
        text: "slow but fine".into(),
        stall: Duration::from_millis(300),
    });
    let outcome = run(&model, hello()).await.unwrap();
    assert_eq!(outcome.text, "slow but fine");
    assert!(outcome.error.is_none() && outcome.usage.is_some());
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::Refuse);
    server.enqueue(Behaviour::text("after a reconnect"));
    let outcome = run(&model, hello()).await.unwrap();
    assert_eq!(outcome.text, "after a reconnect");
    assert_eq!(
        server.requests(),
        vec![Value::Null, server.requests()[1].clone()]
    );
}

#[tokio::test]
async fn an_endpoint_nobody_listens_on_is_unavailable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut config = OpenAiConfig::new(format!("http://127.0.0.1:{port}/v1"), "m");
    config.backoff_base = Duration::from_millis(5);
    config.api_key = Some("sk-do-not-show".into());
    let model = OpenAiModel::new(config).unwrap();
    let error = model.stream(hello()).await.err().unwrap();
    assert!(matches!(error, LlmError::Unavailable(_)), "{error:?}");
    assert!(!error.to_string().contains("sk-do-not-show"));
    assert!(
        error.to_string().starts_with(
            "the language model endpoint is unavailable: could not connect (Connection refused"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn dropping_a_stream_mid_reply_leaves_the_model_usable() {
    let (server, model) = server_and_model().await;
    server.enqueue(Behaviour::Stall {
        before_chars: 2,
        text: "abandoned reply".into(),
        stall: Duration::from_secs(30),
    });
    server.enqueue(Behaviour::text("next"));
    let mut stream = model.stream(hello()).await.unwrap();
    assert_eq!(stream.next().await, Some(Ok(Chunk::Delta("ab".into()))));
    drop(stream);
    let outcome = tokio::time::timeout(Duration::from_secs(5), run(&model, hello()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(outcome.text, "next");
}

#[tokio::test]
async fn generate_repairs_an_invalid_reply_over_http() {
    let (server, model) = server_and_model().await;
    let valid = serde_json::to_value(IdealCustomerProfile::example()).unwrap();
    server.enqueue(Behaviour::json(&json!({"summary": "too little"})));
    server.enqueue(Behaviour::json(&valid));
    let contract = OutputContract::of::<IdealCustomerProfile>();
    let mut attempts_seen = Vec::new();
    let structured = generate(
        &model,
        partnergraph_llm::prompts::icp("acme.com"),
        &contract,
        &mut |progress| attempts_seen.push(progress.attempt),
    )
    .await
    .unwrap();
    assert_eq!(structured.value, valid);
    assert_eq!(structured.attempts, 2);
    assert!(attempts_seen.contains(&1) && attempts_seen.contains(&2));
    let repair = &server.requests()[1];
    let messages = repair["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[2]["role"], "assistant");
    assert!(
        messages[3]["content"]
            .as_str()
            .unwrap()
            .contains("missing field")
    );
    assert!(structured.usage.total_tokens > 0);
}

#[test]
fn dropping_a_generation_leaves_no_task_behind() {
    // The server runs on a runtime of its own, so the client's runtime counts only client tasks.
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = server_runtime.block_on(MockServer::start());
    let stall = Behaviour::Stall {
        before_chars: 5,
        text: "{\"summary\": \"never finished\"}".into(),
        stall: Duration::from_secs(30),
    };
    server.enqueue(stall.clone());
    server.enqueue(stall);
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    client_runtime.block_on(async {
        let model = OpenAiModel::new(server.config()).unwrap();
        let metrics = tokio::runtime::Handle::current().metrics();
        let settled = || async {
            for _ in 0..100 {
                if metrics.num_alive_tasks() == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            metrics.num_alive_tasks()
        };

        // While a stream is open, its reader task is alive (so the count below means something).
        let mut stream = model.stream(hello()).await.unwrap();
        assert!(stream.next().await.unwrap().is_ok());
        assert!(metrics.num_alive_tasks() > 0);
        drop(stream);
        assert_eq!(settled().await, 0);

        let contract = OutputContract::of::<IdealCustomerProfile>();
        let mut deltas = 0;
        let mut count = |_| deltas += 1;
        let generation = generate(
            &model,
            partnergraph_llm::prompts::icp("acme.com"),
            &contract,
            &mut count,
        );
        let cancelled = tokio::time::timeout(Duration::from_millis(500), generation).await;
        assert!(cancelled.is_err(), "the generation should still be stalled");
        assert_eq!(deltas, 1);
        assert_eq!(settled().await, 0);
    });
}
