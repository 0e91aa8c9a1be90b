//! Intelligence: the executive dashboard's tiles over a small program computed by hand, its
//! segment and tier filter, the partner lifecycle view, each person's tile and metric
//! visibility, who may read what, and the fixed statement cost of a whole dashboard.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use partnergraph_domain::partners::KeyStrength;
use partnergraph_persistence::run;
use partnergraph_persistence::schema::{partner_insights, partner_strengths, partners};
use partnergraph_persistence::types::DbUuid;
use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

const EXECUTIVE: &str = "query($filter: ExecutiveDashboardFilterInput) { executiveDashboard(filter: $filter) { \
    metrics { key label value number amount { amountMinor currency } unit description tone visible } \
    aiStrengths { label description partnerCount averageScore } aiStrengthsMessage \
    areasToAddress { dimension label partnerCount averageScore partners { name } } lowScoreThreshold \
    pipelineByStage { key label value { amountMinor } partnerCount } \
    revenueByIndustry { key value { amountMinor } partnerCount } \
    pipelineByIndustry { key value { amountMinor } partnerCount } \
    tiles { key visible } currency generatedAt } }";

const LIFECYCLE: &str = "{ partnerLifecycle { totalPartners \
    summary { key kind stage status label count percentage } \
    coverageByRegion { key value } coverageBySubtype { key value } coverageByVertical { key value } \
    coverageByProductOffering { key value } tiles { key visible } } }";

async fn gql(app: &TestApp, session: &Session, document: &str, variables: Value) -> Value {
    let body = app
        .query_as(&session.access_token, document, variables)
        .await;
    assert!(body["errors"].is_null(), "{document}: {body}");
    body["data"].clone()
}

fn field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

async fn partner(app: &TestApp, owner: &Session, input: Value) -> String {
    let body = gql(
        app,
        owner,
        "mutation($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } } }",
        json!({ "input": input }),
    )
    .await;
    body["createPartner"]["partner"]["id"]
        .as_str()
        .expect("partner")
        .to_owned()
}

/// A deal of `minor` cents for `partner`: left open, or closed WON or LOST.
async fn deal(app: &TestApp, owner: &Session, partner: &str, minor: i64, outcome: Option<&str>) {
    let created = gql(
        app,
        owner,
        "mutation($input: CreateDealInput!) { createDeal(input: $input) { deal { id } } }",
        json!({ "input": { "partnerId": partner, "customerName": "Customer", "amount": { "amountMinor": minor.to_string(), "currency": "USD" } } }),
    )
    .await;
    if let Some(outcome) = outcome {
        gql(
            app,
            owner,
            "mutation($id: ID!, $outcome: DealOutcome!) { closeDeal(input: { id: $id, outcome: $outcome }) { deal { status } } }",
            json!({ "id": created["createDeal"]["deal"]["id"], "outcome": outcome }),
        )
        .await;
    }
}

/// Stands in for the AI partner analysis, which writes the 4C scores and key strengths (no
/// API sets them by hand): writes them for the partner named `name` as the analysis would.
async fn analysed(
    app: &TestApp,
    name: &str,
    four_c: [Option<i16>; 4],
    strengths: &[(&str, Option<&str>, Option<i16>)],
) {
    let mut conn = app.db.conn().await.expect("conn");
    let find = partners::table
        .filter(partners::name.eq(name.to_owned()))
        .select((partners::org_id, partners::id));
    let (org, id): (DbUuid, DbUuid) = run!(&mut conn, |c| find.get_result(c).await).expect(name);
    let [capacity, capability, commitment, alignment] = four_c;
    let scores = diesel::update(
        partner_insights::table
            .filter(partner_insights::org_id.eq(org))
            .filter(partner_insights::partner_id.eq(id)),
    )
    .set((
        partner_insights::capacity_score.eq(capacity),
        partner_insights::capability_score.eq(capability),
        partner_insights::commitment_score.eq(commitment),
        partner_insights::customer_alignment_score.eq(alignment),
    ));
    run!(&mut conn, |c| scores.execute(c).await).expect("scores");
    for (position, (label, description, score)) in (0..).zip(strengths) {
        let insert = diesel::insert_into(partner_strengths::table).values((
            partner_strengths::org_id.eq(org),
            partner_strengths::partner_id.eq(id),
            partner_strengths::position.eq(position),
            partner_strengths::label.eq((*label).to_owned()),
            partner_strengths::description.eq(description.map(str::to_owned)),
            partner_strengths::score.eq(*score),
            partner_strengths::label_key.eq(KeyStrength::parse(label, None, None)
                .expect("a valid label")
                .key()),
        ));
        run!(&mut conn, |c| insert.execute(c).await).expect("strength");
    }
}

/// IDs of the hand-computed program's segment and tiers.
struct Program {
    resellers: String,
    gold: String,
    technology_tier: String,
}

/// A program of two segments by partner type. Resellers: Gold (3+ closed deals) and Member
/// (anyone). Technology: one tier for anyone.
async fn program(app: &TestApp, owner: &Session) -> Program {
    let mut segment_ids = Vec::new();
    let mut tier_ids = Vec::new();
    for (segment, kind, tiers) in [
        (
            "Resellers",
            "reseller",
            vec![
                (
                    "Gold",
                    json!([{ "field": "closed_deals", "operator": "GTE", "value": "3" }]),
                ),
                ("Member", json!([])),
            ],
        ),
        ("Technology", "technology", vec![("Tech", json!([]))]),
    ] {
        let created = gql(
            app,
            owner,
            "mutation($input: CreateSegmentInput!) { createSegment(input: $input) { segment { id } } }",
            json!({ "input": { "name": segment, "family": "MARKET", "requirementLogic": [{ "field": "type", "operator": "INCLUDES_ANY", "values": [kind] }] } }),
        )
        .await;
        let segment_id = created["createSegment"]["segment"]["id"].clone();
        let track = gql(
            app,
            owner,
            "mutation($input: CreateTrackInput!) { createTrack(input: $input) { track { id } } }",
            json!({ "input": { "segmentId": segment_id, "name": format!("{segment} track"), "partnerTypes": [kind.to_uppercase()] } }),
        )
        .await;
        for (order, (tier, logic)) in (1..).zip(tiers) {
            let created = gql(
                app,
                owner,
                "mutation($input: CreateTierInput!) { createTier(input: $input) { tier { id } } }",
                json!({ "input": { "trackId": track["createTrack"]["track"]["id"], "name": tier, "sortOrder": order, "requirementLogic": logic } }),
            )
            .await;
            tier_ids.push(
                created["createTier"]["tier"]["id"]
                    .as_str()
                    .expect("tier")
                    .to_owned(),
            );
        }
        segment_ids.push(segment_id.as_str().expect("segment").to_owned());
    }
    Program {
        resellers: segment_ids[0].clone(),
        gold: tier_ids[0].clone(),
        technology_tier: tier_ids[2].clone(),
    }
}

