//! A real local model (see shared/STACK.md), when one is running. Run with
//! `PARTNERGRAPH_LLM_BASE_URL=http://127.0.0.1:8012/v1 cargo test -p partnergraph-llm --test integration live -- --ignored --nocapture`.

use std::time::Instant;

use partnergraph_llm::{
    OpenAiConfig, OpenAiModel, OutputContract, artifacts::IdealCustomerProfile, generate, prompts,
};

#[tokio::test]
#[ignore = "needs a real OpenAI-compatible model at PARTNERGRAPH_LLM_BASE_URL"]
async fn a_local_model_writes_a_valid_icp() {
    let config = OpenAiConfig::from_env().unwrap_or_else(|| {
        OpenAiConfig::new("http://127.0.0.1:8012/v1", partnergraph_llm::DEFAULT_MODEL)
    });
    let model = OpenAiModel::new(config).unwrap();
    let started = Instant::now();
    let mut first_token = None;
    let mut deltas = 0;
    let structured = generate(
        &model,
        prompts::icp("acme.com"),
        &OutputContract::of::<IdealCustomerProfile>(),
        &mut |_| {
            deltas += 1;
            first_token.get_or_insert_with(|| started.elapsed());
        },
    )
    .await
    .unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "live ICP: {} attempt(s), {deltas} deltas, first token after {first_token:?}, {elapsed:?} in total, usage {:?}\n{}",
        structured.attempts,
        structured.usage,
        serde_json::to_string_pretty(&structured.value).unwrap()
    );
    let icp: IdealCustomerProfile = serde_json::from_value(structured.value).unwrap();
    assert!(!icp.target_industries.is_empty());
}
