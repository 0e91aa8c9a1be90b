//! Partner profiles over GraphQL: every field group, versioned updates and overrides, bad
//! input, archive and delete, history.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use partnergraph_api::graphql::node::{NodeKind, encode_uuid};
use partnergraph_persistence::run;
use partnergraph_persistence::schema::{partners, program_tiers};
use partnergraph_persistence::types::DbUuid;
use partnergraph_tests::{Backend, Session, TestApp, error_code, node_strings, on_both_backends};
use serde_json::{Value, json};

const FIELDS: &str = "id name externalId domain logoUrl industry description employees companyRevenue { amountMinor currency amount } regions languages services products type subtype category tierSource tags { category value } status stage partnerManager { email } keyStakeholders { name role email } jointValueProposition executiveSummary annualRevenueTarget { amountMinor currency } fitScore healthScore fourC { capacity capability commitment customerAlignment } keyStrengths { label } aiSummary jointPlan { annualRevenueTarget { amount currency } quarterlyWeights { q1 q2 q3 q4 } items { kind name description url } } overriddenFields version archivedAt createdAt updatedAt";

fn create_doc() -> String {
    format!(
        "mutation($input: CreatePartnerInput!) {{ createPartner(input: $input) {{ partner {{ {FIELDS} }} }} }}"
    )
}

fn update_doc() -> String {
    format!(
        "mutation($input: UpdatePartnerInput!) {{ updatePartner(input: $input) {{ partner {{ {FIELDS} }} }} }}"
    )
}

fn field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

async fn create(app: &TestApp, session: &Session, input: Value) -> Value {
    app.query_as(
        &session.access_token,
        &create_doc(),
        json!({ "input": input }),
    )
    .await
}

async fn created(app: &TestApp, session: &Session, input: Value) -> Value {
    let body = create(app, session, input).await;
    body["data"]["createPartner"]["partner"]
        .clone()
        .as_object()
        .map(|_| body["data"]["createPartner"]["partner"].clone())
        .unwrap_or_else(|| panic!("create failed: {body}"))
}

fn full_input(manager_id: &str) -> Value {
    json!({
        "externalId": "crm-001",
        "name": "  Globex Consulting ",
        "type": "CONSULTING",
        "domain": "https://www.Globex.com/partners",
        "logoUrl": "https://cdn.globex.com/logo.png",
        "industry": "Manufacturing",
        "description": "Implementation partner\nfor EMEA.",
        "employees": 1200,
        "companyRevenue": { "amountMinor": "250000000000", "currency": "eur" },
        "regions": ["EMEA", "emea", " NA "],
        "languages": ["en", "de"],
        "services": ["Implementation"],
        "products": ["Analytics"],
        "subtype": "Boutique SI",
        "category": "SOLUTION",
        "tags": [{ "category": "REGIONS", "value": "DACH" }, { "category": "SERVICES", "value": "Migration" }],
        "status": "ACTIVE",
        "stage": "LEGAL_NEGOTIATION",
        "partnerManagerId": manager_id,
        "keyStakeholders": [{ "name": "Hank Scorpio", "role": "CEO", "email": "Hank@Globex.com" }],
        "jointValueProposition": "Faster time to value.",
        "executiveSummary": "A strong EMEA partner.",
        "annualRevenueTarget": { "amountMinor": "100000000", "currency": "EUR" },
        "quarterlyWeights": { "q1": 10, "q2": 20, "q3": 30, "q4": 40 },
        "jointPlanItems": [{ "kind": "INTEGRATION", "name": "SAP connector", "url": "https://globex.com/sap" }]
    })
}

async fn a_partner_keeps_every_field_group(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let p = created(&app, &owner, full_input(&owner.user_id)).await;
    assert_eq!(p["name"], "Globex Consulting");
    assert_eq!(p["domain"], "globex.com");
    assert_eq!(p["type"], "CONSULTING");
    assert_eq!(p["companyRevenue"]["amount"], "2500000000.00");
    assert_eq!(p["companyRevenue"]["currency"], "EUR");
    assert_eq!(
        p["regions"],
        json!(["EMEA", "NA"]),
        "trimmed, case-insensitive duplicates dropped"
    );
    assert_eq!(p["tags"].as_array().map(Vec::len), Some(2));
    assert_eq!(p["stage"], "LEGAL_NEGOTIATION");
    assert_eq!(p["partnerManager"]["email"], "ana@acme.io");
    assert_eq!(p["keyStakeholders"][0]["email"], "hank@globex.com");
    assert_eq!(
        p["jointPlan"]["quarterlyWeights"],
        json!({ "q1": 10, "q2": 20, "q3": 30, "q4": 40 })
    );
    assert_eq!(p["jointPlan"]["items"][0]["kind"], "INTEGRATION");
    assert_eq!(p["annualRevenueTarget"]["currency"], "EUR");
    assert_eq!(
        p["fitScore"],
        Value::Null,
        "insights are empty until analysed"
    );
    assert_eq!(p["fourC"]["capacity"], Value::Null);
    assert_eq!(p["version"], 1);
    assert_eq!(p["overriddenFields"], json!([]));

    let id = p["id"].as_str().expect("id");
    let read = app
        .query_as(&owner.access_token, &format!("query($id: ID!) {{ partner(id: $id) {{ {FIELDS} }} node(id: $id) {{ id ... on Partner {{ name }} }} }}"), json!({ "id": id }))
        .await;
    assert_eq!(
        read["data"]["partner"], p,
        "what was written is what is read"
    );
    assert_eq!(read["data"]["node"]["name"], "Globex Consulting");

    let minimal = created(
        &app,
        &owner,
        json!({ "name": "Initech", "type": "REFERRAL" }),
    )
    .await;
    assert_eq!(
        (minimal["status"].as_str(), minimal["stage"].as_str()),
        (Some("PENDING"), Some("PROSPECT"))
    );
}

