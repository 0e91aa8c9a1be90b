//! Saved views of the partners table: saving, applying (explicitly and by default), how
//! explicit arguments combine with a view, stale views, bad input, and whose views they are.

use partnergraph_tests::{Backend, Session, TestApp, error_code, node_strings, on_both_backends};
use serde_json::{Value, json};

const VIEW: &str = "id name filter orderBy { field direction } isDefault createdAt updatedAt";
const LIST: &str = "query($view: ID, $filter: PartnerFilterInput, $order: [PartnerOrder!], $first: Int, $after: String) { partners(view: $view, filter: $filter, orderBy: $order, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }";

fn field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

async fn seed(app: &TestApp, session: &Session) {
    for (name, kind, tag) in [
        ("Globex", "RESELLER", "Migration"),
        ("Initech", "REFERRAL", "Support"),
        ("Umbrella", "RESELLER", "Support"),
        ("Hooli", "TECHNOLOGY", "Migration"),
    ] {
        let body = app
            .query_as(
                &session.access_token,
                "mutation($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } } }",
                json!({ "input": { "name": name, "type": kind, "tags": [{ "category": "SERVICES", "value": tag }] } }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
}

async fn save(app: &TestApp, session: &Session, input: Value) -> Value {
    app.query_as(
        &session.access_token,
        &format!(
            "mutation($input: SaveViewInput!) {{ saveView(input: $input) {{ view {{ {VIEW} }} }} }}"
        ),
        json!({ "input": input }),
    )
    .await
}

async fn saved(app: &TestApp, session: &Session, input: Value) -> Value {
    let body = save(app, session, input).await;
    let view = body["data"]["saveView"]["view"].clone();
    assert!(view.is_object(), "save failed: {body}");
    view
}

async fn list(app: &TestApp, session: &Session, variables: Value) -> Value {
    app.query_as(&session.access_token, LIST, variables).await
}

fn names(body: &Value) -> Vec<String> {
    node_strings(&body["data"]["partners"], "name")
}

async fn views(app: &TestApp, session: &Session) -> Value {
    let body = app
        .query_as(
            &session.access_token,
            &format!("{{ partnerViews {{ {VIEW} }} }}"),
            json!({}),
        )
        .await;
    body["data"]["partnerViews"].clone()
}

async fn a_saved_view_supplies_filter_and_sort_and_arguments_replace_its_parts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    seed(&app, &owner).await;
    let resellers = saved(
        &app,
        &owner,
        json!({ "name": "  Resellers ", "filter": { "types": ["RESELLER", "TECHNOLOGY"] }, "orderBy": [{ "field": "NAME", "direction": "DESC" }] }),
    )
    .await;
    assert_eq!(resellers["name"], "Resellers");
    assert_eq!(
        resellers["filter"],
        json!({ "types": ["RESELLER", "TECHNOLOGY"] })
    );
    assert_eq!(
        resellers["orderBy"],
        json!([{ "field": "NAME", "direction": "DESC" }])
    );
    assert_eq!(resellers["isDefault"], false);
    saved(&app, &owner, json!({ "name": "All" })).await;
    let listed = views(&app, &owner).await;
    assert_eq!(
        listed
            .as_array()
            .map(|v| v.iter().map(|v| v["name"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("All"), json!("Resellers")]),
        "by name: {listed}"
    );

    let id = resellers["id"].clone();
    let by_view = list(&app, &owner, json!({ "view": id })).await;
    assert_eq!(
        names(&by_view),
        ["Umbrella", "Hooli", "Globex"],
        "{by_view}"
    );
    let resorted = list(
        &app,
        &owner,
        json!({ "view": id, "order": [{ "field": "NAME" }] }),
    )
    .await;
    assert_eq!(
        names(&resorted),
        ["Globex", "Hooli", "Umbrella"],
        "orderBy replaces the view's sort"
    );
    let refiltered = list(
        &app,
        &owner,
        json!({ "view": id, "filter": { "types": ["REFERRAL", "TECHNOLOGY"] } }),
    )
    .await;
    assert_eq!(
        names(&refiltered),
        ["Initech", "Hooli"],
        "filter replaces the view's filter, the sort stays"
    );

    // Cursors follow the view's sort, and belong to it.
    let first = list(&app, &owner, json!({ "view": id, "first": 2 })).await;
    assert_eq!(names(&first), ["Umbrella", "Hooli"]);
    let cursor = first["data"]["partners"]["pageInfo"]["endCursor"].clone();
    let next = list(
        &app,
        &owner,
        json!({ "view": id, "first": 2, "after": cursor }),
    )
    .await;
    assert_eq!(names(&next), ["Globex"], "{next}");
    let foreign = list(
        &app,
        &owner,
        json!({ "first": 2, "after": cursor, "filter": {} }),
    )
    .await;
    assert_eq!(
        field(&foreign),
        Some("after"),
        "a cursor of another sort is refused: {foreign}"
    );

    // Replacing a view keeps its ID and creation time.
    let renamed = saved(
        &app,
        &owner,
        json!({ "id": id, "name": "Channel", "filter": { "types": ["RESELLER"] } }),
    )
    .await;
    assert_eq!(renamed["id"], id);
    assert_eq!(renamed["createdAt"], resellers["createdAt"]);
    assert_eq!(renamed["orderBy"], json!([]));
    let by_renamed = list(&app, &owner, json!({ "view": id })).await;
    assert_eq!(names(&by_renamed), ["Globex", "Umbrella"], "{by_renamed}");
    let node = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { node(id: $id) { ... on SavedView { name } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["data"]["node"]["name"], "Channel", "{node}");
}

async fn the_default_view_applies_without_view_or_filter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    seed(&app, &owner).await;
    let support = saved(
        &app,
        &owner,
        json!({ "name": "Support", "filter": { "tags": [{ "category": "SERVICES", "values": ["Support"] }] }, "isDefault": true }),
    )
    .await;
    assert_eq!(support["isDefault"], true);
    assert_eq!(
        names(&list(&app, &owner, json!({})).await),
        ["Initech", "Umbrella"]
    );
    assert_eq!(
        names(
            &list(
                &app,
                &owner,
                json!({ "order": [{ "field": "NAME", "direction": "DESC" }] })
            )
            .await
        ),
        ["Umbrella", "Initech"],
        "an orderBy alone keeps the default view's filter"
    );
    assert_eq!(
        list(&app, &owner, json!({ "filter": {} })).await["data"]["partners"]["totalCount"],
        4,
        "a filter, even empty, sets the default view aside"
    );

    // One default per person: a new default takes it over.
    let migration = saved(
        &app,
        &owner,
        json!({ "name": "Migration", "filter": { "tags": [{ "category": "SERVICES", "values": ["Migration"] }] }, "isDefault": true }),
    )
    .await;
    let defaults: Vec<Value> = views(&app, &owner)
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|v| v["isDefault"] == true)
        .map(|v| v["name"].clone())
        .collect();
    assert_eq!(defaults, [json!("Migration")]);
    assert_eq!(
        names(&list(&app, &owner, json!({})).await),
        ["Globex", "Hooli"]
    );

    let set_default =
        "mutation($id: ID) { setDefaultView(input: { id: $id }) { view { name isDefault } } }";
    let back = app
        .query_as(
            &owner.access_token,
            set_default,
            json!({ "id": support["id"] }),
        )
        .await;
    assert_eq!(
        back["data"]["setDefaultView"]["view"],
        json!({ "name": "Support", "isDefault": true }),
        "{back}"
    );
    assert_eq!(
        names(&list(&app, &owner, json!({})).await),
        ["Initech", "Umbrella"]
    );
    let cleared = app
        .query_as(&owner.access_token, set_default, json!({ "id": null }))
        .await;
    assert_eq!(
        cleared["data"]["setDefaultView"]["view"],
        Value::Null,
        "{cleared}"
    );
    assert_eq!(
        list(&app, &owner, json!({})).await["data"]["partners"]["totalCount"],
        4
    );

    app.query_as(
        &owner.access_token,
        set_default,
        json!({ "id": migration["id"] }),
    )
    .await;
    let deleted = app
        .query_as(
            &owner.access_token,
            "mutation($id: ID!) { deleteView(input: { id: $id }) { deletedViewId } }",
            json!({ "id": migration["id"] }),
        )
        .await;
    assert_eq!(
        deleted["data"]["deleteView"]["deletedViewId"], migration["id"],
        "{deleted}"
    );
    assert_eq!(
        list(&app, &owner, json!({})).await["data"]["partners"]["totalCount"],
        4,
        "deleting the default view leaves none"
    );
    let again = list(&app, &owner, json!({ "view": migration["id"] })).await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"), "{again}");
}

async fn a_view_naming_a_vanished_tag_still_opens_the_table(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let created = app
        .query_as(
            &owner.access_token,
            "mutation { createPartner(input: { name: \"Globex\", type: RESELLER, tags: [{ category: SERVICES, value: \"Legacy\" }] }) { partner { id } } }",
            json!({}),
        )
        .await;
    let partner = created["data"]["createPartner"]["partner"]["id"].clone();
    let filter = json!({ "tags": [{ "category": "SERVICES", "values": ["Legacy"] }] });
    let legacy = saved(
        &app,
        &owner,
        json!({ "name": "Legacy", "filter": filter, "isDefault": true }),
    )
    .await;
    assert_eq!(
        names(&list(&app, &owner, json!({ "view": legacy["id"] })).await),
        ["Globex"]
    );
    // The last partner with the tag loses it: the tag no longer exists.
    app.query_as(
        &owner.access_token,
        "mutation($id: ID!) { updatePartner(input: { id: $id, expectedVersion: 1, patch: { tags: [] } }) { partner { id } } }",
        json!({ "id": partner }),
    )
    .await;
    let refused = list(&app, &owner, json!({ "filter": filter })).await;
    assert_eq!(
        field(&refused),
        Some("filter.tags[0].values"),
        "a typed filter is refused: {refused}"
    );
    for variables in [json!({ "view": legacy["id"] }), json!({})] {
        let body = list(&app, &owner, variables.clone()).await;
        assert!(body["errors"].is_null(), "{variables}: {body}");
        assert_eq!(
            body["data"]["partners"]["totalCount"], 0,
            "the vanished tag matches no partner"
        );
    }
}

async fn bad_views_name_the_field_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    seed(&app, &owner).await;
    saved(&app, &owner, json!({ "name": "Mine" })).await;
    for (input, expected) in [
        (json!({ "name": "   " }), "input.name"),
        (json!({ "name": "v".repeat(101) }), "input.name"),
        (json!({ "name": "Mine" }), "input.name"),
        (
            json!({ "name": "Tags", "filter": { "tags": [{ "category": "SERVICES", "values": ["Nope"] }] } }),
            "input.filter.tags[0].values",
        ),
        (
            json!({ "name": "Range", "filter": { "employees": { "gte": 10, "lte": 1 } } }),
            "input.filter.employees",
        ),
        (
            json!({ "name": "Two", "orderBy": [{ "field": "NAME" }, { "field": "TYPE" }] }),
            "input.orderBy",
        ),
        (json!({ "name": "Id", "id": owner.user_id }), "input.id"),
    ] {
        let body = save(&app, &owner, input.clone()).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{input}: {body}");
        assert_eq!(field(&body), Some(expected), "{input}: {body}");
    }
    let listed = views(&app, &owner).await;
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "nothing was written: {listed}"
    );
    let bad_view = list(&app, &owner, json!({ "view": owner.user_id })).await;
    assert_eq!(field(&bad_view), Some("view"), "{bad_view}");
}

