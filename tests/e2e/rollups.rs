//! Program rollups: what the live partners of each segment and tier add up to (count,
//! pipeline, revenue, average fit and health), archived partners and other organisations left
//! out, empty tiers at zero, readable by whoever reads the program, and one statement per
//! rollup kind however many segments and tiers a query asks for.

use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

const ROLLUP: &str = "rollup { partnerCount pipeline { amountMinor currency } revenue { amountMinor currency } averageFitScore averageHealthScore }";

fn program_rollups() -> String {
    format!(
        "{{ program {{ segments {{ name {ROLLUP} tracks {{ tiers {{ name {ROLLUP} }} }} }} }} }}"
    )
}

async fn run(app: &TestApp, session: &Session, document: &str, variables: Value) -> Value {
    let body = app
        .query_as(&session.access_token, document, variables)
        .await;
    assert!(body["errors"].is_null(), "{document}: {body}");
    body["data"].clone()
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

async fn segment(app: &TestApp, owner: &Session, name: &str, logic: Value) -> String {
    let data = run(
        app,
        owner,
        "mutation($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id } } }",
        json!({ "input": { "name": name, "family": "MARKET", "requirementLogic": logic } }),
    )
    .await;
    id(&data["createSegment"]["segment"])
}

async fn track(app: &TestApp, owner: &Session, segment: &str, name: &str) -> String {
    let data = run(
        app,
        owner,
        "mutation($input: CreateTrackInput!) { createTrack(input: $input) { track { id } } }",
        json!({ "input": { "segmentId": segment, "name": name, "partnerTypes": ["RESELLER"] } }),
    )
    .await;
    id(&data["createTrack"]["track"])
}

/// A tier held by partners with at least `closed` closed deals.
async fn tier(app: &TestApp, owner: &Session, track: &str, name: &str, order: i32, closed: i64) {
    let logic = if closed > 0 {
        json!([{ "field": "CLOSED_DEALS", "operator": "GTE", "value": closed.to_string() }])
    } else {
        json!([])
    };
    run(
        app,
        owner,
        "mutation($input: CreateTierInput!) { createTier(input: $input) { tier { id } } }",
        json!({ "input": { "trackId": track, "name": name, "sortOrder": order, "requirementLogic": logic } }),
    )
    .await;
}

async fn partner(app: &TestApp, owner: &Session, input: Value) -> String {
    let data = run(
        app,
        owner,
        "mutation($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } } }",
        json!({ "input": input }),
    )
    .await;
    id(&data["createPartner"]["partner"])
}

/// A deal of `amount` cents; closed as won when `won`.
async fn deal(app: &TestApp, owner: &Session, partner: &str, amount: i64, won: bool) {
    let created = run(
        app,
        owner,
        "mutation($partner: ID!, $amount: BigInt!) { createDeal(input: { partnerId: $partner, customerName: \"Customer\", amount: { amountMinor: $amount, currency: \"USD\" } }) { deal { id } } }",
        json!({ "partner": partner, "amount": amount.to_string() }),
    )
    .await;
    if won {
        run(
            app,
            owner,
            "mutation($deal: ID!) { closeDeal(input: { id: $deal, outcome: WON }) { deal { status } } }",
            json!({ "deal": created["createDeal"]["deal"]["id"] }),
        )
        .await;
    }
}

fn rollup(partners: i64, pipeline: i64, revenue: i64, fit: Value, health: Value) -> Value {
    json!({
        "partnerCount": partners,
        "pipeline": { "amountMinor": pipeline.to_string(), "currency": "USD" },
        "revenue": { "amountMinor": revenue.to_string(), "currency": "USD" },
        "averageFitScore": fit,
        "averageHealthScore": health,
    })
}

/// `(name, rollup)` pairs.
type Named = Vec<(Value, Value)>;

/// `(name, rollup)` of every segment, then of every tier, in program order.
fn rollups(program: &Value) -> (Named, Named) {
    let mut segments = Vec::new();
    let mut tiers = Vec::new();
    for segment in program["program"]["segments"].as_array().expect("segments") {
        segments.push((segment["name"].clone(), segment["rollup"].clone()));
        for track in segment["tracks"].as_array().expect("tracks") {
            for tier in track["tiers"].as_array().expect("tiers") {
                tiers.push((tier["name"].clone(), tier["rollup"].clone()));
            }
        }
    }
    (segments, tiers)
}

async fn rollups_add_up_the_live_partners_of_each_segment_and_tier(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let channel = segment(&app, &owner, "Channel", json!([])).await;
    segment(
        &app,
        &owner,
        "Enterprise",
        json!([{ "field": "EMPLOYEES", "operator": "GTE", "value": "1000" }]),
    )
    .await;
    let resellers = track(&app, &owner, &channel, "Resellers").await;
    tier(&app, &owner, &resellers, "Platinum", 1, 100).await;
    tier(&app, &owner, &resellers, "Gold", 2, 1).await;
    tier(&app, &owner, &resellers, "Registered", 3, 0).await;

    let acme = partner(&app, &owner, json!({ "name": "Acme", "type": "RESELLER", "employees": 5000, "fitScore": 80, "healthScore": 60 })).await;
    deal(&app, &owner, &acme, 100_000, false).await;
    deal(&app, &owner, &acme, 50_000, true).await;
    let bolt = partner(
        &app,
        &owner,
        json!({ "name": "Bolt", "type": "RESELLER", "employees": 10, "fitScore": 40 }),
    )
    .await;
    deal(&app, &owner, &bolt, 20_000, false).await;
    // In Channel (every partner) but in no track: counted by the segment, by no tier.
    partner(
        &app,
        &owner,
        json!({ "name": "Core", "type": "TECHNOLOGY" }),
    )
    .await;
    // Gold and Enterprise until archived; archived partners count nowhere.
    let dusk = partner(&app, &owner, json!({ "name": "Dusk", "type": "RESELLER", "employees": 2000, "fitScore": 100, "healthScore": 100 })).await;
    deal(&app, &owner, &dusk, 999_900, true).await;
    deal(&app, &owner, &dusk, 7_700, false).await;
    run(
        &app,
        &owner,
        "mutation($id: ID!) { archivePartner(input: { id: $id, archived: true }) { partner { archivedAt } } }",
        json!({ "id": dusk }),
    )
    .await;
    let archived = run(
        &app,
        &owner,
        "query($id: ID!) { partner(id: $id) { tier { name } archivedAt } }",
        json!({ "id": dusk }),
    )
    .await;
    assert_eq!(
        archived["partner"]["tier"]["name"], "Gold",
        "an archived partner keeps its tier, and still the rollups leave it out: {archived}"
    );

    // Another organisation's partners, deals and scores touch none of these rollups.
    let other = app.signed_up("bo@globex.io").await;
    run(
        &app,
        &other,
        "mutation { seedDefaultProgram { created } }",
        json!({}),
    )
    .await;
    let theirs = partner(&app, &other, json!({ "name": "Acme", "type": "RESELLER", "employees": 9000, "fitScore": 1, "healthScore": 1 })).await;
    deal(&app, &other, &theirs, 123_400, true).await;

    let program = run(&app, &owner, &program_rollups(), json!({})).await;
    let (segments, tiers) = rollups(&program);
    assert_eq!(
        segments,
        [
            (
                json!("Channel"),
                rollup(3, 120_000, 50_000, json!(60.0), json!(60.0))
            ),
            (
                json!("Enterprise"),
                rollup(1, 100_000, 50_000, json!(80.0), json!(60.0))
            ),
        ],
        "{program}"
    );
    assert_eq!(
        tiers,
        [
            (json!("Platinum"), rollup(0, 0, 0, Value::Null, Value::Null)),
            (
                json!("Gold"),
                rollup(1, 100_000, 50_000, json!(80.0), json!(60.0))
            ),
            (
                json!("Registered"),
                rollup(1, 20_000, 0, json!(40.0), Value::Null)
            ),
        ],
        "{program}"
    );

    // Restoring the partner brings it back into its segments' and tier's rollups.
    run(
        &app,
        &owner,
        "mutation($id: ID!) { archivePartner(input: { id: $id, archived: false }) { partner { archivedAt } } }",
        json!({ "id": dusk }),
    )
    .await;
    let restored = run(&app, &owner, &program_rollups(), json!({})).await;
    let (segments, tiers) = rollups(&restored);
    assert_eq!(
        segments[1],
        (
            json!("Enterprise"),
            rollup(2, 107_700, 1_049_900, json!(90.0), json!(80.0))
        ),
        "{restored}"
    );
    assert_eq!(
        tiers[1],
        (
            json!("Gold"),
            rollup(2, 107_700, 1_049_900, json!(90.0), json!(80.0))
        ),
        "{restored}"
    );

    // The other organisation sees its own partner only.
    let (_, theirs) = rollups(&run(&app, &other, &program_rollups(), json!({})).await);
    let held: i64 = theirs
        .iter()
        .map(|(_, rollup)| rollup["partnerCount"].as_i64().expect("count"))
        .sum();
    assert_eq!(held, 1, "{theirs:?}");
}

async fn rollups_are_for_those_who_read_the_program(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    run(
        &app,
        &owner,
        "mutation { seedDefaultProgram { created } }",
        json!({}),
    )
    .await;
    let acme = partner(&app, &owner, json!({ "name": "Acme", "type": "RESELLER" })).await;
    let tier =
        "query($id: ID!) { partner(id: $id) { name tier { name rollup { partnerCount } } } }";
    let admin = run(&app, &owner, tier, json!({ "id": acme })).await;
    assert_eq!(
        admin["partner"]["tier"],
        json!({ "name": "Registered", "rollup": { "partnerCount": 1 } })
    );

    // A member sees the tier a partner holds, not what the program's partners add up to.
    let member = app.invited(&owner, "mo@acme.io", "MEMBER").await;
    let denied = app
        .query_as(&member.access_token, tier, json!({ "id": acme }))
        .await;
    assert_eq!(error_code(&denied), Some("FORBIDDEN"), "{denied}");
    assert_eq!(denied["data"]["partner"]["tier"]["name"], "Registered");
    assert_eq!(denied["data"]["partner"]["tier"]["rollup"], Value::Null);
    let cascade = app
        .query_as(
            &member.access_token,
            "{ tiersForPartnerType(type: RESELLER) { name rollup { partnerCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&cascade), Some("FORBIDDEN"), "{cascade}");
    assert_eq!(
        cascade["data"]["tiersForPartnerType"][0]["rollup"],
        Value::Null
    );

    // A partner user learns nothing about the program beyond its own partner.
    let portal = app.partner_user(&owner, "pat@partner.io", &acme).await;
    let hidden = app
        .query_as(&portal.access_token, tier, json!({ "id": acme }))
        .await;
    assert_eq!(error_code(&hidden), Some("NOT_FOUND"), "{hidden}");
    assert_eq!(hidden["data"]["partner"]["tier"]["rollup"], Value::Null);
}

/// SQL statements for the rollups of the whole program: authentication, the program (four
/// statements), then one statement for every segment rollup and one for every tier rollup.
const PROGRAM_WITH_ROLLUPS: u64 = 7;

async fn rollups_cost_one_statement_per_kind_whatever_the_program_size(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let first = segment(&app, &owner, "Channel", json!([])).await;
    let ladder = track(&app, &owner, &first, "Resellers").await;
    for (order, name) in ["Gold", "Silver", "Registered"].into_iter().enumerate() {
        let order = i32::try_from(order).expect("small") + 1;
        tier(&app, &owner, &ladder, name, order, 3 - i64::from(order)).await;
    }
    for i in 0..4 {
        let reseller = partner(
            &app,
            &owner,
            json!({ "name": format!("Reseller {i}"), "type": "RESELLER", "fitScore": 50 + i }),
        )
        .await;
        for _ in 0..i {
            deal(&app, &owner, &reseller, 1_000, true).await;
        }
    }

    let mut counts = Vec::new();
    for (segments, tiers) in [(1, 3), (3, 30)] {
        if tiers == 30 {
            // Two more segments, with 27 more tiers across three more tracks.
            for s in 0..2 {
                let segment = segment(&app, &owner, &format!("Segment {s}"), json!([])).await;
                for t in 0..if s == 0 { 1 } else { 2 } {
                    let track = track(&app, &owner, &segment, &format!("Track {s}.{t}")).await;
                    for k in 0..9 {
                        tier(
                            &app,
                            &owner,
                            &track,
                            &format!("Tier {s}.{t}.{k}"),
                            k + 1,
                            i64::from(9 - k),
                        )
                        .await;
                    }
                }
            }
        }
        let before = app.db.statements_executed();
        let body = app
            .query_as(&owner.access_token, &program_rollups(), json!({}))
            .await;
        let statements = app.db.statements_executed() - before;
        assert!(body["errors"].is_null(), "{body}");
        let (segment_rollups, tier_rollups) = rollups(&body["data"]);
        assert_eq!(segment_rollups.len(), segments, "{body}");
        assert_eq!(tier_rollups.len(), tiers, "{body}");
        assert!(
            segment_rollups
                .iter()
                .chain(&tier_rollups)
                .all(|(_, rollup)| rollup["partnerCount"].is_i64()),
            "{body}"
        );
        assert_eq!(
            segment_rollups[0].1,
            rollup(4, 0, 6_000, json!(51.5), Value::Null),
            "{body}"
        );
        counts.push(statements);
    }
    assert_eq!(
        counts,
        [PROGRAM_WITH_ROLLUPS, PROGRAM_WITH_ROLLUPS],
        "statements for 3 and for 30 tiers"
    );
    // Without rollups the same program costs two statements less.
    let before = app.db.statements_executed();
    let plain = run(
        &app,
        &owner,
        "{ program { segments { name tracks { tiers { name } } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        app.db.statements_executed() - before,
        PROGRAM_WITH_ROLLUPS - 2,
        "{plain}"
    );
}

on_both_backends!(
    rollups_add_up_the_live_partners_of_each_segment_and_tier,
    rollups_are_for_those_who_read_the_program,
    rollups_cost_one_statement_per_kind_whatever_the_program_size,
);
