//! Tenant isolation: every operation that takes an ID, run by organisation B against
//! organisation A's objects, answers NOT_FOUND and reveals nothing of A; A's data is unchanged.
//!
//! Adding an operation is one line in [`CASES`]: its name, which of A's objects its `$id`
//! points at, and the document (taking `$id: ID!`).

use partnergraph_tests::{Backend, PASSWORD, Session, TestApp, error_code, on_both_backends};

use partnergraph_llm::mock::{Behaviour, MockServer};
use serde_json::{Value, json};

/// Which of organisation A's objects `$id` names.
#[derive(Debug, Clone, Copy)]
enum Target {
    Organization,
    User,
    ApiKey,
    Invitation,
    Partner,
    Deal,
    DealRegistration,
    PartnerContact,
    SavedView,
    Segment,
    Track,
    Tier,
    Generation,
    StrategyDocument,
    EditConversation,
    EditProposal,
}

struct Case {
    name: &'static str,
    target: Target,
    document: &'static str,
}

/// Every operation that takes an ID.
#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { name: "node(Organization)", target: Target::Organization, document: "query($id: ID!) { node(id: $id) { id ... on Organization { domain } } }" },
    Case { name: "node(User)", target: Target::User, document: "query($id: ID!) { node(id: $id) { id ... on User { email } } }" },
    Case { name: "node(ApiKey)", target: Target::ApiKey, document: "query($id: ID!) { node(id: $id) { id ... on ApiKey { name } } }" },
    Case { name: "node(Invitation)", target: Target::Invitation, document: "query($id: ID!) { node(id: $id) { id ... on Invitation { email } } }" },
    Case { name: "node(Partner)", target: Target::Partner, document: "query($id: ID!) { node(id: $id) { id ... on Partner { name } } }" },
    Case { name: "changeMemberRole", target: Target::User, document: "mutation($id: ID!) { changeMemberRole(input: { userId: $id, role: VIEWER }) { member { id email } } }" },
    Case { name: "removeMember", target: Target::User, document: "mutation($id: ID!) { removeMember(input: { userId: $id }) { removedUserId } }" },
    Case { name: "revokeApiKey", target: Target::ApiKey, document: "mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id name } } }" },
    Case { name: "partner", target: Target::Partner, document: "query($id: ID!) { partner(id: $id) { id name } }" },
    Case { name: "updatePartner", target: Target::Partner, document: "mutation($id: ID!) { updatePartner(input: { id: $id, expectedVersion: 1, patch: { name: \"Pwned\" } }) { partner { id name } } }" },
    Case { name: "archivePartner", target: Target::Partner, document: "mutation($id: ID!) { archivePartner(input: { id: $id }) { partner { id name } } }" },
    Case { name: "deletePartner", target: Target::Partner, document: "mutation($id: ID!) { deletePartner(input: { id: $id }) { deletedPartnerId } }" },
    Case { name: "node(Deal)", target: Target::Deal, document: "query($id: ID!) { node(id: $id) { id ... on Deal { customerName } } }" },
    Case { name: "node(DealRegistration)", target: Target::DealRegistration, document: "query($id: ID!) { node(id: $id) { id ... on DealRegistration { customerName } } }" },
    Case { name: "deal", target: Target::Deal, document: "query($id: ID!) { deal(id: $id) { id customerName } }" },
    Case { name: "dealRegistration", target: Target::DealRegistration, document: "query($id: ID!) { dealRegistration(id: $id) { id customerName } }" },
    Case { name: "deals(filter.partnerId)", target: Target::Partner, document: "query($id: ID!) { deals(first: 5, filter: { partnerId: $id }) { totalCount edges { node { customerName } } } }" },
    Case { name: "dealRegistrations(filter.partnerId)", target: Target::Partner, document: "query($id: ID!) { dealRegistrations(first: 5, filter: { partnerId: $id }) { totalCount edges { node { customerName } } } }" },
    Case { name: "checkDealConflicts", target: Target::Partner, document: "query($id: ID!) { checkDealConflicts(input: { customerDomain: \"initrode.com\", partnerId: $id }) { hasConflicts deals { customerName } } }" },
    Case { name: "registerDeal", target: Target::Partner, document: "mutation($id: ID!) { registerDeal(input: { partnerId: $id, customerName: \"Pwned\", customerDomain: \"pwned.com\", amount: { amountMinor: \"1\", currency: \"USD\" } }) { registration { id } } }" },
    Case { name: "createDeal", target: Target::Partner, document: "mutation($id: ID!) { createDeal(input: { partnerId: $id, customerName: \"Pwned\", amount: { amountMinor: \"1\", currency: \"USD\" } }) { deal { id } } }" },
    Case { name: "startDealRegistrationReview", target: Target::DealRegistration, document: "mutation($id: ID!) { startDealRegistrationReview(input: { id: $id }) { registration { id status } } }" },
    Case { name: "reviewDealRegistration", target: Target::DealRegistration, document: "mutation($id: ID!) { reviewDealRegistration(input: { id: $id, decision: APPROVE }) { registration { id status } } }" },
    Case { name: "closeDeal", target: Target::Deal, document: "mutation($id: ID!) { closeDeal(input: { id: $id, outcome: WON }) { deal { id status } } }" },
    Case { name: "inviteMember(partnerId)", target: Target::Partner, document: "mutation($id: ID!) { inviteMember(input: { email: \"mole@globex.com\", role: PARTNER, partnerId: $id }) { invitation { id } } }" },
    Case { name: "clearPartnerOverride", target: Target::Partner, document: "mutation($id: ID!) { clearPartnerOverride(input: { id: $id, field: NAME }) { partner { id name } } }" },
    Case { name: "node(PartnerContact)", target: Target::PartnerContact, document: "query($id: ID!) { node(id: $id) { id ... on PartnerContact { name email } } }" },
    Case { name: "addPartnerContact", target: Target::Partner, document: "mutation($id: ID!) { addPartnerContact(input: { partnerId: $id, name: \"Mole\", makePrimary: true }) { contact { id partner { name } } } }" },
    Case { name: "updatePartnerContact", target: Target::PartnerContact, document: "mutation($id: ID!) { updatePartnerContact(input: { id: $id, name: \"Pwned\" }) { contact { id name email } } }" },
    Case { name: "removePartnerContact", target: Target::PartnerContact, document: "mutation($id: ID!) { removePartnerContact(input: { id: $id }) { removedContactId partner { name } } }" },
    Case { name: "setPrimaryContact", target: Target::Partner, document: "mutation($id: ID!) { setPrimaryContact(input: { partnerId: $id, contactId: null }) { partner { id name } } }" },
    Case { name: "node(SavedView)", target: Target::SavedView, document: "query($id: ID!) { node(id: $id) { id ... on SavedView { name filter } } }" },
    Case { name: "partners(view)", target: Target::SavedView, document: "query($id: ID!) { partners(view: $id) { totalCount edges { node { name } } } }" },
    Case { name: "saveView", target: Target::SavedView, document: "mutation($id: ID!) { saveView(input: { id: $id, name: \"Pwned\" }) { view { id name } } }" },
    Case { name: "deleteView", target: Target::SavedView, document: "mutation($id: ID!) { deleteView(input: { id: $id }) { deletedViewId } }" },
    Case { name: "setDefaultView", target: Target::SavedView, document: "mutation($id: ID!) { setDefaultView(input: { id: $id }) { view { id name } } }" },
    Case { name: "node(Segment)", target: Target::Segment, document: "query($id: ID!) { node(id: $id) { id ... on Segment { name } } }" },
    Case { name: "node(Track)", target: Target::Track, document: "query($id: ID!) { node(id: $id) { id ... on Track { name slug } } }" },
    Case { name: "node(Tier)", target: Target::Tier, document: "query($id: ID!) { node(id: $id) { id ... on Tier { name } } }" },
    Case { name: "updateSegment", target: Target::Segment, document: "mutation($id: ID!) { updateSegment(input: { id: $id, name: \"Pwned\" }) { segment { id name } } }" },
    Case { name: "deleteSegment", target: Target::Segment, document: "mutation($id: ID!) { deleteSegment(input: { id: $id }) { deletedId } }" },
    Case { name: "createTrack", target: Target::Segment, document: "mutation($id: ID!) { createTrack(input: { segmentId: $id, name: \"Pwned\", partnerTypes: [RESELLER] }) { track { id } } }" },
    Case { name: "updateTrack", target: Target::Track, document: "mutation($id: ID!) { updateTrack(input: { id: $id, name: \"Pwned\" }) { track { id name } } }" },
    Case { name: "deleteTrack", target: Target::Track, document: "mutation($id: ID!) { deleteTrack(input: { id: $id }) { deletedId } }" },
    Case { name: "createTier", target: Target::Track, document: "mutation($id: ID!) { createTier(input: { trackId: $id, name: \"Pwned\" }) { tier { id } } }" },
    Case { name: "reorderTiers", target: Target::Track, document: "mutation($id: ID!) { reorderTiers(input: { trackId: $id, tierIds: [] }) { track { id } } }" },
    Case { name: "updateTier", target: Target::Tier, document: "mutation($id: ID!) { updateTier(input: { id: $id, name: \"Pwned\" }) { tier { id name } } }" },
    Case { name: "setPartnerTier(partner)", target: Target::Partner, document: "mutation($id: ID!) { setPartnerTier(input: { partnerId: $id, tierId: \"VGllcjowMTkzMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA\", reason: \"pwned\" }) { partner { id } } }" },
    Case { name: "clearPartnerTierOverride", target: Target::Partner, document: "mutation($id: ID!) { clearPartnerTierOverride(input: { partnerId: $id }) { partner { id name } } }" },
    Case { name: "evaluateTiers", target: Target::Partner, document: "mutation($id: ID!) { evaluateTiers(input: { partnerIds: [$id] }) { evaluated changed } }" },
    Case { name: "simulateTierEvaluation", target: Target::Partner, document: "query($id: ID!) { simulateTierEvaluation(input: { partnerId: $id, draft: { segments: [] } }) { segments tier { name } } }" },
    Case { name: "executiveDashboard(filter.segmentId)", target: Target::Segment, document: "query($id: ID!) { executiveDashboard(filter: { segmentId: $id }) { metrics { key value } aiStrengths { label } areasToAddress { partners { name } } revenueByIndustry { key } } }" },
    Case { name: "executiveDashboard(filter.tierId)", target: Target::Tier, document: "query($id: ID!) { executiveDashboard(filter: { tierId: $id }) { metrics { key value } aiStrengths { label } areasToAddress { partners { name } } revenueByIndustry { key } } }" },
    Case { name: "deleteTier", target: Target::Tier, document: "mutation($id: ID!) { deleteTier(input: { id: $id }) { deletedId } }" },
    Case { name: "refreshPartnerScores", target: Target::Partner, document: "mutation($id: ID!) { refreshPartnerScores(input: { partnerIds: [$id] }) { generations { id } } }" },
    Case { name: "node(Generation)", target: Target::Generation, document: "query($id: ID!) { node(id: $id) { id ... on Generation { status output } } }" },
    Case { name: "generation", target: Target::Generation, document: "query($id: ID!) { generation(id: $id) { id status output } }" },
    Case { name: "cancelGeneration", target: Target::Generation, document: "mutation($id: ID!) { cancelGeneration(input: { id: $id }) { generation { id status output } } }" },
    Case { name: "node(StrategyDocument)", target: Target::StrategyDocument, document: "query($id: ID!) { node(id: $id) { id ... on StrategyDocument { version content } } }" },
    Case { name: "node(EditConversation)", target: Target::EditConversation, document: "query($id: ID!) { node(id: $id) { id ... on EditConversation { section messages { content } } } }" },
    Case { name: "editConversation", target: Target::EditConversation, document: "query($id: ID!) { editConversation(id: $id) { id messages { content } } }" },
    Case { name: "sendEditMessage", target: Target::EditConversation, document: "mutation($id: ID!) { sendEditMessage(input: { conversationId: $id, message: \"Pwned\" }) { proposal { id content } } }" },
    Case { name: "node(EditProposal)", target: Target::EditProposal, document: "query($id: ID!) { node(id: $id) { id ... on EditProposal { status content } } }" },
    Case { name: "acceptProposal", target: Target::EditProposal, document: "mutation($id: ID!) { acceptProposal(input: { proposalId: $id, expectedVersion: 1 }) { document { content } } }" },
    Case { name: "discardProposal", target: Target::EditProposal, document: "mutation($id: ID!) { discardProposal(input: { proposalId: $id }) { proposal { status } } }" },
];

