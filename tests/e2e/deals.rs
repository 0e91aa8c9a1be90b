//! Deals and deal registrations: review into tracked deals, expiry, closing, conflicts,
//! partner-role visibility, rollups on partners, and bad input.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use partnergraph_domain::Currency;
use partnergraph_domain::deals::{DealFacts, DealMotion, DealStatus, Financials};
use partnergraph_persistence::run;
use partnergraph_persistence::schema::deal_registrations;
use partnergraph_persistence::types::DbTimestamp;
use partnergraph_tests::{Backend, Session, TestApp, error_code, node_strings, on_both_backends};
use serde_json::{Value, json};

const REGISTRATION: &str = "id status customerName customerDomain amount { amountMinor currency } motion expectedCloseDate notes decisionReason expiresAt reviewedAt submittedBy { email } partner { id name } deal { id status amount { amountMinor } } version";
const FINANCIALS: &str = "pipeline { amountMinor currency } revenue { amountMinor } productRevenue { amountMinor } activeDeals closedDeals customers";

async fn partner(app: &TestApp, session: &Session, name: &str) -> String {
    let body = app
        .query_as(
            &session.access_token,
            "mutation($name: String!) { createPartner(input: { name: $name, type: RESELLER }) { partner { id } } }",
            json!({ "name": name }),
        )
        .await;
    body["data"]["createPartner"]["partner"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("create partner failed: {body}"))
        .to_owned()
}

async fn register(
    app: &TestApp,
    session: &Session,
    partner_id: &str,
    domain: &str,
    amount: i64,
) -> Value {
    app.query_as(
        &session.access_token,
        &format!("mutation($input: RegisterDealInput!) {{ registerDeal(input: $input) {{ registration {{ {REGISTRATION} }} }} }}"),
        json!({ "input": {
            "partnerId": partner_id,
            "customerName": "Acme Corp",
            "customerDomain": domain,
            "amount": { "amountMinor": amount.to_string(), "currency": "USD" },
            "expectedCloseDate": "2027-03-31",
            "notes": "Met their CTO at the summit.",
        } }),
    )
    .await
}

async fn registered(
    app: &TestApp,
    session: &Session,
    partner_id: &str,
    domain: &str,
    amount: i64,
) -> Value {
    let body = register(app, session, partner_id, domain, amount).await;
    let registration = &body["data"]["registerDeal"]["registration"];
    assert!(registration.is_object(), "register failed: {body}");
    registration.clone()
}

async fn review(
    app: &TestApp,
    session: &Session,
    id: &str,
    decision: &str,
    reason: Option<&str>,
) -> Value {
    app.query_as(
        &session.access_token,
        &format!("mutation($input: ReviewDealRegistrationInput!) {{ reviewDealRegistration(input: $input) {{ registration {{ {REGISTRATION} }} deal {{ id status }} }} }}"),
        json!({ "input": { "id": id, "decision": decision, "reason": reason } }),
    )
    .await
}

async fn approved_deal(app: &TestApp, session: &Session, registration: &str) -> String {
    let body = review(app, session, registration, "APPROVE", None).await;
    body["data"]["reviewDealRegistration"]["deal"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("approve failed: {body}"))
        .to_owned()
}

async fn close(
    app: &TestApp,
    session: &Session,
    deal: &str,
    outcome: &str,
    amount: Option<i64>,
) -> Value {
    app.query_as(
        &session.access_token,
        "mutation($input: CloseDealInput!) { closeDeal(input: $input) { deal { id status closedOn amount { amountMinor } version } } }",
        json!({ "input": {
            "id": deal,
            "outcome": outcome,
            "amount": amount.map(|a| json!({ "amountMinor": a.to_string(), "currency": "USD" })),
            "closedOn": "2026-11-20",
        } }),
    )
    .await
}

