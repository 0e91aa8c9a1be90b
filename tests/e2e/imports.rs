//! `importPartners`: upserts matched on externalId or domain, idempotent re-runs, overrides
//! kept, per-row errors that name the field, the row limit, roles and tenant isolation.

use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

const IMPORT: &str = "mutation($input: ImportPartnersInput!) { importPartners(input: $input) { created updated unchanged failed results { row outcome partner { id externalId name domain type category status stage industry description employees regions tags { category value } overriddenFields version } error { field code message } } } }";

const HISTORY: &str = "query($id: ID!) { partner(id: $id) { version history(first: 20) { totalCount edges { node { action actorKind actorId changes } } } } }";

async fn import(app: &TestApp, credential: &str, match_on: &str, rows: Value) -> Value {
    app.query_as(
        credential,
        IMPORT,
        json!({ "input": { "rows": rows, "matchOn": match_on } }),
    )
    .await
}

/// The results of a successful call (panics on a top-level error).
fn results(body: &Value) -> Vec<Value> {
    body["data"]["importPartners"]["results"]
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

async fn total_partners(app: &TestApp, session: &Session) -> i64 {
    let listed = app
        .query_as(
            &session.access_token,
            "{ partners(filter: { includeArchived: true }) { totalCount } }",
            json!({}),
        )
        .await;
    listed["data"]["partners"]["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("{listed}"))
}

async fn history(app: &TestApp, session: &Session, id: &Value) -> Value {
    let body = app
        .query_as(&session.access_token, HISTORY, json!({ "id": id }))
        .await;
    body["data"]["partner"].clone()
}

fn crm_rows() -> Value {
    json!([
        {
            "externalId": "crm-1", "name": "Globex", "domain": "https://www.Globex.com/about",
            "type": "Reseller", "status": "active", "stage": "legal_negotiation", "category": "solution",
            "industry": "Manufacturing", "employees": 1200, "regions": ["EMEA", "NA"],
            "tags": [{ "category": "services", "value": "Migration" }],
            "companyRevenue": { "amountMinor": "250000000", "currency": "EUR" }
        },
        { "externalId": "crm-2", "name": "Initech", "type": "REFERRAL" },
        { "externalId": " crm-3 ", "name": "Umbrella", "type": "technology", "stage": "ACTIVE", "description": "Biotech." }
    ])
}

async fn an_import_creates_partners_and_a_second_run_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let key = admin_key(&app, &owner).await;

    let first = import(&app, &key, "EXTERNAL_ID", crm_rows()).await;
    assert_eq!(outcomes(&first), ["CREATED"; 3], "{first}");
    assert_eq!(first["data"]["importPartners"]["created"], 3);
    let rows = results(&first);
    assert_eq!(
        rows.iter().map(|r| r["row"].clone()).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    let globex = &rows[0]["partner"];
    assert_eq!(globex["domain"], "globex.com");
    assert_eq!(globex["type"], "RESELLER");
    assert_eq!(globex["stage"], "LEGAL_NEGOTIATION");
    assert_eq!(globex["category"], "SOLUTION");
    assert_eq!(globex["status"], "ACTIVE");
    assert_eq!(
        globex["tags"],
        json!([{ "category": "SERVICES", "value": "Migration" }])
    );
    assert_eq!(
        globex["overriddenFields"],
        json!([]),
        "imports add no overrides"
    );
    assert_eq!(globex["version"], 1);
    assert_eq!(
        rows[1]["partner"]["stage"], "PROSPECT",
        "defaults for new partners"
    );
    assert_eq!(rows[2]["partner"]["externalId"], "crm-3", "trimmed");

    let audited = history(&app, &owner, &globex["id"]).await;
    let entry = &audited["history"]["edges"][0]["node"];
    assert_eq!(entry["action"], "create");
    assert_eq!(entry["actorKind"], "API_KEY", "{audited}");
    assert_eq!(entry["changes"]["stage"]["after"], "legal_negotiation");

    let again = import(&app, &key, "EXTERNAL_ID", crm_rows()).await;
    assert_eq!(outcomes(&again), ["UNCHANGED"; 3], "{again}");
    for (before, after) in rows.iter().zip(results(&again)) {
        assert_eq!(
            before["partner"], after["partner"],
            "an unchanged row reports the partner as it is"
        );
    }
    for row in &rows {
        let audited = history(&app, &owner, &row["partner"]["id"]).await;
        assert_eq!(audited["version"], 1, "no version bump");
        assert_eq!(audited["history"]["totalCount"], 1, "no new audit entry");
    }
    assert_eq!(total_partners(&app, &owner).await, 3);
}

async fn imports_update_partners_matched_by_external_id_or_domain(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let token = owner.access_token.clone();
    let created = import(&app, &token, "EXTERNAL_ID", crm_rows()).await;
    let globex_id = results(&created)[0]["partner"]["id"].clone();

    let by_id = import(
        &app,
        &token,
        "EXTERNAL_ID",
        json!([{ "externalId": "crm-1", "stage": "SIGNED", "industry": null, "regions": null }]),
    )
    .await;
    assert_eq!(outcomes(&by_id), ["UPDATED"], "{by_id}");
    let partner = &results(&by_id)[0]["partner"];
    assert_eq!(partner["id"], globex_id);
    assert_eq!(partner["version"], 2);
    assert_eq!(partner["stage"], "SIGNED");
    assert_eq!(partner["industry"], Value::Null, "null clears");
    assert_eq!(partner["regions"], json!([]), "null empties a list");
    assert_eq!(partner["name"], "Globex", "omitted fields are left alone");
    assert_eq!(partner["employees"], 1200);
    let audited = history(&app, &owner, &globex_id).await;
    let update = &audited["history"]["edges"][1]["node"];
    assert_eq!(update["action"], "update");
    assert_eq!(update["actorKind"], "USER");
    assert_eq!(update["actorId"], owner.user_id.as_str());
    assert_eq!(
        update["changes"],
        json!({
            "stage": { "before": "legal_negotiation", "after": "signed" },
            "industry": { "before": "Manufacturing", "after": null },
            "regions": { "before": ["EMEA", "NA"], "after": [] },
        })
    );

    // A partner made by hand has no externalId: matching on domain links it.
    let by_hand = app
        .query_as(&token, "mutation { createPartner(input: { name: \"Hooli\", type: TECHNOLOGY, domain: \"hooli.xyz\" }) { partner { id } } }", json!({}))
        .await;
    let hooli_id = by_hand["data"]["createPartner"]["partner"]["id"].clone();
    let by_domain = import(
        &app,
        &token,
        "DOMAIN",
        json!([
            { "domain": "WWW.GLOBEX.COM", "stage": "enabled" },
            { "domain": "hooli.xyz", "externalId": "crm-9", "employees": 50 },
            { "domain": "new.example", "name": "Newco", "type": "channel" },
            { "domain": "globex.com", "stage": "enabled" },
        ]),
    )
    .await;
    assert_eq!(
        outcomes(&by_domain),
        ["UPDATED", "UPDATED", "CREATED", "FAILED"],
        "{by_domain}"
    );
    let rows = results(&by_domain);
    assert_eq!(rows[0]["partner"]["id"], globex_id);
    assert_eq!(rows[0]["partner"]["stage"], "ENABLED");
    assert_eq!(rows[1]["partner"]["id"], hooli_id);
    assert_eq!(rows[1]["partner"]["externalId"], "crm-9");
    assert_eq!(rows[2]["partner"]["domain"], "new.example");
    assert_eq!(rows[3]["error"]["field"], "rows[3].domain");
    assert_eq!(
        rows[3]["error"]["code"], "CONFLICT",
        "a key appears once per call"
    );

    let relink = import(
        &app,
        &token,
        "DOMAIN",
        json!([{ "domain": "globex.com", "externalId": "crm-other" }]),
    )
    .await;
    assert_eq!(
        results(&relink)[0]["error"]["field"],
        "rows[0].externalId",
        "{relink}"
    );
    assert_eq!(total_partners(&app, &owner).await, 5);
}

async fn imports_leave_overridden_fields_alone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let token = owner.access_token.clone();
    let created = import(&app, &token, "EXTERNAL_ID", crm_rows()).await;
    let id = results(&created)[0]["partner"]["id"].clone();
    let edited = app
        .query_as(&token, "mutation($id: ID!) { updatePartner(input: { id: $id, expectedVersion: 1, patch: { stage: ACTIVE, name: \"Globex (EMEA)\" } }) { partner { overriddenFields version } } }", json!({ "id": id }))
        .await;
    assert_eq!(
        edited["data"]["updatePartner"]["partner"]["overriddenFields"],
        json!(["NAME", "STAGE"]),
        "{edited}"
    );

    let synced = import(
        &app,
        &token,
        "EXTERNAL_ID",
        json!([{ "externalId": "crm-1", "name": "Globex", "stage": "prospect", "industry": "Retail" }]),
    )
    .await;
    assert_eq!(outcomes(&synced), ["UPDATED"], "{synced}");
    let partner = &results(&synced)[0]["partner"];
    assert_eq!(partner["name"], "Globex (EMEA)", "overridden: kept");
    assert_eq!(partner["stage"], "ACTIVE", "overridden: kept");
    assert_eq!(partner["industry"], "Retail", "not overridden: imported");
    assert_eq!(partner["overriddenFields"], json!(["NAME", "STAGE"]));
    assert_eq!(partner["version"], 3);
    let audited = history(&app, &owner, &id).await;
    assert_eq!(
        audited["history"]["edges"][2]["node"]["changes"],
        json!({ "industry": { "before": "Manufacturing", "after": "Retail" } })
    );

    let only_overridden = import(
        &app,
        &token,
        "EXTERNAL_ID",
        json!([{ "externalId": "crm-1", "stage": "rejected", "name": "Globex Corp" }]),
    )
    .await;
    assert_eq!(
        outcomes(&only_overridden),
        ["UNCHANGED"],
        "{only_overridden}"
    );
    assert_eq!(history(&app, &owner, &id).await["version"], 3);
}

async fn a_bad_row_fails_alone_and_names_its_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let token = owner.access_token.clone();
    let created = import(
        &app,
        &token,
        "EXTERNAL_ID",
        json!([{ "externalId": "crm-0", "name": "Existing", "type": "RESELLER", "domain": "existing.com" }]),
    )
    .await;
    let existing_id = results(&created)[0]["partner"]["id"].clone();

    let batch = import(
        &app,
        &token,
        "EXTERNAL_ID",
        json!([
            { "externalId": "ok-1", "name": "Good One", "type": "reseller" },
            { "externalId": "bad-1", "name": "Friend", "type": "FRIEND" },
            { "externalId": "bad-2", "name": "Bad Domain", "type": "reseller", "domain": "not a domain" },
            { "externalId": "bad-3", "name": "Negative", "type": "reseller", "employees": -5 },
            { "externalId": "crm-0", "stage": "signed", "status": "dormant" },
            { "externalId": "bad-5", "name": "Tagged", "type": "reseller", "tags": [{ "category": "colours", "value": "Blue" }] },
            { "name": "No Key", "type": "reseller" },
            { "externalId": "bad-7", "name": "  ", "type": "reseller" },
            { "externalId": "bad-8", "name": "Taken", "type": "reseller", "domain": "existing.com" },
            { "externalId": "bad-9", "name": "Pricey", "type": "reseller", "companyRevenue": { "amountMinor": "5", "currency": "dollars" } },
            { "externalId": "ok-1", "name": "Good One Again", "type": "reseller" },
            { "externalId": "ok-2", "name": "Good Two", "type": "referral", "stage": "Qualified" },
        ]),
    )
    .await;
    let rows = results(&batch);
    let expected = [
        (None, None),
        (Some("rows[1].type"), Some("BAD_USER_INPUT")),
        (Some("rows[2].domain"), Some("BAD_USER_INPUT")),
        (Some("rows[3].employees"), Some("BAD_USER_INPUT")),
        (Some("rows[4].status"), Some("BAD_USER_INPUT")),
        (Some("rows[5].tags[0].category"), Some("BAD_USER_INPUT")),
        (Some("rows[6].externalId"), Some("BAD_USER_INPUT")),
        (Some("rows[7].name"), Some("BAD_USER_INPUT")),
        (Some("rows[8].domain"), Some("CONFLICT")),
        (
            Some("rows[9].companyRevenue.currency"),
            Some("BAD_USER_INPUT"),
        ),
        (Some("rows[10].externalId"), Some("CONFLICT")),
        (None, None),
    ];
    for (i, (row, (field, code))) in rows.iter().zip(expected).enumerate() {
        assert_eq!(row["row"], i);
        assert_eq!(row["error"]["field"].as_str(), field, "row {i}: {row}");
        assert_eq!(row["error"]["code"].as_str(), code, "row {i}: {row}");
        if field.is_some() {
            assert_eq!(row["outcome"], "FAILED", "row {i}: {row}");
            assert_eq!(row["partner"], Value::Null);
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
    let message = rows[1]["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("FRIEND") && message.contains("RESELLER"),
        "the message names the value and the known ones: {message}"
    );
    let summary = &batch["data"]["importPartners"];
    assert_eq!(
        (summary["created"].clone(), summary["failed"].clone()),
        (json!(2), json!(10))
    );
    assert_eq!(
        total_partners(&app, &owner).await,
        3,
        "only the good rows landed"
    );
    let untouched = history(&app, &owner, &existing_id).await;
    assert_eq!(untouched["version"], 1, "a failed update writes nothing");
    assert_eq!(untouched["history"]["totalCount"], 1);
    let read = app
        .query_as(
            &token,
            "query($id: ID!) { partner(id: $id) { stage } }",
            json!({ "id": existing_id }),
        )
        .await;
    assert_eq!(
        read["data"]["partner"]["stage"], "PROSPECT",
        "no partial write"
    );
}

async fn more_than_a_thousand_rows_are_refused_with_nothing_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let rows: Vec<Value> = (0..1_001)
        .map(|i| json!({ "externalId": format!("crm-{i}"), "name": format!("P{i}"), "type": "reseller" }))
        .collect();
    let body = import(&app, &owner.access_token, "EXTERNAL_ID", json!(rows)).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "input.rows");
    assert_eq!(total_partners(&app, &owner).await, 0);
}

