//! Partner contacts and the primary contact: listing, patch semantics, the partner's version,
//! overrides and history, bad input, the per-partner cap, and who may read and write them.

use partnergraph_tests::{Backend, Session, TestApp, error_code, on_both_backends};
use serde_json::{Value, json};

const CONTACT: &str = "id name email phone title isPrimary createdAt updatedAt";

fn field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
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
        .unwrap_or_else(|| panic!("create failed: {body}"))
        .to_owned()
}

async fn add(app: &TestApp, session: &Session, input: Value) -> Value {
    app.query_as(
        &session.access_token,
        &format!("mutation($input: AddPartnerContactInput!) {{ addPartnerContact(input: $input) {{ contact {{ {CONTACT} partner {{ version }} }} }} }}"),
        json!({ "input": input }),
    )
    .await
}

async fn added(app: &TestApp, session: &Session, input: Value) -> Value {
    let body = add(app, session, input).await;
    let contact = body["data"]["addPartnerContact"]["contact"].clone();
    assert!(contact.is_object(), "add failed: {body}");
    contact
}

async fn read_partner(app: &TestApp, session: &Session, id: &str) -> Value {
    let body = app
        .query_as(
            &session.access_token,
            &format!("query($id: ID!) {{ partner(id: $id) {{ version overriddenFields primaryContact {{ name isPrimary }} contacts {{ {CONTACT} }} }} }}"),
            json!({ "id": id }),
        )
        .await;
    body["data"]["partner"].clone()
}

async fn contacts_are_listed_by_name_and_one_is_the_primary_contact(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let id = partner(&app, &owner, "Globex").await;
    let zed = added(
        &app,
        &owner,
        json!({ "partnerId": id, "name": " Zed ", "email": "Zed@Globex.com", "phone": "+1 555 0100", "title": "CTO" }),
    )
    .await;
    assert_eq!(zed["name"], "Zed");
    assert_eq!(zed["email"], "zed@globex.com");
    assert_eq!(zed["isPrimary"], false);
    assert_eq!(
        zed["partner"]["version"], 1,
        "adding a contact is no partner edit"
    );
    let amy = added(
        &app,
        &owner,
        json!({ "partnerId": id, "name": "Amy", "makePrimary": true }),
    )
    .await;
    assert_eq!(amy["isPrimary"], true);
    assert_eq!(amy["partner"]["version"], 2, "making it primary is");

    let read = read_partner(&app, &owner, &id).await;
    assert_eq!(
        read["contacts"]
            .as_array()
            .map(|c| c.iter().map(|c| c["name"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("Amy"), json!("Zed")]),
        "by name: {read}"
    );
    assert_eq!(
        read["primaryContact"],
        json!({ "name": "Amy", "isPrimary": true })
    );
    assert_eq!(read["overriddenFields"], json!(["PRIMARY_CONTACT"]));
    let node = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { node(id: $id) { id ... on PartnerContact { name isPrimary partner { name } } } }",
            json!({ "id": amy["id"] }),
        )
        .await;
    assert_eq!(
        node["data"]["node"],
        json!({ "id": amy["id"], "name": "Amy", "isPrimary": true, "partner": { "name": "Globex" } }),
        "{node}"
    );

    let set = "mutation($partner: ID!, $contact: ID) { setPrimaryContact(input: { partnerId: $partner, contactId: $contact }) { partner { version primaryContact { name } } } }";
    let to_zed = app
        .query_as(
            &owner.access_token,
            set,
            json!({ "partner": id, "contact": zed["id"] }),
        )
        .await;
    assert_eq!(
        to_zed["data"]["setPrimaryContact"]["partner"],
        json!({ "version": 3, "primaryContact": { "name": "Zed" } }),
        "{to_zed}"
    );
    let again = app
        .query_as(
            &owner.access_token,
            set,
            json!({ "partner": id, "contact": zed["id"] }),
        )
        .await;
    assert_eq!(
        again["data"]["setPrimaryContact"]["partner"]["version"], 3,
        "setting the same primary contact changes nothing: {again}"
    );

    let update = format!(
        "mutation($input: UpdatePartnerContactInput!) {{ updatePartnerContact(input: $input) {{ contact {{ {CONTACT} }} }} }}"
    );
    let updated = app
        .query_as(
            &owner.access_token,
            &update,
            json!({ "input": { "id": zed["id"], "email": "zed@initech.com", "title": null } }),
        )
        .await;
    let contact = &updated["data"]["updatePartnerContact"]["contact"];
    assert_eq!(contact["email"], "zed@initech.com", "{updated}");
    assert_eq!(contact["title"], Value::Null, "null clears");
    assert_eq!(
        contact["phone"], "+1 555 0100",
        "omitted fields are left alone"
    );
    assert_eq!(contact["name"], "Zed");
    assert_eq!(contact["isPrimary"], true);

    let remove = "mutation($id: ID!) { removePartnerContact(input: { id: $id }) { removedContactId partner { version primaryContact { name } contacts { name } } } }";
    let removed = app
        .query_as(&owner.access_token, remove, json!({ "id": zed["id"] }))
        .await;
    assert_eq!(
        removed["data"]["removePartnerContact"],
        json!({ "removedContactId": zed["id"], "partner": { "version": 4, "primaryContact": null, "contacts": [{ "name": "Amy" }] } }),
        "removing the primary contact clears it: {removed}"
    );
    let gone = app
        .query_as(&owner.access_token, remove, json!({ "id": zed["id"] }))
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone}");

    let history = app
        .query_as(
            &owner.access_token,
            "query($id: ID!) { partner(id: $id) { history(first: 20) { edges { node { action changes } } } } }",
            json!({ "id": id }),
        )
        .await;
    let changes: Vec<Value> = history["data"]["partner"]["history"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{history}"))
        .iter()
        .map(|e| e["node"]["changes"].clone())
        .collect();
    assert_eq!(
        changes.len(),
        6,
        "create, 2 adds, set, update, remove: {history}"
    );
    assert_eq!(changes[1]["contact"]["after"]["name"], "Zed");
    assert_eq!(changes[2]["primaryContact"]["before"], Value::Null);
    assert_eq!(
        changes[2]["primaryContact"]["after"],
        changes[2]["contact"]["after"]["id"]
    );
    assert_eq!(
        changes[3]["primaryContact"]["before"],
        changes[2]["contact"]["after"]["id"]
    );
    assert_eq!(changes[4]["contact"]["before"]["email"], "zed@globex.com");
    assert_eq!(changes[4]["contact"]["after"]["email"], "zed@initech.com");
    assert_eq!(changes[5]["contact"]["after"], Value::Null);
    assert_eq!(changes[5]["primaryContact"]["after"], Value::Null);
}

