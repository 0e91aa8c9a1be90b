//! A real local model (see shared/STACK.md), when one is running. Run with
//! `cargo test -p partnergraph-llm --test integration live -- --ignored --nocapture`
//! (endpoint from `PARTNERGRAPH_LLM_BASE_URL`, else `http://127.0.0.1:8012/v1`).

use std::time::Instant;

use partnergraph_llm::{
    ChatRequest, OpenAiConfig, OpenAiModel, OutputContract, Structured,
    artifacts::{IdealCustomerProfile, IdealPartnerProfile},
    generate, prompts,
};

async fn generate_live(request: ChatRequest, contract: &OutputContract) -> Structured {
    let config = OpenAiConfig::from_env().unwrap_or_else(|| {
        OpenAiConfig::new("http://127.0.0.1:8012/v1", partnergraph_llm::DEFAULT_MODEL)
    });
    let model = OpenAiModel::new(config).unwrap();
    let started = Instant::now();
    let mut first_token = None;
    let mut deltas = 0;
    let structured = generate(&model, request, contract, &mut |_| {
        deltas += 1;
        first_token.get_or_insert_with(|| started.elapsed());
    })
    .await
    .unwrap();
    eprintln!(
        "live {}: {} attempt(s), {deltas} deltas, first token after {first_token:?}, {:?} in total, usage {:?}\n{}",
        contract.name,
        structured.attempts,
        started.elapsed(),
        structured.usage,
        structured.text,
    );
    structured
}

#[tokio::test]
#[ignore = "needs a real OpenAI-compatible model"]
async fn live_a_local_model_writes_a_valid_icp() {
    let contract = OutputContract::of::<IdealCustomerProfile>();
    let structured = generate_live(prompts::icp("acme.com"), &contract).await;
    let icp: IdealCustomerProfile = serde_json::from_value(structured.value).unwrap();
    assert!(!icp.target_industries.is_empty());
}

#[tokio::test]
#[ignore = "needs a real OpenAI-compatible model"]
async fn live_a_local_model_writes_a_valid_ipp() {
    let contract = OutputContract::of::<IdealPartnerProfile>();
    let icp = serde_json::to_value(IdealCustomerProfile::example()).unwrap();
    let structured = generate_live(prompts::ipp("acme.com", &icp), &contract).await;
    let ipp: IdealPartnerProfile = serde_json::from_value(structured.value).unwrap();
    assert!(!ipp.recommended_categories.referral.trim().is_empty());
}
