//! Opaque global IDs and the Relay `Node` interface.
//!
//! A global ID is base64url (no padding) of `Kind:local-id`. Clients must treat it as opaque;
//! it is stable across releases.

use async_graphql::{Context, ID, Interface, Object};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{ApiError, ApiResult};
use partnergraph_persistence::{api_keys, invitations, organizations, users};

use crate::graphql::types::api_key::ApiKey;
use crate::graphql::types::deal::{Deal, DealRegistration};
use crate::graphql::types::edit::{EditConversation, EditProposal};
use crate::graphql::types::generation::Generation;
use crate::graphql::types::invitation::Invitation;
use crate::graphql::types::organization::Organization;
use crate::graphql::types::partner::Partner;
use crate::graphql::types::partner_contact::PartnerContact;
use crate::graphql::types::saved_view::SavedView;
use crate::graphql::types::schema_migration::SchemaMigration;
use crate::graphql::types::segment::Segment;
use crate::graphql::types::strategy_document::StrategyDocument;
use crate::graphql::types::tier::Tier;
use crate::graphql::types::track::Track;
use crate::graphql::types::user::User;
use crate::graphql::{Services, guard};

/// Every kind of object reachable through `node(id:)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// An applied database migration.
    SchemaMigration,
    /// An organisation.
    Organization,
    /// A user.
    User,
    /// An invitation.
    Invitation,
    /// An API key.
    ApiKey,
    /// A partner.
    Partner,
    /// A deal.
    Deal,
    /// A deal registration.
    DealRegistration,
    /// A partner contact.
    PartnerContact,
    /// A saved view of the partners table.
    SavedView,
    /// A segment of the partner program.
    Segment,
    /// A track of the partner program.
    Track,
    /// A tier of the partner program.
    Tier,
    /// An AI generation.
    Generation,
    /// A version of a strategy document (`ICP:3`).
    StrategyDocument,
    /// An "Edit with AI" conversation.
    EditConversation,
    /// An "Edit with AI" proposal.
    EditProposal,
}

impl NodeKind {
    const ALL: &[NodeKind] = &[
        NodeKind::SchemaMigration,
        NodeKind::Organization,
        NodeKind::User,
        NodeKind::Invitation,
        NodeKind::ApiKey,
        NodeKind::Partner,
        NodeKind::Deal,
        NodeKind::DealRegistration,
        NodeKind::PartnerContact,
        NodeKind::SavedView,
        NodeKind::Segment,
        NodeKind::Track,
        NodeKind::Tier,
        NodeKind::Generation,
        NodeKind::StrategyDocument,
        NodeKind::EditConversation,
        NodeKind::EditProposal,
    ];

    /// The name inside global IDs (the GraphQL type name).
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::SchemaMigration => "SchemaMigration",
            NodeKind::Organization => "Organization",
            NodeKind::User => "User",
            NodeKind::Invitation => "Invitation",
            NodeKind::ApiKey => "ApiKey",
            NodeKind::Partner => "Partner",
            NodeKind::Deal => "Deal",
            NodeKind::DealRegistration => "DealRegistration",
            NodeKind::PartnerContact => "PartnerContact",
            NodeKind::SavedView => "SavedView",
            NodeKind::Segment => "Segment",
            NodeKind::Track => "Track",
            NodeKind::Tier => "Tier",
            NodeKind::Generation => "Generation",
            NodeKind::StrategyDocument => "StrategyDocument",
            NodeKind::EditConversation => "EditConversation",
            NodeKind::EditProposal => "EditProposal",
        }
    }
}

/// Encodes the global ID of a uuid-keyed object.
pub fn encode_uuid(kind: NodeKind, id: uuid::Uuid) -> ID {
    encode_id(kind, &id.to_string())
}

/// Decodes the global ID of a uuid-keyed object of `kind`; `field` names the argument.
pub fn decode_uuid(id: &ID, kind: NodeKind, field: &str) -> ApiResult<uuid::Uuid> {
    let local = decode_id_of(id, kind, field)?;
    uuid::Uuid::parse_str(&local).map_err(|_| ApiError::bad_input(field, "not a valid ID"))
}

/// Encodes a global ID.
pub fn encode_id(kind: NodeKind, local: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{local}", kind.name())))
}

/// Decodes any global ID into its kind and local part; `field` names the argument.
pub fn decode_id(id: &ID, field: &str) -> ApiResult<(NodeKind, String)> {
    let invalid = || ApiError::bad_input(field, "not a valid ID");
    let bytes = URL_SAFE_NO_PAD
        .decode(id.as_bytes())
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (kind, local) = text.split_once(':').ok_or_else(invalid)?;
    let kind = NodeKind::ALL
        .iter()
        .copied()
        .find(|k| k.name() == kind)
        .ok_or_else(invalid)?;
    if local.is_empty() {
        return Err(invalid());
    }
    Ok((kind, local.to_owned()))
}

