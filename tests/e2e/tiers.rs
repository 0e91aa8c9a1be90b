//! Automatic tier evaluation: partners land in tiers as their data and deals change, manual
//! overrides stick until cleared, every decision is explained, and drafts can be simulated.

use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

async fn run(app: &TestApp, session: &Session, document: &str, variables: Value) -> Value {
    let body = app
        .query_as(&session.access_token, document, variables)
        .await;
    assert!(body["errors"].is_null(), "{document}: {body}");
    body["data"].clone()
}

fn rule(field: &str, at_least: i64) -> Value {
    json!({ "field": field, "operator": "GTE", "value": at_least.to_string() })
}

/// A one-track program for resellers: Gold (2+ closed deals), Silver (1+), Registered.
async fn ladder(app: &TestApp, owner: &Session) -> (String, String, String) {
    let segment = run(app, owner, "mutation { createSegment(input: { name: \"Channel\", family: MARKET }) { segment { id } } }", json!({})).await;
    let segment = segment["createSegment"]["segment"]["id"].clone();
    let track = run(
        app,
        owner,
        "mutation($segment: ID!) { createTrack(input: { segmentId: $segment, name: \"Resellers\", partnerTypes: [RESELLER] }) { track { id } } }",
        json!({ "segment": segment }),
    )
    .await;
    let track = track["createTrack"]["track"]["id"].clone();
    let mut ids = Vec::new();
    for (name, order, logic) in [
        ("Gold", 1, json!([rule("closed_deals", 2)])),
        ("Silver", 2, json!([rule("closed_deals", 1)])),
        ("Registered", 3, json!([])),
    ] {
        let tier = run(
            app,
            owner,
            "mutation($input: CreateTierInput!) { createTier(input: $input) { tier { id } } }",
            json!({ "input": { "trackId": track, "name": name, "sortOrder": order, "requirementLogic": logic } }),
        )
        .await;
        ids.push(
            tier["createTier"]["tier"]["id"]
                .as_str()
                .expect("tier")
                .to_owned(),
        );
    }
    (ids[0].clone(), ids[1].clone(), ids[2].clone())
}

async fn reseller(app: &TestApp, owner: &Session, name: &str) -> String {
    let body = run(
        app,
        owner,
        "mutation($name: String!) { createPartner(input: { name: $name, type: RESELLER }) { partner { id tier { name } tierSource } } }",
        json!({ "name": name }),
    )
    .await;
    body["createPartner"]["partner"]["id"]
        .as_str()
        .expect("partner")
        .to_owned()
}

async fn won_deal(app: &TestApp, owner: &Session, partner: &str) {
    let created = run(
        app,
        owner,
        "mutation($partner: ID!) { createDeal(input: { partnerId: $partner, customerName: \"C\", amount: { amountMinor: \"100\", currency: \"USD\" } }) { deal { id } } }",
        json!({ "partner": partner }),
    )
    .await;
    run(
        app,
        owner,
        "mutation($deal: ID!) { closeDeal(input: { id: $deal, outcome: WON }) { deal { status } } }",
        json!({ "deal": created["createDeal"]["deal"]["id"] }),
    )
    .await;
}

const PLACEMENT: &str = "query($id: ID!) { partner(id: $id) { tier { name } tierSource tierEvaluatedAt tierProgress { current { name } next { name } unmetRules { field operator expected actual actualNumber met } } } }";

async fn placement(app: &TestApp, owner: &Session, partner: &str) -> Value {
    run(app, owner, PLACEMENT, json!({ "id": partner })).await["partner"].clone()
}

