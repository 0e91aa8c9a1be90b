//! Deal use cases: register, review (start, approve, reject), create and close deals, read
//! them with partner-role visibility, check channel conflicts, the organisation's deal
//! settings, and the expiry sweep. Every change writes an audit entry.

use chrono::{NaiveDate, Utc};
use partnergraph_domain::deals::{
    DealMotion, DealStatus, DealValueError, Decision, ExpiryDays, MAX_DEAL_NAME_CHARS,
    MAX_NOTES_CHARS, RegistrationStatus, TransitionError, can_read_deals_of, can_register_deal,
    can_review_deals, can_write_deals, deal_amount,
};
use partnergraph_domain::partners::optional_text;
use partnergraph_domain::{CompanyDomain, Currency, Money, PolicyError};
use partnergraph_persistence::audit::AuditEntry;
use partnergraph_persistence::deals::{self, Deal, DealWriteError, Registration};
use partnergraph_persistence::organizations::{self, DealSettings, SettingsError};
use partnergraph_persistence::types::now;
use partnergraph_persistence::{Database, DbError};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::graphql::scalars::MoneyInput;
use crate::partners::{actor, visible};

/// Most conflicts of each kind `checkDealConflicts` returns.
pub const MAX_CONFLICTS: i64 = 100;

fn entry(
    member: &Member,
    kind: &'static str,
    id: Uuid,
    action: &'static str,
    changes: Value,
) -> AuditEntry {
    AuditEntry {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        subject_kind: kind,
        subject_id: id,
        action,
        actor: actor(member),
        changes,
        created_at: now(),
    }
}

fn money_json(m: Money) -> Value {
    json!({ "amountMinor": m.minor().to_string(), "currency": m.currency().code() })
}