async fn create_deal(
    app: &TestApp,
    session: &Session,
    partner_id: &str,
    domain: &str,
    amount: i64,
    motion: &str,
) -> String {
    let body = app
        .query_as(
            &session.access_token,
            "mutation($input: CreateDealInput!) { createDeal(input: $input) { deal { id status motion } } }",
            json!({ "input": {
                "partnerId": partner_id,
                "name": "Direct deal",
                "customerName": "Customer",
                "customerDomain": domain,
                "amount": { "amountMinor": amount.to_string(), "currency": "USD" },
                "motion": motion,
            } }),
        )
        .await;
    body["data"]["createDeal"]["deal"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("create deal failed: {body}"))
        .to_owned()
}

async fn financials(app: &TestApp, session: &Session, partner_id: &str) -> Value {
    let body = app
        .query_as(
            &session.access_token,
            &format!("query($id: ID!) {{ partner(id: $id) {{ {FINANCIALS} }} }}"),
            json!({ "id": partner_id }),
        )
        .await;
    body["data"]["partner"].clone()
}

fn minor(value: &Value) -> i64 {
    value["amountMinor"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not money: {value}"))
}

async fn registrations_are_reviewed_into_tracked_deals_and_rollups_follow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let globex = partner(&app, &owner, "Globex").await;
    let zero = financials(&app, &owner, &globex).await;
    assert_eq!(minor(&zero["pipeline"]), 0);
    assert_eq!(zero["pipeline"]["currency"], "USD");

    let submitted = registered(&app, &owner, &globex, "https://www.Initech.com/", 10_000).await;
    assert_eq!(submitted["status"], "SUBMITTED");
    assert_eq!(submitted["customerDomain"], "initech.com");
    assert_eq!(submitted["submittedBy"]["email"], "ana@acme.io");
    assert_eq!(submitted["expectedCloseDate"], "2027-03-31");
    assert_eq!(submitted["motion"], "PRODUCT");
    let id = submitted["id"].as_str().expect("id").to_owned();

    let started = app
        .query_as(
            &owner.access_token,
            "mutation($id: ID!) { startDealRegistrationReview(input: { id: $id }) { registration { status version } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        started["data"]["startDealRegistrationReview"]["registration"],
        json!({ "status": "UNDER_REVIEW", "version": 2 }),
        "{started}"
    );

    let approved = review(&app, &owner, &id, "APPROVE", Some("Strong champion")).await;
    let registration = &approved["data"]["reviewDealRegistration"]["registration"];
    assert_eq!(registration["status"], "APPROVED", "{approved}");
    assert_eq!(registration["decisionReason"], "Strong champion");
    assert_eq!(registration["deal"]["status"], "OPEN");
    let expires = chrono::DateTime::parse_from_rfc3339(
        registration["expiresAt"].as_str().expect("expiresAt"),
    )
    .expect("rfc3339");
    let days = (expires.with_timezone(&Utc) - Utc::now()).num_hours();
    assert!(
        (89 * 24..=90 * 24).contains(&days),
        "default expiry is 90 days: {days} h"
    );
    let deal = approved["data"]["reviewDealRegistration"]["deal"]["id"]
        .as_str()
        .expect("deal")
        .to_owned();

    let open = financials(&app, &owner, &globex).await;
    assert_eq!(minor(&open["pipeline"]), 10_000);
    assert_eq!(open["activeDeals"], 1);
    assert_eq!(open["closedDeals"], 0);

    let won = close(&app, &owner, &deal, "WON", Some(12_000)).await;
    assert_eq!(won["data"]["closeDeal"]["deal"]["status"], "WON", "{won}");
    assert_eq!(won["data"]["closeDeal"]["deal"]["closedOn"], "2026-11-20");
    let again = close(&app, &owner, &deal, "LOST", None).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");

    // A services deal won with the same customer, a product deal lost, one still open.
    let services = create_deal(&app, &owner, &globex, "initech.com", 3_000, "SERVICES").await;
    close(&app, &owner, &services, "WON", None).await;
    let lost = create_deal(&app, &owner, &globex, "hooli.com", 5_000, "PRODUCT").await;
    close(&app, &owner, &lost, "LOST", None).await;
    create_deal(&app, &owner, &globex, "hooli.com", 700, "PRODUCT").await;

    let rolled = financials(&app, &owner, &globex).await;
    assert_eq!(minor(&rolled["pipeline"]), 700, "{rolled}");
    assert_eq!(minor(&rolled["revenue"]), 15_000);
    assert_eq!(minor(&rolled["productRevenue"]), 12_000);
    assert_eq!(rolled["activeDeals"], 1);
    assert_eq!(rolled["closedDeals"], 3);
    assert_eq!(rolled["customers"], 1, "one distinct won customer domain");

    // The registration whose deal was won stays approved.
    let read = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { dealRegistration(id: $id) { status deal { status } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        read["data"]["dealRegistration"],
        json!({ "status": "APPROVED", "deal": { "status": "WON" } })
    );
    let listed = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { partner(id: $id) { deals(first: 10) { totalCount edges { node { status customerDomain } } } } }",
            json!({ "id": globex }),
        )
        .await;
    let deals = &listed["data"]["partner"]["deals"];
    assert_eq!(deals["totalCount"], 4, "{listed}");
    assert_eq!(
        node_strings(deals, "status"),
        ["WON", "WON", "LOST", "OPEN"]
    );
    // The stored rollups equal the domain's definition over the partner's deals.
    let listed = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { partner(id: $id) { deals(first: 10) { edges { node { status motion customerDomain amount { amountMinor } } } } } }",
            json!({ "id": globex }),
        )
        .await;
    let nodes: Vec<Value> = listed["data"]["partner"]["deals"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let expected = Financials::of(
        Currency::USD,
        nodes.iter().map(|n| DealFacts {
            status: DealStatus::parse(n["status"].as_str().expect("status")).expect("known"),
            motion: DealMotion::parse(n["motion"].as_str().expect("motion")).expect("known"),
            amount_minor: minor(&n["amount"]),
            customer_domain: n["customerDomain"].as_str(),
        }),
    );
    assert_eq!(minor(&rolled["pipeline"]), expected.pipeline.minor());
    assert_eq!(minor(&rolled["revenue"]), expected.revenue.minor());
    assert_eq!(
        minor(&rolled["productRevenue"]),
        expected.product_revenue.minor()
    );
    assert_eq!(rolled["activeDeals"], expected.active_deals);
    assert_eq!(rolled["closedDeals"], expected.closed_deals);
    assert_eq!(rolled["customers"], expected.customers);
    // Both carry their history: who changed which fields.
    let history = app
        .query_as(
            &owner.access_token,
            "query($deal: ID!, $registration: ID!) { deal(id: $deal) { history(first: 10) { edges { node { action actorKind changes } } } } dealRegistration(id: $registration) { history(first: 10) { edges { node { action changes } } } } }",
            json!({ "deal": deal, "registration": id }),
        )
        .await;
    let deal_history = &history["data"]["deal"]["history"]["edges"];
    assert_eq!(deal_history[0]["node"]["action"], "create", "{history}");
    assert_eq!(deal_history[1]["node"]["actorKind"], "USER");
    assert_eq!(
        deal_history[1]["node"]["changes"]["status"],
        json!({ "before": "open", "after": "won" })
    );
    let registration_history = &history["data"]["dealRegistration"]["history"]["edges"];
    assert_eq!(
        registration_history.as_array().map(Vec::len),
        Some(3),
        "submitted, under review, approved: {history}"
    );
    assert_eq!(
        registration_history[2]["node"]["changes"]["status"],
        json!({ "before": "under_review", "after": "approved" })
    );
    let node = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { node(id: $id) { id ... on Deal { status partner { name } } } }",
            json!({ "id": deal }),
        )
        .await;
    assert_eq!(node["data"]["node"]["partner"]["name"], "Globex", "{node}");
}