async fn bad_contact_input_names_the_field_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let id = partner(&app, &owner, "Globex").await;
    let other = partner(&app, &owner, "Initech").await;
    for (input, expected) in [
        (json!({ "partnerId": id, "name": "  " }), "input.name"),
        (
            json!({ "partnerId": id, "name": "n".repeat(201) }),
            "input.name",
        ),
        (
            json!({ "partnerId": id, "name": "A", "email": "nope" }),
            "input.email",
        ),
        (
            json!({ "partnerId": id, "name": "A", "phone": "call me" }),
            "input.phone",
        ),
        (
            json!({ "partnerId": id, "name": "A", "title": "t".repeat(201) }),
            "input.title",
        ),
        (
            json!({ "partnerId": owner.user_id, "name": "A" }),
            "input.partnerId",
        ),
    ] {
        let body = add(&app, &owner, input.clone()).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{input}: {body}");
        assert_eq!(field(&body), Some(expected), "{input}: {body}");
    }
    let amy = added(&app, &owner, json!({ "partnerId": id, "name": "Amy" })).await;
    let update = "mutation($input: UpdatePartnerContactInput!) { updatePartnerContact(input: $input) { contact { id } } }";
    for (input, expected) in [
        (
            json!({ "id": amy["id"], "email": "still nope" }),
            "input.email",
        ),
        (json!({ "id": amy["id"], "name": "" }), "input.name"),
        (json!({ "id": id, "name": "B" }), "input.id"),
    ] {
        let body = app
            .query_as(&owner.access_token, update, json!({ "input": input }))
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{input}: {body}");
        assert_eq!(field(&body), Some(expected), "{input}: {body}");
    }
    let elsewhere = app
        .query_as(
            &owner.access_token,
            "mutation($partner: ID!, $contact: ID) { setPrimaryContact(input: { partnerId: $partner, contactId: $contact }) { partner { id } } }",
            json!({ "partner": other, "contact": amy["id"] }),
        )
        .await;
    assert_eq!(
        error_code(&elsewhere),
        Some("BAD_USER_INPUT"),
        "{elsewhere}"
    );
    assert_eq!(field(&elsewhere), Some("input.contactId"));

    let read = read_partner(&app, &owner, &id).await;
    assert_eq!(read["version"], 1, "{read}");
    assert_eq!(read["contacts"].as_array().map(Vec::len), Some(1), "{read}");
    assert_eq!(read["contacts"][0]["email"], Value::Null);
    assert_eq!(read["contacts"][0]["name"], "Amy");
    assert_eq!(
        read_partner(&app, &owner, &other).await["primaryContact"],
        Value::Null
    );
}