fn deal_snapshot(d: &Deal) -> Map<String, Value> {
    [
        ("partnerId", json!(d.partner_id)),
        ("externalId", json!(d.external_id)),
        ("name", json!(d.name)),
        ("customerName", json!(d.customer_name)),
        ("customerDomain", json!(d.customer_domain)),
        ("amount", money_json(d.amount)),
        ("motion", json!(d.motion.as_str())),
        ("status", json!(d.status.as_str())),
        ("expectedCloseDate", json!(d.expected_close_on)),
        ("closedOn", json!(d.closed_on)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// `{"field": {"before", "after"}}` for fields that differ (all of `after` on creation).
pub(crate) fn changes(before: Option<&Map<String, Value>>, after: &Map<String, Value>) -> Value {
    let empty = Map::new();
    let before = before.unwrap_or(&empty);
    Value::Object(
        after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, v)| {
                (
                    k.clone(),
                    json!({ "before": before.get(k).cloned().unwrap_or(Value::Null), "after": v }),
                )
            })
            .collect(),
    )
}

fn value_error(field: &str, error: DealValueError) -> ApiError {
    ApiError::bad_input(field, error.to_string())
}

fn transition_error(error: TransitionError, reason_field: &str) -> ApiError {
    match error {
        TransitionError::ReasonRequired => ApiError::bad_input(reason_field, error.to_string()),
        TransitionError::NotAllowed { .. } => ApiError::Conflict(error.to_string()),
    }
}

fn stale(what: &str) -> ApiError {
    ApiError::Conflict(format!(
        "the {what} changed while you were working on it; read it again and retry"
    ))
}

fn write_error(error: DealWriteError, what: &str) -> ApiError {
    match error {
        DealWriteError::Stale => stale(what),
        DealWriteError::Db(db) => deal_conflict(db),
    }
}

fn deal_conflict(error: DbError) -> ApiError {
    if crate::identity::violates(&error, "deals_external_id_key", "deals.external_id") {
        ApiError::Conflict("another deal already has this externalId".to_owned())
    } else {
        error.into()
    }
}

/// A required short text (customer or deal name).
pub(crate) fn required_name(value: &str, field: &str) -> ApiResult<String> {
    optional_text(Some(value), MAX_DEAL_NAME_CHARS)
        .map_err(|e| ApiError::bad_input(field, e.to_string()))?
        .ok_or_else(|| ApiError::bad_input(field, "enter at least one character"))
}

/// An optional text of at most `max` characters.
pub(crate) fn text(value: Option<&str>, max: usize, field: &str) -> ApiResult<Option<String>> {
    optional_text(value, max).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

/// A customer domain, normalised.
pub(crate) fn customer_domain(value: &str, field: &str) -> ApiResult<String> {
    CompanyDomain::parse(value)
        .map(|d| d.as_str().to_owned())
        .map_err(|e| ApiError::bad_input(field, e.to_string()))
}

/// A deal amount in the organisation's currency.
pub(crate) fn amount(input: &MoneyInput, currency: Currency, field: &str) -> ApiResult<Money> {
    deal_amount(input.parse(field)?, currency).map_err(|e| value_error(field, e))
}

pub(crate) async fn settings(services: &Services, org_id: Uuid) -> ApiResult<DealSettings> {
    let mut conn = services.db.conn().await?;
    Ok(organizations::deal_settings(&mut conn, org_id).await?)
}

/// The partner `partner_id` when it exists, the member may see it, and it is not archived.
async fn live_partner(
    services: &Services,
    member: &Member,
    partner_id: Uuid,
    field: &str,
) -> ApiResult<()> {
    let partner = visible(services, member, partner_id).await?;
    if partner.archived_at.is_some() {
        return Err(ApiError::bad_input(
            field,
            "the partner is archived; restore it first",
        ));
    }
    Ok(())
}

/// What a client gives to register a deal.
#[derive(Debug, Clone)]
pub struct NewRegistration<'a> {
    /// The registering partner.
    pub partner_id: Uuid,
    /// End customer.
    pub customer_name: &'a str,
    /// End customer's domain.
    pub customer_domain: &'a str,
    /// Amount.
    pub amount: &'a MoneyInput,
    /// Product or services.
    pub motion: DealMotion,
    /// Expected close.
    pub expected_close_on: Option<NaiveDate>,
    /// Notes.
    pub notes: Option<&'a str>,
}

/// Registers a deal for a partner (`submitted`).
pub async fn register(
    services: &Services,
    member: &Member,
    new: NewRegistration<'_>,
) -> ApiResult<Registration> {
    can_register_deal(member.role, member.partner_id, new.partner_id)?;
    let customer_name = required_name(new.customer_name, "input.customerName")?;
    let customer_domain = customer_domain(new.customer_domain, "input.customerDomain")?;
    let notes = text(new.notes, MAX_NOTES_CHARS, "input.notes")?;
    let settings = settings(services, member.org_id).await?;
    let amount = amount(new.amount, settings.currency, "input.amount")?;
    live_partner(services, member, new.partner_id, "input.partnerId").await?;
    let at = now();
    let registration = Registration {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        partner_id: new.partner_id,
        customer_name,
        customer_domain,
        amount,
        motion: new.motion,
        expected_close_on: new.expected_close_on,
        notes,
        status: RegistrationStatus::Submitted,
        submitted_by: member.user_id(),
        reviewed_by: None,
        reviewed_at: None,
        decision_reason: None,
        deal_id: None,
        deal_status: None,
        expires_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let created = json!({
        "partnerId": { "before": null, "after": registration.partner_id },
        "customerName": { "before": null, "after": registration.customer_name },
        "customerDomain": { "before": null, "after": registration.customer_domain },
        "amount": { "before": null, "after": money_json(registration.amount) },
        "status": { "before": null, "after": registration.status.as_str() },
    });
    let mut conn = services.db.conn().await?;
    deals::create_registration(
        &mut conn,
        &registration,
        &entry(
            member,
            "deal_registration",
            registration.id,
            "create",
            created,
        ),
    )
    .await?;
    Ok(registration)
}

/// A registration the member may see (NOT_FOUND otherwise).
pub async fn visible_registration(
    services: &Services,
    member: &Member,
    id: Uuid,
) -> ApiResult<Registration> {
    let mut conn = services.db.conn().await?;
    let registration = deals::registration(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("deal registration"))?;
    can_read_deals_of(member.role, member.partner_id, registration.partner_id)
        .map_err(|_| ApiError::NotFound("deal registration"))?;
    Ok(registration)
}

/// A deal the member may see (NOT_FOUND otherwise).
pub async fn visible_deal(services: &Services, member: &Member, id: Uuid) -> ApiResult<Deal> {
    let mut conn = services.db.conn().await?;
    let deal = deals::deal(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("deal"))?;
    can_read_deals_of(member.role, member.partner_id, deal.partner_id)
        .map_err(|_| ApiError::NotFound("deal"))?;
    Ok(deal)
}

/// Reviewers only; a partner-role viewer does not learn the registration exists.
async fn reviewable(services: &Services, member: &Member, id: Uuid) -> ApiResult<Registration> {
    let registration = visible_registration(services, member, id).await?;
    can_review_deals(member.role)?;
    Ok(registration)
}

/// `submitted → under_review` (a no-op when already under review).
pub async fn start_review(
    services: &Services,
    member: &Member,
    id: Uuid,
) -> ApiResult<Registration> {
    let current = reviewable(services, member, id).await?;
    let status = current
        .status_at(now())
        .start_review()
        .map_err(|e| transition_error(e, "input.id"))?;
    if status == current.status {
        return Ok(current);
    }
    let mut next = current.clone();
    next.status = status;
    next.version += 1;
    next.updated_at = now();
    let change =
        json!({ "status": { "before": current.status.as_str(), "after": status.as_str() } });
    let mut conn = services.db.conn().await?;
    deals::review_registration(
        &mut conn,
        &next,
        current.version,
        None,
        &[entry(member, "deal_registration", id, "update", change)],
    )
    .await
    .map_err(|e| write_error(e, "registration"))?;
    Ok(next)
}

/// Approves (opening a tracked deal and setting the expiry) or rejects (with a reason) a
/// submitted or under-review registration.
pub async fn review(
    services: &Services,
    member: &Member,
    id: Uuid,
    decision: Decision,
    reason: Option<&str>,
) -> ApiResult<(Registration, Option<Deal>)> {
    let current = reviewable(services, member, id).await?;
    let reason = text(reason, MAX_NOTES_CHARS, "input.reason")?;
    let at = now();
    let status = current
        .status_at(at)
        .decide(decision, reason.as_deref())
        .map_err(|e| transition_error(e, "input.reason"))?;
    let mut next = current.clone();
    next.status = status;
    next.reviewed_by = member.user_id();
    next.reviewed_at = Some(at);
    next.decision_reason = reason;
    next.version += 1;
    next.updated_at = at;
    let mut entries = Vec::new();
    let deal = if decision == Decision::Approve {
        let settings = settings(services, member.org_id).await?;
        let deal = Deal {
            org_id: member.org_id,
            id: Uuid::now_v7(),
            partner_id: current.partner_id,
            registration_id: Some(current.id),
            external_id: None,
            name: None,
            customer_name: current.customer_name.clone(),
            customer_domain: Some(current.customer_domain.clone()),
            amount: current.amount,
            motion: current.motion,
            status: DealStatus::Open,
            expected_close_on: current.expected_close_on,
            closed_on: None,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        next.deal_id = Some(deal.id);
        next.deal_status = Some(DealStatus::Open);
        next.expires_at = Some(settings.expiry.expiry(at));
        entries.push(entry(
            member,
            "deal",
            deal.id,
            "create",
            changes(None, &deal_snapshot(&deal)),
        ));
        Some(deal)
    } else {
        None
    };
    entries.insert(
        0,
        entry(
            member,
            "deal_registration",
            id,
            "update",
            json!({
                "status": { "before": current.status.as_str(), "after": next.status.as_str() },
                "decisionReason": { "before": current.decision_reason, "after": next.decision_reason },
                "expiresAt": { "before": current.expires_at, "after": next.expires_at },
            }),
        ),
    );
    let mut conn = services.db.conn().await?;
    deals::review_registration(&mut conn, &next, current.version, deal.as_ref(), &entries)
        .await
        .map_err(|e| write_error(e, "registration"))?;
    if deal.is_some() {
        // The approval's open deal moves the partner's pipeline and active deals.
        crate::tiers::partners_changed(services, member, &[next.partner_id]).await?;
    }
    Ok((next, deal))
}

/// What a client gives to create a deal directly (not through a registration).
#[derive(Debug, Clone)]
pub struct NewDeal<'a> {
    /// The partner it is attributed to.
    pub partner_id: Uuid,
    /// Title.
    pub name: Option<&'a str>,
    /// End customer.
    pub customer_name: &'a str,
    /// End customer's domain.
    pub customer_domain: Option<&'a str>,
    /// Amount.
    pub amount: &'a MoneyInput,
    /// Product or services.
    pub motion: DealMotion,
    /// Expected close.
    pub expected_close_on: Option<NaiveDate>,
    /// Id in the CRM.
    pub external_id: Option<&'a str>,
    /// Open, won or lost (`createDeal`: open).
    pub status: DealStatus,
    /// When it closed, for a won or lost deal (today, UTC, when omitted; ignored when open).
    pub closed_on: Option<NaiveDate>,
}

/// The most characters of a CRM id.
pub const MAX_EXTERNAL_ID_CHARS: usize = 200;

/// Validates a new deal into a record; errors name `{prefix}.field`.
pub(crate) fn deal_from(
    member: &Member,
    settings: &DealSettings,
    new: &NewDeal<'_>,
    prefix: &str,
) -> ApiResult<Deal> {
    let at = now();
    Ok(Deal {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        partner_id: new.partner_id,
        registration_id: None,
        external_id: text(
            new.external_id,
            MAX_EXTERNAL_ID_CHARS,
            &format!("{prefix}.externalId"),
        )?,
        name: text(new.name, MAX_DEAL_NAME_CHARS, &format!("{prefix}.name"))?,
        customer_name: required_name(new.customer_name, &format!("{prefix}.customerName"))?,
        customer_domain: new
            .customer_domain
            .filter(|d| !d.trim().is_empty())
            .map(|d| customer_domain(d, &format!("{prefix}.customerDomain")))
            .transpose()?,
        amount: amount(new.amount, settings.currency, &format!("{prefix}.amount"))?,
        motion: new.motion,
        status: new.status,
        expected_close_on: new.expected_close_on,
        closed_on: closing_date(new.status, new.closed_on),
        version: 1,
        created_at: at,
        updated_at: at,
    })
}

/// The close date a deal of `status` keeps: for a won or lost deal the given date or today
/// (UTC), for an open deal none.
pub(crate) fn closing_date(status: DealStatus, given: Option<NaiveDate>) -> Option<NaiveDate> {
    match status {
        DealStatus::Open => None,
        DealStatus::Won | DealStatus::Lost => {
            Some(given.unwrap_or_else(|| Utc::now().date_naive()))
        }
    }
}

/// Creates a deal for a partner.
pub async fn create_deal(
    services: &Services,
    member: &Member,
    new: NewDeal<'_>,
) -> ApiResult<Deal> {
    can_write_deals(member.role)?;
    let settings = settings(services, member.org_id).await?;
    let deal = deal_from(member, &settings, &new, "input")?;
    live_partner(services, member, new.partner_id, "input.partnerId").await?;
    let deal = insert_deal(services, member, deal).await?;
    crate::tiers::partners_changed(services, member, &[deal.partner_id]).await?;
    Ok(deal)
}

/// Inserts a validated new deal with its audit entry and its partner's fresh rollups.
pub(crate) async fn insert_deal(
    services: &Services,
    member: &Member,
    deal: Deal,
) -> ApiResult<Deal> {
    let mut conn = services.db.conn().await?;
    let audit = entry(
        member,
        "deal",
        deal.id,
        "create",
        changes(None, &deal_snapshot(&deal)),
    );
    deals::create_deals(&mut conn, member.org_id, &[(deal.clone(), audit)])
        .await
        .map_err(deal_conflict)?;
    Ok(deal)
}

/// Closes an open deal as won or lost, optionally with its final amount and date (today,
/// UTC, by default).
pub async fn close_deal(
    services: &Services,
    member: &Member,
    id: Uuid,
    outcome: DealStatus,
    final_amount: Option<&MoneyInput>,
    closed_on: Option<NaiveDate>,
) -> ApiResult<Deal> {
    let current = visible_deal(services, member, id).await?;
    can_write_deals(member.role)?;
    if current.status != DealStatus::Open {
        return Err(ApiError::Conflict(format!(
            "the deal is already {}; only open deals close",
            current.status
        )));
    }
    let mut next = current.clone();
    if let Some(input) = final_amount {
        let settings = settings(services, member.org_id).await?;
        next.amount = amount(input, settings.currency, "input.amount")?;
    }
    next.status = outcome;
    next.closed_on = closing_date(outcome, closed_on);
    next.version += 1;
    next.updated_at = now();
    let closed = save_deal(services, member, &current, next).await?;
    crate::tiers::partners_changed(services, member, &[closed.partner_id]).await?;
    Ok(closed)
}

/// Writes `next` over `current` (version-guarded) with its audit entry and fresh rollups.
pub(crate) async fn save_deal(
    services: &Services,
    member: &Member,
    current: &Deal,
    next: Deal,
) -> ApiResult<Deal> {
    let audit = entry(
        member,
        "deal",
        next.id,
        "update",
        changes(Some(&deal_snapshot(current)), &deal_snapshot(&next)),
    );
    let mut conn = services.db.conn().await?;
    deals::update_deal(
        &mut conn,
        &next,
        current.partner_id,
        current.version,
        &audit,
    )
    .await
    .map_err(|e| write_error(e, "deal"))?;
    Ok(next)
}

/// The partners whose deals the member may list: `Some([own])` for partner-role viewers
/// (asking for another partner is NOT_FOUND), the asked partner, or `None` for all.
pub async fn listable_partners(
    services: &Services,
    member: &Member,
    asked: Option<Uuid>,
) -> ApiResult<Option<Vec<Uuid>>> {
    match (member.role, asked) {
        (partnergraph_domain::Role::Partner, asked) => {
            let own = member
                .partner_id
                .ok_or(ApiError::from(PolicyError::Hidden))?;
            if asked.is_some_and(|a| a != own) {
                return Err(ApiError::NotFound("partner"));
            }
            Ok(Some(vec![own]))
        }
        (_, Some(partner)) => {
            visible(services, member, partner).await?;
            Ok(Some(vec![partner]))
        }
        (_, None) => Ok(None),
    }
}

/// Other partners' live registrations and open deals for a customer domain. Partner-role
/// viewers learn only whether a conflict exists (the lists stay empty).
pub async fn conflicts(
    services: &Services,
    member: &Member,
    domain: &str,
    partner_id: Option<Uuid>,
) -> ApiResult<(bool, Vec<Registration>, Vec<Deal>)> {
    let domain = customer_domain(domain, "input.customerDomain")?;
    let partner_view = member.role == partnergraph_domain::Role::Partner;
    let except = if partner_view {
        let own = member
            .partner_id
            .ok_or(ApiError::from(PolicyError::Hidden))?;
        if partner_id.is_some_and(|p| p != own) {
            return Err(ApiError::NotFound("partner"));
        }
        Some(own)
    } else {
        if let Some(partner) = partner_id {
            visible(services, member, partner).await?;
        }
        partner_id
    };
    let mut conn = services.db.conn().await?;
    let (registrations, deals) = deals::conflicts(
        &mut conn,
        member.org_id,
        &domain,
        except,
        now(),
        MAX_CONFLICTS,
    )
    .await?;
    let found = !registrations.is_empty() || !deals.is_empty();
    if partner_view {
        return Ok((found, Vec::new(), Vec::new()));
    }
    Ok((found, registrations, deals))
}

/// The organisation's deal settings (every member may read them: registering needs the
/// currency).
pub async fn deal_settings(services: &Services, member: &Member) -> ApiResult<DealSettings> {
    settings(services, member.org_id).await
}

/// Changes the deal settings (owners and admins). The currency is fixed once deals exist.
pub async fn update_deal_settings(
    services: &Services,
    member: &Member,
    currency: Option<&str>,
    expiry_days: Option<i32>,
) -> ApiResult<DealSettings> {
    if !member.role.is_admin() {
        return Err(ApiError::Forbidden(
            "only owners and admins change deal settings".to_owned(),
        ));
    }
    let mut next = settings(services, member.org_id).await?;
    if let Some(code) = currency {
        next.currency = Currency::parse(code)
            .map_err(|e| ApiError::bad_input("input.currency", e.to_string()))?;
    }
    if let Some(days) = expiry_days {
        next.expiry = ExpiryDays::parse(i64::from(days))
            .map_err(|e| value_error("input.registrationExpiryDays", e))?;
    }
    let mut conn = services.db.conn().await?;
    match organizations::set_deal_settings(&mut conn, member.org_id, next).await {
        Ok(()) => Ok(next),
        Err(SettingsError::DealsExist) => Err(ApiError::bad_input(
            "input.currency",
            "the currency cannot change once deals or registrations exist",
        )),
        Err(SettingsError::Db(error)) => Err(error.into()),
    }
}

/// How many registrations one sweep step expires at most.
const SWEEP_BATCH: i64 = 500;

/// Records every approved registration past its expiry with its deal still open as expired;
/// returns how many.
pub async fn sweep_expired(db: &Database) -> Result<usize, DbError> {
    let mut total = 0;
    loop {
        let mut conn = db.conn().await?;
        let expired = deals::expire_due(&mut conn, now(), SWEEP_BATCH).await?;
        total += expired.len();
        if i64::try_from(expired.len()).unwrap_or(i64::MAX) < SWEEP_BATCH {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_deals_keep_a_close_date_and_open_ones_none() {
        let given = NaiveDate::from_ymd_opt(2026, 5, 1);
        assert_eq!(closing_date(DealStatus::Open, given), None);
        assert_eq!(closing_date(DealStatus::Won, given), given);
        assert_eq!(
            closing_date(DealStatus::Lost, None),
            Some(Utc::now().date_naive())
        );
    }
}
