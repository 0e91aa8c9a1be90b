//! AI partner analysis: scores written to the partner (versioned, audited, overrides kept), the
//! background analysis of a new partner, validation failures, batches, and the preconditions.

use std::time::Duration;

use partnergraph_llm::mock::{Behaviour, MockServer};
use partnergraph_llm::partner_analysis::PartnerAnalysis;
use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

use crate::ai::{ai_app, finished, gql, ipp, with_icp};

const PARTNER: &str = "id version fitScore healthScore aiSummary overriddenFields fourC { capacity capability commitment customerAlignment capacityRationale customerAlignmentRationale } keyStrengths { label description score } history(first: 10) { edges { node { action } } }";
const REFRESH: &str = "mutation($ids: [ID!]!) { refreshPartnerScores(input: { partnerIds: $ids }) { generations { id kind status } } }";

fn analysis() -> Value {
    serde_json::to_value(PartnerAnalysis::example()).expect("analysis")
}

/// An organisation with a confirmed ICP and a generated IPP.
async fn with_ipp(app: &TestApp, mock: &MockServer, email: &str) -> Session {
    let owner = with_icp(app, mock, email).await;
    confirm_icp(app, mock, &owner).await;
    owner
}

/// Takes `owner`'s organisation (signed up, not onboarded) through the ICP and the IPP.
async fn onboard_to_ipp(app: &TestApp, mock: &MockServer, owner: &Session) {
    crate::ai::generate_icp(app, mock, owner).await;
    confirm_icp(app, mock, owner).await;
}