async fn rejections_need_a_reason_and_decisions_are_final(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let globex = partner(&app, &owner, "Globex").await;
    let id = registered(&app, &owner, &globex, "initech.com", 100).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for reason in [None, Some("   ")] {
        let body = review(&app, &owner, &id, "REJECT", reason).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.reason");
    }
    let rejected = review(&app, &owner, &id, "REJECT", Some("Customer already direct")).await;
    let registration = &rejected["data"]["reviewDealRegistration"]["registration"];
    assert_eq!(registration["status"], "REJECTED", "{rejected}");
    assert_eq!(registration["deal"], Value::Null);
    assert_eq!(registration["decisionReason"], "Customer already direct");
    let again = review(&app, &owner, &id, "APPROVE", None).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    let financials = financials(&app, &owner, &globex).await;
    assert_eq!(financials["activeDeals"], 0, "a rejection opens no deal");
}

async fn approvals_lapse_when_their_deal_stays_open_past_expiry(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let settings = app
        .query_as(
            &owner.access_token,
            "mutation { updateDealSettings(input: { registrationExpiryDays: 30 }) { currency registrationExpiryDays } }",
            json!({}),
        )
        .await;
    assert_eq!(
        settings["data"]["updateDealSettings"],
        json!({ "currency": "USD", "registrationExpiryDays": 30 })
    );
    let globex = partner(&app, &owner, "Globex").await;
    let mut ids = Vec::new();
    for domain in ["stale.com", "won.com", "fresh.com"] {
        let id = registered(&app, &owner, &globex, domain, 100).await["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let deal = approved_deal(&app, &owner, &id).await;
        ids.push((id, deal));
    }
    close(&app, &owner, &ids[1].1, "WON", None).await;
    // Move the first two approvals' expiry into the past, as if 31 days had gone by.
    let past = DbTimestamp(Utc::now() - Duration::days(1));
    let mut conn = app.db.conn().await.expect("conn");
    let moved = diesel::update(
        deal_registrations::table
            .filter(deal_registrations::customer_domain.eq_any(["stale.com", "won.com"])),
    )
    .set(deal_registrations::expires_at.eq(past));
    let count = run!(&mut conn, |c| moved.execute(c).await).expect("moved");
    assert_eq!(count, 2);
    drop(conn);

    let by_status = |statuses: Value| {
        let app = &app;
        let owner = &owner;
        async move {
            let body = app
                .query_as(
                    &owner.access_token,
                    "query($statuses: [DealRegistrationStatus!]) { dealRegistrations(first: 10, filter: { statuses: $statuses }) { totalCount edges { node { customerDomain status } } } }",
                    json!({ "statuses": statuses }),
                )
                .await;
            node_strings(&body["data"]["dealRegistrations"], "customerDomain")
        }
    };
    // Read as expired before any sweep; the won deal's registration does not lapse.
    assert_eq!(by_status(json!(["EXPIRED"])).await, ["stale.com"]);
    assert_eq!(
        by_status(json!(["APPROVED"])).await,
        ["won.com", "fresh.com"]
    );
    assert_eq!(
        by_status(json!(["APPROVED", "EXPIRED"])).await,
        ["stale.com", "won.com", "fresh.com"]
    );
    assert!(by_status(json!(["SUBMITTED"])).await.is_empty());

    // The sweep records it, once, with a system audit entry.
    let swept = partnergraph_api::deals::sweep_expired(&app.db)
        .await
        .expect("sweep");
    assert_eq!(swept, 1);
    assert_eq!(
        partnergraph_api::deals::sweep_expired(&app.db)
            .await
            .expect("sweep"),
        0
    );
    let mut conn = app.db.conn().await.expect("conn");
    let stored = deal_registrations::table
        .filter(deal_registrations::customer_domain.eq("stale.com"))
        .select(deal_registrations::status);
    let status: String = run!(&mut conn, |c| stored.get_result(c).await).expect("status");
    assert_eq!(status, "expired");
    drop(conn);
    assert_eq!(by_status(json!(["EXPIRED"])).await, ["stale.com"]);
    // An expired registration is no longer a live claim, but its open deal still is.
    let conflicts = app
        .query_as(
            &owner.access_token,
            "{ checkDealConflicts(input: { customerDomain: \"stale.com\" }) { hasConflicts registrations { id } deals { customerDomain } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        conflicts["data"]["checkDealConflicts"],
        json!({ "hasConflicts": true, "registrations": [], "deals": [{ "customerDomain": "stale.com" }] })
    );
}

async fn partner_users_register_for_their_own_partner_and_see_only_its_deals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let globex = partner(&app, &owner, "Globex").await;
    let hooli = partner(&app, &owner, "Hooli").await;
    let pat = app.partner_user(&owner, "pat@globex.com", &globex).await;

    let own = registered(&app, &pat, &globex, "initech.com", 500).await;
    assert_eq!(own["submittedBy"]["email"], "pat@globex.com");
    let other = register(&app, &pat, &hooli, "initech.com", 500).await;
    assert_eq!(error_code(&other), Some("NOT_FOUND"), "{other}");
    let hooli_registration = registered(&app, &owner, &hooli, "initech.com", 900).await;
    let hooli_id = hooli_registration["id"].as_str().expect("id");
    let hooli_deal = create_deal(&app, &owner, &hooli, "initech.com", 50, "PRODUCT").await;

    let listed = app
        .query_as(
            &pat.access_token,
            "{ dealRegistrations(first: 10) { totalCount edges { node { customerDomain partner { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["dealRegistrations"]["totalCount"], 1,
        "{listed}"
    );
    for (document, id) in [
        (
            "query($id: ID!) { dealRegistration(id: $id) { id } }",
            hooli_id,
        ),
        (
            "query($id: ID!) { deal(id: $id) { id } }",
            hooli_deal.as_str(),
        ),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            hooli_deal.as_str(),
        ),
        (
            "query($id: ID!) { deals(first: 5, filter: { partnerId: $id }) { totalCount } }",
            hooli.as_str(),
        ),
        (
            "mutation($id: ID!) { reviewDealRegistration(input: { id: $id, decision: APPROVE }) { registration { id } } }",
            hooli_id,
        ),
        (
            "mutation($id: ID!) { closeDeal(input: { id: $id, outcome: WON }) { deal { id } } }",
            hooli_deal.as_str(),
        ),
    ] {
        let body = app
            .query_as(&pat.access_token, document, json!({ "id": id }))
            .await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{document}: {body}");
        assert!(!body.to_string().contains("Hooli"), "{body}");
    }
    // Partners cannot review their own registrations either.
    let own_id = own["id"].as_str().expect("id");
    let body = review(&app, &pat, own_id, "APPROVE", None).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    // A conflict check tells a partner only that a conflict exists.
    let conflicts = app
        .query_as(
            &pat.access_token,
            "{ checkDealConflicts(input: { customerDomain: \"initech.com\" }) { hasConflicts registrations { id } deals { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        conflicts["data"]["checkDealConflicts"],
        json!({ "hasConflicts": true, "registrations": [], "deals": [] }),
        "{conflicts}"
    );
    // Inviting a partner-role user needs a partner of the organisation.
    let missing = app
        .query_as(
            &owner.access_token,
            "mutation { inviteMember(input: { email: \"x@globex.com\", role: PARTNER }) { invitation { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        missing["errors"][0]["extensions"]["field"], "input.partnerId",
        "{missing}"
    );
}