async fn a_partner_has_at_most_200_contacts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let id = partner(&app, &owner, "Globex").await;
    // 50 additions per request (mutation fields run in order).
    for batch in 0..4 {
        let fields: String = (0..50)
            .map(|i| format!("c{i}: addPartnerContact(input: {{ partnerId: $id, name: \"Contact {batch}-{i:02}\" }}) {{ contact {{ id }} }} "))
            .collect();
        let body = app
            .query_as(
                &owner.access_token,
                &format!("mutation($id: ID!) {{ {fields} }}"),
                json!({ "id": id }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let refused = add(
        &app,
        &owner,
        json!({ "partnerId": id, "name": "One too many" }),
    )
    .await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert_eq!(field(&refused), Some("input.partnerId"));
    let read = read_partner(&app, &owner, &id).await;
    assert_eq!(read["contacts"].as_array().map(Vec::len), Some(200));
}

async fn viewers_read_contacts_and_partner_users_only_their_own(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let viewer = app.invited(&owner, "vic@acme.io", "VIEWER").await;
    let own = partner(&app, &owner, "Globex").await;
    let other = partner(&app, &owner, "Initech").await;
    let own_contact = added(
        &app,
        &owner,
        json!({ "partnerId": own, "name": "Amy", "makePrimary": true }),
    )
    .await;
    let other_contact = added(&app, &owner, json!({ "partnerId": other, "name": "Bob" })).await;

    let by_viewer = add(&app, &viewer, json!({ "partnerId": own, "name": "Vic's" })).await;
    assert_eq!(error_code(&by_viewer), Some("FORBIDDEN"), "{by_viewer}");
    let set_by_viewer = app
        .query_as(
            &viewer.access_token,
            "mutation($p: ID!) { setPrimaryContact(input: { partnerId: $p, contactId: null }) { partner { id } } }",
            json!({ "p": own }),
        )
        .await;
    assert_eq!(
        error_code(&set_by_viewer),
        Some("FORBIDDEN"),
        "{set_by_viewer}"
    );
    let remove_by_viewer = app
        .query_as(
            &viewer.access_token,
            "mutation($id: ID!) { removePartnerContact(input: { id: $id }) { removedContactId } }",
            json!({ "id": own_contact["id"] }),
        )
        .await;
    assert_eq!(
        error_code(&remove_by_viewer),
        Some("FORBIDDEN"),
        "{remove_by_viewer}"
    );
    assert_eq!(
        read_partner(&app, &viewer, &own).await["primaryContact"]["name"],
        "Amy",
        "viewers read contacts"
    );

    let pat = app.partner_user(&owner, "pat@globex.com", &own).await;
    let pat = pat.access_token.as_str();
    let contacts = app
        .query_as(
            pat,
            "query($id: ID!) { partner(id: $id) { primaryContact { name } contacts { name } } }",
            json!({ "id": own }),
        )
        .await;
    assert_eq!(
        contacts["data"]["partner"],
        json!({ "primaryContact": { "name": "Amy" }, "contacts": [{ "name": "Amy" }] }),
        "{contacts}"
    );
    let node = "query($id: ID!) { node(id: $id) { ... on PartnerContact { name } } }";
    let mine = app
        .query_as(pat, node, json!({ "id": own_contact["id"] }))
        .await;
    assert_eq!(mine["data"]["node"]["name"], "Amy", "{mine}");
    let theirs = app
        .query_as(pat, node, json!({ "id": other_contact["id"] }))
        .await;
    assert_eq!(error_code(&theirs), Some("NOT_FOUND"), "{theirs}");
    assert!(!theirs.to_string().contains("Bob"), "{theirs}");
    let add_by_partner = app
        .query_as(
            pat,
            "mutation($p: ID!) { addPartnerContact(input: { partnerId: $p, name: \"Pat\" }) { contact { id } } }",
            json!({ "p": own }),
        )
        .await;
    assert_eq!(
        error_code(&add_by_partner),
        Some("NOT_FOUND"),
        "{add_by_partner}"
    );
}

on_both_backends!(
    contacts_are_listed_by_name_and_one_is_the_primary_contact,
    bad_contact_input_names_the_field_and_writes_nothing,
    a_partner_has_at_most_200_contacts,
    viewers_read_contacts_and_partner_users_only_their_own,
);
