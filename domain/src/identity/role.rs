//! Roles within an organisation and the role policy, as plain functions.
//!
//! Each `can_*` function answers whether an actor with a given role may do something.
//! Partner-role users must not learn that internal resources exist, so they get
//! [`PolicyError::Hidden`] where others get [`PolicyError::Forbidden`].

/// A member's role in an organisation, from most to least privileged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Full control, including other owners and the organisation itself.
    Owner,
    /// Manages members and API keys, but not owners.
    Admin,
    /// Manages partners and their data.
    PartnerManager,
    /// Works with the organisation's data.
    Member,
    /// Reads the organisation's data.
    Viewer,
    /// An external partner's user, who sees only what is shared with them.
    Partner,
}

impl Role {
    /// Every role, from most to least privileged.
    pub const ALL: [Role; 6] = [
        Role::Owner,
        Role::Admin,
        Role::PartnerManager,
        Role::Member,
        Role::Viewer,
        Role::Partner,
    ];

    /// The database form: `"owner"`, `"admin"`, `"partner_manager"`, `"member"`, `"viewer"` or `"partner"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::PartnerManager => "partner_manager",
            Role::Member => "member",
            Role::Viewer => "viewer",
            Role::Partner => "partner",
        }
    }

    /// The role whose [`Role::as_str`] is `s`, exactly; `None` for anything else.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == s)
    }

    /// Privilege rank: owner 5, admin 4, partner_manager 3, member 2, viewer 1, partner 0.
    pub fn rank(self) -> u8 {
        match self {
            Role::Owner => 5,
            Role::Admin => 4,
            Role::PartnerManager => 3,
            Role::Member => 2,
            Role::Viewer => 1,
            Role::Partner => 0,
        }
    }

    /// Whether this is owner or admin.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// Why a policy refused an action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The actor's role may not do this (API: FORBIDDEN).
    #[error("{0}")]
    Forbidden(String),
    /// The actor must not learn the resource exists (partner-role users; API: NOT_FOUND).
    #[error("not found")]
    Hidden,
    /// The change would leave the organisation without an owner (API: CONFLICT).
    #[error("an organisation must keep at least one owner")]
    LastOwner,
}

/// Reading the member list: partner-role users get Hidden; everyone else may.
pub fn can_list_members(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        _ => Ok(()),
    }
}

/// Inviting someone with `role`: actor must be owner or admin; only an owner may invite an owner; partner-role actors get Hidden; others Forbidden.
pub fn can_invite(actor: Role, role: Role) -> Result<(), PolicyError> {
    require_admin(actor, "invite members")?;
    if role == Role::Owner && actor != Role::Owner {
        return Err(forbidden("only an owner can invite someone as an owner"));
    }
    Ok(())
}

/// Changing `target`'s role from `current` to `new`: actor must be owner or admin (partner → Hidden, others → Forbidden);
/// an admin may not change an owner's role nor grant Owner. `owners_after` is how many owners the organisation would have after the change; 0 → LastOwner.
pub fn can_change_role(
    actor: Role,
    current: Role,
    new: Role,
    owners_after: usize,
) -> Result<(), PolicyError> {
    require_admin(actor, "change members' roles")?;
    if actor != Role::Owner {
        if current == Role::Owner {
            return Err(forbidden("only an owner can change an owner's role"));
        }
        if new == Role::Owner {
            return Err(forbidden("only an owner can make someone an owner"));
        }
    }
    require_an_owner(owners_after)
}

/// Removing a member whose role is `target`: actor owner/admin (partner → Hidden, others Forbidden); an admin may not remove an owner; owners_after == 0 → LastOwner.
pub fn can_remove_member(
    actor: Role,
    target: Role,
    owners_after: usize,
) -> Result<(), PolicyError> {
    require_admin(actor, "remove members")?;
    if actor != Role::Owner && target == Role::Owner {
        return Err(forbidden("only an owner can remove an owner"));
    }
    require_an_owner(owners_after)
}