async fn a_person_keeps_at_most_100_views(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    for batch in 0..4 {
        let fields: String = (0..25)
            .map(|i| format!("v{i}: saveView(input: {{ name: \"View {batch}-{i:02}\" }}) {{ view {{ id }} }} "))
            .collect();
        let body = app
            .query_as(
                &owner.access_token,
                &format!("mutation {{ {fields} }}"),
                json!({}),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let refused = save(&app, &owner, json!({ "name": "One too many" })).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert_eq!(
        views(&app, &owner).await.as_array().map(Vec::len),
        Some(100)
    );
}

async fn views_are_personal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    seed(&app, &owner).await;
    let colleague = app.invited(&owner, "mo@acme.io", "MEMBER").await;
    let viewer = app.invited(&owner, "vic@acme.io", "VIEWER").await;
    let secret = saved(&app, &owner, json!({ "name": "Ana's secret view", "filter": { "types": ["RESELLER"] }, "isDefault": true })).await;
    let id = secret["id"].clone();

    let theirs = saved(&app, &colleague, json!({ "name": "Ana's secret view" })).await;
    assert_eq!(theirs["isDefault"], false, "names are unique per person");
    assert_eq!(
        list(&app, &colleague, json!({})).await["data"]["partners"]["totalCount"],
        4,
        "another person's default view does not apply"
    );
    for document in [
        "query($id: ID!) { partners(view: $id) { totalCount } }",
        "query($id: ID!) { node(id: $id) { id ... on SavedView { name } } }",
        "mutation($id: ID!) { saveView(input: { id: $id, name: \"Pwned\" }) { view { id } } }",
        "mutation($id: ID!) { deleteView(input: { id: $id }) { deletedViewId } }",
        "mutation($id: ID!) { setDefaultView(input: { id: $id }) { view { name } } }",
    ] {
        let body = app
            .query_as(&colleague.access_token, document, json!({ "id": id }))
            .await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{document}: {body}");
        assert!(!body.to_string().contains("secret"), "{document}: {body}");
    }
    assert_eq!(
        views(&app, &owner).await[0]["name"],
        "Ana's secret view",
        "unchanged"
    );

    let by_viewer = saved(&app, &viewer, json!({ "name": "Vic's", "isDefault": true })).await;
    assert_eq!(
        by_viewer["isDefault"], true,
        "viewers keep views of their own"
    );

    let key = app
        .query_as(
            &owner.access_token,
            "mutation { createApiKey(input: { name: \"bi\", role: ADMIN }) { secret } }",
            json!({}),
        )
        .await;
    let key = key["data"]["createApiKey"]["secret"].as_str().expect("key");
    let by_key = app
        .query_as(
            key,
            "mutation { saveView(input: { name: \"Key's\" }) { view { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&by_key), Some("FORBIDDEN"), "{by_key}");
    let key_views = app
        .query_as(
            key,
            "{ partnerViews { id } partners { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        key_views["data"],
        json!({ "partnerViews": [], "partners": { "totalCount": 4 } }),
        "{key_views}"
    );

    let partner = app
        .query_as(
            &owner.access_token,
            "{ partners(filter: {}, first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let partner_id = partner["data"]["partners"]["edges"][0]["node"]["id"].clone();
    let pat = app
        .partner_user(&owner, "pat@globex.com", partner_id.as_str().expect("id"))
        .await;
    let pat = pat.access_token.as_str();
    let pat_views = app
        .query_as(
            pat,
            "{ partnerViews { id } partners { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        pat_views["data"],
        json!({ "partnerViews": [], "partners": { "totalCount": 1 } }),
        "{pat_views}"
    );
    let by_pat = app
        .query_as(
            pat,
            "mutation { saveView(input: { name: \"Pat's\" }) { view { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&by_pat), Some("NOT_FOUND"), "{by_pat}");
}

on_both_backends!(
    a_saved_view_supplies_filter_and_sort_and_arguments_replace_its_parts,
    the_default_view_applies_without_view_or_filter,
    a_view_naming_a_vanished_tag_still_opens_the_table,
    bad_views_name_the_field_and_write_nothing,
    a_person_keeps_at_most_100_views,
    views_are_personal,
);