async fn viewers_cannot_import(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let viewer = app.invited(&owner, "vic@acme.io", "VIEWER").await;
    let body = import(
        &app,
        &viewer.access_token,
        "EXTERNAL_ID",
        json!([{ "externalId": "crm-1", "name": "Globex", "type": "reseller" }]),
    )
    .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    assert_eq!(total_partners(&app, &owner).await, 0);
    let anonymous = app
        .query_with(
            IMPORT,
            json!({ "input": { "rows": [], "matchOn": "DOMAIN" } }),
        )
        .await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
}

async fn an_import_never_matches_or_reveals_another_organisations_partner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let a = app.signed_up("ana@acme.io").await;
    let b = app.signed_up("bo@globex.com").await;
    let a_rows = json!([{ "externalId": "crm-1", "name": "Initech Secret", "type": "reseller", "domain": "initech.com", "industry": "A's industry" }]);
    let a_partner = results(&import(&app, &a.access_token, "EXTERNAL_ID", a_rows.clone()).await)[0]
        ["partner"]
        .clone();

    for (match_on, row) in [
        (
            "EXTERNAL_ID",
            json!({ "externalId": "crm-1", "name": "B's Initech", "type": "referral", "domain": "initech.com" }),
        ),
        (
            "DOMAIN",
            json!({ "domain": "initech.com", "externalId": "crm-2", "name": "B's Initech", "type": "referral" }),
        ),
    ] {
        let body = import(&app, &b.access_token, match_on, json!([row])).await;
        assert_eq!(outcomes(&body), ["CREATED"], "{match_on}: {body}");
        let text = body.to_string();
        assert!(
            !text.contains("Initech Secret") && !text.contains("A's industry"),
            "{text}"
        );
        let created = &results(&body)[0]["partner"];
        assert_ne!(created["id"], a_partner["id"]);
        assert_eq!(created["version"], 1);
        // Remove B's partner so that the next match kind starts from an empty B again.
        app.query_as(
            &b.access_token,
            "mutation($id: ID!) { deletePartner(input: { id: $id }) { deletedPartnerId } }",
            json!({ "id": created["id"] }),
        )
        .await;
    }
    let again = import(&app, &a.access_token, "EXTERNAL_ID", a_rows).await;
    assert_eq!(
        outcomes(&again),
        ["UNCHANGED"],
        "A's partner is untouched: {again}"
    );
    let audited = history(&app, &a, &a_partner["id"]).await;
    assert_eq!(audited["version"], 1);
    assert_eq!(audited["history"]["totalCount"], 1);
    assert_eq!(total_partners(&app, &a).await, 1);
}

on_both_backends!(
    an_import_creates_partners_and_a_second_run_changes_nothing,
    imports_update_partners_matched_by_external_id_or_domain,
    imports_leave_overridden_fields_alone,
    a_bad_row_fails_alone_and_names_its_field,
    more_than_a_thousand_rows_are_refused_with_nothing_written,
    viewers_cannot_import,
    an_import_never_matches_or_reveals_another_organisations_partner,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_benchmark_runs() {
    use clap::Parser;
    let cli = partnergraph_api::Cli::try_parse_from([
        "partnergraph",
        "bench",
        "import-partners",
        "--rows",
        "20",
    ])
    .expect("valid");
    partnergraph_api::cli::run(cli, Default::default())
        .await
        .expect("benchmark ran");
}
