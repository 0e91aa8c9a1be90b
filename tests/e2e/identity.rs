//! Identity over GraphQL: sign-up, sessions, invitations, roles, API keys, credentials.

use partnergraph_tests::{Backend, PASSWORD, TestApp, error_code, node_strings, on_both_backends};
use serde_json::{Value, json};

const VIEWER: &str =
    "{ viewer { role user { email } organization { domain displayName } apiKey { name } } }";
const SIGN_IN: &str = "mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }";
const REFRESH: &str = "mutation($input: RefreshSessionInput!) { refreshSession(input: $input) { accessToken refreshToken } }";
const INVITE: &str = "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id email role token expiresAt } } }";
const ACCEPT: &str = "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken refreshToken viewer { role user { id email } organization { id domain } } } }";
const CHANGE_ROLE: &str = "mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { member { id role } } }";
const REMOVE: &str =
    "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }";
const CREATE_KEY: &str = "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name role prefix lastUsedAt } } }";

fn field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

async fn sign_up_creates_the_organisation_with_its_first_user_as_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("Ana@Acme.io").await;
    let viewer = app.query_as(&owner.access_token, VIEWER, json!({})).await;
    let viewer = &viewer["data"]["viewer"];
    assert_eq!(viewer["role"], "OWNER");
    assert_eq!(viewer["user"]["email"], "ana@acme.io");
    assert_eq!(viewer["organization"]["domain"], "acme.io");
    assert_eq!(viewer["apiKey"], Value::Null);
}

async fn personal_emails_must_name_a_company_domain(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let missing = app.sign_up("bob@gmail.com", None).await;
    assert_eq!(error_code(&missing), Some("BAD_USER_INPUT"), "{missing}");
    assert_eq!(field(&missing), Some("input.companyDomain"));
    let given = app
        .sign_up("bob@gmail.com", Some("https://www.Globex.com/about"))
        .await;
    assert_eq!(
        given["data"]["signUp"]["viewer"]["organization"]["domain"], "globex.com",
        "{given}"
    );
    let idn = app.sign_up("eva@bücher.de", None).await;
    assert_eq!(
        idn["data"]["signUp"]["viewer"]["organization"]["domain"], "xn--bcher-kva.de",
        "{idn}"
    );
}

async fn a_domain_with_an_organisation_refuses_new_sign_ups(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signed_up("ana@acme.io").await;
    let second = app.sign_up("carl@acme.io", None).await;
    assert_eq!(error_code(&second), Some("CONFLICT"), "{second}");
    assert!(
        second["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("invite")
    );
    let again = app.sign_up("ana@acme.io", None).await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
}

async fn bad_sign_up_input_names_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cases = [
        (
            json!({ "email": "not-an-email", "password": PASSWORD, "name": "A" }),
            "input.email",
        ),
        (
            json!({ "email": "a@acme.io", "password": "short", "name": "A" }),
            "input.password",
        ),
        (
            json!({ "email": "a@acme.io", "password": "x".repeat(257), "name": "A" }),
            "input.password",
        ),
        (
            json!({ "email": "a@acme.io", "password": PASSWORD, "name": "n".repeat(201) }),
            "input.name",
        ),
        (
            json!({ "email": "a@acme.io", "password": PASSWORD, "name": "  " }),
            "input.name",
        ),
        (
            json!({ "email": format!("{}@acme.io", "a".repeat(300)), "password": PASSWORD, "name": "A" }),
            "input.email",
        ),
        (
            json!({ "email": "a@gmail.com", "password": PASSWORD, "name": "A", "companyDomain": "not a domain" }),
            "input.companyDomain",
        ),
        (
            json!({ "email": "a@gmail.com", "password": PASSWORD, "name": "A", "companyDomain": "127.0.0.1" }),
            "input.companyDomain",
        ),
    ];
    for (input, expected) in cases {
        let body = app
            .query_with(
                "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{input}: {body}");
        assert_eq!(field(&body), Some(expected), "{input}: {body}");
    }
}

async fn unknown_emails_and_wrong_passwords_get_the_same_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signed_up("ana@acme.io").await;
    app.signed_in("ANA@acme.io").await;
    let wrong = app
        .query_with(
            SIGN_IN,
            json!({ "input": { "email": "ana@acme.io", "password": "wrong password!" } }),
        )
        .await;
    let unknown = app
        .query_with(
            SIGN_IN,
            json!({ "input": { "email": "nobody@acme.io", "password": PASSWORD } }),
        )
        .await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    assert_eq!(
        wrong["errors"][0]["extensions"],
        unknown["errors"][0]["extensions"]
    );
}