/// Four partners (and an archived fifth that must count nowhere), with deals, targets,
/// scores, 4C scores and strengths whose aggregates are worked out in the tests below.
///
/// | partner | type | stage / status | industry | open | won | lost | target | fit | health |
/// |---|---|---|---|---|---|---|---|---|---|
/// | Acme | reseller | active / active | Software | 100.00 | 300.00 | 50.00 | 1,000.00 | 80 | 40 |
/// | Globex | technology | onboarding / pending | Healthcare | 200.00 | 100.00 | | 500.00 | 60 | 70 |
/// | Initech | reseller | active / active | Software | | 50.00 | 10.00, 20.00 | | | |
/// | Hooli | referral | prospect / inactive | | 70.00 | | | | 30 | 20 |
async fn seeded(app: &TestApp) -> (Session, Program) {
    let owner = app.signed_up("ana@acme.io").await;
    let acme = partner(app, &owner, json!({ "name": "Acme", "type": "RESELLER", "stage": "ACTIVE", "status": "ACTIVE", "industry": "Software", "subtype": "System integrator", "regions": ["EMEA", "NA"], "services": ["Implementation"], "products": ["CRM"], "fitScore": 80, "healthScore": 40, "annualRevenueTarget": { "amountMinor": "100000", "currency": "USD" } })).await;
    let globex = partner(app, &owner, json!({ "name": "Globex", "type": "TECHNOLOGY", "stage": "ONBOARDING", "status": "PENDING", "industry": "Healthcare", "subtype": "Boutique consultancy", "regions": ["APAC"], "products": ["Analytics"], "fitScore": 60, "healthScore": 70, "annualRevenueTarget": { "amountMinor": "50000", "currency": "USD" } })).await;
    let initech = partner(app, &owner, json!({ "name": "Initech", "type": "RESELLER", "stage": "ACTIVE", "status": "ACTIVE", "industry": "Software", "subtype": "System integrator", "regions": ["EMEA"], "services": ["Implementation", "Training"], "products": ["Implementation"] })).await;
    let hooli = partner(app, &owner, json!({ "name": "Hooli", "type": "REFERRAL", "stage": "PROSPECT", "status": "INACTIVE", "fitScore": 30, "healthScore": 20 })).await;
    let umbrella = partner(app, &owner, json!({ "name": "Umbrella", "type": "RESELLER", "stage": "ACTIVE", "status": "ACTIVE", "industry": "Software", "subtype": "Archived subtype", "regions": ["LATAM"], "fitScore": 1, "healthScore": 1, "annualRevenueTarget": { "amountMinor": "1", "currency": "USD" } })).await;
    deal(app, &owner, &acme, 10_000, None).await;
    deal(app, &owner, &acme, 30_000, Some("WON")).await;
    deal(app, &owner, &acme, 5_000, Some("LOST")).await;
    deal(app, &owner, &globex, 20_000, None).await;
    deal(app, &owner, &globex, 10_000, Some("WON")).await;
    deal(app, &owner, &initech, 5_000, Some("WON")).await;
    deal(app, &owner, &initech, 1_000, Some("LOST")).await;
    deal(app, &owner, &initech, 2_000, Some("LOST")).await;
    deal(app, &owner, &hooli, 7_000, None).await;
    deal(app, &owner, &umbrella, 99_000, None).await;
    deal(app, &owner, &umbrella, 99_000, Some("WON")).await;
    analysed(
        app,
        "Acme",
        [Some(40), Some(80), Some(45), Some(90)],
        &[
            ("Cloud expertise", Some("Runs cloud migrations"), Some(90)),
            ("Healthcare focus", None, Some(70)),
        ],
    )
    .await;
    analysed(
        app,
        "Globex",
        [Some(30), Some(20), Some(60), None],
        &[
            ("cloud expertise", None, Some(70)),
            ("Strong support", Some("24/7 desk"), Some(60)),
        ],
    )
    .await;
    analysed(
        app,
        "Initech",
        [Some(70), Some(45), None, Some(55)],
        &[("Strong support", None, None)],
    )
    .await;
    analysed(app, "Hooli", [Some(10), None, Some(48), Some(49)], &[]).await;
    analysed(
        app,
        "Umbrella",
        [Some(5), Some(5), Some(5), Some(5)],
        &[
            ("Cloud expertise", None, Some(10)),
            ("Archived only", None, Some(99)),
        ],
    )
    .await;
    // The program places Umbrella too; archived afterwards, it keeps its segment and tier.
    let program = program(app, &owner).await;
    gql(
        app,
        &owner,
        "mutation($id: ID!) { archivePartner(input: { id: $id }) { partner { archivedAt } } }",
        json!({ "id": umbrella }),
    )
    .await;
    (owner, program)
}

fn metric<'a>(dashboard: &'a Value, key: &str) -> &'a Value {
    dashboard["metrics"]
        .as_array()
        .and_then(|cards| cards.iter().find(|card| card["key"] == key))
        .unwrap_or_else(|| panic!("no {key}: {dashboard}"))
}