/// Confirms the ICP and waits for the IPP generated from it.
async fn confirm_icp(app: &TestApp, mock: &MockServer, owner: &Session) {
    mock.enqueue(Behaviour::json(&ipp()));
    let confirmed = gql(
        app,
        owner,
        "mutation { confirmIcp { generation { id } } }",
        json!({}),
    )
    .await;
    let id = confirmed["data"]["confirmIcp"]["generation"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{confirmed}"))
        .to_owned();
    assert_eq!(finished(app, owner, &id).await["status"], "COMPLETED");
}

async fn partner(app: &TestApp, session: &Session, id: &str) -> Value {
    let body = gql(
        app,
        session,
        &format!("query($id: ID!) {{ partner(id: $id) {{ {PARTNER} }} }}"),
        json!({ "id": id }),
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["partner"].clone()
}

async fn create(app: &TestApp, session: &Session, name: &str) -> String {
    let body = gql(app, session, "mutation($name: String!) { createPartner(input: { name: $name, type: RESELLER, industry: \"Logistics\", employees: 120 }) { partner { id } } }", json!({ "name": name })).await;
    body["data"]["createPartner"]["partner"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Polls the partner until `done` holds.
async fn partner_when(
    app: &TestApp,
    session: &Session,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..200 {
        let current = partner(app, session, id).await;
        if done(&current) {
            return current;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "partner {id} never reached the expected state: {}",
        partner(app, session, id).await
    );
}

async fn a_new_partner_is_analysed_and_refreshing_respects_overrides(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_ipp(&app, &mock, "owner@analysts.com").await;

    // Created with an IPP in place: analysed in the background.
    mock.enqueue(Behaviour::json(&analysis()));
    let id = create(&app, &owner, "Fleetwise").await;
    let analysed = partner_when(&app, &owner, &id, |p| p["fitScore"] == 82).await;
    assert_eq!(analysed["healthScore"], 64);
    assert_eq!(analysed["fourC"]["customerAlignment"], 90);
    assert_eq!(
        analysed["fourC"]["capacityRationale"],
        "120 employees across two regions."
    );
    assert_eq!(analysed["keyStrengths"][0]["label"], "Logistics expertise");
    assert_eq!(
        analysed["aiSummary"],
        "A well-aligned reseller whose pipeline has yet to convert."
    );
    assert_eq!(
        analysed["overriddenFields"],
        json!([]),
        "AI writes are not overrides"
    );
    let actions: Vec<&str> = analysed["history"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"update"),
        "an audited change: {actions:?}"
    );
    let request = mock.requests().last().unwrap().to_string();
    assert!(
        request.contains("Fleetwise"),
        "the prompt carries the partner"
    );
    assert!(
        request.contains("Regional IT service providers"),
        "the prompt carries the IPP"
    );

    // A person sets the fit score: it is overridden, and a refresh leaves it alone.
    let version = analysed["version"].as_i64().unwrap();
    let edited = gql(&app, &owner, "mutation($id: ID!, $v: Int!) { updatePartner(input: { id: $id, expectedVersion: $v, patch: { fitScore: 10 } }) { partner { version } } }", json!({ "id": id, "v": version })).await;
    assert!(edited["errors"].is_null(), "{edited}");
    let mut second = analysis();
    second["fitScore"] = json!(95);
    second["healthScore"] = json!(30);
    mock.enqueue(Behaviour::json(&second));
    let refreshed = gql(&app, &owner, REFRESH, json!({ "ids": [id] })).await;
    let generation = refreshed["data"]["refreshPartnerScores"]["generations"][0].clone();
    assert_eq!(generation["kind"], "PARTNER_ANALYSIS", "{refreshed}");
    assert_eq!(
        finished(&app, &owner, generation["id"].as_str().unwrap()).await["status"],
        "COMPLETED"
    );
    let after = partner_when(&app, &owner, &id, |p| p["healthScore"] == 30).await;
    assert_eq!(after["fitScore"], 10, "the override stands");
    assert_eq!(after["healthScore"], 30, "the rest is refreshed");
    assert!(
        after["version"].as_i64().unwrap() > version + 1,
        "a versioned change"
    );
}

async fn an_invalid_analysis_fails_and_leaves_the_partner_alone(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = app.signed_up("owner@strict-scores.com").await;
    let id = create(&app, &owner, "Outlier").await;
    // The IPP arrives after the partner, so nothing ran in the background.
    onboard_to_ipp(&app, &mock, &owner).await;
    let before = partner(&app, &owner, &id).await;

    let mut out_of_range = analysis();
    out_of_range["fitScore"] = json!(150);
    let mut missing = analysis();
    missing["fourC"]
        .as_object_mut()
        .unwrap()
        .remove("commitment");
    mock.enqueue(Behaviour::json(&out_of_range));
    mock.enqueue(Behaviour::json(&missing));
    let refreshed = gql(&app, &owner, REFRESH, json!({ "ids": [id] })).await;
    let generation_id = refreshed["data"]["refreshPartnerScores"]["generations"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{refreshed}"))
        .to_owned();
    let generation = finished(&app, &owner, &generation_id).await;
    assert_eq!(generation["status"], "FAILED", "{generation}");
    assert!(
        generation["error"].as_str().unwrap().contains("commitment"),
        "{generation}"
    );
    assert_eq!(partner(&app, &owner, &id).await, before);
}

async fn a_batch_reports_progress_through_its_generations(backend: Backend) {
    let mock = MockServer::start().await;
    let app = crate::ai::ai_app_with(backend, &mock, |settings| settings.llm_concurrency = 1).await;
    let owner = app.signed_up("owner@batches.com").await;
    let mut ids = Vec::new();
    for name in ["Alpha", "Beta", "Gamma"] {
        ids.push(create(&app, &owner, name).await);
    }
    let without_ipp = gql(&app, &owner, REFRESH, json!({ "ids": ids })).await;
    assert_eq!(
        error_code(&without_ipp),
        Some("BAD_USER_INPUT"),
        "{without_ipp}"
    );
    onboard_to_ipp(&app, &mock, &owner).await;

    mock.set_default(Behaviour::Stream {
        text: analysis().to_string(),
        chunk_chars: 40,
        delay: Duration::from_millis(30),
    });
    let body = gql(&app, &owner, REFRESH, json!({ "ids": ids })).await;
    let generations = body["data"]["refreshPartnerScores"]["generations"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .clone();
    assert_eq!(generations.len(), 3);
    let statuses: Vec<&str> = generations
        .iter()
        .map(|g| g["status"].as_str().unwrap())
        .collect();
    assert!(statuses.iter().all(|s| *s == "PENDING"), "{statuses:?}");
    // One model slot: while the first streams, the others wait PENDING.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let mut pending = 0;
    for generation in &generations {
        let current = gql(
            &app,
            &owner,
            "query($id: ID!) { generation(id: $id) { status } }",
            json!({ "id": generation["id"] }),
        )
        .await;
        if current["data"]["generation"]["status"] == "PENDING" {
            pending += 1;
        }
    }
    assert!(pending >= 1, "bounded concurrency keeps some waiting");
    for generation in &generations {
        assert_eq!(
            finished(&app, &owner, generation["id"].as_str().unwrap()).await["status"],
            "COMPLETED"
        );
    }
    for id in &ids {
        partner_when(&app, &owner, id, |p| p["fitScore"] == 82).await;
    }
    let too_many = gql(&app, &owner, REFRESH, json!({ "ids": [] })).await;
    assert_eq!(error_code(&too_many), Some("BAD_USER_INPUT"));
}

on_both_backends!(
    a_new_partner_is_analysed_and_refreshing_respects_overrides,
    an_invalid_analysis_fails_and_leaves_the_partner_alone,
    a_batch_reports_progress_through_its_generations,
);