async fn updates_need_the_current_version_and_record_overrides(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let p = created(&app, &owner, full_input(&owner.user_id)).await;
    let id = p["id"].as_str().expect("id");
    let doc = update_doc();
    let update = |version: i64, patch: Value| {
        app.query_as(
            &owner.access_token,
            &doc,
            json!({ "input": { "id": id, "expectedVersion": version, "patch": patch } }),
        )
    };
    let updated = update(
        1,
        json!({ "stage": "SIGNED", "industry": null, "regions": ["APAC"] }),
    )
    .await;
    let partner = &updated["data"]["updatePartner"]["partner"];
    assert_eq!(partner["version"], 2, "{updated}");
    assert_eq!(partner["stage"], "SIGNED");
    assert_eq!(partner["industry"], Value::Null, "null clears");
    assert_eq!(
        partner["description"], p["description"],
        "omitted fields are left alone"
    );
    assert_eq!(partner["regions"], json!(["APAC"]));
    assert_eq!(
        partner["overriddenFields"],
        json!(["INDUSTRY", "REGIONS", "STAGE"])
    );

    let stale = update(1, json!({ "name": "Lost update" })).await;
    assert_eq!(error_code(&stale), Some("CONFLICT"), "{stale}");
    let unchanged = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { partner(id: $id) { name version } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        unchanged["data"]["partner"],
        json!({ "name": "Globex Consulting", "version": 2 })
    );

    let cleared = app
        .query_as(&owner.access_token, "mutation($id: ID!) { clearPartnerOverride(input: { id: $id, field: STAGE }) { partner { overriddenFields version } } }", json!({ "id": id }))
        .await;
    assert_eq!(
        cleared["data"]["clearPartnerOverride"]["partner"]["overriddenFields"],
        json!(["INDUSTRY", "REGIONS"]),
        "{cleared}"
    );
    assert_eq!(
        cleared["data"]["clearPartnerOverride"]["partner"]["version"],
        3
    );
}

async fn bad_partner_input_names_the_field_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let other_org = app.signed_up("eve@globex.com").await;
    let cases = [
        (
            json!({ "name": "A", "type": "RESELLER", "domain": "not a domain" }),
            "input.domain",
        ),
        (json!({ "name": " ", "type": "RESELLER" }), "input.name"),
        (
            json!({ "name": "n".repeat(201), "type": "RESELLER" }),
            "input.name",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "companyRevenue": { "amountMinor": "-1", "currency": "USD" } }),
            "input.companyRevenue",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "annualRevenueTarget": { "amountMinor": "100", "currency": "dollars" } }),
            "input.annualRevenueTarget.currency",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "quarterlyWeights": { "q1": 25, "q2": 25, "q3": 25, "q4": 20 } }),
            "input.quarterlyWeights",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "partnerManagerId": other_org.user_id }),
            "input.partnerManagerId",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "logoUrl": "ftp://x" }),
            "input.logoUrl",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "employees": -5 }),
            "input.employees",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "fitScore": 101 }),
            "input.fitScore",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "keyStakeholders": [{ "name": "B", "email": "nope" }] }),
            "input.keyStakeholders[0]",
        ),
        (
            json!({ "name": "A", "type": "RESELLER", "tags": [{ "category": "REGIONS", "value": "  " }] }),
            "input.tags[0].value",
        ),
    ];
    for (input, expected) in cases {
        let body = create(&app, &owner, input.clone()).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{input}: {body}");
        assert_eq!(field(&body), Some(expected), "{input}: {body}");
    }
    let unknown_enum = create(&app, &owner, json!({ "name": "A", "type": "FRIEND" })).await;
    assert!(error_code(&unknown_enum).is_some(), "{unknown_enum}");
    let listed = app
        .query_as(
            &owner.access_token,
            "{ partners { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["partners"]["totalCount"], 0,
        "nothing was written: {listed}"
    );

    created(
        &app,
        &owner,
        json!({ "name": "Globex", "type": "RESELLER", "domain": "globex.com" }),
    )
    .await;
    let duplicate = create(
        &app,
        &owner,
        json!({ "name": "Globex 2", "type": "RESELLER", "domain": "www.globex.com" }),
    )
    .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"), "{duplicate}");
    let other_org_same_domain = create(
        &app,
        &other_org,
        json!({ "name": "Globex", "type": "RESELLER", "domain": "globex.com" }),
    )
    .await;
    assert!(
        other_org_same_domain["data"]["createPartner"].is_object(),
        "domains are unique per organisation only: {other_org_same_domain}"
    );
}

