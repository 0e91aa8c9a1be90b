//! AI generation and onboarding against an in-process OpenAI-compatible server that streams
//! SSE and misbehaves on demand: the wizard end to end with live partial results, the cache by
//! domain, joining a running generation, cancelling, every failure mode ending in the right
//! status with the previous version intact, "Edit with AI", no model, the token budget, and
//! recovery after a crash.

use std::time::Duration;

use partnergraph_llm::artifacts::{IdealCustomerProfile, IdealPartnerProfile};
use partnergraph_llm::mock::{Behaviour, MockServer};
use partnergraph_tests::ws::Subscriber;
use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

pub const GENERATION: &str = "id kind status model promptVersion error output usage { promptTokens completionTokens totalTokens } startedAt firstTokenAt finishedAt";
pub const EVENTS: &str = "subscription($id: ID!) { generation(id: $id) { generationId sequence status delta partial artifact error attempt snapshot } }";
const ONBOARDING: &str = "query { onboarding { step started domain confirmedIcpVersion icp { version source content } ipp { version source content } icpGeneration { id } ippGeneration { id } brand { displayName logoUrl colors { primary secondary accent } } completedAt } }";

pub fn icp() -> Value {
    serde_json::to_value(IdealCustomerProfile::example()).expect("icp")
}

pub fn ipp() -> Value {
    serde_json::to_value(IdealPartnerProfile::example()).expect("ipp")
}

/// A slow stream of `value`: 24 characters every `delay`.
pub fn slowly(value: &Value, delay: Duration) -> Behaviour {
    Behaviour::Stream {
        text: value.to_string(),
        chunk_chars: 24,
        delay,
    }
}

/// A server whose model is `mock`, with short timeouts and quick retries.
pub async fn ai_app(backend: Backend, mock: &MockServer) -> TestApp {
    ai_app_with(backend, mock, |_| {}).await
}

pub async fn ai_app_with(
    backend: Backend,
    mock: &MockServer,
    configure: impl FnOnce(&mut partnergraph_api::Settings),
) -> TestApp {
    let base_url = mock.base_url();
    TestApp::spawn_with(backend, move |settings| {
        settings.llm_base_url = Some(base_url);
        settings.llm_first_token_timeout_ms = 1_500;
        settings.llm_total_timeout_ms = 20_000;
        settings.llm_max_attempts = 2;
        settings.llm_backoff_ms = 10;
        configure(settings);
    })
    .await
}

pub async fn gql(app: &TestApp, session: &Session, query: &str, variables: Value) -> Value {
    app.query_as(&session.access_token, query, variables).await
}

fn ok<'a>(body: &'a Value, path: &str) -> &'a Value {
    assert!(body["errors"].is_null(), "{path}: {body}");
    let mut value = &body["data"];
    for part in path.split('.') {
        value = &value[part];
    }
    value
}