async fn conflict_checks_list_other_partners_live_claims(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let globex = partner(&app, &owner, "Globex").await;
    let hooli = partner(&app, &owner, "Hooli").await;
    let piper = partner(&app, &owner, "Piper").await;
    registered(&app, &owner, &globex, "initech.com", 100).await;
    create_deal(&app, &owner, &hooli, "initech.com", 200, "PRODUCT").await;
    let rejected = registered(&app, &owner, &piper, "initech.com", 300).await;
    review(
        &app,
        &owner,
        rejected["id"].as_str().expect("id"),
        "REJECT",
        Some("dup"),
    )
    .await;
    let won = create_deal(&app, &owner, &piper, "initech.com", 400, "PRODUCT").await;
    close(&app, &owner, &won, "WON", None).await;
    registered(&app, &owner, &piper, "other.com", 500).await;

    let check = |partner: Option<&str>| {
        let app = &app;
        let owner = &owner;
        let partner = partner.map(str::to_owned);
        async move {
            app.query_as(
                &owner.access_token,
                "query($partner: ID) { checkDealConflicts(input: { customerDomain: \"WWW.INITECH.COM\", partnerId: $partner }) { hasConflicts registrations { partner { name } status } deals { partner { name } status } } }",
                json!({ "partner": partner }),
            )
            .await["data"]["checkDealConflicts"]
                .clone()
        }
    };
    assert_eq!(
        check(Some(&globex)).await,
        json!({ "hasConflicts": true, "registrations": [], "deals": [{ "partner": { "name": "Hooli" }, "status": "OPEN" }] })
    );
    assert_eq!(
        check(None).await,
        json!({
            "hasConflicts": true,
            "registrations": [{ "partner": { "name": "Globex" }, "status": "SUBMITTED" }],
            "deals": [{ "partner": { "name": "Hooli" }, "status": "OPEN" }],
        })
    );
    let none = app
        .query_as(
            &owner.access_token,
            "{ checkDealConflicts(input: { customerDomain: \"nobody.com\" }) { hasConflicts } }",
            json!({}),
        )
        .await;
    assert_eq!(none["data"]["checkDealConflicts"]["hasConflicts"], false);
}

