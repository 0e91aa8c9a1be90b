//! Membership: invitations, role changes, removal.

use partnergraph_domain::identity::{can_change_role, can_invite, can_remove_member};
use partnergraph_domain::{EmailAddress, Role};
use partnergraph_persistence::invitations::{self, Invitation};
use partnergraph_persistence::users::{self, MembershipChange, User};
use uuid::Uuid;

use crate::auth::Member;
use crate::auth::secrets::{self, INVITATION_PREFIX};
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;

/// Invites `email` with `role`; returns the invitation and its single-use token, which the
/// inviting admin delivers.
pub async fn invite(
    services: &Services,
    member: &Member,
    email: &str,
    role: Role,
    partner_id: Option<Uuid>,
) -> ApiResult<(Invitation, String)> {
    can_invite(member.role, role)?;
    // A partner-role user acts for exactly one partner record of the organisation.
    match (role, partner_id) {
        (Role::Partner, None) => {
            return Err(ApiError::bad_input(
                "input.partnerId",
                "partner-role invitations name the partner the invitee acts for",
            ));
        }
        (Role::Partner, Some(partner)) => {
            crate::partners::visible(services, member, partner).await?;
        }
        (_, Some(_)) => {
            return Err(ApiError::bad_input(
                "input.partnerId",
                "only partner-role invitations name a partner",
            ));
        }
        (_, None) => {}
    }
    let email = EmailAddress::parse(email)
        .map_err(|e| ApiError::bad_input("input.email", e.to_string()))?;
    let mut conn = services.db.conn().await?;
    if users::email_taken(&mut conn, &email.as_str()).await? {
        return Err(ApiError::Conflict(
            "an account with this e-mail already exists".to_owned(),
        ));
    }
    let token = secrets::generate(INVITATION_PREFIX);
    let now = partnergraph_persistence::types::now();
    let invitation = Invitation {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        email: email.as_str(),
        role,
        partner_id,
        invited_by: member.user_id(),
        created_at: now,
        expires_at: now
            + chrono::Duration::from_std(services.auth.invitation_ttl)
                .unwrap_or(chrono::Duration::days(7)),
        accepted_at: None,
    };
    invitations::insert(&mut conn, &invitation, &secrets::digest(&token)).await?;
    Ok((invitation, token))
}

fn membership_error(error: MembershipChange<partnergraph_domain::PolicyError>) -> ApiError {
    match error {
        MembershipChange::NotFound => ApiError::NotFound("member"),
        MembershipChange::Refused(policy) => policy.into(),
        MembershipChange::Db(db) => db.into(),
    }
}

/// Changes a member's role; the last owner cannot be demoted.
pub async fn change_role(
    services: &Services,
    member: &Member,
    user_id: Uuid,
    role: Role,
) -> ApiResult<User> {
    if role == Role::Partner {
        return Err(ApiError::bad_input(
            "input.role",
            "partner-role users are invited for a partner record; they cannot be made from existing members",
        ));
    }
    let mut conn = services.db.conn().await?;
    let actor = member.role;
    users::change_membership(&mut conn, member.org_id, user_id, Some(role), |state| {
        let owners_after = usize::try_from(state.owners).unwrap_or(0)
            - usize::from(state.role == Role::Owner)
            + usize::from(role == Role::Owner);
        can_change_role(actor, state.role, role, owners_after)
    })
    .await
    .map_err(membership_error)?;
    users::by_id(&mut conn, member.org_id, user_id)
        .await?
        .ok_or(ApiError::NotFound("member"))
}

/// Removes a member (their sessions end with them); the last owner cannot be removed.
pub async fn remove(services: &Services, member: &Member, user_id: Uuid) -> ApiResult<()> {
    let mut conn = services.db.conn().await?;
    let actor = member.role;
    users::change_membership(&mut conn, member.org_id, user_id, None, |state| {
        let owners_after =
            usize::try_from(state.owners).unwrap_or(0) - usize::from(state.role == Role::Owner);
        can_remove_member(actor, state.role, owners_after)
    })
    .await
    .map_err(membership_error)
}
