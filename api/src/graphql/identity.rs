//! Identity roots: sign-up and sessions, the viewer, members, invitations, API keys. Root
//! fields parse arguments and delegate to `crate::identity`.

use async_graphql::connection::{Connection, ConnectionNameType, EdgeNameType, EmptyFields};
use async_graphql::{Context, Object, OutputType};
use partnergraph_domain::identity::can_list_members;
use partnergraph_persistence::users;

use crate::error::ApiResult;
use crate::graphql::connection::{ConnectionFields, PageRequest, complexity};
use crate::graphql::node::{NodeKind, decode_uuid, encode_uuid};
use crate::graphql::types::api_key::ApiKey;
use crate::graphql::types::identity_inputs::*;
use crate::graphql::types::identity_payloads::*;
use crate::graphql::types::invitation::Invitation;
use crate::graphql::types::user::User;
use crate::graphql::types::viewer::ViewerObject;
use crate::graphql::{Services, guard};
use crate::identity::accounts::{self, SignUp, SignedIn};
use crate::identity::{api_keys, members};

/// Names the members connection `MemberConnection`.
pub struct MemberConnectionName;

impl ConnectionNameType for MemberConnectionName {
    fn type_name<T: OutputType>() -> String {
        "MemberConnection".to_owned()
    }
}

/// Names its edges `MemberEdge`.
pub struct MemberEdgeName;

impl EdgeNameType for MemberEdgeName {
    fn type_name<T: OutputType>() -> String {
        "MemberEdge".to_owned()
    }
}

/// The members connection.
pub type MemberConnection =
    Connection<String, User, ConnectionFields, EmptyFields, MemberConnectionName, MemberEdgeName>;

fn auth_payload(signed_in: SignedIn) -> AuthPayload {
    AuthPayload {
        access_token: signed_in.tokens.access_token,
        access_token_expires_at: signed_in.tokens.access_token_expires_at,
        refresh_token: signed_in.tokens.refresh_token,
        viewer: ViewerObject(signed_in.member),
    }
}

/// Identity queries.
#[derive(Debug, Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The authenticated caller.
    async fn viewer(&self, ctx: &Context<'_>) -> ApiResult<ViewerObject> {
        Ok(ViewerObject(guard::member(ctx)?.clone()))
    }

    /// Members of the viewer's organisation, in joining order.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n members (at most the maximum page size).")]
        first: Option<i32>,
        #[graphql(desc = "Return members after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n members (at most the maximum page size).")]
        last: Option<i32>,
        #[graphql(desc = "Return members before this cursor.")] before: Option<String>,
    ) -> ApiResult<MemberConnection> {
        const KIND: &str = "members";
        let member = guard::member(ctx)?;
        can_list_members(member.role)?;
        let services = ctx.data_unchecked::<Services>();
        let page = PageRequest::<(chrono::DateTime<chrono::Utc>, uuid::Uuid)>::parse(
            KIND,
            first,
            after,
            last,
            before,
            &services.limits,
        )?;
        let keyset = page.keyset();
        let mut conn = services.db.conn().await?;
        let (rows, total) = users::page(&mut conn, member.org_id, &keyset).await?;
        Ok(page.into_connection(KIND, rows, total, |u| (u.created_at, u.id), User))
    }

    /// The organisation's API keys, newest first (owners and admins).
    async fn api_keys(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiKey>> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        Ok(api_keys::list(services, member)
            .await?
            .into_iter()
            .map(ApiKey)
            .collect())
    }
}

/// Identity mutations.
#[derive(Debug, Default)]
pub struct IdentityMutation;