async fn roles_decide_who_writes_and_deletes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let viewer = app.invited(&owner, "vic@acme.io", "VIEWER").await;
    let member = app.invited(&owner, "mo@acme.io", "MEMBER").await;
    let by_viewer = create(&app, &viewer, json!({ "name": "A", "type": "RESELLER" })).await;
    assert_eq!(error_code(&by_viewer), Some("FORBIDDEN"), "{by_viewer}");
    let p = created(&app, &member, json!({ "name": "A", "type": "RESELLER" })).await;
    let id = p["id"].as_str().expect("id");
    let readable = app
        .query_as(
            &viewer.access_token,
            "query($id: ID!) { partner(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(readable["data"]["partner"]["name"], "A");
    let delete = "mutation($id: ID!) { deletePartner(input: { id: $id }) { deletedPartnerId } }";
    let by_member = app
        .query_as(&member.access_token, delete, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&by_member), Some("FORBIDDEN"), "{by_member}");
    let by_owner = app
        .query_as(&owner.access_token, delete, json!({ "id": id }))
        .await;
    assert_eq!(
        by_owner["data"]["deletePartner"]["deletedPartnerId"], id,
        "{by_owner}"
    );
    let gone = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { partner(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"));
}

async fn archived_partners_leave_the_list_until_restored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    for name in ["One", "Two", "Three"] {
        created(&app, &owner, json!({ "name": name, "type": "RESELLER" })).await;
    }
    let list = "query($after: String, $all: Boolean) { partners(first: 2, after: $after, filter: { includeArchived: $all }, orderBy: [{ field: CREATED_AT }]) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }";
    let first = app.query_as(&owner.access_token, list, json!({})).await;
    assert_eq!(first["data"]["partners"]["totalCount"], 3, "{first}");
    let names = node_strings(&first["data"]["partners"], "name");
    assert_eq!(names, ["One", "Two"]);
    let next = app
        .query_as(
            &owner.access_token,
            list,
            json!({ "after": first["data"]["partners"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        next["data"]["partners"]["edges"][0]["node"]["name"],
        "Three"
    );

    let two = first["data"]["partners"]["edges"][1]["node"]["id"]
        .as_str()
        .expect("id");
    let archive = "mutation($id: ID!, $archived: Boolean!) { archivePartner(input: { id: $id, archived: $archived }) { partner { archivedAt version } } }";
    let archived = app
        .query_as(
            &owner.access_token,
            archive,
            json!({ "id": two, "archived": true }),
        )
        .await;
    assert!(
        archived["data"]["archivePartner"]["partner"]["archivedAt"].is_string(),
        "{archived}"
    );
    let without = app.query_as(&owner.access_token, list, json!({})).await;
    assert_eq!(without["data"]["partners"]["totalCount"], 2);
    let with = app
        .query_as(&owner.access_token, list, json!({ "all": true }))
        .await;
    assert_eq!(with["data"]["partners"]["totalCount"], 3);
    let restored = app
        .query_as(
            &owner.access_token,
            archive,
            json!({ "id": two, "archived": false }),
        )
        .await;
    assert_eq!(
        restored["data"]["archivePartner"]["partner"]["archivedAt"],
        Value::Null
    );
}

async fn history_records_who_changed_which_fields(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let p = created(
        &app,
        &owner,
        json!({ "name": "Globex", "type": "RESELLER" }),
    )
    .await;
    let id = p["id"].as_str().expect("id");
    app.query_as(
        &owner.access_token,
        &update_doc(),
        json!({ "input": { "id": id, "expectedVersion": 1, "patch": { "stage": "ACTIVE" } } }),
    )
    .await;
    let history = app
        .query_as(&owner.access_token, "query($id: ID!) { partner(id: $id) { history(first: 10) { totalCount edges { node { action actorKind actorId changes createdAt } } } } }", json!({ "id": id }))
        .await;
    let entries = &history["data"]["partner"]["history"];
    assert_eq!(entries["totalCount"], 2, "{history}");
    let created_entry = &entries["edges"][0]["node"];
    assert_eq!(created_entry["action"], "create");
    assert_eq!(created_entry["actorKind"], "USER");
    assert_eq!(created_entry["actorId"], owner.user_id.as_str());
    assert_eq!(created_entry["changes"]["name"]["after"], "Globex");
    let update_entry = &entries["edges"][1]["node"];
    assert_eq!(update_entry["action"], "update");
    assert_eq!(
        update_entry["changes"],
        json!({ "stage": { "before": "prospect", "after": "active" } })
    );
}

on_both_backends!(
    a_partner_keeps_every_field_group,
    updates_need_the_current_version_and_record_overrides,
    bad_partner_input_names_the_field_and_writes_nothing,
    roles_decide_who_writes_and_deletes,
    archived_partners_leave_the_list_until_restored,
    history_records_who_changed_which_fields,
);

async fn a_page_costs_the_same_statements_whatever_its_size(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let add_contact = "mutation($input: AddPartnerContactInput!) { addPartnerContact(input: $input) { contact { id } } }";
    // With the default program every reseller holds a tier (Registered, with no deals).
    let seeded = app
        .query_as(
            &owner.access_token,
            "mutation { seedDefaultProgram { program { segments { id } } } }",
            json!({}),
        )
        .await;
    assert!(seeded["errors"].is_null(), "{seeded}");
    for i in 0..50 {
        let partner = created(
            &app,
            &owner,
            json!({
                "name": format!("Partner {i:02}"),
                "type": "RESELLER",
                "regions": ["EMEA", format!("R{i}")],
                "tags": [{ "category": "SERVICES", "value": format!("S{}", i % 3) }],
                "partnerManagerId": owner.user_id,
            }),
        )
        .await;
        let added = app
            .query_as(
                &owner.access_token,
                add_contact,
                json!({ "input": { "partnerId": partner["id"], "name": format!("Contact {i:02}"), "makePrimary": true } }),
            )
            .await;
        assert!(added["data"]["addPartnerContact"].is_object(), "{added}");
    }
    let page = "query($first: Int!) { partners(first: $first) { totalCount edges { node { name tags { category value } partnerManager { email } primaryContact { name } tier { name color } pipeline { amountMinor } revenue { amountMinor } productRevenue { amountMinor } activeDeals closedDeals customers } } } }";
    let mut counts = Vec::new();
    for size in [5, 50] {
        let before = app.db.statements_executed();
        let body = app
            .query_as(&owner.access_token, page, json!({ "first": size }))
            .await;
        let statements = app.db.statements_executed() - before;
        let edges = body["data"]["partners"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(edges.len(), size, "{body}");
        assert_eq!(body["data"]["partners"]["totalCount"], 50, "{body}");
        let last = &edges[size - 1]["node"];
        assert_eq!(last["partnerManager"]["email"], "ana@acme.io");
        assert_eq!(
            last["primaryContact"]["name"],
            format!("Contact {:02}", size - 1)
        );
        assert_eq!(last["tags"].as_array().map(Vec::len), Some(1));
        assert_eq!(last["tier"]["name"], "Registered", "{body}");
        counts.push(statements);
    }
    // authentication, the default-view lookup, the page (primary contacts joined in), its
    // count, tags, partner managers
    assert_eq!(
        counts[0], counts[1],
        "statements grow with the page size: {counts:?}"
    );
    assert!(counts[1] <= 6, "a page costs {} statements", counts[1]);
    // Sorting by tier joins the tiers into the page statement: no statement of its own.
    let before = app.db.statements_executed();
    let by_tier = app
        .query_as(
            &owner.access_token,
            "query($first: Int!) { partners(first: $first, orderBy: [{ field: TIER }]) { totalCount edges { node { name tags { category value } partnerManager { email } primaryContact { name } } } } }",
            json!({ "first": 50 }),
        )
        .await;
    assert_eq!(
        by_tier["data"]["partners"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(50),
        "{by_tier}"
    );
    assert_eq!(
        app.db.statements_executed() - before,
        counts[1],
        "a tier-sorted page costs what a name-sorted page costs"
    );
    let before = app.db.statements_executed();
    app.query_as(&owner.access_token, "{ partners(first: 50) { edges { node { name tags { value } partnerManager { email } primaryContact { name } } } } }", json!({}))
        .await;
    assert_eq!(
        app.db.statements_executed() - before,
        counts[1] - 1,
        "no count unless totalCount is asked for"
    );
}

on_both_backends!(a_page_costs_the_same_statements_whatever_its_size);

async fn the_partners_table_filters_and_sorts_with_stable_cursors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let rows = [
        (
            "Globex",
            "RESELLER",
            "ACTIVE",
            Some(80),
            500,
            "Migration",
            "EMEA",
            "globex.com",
        ),
        (
            "Initech",
            "REFERRAL",
            "ACTIVE",
            Some(40),
            50,
            "Support",
            "NA",
            "initech.com",
        ),
        (
            "Umbrella",
            "RESELLER",
            "PROSPECT",
            None,
            5000,
            "Migration",
            "APAC",
            "umbrella.com",
        ),
        (
            "Hooli",
            "TECHNOLOGY",
            "ACTIVE",
            Some(60),
            20000,
            "Support",
            "EMEA",
            "hooli.xyz",
        ),
        (
            "Percent%Co",
            "CONSULTING",
            "SIGNED",
            Some(10),
            5,
            "Support",
            "NA",
            "pct.com",
        ),
    ];
    for (name, partner_type, stage, fit, employees, service_tag, region, domain) in rows {
        created(
            &app,
            &owner,
            json!({
                "name": name, "type": partner_type, "stage": stage, "fitScore": fit, "employees": employees,
                "tags": [{ "category": "SERVICES", "value": service_tag }], "regions": [region], "domain": domain,
            }),
        )
        .await;
    }
    let list = "query($filter: PartnerFilterInput, $order: [PartnerOrder!], $first: Int, $after: String, $last: Int, $before: String) { partners(filter: $filter, orderBy: $order, first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } edges { node { name fitScore } } } }";
    let names = |body: &Value| node_strings(&body["data"]["partners"], "name");
    let query = |variables: Value| app.query_as(&owner.access_token, list, variables);

    let by_name = query(json!({})).await;
    assert_eq!(
        names(&by_name),
        ["Globex", "Hooli", "Initech", "Percent%Co", "Umbrella"],
        "name ascending by default"
    );
    for (filter, expected) in [
        (
            json!({ "types": ["RESELLER", "REFERRAL"] }),
            vec!["Globex", "Initech", "Umbrella"],
        ),
        (
            json!({ "types": ["RESELLER", "REFERRAL"], "stages": ["ACTIVE"] }),
            vec!["Globex", "Initech"],
        ),
        (
            json!({ "tags": [{ "category": "SERVICES", "values": ["Migration"] }] }),
            vec!["Globex", "Umbrella"],
        ),
        (
            json!({ "regions": ["EMEA", "NA"] }),
            vec!["Globex", "Hooli", "Initech", "Percent%Co"],
        ),
        (json!({ "search": "GLOB" }), vec!["Globex"]),
        (json!({ "search": ".xyz" }), vec!["Hooli"]),
        (json!({ "search": "%" }), vec!["Percent%Co"]),
        (
            json!({ "fitScore": { "gte": 50 } }),
            vec!["Globex", "Hooli"],
        ),
        (
            json!({ "fitScore": { "between": [10, 40] } }),
            vec!["Initech", "Percent%Co"],
        ),
        (
            json!({ "employees": { "lte": 500 }, "stages": ["ACTIVE", "SIGNED"] }),
            vec!["Globex", "Initech", "Percent%Co"],
        ),
    ] {
        let body = query(json!({ "filter": filter })).await;
        assert_eq!(names(&body), expected, "{filter}");
        assert_eq!(
            body["data"]["partners"]["totalCount"],
            expected.len(),
            "{filter}"
        );
    }

    let by_fit = query(json!({ "order": [{ "field": "FIT_SCORE", "direction": "DESC" }] })).await;
    assert_eq!(
        names(&by_fit),
        ["Globex", "Hooli", "Initech", "Percent%Co", "Umbrella"],
        "unscored last descending"
    );
    let by_stage = query(json!({ "order": [{ "field": "STAGE" }] })).await;
    assert_eq!(
        names(&by_stage)[0],
        "Umbrella",
        "prospect comes first in the lifecycle"
    );

    // Paging through a sort visits every partner once, in order, forwards and backwards.
    let order = json!([{ "field": "FIT_SCORE", "direction": "DESC" }]);
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = query(json!({ "order": order, "first": 2, "after": after })).await;
        seen.extend(names(&page));
        if page["data"]["partners"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["data"]["partners"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, names(&by_fit));
    let last_two = query(json!({ "order": order, "last": 2 })).await;
    assert_eq!(names(&last_two), ["Percent%Co", "Umbrella"]);
    let before = query(json!({ "order": order, "last": 2, "before": last_two["data"]["partners"]["pageInfo"]["startCursor"] })).await;
    assert_eq!(names(&before), ["Hooli", "Initech"]);

    // Bad filters and foreign cursors name the field.
    let foreign = query(json!({ "order": [{ "field": "NAME" }], "first": 2, "after": by_fit["data"]["partners"]["pageInfo"]["endCursor"] })).await;
    assert_eq!(field(&foreign), Some("after"), "{foreign}");
    for (filter, expected) in [
        (
            json!({ "tags": [{ "category": "SERVICES", "values": ["Nope"] }] }),
            "filter.tags[0].values",
        ),
        (
            json!({ "fitScore": { "between": [1] } }),
            "filter.fitScore.between",
        ),
        (
            json!({ "employees": { "gte": 10, "lte": 1 } }),
            "filter.employees",
        ),
    ] {
        let body = query(json!({ "filter": filter })).await;
        assert_eq!(
            error_code(&body),
            Some("BAD_USER_INPUT"),
            "{filter}: {body}"
        );
        assert_eq!(field(&body), Some(expected), "{filter}: {body}");
    }
    let two_columns = query(json!({ "order": [{ "field": "NAME" }, { "field": "TYPE" }] })).await;
    assert_eq!(field(&two_columns), Some("orderBy"));
}

on_both_backends!(the_partners_table_filters_and_sorts_with_stable_cursors);

async fn seed_demo_creates_a_usable_demo_organisation(backend: Backend) {
    use clap::Parser;
    let database = partnergraph_tests::TestDatabase::create(backend).await;
    let url = database.url();
    let cli = partnergraph_api::Cli::try_parse_from([
        "partnergraph",
        "seed-demo",
        "--partners",
        "25",
        "--deals",
        "300",
        "--seed",
        "7",
        "--database-url",
        url.as_str(),
        "--argon2-memory-kib",
        "1024",
        "--argon2-iterations",
        "1",
    ])
    .expect("valid");
    partnergraph_api::cli::run(cli, Default::default())
        .await
        .expect("seeded");
    let app = TestApp::spawn_on(database, |_| {}).await;
    let signed_in = app
        .query_with(
            "mutation { signIn(input: { email: \"owner@demo.example\", password: \"demo-password-123\" }) { accessToken } }",
            json!({}),
        )
        .await;
    let token = signed_in["data"]["signIn"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{signed_in}"));
    let listed = app
        .query_as(
            token,
            "{ partners(first: 5) { totalCount edges { node { name regions tags { value } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["data"]["partners"]["totalCount"], 25, "{listed}");
    assert!(
        listed["data"]["partners"]["edges"][0]["node"]["regions"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    // Every seeded deal is rolled up onto its partner.
    let rolled = app
        .query_as(
            token,
            "{ deals(first: 1) { totalCount } open: deals(first: 1, filter: { statuses: [OPEN] }) { totalCount } partners(first: 25) { edges { node { activeDeals closedDeals } } } }",
            json!({}),
        )
        .await;
    assert_eq!(rolled["data"]["deals"]["totalCount"], 300, "{rolled}");
    let (active, closed) = rolled["data"]["partners"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .fold((0, 0), |(a, c), e| {
            (
                a + e["node"]["activeDeals"].as_i64().expect("active"),
                c + e["node"]["closedDeals"].as_i64().expect("closed"),
            )
        });
    assert_eq!(json!(active), rolled["data"]["open"]["totalCount"]);
    assert_eq!(active + closed, 300);
}

on_both_backends!(seed_demo_creates_a_usable_demo_organisation);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_partners_page_benchmark_runs() {
    use clap::Parser;
    let cli = partnergraph_api::Cli::try_parse_from([
        "partnergraph",
        "bench",
        "partners-page",
        "--partners",
        "30",
        "--iterations",
        "2",
    ])
    .expect("valid");
    partnergraph_api::cli::run(cli, Default::default())
        .await
        .expect("benchmark ran");
}

/// Runs a mutation and returns `data.<name>`, panicking with the body on failure.
async fn mutated(app: &TestApp, session: &Session, doc: &str, input: Value) -> Value {
    let body = app
        .query_as(&session.access_token, doc, json!({ "input": input }))
        .await;
    let name = doc
        .split_once('{')
        .and_then(|(_, rest)| rest.split_once('('))
        .map(|(name, _)| name.trim())
        .expect("mutation name");
    let data = body["data"][name].clone();
    assert!(data.is_object(), "{name} failed: {body}");
    data
}

/// A track of tiers named `tiers` (sort orders 1, 2, …), with rules no partner meets so that
/// only the test places partners in them; returns their IDs in order.
async fn tier_ladder(app: &TestApp, session: &Session, tiers: &[&str]) -> Vec<String> {
    let segment = mutated(
        app,
        session,
        "mutation($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id } } }",
        json!({ "name": "Resellers", "family": "MARKET" }),
    )
    .await;
    let track = mutated(
        app,
        session,
        "mutation($input: CreateTrackInput!) { createTrack(input: $input) { track { id } } }",
        json!({ "segmentId": segment["segment"]["id"], "name": "Resellers", "partnerTypes": ["RESELLER"] }),
    )
    .await;
    let mut ids = Vec::new();
    for (i, name) in tiers.iter().enumerate() {
        let tier = mutated(
            app,
            session,
            "mutation($input: CreateTierInput!) { createTier(input: $input) { tier { id sortOrder } } }",
            json!({
                "trackId": track["track"]["id"],
                "name": name,
                "sortOrder": i + 1,
                "requirementLogic": [{ "field": "closed_deals", "operator": "GTE", "value": "1000" }],
            }),
        )
        .await;
        assert_eq!(tier["tier"]["sortOrder"], i + 1, "{tier}");
        ids.push(tier["tier"]["id"].as_str().expect("tier id").to_owned());
    }
    ids
}

/// Places the partner named `partner` in the tier named `tier` by hand (evaluation leaves
/// manual tiers alone).
async fn hold_tier(app: &TestApp, partner: &str, tier: &str) {
    let mut conn = app.db.conn().await.expect("conn");
    let tier_query = program_tiers::table
        .filter(program_tiers::name.eq(tier.to_owned()))
        .select(program_tiers::id);
    let tier_id: DbUuid = run!(&mut conn, |c| tier_query.get_result(c).await).expect("tier");
    let hold = diesel::update(partners::table.filter(partners::name.eq(partner.to_owned()))).set((
        partners::tier_id.eq(Some(tier_id)),
        partners::tier_source.eq(Some("manual")),
    ));
    let rows = run!(&mut conn, |c| hold.execute(c).await).expect("hold");
    assert_eq!(rows, 1);
}

async fn the_partners_table_filters_and_sorts_by_tier(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    // Created out of name order, so that ties by ID differ from ties by name.
    let holdings = [
        ("Umbrella", Some("Silver")),
        ("Hooli", Some("Gold")),
        ("Initech", Some("Silver")),
        ("Zorg", None),
        ("Globex", Some("Gold")),
        ("Vandelay", Some("Bronze")),
        ("Wonka", None),
        ("Soylent", Some("Silver")),
    ];
    let mut partner_ids = Vec::new();
    for (name, _) in holdings {
        partner_ids.push(
            created(&app, &owner, json!({ "name": name, "type": "RESELLER" })).await["id"].clone(),
        );
    }
    let tiers = tier_ladder(&app, &owner, &["Gold", "Silver", "Bronze"]).await;
    let (gold, bronze) = (tiers[0].clone(), tiers[2].clone());
    for (name, tier) in holdings {
        if let Some(tier) = tier {
            hold_tier(&app, name, tier).await;
        }
    }

    // The expected tier order: rank, then ID (as the database orders UUIDs).
    let mut conn = app.db.conn().await.expect("conn");
    let ids_query = partners::table.select((partners::name, partners::id));
    let ids: Vec<(String, DbUuid)> =
        run!(&mut conn, |c| ids_query.load(c).await).expect("partner ids");
    drop(conn);
    let rank = |name: &str| match holdings.iter().find(|(n, _)| *n == name) {
        Some((_, Some("Gold"))) => 1,
        Some((_, Some("Silver"))) => 2,
        Some((_, Some("Bronze"))) => 3,
        _ => i32::MAX,
    };
    let mut expected: Vec<(i32, uuid::Uuid, String)> = ids
        .into_iter()
        .map(|(name, id)| (rank(&name), id.0, name))
        .collect();
    expected.sort();
    let ascending: Vec<String> = expected.into_iter().map(|(_, _, name)| name).collect();
    let descending: Vec<String> = ascending.iter().rev().cloned().collect();
    let mut top: Vec<&str> = ascending[..2].iter().map(String::as_str).collect();
    top.sort_unstable();
    assert_eq!(top, ["Globex", "Hooli"], "gold first: {ascending:?}");

    let list = "query($filter: PartnerFilterInput, $order: [PartnerOrder!], $view: ID, $first: Int, $after: String, $last: Int, $before: String) { partners(filter: $filter, orderBy: $order, view: $view, first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } edges { node { name } } } }";
    let names = |body: &Value| node_strings(&body["data"]["partners"], "name");
    let query = |variables: Value| app.query_as(&owner.access_token, list, variables);

    // Filters: OR within tierIds, OR between tierIds and withoutTier.
    for (filter, expected) in [
        (json!({ "tierIds": [gold] }), vec!["Globex", "Hooli"]),
        (
            json!({ "tierIds": [gold, bronze] }),
            vec!["Globex", "Hooli", "Vandelay"],
        ),
        (json!({ "withoutTier": true }), vec!["Wonka", "Zorg"]),
        (
            json!({ "tierIds": [bronze], "withoutTier": true }),
            vec!["Vandelay", "Wonka", "Zorg"],
        ),
        (
            json!({ "withoutTier": false }),
            vec![
                "Globex", "Hooli", "Initech", "Soylent", "Umbrella", "Vandelay", "Wonka", "Zorg",
            ],
        ),
        (
            json!({ "tierIds": [] }),
            vec![
                "Globex", "Hooli", "Initech", "Soylent", "Umbrella", "Vandelay", "Wonka", "Zorg",
            ],
        ),
        (json!({ "tierIds": [gold], "types": ["REFERRAL"] }), vec![]),
    ] {
        let body = query(json!({ "filter": filter })).await;
        assert_eq!(names(&body), expected, "{filter}: {body}");
        assert_eq!(
            body["data"]["partners"]["totalCount"],
            expected.len(),
            "{filter}"
        );
    }

    // Another organisation's tier, and a tier that does not exist, match nothing.
    let other = app.signed_up("bob@other.io").await;
    let foreign_tier = tier_ladder(&app, &other, &["Elsewhere"]).await.remove(0);
    let unknown_tier = encode_uuid(NodeKind::Tier, uuid::Uuid::now_v7()).to_string();
    for tier in [foreign_tier, unknown_tier] {
        let body = query(json!({ "filter": { "tierIds": [tier] } })).await;
        assert!(body["errors"].is_null(), "{body}");
        assert_eq!(names(&body), Vec::<String>::new(), "{body}");
        assert_eq!(body["data"]["partners"]["totalCount"], 0, "{body}");
    }

    // Malformed IDs, IDs of another kind and overlong lists name the field.
    let too_many: Vec<String> = (0..101)
        .map(|_| encode_uuid(NodeKind::Tier, uuid::Uuid::now_v7()).to_string())
        .collect();
    for tier_ids in [json!(["nope"]), json!([partner_ids[0]]), json!(too_many)] {
        let body = query(json!({ "filter": { "tierIds": tier_ids } })).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(field(&body), Some("filter.tierIds"), "{body}");
    }

    // TIER ascending: most prestigious first, ties by ID, untiered last; descending reverses.
    for (direction, expected) in [("ASC", &ascending), ("DESC", &descending)] {
        let order = json!([{ "field": "TIER", "direction": direction }]);
        let all = query(json!({ "order": order })).await;
        assert_eq!(&names(&all), expected, "{direction}: {all}");
        // Paging forwards visits every partner once, in order.
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = query(json!({ "order": order, "first": 3, "after": after })).await;
            seen.extend(names(&page));
            if page["data"]["partners"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["data"]["partners"]["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(&seen, expected, "{direction} forwards");
        // And backwards.
        let mut seen = Vec::new();
        let mut before = Value::Null;
        loop {
            let page = query(json!({ "order": order, "last": 3, "before": before })).await;
            let mut page_names = names(&page);
            page_names.extend(seen);
            seen = page_names;
            if page["data"]["partners"]["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            before = page["data"]["partners"]["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(&seen, expected, "{direction} backwards");
    }
    // A tier cursor belongs to its direction.
    let page = query(json!({ "order": [{ "field": "TIER" }], "first": 2 })).await;
    let foreign = query(json!({ "order": [{ "field": "TIER", "direction": "DESC" }], "first": 2, "after": page["data"]["partners"]["pageInfo"]["endCursor"] })).await;
    assert_eq!(field(&foreign), Some("after"), "{foreign}");

    // Filter and sort together, and a saved view keeps both as given.
    let filter = json!({ "tierIds": [gold], "withoutTier": true });
    let order = json!([{ "field": "TIER", "direction": "DESC" }]);
    let view = app
        .query_as(
            &owner.access_token,
            "mutation($input: SaveViewInput!) { saveView(input: $input) { view { id filter orderBy { field direction } } } }",
            json!({ "input": { "name": "Gold or none", "filter": filter, "orderBy": order } }),
        )
        .await;
    let view = view["data"]["saveView"]["view"].clone();
    assert_eq!(view["filter"], filter, "{view}");
    assert_eq!(view["orderBy"], order, "{view}");
    let gold_or_none: Vec<String> = descending
        .iter()
        .filter(|n| ["Globex", "Hooli", "Wonka", "Zorg"].contains(&n.as_str()))
        .cloned()
        .collect();
    let direct = query(json!({ "filter": filter, "order": order })).await;
    assert_eq!(names(&direct), gold_or_none, "{direct}");
    let by_view = query(json!({ "view": view["id"] })).await;
    assert_eq!(names(&by_view), gold_or_none, "{by_view}");
}

on_both_backends!(the_partners_table_filters_and_sorts_by_tier);
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tier_evaluation_benchmark_runs() {
    use clap::Parser;
    let cli = partnergraph_api::Cli::try_parse_from([
        "partnergraph",
        "bench",
        "tiers",
        "--partners",
        "200",
        "--deals",
        "600",
    ])
    .expect("valid");
    partnergraph_api::cli::run(cli, Default::default())
        .await
        .expect("benchmark ran");
}
