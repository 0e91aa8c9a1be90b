//! Who may read and write partners.

use uuid::Uuid;

use crate::identity::{PolicyError, Role};

/// Reading partner `partner_id`: every internal role may; a partner-role user only their own
/// partner (anything else is hidden, NOT_FOUND).
pub fn can_read_partner(
    actor: Role,
    actor_partner: Option<Uuid>,
    partner_id: Uuid,
) -> Result<(), PolicyError> {
    match actor {
        Role::Partner if actor_partner == Some(partner_id) => Ok(()),
        Role::Partner => Err(PolicyError::Hidden),
        _ => Ok(()),
    }
}

/// Listing partners: internal roles; partner-role users see only their own (the caller
/// narrows the list to it).
pub fn can_list_partners(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        _ => Ok(()),
    }
}

/// Creating, editing and archiving partners: owners, admins, partner managers and members.
pub fn can_write_partners(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Owner | Role::Admin | Role::PartnerManager | Role::Member => Ok(()),
        Role::Viewer => Err(PolicyError::Forbidden(
            "viewers cannot change partners".to_owned(),
        )),
        Role::Partner => Err(PolicyError::Hidden),
    }
}

/// Deleting partners for good: owners and admins.
pub fn can_delete_partners(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Owner | Role::Admin => Ok(()),
        Role::Partner => Err(PolicyError::Hidden),
        _ => Err(PolicyError::Forbidden(
            "only owners and admins can delete partners; archive it instead".to_owned(),
        )),
    }
}

/// Keeping saved views of the partners table: every internal role (viewers too: a view is a
/// person's own way of reading the table, not a change to partners); partner-role users have
/// no partners table, so views are hidden from them.
pub fn can_keep_views(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_users_read_only_their_own_partner() {
        let (own, other) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(can_read_partner(Role::Partner, Some(own), own), Ok(()));
        assert_eq!(
            can_read_partner(Role::Partner, Some(own), other),
            Err(PolicyError::Hidden)
        );
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Partner) {
            assert_eq!(can_read_partner(role, None, other), Ok(()), "{role:?}");
        }
    }

    #[test]
    fn writers_are_owners_admins_partner_managers_and_members() {
        let allowed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| can_write_partners(*r).is_ok())
            .collect();
        assert_eq!(
            allowed,
            [Role::Owner, Role::Admin, Role::PartnerManager, Role::Member]
        );
        assert_eq!(can_write_partners(Role::Partner), Err(PolicyError::Hidden));
        assert!(matches!(
            can_write_partners(Role::Viewer),
            Err(PolicyError::Forbidden(_))
        ));
    }

    #[test]
    fn only_owners_and_admins_delete() {
        let allowed: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| can_delete_partners(*r).is_ok())
            .collect();
        assert_eq!(allowed, [Role::Owner, Role::Admin]);
        assert_eq!(can_list_partners(Role::Partner), Err(PolicyError::Hidden));
    }

    #[test]
    fn every_internal_role_keeps_views_and_partner_users_do_not_see_them() {
        for role in Role::ALL {
            let expected = if role == Role::Partner {
                Err(PolicyError::Hidden)
            } else {
                Ok(())
            };
            assert_eq!(can_keep_views(role), expected, "{role:?}");
        }
    }
}