async fn repeated_failures_are_rate_limited_with_a_retry_after(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.sign_in_max_failures = 3).await;
    app.signed_up("ana@acme.io").await;
    let attempt = |password: &'static str| {
        app.query_with(
            SIGN_IN,
            json!({ "input": { "email": "ana@acme.io", "password": password } }),
        )
    };
    for _ in 0..3 {
        assert_eq!(
            error_code(&attempt("wrong password!").await),
            Some("UNAUTHENTICATED")
        );
    }
    let limited = attempt(PASSWORD).await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    let retry_after = limited["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap_or(0);
    assert!(retry_after > 0 && retry_after <= 900, "{limited}");
}

async fn refresh_rotates_and_a_reused_token_revokes_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signed_up("ana@acme.io").await;
    let refreshed = app
        .query_with(
            REFRESH,
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
        .await;
    let next_refresh = refreshed["data"]["refreshSession"]["refreshToken"]
        .as_str()
        .expect("rotated")
        .to_owned();
    let next_access = refreshed["data"]["refreshSession"]["accessToken"]
        .as_str()
        .expect("access")
        .to_owned();
    assert_ne!(next_refresh, session.refresh_token);
    assert!(app.query_as(&next_access, VIEWER, json!({})).await["data"]["viewer"].is_object());

    let reused = app
        .query_with(
            REFRESH,
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
        .await;
    assert_eq!(error_code(&reused), Some("UNAUTHENTICATED"), "{reused}");
    let chain = app
        .query_with(
            REFRESH,
            json!({ "input": { "refreshToken": next_refresh } }),
        )
        .await;
    assert_eq!(
        error_code(&chain),
        Some("UNAUTHENTICATED"),
        "the whole chain is revoked: {chain}"
    );
    let access = app.query_as(&next_access, VIEWER, json!({})).await;
    assert_eq!(
        error_code(&access),
        Some("UNAUTHENTICATED"),
        "the session's access tokens stop too"
    );
    let garbage = app
        .query_with(REFRESH, json!({ "input": { "refreshToken": "pgr_nope" } }))
        .await;
    assert_eq!(error_code(&garbage), Some("UNAUTHENTICATED"));
}

async fn sign_out_ends_the_session_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signed_up("ana@acme.io").await;
    let other = app.signed_in("ana@acme.io").await;
    let out = app
        .query_as(
            &session.access_token,
            "mutation { signOut { ok } }",
            json!({}),
        )
        .await;
    assert_eq!(out["data"]["signOut"]["ok"], true, "{out}");
    assert_eq!(
        error_code(&app.query_as(&session.access_token, VIEWER, json!({})).await),
        Some("UNAUTHENTICATED")
    );
    let refresh = app
        .query_with(
            REFRESH,
            json!({ "input": { "refreshToken": session.refresh_token } }),
        )
        .await;
    assert_eq!(error_code(&refresh), Some("UNAUTHENTICATED"));
    assert!(
        app.query_as(&other.access_token, VIEWER, json!({})).await["data"]["viewer"].is_object(),
        "other sessions live on"
    );
}

async fn anonymous_callers_may_only_sign_up_sign_in_and_read_server_info(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert!(
        app.query("{ serverInfo { version } }")
            .await
            .get("errors")
            .is_none()
    );
    for query in [
        VIEWER,
        "{ members { totalCount } }",
        "{ apiKeys { id } }",
        "mutation { signOut { ok } }",
        r#"mutation { inviteMember(input: { email: "x@acme.io", role: MEMBER }) { invitation { id } } }"#,
        r#"mutation { createApiKey(input: { name: "k", role: VIEWER }) { secret } }"#,
    ] {
        let body = app.query(query).await;
        assert_eq!(
            error_code(&body),
            Some("UNAUTHENTICATED"),
            "{query}: {body}"
        );
    }
}

