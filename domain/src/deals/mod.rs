//! Deals and deal registrations: their vocabularies, the registration state machine, expiry,
//! the financial rollups a partner's deals add up to, and who may do what.
//!
//! A registration moves `submitted → under_review → approved | rejected`; an approved
//! registration whose deal is still open when it expires reads as `expired`. Rollups are
//! defined here once ([`Financials::of`]); the database keeps the same sums in
//! `partner_financials`, and tests hold the two equal.

use std::collections::BTreeSet;

use crate::money::{Currency, Money};
use chrono::{DateTime, Duration, Utc};

pub mod policy;

pub use policy::{can_read_deals_of, can_register_deal, can_review_deals, can_write_deals};

closed_enum! {
    /// Where a deal registration is in its review.
    pub enum RegistrationStatus;
    as_str = "The database form, e.g. `\"under_review\"`.";
    parse(ignore_ascii_case) = "The status whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// Submitted by the partner, not yet picked up.
        Submitted => "submitted",
        /// A reviewer is looking at it.
        UnderReview => "under_review",
        /// Accepted: a deal is tracked for the partner until the registration expires.
        Approved => "approved",
        /// Refused, with a reason.
        Rejected => "rejected",
        /// Approved, but its deal was neither won nor lost before the expiry date.
        Expired => "expired",
    }
}

closed_enum! {
    /// Whether a deal is still in play.
    pub enum DealStatus;
    as_str = "The database form, e.g. `\"open\"`.";
    parse(ignore_ascii_case) = "The status whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// In the pipeline.
        Open => "open",
        /// Closed and won: counts as revenue.
        Won => "won",
        /// Closed and lost.
        Lost => "lost",
    }
}

closed_enum! {
    /// The go-to-market motion of a deal; won product deals make up product revenue.
    pub enum DealMotion;
    as_str = "The database form, e.g. `\"product\"`.";
    parse(ignore_ascii_case) = "The motion whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// Selling our product (licences, subscriptions).
        Product => "product",
        /// Services delivered around the product.
        Services => "services",
    }
}

/// A reviewer's verdict on a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Accept it: a deal opens.
    Approve,
    /// Refuse it (a reason is required).
    Reject,
}

/// Why a registration cannot move as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The registration's current status does not allow the step.
    #[error("the registration is {from}; it can no longer be {step}")]
    NotAllowed {
        /// Its status now.
        from: RegistrationStatus,
        /// What was asked (`reviewed`, `approved`, …).
        step: &'static str,
    },
    /// A rejection must say why.
    #[error("a rejection needs a reason")]
    ReasonRequired,
}

impl RegistrationStatus {
    /// Still able to protect its customer: submitted, under review or approved.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Submitted
                | RegistrationStatus::UnderReview
                | RegistrationStatus::Approved
        )
    }

    /// `submitted → under_review`; starting a review twice is a no-op.
    pub fn start_review(self) -> Result<RegistrationStatus, TransitionError> {
        match self {
            RegistrationStatus::Submitted | RegistrationStatus::UnderReview => {
                Ok(RegistrationStatus::UnderReview)
            }
            from => Err(TransitionError::NotAllowed {
                from,
                step: "put under review",
            }),
        }
    }

    /// A decision on a submitted or under-review registration (deciding a submitted one
    /// passes through review). A rejection needs a non-blank reason.
    pub fn decide(
        self,
        decision: Decision,
        reason: Option<&str>,
    ) -> Result<RegistrationStatus, TransitionError> {
        if !matches!(
            self,
            RegistrationStatus::Submitted | RegistrationStatus::UnderReview
        ) {
            return Err(TransitionError::NotAllowed {
                from: self,
                step: "reviewed",
            });
        }
        match decision {
            Decision::Approve => Ok(RegistrationStatus::Approved),
            Decision::Reject if reason.is_some_and(|r| !r.trim().is_empty()) => {
                Ok(RegistrationStatus::Rejected)
            }
            Decision::Reject => Err(TransitionError::ReasonRequired),
        }
    }

    /// The status as it reads at `now`: an approved registration past its expiry whose deal
    /// is still open is expired, whether or not the sweep has recorded it yet.
    pub fn effective(
        self,
        expires_at: Option<DateTime<Utc>>,
        deal: Option<DealStatus>,
        now: DateTime<Utc>,
    ) -> RegistrationStatus {
        match (self, expires_at, deal) {
            (RegistrationStatus::Approved, Some(expiry), Some(DealStatus::Open))
                if expiry <= now =>
            {
                RegistrationStatus::Expired
            }
            (status, _, _) => status,
        }
    }
}