/// `(key, value, tone)` of every metric card.
fn cards(dashboard: &Value) -> Vec<(String, String, String)> {
    dashboard["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|card| {
            (
                card["key"].as_str().expect("key").to_owned(),
                card["value"].as_str().expect("value").to_owned(),
                card["tone"].as_str().expect("tone").to_owned(),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

/// `(key, amountMinor, partnerCount)` of a money chart.
fn bars(chart: &Value) -> Vec<(String, String, i64)> {
    chart
        .as_array()
        .expect("chart")
        .iter()
        .map(|entry| {
            (
                entry["key"].as_str().expect("key").to_owned(),
                entry["value"]["amountMinor"]
                    .as_str()
                    .expect("amount")
                    .to_owned(),
                entry["partnerCount"].as_i64().expect("count"),
            )
        })
        .collect()
}

fn money_bars(rows: &[(&str, &str, i64)]) -> Vec<(String, String, i64)> {
    rows.iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), *c))
        .collect()
}

async fn every_executive_tile_adds_up_the_partners_in_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, _) = seeded(&app).await;
    let dashboard = gql(&app, &owner, EXECUTIVE, json!({})).await["executiveDashboard"].clone();
    assert_eq!(
        cards(&dashboard),
        owned(&[
            ("TOTAL_PARTNERS", "4", "BLUE"),
            ("ACTIVE_PARTNERS", "2", "BLUE"),
            ("PARTNERS_ADDED_THIS_QUARTER", "4", "BLUE"),
            ("TOTAL_PIPELINE", "USD 370", "PURPLE"),
            ("TOTAL_REVENUE", "USD 450", "PURPLE"),
            // 400.00 won by the partners with targets, of 1,500.00
            ("REVENUE_ATTAINMENT", "26.7%", "RED"),
            // 3 won of 6 closed
            ("WIN_RATE", "50.0%", "GREEN"),
            // (80 + 60 + 30) / 3 and (40 + 70 + 20) / 3
            ("AVERAGE_FIT_SCORE", "56.7", "ORANGE"),
            ("AVERAGE_HEALTH_SCORE", "43.3", "RED"),
        ])
    );
    let pipeline = metric(&dashboard, "TOTAL_PIPELINE");
    assert_eq!(
        (
            &pipeline["number"],
            &pipeline["amount"],
            &pipeline["unit"],
            &pipeline["label"],
            &pipeline["visible"]
        ),
        (
            &json!(370.0),
            &json!({ "amountMinor": "37000", "currency": "USD" }),
            &json!("MONEY"),
            &json!("Total pipeline"),
            &json!(true)
        ),
        "{pipeline}"
    );
    assert_eq!(metric(&dashboard, "WIN_RATE")["number"], 50.0);
    assert_eq!(metric(&dashboard, "WIN_RATE")["amount"], Value::Null);
    assert!(
        metric(&dashboard, "AVERAGE_FIT_SCORE")["description"]
            .as_str()
            .is_some_and(|d| d.ends_with('.'))
    );

    assert_eq!(
        dashboard["aiStrengths"],
        json!([
            { "label": "Cloud expertise", "description": "Runs cloud migrations", "partnerCount": 2, "averageScore": 80.0 },
            { "label": "Strong support", "description": "24/7 desk", "partnerCount": 2, "averageScore": 60.0 },
            { "label": "Healthcare focus", "description": null, "partnerCount": 1, "averageScore": 70.0 },
        ]),
        "{dashboard}"
    );
    assert_eq!(dashboard["aiStrengthsMessage"], Value::Null);

    assert_eq!(dashboard["lowScoreThreshold"], 50);
    assert_eq!(
        dashboard["areasToAddress"],
        json!([
            { "dimension": "CAPACITY", "label": "Capacity", "partnerCount": 3, "averageScore": 26.7,
              "partners": [{ "name": "Hooli" }, { "name": "Globex" }, { "name": "Acme" }] },
            { "dimension": "CAPABILITY", "label": "Capability", "partnerCount": 2, "averageScore": 32.5,
              "partners": [{ "name": "Globex" }, { "name": "Initech" }] },
            { "dimension": "COMMITMENT", "label": "Commitment", "partnerCount": 2, "averageScore": 46.5,
              "partners": [{ "name": "Acme" }, { "name": "Hooli" }] },
            { "dimension": "CUSTOMER_ALIGNMENT", "label": "Customer alignment", "partnerCount": 1, "averageScore": 49.0,
              "partners": [{ "name": "Hooli" }] },
        ]),
        "{dashboard}"
    );

    let stages = bars(&dashboard["pipelineByStage"]);
    assert_eq!(stages.len(), 10, "every stage, in lifecycle order");
    assert_eq!(
        stages[..3],
        money_bars(&[
            ("PROSPECT", "7000", 1),
            ("ONBOARDING", "20000", 1),
            ("ACTIVE", "10000", 2)
        ])
    );
    assert!(
        stages[3..]
            .iter()
            .all(|(_, value, n)| value == "0" && *n == 0)
    );
    assert_eq!(
        dashboard["pipelineByStage"][5]["label"],
        "Legal negotiation"
    );
    assert_eq!(
        bars(&dashboard["revenueByIndustry"]),
        money_bars(&[
            ("Software", "35000", 2),
            ("Healthcare", "10000", 1),
            ("Unspecified", "0", 1)
        ])
    );
    assert_eq!(
        bars(&dashboard["pipelineByIndustry"]),
        money_bars(&[
            ("Healthcare", "20000", 1),
            ("Software", "10000", 2),
            ("Unspecified", "7000", 1)
        ])
    );
    assert_eq!(dashboard["currency"], "USD");
    assert_eq!(
        dashboard["tiles"],
        json!([
            { "key": "METRICS", "visible": true },
            { "key": "AI_STRENGTHS", "visible": true },
            { "key": "AREAS_TO_ADDRESS", "visible": true },
            { "key": "PIPELINE_BY_STAGE", "visible": true },
            { "key": "REVENUE_BY_INDUSTRY", "visible": true },
            { "key": "PIPELINE_BY_INDUSTRY", "visible": true },
        ])
    );

    // A write shows in the next read: the rollups are maintained with every deal write.
    let hooli = gql(
        &app,
        &owner,
        "{ partners(filter: { search: \"Hooli\" }) { edges { node { id } } } }",
        json!({}),
    )
    .await;
    let hooli = hooli["partners"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("hooli")
        .to_owned();
    deal(&app, &owner, &hooli, 1_000_000, Some("WON")).await;
    let after = gql(&app, &owner, EXECUTIVE, json!({})).await["executiveDashboard"].clone();
    assert_eq!(metric(&after, "TOTAL_REVENUE")["value"], "USD 10,450");
    assert_eq!(metric(&after, "WIN_RATE")["value"], "57.1%");
}