async fn partners_land_in_tiers_and_follow_their_deals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    // A partner created before the program exists is placed when the program is built.
    let early = reseller(&app, &owner, "Early").await;
    ladder(&app, &owner).await;
    assert_eq!(
        placement(&app, &owner, &early).await["tier"]["name"],
        "Registered"
    );

    let globex = reseller(&app, &owner, "Globex").await;
    let placed = placement(&app, &owner, &globex).await;
    assert_eq!(placed["tier"]["name"], "Registered", "{placed}");
    assert_eq!(placed["tierSource"], "AUTO");
    assert!(placed["tierEvaluatedAt"].is_string());
    assert_eq!(placed["tierProgress"]["next"]["name"], "Silver");
    assert_eq!(
        placed["tierProgress"]["unmetRules"],
        json!([{ "field": "CLOSED_DEALS", "operator": "GTE", "expected": "at least 1", "actual": "0", "actualNumber": "0", "met": false }])
    );

    won_deal(&app, &owner, &globex).await;
    let silver = placement(&app, &owner, &globex).await;
    assert_eq!(silver["tier"]["name"], "Silver", "{silver}");
    assert_eq!(silver["tierProgress"]["next"]["name"], "Gold");
    assert_eq!(silver["tierProgress"]["unmetRules"][0]["actualNumber"], "1");

    won_deal(&app, &owner, &globex).await;
    let gold = placement(&app, &owner, &globex).await;
    assert_eq!(gold["tier"]["name"], "Gold");
    assert_eq!(gold["tierProgress"]["next"], Value::Null, "Gold is the top");
    assert_eq!(gold["tierProgress"]["unmetRules"], json!([]));

    let history = run(
        &app,
        &owner,
        "query($id: ID!) { partner(id: $id) { tierHistory(first: 10) { totalCount edges { node { fromTierName toTierName source actorKind } } } } }",
        json!({ "id": globex }),
    )
    .await;
    let names: Vec<(Value, Value)> = history["partner"]["tierHistory"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            (
                e["node"]["fromTierName"].clone(),
                e["node"]["toTierName"].clone(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (Value::Null, json!("Registered")),
            (json!("Registered"), json!("Silver")),
            (json!("Silver"), json!("Gold")),
        ],
        "{history}"
    );

    // Evaluating again on demand changes nothing.
    let report = run(
        &app,
        &owner,
        "mutation { evaluateTiers { evaluated changed evaluatedAt } }",
        json!({}),
    )
    .await;
    assert_eq!(report["evaluateTiers"]["evaluated"], 2);
    assert_eq!(report["evaluateTiers"]["changed"], 0);
    // A partner of another type is in no track.
    let tech = run(&app, &owner, "mutation { createPartner(input: { name: \"Hooli\", type: TECHNOLOGY }) { partner { tier { name } tierSource } } }", json!({})).await;
    assert_eq!(
        tech["createPartner"]["partner"],
        json!({ "tier": null, "tierSource": null })
    );
}

