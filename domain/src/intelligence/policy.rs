//! Who may read the Intelligence dashboards (and so keep preferences for them).
//!
//! The executive dashboard is for every internal role. The partner lifecycle view is for
//! owners, admins and partner managers. Partner-role users must not learn either exists: they
//! get Hidden (NOT_FOUND), as they would for a URL that does not exist.

use super::Dashboard;
use crate::identity::{PolicyError, Role};

/// Reading the executive dashboard: every internal role; partner-role users get Hidden.
pub fn can_read_executive_dashboard(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Partner => Err(PolicyError::Hidden),
        _ => Ok(()),
    }
}

/// Reading the partner lifecycle view: owners, admins and partner managers; members and
/// viewers get Forbidden, partner-role users Hidden.
pub fn can_read_partner_lifecycle(actor: Role) -> Result<(), PolicyError> {
    match actor {
        Role::Owner | Role::Admin | Role::PartnerManager => Ok(()),
        Role::Partner => Err(PolicyError::Hidden),
        Role::Member | Role::Viewer => Err(PolicyError::Forbidden(
            "only owners, admins and partner managers can read the partner lifecycle view"
                .to_owned(),
        )),
    }
}

/// Reading `dashboard`, or keeping one's tile and metric preferences for it.
pub fn can_read_dashboard(actor: Role, dashboard: Dashboard) -> Result<(), PolicyError> {
    match dashboard {
        Dashboard::Executive => can_read_executive_dashboard(actor),
        Dashboard::Lifecycle => can_read_partner_lifecycle(actor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(dashboard: Dashboard) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|role| can_read_dashboard(*role, dashboard).is_ok())
            .collect()
    }

    #[test]
    fn every_internal_role_reads_the_executive_dashboard() {
        assert_eq!(
            allowed(Dashboard::Executive),
            [
                Role::Owner,
                Role::Admin,
                Role::PartnerManager,
                Role::Member,
                Role::Viewer
            ]
        );
    }

    #[test]
    fn the_lifecycle_view_is_for_owners_admins_and_partner_managers() {
        assert_eq!(
            allowed(Dashboard::Lifecycle),
            [Role::Owner, Role::Admin, Role::PartnerManager]
        );
        for role in [Role::Member, Role::Viewer] {
            assert!(matches!(
                can_read_partner_lifecycle(role),
                Err(PolicyError::Forbidden(_))
            ));
        }
    }

    #[test]
    fn partner_users_do_not_see_that_dashboards_exist() {
        for dashboard in Dashboard::ALL {
            assert_eq!(
                can_read_dashboard(Role::Partner, dashboard),
                Err(PolicyError::Hidden)
            );
        }
    }
}
