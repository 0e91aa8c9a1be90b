//! Inputs and payloads of the partner contact mutations.

use async_graphql::{ID, InputObject, MaybeUndefined, SimpleObject};

use crate::graphql::types::partner::Partner;
use crate::graphql::types::partner_contact::PartnerContact;

/// Add a contact to a partner.
#[derive(Debug, Clone, InputObject)]
pub struct AddPartnerContactInput {
    /// The partner.
    pub partner_id: ID,
    /// Name (1–200 characters).
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number (digits, spaces and `+ ( ) - . / #`, `x` or `ext`; at most 50 characters).
    pub phone: Option<String>,
    /// Job title (at most 200 characters).
    pub title: Option<String>,
    /// Also make the contact the partner's primary contact (default false).
    #[graphql(default)]
    pub make_primary: bool,
}

/// Change a contact: an omitted field is left alone, `null` clears it.
#[derive(Debug, Clone, InputObject)]
pub struct UpdatePartnerContactInput {
    /// The contact.
    pub id: ID,
    /// Name (1–200 characters; cannot be cleared).
    pub name: Option<String>,
    /// E-mail address.
    pub email: MaybeUndefined<String>,
    /// Phone number.
    pub phone: MaybeUndefined<String>,
    /// Job title.
    pub title: MaybeUndefined<String>,
}

/// Remove a contact (if it is the primary contact, the partner has none afterwards).
#[derive(Debug, Clone, InputObject)]
pub struct RemovePartnerContactInput {
    /// The contact.
    pub id: ID,
}

/// Set or clear a partner's primary contact.
#[derive(Debug, Clone, InputObject)]
pub struct SetPrimaryContactInput {
    /// The partner.
    pub partner_id: ID,
    /// One of the partner's contacts; `null` clears the primary contact.
    pub contact_id: Option<ID>,
}

/// Result of `addPartnerContact` and `updatePartnerContact`.
#[derive(SimpleObject)]
pub struct PartnerContactPayload {
    /// The contact after the change.
    pub contact: PartnerContact,
}

/// Result of `removePartnerContact`.
#[derive(SimpleObject)]
pub struct RemovePartnerContactPayload {
    /// The removed contact's ID.
    pub removed_contact_id: ID,
    /// The partner after the removal.
    pub partner: Partner,
}