/// How long an approved registration protects its deal: 1 to 3,650 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryDays(u16);

impl ExpiryDays {
    /// The product default.
    pub const DEFAULT: ExpiryDays = ExpiryDays(90);

    /// 1..=3650 days.
    pub fn parse(days: i64) -> Result<Self, DealValueError> {
        u16::try_from(days)
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .map(ExpiryDays)
            .ok_or(DealValueError::ExpiryDays(days))
    }

    /// The number of days.
    pub fn days(self) -> i64 {
        i64::from(self.0)
    }

    /// When a registration approved at `approved_at` expires.
    pub fn expiry(self, approved_at: DateTime<Utc>) -> DateTime<Utc> {
        approved_at + Duration::days(self.days())
    }
}

/// Invalid deal values. Messages name no field; the caller adds it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DealValueError {
    /// Expiry outside 1..=3650 days.
    #[error("the expiry must be between 1 and 3650 days, got {0}")]
    ExpiryDays(i64),
    /// An amount below zero.
    #[error("the amount cannot be negative")]
    Negative,
    /// A currency other than the organisation's.
    #[error("deals are kept in the organisation's currency {expected}, not {given}")]
    Currency {
        /// The organisation's deal currency.
        expected: Currency,
        /// What was given.
        given: Currency,
    },
}

/// A deal amount: not negative and in the organisation's deal currency, so that rollups add
/// like with like.
pub fn deal_amount(amount: Money, currency: Currency) -> Result<Money, DealValueError> {
    if amount.currency() != currency {
        return Err(DealValueError::Currency {
            expected: currency,
            given: amount.currency(),
        });
    }
    if amount.minor() < 0 {
        return Err(DealValueError::Negative);
    }
    Ok(amount)
}

/// The longest customer or deal name.
pub const MAX_DEAL_NAME_CHARS: usize = 200;
/// The longest registration note or decision reason.
pub const MAX_NOTES_CHARS: usize = 4_000;

/// What a rollup needs to know of one deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealFacts<'a> {
    /// Open, won or lost.
    pub status: DealStatus,
    /// Product or services.
    pub motion: DealMotion,
    /// Amount in minor units of the organisation's currency.
    pub amount_minor: i64,
    /// The customer's domain, when known.
    pub customer_domain: Option<&'a str>,
}

/// A partner's financial rollups, computed from its deals (never typed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Financials {
    /// Sum of open deal amounts.
    pub pipeline: Money,
    /// Sum of won deal amounts.
    pub revenue: Money,
    /// Sum of won product-motion deal amounts.
    pub product_revenue: Money,
    /// Open deals.
    pub active_deals: i64,
    /// Won plus lost deals.
    pub closed_deals: i64,
    /// Won deals (the win rate is `won_deals / closed_deals`).
    pub won_deals: i64,
    /// Distinct customer domains of won deals.
    pub customers: i64,
}

impl Financials {
    /// A partner without deals.
    pub fn zero(currency: Currency) -> Self {
        Financials {
            pipeline: Money::zero(currency),
            revenue: Money::zero(currency),
            product_revenue: Money::zero(currency),
            active_deals: 0,
            closed_deals: 0,
            won_deals: 0,
            customers: 0,
        }
    }