/// Polls `generation(id)` until it ends.
pub async fn finished(app: &TestApp, session: &Session, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ generation(id: $id) {{ {GENERATION} }} }}");
    for _ in 0..400 {
        let body = gql(app, session, &query, json!({ "id": id })).await;
        let generation = ok(&body, "generation").clone();
        if matches!(
            generation["status"].as_str(),
            Some("COMPLETED" | "FAILED" | "CANCELLED")
        ) {
            return generation;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("generation {id} did not end");
}

async fn onboarding(app: &TestApp, session: &Session) -> Value {
    ok(
        &gql(app, session, ONBOARDING, json!({})).await,
        "onboarding",
    )
    .clone()
}

async fn start(app: &TestApp, session: &Session) -> Value {
    gql(
        app,
        session,
        "mutation { startOnboarding { generation { id status kind } onboarding { step domain } } }",
        json!({}),
    )
    .await
}

async fn confirm(app: &TestApp, session: &Session) -> Value {
    gql(
        app,
        session,
        "mutation { confirmIcp { generation { id status kind } onboarding { step } } }",
        json!({}),
    )
    .await
}

async fn regenerate(app: &TestApp, session: &Session, artifact: &str) -> Value {
    gql(
        app,
        session,
        "mutation($a: StrategyArtifact!) { regenerate(input: { artifact: $a }) { generation { id status } } }",
        json!({ "a": artifact }),
    )
    .await
}

async fn document(app: &TestApp, session: &Session, artifact: &str) -> Value {
    let body = gql(
        app,
        session,
        "query($a: StrategyArtifact!) { strategyDocument(artifact: $a) { id version source content model promptVersion generation { id status } } }",
        json!({ "a": artifact }),
    )
    .await;
    ok(&body, "strategyDocument").clone()
}

/// Signs up and generates the ICP (version 1) from `mock`'s queued reply.
pub async fn with_icp(app: &TestApp, mock: &MockServer, email: &str) -> Session {
    let owner = app.signed_up(email).await;
    generate_icp(app, mock, &owner).await;
    owner
}

/// Starts `owner`'s onboarding and waits for its ICP to complete.
pub async fn generate_icp(app: &TestApp, mock: &MockServer, owner: &Session) {
    mock.enqueue(Behaviour::json(&icp()));
    let started = start(app, owner).await;
    let id = ok(&started, "startOnboarding.generation.id")
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(finished(app, owner, &id).await["status"], "COMPLETED");
}

async fn onboarding_runs_end_to_end_with_live_partial_results(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = app.signed_up("owner@logistics-co.com").await;

    let before = onboarding(&app, &owner).await;
    assert_eq!(before["step"], "ICP");
    assert_eq!(before["started"], false);
    assert_eq!(before["domain"], "logistics-co.com");
    assert!(before["icp"].is_null());

    // The ICP streams at once; a subscriber sees partial objects grow, then the artifact.
    mock.enqueue(slowly(&icp(), Duration::from_millis(15)));
    let started = start(&app, &owner).await;
    let generation = ok(&started, "startOnboarding.generation").clone();
    assert_eq!(generation["kind"], "ICP");
    let id = generation["id"].as_str().expect("id").to_owned();
    let mut subscriber = Subscriber::connect(&app, &owner.access_token).await;
    subscriber.subscribe("1", EVENTS, json!({ "id": id })).await;
    let events: Vec<Value> = subscriber
        .collect(Duration::from_secs(20))
        .await
        .into_iter()
        .map(|payload| payload["data"]["generation"].clone())
        .collect();
    assert!(events.len() > 5, "{events:?}");
    let sequences: Vec<i64> = events
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    for pair in sequences.windows(2) {
        assert_eq!(pair[1], pair[0] + 1, "ordered without gaps: {sequences:?}");
    }
    let partials: Vec<&Value> = events
        .iter()
        .map(|e| &e["partial"])
        .filter(|p| p.is_object())
        .collect();
    assert!(
        partials.len() > 3,
        "partial objects while streaming: {events:?}"
    );
    assert!(
        partials
            .iter()
            .any(|p| p.as_object().unwrap().len() < icp().as_object().unwrap().len()),
        "some partial is incomplete"
    );
    let last = events.last().unwrap();
    assert_eq!(last["status"], "COMPLETED");
    assert_eq!(last["artifact"], icp());
    let text: String = events
        .iter()
        .map(|e| e["delta"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), icp());

    let generation = finished(&app, &owner, &id).await;
    assert!(
        generation["usage"]["totalTokens"].as_i64().unwrap() > 0,
        "{generation}"
    );
    assert!(!generation["firstTokenAt"].is_null() && !generation["finishedAt"].is_null());
    let state = onboarding(&app, &owner).await;
    assert_eq!(state["step"], "ICP");
    assert_eq!(state["icp"]["version"], 1);
    assert_eq!(state["icp"]["source"], "GENERATED");

    // Confirming starts the IPP from the confirmed ICP.
    mock.enqueue(Behaviour::json(&ipp()));
    let confirmed = confirm(&app, &owner).await;
    assert_eq!(ok(&confirmed, "confirmIcp.generation.kind"), "IPP");
    let ipp_id = ok(&confirmed, "confirmIcp.generation.id")
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(finished(&app, &owner, &ipp_id).await["status"], "COMPLETED");
    let requests = mock.requests();
    let ipp_request = requests.last().unwrap().to_string();
    assert!(
        ipp_request.contains("Manual route planning"),
        "the IPP prompt carries the ICP"
    );
    assert!(ipp_request.contains("json_schema"));
    let state = onboarding(&app, &owner).await;
    assert_eq!(state["step"], "BRAND");
    assert_eq!(state["confirmedIcpVersion"], 1);
    assert_eq!(state["ipp"]["content"], ipp());

    // Brand & identity: colours are validated hex.
    let complete = "mutation($input: CompleteOnboardingInput!) { completeOnboarding(input: $input) { onboarding { step completedAt brand { displayName logoUrl colors { primary secondary accent } } } } }";
    let mut input = json!({ "domain": "logistics-co.com", "displayName": "Logistics Co", "logoUrl": "https://logistics-co.com/logo.png", "brandColors": { "primary": "teal", "secondary": "#FFF", "accent": "#ff6600" } });
    let bad = gql(&app, &owner, complete, json!({ "input": input })).await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        "input.brandColors.primary"
    );
    input["brandColors"]["primary"] = json!("#1A73E8");
    let done = gql(&app, &owner, complete, json!({ "input": input })).await;
    let onboarding_done = ok(&done, "completeOnboarding.onboarding");
    assert_eq!(onboarding_done["step"], "COMPLETE");
    assert_eq!(
        onboarding_done["brand"]["colors"],
        json!({ "primary": "#1a73e8", "secondary": "#ffffff", "accent": "#ff6600" })
    );
    assert_eq!(onboarding_done["brand"]["displayName"], "Logistics Co");
    assert_eq!(mock.requests().len(), 2, "one model call per profile");
}