async fn manual_overrides_stick_until_cleared(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let (gold, _, _) = ladder(&app, &owner).await;
    let globex = reseller(&app, &owner, "Globex").await;
    let set = "mutation($input: SetPartnerTierInput!) { setPartnerTier(input: $input) { partner { tier { name } tierSource } } }";
    let missing_reason = app
        .query_as(
            &owner.access_token,
            set,
            json!({ "input": { "partnerId": globex, "tierId": gold, "reason": " " } }),
        )
        .await;
    assert_eq!(
        missing_reason["errors"][0]["extensions"]["field"], "input.reason",
        "{missing_reason}"
    );
    let member = app.invited(&owner, "mo@acme.io", "MEMBER").await;
    let forbidden = app
        .query_as(
            &member.access_token,
            set,
            json!({ "input": { "partnerId": globex, "tierId": gold, "reason": "why not" } }),
        )
        .await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"), "{forbidden}");

    let manual = run(&app, &owner, set, json!({ "input": { "partnerId": globex, "tierId": gold, "reason": "Strategic launch partner" } })).await;
    assert_eq!(
        manual["setPartnerTier"]["partner"],
        json!({ "tier": { "name": "Gold" }, "tierSource": "MANUAL" })
    );
    // Evaluation leaves it alone, whatever the data says.
    won_deal(&app, &owner, &globex).await;
    run(
        &app,
        &owner,
        "mutation { evaluateTiers { changed } }",
        json!({}),
    )
    .await;
    let held = placement(&app, &owner, &globex).await;
    assert_eq!(
        (held["tier"]["name"].clone(), held["tierSource"].clone()),
        (json!("Gold"), json!("MANUAL"))
    );

    let cleared = run(
        &app,
        &owner,
        "mutation($id: ID!) { clearPartnerTierOverride(input: { partnerId: $id }) { partner { tier { name } tierSource } } }",
        json!({ "id": globex }),
    )
    .await;
    assert_eq!(
        cleared["clearPartnerTierOverride"]["partner"],
        json!({ "tier": { "name": "Silver" }, "tierSource": "AUTO" }),
        "re-evaluated at once"
    );
    let history = run(
        &app,
        &owner,
        "query($id: ID!) { partner(id: $id) { tierHistory(last: 2) { edges { node { toTierName source reason } } } } }",
        json!({ "id": globex }),
    )
    .await;
    assert_eq!(
        history["partner"]["tierHistory"]["edges"],
        json!([
            { "node": { "toTierName": "Gold", "source": "MANUAL", "reason": "Strategic launch partner" } },
            { "node": { "toTierName": "Silver", "source": "AUTO", "reason": null } },
        ])
    );
}

async fn drafts_are_simulated_without_saving(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    ladder(&app, &owner).await;
    let globex = reseller(&app, &owner, "Globex").await;
    won_deal(&app, &owner, &globex).await;
    let draft = json!({ "segments": [{
        "name": "Everyone",
        "family": "MARKET",
        "tracks": [{
            "name": "Resellers",
            "partnerTypes": ["RESELLER"],
            "tiers": [
                { "name": "Elite", "sortOrder": 1, "requirementLogic": [rule("closed_deals", 5)] },
                { "name": "Starter", "sortOrder": 2, "requirementLogic": [rule("closed_deals", 1)] },
            ],
        }],
    }] });
    let simulated = run(
        &app,
        &owner,
        "query($input: SimulateTierEvaluationInput!) { simulateTierEvaluation(input: $input) { tier { name trackName } segments explanation { expected met } next { name } unmetRules { expected actual } } }",
        json!({ "input": { "partnerId": globex, "draft": draft } }),
    )
    .await;
    assert_eq!(
        simulated["simulateTierEvaluation"],
        json!({
            "tier": { "name": "Starter", "trackName": "Resellers" },
            "segments": ["Everyone"],
            "explanation": [{ "expected": "at least 1", "met": true }],
            "next": { "name": "Elite" },
            "unmetRules": [{ "expected": "at least 5", "actual": "1" }],
        }),
        "{simulated}"
    );
    assert_eq!(
        placement(&app, &owner, &globex).await["tier"]["name"],
        "Silver",
        "nothing saved"
    );
    let bad = app
        .query_as(
            &owner.access_token,
            "query($input: SimulateTierEvaluationInput!) { simulateTierEvaluation(input: $input) { segments } }",
            json!({ "input": { "partnerId": globex, "draft": { "segments": [{ "name": "S", "family": "MARKET", "tracks": [{ "name": "T", "partnerTypes": ["RESELLER"], "tiers": [{ "name": "X", "sortOrder": 1, "requirementLogic": [{ "field": "nope", "operator": "GTE", "value": "1" }] }] }] }] } } }),
        )
        .await;
    assert_eq!(
        bad["errors"][0]["extensions"]["field"],
        "input.draft.segments[0].tracks[0].tiers[0].requirementLogic[0]",
        "{bad}"
    );
}

on_both_backends!(
    partners_land_in_tiers_and_follow_their_deals,
    manual_overrides_stick_until_cleared,
    drafts_are_simulated_without_saving,
);