    /// The rollups of `deals` (all in `currency`). Sums saturate rather than wrap.
    pub fn of<'a>(currency: Currency, deals: impl IntoIterator<Item = DealFacts<'a>>) -> Self {
        let (mut pipeline, mut revenue, mut product_revenue) = (0_i64, 0_i64, 0_i64);
        let (mut active, mut closed, mut won) = (0, 0, 0);
        let mut customers = BTreeSet::new();
        for deal in deals {
            match deal.status {
                DealStatus::Open => {
                    pipeline = pipeline.saturating_add(deal.amount_minor);
                    active += 1;
                }
                DealStatus::Won => {
                    revenue = revenue.saturating_add(deal.amount_minor);
                    if deal.motion == DealMotion::Product {
                        product_revenue = product_revenue.saturating_add(deal.amount_minor);
                    }
                    closed += 1;
                    won += 1;
                    customers.extend(deal.customer_domain);
                }
                DealStatus::Lost => closed += 1,
            }
        }
        Financials {
            pipeline: Money::new(pipeline, currency),
            revenue: Money::new(revenue, currency),
            product_revenue: Money::new(product_revenue, currency),
            active_deals: active,
            closed_deals: closed,
            won_deals: won,
            customers: i64::try_from(customers.len()).unwrap_or(i64::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    #[test]
    fn registrations_move_through_review_to_a_decision() {
        use RegistrationStatus::*;
        assert_eq!(Submitted.start_review(), Ok(UnderReview));
        assert_eq!(UnderReview.start_review(), Ok(UnderReview));
        assert_eq!(UnderReview.decide(Decision::Approve, None), Ok(Approved));
        assert_eq!(Submitted.decide(Decision::Approve, None), Ok(Approved));
        assert_eq!(
            UnderReview.decide(Decision::Reject, Some("duplicate")),
            Ok(Rejected)
        );
        for from in [Approved, Rejected, Expired] {
            assert!(from.start_review().is_err(), "{from}");
            assert!(from.decide(Decision::Approve, None).is_err(), "{from}");
        }
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        for reason in [None, Some(""), Some("   ")] {
            assert_eq!(
                RegistrationStatus::UnderReview.decide(Decision::Reject, reason),
                Err(TransitionError::ReasonRequired)
            );
        }
    }

    #[test]
    fn approved_registrations_expire_only_while_their_deal_is_open() {
        let now = Utc::now();
        let past = Some(now - Duration::days(1));
        let future = Some(now + Duration::days(1));
        let approved = RegistrationStatus::Approved;
        assert_eq!(
            approved.effective(past, Some(DealStatus::Open), now),
            RegistrationStatus::Expired
        );
        assert_eq!(
            approved.effective(Some(now), Some(DealStatus::Open), now),
            RegistrationStatus::Expired
        );
        assert_eq!(
            approved.effective(future, Some(DealStatus::Open), now),
            approved
        );
        for closed in [DealStatus::Won, DealStatus::Lost] {
            assert_eq!(approved.effective(past, Some(closed), now), approved);
        }
        assert_eq!(
            RegistrationStatus::UnderReview.effective(past, None, now),
            RegistrationStatus::UnderReview
        );
        assert!(!RegistrationStatus::Expired.is_live());
        assert!(RegistrationStatus::Approved.is_live());
    }

    #[test]
    fn expiry_days_are_bounded_and_add_whole_days() {
        assert!(ExpiryDays::parse(0).is_err());
        assert!(ExpiryDays::parse(3651).is_err());
        assert!(ExpiryDays::parse(-5).is_err());
        let days = ExpiryDays::parse(30).expect("30");
        let at = Utc::now();
        assert_eq!(days.expiry(at) - at, Duration::days(30));
        assert_eq!(ExpiryDays::DEFAULT.days(), 90);
    }

    #[test]
    fn deal_amounts_are_non_negative_and_in_the_org_currency() {
        assert_eq!(deal_amount(usd(10), Currency::USD), Ok(usd(10)));
        assert_eq!(
            deal_amount(usd(-1), Currency::USD),
            Err(DealValueError::Negative)
        );
        let eur = Currency::parse("EUR").expect("EUR");
        assert!(matches!(
            deal_amount(usd(1), eur),
            Err(DealValueError::Currency { .. })
        ));
    }

    #[test]
    fn rollups_add_open_won_lost_and_product_deals_apart() {
        let deal = |status, motion, amount_minor, customer_domain| DealFacts {
            status,
            motion,
            amount_minor,
            customer_domain,
        };
        use DealMotion::*;
        use DealStatus::*;
        let f = Financials::of(
            Currency::USD,
            [
                deal(Open, Product, 100, Some("a.com")),
                deal(Open, Services, 50, None),
                deal(Won, Product, 1_000, Some("a.com")),
                deal(Won, Services, 300, Some("a.com")),
                deal(Won, Product, 7, Some("b.com")),
                deal(Won, Services, 1, None),
                deal(Lost, Product, 999, Some("c.com")),
            ],
        );
        assert_eq!(f.pipeline, usd(150));
        assert_eq!(f.revenue, usd(1_308));
        assert_eq!(f.product_revenue, usd(1_007));
        assert_eq!(f.active_deals, 2);
        assert_eq!(f.closed_deals, 5);
        assert_eq!(f.won_deals, 4);
        assert_eq!(f.customers, 2, "distinct won customer domains");
        assert_eq!(
            Financials::of(Currency::USD, []),
            Financials::zero(Currency::USD)
        );
    }

    #[test]
    fn vocabularies_round_trip() {
        for s in RegistrationStatus::ALL {
            assert_eq!(RegistrationStatus::parse(s.as_str()), Some(s));
        }
        for s in DealStatus::ALL {
            assert_eq!(DealStatus::parse(&s.as_str().to_uppercase()), Some(s));
        }
        assert_eq!(DealMotion::parse("PRODUCT"), Some(DealMotion::Product));
        assert_eq!(DealMotion::parse("hardware"), None);
    }
}
