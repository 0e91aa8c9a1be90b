//! `importDeals`: upserts matched on externalId, idempotent re-runs, partner rollups in step
//! with imported deals, per-row errors that name the field, the row limit, roles and tenant
//! isolation (per-row NOT_FOUND, so it is tested here rather than in `isolation::CASES`).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use partnergraph_persistence::run;
use partnergraph_persistence::schema::{deal_registrations, deals};
use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

const IMPORT: &str = "mutation($input: ImportDealsInput!) { importDeals(input: $input) { created updated unchanged failed results { row outcome deal { id externalId partner { id name } name customerName customerDomain amount { amountMinor currency } motion status expectedCloseDate closedOn version } error { field code message } } } }";

const HISTORY: &str = "query($id: ID!) { deal(id: $id) { version history(first: 20) { totalCount edges { node { action actorKind changes } } } } }";

const ROLLUPS: &str = "query($id: ID!) { partner(id: $id) { pipeline { amountMinor } revenue { amountMinor } activeDeals closedDeals } }";

async fn import(app: &TestApp, credential: &str, rows: Value) -> Value {
    app.query_as(
        credential,
        IMPORT,
        json!({ "input": { "rows": rows, "matchOn": "EXTERNAL_ID" } }),
    )
    .await
}

/// The results of a successful call (panics on a top-level error).
fn results(body: &Value) -> Vec<Value> {
    body["data"]["importDeals"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("import failed: {body}"))
}

