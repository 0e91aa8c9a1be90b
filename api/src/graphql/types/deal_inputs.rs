//! Inputs and payloads of deals and deal registrations.

use async_graphql::{ID, InputObject, SimpleObject};

use crate::graphql::scalars::{Date, MoneyInput};
use crate::graphql::types::deal::{
    Deal, DealMotionValue, DealOutcome, DealRegistration, DealStatusValue, RegistrationStatusValue,
    ReviewDecisionValue,
};

/// A partner's deal registration.
#[derive(Debug, Clone, InputObject)]
pub struct RegisterDealInput {
    /// The registering partner (partner-role users: their own partner).
    pub partner_id: ID,
    /// The end customer's name.
    pub customer_name: String,
    /// The end customer's domain (conflict checks match on it).
    pub customer_domain: String,
    /// Amount, in the organisation's deal currency (see `Organization.dealSettings`).
    pub amount: MoneyInput,
    /// Product or services (default PRODUCT).
    pub motion: Option<DealMotionValue>,
    /// Expected close date.
    pub expected_close_date: Option<Date>,
    /// Notes for the reviewer (at most 4,000 characters).
    pub notes: Option<String>,
}

/// Which registration to put under review.
#[derive(Debug, Clone, InputObject)]
pub struct StartDealRegistrationReviewInput {
    /// The registration.
    pub id: ID,
}

/// A reviewer's decision.
#[derive(Debug, Clone, InputObject)]
pub struct ReviewDealRegistrationInput {
    /// The registration (submitted or under review).
    pub id: ID,
    /// Approve or reject.
    pub decision: ReviewDecisionValue,
    /// Why; required to reject (at most 4,000 characters).
    pub reason: Option<String>,
}

/// A deal created directly (not through a registration).
#[derive(Debug, Clone, InputObject)]
pub struct CreateDealInput {
    /// The partner it is attributed to.
    pub partner_id: ID,
    /// Title.
    pub name: Option<String>,
    /// The end customer's name.
    pub customer_name: String,
    /// The end customer's domain.
    pub customer_domain: Option<String>,
    /// Amount, in the organisation's deal currency.
    pub amount: MoneyInput,
    /// Product or services (default PRODUCT).
    pub motion: Option<DealMotionValue>,
    /// Expected close date.
    pub expected_close_date: Option<Date>,
    /// The deal's id in your CRM (unique in your organisation).
    pub external_id: Option<String>,
}

/// Closing an open deal.
#[derive(Debug, Clone, InputObject)]
pub struct CloseDealInput {
    /// The deal.
    pub id: ID,
    /// Won or lost.
    pub outcome: DealOutcome,
    /// The final amount (the deal's amount when omitted).
    pub amount: Option<MoneyInput>,
    /// The close date (today, UTC, when omitted).
    pub closed_on: Option<Date>,
}

/// A channel-conflict check.
#[derive(Debug, Clone, InputObject)]
pub struct CheckDealConflictsInput {
    /// The customer's domain.
    pub customer_domain: String,
    /// The partner asking (its own registrations and deals are not conflicts).
    pub partner_id: Option<ID>,
}

/// Which registrations to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct DealRegistrationFilter {
    /// Only this partner's registrations.
    pub partner_id: Option<ID>,
    /// Any of these statuses, as they read now.
    pub statuses: Option<Vec<RegistrationStatusValue>>,
    /// Only registrations for this customer domain.
    pub customer_domain: Option<String>,
}

/// Which deals to list.
#[derive(Debug, Clone, Default, InputObject)]
pub struct DealFilter {
    /// Only this partner's deals.
    pub partner_id: Option<ID>,
    /// Any of these statuses.
    pub statuses: Option<Vec<DealStatusValue>>,
    /// Only deals for this customer domain.
    pub customer_domain: Option<String>,
}

/// New deal settings; omitted fields stay as they are.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateDealSettingsInput {
    /// ISO 4217 currency of every deal (fixed once deals or registrations exist).
    pub currency: Option<String>,
    /// Days an approved registration protects its deal (1 to 3,650).
    pub registration_expiry_days: Option<i32>,
}

/// Result of a registration change.
#[derive(SimpleObject)]
pub struct DealRegistrationPayload {
    /// The registration after the change.
    pub registration: DealRegistration,
    /// The deal an approval opened.
    pub deal: Option<Deal>,
}

/// Result of a deal change.
#[derive(SimpleObject)]
pub struct DealPayload {
    /// The deal after the change.
    pub deal: Deal,
}

/// Other partners' claims on a customer.
#[derive(SimpleObject)]
pub struct DealConflicts {
    /// Whether another partner has a live registration or an open deal for the customer.
    pub has_conflicts: bool,
    /// Other partners' live registrations (empty for partner-role viewers; at most 100).
    pub registrations: Vec<DealRegistration>,
    /// Other partners' open deals (empty for partner-role viewers; at most 100).
    pub deals: Vec<Deal>,
}

/// How the organisation keeps deals.
#[derive(SimpleObject)]
pub struct DealSettings {
    /// ISO 4217 currency of every deal and rollup.
    pub currency: String,
    /// Days an approved registration protects its deal.
    pub registration_expiry_days: i32,
}

impl From<partnergraph_persistence::organizations::DealSettings> for DealSettings {
    fn from(s: partnergraph_persistence::organizations::DealSettings) -> Self {
        DealSettings {
            currency: s.currency.code().to_owned(),
            registration_expiry_days: i32::try_from(s.expiry.days()).unwrap_or(i32::MAX),
        }
    }
}