async fn onboarding_steps_cannot_be_skipped(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = app.signed_up("owner@acme-steps.com").await;
    let early = confirm(&app, &owner).await;
    assert_eq!(error_code(&early), Some("BAD_USER_INPUT"), "{early}");
    let complete = "mutation { completeOnboarding(input: { domain: \"acme-steps.com\", displayName: \"Acme\", brandColors: { primary: \"#000000\", secondary: \"#111111\", accent: \"#222222\" } }) { onboarding { step } } }";
    let body = gql(&app, &owner, complete, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");

    // While the ICP streams it cannot be confirmed; once it is, the brand step still waits
    // for the IPP.
    mock.enqueue(slowly(&icp(), Duration::from_millis(40)));
    let started = start(&app, &owner).await;
    let id = ok(&started, "startOnboarding.generation.id")
        .as_str()
        .unwrap()
        .to_owned();
    let streaming = confirm(&app, &owner).await;
    assert_eq!(
        error_code(&streaming),
        Some("BAD_USER_INPUT"),
        "{streaming}"
    );
    finished(&app, &owner, &id).await;
    let body = gql(&app, &owner, complete, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");

    // Members may read the wizard but not drive it; partner-role users do not see it.
    let member = app.invited(&owner, "member@acme-steps.com", "MEMBER").await;
    assert_eq!(onboarding(&app, &member).await["step"], "ICP");
    let forbidden = regenerate(&app, &member, "ICP").await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"), "{forbidden}");
    let bad_domain = gql(&app, &owner, "mutation { startOnboarding(input: { companyDomain: \"gmail.com\" }) { generation { id } } }", json!({})).await;
    assert_eq!(
        error_code(&bad_domain),
        Some("BAD_USER_INPUT"),
        "{bad_domain}"
    );
    assert_eq!(
        bad_domain["errors"][0]["extensions"]["field"],
        "input.companyDomain"
    );
}

async fn returning_to_onboarding_prefills_from_the_cache_and_regenerate_overwrites_it(
    backend: Backend,
) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_icp(&app, &mock, "owner@cached.com").await;
    assert_eq!(mock.requests().len(), 1);

    let again = start(&app, &owner).await;
    assert!(
        ok(&again, "startOnboarding.generation").is_null(),
        "pre-filled: {again}"
    );
    assert_eq!(mock.requests().len(), 1, "no model call");
    assert_eq!(document(&app, &owner, "ICP").await["version"], 1);

    // Profiling another domain and coming back restores the cached ICP without a call.
    let mut other = icp();
    other["summary"] = json!("Another domain's customers.");
    mock.enqueue(Behaviour::json(&other));
    let elsewhere = gql(&app, &owner, "mutation { startOnboarding(input: { companyDomain: \"https://www.Other-Domain.com/about\" }) { generation { id } onboarding { domain } } }", json!({})).await;
    assert_eq!(
        ok(&elsewhere, "startOnboarding.onboarding.domain"),
        "other-domain.com"
    );
    let id = ok(&elsewhere, "startOnboarding.generation.id")
        .as_str()
        .unwrap()
        .to_owned();
    finished(&app, &owner, &id).await;
    let back = gql(&app, &owner, "mutation { startOnboarding(input: { companyDomain: \"cached.com\" }) { generation { id } } }", json!({})).await;
    assert!(ok(&back, "startOnboarding.generation").is_null(), "{back}");
    let restored = document(&app, &owner, "ICP").await;
    assert_eq!(restored["version"], 3);
    assert_eq!(restored["source"], "CACHED");
    assert_eq!(restored["content"], icp());
    assert_eq!(mock.requests().len(), 2);

    // Regenerate calls the model and overwrites the cache.
    let mut fresh = icp();
    fresh["summary"] = json!("A fresh take.");
    mock.enqueue(Behaviour::json(&fresh));
    let regenerated = regenerate(&app, &owner, "ICP").await;
    let id = ok(&regenerated, "regenerate.generation.id")
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(finished(&app, &owner, &id).await["status"], "COMPLETED");
    assert_eq!(mock.requests().len(), 3);
    let again = start(&app, &owner).await;
    assert!(ok(&again, "startOnboarding.generation").is_null());
    let current = document(&app, &owner, "ICP").await;
    assert_eq!(current["version"], 4);
    assert_eq!(current["content"]["summary"], "A fresh take.");
}

async fn a_second_request_for_a_running_target_joins_it(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_icp(&app, &mock, "owner@joins.com").await;
    mock.enqueue(slowly(&icp(), Duration::from_millis(30)));
    let first = regenerate(&app, &owner, "ICP").await;
    let second = regenerate(&app, &owner, "ICP").await;
    let id = ok(&first, "regenerate.generation.id").clone();
    assert_eq!(ok(&second, "regenerate.generation.id"), &id);
    finished(&app, &owner, id.as_str().unwrap()).await;
    assert_eq!(
        mock.requests().len(),
        2,
        "one call for the ICP, one for both regenerations"
    );
}

async fn a_cancelled_generation_keeps_the_previous_version(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_icp(&app, &mock, "owner@cancels.com").await;
    let mut changed = icp();
    changed["summary"] = json!("Should never be stored.");
    mock.enqueue(slowly(&changed, Duration::from_millis(50)));
    let running = regenerate(&app, &owner, "ICP").await;
    let id = ok(&running, "regenerate.generation.id")
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let cancelled = gql(&app, &owner, "mutation($id: ID!) { cancelGeneration(input: { id: $id }) { generation { status error } } }", json!({ "id": id })).await;
    assert_eq!(
        ok(&cancelled, "cancelGeneration.generation.status"),
        "CANCELLED"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(finished(&app, &owner, &id).await["status"], "CANCELLED");
    let current = document(&app, &owner, "ICP").await;
    assert_eq!(current["version"], 1);
    assert_eq!(current["content"], icp());

    // A subscriber arriving after the end gets the final state at once.
    let mut subscriber = Subscriber::connect(&app, &owner.access_token).await;
    subscriber.subscribe("1", EVENTS, json!({ "id": id })).await;
    let events = subscriber.collect(Duration::from_secs(5)).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["data"]["generation"]["status"], "CANCELLED");
}

/// Regenerates the ICP while `mock` misbehaves with `behaviours` in turn, and returns the
/// generation as it ended.
async fn regenerate_against(
    app: &TestApp,
    owner: &Session,
    mock: &MockServer,
    behaviours: Vec<Behaviour>,
) -> Value {
    for behaviour in behaviours {
        mock.enqueue(behaviour);
    }
    let body = regenerate(app, owner, "ICP").await;
    let id = ok(&body, "regenerate.generation.id")
        .as_str()
        .unwrap()
        .to_owned();
    finished(app, owner, &id).await
}

async fn a_misbehaving_model_ends_each_generation_in_the_right_status(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_icp(&app, &mock, "owner@flaky.com").await;
    let text = icp().to_string();
    let mut valid = icp();
    valid["summary"] = json!("Repaired.");

    let failures = [
        (
            "cut mid-stream",
            vec![Behaviour::CutMidStream {
                text: text.clone(),
                after_chars: 60,
            }],
        ),
        (
            "malformed chunk",
            vec![Behaviour::MalformedChunk {
                text_before: text[..40].to_owned(),
            }],
        ),
        (
            "stall past the first-token timeout",
            vec![Behaviour::Stall {
                before_chars: 0,
                text: text.clone(),
                stall: Duration::from_secs(4),
            }],
        ),
        (
            "invalid twice",
            vec![
                Behaviour::text("{\"summary\": 1}"),
                Behaviour::text("not json at all"),
            ],
        ),
        (
            "server errors on every attempt",
            vec![
                Behaviour::Status {
                    status: 503,
                    retry_after_secs: None,
                    body: "down".into(),
                },
                Behaviour::Status {
                    status: 503,
                    retry_after_secs: None,
                    body: "down".into(),
                },
            ],
        ),
    ];
    for (case, behaviours) in failures {
        let generation = regenerate_against(&app, &owner, &mock, behaviours).await;
        assert_eq!(generation["status"], "FAILED", "{case}: {generation}");
        assert!(
            generation["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{case}"
        );
        assert!(generation["output"].is_null(), "{case}");
        let current = document(&app, &owner, "ICP").await;
        assert_eq!(current["version"], 1, "{case}: the previous version stays");
        assert_eq!(current["content"], icp(), "{case}");
    }

    let repaired = regenerate_against(
        &app,
        &owner,
        &mock,
        vec![
            Behaviour::text("{\"summary\": \"half"),
            Behaviour::json(&valid),
        ],
    )
    .await;
    assert_eq!(repaired["status"], "COMPLETED", "{repaired}");
    let repair_request = mock.requests().last().unwrap().to_string();
    assert!(
        repair_request.contains("half"),
        "the repair shows the invalid output"
    );
    assert_eq!(
        document(&app, &owner, "ICP").await["content"]["summary"],
        "Repaired."
    );

    let mut after_429 = icp();
    after_429["summary"] = json!("After a 429.");
    let retried = regenerate_against(
        &app,
        &owner,
        &mock,
        vec![
            Behaviour::Status {
                status: 429,
                retry_after_secs: Some(1),
                body: "slow down".into(),
            },
            Behaviour::json(&after_429),
        ],
    )
    .await;
    assert_eq!(retried["status"], "COMPLETED", "{retried}");
    let current = document(&app, &owner, "ICP").await;
    assert_eq!(current["version"], 3);
    assert_eq!(current["content"]["summary"], "After a 429.");
}

async fn two_subscribers_one_joining_late_see_the_same_ordered_events(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_icp(&app, &mock, "owner@watchers.com").await;
    mock.enqueue(slowly(&ipp_like_icp(), Duration::from_millis(40)));
    let body = regenerate(&app, &owner, "ICP").await;
    let id = ok(&body, "regenerate.generation.id")
        .as_str()
        .unwrap()
        .to_owned();
    let mut early = Subscriber::connect(&app, &owner.access_token).await;
    early.subscribe("a", EVENTS, json!({ "id": id })).await;
    let first = early.next_message(Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut late = Subscriber::connect(&app, &owner.access_token).await;
    late.subscribe("b", EVENTS, json!({ "id": id })).await;
    let mut early_events = vec![first["payload"].clone()];
    early_events.extend(early.collect(Duration::from_secs(20)).await);
    let late_events = late.collect(Duration::from_secs(20)).await;
    let events = |payloads: &[Value]| -> Vec<Value> {
        payloads
            .iter()
            .map(|p| p["data"]["generation"].clone())
            .collect()
    };
    let (early_events, late_events) = (events(&early_events), events(&late_events));
    assert!(late_events[0]["snapshot"].as_bool().unwrap());
    assert!(
        late_events[0]["sequence"].as_i64().unwrap() > 1,
        "joined late: {late_events:?}"
    );
    for list in [&early_events, &late_events] {
        let sequences: Vec<i64> = list
            .iter()
            .map(|e| e["sequence"].as_i64().unwrap())
            .collect();
        for pair in sequences.windows(2) {
            assert_eq!(pair[1], pair[0] + 1, "{sequences:?}");
        }
    }
    let text = |list: &[Value]| -> String {
        list.iter()
            .map(|e| e["delta"].as_str().unwrap_or_default())
            .collect()
    };
    assert_eq!(
        text(&early_events),
        text(&late_events),
        "same text, no gap, no duplicate"
    );
    let start = late_events[0]["sequence"].as_i64().unwrap();
    let early_tail: Vec<&Value> = early_events
        .iter()
        .filter(|e| e["sequence"].as_i64().unwrap() > start)
        .collect();
    let late_tail: Vec<&Value> = late_events.iter().skip(1).collect();
    assert_eq!(
        early_tail, late_tail,
        "identical live events after the snapshot"
    );
    assert_eq!(early_events.last().unwrap()["status"], "COMPLETED");
}

fn ipp_like_icp() -> Value {
    let mut value = icp();
    value["summary"] =
        json!("A longer summary so that the stream takes a while to arrive in full.");
    value
}

async fn edit_with_ai_proposes_accepts_and_detects_stale_versions(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_icp(&app, &mock, "owner@edits.com").await;
    let open = "mutation($section: String) { startEditConversation(input: { artifact: ICP, section: $section }) { conversation { id section artifact } } }";
    let bad = gql(&app, &owner, open, json!({ "section": "nonsense" })).await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "input.section");
    let opened = gql(&app, &owner, open, json!({ "section": "painPoints" })).await;
    let conversation = ok(&opened, "startEditConversation.conversation.id")
        .as_str()
        .unwrap()
        .to_owned();

    let send = "mutation($id: ID!, $message: String!) { sendEditMessage(input: { conversationId: $id, message: $message }) { proposal { id status baseVersion generation { id } } } }";
    mock.enqueue(Behaviour::json(
        &json!({ "painPoints": ["Empty return trips", "Driver shortage"] }),
    ));
    let sent = gql(
        &app,
        &owner,
        send,
        json!({ "id": conversation, "message": "Focus on empty return trips" }),
    )
    .await;
    let proposal = ok(&sent, "sendEditMessage.proposal").clone();
    assert_eq!(proposal["baseVersion"], 1);
    let generation = finished(&app, &owner, proposal["generation"]["id"].as_str().unwrap()).await;
    assert_eq!(generation["status"], "COMPLETED", "{generation}");
    let mut expected = icp();
    expected["painPoints"] = json!(["Empty return trips", "Driver shortage"]);
    assert_eq!(
        generation["output"], expected,
        "the section is merged into the whole document"
    );

    let accept = "mutation($id: ID!, $v: Int!) { acceptProposal(input: { proposalId: $id, expectedVersion: $v }) { proposal { status acceptedVersion } document { version source content diff(fromVersion: 1) { path op before after } history { version } } } }";
    let stale = gql(
        &app,
        &owner,
        accept,
        json!({ "id": proposal["id"], "v": 2 }),
    )
    .await;
    assert_eq!(error_code(&stale), Some("CONFLICT"), "{stale}");
    let accepted = gql(
        &app,
        &owner,
        accept,
        json!({ "id": proposal["id"], "v": 1 }),
    )
    .await;
    let document_v2 = ok(&accepted, "acceptProposal.document");
    assert_eq!(document_v2["version"], 2);
    assert_eq!(document_v2["source"], "EDITED");
    assert_eq!(document_v2["content"], expected);
    assert_eq!(document_v2["history"], json!([{ "version": 1 }]));
    let paths: Vec<&str> = document_v2["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/painPoints/0", "/painPoints/1"]);
    assert_eq!(ok(&accepted, "acceptProposal.proposal.status"), "ACCEPTED");
    let twice = gql(
        &app,
        &owner,
        accept,
        json!({ "id": proposal["id"], "v": 2 }),
    )
    .await;
    assert_eq!(error_code(&twice), Some("CONFLICT"), "{twice}");

    // The conversation continues with its history; a proposal made against version 2 is stale
    // once the document moved to version 3, and stays open.
    mock.enqueue(Behaviour::json(
        &json!({ "painPoints": ["Driver shortage"] }),
    ));
    let second = gql(
        &app,
        &owner,
        send,
        json!({ "id": conversation, "message": "Keep only the driver shortage" }),
    )
    .await;
    let second = ok(&second, "sendEditMessage.proposal").clone();
    finished(&app, &owner, second["generation"]["id"].as_str().unwrap()).await;
    let request = mock.requests().last().unwrap().to_string();
    assert!(
        request.contains("Focus on empty return trips"),
        "earlier turns are sent"
    );
    let mut regenerated = icp();
    regenerated["summary"] = json!("Regenerated meanwhile.");
    mock.enqueue(Behaviour::json(&regenerated));
    let body = regenerate(&app, &owner, "ICP").await;
    finished(
        &app,
        &owner,
        ok(&body, "regenerate.generation.id").as_str().unwrap(),
    )
    .await;
    let stale = gql(&app, &owner, accept, json!({ "id": second["id"], "v": 3 })).await;
    assert_eq!(error_code(&stale), Some("CONFLICT"), "{stale}");
    let discard = "mutation($id: ID!) { discardProposal(input: { proposalId: $id }) { proposal { status } } }";
    let discarded = gql(&app, &owner, discard, json!({ "id": second["id"] })).await;
    assert_eq!(
        ok(&discarded, "discardProposal.proposal.status"),
        "DISCARDED"
    );
    let current = document(&app, &owner, "ICP").await;
    assert_eq!(current["version"], 3);
    assert_eq!(current["content"]["summary"], "Regenerated meanwhile.");
    let history = gql(&app, &owner, "query($id: ID!) { editConversation(id: $id) { messages { seq role content proposal { status } } proposals { status } } }", json!({ "id": conversation })).await;
    let messages = ok(&history, "editConversation.messages")
        .as_array()
        .unwrap()
        .clone();
    let roles: Vec<&str> = messages
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["USER", "ASSISTANT", "USER", "ASSISTANT"]);
    assert_eq!(messages[1]["proposal"]["status"], "ACCEPTED");
    assert_eq!(messages[3]["proposal"]["status"], "DISCARDED");
}