/// Creating an API key with `key_role`: actor must be owner or admin (partner → Hidden, others Forbidden); key_role must not be Partner (Forbidden with a message that API keys cannot have the partner role); key_role.rank() <= actor.rank() else Forbidden ("an API key cannot have more privileges than its creator").
pub fn can_create_api_key(actor: Role, key_role: Role) -> Result<(), PolicyError> {
    require_admin(actor, "create API keys")?;
    if key_role == Role::Partner {
        return Err(forbidden(
            "API keys cannot have the partner role; choose owner, admin, partner_manager, member or viewer",
        ));
    }
    if key_role.rank() > actor.rank() {
        return Err(forbidden(
            "an API key cannot have more privileges than its creator",
        ));
    }
    Ok(())
}

/// Listing or revoking API keys: owner/admin; partner → Hidden; others Forbidden.
pub fn can_manage_api_keys(actor: Role) -> Result<(), PolicyError> {
    require_admin(actor, "list or revoke API keys")
}

/// Owners and admins pass; partners get [`PolicyError::Hidden`]; others are told only
/// owners and admins may `action`.
fn require_admin(actor: Role, action: &str) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        role if role.is_admin() => Ok(()),
        _ => Err(forbidden(&format!("only owners and admins can {action}"))),
    }
}

/// [`PolicyError::LastOwner`] when no owner would remain.
fn require_an_owner(owners_after: usize) -> Result<(), PolicyError> {
    if owners_after == 0 {
        Err(PolicyError::LastOwner)
    } else {
        Ok(())
    }
}

