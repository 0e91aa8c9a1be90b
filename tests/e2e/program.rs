//! The partner program configuration: seeding the defaults, reading it (rule notes for
//! admins only), creating, changing, reordering and deleting segments, tracks and tiers,
//! rule validation naming the bad rule, the type-to-tier cascade, and deletions that leave
//! no partner pointing at a tier that is gone.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use partnergraph_persistence::run;
use partnergraph_persistence::schema::{partner_tier_changes, partners, program_tiers};
use partnergraph_persistence::types::DbUuid;
use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

const RULE: &str = "field operator value min max values condition notes";

fn program_query() -> String {
    format!(
        "{{ program {{ segments {{ id name description family sortOrder requirementLogic {{ {RULE} }} tracks {{ id name slug description sortOrder partnerTypes tiers {{ id name color sortOrder requirementLogic {{ {RULE} }} }} }} }} }} }}"
    )
}

async fn read_program(app: &TestApp, session: &Session) -> Value {
    app.query_as(&session.access_token, &program_query(), json!({}))
        .await
}

async fn seed(app: &TestApp, session: &Session) -> Value {
    app.query_as(
        &session.access_token,
        "mutation { seedDefaultProgram { created program { segments { name tracks { slug tiers { name } } } } } }",
        json!({}),
    )
    .await
}

/// Runs a mutation and returns `data.<name>`, panicking with the body on failure.
async fn mutate(
    app: &TestApp,
    session: &Session,
    name: &str,
    input_type: &str,
    selection: &str,
    input: Value,
) -> Value {
    let body = call(app, session, name, input_type, selection, input).await;
    let data = &body["data"][name];
    assert!(data.is_object(), "{name} failed: {body}");
    data.clone()
}

async fn call(
    app: &TestApp,
    session: &Session,
    name: &str,
    input_type: &str,
    selection: &str,
    input: Value,
) -> Value {
    app.query_as(
        &session.access_token,
        &format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}"),
        json!({ "input": input }),
    )
    .await
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| item["name"].as_str().expect("name").to_owned())
        .collect()
}

fn id(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {value}"))
        .to_owned()
}

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