async fn without_a_model_ai_operations_are_unavailable_and_nothing_else_is(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("owner@no-model.com").await;
    let body = start(&app, &owner).await;
    assert_eq!(error_code(&body), Some("LLM_UNAVAILABLE"), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("PARTNERGRAPH_LLM_BASE_URL"), "{message}");
    let body = regenerate(&app, &owner, "ICP").await;
    assert_eq!(error_code(&body), Some("LLM_UNAVAILABLE"), "{body}");
    assert_eq!(onboarding(&app, &owner).await["step"], "ICP");
    let partner = gql(&app, &owner, "mutation { createPartner(input: { name: \"Still works\", type: RESELLER }) { partner { name } } }", json!({})).await;
    assert_eq!(ok(&partner, "createPartner.partner.name"), "Still works");
}

async fn the_monthly_token_budget_stops_ai_operations(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app_with(backend, &mock, |settings| {
        settings.llm_monthly_token_budget = 5
    })
    .await;
    let owner = with_icp(&app, &mock, "owner@budget.com").await;
    let body = regenerate(&app, &owner, "ICP").await;
    assert_eq!(error_code(&body), Some("LLM_QUOTA_EXCEEDED"), "{body}");
    assert_eq!(mock.requests().len(), 1);
}

async fn generations_left_running_by_a_crash_fail_at_start_up(backend: Backend) {
    use partnergraph_domain::strategy::GenerationKind;
    use partnergraph_persistence::generations::{self, NewGeneration, Started};
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_icp(&app, &mock, "owner@crash.com").await;
    let org_id = org_uuid(&app, &owner).await;
    let id = uuid::Uuid::now_v7();
    {
        let mut conn = app.db.conn().await.expect("conn");
        let new = NewGeneration {
            org_id,
            id,
            kind: GenerationKind::Icp,
            target: "strategy:ICP".into(),
            model: "m".into(),
            prompt_version: "icp/1".into(),
            input_hash: "h".into(),
            requested_by: None,
            created_at: chrono::Utc::now(),
        };
        assert!(matches!(
            generations::start(&mut conn, &new).await.unwrap(),
            Started::Created(_)
        ));
        assert!(
            generations::mark_streaming(&mut conn, org_id, id, chrono::Utc::now())
                .await
                .unwrap()
        );
    }
    let database = app.stop_keeping_database().await;
    let base_url = mock.base_url();
    let app = TestApp::spawn_on(database, move |settings| {
        settings.llm_base_url = Some(base_url)
    })
    .await;
    let owner = app.signed_in("owner@crash.com").await;
    let global = base64_id("Generation", &id.to_string());
    let generation = finished(&app, &owner, &global).await;
    assert_eq!(generation["status"], "FAILED");
    assert!(
        generation["error"]
            .as_str()
            .unwrap()
            .contains("interrupted")
    );
    assert_eq!(document(&app, &owner, "ICP").await["version"], 1);
    // The target is free again.
    mock.enqueue(Behaviour::json(&icp()));
    let body = regenerate(&app, &owner, "ICP").await;
    assert_ne!(ok(&body, "regenerate.generation.id"), &json!(global));
}