/// Organisation A with one object of every kind, and what must never leak from it.
struct OrgA {
    owner: Session,
    member_id: String,
    api_key_id: String,
    api_key_secret: String,
    invitation_id: String,
    partner_id: String,
    deal_id: String,
    registration_id: String,
    contact_id: String,
    view_id: String,
    segment_id: String,
    track_id: String,
    tier_id: String,
    ai: StrategyOfA,
}

/// A's AI objects: a completed ICP generation, its document, an edit conversation and a
/// proposal.
struct StrategyOfA {
    generation_id: String,
    document_id: String,
    conversation_id: String,
    proposal_id: String,
}

impl OrgA {
    fn id_of(&self, target: Target) -> &str {
        match target {
            Target::Organization => &self.owner.org_id,
            Target::User => &self.member_id,
            Target::ApiKey => &self.api_key_id,
            Target::Invitation => &self.invitation_id,
            Target::Partner => &self.partner_id,
            Target::Deal => &self.deal_id,
            Target::DealRegistration => &self.registration_id,
            Target::PartnerContact => &self.contact_id,
            Target::SavedView => &self.view_id,
            Target::Segment => &self.segment_id,
            Target::Track => &self.track_id,
            Target::Tier => &self.tier_id,
            Target::Generation => &self.ai.generation_id,
            Target::StrategyDocument => &self.ai.document_id,
            Target::EditConversation => &self.ai.conversation_id,
            Target::EditProposal => &self.ai.proposal_id,
        }
    }
}