fn outcomes(body: &Value) -> Vec<String> {
    results(body)
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn usd(minor: i64) -> Value {
    json!({ "amountMinor": minor.to_string(), "currency": "USD" })
}

/// Partners `p-1` ("Globex") and `p-2` ("Initech") imported with those external ids; their
/// global IDs.
async fn crm_partners(app: &TestApp, session: &Session) -> (String, String) {
    let body = app
        .query_as(
            &session.access_token,
            "mutation($input: ImportPartnersInput!) { importPartners(input: $input) { results { partner { id } } } }",
            json!({ "input": { "rows": [
                { "externalId": "p-1", "name": "Globex", "type": "reseller" },
                { "externalId": "p-2", "name": "Initech", "type": "referral" },
            ] } }),
        )
        .await;
    let id = |i: usize| {
        body["data"]["importPartners"]["results"][i]["partner"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("partners: {body}"))
            .to_owned()
    };
    (id(0), id(1))
}

async fn admin_key(app: &TestApp, owner: &Session) -> String {
    let key = app
        .query_as(
            &owner.access_token,
            "mutation { createApiKey(input: { name: \"CRM sync\", role: ADMIN }) { secret } }",
            json!({}),
        )
        .await;
    key["data"]["createApiKey"]["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("{key}"))
        .to_owned()
}

async fn history(app: &TestApp, session: &Session, id: &Value) -> Value {
    let body = app
        .query_as(&session.access_token, HISTORY, json!({ "id": id }))
        .await;
    body["data"]["deal"].clone()
}

/// `(pipeline, revenue, activeDeals, closedDeals)` of a partner.
async fn rollups(app: &TestApp, session: &Session, partner: &str) -> (i64, i64, i64, i64) {
    let body = app
        .query_as(&session.access_token, ROLLUPS, json!({ "id": partner }))
        .await;
    let p = &body["data"]["partner"];
    let minor = |v: &Value| {
        v["amountMinor"]
            .as_str()
            .and_then(|m| m.parse().ok())
            .unwrap_or_else(|| panic!("rollups: {body}"))
    };
    (
        minor(&p["pipeline"]),
        minor(&p["revenue"]),
        p["activeDeals"].as_i64().unwrap_or(-1),
        p["closedDeals"].as_i64().unwrap_or(-1),
    )
}

async fn total_deals(app: &TestApp, session: &Session) -> i64 {
    let body = app
        .query_as(&session.access_token, "{ deals { totalCount } }", json!({}))
        .await;
    body["data"]["deals"]["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("{body}"))
}

fn crm_deals(initech: &str) -> Value {
    json!([
        {
            "externalId": "d-1", "partnerExternalId": "p-1", "name": " Renewal ",
            "customerName": "Acme Corp", "customerDomain": "https://www.Acme.com/buy",
            "amount": usd(100_000), "motion": "Services", "status": "open",
            "expectedCloseDate": "2027-01-31"
        },
        {
            "externalId": "d-2", "partnerId": initech, "customerName": "Hooli",
            "amount": usd(50_000), "status": "WON", "closedOn": "2026-05-01"
        },
        {
            "externalId": " d-3 ", "partnerExternalId": "p-1", "customerName": "Umbrella",
            "amount": usd(7_000), "status": "lost"
        },
    ])
}

async fn a_deal_import_creates_deals_and_a_second_run_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let key = admin_key(&app, &owner).await;
    let (globex, initech) = crm_partners(&app, &owner).await;

    let first = import(&app, &key, crm_deals(&initech)).await;
    assert_eq!(outcomes(&first), ["CREATED"; 3], "{first}");
    assert_eq!(first["data"]["importDeals"]["created"], 3);
    let rows = results(&first);
    let renewal = &rows[0]["deal"];
    assert_eq!(renewal["partner"]["id"], globex.as_str());
    assert_eq!(renewal["name"], "Renewal");
    assert_eq!(renewal["customerDomain"], "acme.com");
    assert_eq!(renewal["motion"], "SERVICES");
    assert_eq!(renewal["status"], "OPEN");
    assert_eq!(renewal["expectedCloseDate"], "2027-01-31");
    assert_eq!(renewal["closedOn"], Value::Null);
    assert_eq!(renewal["version"], 1);
    let won = &rows[1]["deal"];
    assert_eq!(won["partner"]["id"], initech.as_str());
    assert_eq!(won["motion"], "PRODUCT", "the default motion");
    assert_eq!(won["closedOn"], "2026-05-01");
    let lost = &rows[2]["deal"];
    assert_eq!(lost["externalId"], "d-3", "trimmed");
    assert!(
        lost["closedOn"].is_string(),
        "a closed deal without closedOn closes today: {lost}"
    );

    let audited = history(&app, &owner, &renewal["id"]).await;
    let entry = &audited["history"]["edges"][0]["node"];
    assert_eq!(entry["action"], "create");
    assert_eq!(entry["actorKind"], "API_KEY", "{audited}");
    assert_eq!(entry["changes"]["status"]["after"], "open");
    assert_eq!(entry["changes"]["externalId"]["after"], "d-1");

    let again = import(&app, &key, crm_deals(&initech)).await;
    assert_eq!(outcomes(&again), ["UNCHANGED"; 3], "{again}");
    assert_eq!(again["data"]["importDeals"]["unchanged"], 3);
    for (before, after) in rows.iter().zip(results(&again)) {
        assert_eq!(
            before["deal"], after["deal"],
            "an unchanged row reports the deal as it is"
        );
        let audited = history(&app, &owner, &before["deal"]["id"]).await;
        assert_eq!(audited["version"], 1, "no version bump");
        assert_eq!(audited["history"]["totalCount"], 1, "no new audit entry");
    }
    assert_eq!(total_deals(&app, &owner).await, 3);
    assert_eq!(rollups(&app, &owner, &globex).await, (100_000, 0, 1, 1));
    assert_eq!(rollups(&app, &owner, &initech).await, (0, 50_000, 0, 1));
}

async fn deal_imports_update_deals_and_keep_partner_rollups_in_step(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let token = owner.access_token.clone();
    let (globex, initech) = crm_partners(&app, &owner).await;
    let created = import(
        &app,
        &token,
        json!([
            { "externalId": "d-1", "partnerExternalId": "p-1", "customerName": "Acme", "amount": usd(100_000), "expectedCloseDate": "2027-01-31" },
            { "externalId": "d-2", "partnerExternalId": "p-1", "customerName": "Hooli", "amount": usd(20_000) },
        ]),
    )
    .await;
    assert_eq!(outcomes(&created), ["CREATED"; 2], "{created}");
    let d1 = results(&created)[0]["deal"]["id"].clone();
    assert_eq!(rollups(&app, &owner, &globex).await, (120_000, 0, 2, 0));

    let updated = import(
        &app,
        &token,
        json!([
            { "externalId": "d-1", "amount": usd(150_000), "status": "Won", "expectedCloseDate": null },
            { "externalId": "d-2", "partnerExternalId": "p-2" },
        ]),
    )
    .await;
    assert_eq!(outcomes(&updated), ["UPDATED"; 2], "{updated}");
    let rows = results(&updated);
    let won = &rows[0]["deal"];
    assert_eq!(won["id"], d1);
    assert_eq!(won["version"], 2);
    assert_eq!(won["status"], "WON");
    assert_eq!(won["amount"]["amountMinor"], "150000");
    assert_eq!(won["expectedCloseDate"], Value::Null, "null clears");
    assert!(won["closedOn"].is_string(), "won without closedOn: today");
    assert_eq!(won["customerName"], "Acme", "omitted fields are left alone");
    let moved = &rows[1]["deal"];
    assert_eq!(moved["partner"]["id"], initech.as_str());
    assert_eq!(moved["amount"]["amountMinor"], "20000");
    assert_eq!(rollups(&app, &owner, &globex).await, (0, 150_000, 0, 1));
    assert_eq!(rollups(&app, &owner, &initech).await, (20_000, 0, 1, 0));

    let audited = history(&app, &owner, &d1).await;
    let update = &audited["history"]["edges"][1]["node"];
    assert_eq!(update["action"], "update");
    assert_eq!(update["actorKind"], "USER");
    assert_eq!(
        update["changes"]["status"],
        json!({ "before": "open", "after": "won" })
    );
    assert_eq!(
        update["changes"]["amount"]["after"]["amountMinor"], "150000",
        "{update}"
    );
    assert_eq!(update["changes"]["expectedCloseDate"]["after"], Value::Null);
    assert!(
        update["changes"].get("customerName").is_none(),
        "only changed fields: {update}"
    );

    // Reopened: the close date goes and the amount is pipeline again; the same closedOn
    // given again to a won deal changes nothing.
    let reopened = import(
        &app,
        &token,
        json!([{ "externalId": "d-1", "status": "OPEN", "closedOn": "2026-01-01" }]),
    )
    .await;
    assert_eq!(outcomes(&reopened), ["UPDATED"], "{reopened}");
    assert_eq!(results(&reopened)[0]["deal"]["closedOn"], Value::Null);
    assert_eq!(rollups(&app, &owner, &globex).await, (150_000, 0, 1, 0));
    let lost = import(
        &app,
        &token,
        json!([{ "externalId": "d-1", "status": "lost", "closedOn": "2026-02-01" }]),
    )
    .await;
    assert_eq!(results(&lost)[0]["deal"]["closedOn"], "2026-02-01");
    let lost_again = import(
        &app,
        &token,
        json!([{ "externalId": "d-1", "status": "LOST" }]),
    )
    .await;
    assert_eq!(outcomes(&lost_again), ["UNCHANGED"], "keeps its close date");
    assert_eq!(rollups(&app, &owner, &globex).await, (0, 0, 0, 1));
    assert_eq!(history(&app, &owner, &d1).await["version"], 4);
}

async fn a_deal_from_a_registration_is_updated_and_its_registration_follows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let token = owner.access_token.clone();
    let (globex, _) = crm_partners(&app, &owner).await;
    let registered = app
        .query_as(&token, "mutation($id: ID!) { registerDeal(input: { partnerId: $id, customerName: \"Acme\", customerDomain: \"acme.com\", amount: { amountMinor: \"900\", currency: \"USD\" } }) { registration { id } } }", json!({ "id": globex }))
        .await;
    let registration = registered["data"]["registerDeal"]["registration"]["id"].clone();
    let approved = app
        .query_as(&token, "mutation($id: ID!) { reviewDealRegistration(input: { id: $id, decision: APPROVE }) { deal { id } } }", json!({ "id": registration }))
        .await;
    let deal = approved["data"]["reviewDealRegistration"]["deal"]["id"].clone();
    assert!(deal.is_string(), "{approved}");
    // Registration deals start without a CRM id; link this one as a CRM sync would have.
    let mut conn = app.db.conn().await.expect("conn");
    let link = diesel::update(deals::table).set(deals::external_id.eq("crm-reg"));
    run!(&mut conn, |c| link.execute(c).await).expect("linked");
    drop(conn);

    let body = import(
        &app,
        &token,
        json!([{ "externalId": "crm-reg", "status": "won" }]),
    )
    .await;
    assert_eq!(outcomes(&body), ["UPDATED"], "{body}");
    assert_eq!(results(&body)[0]["deal"]["id"], deal);
    let mut conn = app.db.conn().await.expect("conn");
    let mirrored = deal_registrations::table.select(deal_registrations::deal_status);
    let status: Option<String> = run!(&mut conn, |c| mirrored.get_result(c).await).expect("status");
    assert_eq!(status.as_deref(), Some("won"));
    drop(conn);
    assert_eq!(rollups(&app, &owner, &globex).await, (0, 900, 0, 1));
}

async fn a_bad_deal_row_fails_alone_and_names_its_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let token = owner.access_token.clone();
    let (globex, initech) = crm_partners(&app, &owner).await;
    let created = import(
        &app,
        &token,
        json!([{ "externalId": "d-0", "partnerExternalId": "p-1", "customerName": "Existing", "amount": usd(1_000) }]),
    )
    .await;
    let existing = results(&created)[0]["deal"]["id"].clone();
    let good = |id: &str| json!({ "externalId": id, "partnerExternalId": "p-2", "customerName": "Good", "amount": usd(10) });

    let batch = import(
        &app,
        &token,
        json!([
            good("ok-1"),
            { "externalId": "bad-1", "partnerExternalId": "p-1", "customerName": "C", "amount": usd(1), "status": "closed-won" },
            { "externalId": "bad-2", "partnerExternalId": "p-1", "customerName": "C", "amount": usd(1), "motion": "consulting" },
            { "externalId": "bad-3", "partnerExternalId": "p-1", "customerName": "C", "amount": usd(-5) },
            { "externalId": "bad-4", "partnerExternalId": "p-1", "customerName": "C", "amount": { "amountMinor": "5", "currency": "EUR" } },
            { "externalId": "bad-5", "partnerExternalId": "nope", "customerName": "C", "amount": usd(1) },
            { "partnerExternalId": "p-1", "customerName": "No Key", "amount": usd(1) },
            { "externalId": "d-0", "amount": usd(-1), "status": "won" },
            { "externalId": "ok-1", "partnerExternalId": "p-2", "customerName": "Again", "amount": usd(1) },
            { "externalId": "bad-9", "partnerExternalId": "p-1", "amount": usd(1) },
            { "externalId": "bad-10", "partnerExternalId": "p-1", "partnerId": globex, "customerName": "C", "amount": usd(1) },
            { "externalId": "bad-11", "partnerId": "not-an-id", "customerName": "C", "amount": usd(1) },
            { "externalId": "ok-2", "partnerId": initech, "customerName": "Good Two", "amount": usd(20), "status": "won" },
        ]),
    )
    .await;
    let rows = results(&batch);
    let expected = [
        (None, None),
        (Some("rows[1].status"), Some("BAD_USER_INPUT")),
        (Some("rows[2].motion"), Some("BAD_USER_INPUT")),
        (Some("rows[3].amount"), Some("BAD_USER_INPUT")),
        (Some("rows[4].amount"), Some("BAD_USER_INPUT")),
        (Some("rows[5].partnerExternalId"), Some("NOT_FOUND")),
        (Some("rows[6].externalId"), Some("BAD_USER_INPUT")),
        (Some("rows[7].amount"), Some("BAD_USER_INPUT")),
        (Some("rows[8].externalId"), Some("CONFLICT")),
        (Some("rows[9].customerName"), Some("BAD_USER_INPUT")),
        (Some("rows[10].partnerId"), Some("BAD_USER_INPUT")),
        (Some("rows[11].partnerId"), Some("BAD_USER_INPUT")),
        (None, None),
    ];
    assert_eq!(rows.len(), expected.len());
    for (i, (row, (field, code))) in rows.iter().zip(expected).enumerate() {
        assert_eq!(row["row"], i);
        assert_eq!(row["error"]["field"].as_str(), field, "row {i}: {row}");
        assert_eq!(row["error"]["code"].as_str(), code, "row {i}: {row}");
        if field.is_some() {
            assert_eq!(row["outcome"], "FAILED", "row {i}: {row}");
            assert_eq!(row["deal"], Value::Null);
            assert!(
                row["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "row {i}: {row}"
            );
        } else {
            assert_eq!(row["outcome"], "CREATED", "row {i}: {row}");
        }
    }
    let message = |i: usize| rows[i]["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message(1).contains("closed-won")
            && message(1).contains("WON")
            && message(1).contains("LOST"),
        "the message names the value and the known ones: {}",
        message(1)
    );
    assert!(
        message(2).contains("PRODUCT") && message(2).contains("SERVICES"),
        "{}",
        message(2)
    );
    assert!(message(4).contains("USD"), "{}", message(4));
    assert_eq!(message(5), "partner not found");
    let summary = &batch["data"]["importDeals"];
    assert_eq!(
        (summary["created"].clone(), summary["failed"].clone()),
        (json!(2), json!(11))
    );
    assert_eq!(
        total_deals(&app, &owner).await,
        3,
        "only the good rows landed"
    );
    let untouched = history(&app, &owner, &existing).await;
    assert_eq!(untouched["version"], 1, "a failed update writes nothing");
    assert_eq!(untouched["history"]["totalCount"], 1);
    assert_eq!(rollups(&app, &owner, &globex).await, (1_000, 0, 1, 0));
    assert_eq!(rollups(&app, &owner, &initech).await, (10, 20, 1, 1));
}

async fn more_than_a_thousand_deal_rows_are_refused_with_nothing_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    crm_partners(&app, &owner).await;
    let rows: Vec<Value> = (0..1_001)
        .map(|i| json!({ "externalId": format!("d-{i}"), "partnerExternalId": "p-1", "customerName": "C", "amount": usd(1) }))
        .collect();
    let body = import(&app, &owner.access_token, json!(rows)).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.rows");
    assert_eq!(total_deals(&app, &owner).await, 0);
}

