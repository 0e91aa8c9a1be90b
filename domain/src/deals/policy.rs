//! Who may register, review, write and read deals.

use uuid::Uuid;

use crate::identity::{PolicyError, Role};

/// Registering a deal for `partner_id`: internal writers for any partner; partner-role users
/// only for their own partner (another partner is hidden, NOT_FOUND); viewers never.
pub fn can_register_deal(
    actor: Role,
    actor_partner: Option<Uuid>,
    partner_id: Uuid,
) -> Result<(), PolicyError> {
    match actor {
        Role::Partner if actor_partner == Some(partner_id) => Ok(()),
        Role::Partner => Err(PolicyError::Hidden),
        Role::Viewer => Err(PolicyError::Forbidden(
            "viewers cannot register deals".to_owned(),
        )),
        Role::Owner | Role::Admin | Role::PartnerManager | Role::Member => Ok(()),
    }
}

/// Reviewing registrations (approve, reject, start a review): owners, admins and partner
/// managers.
pub fn can_review_deals(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Owner | Role::Admin | Role::PartnerManager => Ok(()),
        Role::Partner => Err(PolicyError::Hidden),
        Role::Member | Role::Viewer => Err(PolicyError::Forbidden(
            "only owners, admins and partner managers review deal registrations".to_owned(),
        )),
    }
}

/// Creating, importing and closing deals directly: the roles that write partners.
pub fn can_write_deals(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Owner | Role::Admin | Role::PartnerManager | Role::Member => Ok(()),
        Role::Partner => Err(PolicyError::Hidden),
        Role::Viewer => Err(PolicyError::Forbidden(
            "viewers cannot change deals".to_owned(),
        )),
    }
}

/// Reading the deals and registrations of `partner_id`: internal roles; partner-role users
/// only their own partner's.
pub fn can_read_deals_of(
    actor: Role,
    actor_partner: Option<Uuid>,
    partner_id: Uuid,
) -> Result<(), PolicyError> {
    crate::partners::can_read_partner(actor, actor_partner, partner_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_users_register_only_for_their_own_partner() {
        let (own, other) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(can_register_deal(Role::Partner, Some(own), own), Ok(()));
        assert_eq!(
            can_register_deal(Role::Partner, Some(own), other),
            Err(PolicyError::Hidden)
        );
        assert!(matches!(
            can_register_deal(Role::Viewer, None, other),
            Err(PolicyError::Forbidden(_))
        ));
        assert_eq!(can_register_deal(Role::Member, None, other), Ok(()));
    }

    #[test]
    fn reviewers_are_owners_admins_and_partner_managers() {
        let allowed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| can_review_deals(*r).is_ok())
            .collect();
        assert_eq!(allowed, [Role::Owner, Role::Admin, Role::PartnerManager]);
        assert_eq!(can_review_deals(Role::Partner), Err(PolicyError::Hidden));
        assert_eq!(can_write_deals(Role::Partner), Err(PolicyError::Hidden));
        assert!(can_write_deals(Role::Viewer).is_err());
    }

    #[test]
    fn partner_users_read_only_their_own_deals() {
        let (own, other) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(can_read_deals_of(Role::Partner, Some(own), own), Ok(()));
        assert_eq!(
            can_read_deals_of(Role::Partner, Some(own), other),
            Err(PolicyError::Hidden)
        );
        assert_eq!(can_read_deals_of(Role::Viewer, None, other), Ok(()));
    }
}
