//! Deal and deal-registration roots. Root fields parse arguments and delegate to
//! `crate::deals`.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_domain::deals::{DealMotion, DealStatus};
use partnergraph_persistence::deals::{
    self as stored, DealFilter as StoredDealFilter, RegistrationFilter,
};
use partnergraph_persistence::types::now;

use crate::deals::{self, NewDeal, NewRegistration};
use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::{PageConnection, PageRequest, complexity};
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::types::deal::{Deal, DealRegistration};
use crate::graphql::types::deal_inputs::*;
use crate::graphql::{Services, guard};

/// Most statuses in one filter.
const MAX_STATUSES: usize = 10;

/// A status filter of at most [`MAX_STATUSES`] values.
fn statuses<T: Clone>(statuses: &Option<Vec<T>>) -> ApiResult<Vec<T>> {
    let statuses = statuses.clone().unwrap_or_default();
    if statuses.len() > MAX_STATUSES {
        return Err(ApiError::bad_input(
            "filter.statuses",
            "at most 10 statuses",
        ));
    }
    Ok(statuses)
}

fn optional_partner(id: &Option<ID>, field: &str) -> ApiResult<Option<uuid::Uuid>> {
    id.as_ref()
        .map(|id| decode_uuid(id, NodeKind::Partner, field))
        .transpose()
}

fn filter_domain(domain: &Option<String>, field: &str) -> ApiResult<Option<String>> {
    domain
        .as_deref()
        .map(|d| deals::customer_domain(d, field))
        .transpose()
}

/// A page of deals for `partner_ids` (`None`: all), used by `deals` and `Partner.deals`.
pub(crate) async fn deals_connection(
    ctx: &Context<'_>,
    org_id: uuid::Uuid,
    filter: StoredDealFilter,
    page: PageRequest<(DateTime<Utc>, uuid::Uuid)>,
    kind: &str,
) -> ApiResult<PageConnection<Deal>> {
    let services = ctx.data_unchecked::<Services>();
    let mut conn = services.db.conn().await?;
    let (rows, total) = stored::deals_page(&mut conn, org_id, &filter, &page.keyset()).await?;
    Ok(page.into_connection(kind, rows, total, |d| (d.created_at, d.id), Deal))
}

/// Deal queries.
#[derive(Debug, Default)]
pub struct DealQuery;

#[Object]
impl DealQuery {
    /// Deal registrations, oldest first. Partner-role viewers see only their own partner's.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn deal_registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which registrations (all when omitted).")] filter: Option<
            DealRegistrationFilter,
        >,
        #[graphql(desc = "Return the first n registrations.")] first: Option<i32>,
        #[graphql(desc = "Return registrations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n registrations.")] last: Option<i32>,
        #[graphql(desc = "Return registrations before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<DealRegistration>> {
        const KIND: &str = "deal-registrations";
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        let page = PageRequest::parse(KIND, first, after, last, before, &services.limits)?;
        let filter = filter.unwrap_or_default();
        let statuses = statuses(&filter.statuses)?;
        let partner = optional_partner(&filter.partner_id, "filter.partnerId")?;
        let stored_filter = RegistrationFilter {
            partner_ids: deals::listable_partners(services, member, partner).await?,
            statuses: statuses.into_iter().map(Into::into).collect(),
            customer_domain: filter_domain(&filter.customer_domain, "filter.customerDomain")?,
        };
        let mut conn = services.db.conn().await?;
        let (rows, total) = stored::registrations_page(
            &mut conn,
            member.org_id,
            &stored_filter,
            now(),
            &page.keyset(),
        )
        .await?;
        Ok(page.into_connection(
            KIND,
            rows,
            total,
            |r| (r.created_at, r.id),
            DealRegistration,
        ))
    }

    /// One deal registration (NOT_FOUND when another organisation's, or another partner's
    /// for a partner-role viewer).
    async fn deal_registration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration's ID.")] id: ID,
    ) -> ApiResult<DealRegistration> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&id, NodeKind::DealRegistration, "id")?;
        Ok(DealRegistration(
            deals::visible_registration(ctx.data_unchecked::<Services>(), member, id).await?,
        ))
    }

    /// Deals, oldest first. Partner-role viewers see only their own partner's.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn deals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which deals (all when omitted).")] filter: Option<DealFilter>,
        #[graphql(desc = "Return the first n deals.")] first: Option<i32>,
        #[graphql(desc = "Return deals after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n deals.")] last: Option<i32>,
        #[graphql(desc = "Return deals before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<Deal>> {
        const KIND: &str = "deals";
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        let page = PageRequest::parse(KIND, first, after, last, before, &services.limits)?;
        let filter = filter.unwrap_or_default();
        let statuses = statuses(&filter.statuses)?;
        let partner = optional_partner(&filter.partner_id, "filter.partnerId")?;
        let stored_filter = StoredDealFilter {
            partner_ids: deals::listable_partners(services, member, partner).await?,
            statuses: statuses.into_iter().map(Into::into).collect(),
            customer_domain: filter_domain(&filter.customer_domain, "filter.customerDomain")?,
        };
        deals_connection(ctx, member.org_id, stored_filter, page, KIND).await
    }

    /// One deal (NOT_FOUND when another organisation's, or another partner's for a
    /// partner-role viewer).
    async fn deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deal's ID.")] id: ID,
    ) -> ApiResult<Deal> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&id, NodeKind::Deal, "id")?;
        Ok(Deal(
            deals::visible_deal(ctx.data_unchecked::<Services>(), member, id).await?,
        ))
    }

    /// Other partners' live registrations (submitted, under review, approved and not expired)
    /// and open deals for a customer domain. Partner-role viewers learn only `hasConflicts`.
    async fn check_deal_conflicts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The customer domain and the partner asking.")]
        input: CheckDealConflictsInput,
    ) -> ApiResult<DealConflicts> {
        let member = guard::member(ctx)?;
        let partner = optional_partner(&input.partner_id, "input.partnerId")?;
        let (has_conflicts, registrations, deals) = deals::conflicts(
            ctx.data_unchecked::<Services>(),
            member,
            &input.customer_domain,
            partner,
        )
        .await?;
        Ok(DealConflicts {
            has_conflicts,
            registrations: registrations.into_iter().map(DealRegistration).collect(),
            deals: deals.into_iter().map(Deal).collect(),
        })
    }
}