async fn bad_deal_input_names_the_field_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let globex = partner(&app, &owner, "Globex").await;
    let cases = [
        (
            json!({ "amount": { "amountMinor": "-1", "currency": "USD" } }),
            "input.amount",
        ),
        (
            json!({ "amount": { "amountMinor": "100", "currency": "EUR" } }),
            "input.amount",
        ),
        (
            json!({ "amount": { "amountMinor": "100", "currency": "dollars" } }),
            "input.amount.currency",
        ),
        (
            json!({ "customerDomain": "not a domain" }),
            "input.customerDomain",
        ),
        (
            json!({ "customerDomain": "localhost" }),
            "input.customerDomain",
        ),
        (json!({ "customerName": "   " }), "input.customerName"),
        (json!({ "notes": "x".repeat(4_001) }), "input.notes"),
        (json!({ "partnerId": "bm9wZQ" }), "input.partnerId"),
    ];
    for (patch, field) in cases {
        let mut input = json!({
            "partnerId": globex,
            "customerName": "Acme Corp",
            "customerDomain": "initech.com",
            "amount": { "amountMinor": "100", "currency": "USD" },
        });
        for (k, v) in patch.as_object().expect("object") {
            input[k] = v.clone();
        }
        let body = app
            .query_as(
                &owner.access_token,
                "mutation($input: RegisterDealInput!) { registerDeal(input: $input) { registration { id } } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{field}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let listed = app
        .query_as(
            &owner.access_token,
            "{ dealRegistrations(first: 5) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["dealRegistrations"]["totalCount"], 0,
        "nothing written"
    );

    // Roles: viewers register nothing; members do not review.
    let viewer = app.invited(&owner, "vic@acme.io", "VIEWER").await;
    let body = register(&app, &viewer, &globex, "initech.com", 1).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let member = app.invited(&owner, "mo@acme.io", "MEMBER").await;
    let id = registered(&app, &member, &globex, "initech.com", 1).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let body = review(&app, &member, &id, "APPROVE", None).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // Settings: bounded expiry, admins only, the currency fixed once deals exist.
    for (input, field) in [
        (
            json!({ "registrationExpiryDays": 0 }),
            "input.registrationExpiryDays",
        ),
        (
            json!({ "registrationExpiryDays": 3_651 }),
            "input.registrationExpiryDays",
        ),
        (json!({ "currency": "EUR" }), "input.currency"),
    ] {
        let body = app
            .query_as(
                &owner.access_token,
                "mutation($input: UpdateDealSettingsInput!) { updateDealSettings(input: $input) { currency } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    let body = app
        .query_as(
            &member.access_token,
            "mutation { updateDealSettings(input: { registrationExpiryDays: 10 }) { currency } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    // Closing a deal with a negative amount changes nothing.
    let deal = create_deal(&app, &owner, &globex, "initech.com", 10, "PRODUCT").await;
    let body = close(&app, &owner, &deal, "WON", Some(-5)).await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.amount",
        "{body}"
    );
    let rolled = financials(&app, &owner, &globex).await;
    assert_eq!(
        (rolled["activeDeals"].clone(), minor(&rolled["revenue"])),
        (json!(1), 0)
    );
}

async fn the_partners_table_filters_and_sorts_by_pipeline_and_revenue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    for (name, open, won) in [
        ("Alpha", 500, 0),
        ("Bravo", 100, 900),
        ("Charlie", 0, 300),
        ("Delta", 0, 0),
    ] {
        let id = partner(&app, &owner, name).await;
        if open > 0 {
            create_deal(&app, &owner, &id, "open.com", open, "PRODUCT").await;
        }
        if won > 0 {
            let deal = create_deal(&app, &owner, &id, "won.com", won, "PRODUCT").await;
            close(&app, &owner, &deal, "WON", None).await;
        }
    }
    let names = |filter: Value, order: Value, first: i32, after: Option<String>| {
        let app = &app;
        let owner = &owner;
        async move {
            let body = app
                .query_as(
                    &owner.access_token,
                    "query($filter: PartnerFilterInput, $order: [PartnerOrder!], $first: Int, $after: String) { partners(filter: $filter, orderBy: $order, first: $first, after: $after) { totalCount pageInfo { endCursor } edges { node { name } } } }",
                    json!({ "filter": filter, "order": order, "first": first, "after": after }),
                )
                .await;
            let connection = &body["data"]["partners"];
            assert!(connection.is_object(), "{body}");
            (
                node_strings(connection, "name"),
                connection["pageInfo"]["endCursor"]
                    .as_str()
                    .map(str::to_owned),
            )
        }
    };
    let (by_pipeline, _) = names(
        json!({ "pipeline": { "gte": "100" } }),
        json!([{ "field": "PIPELINE", "direction": "DESC" }]),
        10,
        None,
    )
    .await;
    assert_eq!(by_pipeline, ["Alpha", "Bravo"]);
    let (by_revenue, _) = names(
        json!({ "revenue": { "between": ["1", "1000"] } }),
        json!([{ "field": "REVENUE", "direction": "ASC" }]),
        10,
        None,
    )
    .await;
    assert_eq!(by_revenue, ["Charlie", "Bravo"]);
    // Paging by revenue descending, ties (Alpha and Delta at 0) broken by ID.
    let (first, cursor) = names(
        json!(null),
        json!([{ "field": "REVENUE", "direction": "DESC" }]),
        2,
        None,
    )
    .await;
    assert_eq!(first, ["Bravo", "Charlie"]);
    let (rest, _) = names(
        json!(null),
        json!([{ "field": "REVENUE", "direction": "DESC" }]),
        5,
        cursor,
    )
    .await;
    assert_eq!(rest.len(), 2);
    assert!(rest.contains(&"Alpha".to_owned()) && rest.contains(&"Delta".to_owned()));
    let body = app
        .query_as(
            &owner.access_token,
            "{ partners(filter: { pipeline: { gte: \"10\", lte: \"1\" } }, first: 5) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "filter.pipeline",
        "{body}"
    );
}

on_both_backends!(
    registrations_are_reviewed_into_tracked_deals_and_rollups_follow,
    rejections_need_a_reason_and_decisions_are_final,
    approvals_lapse_when_their_deal_stays_open_past_expiry,
    partner_users_register_for_their_own_partner_and_see_only_its_deals,
    conflict_checks_list_other_partners_live_claims,
    bad_deal_input_names_the_field_and_writes_nothing,
    the_partners_table_filters_and_sorts_by_pipeline_and_revenue,
);
