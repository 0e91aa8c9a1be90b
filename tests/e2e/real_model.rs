//! One end-to-end onboarding against a real language model: the offline local model CI starts
//! with `scripts/local-llm` (`PARTNERGRAPH_TEST_LLM_BASE_URL`). The ICP streams with partial
//! objects, is confirmed, the IPP streams from it, and both validate. Without the variable
//! the test says so and passes (`.ci/run` always sets it).

use std::time::Duration;

use partnergraph_tests::ws::Subscriber;
use partnergraph_tests::{Backend, Session, TestApp};
use serde_json::{Value, json};

use crate::ai::{EVENTS, finished, gql};

/// Follows a generation to its end; returns its events.
async fn follow(app: &TestApp, owner: &Session, id: &str) -> Vec<Value> {
    let mut subscriber = Subscriber::connect(app, &owner.access_token).await;
    subscriber.subscribe("1", EVENTS, json!({ "id": id })).await;
    subscriber
        .collect(Duration::from_secs(600))
        .await
        .into_iter()
        .map(|payload| payload["data"]["generation"].clone())
        .collect()
}

fn assert_streamed(label: &str, events: &[Value], fields: &[&str]) {
    let last = events
        .last()
        .unwrap_or_else(|| panic!("{label}: no events"));
    assert_eq!(last["status"], "COMPLETED", "{label}: {last}");
    let partials = events
        .iter()
        .filter(|e| e["partial"].as_object().is_some_and(|o| !o.is_empty()))
        .count();
    assert!(
        partials >= 3,
        "{label}: partial objects while streaming ({partials})"
    );
    let artifact = last["artifact"].as_object().expect("artifact");
    for field in fields {
        assert!(
            artifact.contains_key(*field),
            "{label}: `{field}` in {last}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_runs_against_the_real_local_model() {
    let Ok(base_url) = std::env::var("PARTNERGRAPH_TEST_LLM_BASE_URL") else {
        eprintln!(
            "PARTNERGRAPH_TEST_LLM_BASE_URL is unset: start the model with scripts/local-llm to run this test"
        );
        return;
    };
    let model =
        std::env::var("PARTNERGRAPH_TEST_LLM_MODEL").unwrap_or_else(|_| "qwen2.5-0.5b".into());
    let app = TestApp::spawn_with(Backend::Sqlite, move |settings| {
        settings.llm_base_url = Some(base_url);
        settings.llm_model = model;
        settings.llm_first_token_timeout_ms = 180_000;
        settings.llm_total_timeout_ms = 600_000;
    })
    .await;
    let owner = app.signed_up("owner@northwind-logistics.com").await;

    let started = gql(
        &app,
        &owner,
        "mutation { startOnboarding { generation { id } } }",
        json!({}),
    )
    .await;
    let id = started["data"]["startOnboarding"]["generation"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{started}"))
        .to_owned();
    let events = follow(&app, &owner, &id).await;
    assert_streamed(
        "ICP",
        &events,
        &[
            "targetIndustries",
            "companySize",
            "geography",
            "painPoints",
            "buyingTriggers",
            "stakeholders",
            "decisionMaking",
        ],
    );
    let icp = finished(&app, &owner, &id).await;
    eprintln!(
        "real model ICP: {} tokens, {} → {}",
        icp["usage"]["totalTokens"], icp["startedAt"], icp["finishedAt"]
    );

    let confirmed = gql(
        &app,
        &owner,
        "mutation { confirmIcp { generation { id } } }",
        json!({}),
    )
    .await;
    let id = confirmed["data"]["confirmIcp"]["generation"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{confirmed}"))
        .to_owned();
    let events = follow(&app, &owner, &id).await;
    assert_streamed(
        "IPP",
        &events,
        &[
            "partnerTypes",
            "businessModels",
            "customerOverlap",
            "evaluationCriteria",
            "recommendedCategories",
        ],
    );
    let ipp = finished(&app, &owner, &id).await;
    eprintln!(
        "real model IPP: {} tokens, {} → {}",
        ipp["usage"]["totalTokens"], ipp["startedAt"], ipp["finishedAt"]
    );
    let state = gql(&app, &owner, "{ onboarding { step } }", json!({})).await;
    assert_eq!(state["data"]["onboarding"]["step"], "BRAND", "{state}");
}