/// Decodes a global ID that must be of `kind` (an ID of another kind is `BAD_USER_INPUT`).
pub fn decode_id_of(id: &ID, kind: NodeKind, field: &str) -> ApiResult<String> {
    let (actual, local) = decode_id(id, field)?;
    if actual != kind {
        return Err(ApiError::bad_input(
            field,
            format!("expected an ID of a {}", kind.name()),
        ));
    }
    Ok(local)
}

/// An object with a globally unique, opaque ID.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Opaque global identifier; see `Query.node`."
))]
pub enum Node {
    /// An applied database migration.
    SchemaMigration(SchemaMigration),
    /// An organisation.
    Organization(Organization),
    /// A user.
    User(User),
    /// An invitation.
    Invitation(Invitation),
    /// An API key.
    ApiKey(ApiKey),
    /// A partner.
    Partner(Partner),
    /// A deal.
    Deal(Deal),
    /// A deal registration.
    DealRegistration(DealRegistration),
    /// A partner contact.
    PartnerContact(PartnerContact),
    /// A saved view of the partners table.
    SavedView(SavedView),
    /// A segment of the partner program.
    Segment(Segment),
    /// A track of the partner program.
    Track(Track),
    /// A tier of the partner program.
    Tier(Tier),
    /// An AI generation.
    Generation(Generation),
    /// A version of a strategy document.
    StrategyDocument(StrategyDocument),
    /// An "Edit with AI" conversation.
    EditConversation(EditConversation),
    /// An "Edit with AI" proposal.
    EditProposal(EditProposal),
}

/// `node(id:)`.
#[derive(Debug, Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID. A malformed ID is `BAD_USER_INPUT`; an ID that names
    /// nothing the viewer may see is `NOT_FOUND`.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global ID of any object (its `id` field).")] id: ID,
    ) -> ApiResult<Node> {
        let member = guard::member(ctx)?;
        let (kind, local) = decode_id(&id, "id")?;
        let not_found = || ApiError::NotFound("node");
        if kind == NodeKind::SchemaMigration {
            return SchemaMigration::load(ctx, &local)
                .await?
                .map(Node::SchemaMigration)
                .ok_or_else(not_found);
        }
        if kind == NodeKind::StrategyDocument {
            return strategy_document(ctx, member, &local)
                .await?
                .map(Node::StrategyDocument)
                .ok_or_else(not_found);
        }
        let uuid = uuid::Uuid::parse_str(&local)
            .map_err(|_| ApiError::bad_input("id", "not a valid ID"))?;
        // Every lookup is scoped to the viewer's organisation: another tenant's object is
        // NOT_FOUND. Partner-role viewers see only their own user and organisation.
        let partner_viewer = member.role == partnergraph_domain::Role::Partner;
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        let node = match kind {
            NodeKind::Organization if uuid == member.org_id => {
                organizations::by_id(&mut conn, uuid)
                    .await?
                    .map(|o| Node::Organization(Organization(o)))
            }
            NodeKind::User if !partner_viewer || member.user_id() == Some(uuid) => {
                users::by_id(&mut conn, member.org_id, uuid)
                    .await?
                    .map(|u| Node::User(User(u)))
            }
            NodeKind::Invitation if !partner_viewer => {
                invitations::by_id(&mut conn, member.org_id, uuid)
                    .await?
                    .map(|record| {
                        Node::Invitation(Invitation {
                            record,
                            token: None,
                        })
                    })
            }
            NodeKind::ApiKey if member.role.is_admin() => {
                api_keys::by_id(&mut conn, member.org_id, uuid)
                    .await?
                    .map(|k| Node::ApiKey(ApiKey(k)))
            }
            NodeKind::Partner => match crate::partners::visible(services, member, uuid).await {
                Ok(partner) => Some(Node::Partner(Partner::from(partner))),
                Err(crate::error::ApiError::NotFound(_)) => None,
                Err(error) => return Err(error),
            },
            NodeKind::Deal => match crate::deals::visible_deal(services, member, uuid).await {
                Ok(deal) => Some(Node::Deal(Deal(deal))),
                Err(ApiError::NotFound(_)) => None,
                Err(error) => return Err(error),
            },
            NodeKind::DealRegistration => {
                match crate::deals::visible_registration(services, member, uuid).await {
                    Ok(registration) => {
                        Some(Node::DealRegistration(DealRegistration(registration)))
                    }
                    Err(ApiError::NotFound(_)) => None,
                    Err(error) => return Err(error),
                }
            }
            NodeKind::PartnerContact => {
                match crate::contacts::visible_contact(services, member, uuid).await {
                    Ok(record) => Some(Node::PartnerContact(PartnerContact {
                        is_primary: crate::contacts::is_primary(services, &record).await?,
                        record,
                    })),
                    Err(crate::error::ApiError::NotFound(_)) => None,
                    Err(error) => return Err(error),
                }
            }
            NodeKind::SavedView => match crate::views::mine(&mut conn, member, uuid).await {
                Ok(view) => Some(Node::SavedView(SavedView(view))),
                Err(crate::error::ApiError::NotFound(_)) => None,
                Err(error) => return Err(error),
            },
            // The program's parts resolve for those who may read the program (tiers for every
            // internal role, as in `tiersForPartnerType`); for anyone else they do not exist.
            NodeKind::Segment | NodeKind::Track | NodeKind::Tier => {
                drop(conn);
                program_node(services, member, kind, uuid).await?
            }
            NodeKind::Generation | NodeKind::EditConversation | NodeKind::EditProposal => {
                drop(conn);
                strategy_node(services, member, kind, uuid).await?
            }
            _ => None,
        };
        node.ok_or_else(not_found)
    }
}