/// Shorthand for [`PolicyError::Forbidden`].
fn forbidden(message: &str) -> PolicyError {
    PolicyError::Forbidden(message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    use Role::{Admin, Member, Owner, Partner, PartnerManager, Viewer};

    /// What a policy answered, without the message.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Outcome {
        Allowed,
        Forbidden,
        Hidden,
        LastOwner,
    }

    fn outcome(result: Result<(), PolicyError>) -> Outcome {
        match result {
            Ok(()) => Outcome::Allowed,
            Err(PolicyError::Forbidden(message)) => {
                assert!(!message.is_empty(), "a refusal needs a message");
                Outcome::Forbidden
            }
            Err(PolicyError::Hidden) => Outcome::Hidden,
            Err(PolicyError::LastOwner) => Outcome::LastOwner,
        }
    }

    /// Runs `policy` for every actor role and compares with `expected`, in [`Role::ALL`] order.
    fn assert_table(
        what: &str,
        policy: impl Fn(Role) -> Result<(), PolicyError>,
        expected: [Outcome; 6],
    ) {
        for (actor, want) in Role::ALL.into_iter().zip(expected) {
            assert_eq!(outcome(policy(actor)), want, "{what}, actor {actor:?}");
        }
    }

    use Outcome::{Allowed as A, Forbidden as F, Hidden as H, LastOwner as L};

    #[test]
    fn the_database_form_round_trips() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        let names: Vec<&str> = Role::ALL.into_iter().map(Role::as_str).collect();
        assert_eq!(
            names,
            [
                "owner",
                "admin",
                "partner_manager",
                "member",
                "viewer",
                "partner"
            ]
        );
    }

    #[test]
    fn unknown_role_names_are_not_parsed() {
        for name in [
            "",
            "Owner",
            "OWNER",
            " owner",
            "partner-manager",
            "superuser",
        ] {
            assert_eq!(Role::parse(name), None, "{name:?}");
        }
    }

    #[test]
    fn ranks_order_roles_from_owner_down_to_partner() {
        let ranks: Vec<u8> = Role::ALL.into_iter().map(Role::rank).collect();
        assert_eq!(ranks, [5, 4, 3, 2, 1, 0]);
    }

    #[test]
    fn only_owners_and_admins_are_admins() {
        let admins: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_admin()).collect();
        assert_eq!(admins, [Owner, Admin]);
    }

    #[test]
    fn everyone_but_partners_may_list_members() {
        assert_table("list members", can_list_members, [A, A, A, A, A, H]);
    }

    #[test]
    fn owners_and_admins_may_invite_non_owners() {
        for role in [Admin, PartnerManager, Member, Viewer, Partner] {
            assert_table(
                &format!("invite {role:?}"),
                |actor| can_invite(actor, role),
                [A, A, F, F, F, H],
            );
        }
    }

    #[test]
    fn only_owners_may_invite_owners() {
        assert_table(
            "invite owner",
            |actor| can_invite(actor, Owner),
            [A, F, F, F, F, H],
        );
    }

    #[test]
    fn owners_and_admins_may_change_roles_among_non_owners() {
        for current in [Admin, PartnerManager, Member, Viewer, Partner] {
            for new in [Admin, PartnerManager, Member, Viewer, Partner] {
                assert_table(
                    &format!("change {current:?} to {new:?}"),
                    |actor| can_change_role(actor, current, new, 1),
                    [A, A, F, F, F, H],
                );
            }
        }
    }

    #[test]
    fn only_owners_may_change_an_owners_role() {
        for new in Role::ALL {
            assert_table(
                &format!("change owner to {new:?}"),
                |actor| can_change_role(actor, Owner, new, 1),
                [A, F, F, F, F, H],
            );
        }
    }

    #[test]
    fn only_owners_may_grant_the_owner_role() {
        for current in [Admin, PartnerManager, Member, Viewer, Partner] {
            assert_table(
                &format!("change {current:?} to owner"),
                |actor| can_change_role(actor, current, Owner, 2),
                [A, F, F, F, F, H],
            );
        }
    }

    #[test]
    fn demoting_the_last_owner_is_a_conflict() {
        for new in [Admin, PartnerManager, Member, Viewer, Partner] {
            assert_table(
                &format!("demote last owner to {new:?}"),
                |actor| can_change_role(actor, Owner, new, 0),
                [L, F, F, F, F, H],
            );
        }
    }

    #[test]
    fn demoting_one_of_several_owners_is_allowed_for_owners() {
        assert_eq!(can_change_role(Owner, Owner, Admin, 1), Ok(()));
    }

    #[test]
    fn owners_and_admins_may_remove_non_owners() {
        for target in [Admin, PartnerManager, Member, Viewer, Partner] {
            assert_table(
                &format!("remove {target:?}"),
                |actor| can_remove_member(actor, target, 1),
                [A, A, F, F, F, H],
            );
        }
    }

    #[test]
    fn only_owners_may_remove_owners() {
        assert_table(
            "remove owner",
            |actor| can_remove_member(actor, Owner, 1),
            [A, F, F, F, F, H],
        );
    }

    #[test]
    fn removing_the_last_owner_is_a_conflict() {
        assert_table(
            "remove last owner",
            |actor| can_remove_member(actor, Owner, 0),
            [L, F, F, F, F, H],
        );
    }

    #[test]
    fn api_keys_may_have_at_most_their_creators_privileges() {
        let expected = |key_role: Role| match key_role {
            Owner => [A, F, F, F, F, H],
            Admin | PartnerManager | Member | Viewer => [A, A, F, F, F, H],
            Partner => [F, F, F, F, F, H],
        };
        for key_role in Role::ALL {
            assert_table(
                &format!("create {key_role:?} API key"),
                |actor| can_create_api_key(actor, key_role),
                expected(key_role),
            );
        }
    }

    #[test]
    fn api_key_refusals_explain_why() {
        let partner_key = can_create_api_key(Owner, Partner).expect_err("refused");
        assert!(partner_key.to_string().contains("partner role"));
        assert_eq!(
            can_create_api_key(Admin, Owner),
            Err(PolicyError::Forbidden(
                "an API key cannot have more privileges than its creator".into()
            ))
        );
    }

    #[test]
    fn only_owners_and_admins_may_manage_api_keys() {
        assert_table("manage API keys", can_manage_api_keys, [A, A, F, F, F, H]);
    }

    #[test]
    fn policy_errors_read_as_sentences() {
        assert_eq!(PolicyError::Hidden.to_string(), "not found");
        assert_eq!(
            PolicyError::LastOwner.to_string(),
            "an organisation must keep at least one owner"
        );
        assert_eq!(
            can_manage_api_keys(Member).map_err(|e| e.to_string()),
            Err("only owners and admins can list or revoke API keys".into())
        );
    }
}