async fn seeded_defaults_read_back_with_rule_notes_for_admins_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let admin = app.invited(&owner, "ada@acme.io", "ADMIN").await;
    let member = app.invited(&owner, "max@acme.io", "MEMBER").await;

    let empty = read_program(&app, &admin).await;
    assert_eq!(empty["data"]["program"]["segments"], json!([]), "{empty}");
    let forbidden = read_program(&app, &member).await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"), "{forbidden}");
    let member_seed = seed(&app, &member).await;
    assert_eq!(error_code(&member_seed), Some("FORBIDDEN"), "{member_seed}");

    let seeded = seed(&app, &admin).await;
    assert_eq!(
        seeded["data"]["seedDefaultProgram"]["created"], true,
        "{seeded}"
    );
    let body = read_program(&app, &admin).await;
    let segments = body["data"]["program"]["segments"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .clone();
    assert_eq!(segments.len(), 3, "{body}");
    let mut families: Vec<&str> = segments
        .iter()
        .map(|s| s["family"].as_str().expect("family"))
        .collect();
    families.sort_unstable();
    assert_eq!(families, ["MARKET", "SERVICES", "TECHNOLOGY"]);
    for segment in &segments {
        let tracks = segment["tracks"].as_array().expect("tracks");
        assert_eq!(tracks.len(), 1, "{segment}");
        assert_eq!(
            names(&tracks[0]["tiers"]),
            ["Platinum", "Gold", "Silver", "Bronze", "Registered"]
        );
        assert!(
            !tracks[0]["partnerTypes"]
                .as_array()
                .expect("types")
                .is_empty()
        );
        // Admins see why each rule exists.
        assert!(
            segment["requirementLogic"][0]["notes"].is_string(),
            "{segment}"
        );
    }
    let solution = segments
        .iter()
        .find(|s| s["name"] == "Solution partners")
        .expect("solution partners");
    assert_eq!(solution["tracks"][0]["slug"], "solution-partners");
    let platinum = &solution["tracks"][0]["tiers"][0];
    assert_eq!(platinum["color"].as_str().map(str::is_empty), Some(false));
    let rules = platinum["requirementLogic"].as_array().expect("rules");
    assert!(
        rules.contains(&json!({ "field": "CLOSED_DEALS", "operator": "GTE", "value": "20", "min": null, "max": null, "values": null, "condition": "at least 20", "notes": null })),
        "{platinum}"
    );
    assert!(
        rules.iter().any(|r| r["field"] == "REVENUE"
            && r["value"] == "100000000"
            && r["notes"].is_string()),
        "{platinum}"
    );

    // Every internal role sees the type-to-tier cascade, without rule notes.
    let cascade = app
        .query_as(
            &member.access_token,
            &format!("{{ tiersForPartnerType(type: CONSULTING) {{ id name sortOrder requirementLogic {{ {RULE} }} }} }}"),
            json!({}),
        )
        .await;
    let tiers = &cascade["data"]["tiersForPartnerType"];
    assert_eq!(
        names(tiers),
        ["Platinum", "Gold", "Silver", "Bronze", "Registered"],
        "{cascade}"
    );
    assert!(
        tiers
            .as_array()
            .expect("tiers")
            .iter()
            .flat_map(|t| t["requirementLogic"].as_array().expect("rules"))
            .all(|r| r["notes"].is_null()),
        "{cascade}"
    );
    // A tier is a node for the member too; a segment is not.
    let tier_node = app
        .query_as(
            &member.access_token,
            "query($id: ID!) { node(id: $id) { id ... on Tier { name } } }",
            json!({ "id": tiers[0]["id"] }),
        )
        .await;
    assert_eq!(tier_node["data"]["node"]["name"], "Platinum", "{tier_node}");
    let segment_node = app
        .query_as(
            &member.access_token,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": solution["id"] }),
        )
        .await;
    assert_eq!(
        error_code(&segment_node),
        Some("NOT_FOUND"),
        "{segment_node}"
    );
    let admin_node = app
        .query_as(
            &admin.access_token,
            "query($id: ID!) { node(id: $id) { id ... on Segment { name tracks { slug } } } }",
            json!({ "id": solution["id"] }),
        )
        .await;
    assert_eq!(
        admin_node["data"]["node"]["name"], "Solution partners",
        "{admin_node}"
    );

    // Partner-role users do not learn the program exists.
    let acme = partner(&app, &owner, "Initech").await;
    let portal = app.partner_user(&owner, "pat@initech.com", &acme).await;
    let hidden = read_program(&app, &portal).await;
    assert_eq!(error_code(&hidden), Some("NOT_FOUND"), "{hidden}");
    let hidden = app
        .query_as(
            &portal.access_token,
            "{ tiersForPartnerType(type: RESELLER) { name } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&hidden), Some("NOT_FOUND"), "{hidden}");
}

async fn seeding_again_is_a_no_op_and_after_an_edit_it_is_a_conflict(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let first = seed(&app, &owner).await;
    assert_eq!(
        first["data"]["seedDefaultProgram"]["created"], true,
        "{first}"
    );
    let before = read_program(&app, &owner).await;
    let again = seed(&app, &owner).await;
    assert_eq!(
        again["data"]["seedDefaultProgram"]["created"], false,
        "{again}"
    );
    assert_eq!(
        again["data"]["seedDefaultProgram"]["program"],
        first["data"]["seedDefaultProgram"]["program"]
    );
    assert_eq!(read_program(&app, &owner).await, before, "nothing changed");

    let tier = &before["data"]["program"]["segments"][0]["tracks"][0]["tiers"][1];
    mutate(
        &app,
        &owner,
        "updateTier",
        "UpdateTierInput",
        "tier { id color }",
        json!({ "id": tier["id"], "color": "RED" }),
    )
    .await;
    let edited = read_program(&app, &owner).await;
    let refused = seed(&app, &owner).await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    assert_eq!(read_program(&app, &owner).await, edited, "nothing written");
}

async fn segments_tracks_and_tiers_are_created_changed_reordered_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let segment = mutate(
        &app,
        &owner,
        "createSegment",
        "CreateSegmentInput",
        &format!("segment {{ id name description family sortOrder requirementLogic {{ {RULE} }} tracks {{ id }} }}"),
        json!({
            "name": "  Cloud marketplaces ",
            "description": "Hyperscaler marketplaces.",
            "family": "MARKET",
            "requirementLogic": [
                { "field": "REGIONS", "operator": "INCLUDES_ANY", "values": ["EMEA", "na"], "notes": "Where we sell." },
            ],
        }),
    )
    .await["segment"]
        .clone();
    assert_eq!(segment["name"], "Cloud marketplaces");
    assert_eq!(segment["sortOrder"], 1);
    assert_eq!(
        segment["requirementLogic"],
        json!([{ "field": "REGIONS", "operator": "INCLUDES_ANY", "value": null, "min": null, "max": null, "values": ["emea", "na"], "condition": "any of emea, na", "notes": "Where we sell." }])
    );
    let segment_id = id(&segment);
    let second = mutate(
        &app,
        &owner,
        "createSegment",
        "CreateSegmentInput",
        "segment { id sortOrder }",
        json!({ "name": "Integrations", "family": "TECHNOLOGY" }),
    )
    .await;
    assert_eq!(second["segment"]["sortOrder"], 2, "appended after the last");

    // Slugs come from the name and stay unique in the organisation.
    let track_selection =
        "track { id name slug description sortOrder partnerTypes tiers { id name sortOrder } }";
    let new_track = |name: &str| json!({ "segmentId": segment_id, "name": name, "partnerTypes": ["RESELLER", "CHANNEL", "RESELLER"] });
    let first = mutate(
        &app,
        &owner,
        "createTrack",
        "CreateTrackInput",
        track_selection,
        new_track("Cloud Resellers"),
    )
    .await["track"]
        .clone();
    assert_eq!(first["slug"], "cloud-resellers");
    assert_eq!(first["partnerTypes"], json!(["RESELLER", "CHANNEL"]));
    assert_eq!(first["sortOrder"], 1);
    let twin = mutate(
        &app,
        &owner,
        "createTrack",
        "CreateTrackInput",
        track_selection,
        new_track("Cloud  resellers!"),
    )
    .await["track"]
        .clone();
    assert_eq!(twin["slug"], "cloud-resellers-2");
    assert_eq!(twin["sortOrder"], 2);
    let taken = call(
        &app,
        &owner,
        "createTrack",
        "CreateTrackInput",
        "track { id }",
        json!({ "segmentId": segment_id, "name": "Other", "slug": "cloud-resellers", "partnerTypes": ["REFERRAL"] }),
    )
    .await;
    assert_eq!(error_code(&taken), Some("CONFLICT"), "{taken}");
    for (input, field) in [
        (
            json!({ "segmentId": segment_id, "name": "Other", "slug": "Not A Slug", "partnerTypes": ["REFERRAL"] }),
            "input.slug",
        ),
        (
            json!({ "segmentId": segment_id, "name": "Other", "partnerTypes": [] }),
            "input.partnerTypes",
        ),
        (
            json!({ "segmentId": segment_id, "name": "   ", "partnerTypes": ["REFERRAL"] }),
            "input.name",
        ),
    ] {
        let body = call(
            &app,
            &owner,
            "createTrack",
            "CreateTrackInput",
            "track { id }",
            input,
        )
        .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    // Renaming keeps the slug; an explicit slug replaces it.
    let renamed = mutate(
        &app,
        &owner,
        "updateTrack",
        "UpdateTrackInput",
        track_selection,
        json!({ "id": twin["id"], "name": "Marketplace resellers", "partnerTypes": ["REFERRAL"] }),
    )
    .await["track"]
        .clone();
    assert_eq!(renamed["name"], "Marketplace resellers");
    assert_eq!(renamed["slug"], "cloud-resellers-2");
    assert_eq!(renamed["partnerTypes"], json!(["REFERRAL"]));
    let reslugged = mutate(
        &app,
        &owner,
        "updateTrack",
        "UpdateTrackInput",
        "track { slug }",
        json!({ "id": twin["id"], "slug": "marketplace" }),
    )
    .await;
    assert_eq!(reslugged["track"]["slug"], "marketplace");

    // Tiers: appended in order, then ranked anew.
    let track_id = id(&first);
    let mut tier_ids = Vec::new();
    for (name, color) in [("Gold", "AMBER"), ("Silver", "SLATE"), ("Bronze", "ORANGE")] {
        let tier = mutate(
            &app,
            &owner,
            "createTier",
            "CreateTierInput",
            "tier { id name color sortOrder }",
            json!({ "trackId": track_id, "name": name, "color": color }),
        )
        .await["tier"]
            .clone();
        assert_eq!(tier["color"], color);
        tier_ids.push(id(&tier));
    }
    let cascade = |partner_type: &'static str| {
        let app = &app;
        let owner = &owner;
        async move {
            let body = app
                .query_as(
                    &owner.access_token,
                    "query($type: PartnerType!) { tiersForPartnerType(type: $type) { name sortOrder } }",
                    json!({ "type": partner_type }),
                )
                .await;
            names(&body["data"]["tiersForPartnerType"])
        }
    };
    assert_eq!(cascade("CHANNEL").await, ["Gold", "Silver", "Bronze"]);
    let reordered = mutate(
        &app,
        &owner,
        "reorderTiers",
        "ReorderTiersInput",
        "track { tiers { name sortOrder } }",
        json!({ "trackId": track_id, "tierIds": [tier_ids[2], tier_ids[0], tier_ids[1]] }),
    )
    .await;
    assert_eq!(
        reordered["track"]["tiers"],
        json!([{ "name": "Bronze", "sortOrder": 1 }, { "name": "Gold", "sortOrder": 2 }, { "name": "Silver", "sortOrder": 3 }])
    );
    assert_eq!(cascade("CHANNEL").await, ["Bronze", "Gold", "Silver"]);
    let partial = call(
        &app,
        &owner,
        "reorderTiers",
        "ReorderTiersInput",
        "track { id }",
        json!({ "trackId": track_id, "tierIds": [tier_ids[0]] }),
    )
    .await;
    assert_eq!(error_code(&partial), Some("BAD_USER_INPUT"), "{partial}");
    assert_eq!(partial["errors"][0]["extensions"]["field"], "input.tierIds");
    let updated = mutate(
        &app,
        &owner,
        "updateTier",
        "UpdateTierInput",
        &format!("tier {{ name color sortOrder requirementLogic {{ {RULE} }} }}"),
        json!({ "id": tier_ids[0], "name": "Gold+", "sortOrder": 0, "requirementLogic": [
            { "field": "closedDeals", "operator": "BETWEEN", "min": "5", "max": 10 },
            { "field": "annual_revenue_target", "operator": "GTE", "value": "250000000" },
        ] }),
    )
    .await;
    assert_eq!(updated["tier"]["name"], "Gold+");
    assert_eq!(updated["tier"]["color"], "AMBER", "unchanged");
    assert_eq!(
        updated["tier"]["requirementLogic"][0]["condition"],
        "between 5 and 10"
    );
    assert_eq!(updated["tier"]["requirementLogic"][1]["value"], "250000000");
    assert_eq!(cascade("CHANNEL").await, ["Gold+", "Bronze", "Silver"]);

    // Segment changes.
    let changed = mutate(
        &app,
        &owner,
        "updateSegment",
        "UpdateSegmentInput",
        "segment { name description family requirementLogic { field } }",
        json!({ "id": segment_id, "name": "Marketplaces", "description": " ", "family": "SERVICES", "requirementLogic": [] }),
    )
    .await;
    assert_eq!(
        changed["segment"],
        json!({ "name": "Marketplaces", "description": null, "family": "SERVICES", "requirementLogic": [] })
    );

    // Deleting a track deletes its tiers; deleting a segment deletes its tracks.
    let deleted = mutate(
        &app,
        &owner,
        "deleteTrack",
        "DeleteTrackInput",
        "deletedId untieredPartnerCount",
        json!({ "id": track_id }),
    )
    .await;
    assert_eq!(deleted["deletedId"], track_id.as_str());
    assert_eq!(deleted["untieredPartnerCount"], 0);
    assert!(cascade("CHANNEL").await.is_empty());
    let gone = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": tier_ids[1] }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone}");
    mutate(
        &app,
        &owner,
        "deleteSegment",
        "DeleteSegmentInput",
        "deletedId",
        json!({ "id": segment_id }),
    )
    .await;
    let program = read_program(&app, &owner).await;
    assert_eq!(
        names(&program["data"]["program"]["segments"]),
        ["Integrations"]
    );
    let again = call(
        &app,
        &owner,
        "deleteSegment",
        "DeleteSegmentInput",
        "deletedId",
        json!({ "id": segment_id }),
    )
    .await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"), "{again}");
    let gone = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": renamed["id"] }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone}");
}