#[Object]
impl IdentityMutation {
    /// Creates the organisation of your company domain with you as its owner, and signs you
    /// in. A domain that already has an organisation is CONFLICT: ask its admins to invite you.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who you are.")] input: SignUpInput,
    ) -> ApiResult<AuthPayload> {
        let services = ctx.data_unchecked::<Services>();
        let signed_in = accounts::sign_up(
            services,
            SignUp {
                email: input.email,
                password: input.password,
                name: input.name,
                company_domain: input.company_domain,
            },
        )
        .await?;
        Ok(auth_payload(signed_in))
    }

    /// Signs in. Wrong e-mail or password is UNAUTHENTICATED; repeated failures RATE_LIMITED.
    async fn sign_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Credentials.")] input: SignInInput,
    ) -> ApiResult<AuthPayload> {
        let services = ctx.data_unchecked::<Services>();
        let signed_in = accounts::sign_in(
            services,
            guard::client_ip(ctx),
            &input.email,
            &input.password,
        )
        .await?;
        Ok(auth_payload(signed_in))
    }

    /// Exchanges a refresh token for new tokens. Each refresh token works once; presenting a
    /// used one again ends the session.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token.")] input: RefreshSessionInput,
    ) -> ApiResult<RefreshSessionPayload> {
        let services = ctx.data_unchecked::<Services>();
        let tokens = accounts::refresh(services, &input.refresh_token).await?;
        Ok(RefreshSessionPayload {
            access_token: tokens.access_token,
            access_token_expires_at: tokens.access_token_expires_at,
            refresh_token: tokens.refresh_token,
        })
    }

    /// Ends the current session: its access and refresh tokens stop working.
    async fn sign_out(&self, ctx: &Context<'_>) -> ApiResult<SignOutPayload> {
        let member = guard::member(ctx)?;
        accounts::sign_out(ctx.data_unchecked::<Services>(), member).await?;
        Ok(SignOutPayload { ok: true })
    }

    /// Invites someone; the payload's token is shown once, for you to deliver.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who and with which role.")] input: InviteMemberInput,
    ) -> ApiResult<InviteMemberPayload> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        let partner_id = input
            .partner_id
            .as_ref()
            .map(|id| decode_uuid(id, NodeKind::Partner, "input.partnerId"))
            .transpose()?;
        let (record, token) = members::invite(
            services,
            member,
            &input.email,
            input.role.into(),
            partner_id,
        )
        .await?;
        Ok(InviteMemberPayload {
            invitation: Invitation {
                record,
                token: Some(token),
            },
        })
    }

    /// Joins the inviting organisation and signs in. A used or expired token is BAD_USER_INPUT.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation token and your account details.")]
        input: AcceptInvitationInput,
    ) -> ApiResult<AuthPayload> {
        let services = ctx.data_unchecked::<Services>();
        let signed_in =
            accounts::accept_invitation(services, &input.token, &input.password, &input.name)
                .await?;
        Ok(auth_payload(signed_in))
    }

    /// Changes a member's role (owners and admins; only owners touch owners). The last owner
    /// cannot be demoted (CONFLICT).
    async fn change_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whom and the new role.")] input: ChangeMemberRoleInput,
    ) -> ApiResult<ChangeMemberRolePayload> {
        let member = guard::member(ctx)?;
        let user_id = decode_uuid(&input.user_id, NodeKind::User, "input.userId")?;
        let user = members::change_role(
            ctx.data_unchecked::<Services>(),
            member,
            user_id,
            input.role.into(),
        )
        .await?;
        Ok(ChangeMemberRolePayload { member: User(user) })
    }

    /// Removes a member; their sessions end. The last owner cannot be removed (CONFLICT).
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whom.")] input: RemoveMemberInput,
    ) -> ApiResult<RemoveMemberPayload> {
        let member = guard::member(ctx)?;
        let user_id = decode_uuid(&input.user_id, NodeKind::User, "input.userId")?;
        members::remove(ctx.data_unchecked::<Services>(), member, user_id).await?;
        Ok(RemoveMemberPayload {
            removed_user_id: encode_uuid(NodeKind::User, user_id),
        })
    }

    /// Creates an API key with a role no higher than yours; the secret is shown only here.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Name and role.")] input: CreateApiKeyInput,
    ) -> ApiResult<CreateApiKeyPayload> {
        let member = guard::member(ctx)?;
        let (key, secret) = api_keys::create(
            ctx.data_unchecked::<Services>(),
            member,
            &input.name,
            input.role.into(),
        )
        .await?;
        Ok(CreateApiKeyPayload {
            api_key: ApiKey(key),
            secret,
        })
    }

    /// Revokes an API key: it stops authenticating at once.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which key.")] input: RevokeApiKeyInput,
    ) -> ApiResult<RevokeApiKeyPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::ApiKey, "input.id")?;
        let key = api_keys::revoke(ctx.data_unchecked::<Services>(), member, id).await?;
        Ok(RevokeApiKeyPayload {
            api_key: ApiKey(key),
        })
    }
}
