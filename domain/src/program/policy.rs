//! Who may read and change the partner program.
//!
//! Program configuration (segments, tracks, tiers, their requirement logic and notes) is for
//! owners and admins. The list of tiers a partner type can hold — the partners table's
//! type-to-tier cascade, used when setting a tier by hand — is for everyone who may change
//! partners.

use crate::identity::{PolicyError, Role};

/// Reading the program configuration: owners and admins; partner-role users get Hidden,
/// other roles Forbidden.
pub fn can_read_program(actor: Role) -> Result<(), PolicyError> {
    require_admin(actor, "read the partner program configuration")
}

/// Changing the program (segments, tracks, tiers, requirement logic, seeding defaults,
/// simulating a draft): owners and admins; partner-role users get Hidden, others Forbidden.
pub fn can_manage_program(actor: Role) -> Result<(), PolicyError> {
    require_admin(actor, "change the partner program")
}

/// Whether `actor` may see the notes of requirement rules: owners and admins only. Others who
/// see rules (e.g. in a tier explanation) get them without notes.
pub fn can_see_rule_notes(actor: Role) -> bool {
    actor.is_admin()
}

/// Listing the tiers available to a partner type (names and colours, no logic): every
/// internal role; partner-role users get Hidden.
pub fn can_list_tiers(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        _ => Ok(()),
    }
}

fn require_admin(actor: Role, action: &str) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        role if role.is_admin() => Ok(()),
        _ => Err(PolicyError::Forbidden(format!(
            "only owners and admins can {action}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(policy: impl Fn(Role) -> Result<(), PolicyError>) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|role| policy(*role).is_ok())
            .collect()
    }

    #[test]
    fn only_owners_and_admins_read_and_change_the_program() {
        for policy in [can_read_program, can_manage_program] {
            assert_eq!(allowed(policy), [Role::Owner, Role::Admin]);
            assert_eq!(policy(Role::Partner), Err(PolicyError::Hidden));
            for role in [Role::PartnerManager, Role::Member, Role::Viewer] {
                assert!(
                    matches!(policy(role), Err(PolicyError::Forbidden(ref m)) if m.starts_with("only owners and admins")),
                    "{role:?}"
                );
            }
        }
    }

    #[test]
    fn rule_notes_are_for_admins_only() {
        let readers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|role| can_see_rule_notes(*role))
            .collect();
        assert_eq!(readers, [Role::Owner, Role::Admin]);
    }

    #[test]
    fn every_internal_role_lists_tiers_and_partner_users_do_not_see_them() {
        assert_eq!(allowed(can_list_tiers).len(), 5);
        assert_eq!(can_list_tiers(Role::Partner), Err(PolicyError::Hidden));
    }
}