async fn other_organisations_and_partner_users_cannot_follow_or_see_the_strategy(backend: Backend) {
    let mock = MockServer::start().await;
    let app = ai_app(backend, &mock).await;
    let owner = with_icp(&app, &mock, "owner@private-strategy.com").await;
    mock.enqueue(slowly(&icp(), Duration::from_millis(40)));
    let body = regenerate(&app, &owner, "ICP").await;
    let id = ok(&body, "regenerate.generation.id")
        .as_str()
        .unwrap()
        .to_owned();

    let eve = app.signed_up("eve@rival.com").await;
    let mut subscriber = Subscriber::connect(&app, &eve.access_token).await;
    subscriber.subscribe("1", EVENTS, json!({ "id": id })).await;
    let answer = subscriber.collect(Duration::from_secs(5)).await;
    let error = answer.last().expect("an answer");
    let code = if error["type"] == "error" {
        &error["payload"][0]["extensions"]["code"]
    } else {
        &error["errors"][0]["extensions"]["code"]
    };
    assert_eq!(code, "NOT_FOUND", "{answer:?}");
    assert!(!json!(answer).to_string().contains("Manual route planning"));

    let partner = gql(&app, &owner, "mutation { createPartner(input: { name: \"Portal Partner\", type: RESELLER }) { partner { id } } }", json!({})).await;
    let partner_id = ok(&partner, "createPartner.partner.id")
        .as_str()
        .unwrap()
        .to_owned();
    let portal = app
        .partner_user(&owner, "portal@partner-firm.com", &partner_id)
        .await;
    for query in [
        ONBOARDING,
        "{ strategyDocument(artifact: ICP) { version } }",
    ] {
        let body = gql(&app, &portal, query, json!({})).await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    }
    let body = gql(
        &app,
        &portal,
        "query($id: ID!) { generation(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    finished(&app, &owner, &id).await;
}

fn base64_id(kind: &str, local: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{local}"))
}

async fn org_uuid(app: &TestApp, session: &Session) -> uuid::Uuid {
    use base64::Engine;
    let _ = app;
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&session.org_id)
        .expect("base64");
    let text = String::from_utf8(decoded).expect("utf8");
    uuid::Uuid::parse_str(text.split_once(':').expect("kind").1).expect("uuid")
}

on_both_backends!(
    onboarding_runs_end_to_end_with_live_partial_results,
    onboarding_steps_cannot_be_skipped,
    returning_to_onboarding_prefills_from_the_cache_and_regenerate_overwrites_it,
    a_second_request_for_a_running_target_joins_it,
    a_cancelled_generation_keeps_the_previous_version,
    a_misbehaving_model_ends_each_generation_in_the_right_status,
    two_subscribers_one_joining_late_see_the_same_ordered_events,
    edit_with_ai_proposes_accepts_and_detects_stale_versions,
    without_a_model_ai_operations_are_unavailable_and_nothing_else_is,
    the_monthly_token_budget_stops_ai_operations,
    generations_left_running_by_a_crash_fail_at_start_up,
    other_organisations_and_partner_users_cannot_follow_or_see_the_strategy,
);