async fn forged_tampered_expired_and_malformed_credentials_are_unauthenticated(backend: Backend) {
    const SECRET: &str = "test-secret-of-at-least-thirty-two-bytes!";
    let app = TestApp::spawn_with(backend, |s| s.jwt_secret = Some(SECRET.into())).await;
    let session = app.signed_up("ana@acme.io").await;
    let [header, payload, signature]: [&str; 3] = session
        .access_token
        .split('.')
        .collect::<Vec<_>>()
        .try_into()
        .expect("three parts");
    let forged_signer = partnergraph_api::auth::tokens::TokenSigner::new(
        b"another-secret-of-at-least-32-bytes!!",
        std::time::Duration::from_secs(900),
    );
    let claims = partnergraph_api::auth::tokens::TokenSigner::new(
        SECRET.as_bytes(),
        std::time::Duration::from_secs(900),
    )
    .verify(&session.access_token)
    .expect("valid");
    let (forged, _) = forged_signer.issue(
        claims.sub,
        claims.org,
        claims.sid,
        partnergraph_domain::Role::Owner,
    );
    let (expired, _) = partnergraph_api::auth::tokens::TokenSigner::new(
        SECRET.as_bytes(),
        std::time::Duration::from_secs(900),
    )
    .issue_with_ttl(
        claims.sub,
        claims.org,
        claims.sid,
        partnergraph_domain::Role::Owner,
        chrono::Duration::seconds(-60),
    );
    let (wrong_org, _) = partnergraph_api::auth::tokens::TokenSigner::new(
        SECRET.as_bytes(),
        std::time::Duration::from_secs(900),
    )
    .issue(
        claims.sub,
        uuid::Uuid::new_v4(),
        claims.sid,
        partnergraph_domain::Role::Owner,
    );
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"; // {"alg":"none","typ":"JWT"}
    let tampered_signature = format!(
        "{header}.{payload}.{}",
        signature.chars().rev().collect::<String>()
    );
    for (name, credential) in [
        ("forged", forged),
        ("expired", expired),
        ("wrong organisation", wrong_org),
        ("alg none", format!("{none_header}.{payload}.")),
        ("tampered signature", tampered_signature),
        ("garbage", "garbage".to_owned()),
        (
            "unknown api key",
            "pgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        ),
    ] {
        let body = app.query_as(&credential, VIEWER, json!({})).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{name}: {body}");
        assert_eq!(body["data"], Value::Null, "{name}");
    }
    let response = app
        .http
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .header("authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l")
        .body(json!({ "query": VIEWER }).to_string())
        .send()
        .await
        .expect("sent");
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
}

async fn invitations_are_single_use_and_grant_their_role(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let invited = app
        .query_as(
            &owner.access_token,
            INVITE,
            json!({ "input": { "email": "Bob@Acme.io", "role": "MEMBER" } }),
        )
        .await;
    let invitation = &invited["data"]["inviteMember"]["invitation"];
    assert_eq!(invitation["email"], "bob@acme.io", "{invited}");
    let token = invitation["token"].as_str().expect("token").to_owned();
    let accepted = app
        .query_with(
            ACCEPT,
            json!({ "input": { "token": token, "password": PASSWORD, "name": "Bob" } }),
        )
        .await;
    assert_eq!(
        accepted["data"]["acceptInvitation"]["viewer"]["role"], "MEMBER",
        "{accepted}"
    );
    assert_eq!(
        accepted["data"]["acceptInvitation"]["viewer"]["organization"]["id"],
        owner.org_id.as_str()
    );
    let again = app
        .query_with(
            ACCEPT,
            json!({ "input": { "token": token, "password": PASSWORD, "name": "Bob" } }),
        )
        .await;
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "{again}");
    assert_eq!(field(&again), Some("input.token"));
    let unknown = app
        .query_with(
            ACCEPT,
            json!({ "input": { "token": "pgi_unknown", "password": PASSWORD, "name": "Eve" } }),
        )
        .await;
    assert_eq!(error_code(&unknown), Some("BAD_USER_INPUT"));
    // Inviting an existing account is a conflict; members cannot invite.
    let duplicate = app
        .query_as(
            &owner.access_token,
            INVITE,
            json!({ "input": { "email": "bob@acme.io", "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"));
    let bob = app.signed_in("bob@acme.io").await;
    let by_member = app
        .query_as(
            &bob.access_token,
            INVITE,
            json!({ "input": { "email": "carl@acme.io", "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(error_code(&by_member), Some("FORBIDDEN"), "{by_member}");
}

async fn expired_invitations_are_refused(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.invitation_ttl_hours = 0).await;
    let owner = app.signed_up("ana@acme.io").await;
    let invited = app
        .query_as(
            &owner.access_token,
            INVITE,
            json!({ "input": { "email": "bob@acme.io", "role": "MEMBER" } }),
        )
        .await;
    let token = invited["data"]["inviteMember"]["invitation"]["token"]
        .as_str()
        .expect("token");
    let accepted = app
        .query_with(
            ACCEPT,
            json!({ "input": { "token": token, "password": PASSWORD, "name": "Bob" } }),
        )
        .await;
    assert_eq!(error_code(&accepted), Some("BAD_USER_INPUT"), "{accepted}");
    assert!(
        accepted["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("expired")
    );
}

async fn role_changes_apply_at_once_and_the_last_owner_stays(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let bob = app.invited(&owner, "bob@acme.io", "MEMBER").await;
    let promoted = app
        .query_as(
            &owner.access_token,
            CHANGE_ROLE,
            json!({ "input": { "userId": bob.user_id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(
        promoted["data"]["changeMemberRole"]["member"]["role"], "ADMIN",
        "{promoted}"
    );
    let seen = app.query_as(&bob.access_token, VIEWER, json!({})).await;
    assert_eq!(
        seen["data"]["viewer"]["role"], "ADMIN",
        "the existing token sees the new role"
    );

    // An admin cannot touch the owner; the owner cannot leave the organisation ownerless.
    let by_admin = app
        .query_as(
            &bob.access_token,
            CHANGE_ROLE,
            json!({ "input": { "userId": owner.user_id, "role": "MEMBER" } }),
        )
        .await;
    assert_eq!(error_code(&by_admin), Some("FORBIDDEN"), "{by_admin}");
    let demote_self = app
        .query_as(
            &owner.access_token,
            CHANGE_ROLE,
            json!({ "input": { "userId": owner.user_id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(error_code(&demote_self), Some("CONFLICT"), "{demote_self}");
    let remove_self = app
        .query_as(
            &owner.access_token,
            REMOVE,
            json!({ "input": { "userId": owner.user_id } }),
        )
        .await;
    assert_eq!(error_code(&remove_self), Some("CONFLICT"), "{remove_self}");

    // With a second owner, the first may step down.
    app.query_as(
        &owner.access_token,
        CHANGE_ROLE,
        json!({ "input": { "userId": bob.user_id, "role": "OWNER" } }),
    )
    .await;
    let step_down = app
        .query_as(
            &owner.access_token,
            CHANGE_ROLE,
            json!({ "input": { "userId": owner.user_id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(
        step_down["data"]["changeMemberRole"]["member"]["role"], "ADMIN",
        "{step_down}"
    );
}

async fn removed_members_lose_access_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let bob = app.invited(&owner, "bob@acme.io", "VIEWER").await;
    let removed = app
        .query_as(
            &owner.access_token,
            REMOVE,
            json!({ "input": { "userId": bob.user_id } }),
        )
        .await;
    assert_eq!(
        removed["data"]["removeMember"]["removedUserId"],
        bob.user_id.as_str(),
        "{removed}"
    );
    assert_eq!(
        error_code(&app.query_as(&bob.access_token, VIEWER, json!({})).await),
        Some("UNAUTHENTICATED")
    );
    let refresh = app
        .query_with(
            REFRESH,
            json!({ "input": { "refreshToken": bob.refresh_token } }),
        )
        .await;
    assert_eq!(error_code(&refresh), Some("UNAUTHENTICATED"));
}

async fn members_are_listed_as_a_connection(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    app.invited(&owner, "bob@acme.io", "MEMBER").await;
    app.invited(&owner, "carl@acme.io", "VIEWER").await;
    let query = "query($after: String) { members(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { email role joinedAt } } } }";
    let first = app.query_as(&owner.access_token, query, json!({})).await;
    let page = &first["data"]["members"];
    assert_eq!(page["totalCount"], 3, "{first}");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let emails = node_strings(page, "email");
    assert_eq!(emails, ["ana@acme.io", "bob@acme.io"]);
    let next = app
        .query_as(
            &owner.access_token,
            query,
            json!({ "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        next["data"]["members"]["edges"][0]["node"]["email"], "carl@acme.io",
        "{next}"
    );
    assert_eq!(next["data"]["members"]["pageInfo"]["hasNextPage"], false);
}

async fn api_keys_authenticate_until_revoked_and_show_their_secret_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_up("ana@acme.io").await;
    let admin = app.invited(&owner, "bob@acme.io", "ADMIN").await;
    let too_strong = app
        .query_as(
            &admin.access_token,
            CREATE_KEY,
            json!({ "input": { "name": "BI", "role": "OWNER" } }),
        )
        .await;
    assert_eq!(error_code(&too_strong), Some("FORBIDDEN"), "{too_strong}");
    let partner_role = app
        .query_as(
            &admin.access_token,
            CREATE_KEY,
            json!({ "input": { "name": "BI", "role": "PARTNER" } }),
        )
        .await;
    assert_eq!(error_code(&partner_role), Some("FORBIDDEN"));
    let blank = app
        .query_as(
            &admin.access_token,
            CREATE_KEY,
            json!({ "input": { "name": " ", "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(field(&blank), Some("input.name"));

    let created = app
        .query_as(
            &admin.access_token,
            CREATE_KEY,
            json!({ "input": { "name": "Looker", "role": "VIEWER" } }),
        )
        .await;
    let payload = &created["data"]["createApiKey"];
    let secret = payload["secret"].as_str().expect("secret").to_owned();
    let prefix = payload["apiKey"]["prefix"].as_str().expect("prefix");
    assert!(
        secret.starts_with(prefix) && prefix.len() < secret.len(),
        "{created}"
    );
    let key_id = payload["apiKey"]["id"].as_str().expect("id").to_owned();

    let as_key = app.query_as(&secret, VIEWER, json!({})).await;
    assert_eq!(as_key["data"]["viewer"]["role"], "VIEWER", "{as_key}");
    assert_eq!(as_key["data"]["viewer"]["apiKey"]["name"], "Looker");
    assert_eq!(as_key["data"]["viewer"]["user"], Value::Null);
    let listed = app
        .query_as(
            &owner.access_token,
            "{ apiKeys { id name prefix lastUsedAt revokedAt } }",
            json!({}),
        )
        .await;
    let key = &listed["data"]["apiKeys"][0];
    assert_eq!(key["id"], key_id.as_str(), "{listed}");
    assert!(key["lastUsedAt"].is_string(), "use is recorded: {listed}");
    app.query_as(&secret, VIEWER, json!({})).await;
    let relisted = app
        .query_as(&owner.access_token, "{ apiKeys { lastUsedAt } }", json!({}))
        .await;
    assert_eq!(
        relisted["data"]["apiKeys"][0]["lastUsedAt"], key["lastUsedAt"],
        "a second use within the minute writes nothing"
    );
    assert!(
        !listed.to_string().contains(&secret),
        "the secret is never listed"
    );
    let viewer_cannot_list = app.query_as(&secret, "{ apiKeys { id } }", json!({})).await;
    assert_eq!(error_code(&viewer_cannot_list), Some("FORBIDDEN"));

    let revoked = app
        .query_as(
            &owner.access_token,
            "mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } } }",
            json!({ "id": key_id }),
        )
        .await;
    assert!(
        revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"].is_string(),
        "{revoked}"
    );
    let after = app.query_as(&secret, VIEWER, json!({})).await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"), "{after}");
}

async fn generated_token_keys_survive_restarts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signed_up("ana@acme.io").await;
    let database = app.stop_keeping_database().await;
    let restarted = TestApp::spawn_on(database, |_| {}).await;
    let viewer = restarted
        .query_as(&session.access_token, VIEWER, json!({}))
        .await;
    assert_eq!(viewer["data"]["viewer"]["role"], "OWNER", "{viewer}");
}

on_both_backends!(
    sign_up_creates_the_organisation_with_its_first_user_as_owner,
    personal_emails_must_name_a_company_domain,
    a_domain_with_an_organisation_refuses_new_sign_ups,
    bad_sign_up_input_names_the_field,
    unknown_emails_and_wrong_passwords_get_the_same_answer,
    repeated_failures_are_rate_limited_with_a_retry_after,
    refresh_rotates_and_a_reused_token_revokes_the_session,
    sign_out_ends_the_session_at_once,
    anonymous_callers_may_only_sign_up_sign_in_and_read_server_info,
    forged_tampered_expired_and_malformed_credentials_are_unauthenticated,
    invitations_are_single_use_and_grant_their_role,
    expired_invitations_are_refused,
    role_changes_apply_at_once_and_the_last_owner_stays,
    removed_members_lose_access_at_once,
    members_are_listed_as_a_connection,
    api_keys_authenticate_until_revoked_and_show_their_secret_once,
    generated_token_keys_survive_restarts,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_benchmark_runs() {
    use clap::Parser;
    let cli = partnergraph_api::Cli::try_parse_from([
        "partnergraph",
        "bench",
        "sign-in",
        "--iterations",
        "2",
        "--argon2-memory-kib",
        "1024",
        "--argon2-iterations",
        "1",
    ])
    .expect("valid");
    partnergraph_api::cli::run(cli, Default::default())
        .await
        .expect("benchmark ran");
}