async fn the_filter_narrows_every_tile_to_a_segment_and_then_a_tier(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, program) = seeded(&app).await;
    let read = |filter: Value| {
        let app = &app;
        let owner = &owner;
        async move {
            app.query_as(&owner.access_token, EXECUTIVE, json!({ "filter": filter }))
                .await
        }
    };

    // Resellers: Acme and Initech (Umbrella is a reseller too, but archived).
    let resellers = read(json!({ "segmentId": program.resellers })).await;
    let dashboard = &resellers["data"]["executiveDashboard"];
    assert_eq!(
        cards(dashboard),
        owned(&[
            ("TOTAL_PARTNERS", "2", "BLUE"),
            ("ACTIVE_PARTNERS", "2", "BLUE"),
            ("PARTNERS_ADDED_THIS_QUARTER", "2", "BLUE"),
            ("TOTAL_PIPELINE", "USD 100", "PURPLE"),
            ("TOTAL_REVENUE", "USD 350", "PURPLE"),
            ("REVENUE_ATTAINMENT", "30.0%", "RED"),
            ("WIN_RATE", "40.0%", "GREEN"),
            ("AVERAGE_FIT_SCORE", "80.0", "GREEN"),
            ("AVERAGE_HEALTH_SCORE", "40.0", "RED"),
        ]),
        "{resellers}"
    );
    // One partner each: highest average score first, unscored last.
    assert_eq!(
        dashboard["aiStrengths"],
        json!([
            { "label": "Cloud expertise", "description": "Runs cloud migrations", "partnerCount": 1, "averageScore": 90.0 },
            { "label": "Healthcare focus", "description": null, "partnerCount": 1, "averageScore": 70.0 },
            { "label": "Strong support", "description": null, "partnerCount": 1, "averageScore": null },
        ]),
        "{dashboard}"
    );
    let dimensions: Vec<&Value> = dashboard["areasToAddress"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|area| &area["dimension"])
        .collect();
    // Capacity averages 40; capability and commitment tie at 45 with one partner each.
    assert_eq!(
        dimensions,
        [
            &json!("CAPACITY"),
            &json!("CAPABILITY"),
            &json!("COMMITMENT")
        ]
    );
    assert_eq!(
        bars(&dashboard["revenueByIndustry"]),
        money_bars(&[("Software", "35000", 2)])
    );

    // Resellers holding Gold: Initech alone (3 closed deals).
    let gold = read(json!({ "segmentId": program.resellers, "tierId": program.gold })).await;
    let dashboard = &gold["data"]["executiveDashboard"];
    assert_eq!(metric(dashboard, "TOTAL_PARTNERS")["value"], "1", "{gold}");
    assert_eq!(metric(dashboard, "TOTAL_REVENUE")["value"], "USD 50");
    assert_eq!(metric(dashboard, "WIN_RATE")["value"], "33.3%");
    assert_eq!(metric(dashboard, "WIN_RATE")["tone"], "GREEN");
    assert_eq!(metric(dashboard, "REVENUE_ATTAINMENT")["value"], "—");
    assert_eq!(
        metric(dashboard, "REVENUE_ATTAINMENT")["number"],
        Value::Null
    );
    assert_eq!(metric(dashboard, "AVERAGE_FIT_SCORE")["value"], "—");
    assert_eq!(
        dashboard["areasToAddress"],
        json!([{ "dimension": "CAPABILITY", "label": "Capability", "partnerCount": 1, "averageScore": 45.0, "partners": [{ "name": "Initech" }] }])
    );
    // The tier alone narrows the same way.
    let tier_only = read(json!({ "tierId": program.gold })).await;
    assert_eq!(
        tier_only["data"]["executiveDashboard"]["metrics"],
        gold["data"]["executiveDashboard"]["metrics"]
    );

    // A tier of another segment.
    let mismatched =
        read(json!({ "segmentId": program.resellers, "tierId": program.technology_tier })).await;
    assert_eq!(
        error_code(&mismatched),
        Some("BAD_USER_INPUT"),
        "{mismatched}"
    );
    assert_eq!(field(&mismatched), Some("filter.tierId"));
    // Malformed IDs name the filter field; unknown ones are NOT_FOUND.
    let malformed = read(json!({ "segmentId": "nonsense" })).await;
    assert_eq!(field(&malformed), Some("filter.segmentId"), "{malformed}");
    let wrong_kind = read(json!({ "tierId": program.resellers })).await;
    assert_eq!(field(&wrong_kind), Some("filter.tierId"), "{wrong_kind}");
    let unknown_segment = "U2VnbWVudDowMTkzMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA";
    let unknown_tier = "VGllcjowMTkzMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA";
    for filter in [
        json!({ "segmentId": unknown_segment }),
        json!({ "tierId": unknown_tier }),
        json!({ "segmentId": program.resellers, "tierId": unknown_tier }),
    ] {
        let body = read(filter.clone()).await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{filter}: {body}");
    }
}

