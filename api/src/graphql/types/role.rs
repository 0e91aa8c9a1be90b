//! `Role`: what a member or API key may do.

use async_graphql::Enum;
use partnergraph_domain::Role as DomainRole;

/// A member's role in the organisation, from most to least privileged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "Role")]
pub enum RoleValue {
    /// Full control, including other owners; at least one per organisation.
    Owner,
    /// Manages members, API keys and program configuration.
    Admin,
    /// Manages partner relationships.
    PartnerManager,
    /// Works with partners and deals.
    Member,
    /// Reads only.
    Viewer,
    /// A partner's portal user: sees only what concerns their own partner record.
    Partner,
}

impl From<DomainRole> for RoleValue {
    fn from(role: DomainRole) -> Self {
        match role {
            DomainRole::Owner => RoleValue::Owner,
            DomainRole::Admin => RoleValue::Admin,
            DomainRole::PartnerManager => RoleValue::PartnerManager,
            DomainRole::Member => RoleValue::Member,
            DomainRole::Viewer => RoleValue::Viewer,
            DomainRole::Partner => RoleValue::Partner,
        }
    }
}

impl From<RoleValue> for DomainRole {
    fn from(role: RoleValue) -> Self {
        match role {
            RoleValue::Owner => DomainRole::Owner,
            RoleValue::Admin => DomainRole::Admin,
            RoleValue::PartnerManager => DomainRole::PartnerManager,
            RoleValue::Member => DomainRole::Member,
            RoleValue::Viewer => DomainRole::Viewer,
            RoleValue::Partner => DomainRole::Partner,
        }
    }
}