/// Strings of A that must not appear in B's responses.
const A_SECRETS: &[&str] = &[
    "acme.io",
    "bob@acme.io",
    "carl@acme.io",
    "A's key",
    "Initech Partner",
    "Initrode Customer",
    "initrode.com",
    "Wanda Contact",
    "wanda@initech.com",
    "A's view",
    "A's secret segment",
    "A's secret customers",
    "A's secret pain",
    "A's secret industry",
    "A's secret region",
    "A's secret subtype",
];

async fn populate_a(app: &TestApp, mock: &MockServer) -> OrgA {
    let owner = app.signed_up("ana@acme.io").await;
    let invite = "mutation($email: String!) { inviteMember(input: { email: $email, role: MEMBER }) { invitation { id token } } }";
    let bob = app
        .query_as(
            &owner.access_token,
            invite,
            json!({ "email": "bob@acme.io" }),
        )
        .await;
    let token = bob["data"]["inviteMember"]["invitation"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let accepted = app
        .query_with(
            "mutation($token: String!, $password: String!) { acceptInvitation(input: { token: $token, password: $password, name: \"Bob\" }) { viewer { user { id } } } }",
            json!({ "token": token, "password": PASSWORD }),
        )
        .await;
    let member_id = accepted["data"]["acceptInvitation"]["viewer"]["user"]["id"]
        .as_str()
        .expect("bob")
        .to_owned();
    let carl = app
        .query_as(
            &owner.access_token,
            invite,
            json!({ "email": "carl@acme.io" }),
        )
        .await;
    let invitation_id = carl["data"]["inviteMember"]["invitation"]["id"]
        .as_str()
        .expect("invitation")
        .to_owned();
    let key = app
        .query_as(&owner.access_token, "mutation { createApiKey(input: { name: \"A's key\", role: ADMIN }) { secret apiKey { id } } }", json!({}))
        .await;
    let partner = app
        .query_as(&owner.access_token, "mutation { createPartner(input: { name: \"Initech Partner\", type: RESELLER, industry: \"A's secret industry\", regions: [\"A's secret region\"], subtype: \"A's secret subtype\", fitScore: 12 }) { partner { id } } }", json!({}))
        .await;
    let partner_id = partner["data"]["createPartner"]["partner"]["id"]
        .as_str()
        .expect("partner")
        .to_owned();
    let registration = app
        .query_as(&owner.access_token, "mutation($id: ID!) { registerDeal(input: { partnerId: $id, customerName: \"Initrode Customer\", customerDomain: \"initrode.com\", amount: { amountMinor: \"100\", currency: \"USD\" } }) { registration { id } } }", json!({ "id": partner_id }))
        .await;
    let deal = app
        .query_as(&owner.access_token, "mutation($id: ID!) { createDeal(input: { partnerId: $id, customerName: \"Initrode Customer\", customerDomain: \"initrode.com\", amount: { amountMinor: \"100\", currency: \"USD\" } }) { deal { id } } }", json!({ "id": partner_id }))
        .await;
    let contact = app
        .query_as(&owner.access_token, "mutation($id: ID!) { addPartnerContact(input: { partnerId: $id, name: \"Wanda Contact\", email: \"wanda@initech.com\" }) { contact { id } } }", json!({ "id": partner_id }))
        .await;
    let contact_id = contact["data"]["addPartnerContact"]["contact"]["id"]
        .as_str()
        .expect("contact")
        .to_owned();
    let view = app
        .query_as(&owner.access_token, "mutation { saveView(input: { name: \"A's view\", filter: { search: \"Initech\" }, isDefault: true }) { view { id } } }", json!({}))
        .await;
    let view_id = view["data"]["saveView"]["view"]["id"]
        .as_str()
        .expect("view")
        .to_owned();
    let (segment_id, track_id, tier_id) = program_of_a(app, &owner).await;
    let ai = strategy_of_a(app, mock, &owner).await;
    OrgA {
        ai,
        segment_id,
        track_id,
        tier_id,
        registration_id: registration["data"]["registerDeal"]["registration"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("registration: {registration}"))
            .to_owned(),
        deal_id: deal["data"]["createDeal"]["deal"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("deal: {deal}"))
            .to_owned(),
        partner_id,
        contact_id,
        view_id,
        owner,
        member_id,
        api_key_id: key["data"]["createApiKey"]["apiKey"]["id"]
            .as_str()
            .expect("key")
            .to_owned(),
        api_key_secret: key["data"]["createApiKey"]["secret"]
            .as_str()
            .expect("secret")
            .to_owned(),
        invitation_id,
    }
}

/// A generates its ICP and opens an edit conversation with one completed proposal.
async fn strategy_of_a(app: &TestApp, mock: &MockServer, owner: &Session) -> StrategyOfA {
    let mut icp = crate::ai::icp();
    icp["summary"] = json!("A's secret customers");
    mock.enqueue(Behaviour::json(&icp));
    let started = crate::ai::gql(
        app,
        owner,
        "mutation { startOnboarding { generation { id } } }",
        json!({}),
    )
    .await;
    let generation_id = started["data"]["startOnboarding"]["generation"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("onboarding of A: {started}"))
        .to_owned();
    crate::ai::finished(app, owner, &generation_id).await;
    let document = crate::ai::gql(
        app,
        owner,
        "{ strategyDocument(artifact: ICP) { id } }",
        json!({}),
    )
    .await;
    let opened = crate::ai::gql(app, owner, "mutation { startEditConversation(input: { artifact: ICP, section: \"painPoints\" }) { conversation { id } } }", json!({})).await;
    let conversation_id = opened["data"]["startEditConversation"]["conversation"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("conversation of A: {opened}"))
        .to_owned();
    mock.enqueue(Behaviour::json(
        &json!({ "painPoints": ["A's secret pain"] }),
    ));
    let sent = crate::ai::gql(app, owner, "mutation($id: ID!) { sendEditMessage(input: { conversationId: $id, message: \"A's secret pain\" }) { proposal { id generation { id } } } }", json!({ "id": conversation_id })).await;
    let proposal = &sent["data"]["sendEditMessage"]["proposal"];
    crate::ai::finished(
        app,
        owner,
        proposal["generation"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{sent}")),
    )
    .await;
    StrategyOfA {
        generation_id,
        document_id: document["data"]["strategyDocument"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{document}"))
            .to_owned(),
        conversation_id,
        proposal_id: proposal["id"].as_str().expect("proposal").to_owned(),
    }
}

/// A seeds the default program and adds a segment of its own; returns that segment's ID and
/// a seeded track's and tier's.
async fn program_of_a(app: &TestApp, owner: &Session) -> (String, String, String) {
    let seeded = app
        .query_as(&owner.access_token, "mutation { seedDefaultProgram { program { segments { tracks { id tiers { id } } } } } }", json!({}))
        .await;
    let track = &seeded["data"]["seedDefaultProgram"]["program"]["segments"][0]["tracks"][0];
    let segment = app
        .query_as(&owner.access_token, "mutation { createSegment(input: { name: \"A's secret segment\", family: MARKET }) { segment { id } } }", json!({}))
        .await;
    let text = |value: &Value| {
        value
            .as_str()
            .unwrap_or_else(|| panic!("program of A: {seeded} {segment}"))
            .to_owned()
    };
    (
        text(&segment["data"]["createSegment"]["segment"]["id"]),
        text(&track["id"]),
        text(&track["tiers"][0]["id"]),
    )
}

fn assert_reveals_nothing(case: &str, body: &Value) {
    assert_eq!(error_code(body), Some("NOT_FOUND"), "{case}: {body}");
    let data_is_empty = match &body["data"] {
        Value::Null => true,
        Value::Object(fields) => fields.values().all(Value::is_null),
        _ => false,
    };
    assert!(data_is_empty, "{case}: data leaked: {body}");
    let text = body.to_string();
    for secret in A_SECRETS {
        assert!(!text.contains(secret), "{case}: `{secret}` leaked: {text}");
    }
}

async fn another_organisations_objects_are_not_found(backend: Backend) {
    let mock = MockServer::start().await;
    let app = crate::ai::ai_app(backend, &mock).await;
    let a = populate_a(&app, &mock).await;
    let b = app.signed_up("eve@globex.com").await;
    let b_key = app
        .query_as(
            &b.access_token,
            "mutation { createApiKey(input: { name: \"B key\", role: ADMIN }) { secret } }",
            json!({}),
        )
        .await;
    let b_key = b_key["data"]["createApiKey"]["secret"]
        .as_str()
        .expect("B key")
        .to_owned();
    for credential in [&b.access_token, &b_key] {
        for case in CASES {
            let body = app
                .query_as(
                    credential,
                    case.document,
                    json!({ "id": a.id_of(case.target) }),
                )
                .await;
            assert_reveals_nothing(case.name, &body);
        }
    }

    // Lists show only B's own objects.
    let members = app
        .query_as(
            &b.access_token,
            "{ members { totalCount edges { node { email } } } }",
            json!({}),
        )
        .await;
    assert_eq!(members["data"]["members"]["totalCount"], 1, "{members}");
    let keys = app
        .query_as(&b.access_token, "{ apiKeys { name } }", json!({}))
        .await;
    assert!(!keys.to_string().contains("A's key"), "{keys}");

    // Nothing B tried changed A.
    let a_members = app
        .query_as(
            &a.owner.access_token,
            "{ members { edges { node { id role } } } }",
            json!({}),
        )
        .await;
    let bob = a_members["data"]["members"]["edges"]
        .as_array()
        .and_then(|edges| {
            edges
                .iter()
                .find(|e| e["node"]["id"] == a.member_id.as_str())
        })
        .unwrap_or_else(|| panic!("bob was removed: {a_members}"));
    assert_eq!(bob["node"]["role"], "MEMBER");
    let a_partner = app
        .query_as(
            &a.owner.access_token,
            "query($id: ID!) { partner(id: $id) { name archivedAt version } }",
            json!({ "id": a.partner_id }),
        )
        .await;
    assert_eq!(
        a_partner["data"]["partner"],
        json!({ "name": "Initech Partner", "archivedAt": null, "version": 1 }),
        "{a_partner}"
    );
    let a_deals = app
        .query_as(
            &a.owner.access_token,
            "query($deal: ID!, $registration: ID!) { deal(id: $deal) { status version } dealRegistration(id: $registration) { status version } }",
            json!({ "deal": a.deal_id, "registration": a.registration_id }),
        )
        .await;
    assert_eq!(
        a_deals["data"],
        json!({ "deal": { "status": "OPEN", "version": 1 }, "dealRegistration": { "status": "SUBMITTED", "version": 1 } }),
        "{a_deals}"
    );
    let a_contacts = app
        .query_as(
            &a.owner.access_token,
            "query($id: ID!) { partner(id: $id) { primaryContact { name } contacts { name } } }",
            json!({ "id": a.partner_id }),
        )
        .await;
    assert_eq!(
        a_contacts["data"]["partner"],
        json!({ "primaryContact": null, "contacts": [{ "name": "Wanda Contact" }] }),
        "{a_contacts}"
    );
    let a_views = app
        .query_as(
            &a.owner.access_token,
            "{ partnerViews { name isDefault } }",
            json!({}),
        )
        .await;
    assert_eq!(
        a_views["data"]["partnerViews"],
        json!([{ "name": "A's view", "isDefault": true }]),
        "{a_views}"
    );
    // B cannot put its own partner into A's tier.
    let b_partner = app
        .query_as(&b.access_token, "mutation { createPartner(input: { name: \"B partner\", type: RESELLER }) { partner { id } } }", json!({}))
        .await;
    let b_partner = b_partner["data"]["createPartner"]["partner"]["id"].clone();
    let borrowed = app
        .query_as(
            &b.access_token,
            "mutation($partner: ID!, $tier: ID!) { setPartnerTier(input: { partnerId: $partner, tierId: $tier, reason: \"borrowed\" }) { partner { id } } }",
            json!({ "partner": b_partner, "tier": a.tier_id }),
        )
        .await;
    assert_reveals_nothing("setPartnerTier(tier)", &borrowed);
    // B's own lists and conflict checks know nothing of A's deals.
    let b_view = app
        .query_as(
            &b.access_token,
            "{ deals(first: 5) { totalCount } dealRegistrations(first: 5) { totalCount } checkDealConflicts(input: { customerDomain: \"initrode.com\" }) { hasConflicts } }",
            json!({}),
        )
        .await;
    assert_eq!(
        b_view["data"],
        json!({ "deals": { "totalCount": 0 }, "dealRegistrations": { "totalCount": 0 }, "checkDealConflicts": { "hasConflicts": false } }),
        "{b_view}"
    );
    // B's dashboards add up B's one partner and nothing of A's.
    let b_dashboards = app
        .query_as(
            &b.access_token,
            "{ executiveDashboard { metrics { key value } aiStrengths { label } aiStrengthsMessage areasToAddress { partners { name } } pipelineByStage { key value { amountMinor } } revenueByIndustry { key } pipelineByIndustry { key value { amountMinor } } } partnerLifecycle { totalPartners coverageByRegion { key } coverageBySubtype { key } coverageByVertical { key } coverageByProductOffering { key } } }",
            json!({}),
        )
        .await;
    assert!(b_dashboards["errors"].is_null(), "{b_dashboards}");
    let text = b_dashboards.to_string();
    for secret in A_SECRETS {
        assert!(!text.contains(secret), "`{secret}` leaked: {text}");
    }
    let b_metrics = &b_dashboards["data"]["executiveDashboard"]["metrics"];
    assert_eq!(b_metrics[0]["value"], "1", "{b_dashboards}");
    assert_eq!(
        b_metrics[3]["value"], "USD 0",
        "A's open deal: {b_dashboards}"
    );
    assert_eq!(b_metrics[7]["value"], "—", "A's fit score: {b_dashboards}");
    assert_eq!(
        b_dashboards["data"]["partnerLifecycle"]["totalPartners"], 1,
        "{b_dashboards}"
    );
    let a_program = app
        .query_as(
            &a.owner.access_token,
            "{ program { segments { name tracks { tiers { name } } } } }",
            json!({}),
        )
        .await;
    let segments = a_program["data"]["program"]["segments"]
        .as_array()
        .unwrap_or_else(|| panic!("{a_program}"));
    assert_eq!(segments.len(), 4, "{a_program}");
    assert!(a_program.to_string().contains("A's secret segment"));
    assert!(!a_program.to_string().contains("Pwned"), "{a_program}");
    // A's strategy is untouched; B's own has nothing of it.
    let a_strategy = app
        .query_as(
            &a.owner.access_token,
            "query($id: ID!) { strategyDocument(artifact: ICP) { version content } editConversation(id: $id) { proposals { status } } }",
            json!({ "id": a.ai.conversation_id }),
        )
        .await;
    assert_eq!(
        a_strategy["data"]["strategyDocument"]["version"], 1,
        "{a_strategy}"
    );
    assert_eq!(
        a_strategy["data"]["editConversation"]["proposals"],
        json!([{ "status": "OPEN" }]),
        "{a_strategy}"
    );
    let b_strategy = app
        .query_as(
            &b.access_token,
            "{ strategyDocument(artifact: ICP) { version } onboarding { icp { version } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        b_strategy["data"],
        json!({ "strategyDocument": null, "onboarding": { "icp": null } }),
        "{b_strategy}"
    );
    let a_viewer = app
        .query_as(&a.api_key_secret, "{ viewer { role } }", json!({}))
        .await;
    assert_eq!(
        a_viewer["data"]["viewer"]["role"], "ADMIN",
        "A's key still works: {a_viewer}"
    );
}

on_both_backends!(another_organisations_objects_are_not_found);

#[test]
fn every_case_names_a_distinct_operation_and_target() {
    let mut seen = std::collections::HashSet::new();
    for case in CASES {
        assert!(
            case.document.contains("$id: ID!"),
            "{} takes $id",
            case.name
        );
        assert!(
            seen.insert((case.name, format!("{:?}", case.target))),
            "{} is listed twice",
            case.name
        );
    }
}