async fn an_empty_organisation_shows_zeros_and_the_no_strengths_message(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let dashboard = gql(&app, &owner, EXECUTIVE, json!({})).await["executiveDashboard"].clone();
    assert_eq!(
        cards(&dashboard),
        owned(&[
            ("TOTAL_PARTNERS", "0", "BLUE"),
            ("ACTIVE_PARTNERS", "0", "BLUE"),
            ("PARTNERS_ADDED_THIS_QUARTER", "0", "BLUE"),
            ("TOTAL_PIPELINE", "USD 0", "PURPLE"),
            ("TOTAL_REVENUE", "USD 0", "PURPLE"),
            ("REVENUE_ATTAINMENT", "—", "BLUE"),
            ("WIN_RATE", "—", "BLUE"),
            ("AVERAGE_FIT_SCORE", "—", "BLUE"),
            ("AVERAGE_HEALTH_SCORE", "—", "BLUE"),
        ])
    );
    assert_eq!(dashboard["aiStrengths"], json!([]));
    assert_eq!(
        dashboard["aiStrengthsMessage"],
        "No partner strengths have been analyzed yet"
    );
    assert_eq!(dashboard["areasToAddress"], json!([]));
    assert_eq!(bars(&dashboard["pipelineByStage"]).len(), 10);
    assert_eq!(dashboard["revenueByIndustry"], json!([]));
    assert_eq!(dashboard["pipelineByIndustry"], json!([]));
    let lifecycle = gql(&app, &owner, LIFECYCLE, json!({})).await["partnerLifecycle"].clone();
    assert_eq!(lifecycle["totalPartners"], 0);
    assert!(
        lifecycle["summary"]
            .as_array()
            .expect("summary")
            .iter()
            .all(|card| card["count"] == 0 && card["percentage"] == 0.0),
        "{lifecycle}"
    );
    assert_eq!(lifecycle["coverageByRegion"], json!([]));
}

async fn the_lifecycle_view_counts_stages_statuses_and_coverage(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, _) = seeded(&app).await;
    let lifecycle = gql(&app, &owner, LIFECYCLE, json!({})).await["partnerLifecycle"].clone();
    assert_eq!(lifecycle["totalPartners"], 4);
    let summary = lifecycle["summary"].as_array().expect("summary");
    assert_eq!(summary.len(), 13, "ten stages and three statuses");
    let card = |key: &str| {
        summary
            .iter()
            .find(|card| card["key"] == key)
            .map(|card| (card["count"].clone(), card["percentage"].clone()))
            .unwrap_or_else(|| panic!("no {key}"))
    };
    assert_eq!(card("STAGE_PROSPECT"), (json!(1), json!(25.0)));
    assert_eq!(card("STAGE_ONBOARDING"), (json!(1), json!(25.0)));
    assert_eq!(card("STAGE_ACTIVE"), (json!(2), json!(50.0)));
    assert_eq!(card("STAGE_REJECTED"), (json!(0), json!(0.0)));
    assert_eq!(card("STATUS_ACTIVE"), (json!(2), json!(50.0)));
    assert_eq!(card("STATUS_INACTIVE"), (json!(1), json!(25.0)));
    assert_eq!(card("STATUS_PENDING"), (json!(1), json!(25.0)));
    assert_eq!(
        summary[5],
        json!({ "key": "STAGE_LEGAL_NEGOTIATION", "kind": "STAGE", "stage": "LEGAL_NEGOTIATION", "status": null, "label": "Legal negotiation", "count": 0, "percentage": 0.0 })
    );
    assert_eq!(
        summary[10],
        json!({ "key": "STATUS_ACTIVE", "kind": "STATUS", "stage": null, "status": "ACTIVE", "label": "Active status", "count": 2, "percentage": 50.0 })
    );
    let entries = |rows: &[(&str, i64)]| -> Value {
        rows.iter()
            .map(|(key, value)| json!({ "key": key, "value": value }))
            .collect()
    };
    assert_eq!(
        lifecycle["coverageByRegion"],
        entries(&[("EMEA", 2), ("APAC", 1), ("NA", 1), ("Unspecified", 1)])
    );
    assert_eq!(
        lifecycle["coverageBySubtype"],
        entries(&[
            ("System integrator", 2),
            ("Boutique consultancy", 1),
            ("Unspecified", 1)
        ])
    );
    assert_eq!(
        lifecycle["coverageByVertical"],
        entries(&[("Software", 2), ("Healthcare", 1), ("Unspecified", 1)])
    );
    // Initech offers Implementation as a service and as a product: it counts once.
    assert_eq!(
        lifecycle["coverageByProductOffering"],
        entries(&[
            ("Implementation", 2),
            ("Analytics", 1),
            ("CRM", 1),
            ("Training", 1),
            ("Unspecified", 1)
        ])
    );

    // Shares round half up to one decimal place.
    let small = TestApp::spawn(backend).await;
    let other = small.signed_up("ben@initrode.com").await;
    for (name, stage) in [("One", "ACTIVE"), ("Two", "ACTIVE"), ("Three", "PROSPECT")] {
        partner(
            &small,
            &other,
            json!({ "name": name, "type": "REFERRAL", "stage": stage }),
        )
        .await;
    }
    let thirds = gql(&small, &other, LIFECYCLE, json!({})).await["partnerLifecycle"].clone();
    let share = |key: &str| {
        thirds["summary"]
            .as_array()
            .and_then(|cards| cards.iter().find(|card| card["key"] == key))
            .map(|card| card["percentage"].clone())
    };
    assert_eq!(share("STAGE_ACTIVE"), Some(json!(66.7)));
    assert_eq!(share("STAGE_PROSPECT"), Some(json!(33.3)));
}