async fn invalid_rules_are_refused_naming_the_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let segment = mutate(
        &app,
        &owner,
        "createSegment",
        "CreateSegmentInput",
        "segment { id }",
        json!({ "name": "Resellers", "family": "MARKET" }),
    )
    .await;
    let track = mutate(
        &app,
        &owner,
        "createTrack",
        "CreateTrackInput",
        "track { id }",
        json!({ "segmentId": segment["segment"]["id"], "name": "Resellers", "partnerTypes": ["RESELLER"] }),
    )
    .await;
    let valid = json!({ "field": "CLOSED_DEALS", "operator": "GTE", "value": "3" });
    for (rules, field, message) in [
        (
            json!([valid, { "field": "shoeSize", "operator": "GTE", "value": "3" }]),
            "input.requirementLogic[1]",
            "unknown field",
        ),
        (
            json!([{ "field": "REGIONS", "operator": "GTE", "value": "3" }]),
            "input.requirementLogic[0]",
            "cannot be used",
        ),
        (
            json!([valid, valid, { "field": "REVENUE", "operator": "BETWEEN", "min": "10", "max": "5" }]),
            "input.requirementLogic[2]",
            "greater than",
        ),
        (
            json!([{ "field": "TAGS", "operator": "INCLUDES_ALL", "values": [] }]),
            "input.requirementLogic[0]",
            "empty",
        ),
        (
            json!([{ "field": "FIT_SCORE", "operator": "GTE", "value": "lots" }]),
            "input.requirementLogic[0]",
            "whole number",
        ),
    ] {
        let body = call(
            &app,
            &owner,
            "createTier",
            "CreateTierInput",
            "tier { id }",
            json!({ "trackId": track["track"]["id"], "name": "Gold", "requirementLogic": rules }),
        )
        .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(message)),
            "{body}"
        );
    }
    // Segment logic is validated the same way, and nothing was written.
    let body = call(
        &app,
        &owner,
        "updateSegment",
        "UpdateSegmentInput",
        "segment { id }",
        json!({ "id": segment["segment"]["id"], "requirementLogic": [valid, { "field": "STAGE", "operator": "EQUALS", "value": "nowhere" }] }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "input.requirementLogic[1]",
        "{body}"
    );
    let program = read_program(&app, &owner).await;
    assert_eq!(
        program["data"]["program"]["segments"][0]["tracks"][0]["tiers"],
        json!([]),
        "{program}"
    );
    assert_eq!(
        program["data"]["program"]["segments"][0]["requirementLogic"],
        json!([])
    );
}

