//! Who may read and change strategy documents and run onboarding.

use crate::identity::{PolicyError, Role};

/// Reading strategy documents, generations and onboarding: every internal role; partner-role
/// users get Hidden (the strategy is the organisation's own).
pub fn can_read_strategy(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        _ => Ok(()),
    }
}

/// Running onboarding, generating, editing and cancelling: owners and admins; partner-role
/// users get Hidden, other roles Forbidden.
pub fn can_manage_strategy(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        role if role.is_admin() => Ok(()),
        _ => Err(PolicyError::Forbidden(
            "only owners and admins can generate or edit the strategy".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_users_never_learn_the_strategy_exists() {
        assert_eq!(can_read_strategy(Role::Partner), Err(PolicyError::Hidden));
        assert_eq!(can_manage_strategy(Role::Partner), Err(PolicyError::Hidden));
    }

    #[test]
    fn only_admins_change_the_strategy() {
        assert!(can_manage_strategy(Role::Owner).is_ok());
        assert!(can_manage_strategy(Role::Admin).is_ok());
        for role in [Role::PartnerManager, Role::Member, Role::Viewer] {
            assert!(can_read_strategy(role).is_ok());
            assert!(matches!(
                can_manage_strategy(role),
                Err(PolicyError::Forbidden(_))
            ));
        }
    }
}