async fn visibility_is_per_person_and_per_dashboard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let member = app.invited(&owner, "bob@acme.io", "MEMBER").await;
    let tile = "mutation($input: SetTileVisibilityInput!) { setTileVisibility(input: $input) { visibility { dashboard tiles { key visible } metrics { key visible } } } }";
    let metric_mutation = "mutation($input: SetMetricVisibilityInput!) { setMetricVisibility(input: $input) { visibility { dashboard tiles { key visible } metrics { key visible } } } }";
    let hidden = |visibility: &Value, list: &str| -> Vec<String> {
        visibility[list]
            .as_array()
            .expect("list")
            .iter()
            .filter(|item| item["visible"] == false)
            .map(|item| item["key"].as_str().expect("key").to_owned())
            .collect()
    };

    let after = gql(
        &app,
        &owner,
        tile,
        json!({ "input": { "dashboard": "EXECUTIVE", "tile": "AI_STRENGTHS", "visible": false } }),
    )
    .await;
    let visibility = &after["setTileVisibility"]["visibility"];
    assert_eq!(visibility["dashboard"], "EXECUTIVE");
    assert_eq!(hidden(visibility, "tiles"), ["AI_STRENGTHS"]);
    assert_eq!(visibility["metrics"].as_array().map(Vec::len), Some(9));
    let after = gql(
        &app,
        &owner,
        metric_mutation,
        json!({ "input": { "metric": "WIN_RATE", "visible": false } }),
    )
    .await;
    let visibility = &after["setMetricVisibility"]["visibility"];
    assert_eq!(hidden(visibility, "metrics"), ["WIN_RATE"]);
    assert_eq!(
        hidden(visibility, "tiles"),
        ["AI_STRENGTHS"],
        "still hidden"
    );
    gql(&app, &owner, tile, json!({ "input": { "dashboard": "LIFECYCLE", "tile": "COVERAGE_BY_REGION", "visible": false } })).await;
    // Hiding twice is the same as hiding once.
    gql(&app, &owner, tile, json!({ "input": { "dashboard": "LIFECYCLE", "tile": "COVERAGE_BY_REGION", "visible": false } })).await;

    // Hidden items are still returned, marked.
    let read = "{ executiveDashboard { aiStrengthsMessage tiles { key visible } metrics { key value visible } } partnerLifecycle { coverageByRegion { key } tiles { key visible } } }";
    let owners = gql(&app, &owner, read, json!({})).await;
    assert_eq!(
        hidden(&owners["executiveDashboard"], "tiles"),
        ["AI_STRENGTHS"]
    );
    assert_eq!(
        hidden(&owners["executiveDashboard"], "metrics"),
        ["WIN_RATE"]
    );
    assert_eq!(
        metric(&owners["executiveDashboard"], "WIN_RATE")["value"],
        "—"
    );
    assert!(owners["executiveDashboard"]["aiStrengthsMessage"].is_string());
    assert_eq!(
        hidden(&owners["partnerLifecycle"], "tiles"),
        ["COVERAGE_BY_REGION"]
    );
    assert!(owners["partnerLifecycle"]["coverageByRegion"].is_array());

    // Another person's dashboard is unaffected.
    let members = gql(
        &app,
        &member,
        "{ executiveDashboard { tiles { visible } metrics { visible } } }",
        json!({}),
    )
    .await;
    assert!(hidden(&members["executiveDashboard"], "tiles").is_empty());
    assert!(hidden(&members["executiveDashboard"], "metrics").is_empty());
    // A member hides what they like on the dashboard they may read.
    gql(
        &app,
        &member,
        tile,
        json!({ "input": { "dashboard": "EXECUTIVE", "tile": "METRICS", "visible": false } }),
    )
    .await;
    let owners = gql(&app, &owner, read, json!({})).await;
    assert_eq!(
        hidden(&owners["executiveDashboard"], "tiles"),
        ["AI_STRENGTHS"]
    );

    // Shown again, until hidden again.
    let shown = gql(
        &app,
        &owner,
        tile,
        json!({ "input": { "dashboard": "EXECUTIVE", "tile": "AI_STRENGTHS", "visible": true } }),
    )
    .await;
    assert!(hidden(&shown["setTileVisibility"]["visibility"], "tiles").is_empty());
    let owners = gql(&app, &owner, read, json!({})).await;
    assert!(hidden(&owners["executiveDashboard"], "tiles").is_empty());
    assert_eq!(
        hidden(&owners["executiveDashboard"], "metrics"),
        ["WIN_RATE"]
    );

    // A tile of the other dashboard.
    let wrong = app
        .query_as(&owner.access_token, tile, json!({ "input": { "dashboard": "EXECUTIVE", "tile": "COVERAGE_BY_REGION", "visible": false } }))
        .await;
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"), "{wrong}");
    assert_eq!(field(&wrong), Some("input.tile"));
    // Members may not read the lifecycle view, so they keep no preferences for it.
    let forbidden = app
        .query_as(&member.access_token, tile, json!({ "input": { "dashboard": "LIFECYCLE", "tile": "COVERAGE_BY_REGION", "visible": false } }))
        .await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"), "{forbidden}");

    // API keys read everything as shown and keep no preferences.
    let key = gql(
        &app,
        &owner,
        "mutation { createApiKey(input: { name: \"BI\", role: ADMIN }) { secret } }",
        json!({}),
    )
    .await;
    let secret = key["createApiKey"]["secret"].as_str().expect("secret");
    let by_key = app.query_as(secret, read, json!({})).await;
    assert!(by_key["errors"].is_null(), "{by_key}");
    assert!(hidden(&by_key["data"]["executiveDashboard"], "tiles").is_empty());
    assert!(hidden(&by_key["data"]["executiveDashboard"], "metrics").is_empty());
    let refused = app
        .query_as(
            secret,
            metric_mutation,
            json!({ "input": { "metric": "WIN_RATE", "visible": false } }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
}

async fn roles_decide_who_reads_which_dashboard(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let partner_id = partner(&app, &owner, json!({ "name": "Acme", "type": "RESELLER" })).await;
    let partner_user = app
        .partner_user(&owner, "pat@acme-partner.com", &partner_id)
        .await;
    let executive = "{ executiveDashboard { metrics { key } } }";
    let lifecycle = "{ partnerLifecycle { totalPartners } }";
    for (role, email, lifecycle_code) in [
        ("ADMIN", "adam@acme.io", None),
        ("PARTNER_MANAGER", "pam@acme.io", None),
        ("MEMBER", "mia@acme.io", Some("FORBIDDEN")),
        ("VIEWER", "vic@acme.io", Some("FORBIDDEN")),
    ] {
        let session = app.invited(&owner, email, role).await;
        let body = app
            .query_as(&session.access_token, executive, json!({}))
            .await;
        assert!(body["errors"].is_null(), "{role}: {body}");
        let body = app
            .query_as(&session.access_token, lifecycle, json!({}))
            .await;
        assert_eq!(error_code(&body), lifecycle_code, "{role}: {body}");
        if lifecycle_code.is_none() {
            assert_eq!(
                body["data"]["partnerLifecycle"]["totalPartners"], 1,
                "{role}"
            );
        }
    }
    let owners = app
        .query_as(&owner.access_token, lifecycle, json!({}))
        .await;
    assert!(owners["errors"].is_null(), "{owners}");
    // Partner-role users do not learn the dashboards exist.
    let tile = "mutation { setTileVisibility(input: { dashboard: EXECUTIVE, tile: METRICS, visible: false }) { visibility { dashboard } } }";
    let metric_mutation = "mutation { setMetricVisibility(input: { metric: WIN_RATE, visible: false }) { visibility { dashboard } } }";
    for document in [executive, lifecycle, tile, metric_mutation] {
        let body = app
            .query_as(&partner_user.access_token, document, json!({}))
            .await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{document}: {body}");
        assert!(body["data"].is_null(), "{body}");
    }
    // Anonymous callers sign in first.
    let anonymous = app.query(executive).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}

async fn a_whole_dashboard_costs_the_same_statements_for_5_and_50_partners(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let segment = gql(&app, &owner, "mutation { createSegment(input: { name: \"Everyone\", family: MARKET }) { segment { id } } }", json!({})).await;
    let segment = segment["createSegment"]["segment"]["id"].clone();
    let track = gql(&app, &owner, "mutation($segment: ID!) { createTrack(input: { segmentId: $segment, name: \"All\", partnerTypes: [RESELLER] }) { track { id } } }", json!({ "segment": segment })).await;
    let tier = gql(&app, &owner, "mutation($track: ID!) { createTier(input: { trackId: $track, name: \"Base\" }) { tier { id } } }", json!({ "track": track["createTrack"]["track"]["id"] })).await;
    let tier = tier["createTier"]["tier"]["id"].clone();
    let whole = "query($filter: ExecutiveDashboardFilterInput) { executiveDashboard(filter: $filter) { \
        metrics { key value visible } aiStrengths { label partnerCount } aiStrengthsMessage \
        areasToAddress { dimension partnerCount partners { id name fitScore } } \
        pipelineByStage { key value { amountMinor } } revenueByIndustry { key value { amountMinor } } \
        pipelineByIndustry { key value { amountMinor } } tiles { key visible } } }";
    let mut costs = Vec::new();
    let mut created = 0;
    for size in [5, 50] {
        while created < size {
            let name = format!("Partner {created:02}");
            let id = partner(&app, &owner, json!({ "name": name, "type": "RESELLER", "industry": format!("Industry {}", created % 7), "regions": [format!("R{}", created % 4)], "subtype": format!("S{}", created % 3), "fitScore": 40 + created % 50 })).await;
            if created % 2 == 0 {
                deal(&app, &owner, &id, 1_000, Some("WON")).await;
            }
            let strengths: &[(&str, Option<&str>, Option<i16>)] = if created % 3 == 0 {
                &[("Grit", None, Some(5))]
            } else {
                &[]
            };
            analysed(
                &app,
                &name,
                [Some(10), Some(20), Some(30), Some(40)],
                strengths,
            )
            .await;
            created += 1;
        }
        let mut cost = Vec::new();
        for (document, variables) in [
            (whole, json!({})),
            (
                whole,
                json!({ "filter": { "segmentId": segment, "tierId": tier } }),
            ),
            (LIFECYCLE, json!({})),
        ] {
            let before = app.db.statements_executed();
            let body = app.query_as(&owner.access_token, document, variables).await;
            cost.push(app.db.statements_executed() - before);
            assert!(body["errors"].is_null(), "{body}");
            if let Some(dashboard) = body["data"]["executiveDashboard"].as_object() {
                assert_eq!(
                    metric(&body["data"]["executiveDashboard"], "TOTAL_PARTNERS")["value"],
                    size.to_string()
                );
                let areas = dashboard["areasToAddress"].as_array().expect("areas");
                assert_eq!(areas.len(), 4);
                assert!(
                    areas
                        .iter()
                        .all(|a| a["partners"].as_array().map(Vec::len) == Some(5)
                            && a["partnerCount"] == size)
                );
            }
        }
        costs.push(cost);
    }
    // The whole executive dashboard: authentication, the filter and currency, your
    // visibility, then one statement per tile (the two industry charts share one) and one for
    // the partners of every area to address.
    // The lifecycle view: authentication, your visibility, one statement per tile.
    assert_eq!(costs[0], [9, 9, 7], "5 partners");
    assert_eq!(costs[1], [9, 9, 7], "50 partners");
}

on_both_backends!(
    every_executive_tile_adds_up_the_partners_in_scope,
    the_filter_narrows_every_tile_to_a_segment_and_then_a_tier,
    an_empty_organisation_shows_zeros_and_the_no_strengths_message,
    the_lifecycle_view_counts_stages_statuses_and_coverage,
    visibility_is_per_person_and_per_dashboard,
    roles_decide_who_reads_which_dashboard,
    a_whole_dashboard_costs_the_same_statements_for_5_and_50_partners,
);

/// What a partner's `partner_facts` row must hold: `(partner, name, stage, status, industry,
/// subtype, tier, archived, (pipeline, revenue, won, closed), (target, target currency),
/// (fit, health, capacity, capability, commitment, customer alignment))`.
type Facts = (
    DbUuid,
    String,
    (String, String, Option<String>, Option<String>),
    Option<DbUuid>,
    bool,
    (i64, i64, i64, i64),
    (Option<i64>, Option<String>),
    (
        Option<i16>,
        Option<i16>,
        Option<i16>,
        Option<i16>,
        Option<i16>,
        Option<i16>,
    ),
);

/// Every `partner_facts` row, and the same recomputed from the tables it copies.
async fn facts_and_sources(app: &TestApp) -> (Vec<Facts>, Vec<Facts>) {
    use partnergraph_persistence::schema::{
        partner_facts as f, partner_financials, partner_joint_plans,
    };
    let mut conn = app.db.conn().await.expect("conn");
    let facts: Vec<Facts> = run!(&mut conn, |c| f::table
        .order(f::partner_id)
        .select((
            f::partner_id,
            f::name,
            (f::stage, f::status, f::industry, f::subtype),
            f::tier_id,
            f::archived_at.is_not_null(),
            (
                f::pipeline_minor,
                f::revenue_minor,
                f::won_deals,
                f::closed_deals
            ),
            (f::target_minor, f::target_currency),
            (
                f::fit_score,
                f::health_score,
                f::capacity_score,
                f::capability_score,
                f::commitment_score,
                f::customer_alignment_score,
            ),
        ))
        .load(c)
        .await)
    .expect("facts");
    let sources: Vec<Facts> = run!(&mut conn, |c| partners::table
        .inner_join(
            partner_financials::table.on(partner_financials::org_id
                .eq(partners::org_id)
                .and(partner_financials::partner_id.eq(partners::id))),
        )
        .inner_join(
            partner_insights::table.on(partner_insights::org_id
                .eq(partners::org_id)
                .and(partner_insights::partner_id.eq(partners::id))),
        )
        .inner_join(
            partner_joint_plans::table.on(partner_joint_plans::org_id
                .eq(partners::org_id)
                .and(partner_joint_plans::partner_id.eq(partners::id))),
        )
        .order(partners::id)
        .select((
            partners::id,
            partners::name,
            (
                partners::stage,
                partners::status,
                partners::industry,
                partners::subtype,
            ),
            partners::tier_id,
            partners::archived_at.is_not_null(),
            (
                partner_financials::pipeline_minor,
                partner_financials::revenue_minor,
                partner_financials::won_deals,
                partner_financials::closed_deals,
            ),
            (
                partner_joint_plans::annual_revenue_target_minor,
                partner_joint_plans::currency.nullable(),
            ),
            (
                partner_insights::fit_score,
                partner_insights::health_score,
                partner_insights::capacity_score,
                partner_insights::capability_score,
                partner_insights::commitment_score,
                partner_insights::customer_alignment_score,
            ),
        ))
        .load(c)
        .await)
    .expect("sources");
    (facts, sources)
}

/// The tiles read `partner_facts`, which triggers keep equal to the partner tables: after
/// creates, deals won and lost, AI analyses, tier placement and archiving (the seeded program),
/// then a profile update, a manual tier, an unarchive, a deletion and another won deal.
async fn partner_facts_stay_equal_to_their_sources_through_every_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (owner, program) = seeded(&app).await;
    let (facts, sources) = facts_and_sources(&app).await;
    assert_eq!(facts.len(), 5);
    assert_eq!(facts, sources);

    let listed = gql(
        &app,
        &owner,
        "{ partners(first: 10, filter: { includeArchived: true }) { edges { node { id name version } } } }",
        json!({}),
    )
    .await;
    let node = |name: &str| {
        listed["partners"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|edge| &edge["node"])
            .find(|node| node["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {listed}"))
            .clone()
    };
    let (globex, initech, hooli, umbrella) = (
        node("Globex"),
        node("Initech"),
        node("Hooli"),
        node("Umbrella"),
    );
    gql(
        &app,
        &owner,
        "mutation($input: UpdatePartnerInput!) { updatePartner(input: $input) { partner { id } } }",
        json!({ "input": { "id": globex["id"], "expectedVersion": globex["version"], "patch": {
            "name": "Globex Corp", "industry": "Retail", "stage": "SCALING", "status": "ACTIVE",
            "subtype": null, "fitScore": 95, "annualRevenueTarget": { "amountMinor": "777", "currency": "USD" } } } }),
    )
    .await;
    gql(
        &app,
        &owner,
        "mutation($input: SetPartnerTierInput!) { setPartnerTier(input: $input) { partner { id } } }",
        json!({ "input": { "partnerId": initech["id"], "tierId": program.gold, "reason": "Strategic" } }),
    )
    .await;
    gql(
        &app,
        &owner,
        "mutation($id: ID!) { archivePartner(input: { id: $id, archived: false }) { partner { id } } }",
        json!({ "id": umbrella["id"] }),
    )
    .await;
    gql(
        &app,
        &owner,
        "mutation($id: ID!) { deletePartner(input: { id: $id }) { deletedPartnerId } }",
        json!({ "id": hooli["id"] }),
    )
    .await;
    deal(
        &app,
        &owner,
        globex["id"].as_str().expect("id"),
        4_000,
        Some("WON"),
    )
    .await;

    let (facts, sources) = facts_and_sources(&app).await;
    assert_eq!(facts.len(), 4);
    assert_eq!(facts, sources);
    let globex_facts = facts
        .iter()
        .find(|row| row.1 == "Globex Corp")
        .expect("renamed");
    assert_eq!(globex_facts.2.0, "scaling");
    assert_eq!(globex_facts.5.1, 10_000 + 4_000);
    assert_eq!(globex_facts.6.0, Some(777));
}

on_both_backends!(partner_facts_stay_equal_to_their_sources_through_every_write);