/// A `partner_tier_changes` row: from tier name, to tier, source, reason, actor kind.
type TierChange = (
    Option<String>,
    Option<DbUuid>,
    String,
    Option<String>,
    String,
);

/// Gives the partner named `partner` the tier named `tier`, as an evaluation would.
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

async fn tier_of(app: &TestApp, partner: &str) -> (Option<DbUuid>, Option<String>) {
    let mut conn = app.db.conn().await.expect("conn");
    let query = partners::table
        .filter(partners::name.eq(partner.to_owned()))
        .select((partners::tier_id, partners::tier_source));
    run!(&mut conn, |c| query.get_result(c).await).expect("partner")
}

async fn deleting_a_held_tier_leaves_no_partner_pointing_at_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    partner(&app, &owner, "Initech").await;
    partner(&app, &owner, "Globex").await;
    let segment = mutate(
        &app,
        &owner,
        "createSegment",
        "CreateSegmentInput",
        "segment { id }",
        json!({ "name": "Resellers", "family": "MARKET" }),
    )
    .await["segment"]
        .clone();
    let track = mutate(
        &app,
        &owner,
        "createTrack",
        "CreateTrackInput",
        "track { id }",
        json!({ "segmentId": segment["id"], "name": "Resellers", "partnerTypes": ["RESELLER"] }),
    )
    .await["track"]
        .clone();
    let mut tiers = Vec::new();
    for name in ["Doomed", "Also doomed"] {
        tiers.push(
            mutate(
                &app,
                &owner,
                "createTier",
                "CreateTierInput",
                "tier { id }",
                // Rules no partner meets, so only a person places partners here.
                json!({
                    "trackId": track["id"],
                    "name": name,
                    "requirementLogic": [{ "field": "closed_deals", "operator": "GTE", "value": "1000" }],
                }),
            )
            .await["tier"]
                .clone(),
        );
    }
    hold_tier(&app, "Initech", "Doomed").await;
    hold_tier(&app, "Globex", "Also doomed").await;

    let deleted = mutate(
        &app,
        &owner,
        "deleteTier",
        "DeleteTierInput",
        "deletedId untieredPartnerCount",
        json!({ "id": tiers[0]["id"] }),
    )
    .await;
    assert_eq!(deleted["untieredPartnerCount"], 1, "{deleted}");
    assert_eq!(tier_of(&app, "Initech").await, (None, None));
    assert!(tier_of(&app, "Globex").await.0.is_some(), "untouched");

    // Deleting the segment cascades to the track's remaining tier and its holder.
    let deleted = mutate(
        &app,
        &owner,
        "deleteSegment",
        "DeleteSegmentInput",
        "untieredPartnerCount",
        json!({ "id": segment["id"] }),
    )
    .await;
    assert_eq!(deleted["untieredPartnerCount"], 1, "{deleted}");
    assert_eq!(tier_of(&app, "Globex").await, (None, None));

    let mut conn = app.db.conn().await.expect("conn");
    let history = partner_tier_changes::table
        .select((
            partner_tier_changes::from_tier_name,
            partner_tier_changes::to_tier_id,
            partner_tier_changes::source,
            partner_tier_changes::reason,
            partner_tier_changes::actor_kind,
        ))
        .order(partner_tier_changes::from_tier_name);
    let rows: Vec<TierChange> = run!(&mut conn, |c| history.load(c).await).expect("history");
    let expected = |name: &str| {
        (
            Some(name.to_owned()),
            None,
            "auto".to_owned(),
            Some("tier deleted".to_owned()),
            "user".to_owned(),
        )
    };
    assert_eq!(rows, [expected("Also doomed"), expected("Doomed")]);
}

on_both_backends!(
    seeded_defaults_read_back_with_rule_notes_for_admins_only,
    seeding_again_is_a_no_op_and_after_an_edit_it_is_a_conflict,
    segments_tracks_and_tiers_are_created_changed_reordered_and_deleted,
    invalid_rules_are_refused_naming_the_rule,
    deleting_a_held_tier_leaves_no_partner_pointing_at_it,
);
