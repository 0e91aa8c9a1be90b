//! `Deal` and `DealRegistration`, and their enums.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_domain::deals as domain;
use partnergraph_persistence::deals::{Deal as DealRecord, Registration as RegistrationRecord};
use partnergraph_persistence::types::now;

use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::{PageConnection, complexity};
use crate::graphql::loaders::{Loaders, PartnerKey, UserKey};
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::scalars::{Date, Money};
use crate::graphql::types::audit_entry::{AuditEntry, history};
use crate::graphql::types::partner::Partner;
use crate::graphql::types::user::User;

/// Where a deal registration is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "DealRegistrationStatus", remote = "domain::RegistrationStatus")]
pub enum RegistrationStatusValue {
    /// Submitted, waiting for a reviewer.
    Submitted,
    /// A reviewer is looking at it.
    UnderReview,
    /// Accepted: its deal is tracked and protected until `expiresAt`.
    Approved,
    /// Refused; `decisionReason` says why.
    Rejected,
    /// Approved, but its deal was neither won nor lost by `expiresAt`.
    Expired,
}

/// Whether a deal is still in play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "DealStatus", remote = "domain::DealStatus")]
pub enum DealStatusValue {
    /// In the pipeline.
    Open,
    /// Won: counts as revenue.
    Won,
    /// Lost.
    Lost,
}

/// The go-to-market motion of a deal; won product deals make up product revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "DealMotion", remote = "domain::DealMotion")]
pub enum DealMotionValue {
    /// Selling the product (licences, subscriptions).
    Product,
    /// Services around the product.
    Services,
}

/// A reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "DealReviewDecision", remote = "domain::Decision")]
pub enum ReviewDecisionValue {
    /// Accept: a tracked deal opens and the registration expires after the organisation's
    /// registration expiry.
    Approve,
    /// Refuse (a reason is required).
    Reject,
}

/// How a deal closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DealOutcome {
    /// Won.
    Won,
    /// Lost.
    Lost,
}

impl From<DealOutcome> for domain::DealStatus {
    fn from(outcome: DealOutcome) -> Self {
        match outcome {
            DealOutcome::Won => domain::DealStatus::Won,
            DealOutcome::Lost => domain::DealStatus::Lost,
        }
    }
}

async fn partner(
    ctx: &Context<'_>,
    org_id: uuid::Uuid,
    partner_id: uuid::Uuid,
) -> ApiResult<Partner> {
    let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
    loader
        .load_one(PartnerKey { org_id, partner_id })
        .await?
        // a core: its list relations load on demand, batched
        .map(|core| Partner::with_relations(core, Vec::new(), None))
        .ok_or(ApiError::NotFound("partner"))
}

/// A deal attributed to a partner.
#[derive(Debug, Clone)]
pub struct Deal(pub DealRecord);

impl From<DealRecord> for Deal {
    fn from(record: DealRecord) -> Self {
        Deal(record)
    }
}

/// A deal attributed to a partner: opened by an approved registration, created directly or
/// imported from a CRM. Its partner's financial rollups follow every change.
#[Object]
impl Deal {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::Deal, self.0.id)
    }

    /// The partner the deal is attributed to.
    async fn partner(&self, ctx: &Context<'_>) -> ApiResult<Partner> {
        partner(ctx, self.0.org_id, self.0.partner_id).await
    }

    /// The registration the deal came from, if any.
    async fn registration_id(&self) -> Option<ID> {
        self.0
            .registration_id
            .map(|id| encode_uuid(NodeKind::DealRegistration, id))
    }

    /// The deal's id in your CRM (import matching).
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }

    /// Title.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// The end customer.
    async fn customer_name(&self) -> &str {
        &self.0.customer_name
    }

    /// The end customer's domain, normalised.
    async fn customer_domain(&self) -> Option<&str> {
        self.0.customer_domain.as_deref()
    }

    /// Amount, in the organisation's deal currency.
    async fn amount(&self) -> Money {
        Money(self.0.amount)
    }

    /// Product or services.
    async fn motion(&self) -> DealMotionValue {
        self.0.motion.into()
    }

    /// Open, won or lost.
    async fn status(&self) -> DealStatusValue {
        self.0.status.into()
    }

    /// Expected close date.
    async fn expected_close_date(&self) -> Option<Date> {
        self.0.expected_close_on.map(Date)
    }

    /// The date the deal was won or lost.
    async fn closed_on(&self) -> Option<Date> {
        self.0.closed_on.map(Date)
    }

    /// Optimistic-concurrency version, 1 on creation.
    async fn version(&self) -> i32 {
        i32::try_from(self.0.version).unwrap_or(i32::MAX)
    }

    /// Creation time.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Every change to the deal: who (user, API key or system), when, and each changed field
    /// with its value before and after; oldest first.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n entries.")] first: Option<i32>,
        #[graphql(desc = "Return entries after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n entries.")] last: Option<i32>,
        #[graphql(desc = "Return entries before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<AuditEntry>> {
        history(
            ctx,
            self.0.org_id,
            "deal",
            self.0.id,
            (first, after, last, before),
        )
        .await
    }
}