/// Deal mutations.
#[derive(Debug, Default)]
pub struct DealMutation;

#[Object]
impl DealMutation {
    /// Registers a deal for a partner (status SUBMITTED). Partner-role users register for
    /// their own partner only; another partner is NOT_FOUND.
    async fn register_deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The registration.")] input: RegisterDealInput,
    ) -> ApiResult<DealRegistrationPayload> {
        let member = guard::member(ctx)?;
        let partner_id = decode_uuid(&input.partner_id, NodeKind::Partner, "input.partnerId")?;
        let registration = deals::register(
            ctx.data_unchecked::<Services>(),
            member,
            NewRegistration {
                partner_id,
                customer_name: &input.customer_name,
                customer_domain: &input.customer_domain,
                amount: &input.amount,
                motion: input.motion.map_or(DealMotion::Product, Into::into),
                expected_close_on: input.expected_close_date.map(|d| d.0),
                notes: input.notes.as_deref(),
            },
        )
        .await?;
        Ok(DealRegistrationPayload {
            registration: DealRegistration(registration),
            deal: None,
        })
    }

    /// Moves a submitted registration UNDER_REVIEW (owners, admins, partner managers).
    async fn start_deal_registration_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which registration.")] input: StartDealRegistrationReviewInput,
    ) -> ApiResult<DealRegistrationPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::DealRegistration, "input.id")?;
        let registration =
            deals::start_review(ctx.data_unchecked::<Services>(), member, id).await?;
        Ok(DealRegistrationPayload {
            registration: DealRegistration(registration),
            deal: None,
        })
    }

    /// Approves or rejects a submitted or under-review registration (owners, admins, partner
    /// managers). Approval opens a tracked deal and sets `expiresAt`; rejection needs a
    /// reason. A decided registration is CONFLICT.
    async fn review_deal_registration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which registration, the decision and the reason.")]
        input: ReviewDealRegistrationInput,
    ) -> ApiResult<DealRegistrationPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::DealRegistration, "input.id")?;
        let (registration, deal) = deals::review(
            ctx.data_unchecked::<Services>(),
            member,
            id,
            input.decision.into(),
            input.reason.as_deref(),
        )
        .await?;
        Ok(DealRegistrationPayload {
            registration: DealRegistration(registration),
            deal: deal.map(Deal),
        })
    }

    /// Creates an open deal for a partner directly (owners, admins, partner managers,
    /// members).
    async fn create_deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deal.")] input: CreateDealInput,
    ) -> ApiResult<DealPayload> {
        let member = guard::member(ctx)?;
        let partner_id = decode_uuid(&input.partner_id, NodeKind::Partner, "input.partnerId")?;
        let deal = deals::create_deal(
            ctx.data_unchecked::<Services>(),
            member,
            NewDeal {
                partner_id,
                name: input.name.as_deref(),
                customer_name: &input.customer_name,
                customer_domain: input.customer_domain.as_deref(),
                amount: &input.amount,
                motion: input.motion.map_or(DealMotion::Product, Into::into),
                expected_close_on: input.expected_close_date.map(|d| d.0),
                external_id: input.external_id.as_deref(),
                status: DealStatus::Open,
                closed_on: None,
            },
        )
        .await?;
        Ok(DealPayload { deal: Deal(deal) })
    }

    /// Closes an open deal WON or LOST, with its final amount and date. A closed deal is
    /// CONFLICT.
    async fn close_deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which deal and how it closed.")] input: CloseDealInput,
    ) -> ApiResult<DealPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Deal, "input.id")?;
        let deal = deals::close_deal(
            ctx.data_unchecked::<Services>(),
            member,
            id,
            input.outcome.into(),
            input.amount.as_ref(),
            input.closed_on.map(|d| d.0),
        )
        .await?;
        Ok(DealPayload { deal: Deal(deal) })
    }

    /// Changes how the organisation keeps deals (owners and admins).
    async fn update_deal_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new settings.")] input: UpdateDealSettingsInput,
    ) -> ApiResult<DealSettings> {
        let member = guard::member(ctx)?;
        Ok(deals::update_deal_settings(
            ctx.data_unchecked::<Services>(),
            member,
            input.currency.as_deref(),
            input.registration_expiry_days,
        )
        .await?
        .into())
    }
}