async fn viewers_and_partner_users_cannot_import_deals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let (globex, _) = crm_partners(&app, &owner).await;
    let viewer = app.invited(&owner, "vic@acme.io", "VIEWER").await;
    let portal = app.partner_user(&owner, "pat@globex.com", &globex).await;
    let rows = json!([{ "externalId": "d-1", "partnerExternalId": "p-1", "customerName": "C", "amount": usd(1) }]);
    let body = import(&app, &viewer.access_token, rows.clone()).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = import(&app, &portal.access_token, rows).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    assert_eq!(total_deals(&app, &owner).await, 0);
    let anonymous = app
        .query_with(IMPORT, json!({ "input": { "rows": [] } }))
        .await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
}

async fn a_deal_import_never_touches_or_reveals_another_organisations_partners_or_deals(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let a = app.signed_up("ana@acme.io").await;
    let b = app.signed_up("bo@globex.com").await;
    let a_partner = app
        .query_as(&a.access_token, "mutation { importPartners(input: { rows: [{ externalId: \"p-1\", name: \"Initech Secret\", type: \"reseller\" }] }) { results { partner { id } } } }", json!({}))
        .await;
    let a_partner = a_partner["data"]["importPartners"]["results"][0]["partner"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{a_partner}"))
        .to_owned();
    let a_rows = json!([{ "externalId": "d-1", "partnerExternalId": "p-1", "customerName": "A's Customer", "customerDomain": "a-customer.com", "amount": usd(4_200) }]);
    let a_deal = results(&import(&app, &a.access_token, a_rows.clone()).await)[0]["deal"].clone();

    // B has no partners: naming A's partner, by ID or by CRM id, finds nothing.
    let probe = json!([
        { "externalId": "d-1", "partnerId": a_partner, "customerName": "B", "amount": usd(1) },
        { "externalId": "d-2", "partnerExternalId": "p-1", "customerName": "B", "amount": usd(1) },
        { "externalId": "d-1-again", "partnerId": a_partner, "status": "won" },
    ]);
    let body = import(&app, &b.access_token, probe).await;
    assert_eq!(outcomes(&body), ["FAILED"; 3], "{body}");
    let rows = results(&body);
    for (row, field) in rows
        .iter()
        .zip(["partnerId", "partnerExternalId", "partnerId"])
    {
        assert_eq!(row["error"]["code"], "NOT_FOUND", "{row}");
        assert_eq!(
            row["error"]["field"],
            format!("rows[{}].{field}", row["row"])
        );
        assert_eq!(row["error"]["message"], "partner not found");
    }
    let text = body.to_string();
    for secret in ["Initech Secret", "A's Customer", "a-customer.com", "4200"] {
        assert!(!text.contains(secret), "`{secret}` leaked: {text}");
    }
    assert_eq!(total_deals(&app, &b).await, 0);

    // With a partner of its own (even with the same CRM id), B's import of A's deal CRM id
    // creates B's own deal.
    let b_partner = app
        .query_as(&b.access_token, "mutation { importPartners(input: { rows: [{ externalId: \"p-1\", name: \"B's Partner\", type: \"reseller\" }] }) { results { partner { id } } } }", json!({}))
        .await;
    let b_partner = b_partner["data"]["importPartners"]["results"][0]["partner"]["id"].clone();
    let body = import(
        &app,
        &b.access_token,
        json!([{ "externalId": "d-1", "partnerExternalId": "p-1", "customerName": "B's Customer", "amount": usd(7) }]),
    )
    .await;
    assert_eq!(outcomes(&body), ["CREATED"], "{body}");
    let b_deal = &results(&body)[0]["deal"];
    assert_ne!(b_deal["id"], a_deal["id"]);
    assert_eq!(b_deal["partner"]["id"], b_partner);
    assert_eq!(b_deal["version"], 1);
    let text = body.to_string();
    assert!(
        !text.contains("A's Customer") && !text.contains("Initech Secret"),
        "{text}"
    );

    let again = import(&app, &a.access_token, a_rows).await;
    assert_eq!(
        outcomes(&again),
        ["UNCHANGED"],
        "A's deal is untouched: {again}"
    );
    assert_eq!(results(&again)[0]["deal"], a_deal);
    let audited = history(&app, &a, &a_deal["id"]).await;
    assert_eq!(audited["version"], 1);
    assert_eq!(audited["history"]["totalCount"], 1);
    assert_eq!(rollups(&app, &a, &a_partner).await, (4_200, 0, 1, 0));
    assert_eq!(total_deals(&app, &a).await, 1);
}

on_both_backends!(
    a_deal_import_creates_deals_and_a_second_run_changes_nothing,
    deal_imports_update_deals_and_keep_partner_rollups_in_step,
    a_deal_from_a_registration_is_updated_and_its_registration_follows,
    a_bad_deal_row_fails_alone_and_names_its_field,
    more_than_a_thousand_deal_rows_are_refused_with_nothing_written,
    viewers_and_partner_users_cannot_import_deals,
    a_deal_import_never_touches_or_reveals_another_organisations_partners_or_deals,
);