/// A deal registration.
#[derive(Debug, Clone)]
pub struct DealRegistration(pub RegistrationRecord);

/// A partner's claim on a customer opportunity, reviewed by your team. Approval opens a
/// tracked deal; an approval lapses (`EXPIRED`) if the deal is neither won nor lost by
/// `expiresAt`.
#[Object]
impl DealRegistration {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::DealRegistration, self.0.id)
    }

    /// The registering partner.
    async fn partner(&self, ctx: &Context<'_>) -> ApiResult<Partner> {
        partner(ctx, self.0.org_id, self.0.partner_id).await
    }

    /// The end customer.
    async fn customer_name(&self) -> &str {
        &self.0.customer_name
    }

    /// The end customer's domain, normalised (conflict checks match on it).
    async fn customer_domain(&self) -> &str {
        &self.0.customer_domain
    }

    /// Amount, in the organisation's deal currency.
    async fn amount(&self) -> Money {
        Money(self.0.amount)
    }

    /// Product or services.
    async fn motion(&self) -> DealMotionValue {
        self.0.motion.into()
    }

    /// Expected close date.
    async fn expected_close_date(&self) -> Option<Date> {
        self.0.expected_close_on.map(Date)
    }

    /// The partner's notes.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// The status as of now (an approval past `expiresAt` with its deal still open reads
    /// `EXPIRED` even before the periodic sweep records it).
    async fn status(&self) -> RegistrationStatusValue {
        self.0.status_at(now()).into()
    }

    /// Who submitted it (absent when an API key did; partner-role viewers see only themselves).
    async fn submitted_by(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        user(ctx, self.0.org_id, self.0.submitted_by).await
    }

    /// Who decided (absent until decided or when an API key did; hidden from partner-role viewers).
    async fn reviewed_by(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        user(ctx, self.0.org_id, self.0.reviewed_by).await
    }

    /// When it was approved or rejected.
    async fn reviewed_at(&self) -> Option<DateTime<Utc>> {
        self.0.reviewed_at
    }

    /// Why it was approved or rejected (always present for rejections).
    async fn decision_reason(&self) -> Option<&str> {
        self.0.decision_reason.as_deref()
    }

    /// The deal opened on approval.
    async fn deal(&self, ctx: &Context<'_>) -> ApiResult<Option<Deal>> {
        let Some(id) = self.0.deal_id else {
            return Ok(None);
        };
        let services = ctx.data_unchecked::<crate::graphql::Services>();
        let mut conn = services.db.conn().await?;
        Ok(
            partnergraph_persistence::deals::deal(&mut conn, self.0.org_id, id)
                .await?
                .map(Deal),
        )
    }

    /// When the approval lapses if the deal is still open.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// Optimistic-concurrency version, 1 on submission.
    async fn version(&self) -> i32 {
        i32::try_from(self.0.version).unwrap_or(i32::MAX)
    }

    /// Submission time.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Every change to the registration: who (user, API key or system), when, and each changed field
    /// with its value before and after; oldest first.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n entries.")] first: Option<i32>,
        #[graphql(desc = "Return entries after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n entries.")] last: Option<i32>,
        #[graphql(desc = "Return entries before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<AuditEntry>> {
        history(
            ctx,
            self.0.org_id,
            "deal_registration",
            self.0.id,
            (first, after, last, before),
        )
        .await
    }
}

async fn user(
    ctx: &Context<'_>,
    org_id: uuid::Uuid,
    user_id: Option<uuid::Uuid>,
) -> ApiResult<Option<User>> {
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    // Partner-role viewers see no one of the organisation but themselves.
    let member = crate::graphql::guard::member(ctx)?;
    if member.role == partnergraph_domain::Role::Partner && member.user_id() != Some(user_id) {
        return Ok(None);
    }
    let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
    Ok(loader
        .load_one(UserKey { org_id, user_id })
        .await?
        .map(User))
}