/// A version of a strategy document, `ARTIFACT:version` (e.g. `ICP:3`).
async fn strategy_document(
    ctx: &Context<'_>,
    member: &crate::auth::Member,
    local: &str,
) -> ApiResult<Option<StrategyDocument>> {
    let invalid = || ApiError::bad_input("id", "not a valid ID");
    let (artifact, version) = local.split_once(':').ok_or_else(invalid)?;
    let artifact = partnergraph_domain::strategy::Artifact::parse(artifact).ok_or_else(invalid)?;
    let version: i32 = version.parse().map_err(|_| invalid())?;
    if partnergraph_domain::strategy::can_read_strategy(member.role).is_err() {
        return Ok(None);
    }
    let services = ctx.data_unchecked::<Services>();
    let mut conn = services.db.conn().await?;
    Ok(
        partnergraph_persistence::strategy::version(&mut conn, member.org_id, artifact, version)
            .await?
            .map(StrategyDocument),
    )
}

async fn strategy_node(
    services: &Services,
    member: &crate::auth::Member,
    kind: NodeKind,
    id: uuid::Uuid,
) -> ApiResult<Option<Node>> {
    let found = match kind {
        NodeKind::Generation => crate::strategy::generation(services, member, id)
            .await
            .map(|g| Node::Generation(Generation(g))),
        NodeKind::EditConversation => crate::strategy::conversation(services, member, id)
            .await
            .map(|c| Node::EditConversation(EditConversation(c))),
        _ => crate::strategy::proposal(services, member, id)
            .await
            .map(|p| Node::EditProposal(EditProposal(p))),
    };
    match found {
        Ok(node) => Ok(Some(node)),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

async fn program_node(
    services: &Services,
    member: &crate::auth::Member,
    kind: NodeKind,
    id: uuid::Uuid,
) -> ApiResult<Option<Node>> {
    let notes_visible = partnergraph_domain::program::can_see_rule_notes(member.role);
    let found = match kind {
        NodeKind::Segment => crate::program::segment(services, member, id)
            .await
            .map(|segment| {
                Node::Segment(Segment {
                    segment,
                    notes_visible,
                })
            }),
        NodeKind::Track => crate::program::track(services, member, id)
            .await
            .map(|track| {
                Node::Track(Track {
                    track,
                    notes_visible,
                })
            }),
        _ => crate::program::tier(services, member, id)
            .await
            .map(|tier| {
                Node::Tier(Tier {
                    tier,
                    notes_visible,
                })
            }),
    };
    match found {
        Ok(node) => Ok(Some(node)),
        Err(ApiError::NotFound(_) | ApiError::Forbidden(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_opaque() {
        let id = encode_id(NodeKind::SchemaMigration, "20261121000001");
        assert!(!id.contains("SchemaMigration"));
        assert_eq!(
            decode_id(&id, "id").ok(),
            Some((NodeKind::SchemaMigration, "20261121000001".to_owned()))
        );
    }

    #[test]
    fn malformed_ids_are_bad_input_naming_the_field() {
        for raw in [
            "",
            "!!!",
            "Zm9v",
            &URL_SAFE_NO_PAD.encode("Unknown:1"),
            &URL_SAFE_NO_PAD.encode("SchemaMigration:"),
        ] {
            match decode_id(&ID(raw.to_owned()), "input.id") {
                Err(ApiError::BadUserInput { field, .. }) => {
                    assert_eq!(field.as_deref(), Some("input.id"))
                }
                other => panic!("{raw}: unexpected {other:?}"),
            }
        }
    }
}
