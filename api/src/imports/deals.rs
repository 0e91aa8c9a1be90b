//! `importDeals`: upserts deal rows from a CRM, matched on `externalId`.
//!
//! Cost: the organisation's deal settings, the deals holding the rows' external ids, the
//! partners named by external id and the partners the rows name are read up front in four
//! statements, whatever the row count; then each row that changes something is written in its
//! own transaction (with its partners' rollups). A matched row that changes nothing is not
//! written (UNCHANGED), so re-running an import costs only the reads.
//!
//! Rules: a row is parsed and validated fully before its write, new deals through the same
//! `deal_from` as `createDeal` and updates through the version-guarded `save_deal` of
//! `closeDeal`; the first row with an external id claims it and later rows with the same one
//! fail (CONFLICT). A partner is named by its CRM id or its global ID, never both; one that is
//! not the caller's organisation's is NOT_FOUND, and an archived one takes no new deals. Deals
//! opened by a registration are updated like any other (their registration's copy of the
//! status follows).

use std::collections::HashMap;

use async_graphql::MaybeUndefined;
use partnergraph_domain::deals::{DealMotion, DealStatus, MAX_DEAL_NAME_CHARS, can_write_deals};
use partnergraph_persistence::deals::{self as stored, Deal};
use partnergraph_persistence::organizations::DealSettings;
use partnergraph_persistence::partners;
use partnergraph_persistence::types::now;
use uuid::Uuid;

use crate::auth::Member;
use crate::deals::{
    NewDeal, amount, closing_date, customer_domain, deal_from, insert_deal, required_name,
    save_deal, settings,
};
use crate::error::ApiResult;
use crate::graphql::Services;
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::types::deal_import::{DealImportRow, ImportDealsInput};
use crate::imports::{
    RowError, RowResult, Written, check_row_count, claim_keys, required_enum, text,
};
use crate::partners::external_id;

/// Imports `input.rows`; the results are in row order.
pub async fn import(
    services: &Services,
    member: &Member,
    input: &ImportDealsInput,
) -> ApiResult<Vec<RowResult<Deal>>> {
    can_write_deals(member.role)?;
    check_row_count(input.rows.len())?;
    let settings = settings(services, member.org_id).await?;
    let mut rows: Vec<Result<Row<'_>, RowError>> = input
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| Row::parse(i, row))
        .collect();
    claim_keys(&mut rows, "externalId", "deal", |row| {
        (row.index, &row.external_id)
    });

    let external_ids: Vec<String> = rows
        .iter()
        .flatten()
        .map(|r| r.external_id.clone())
        .collect();
    let partner_keys: Vec<String> = rows
        .iter()
        .flatten()
        .filter_map(|r| match &r.partner {
            Some(PartnerRef::ExternalId(key)) => Some(key.clone()),
            _ => None,
        })
        .collect();
    let mut conn = services.db.conn().await?;
    let mut matched: HashMap<String, Deal> = if external_ids.is_empty() {
        HashMap::new()
    } else {
        stored::deals_by_external_ids(&mut conn, member.org_id, &external_ids)
            .await?
            .into_iter()
            .filter_map(|deal| Some((deal.external_id.clone()?, deal)))
            .collect()
    };
    let by_external_id = if partner_keys.is_empty() {
        HashMap::new()
    } else {
        partners::key_owners(&mut conn, member.org_id, &partner_keys, &[])
            .await?
            .by_external_id
    };
    let partner_ids: Vec<Uuid> = rows
        .iter()
        .flatten()
        .filter_map(|r| match r.partner.as_ref()? {
            PartnerRef::Id(id) => Some(*id),
            PartnerRef::ExternalId(key) => by_external_id.get(key).copied(),
        })
        .collect();
    // partner → archived
    let known: HashMap<Uuid, bool> = if partner_ids.is_empty() {
        HashMap::new()
    } else {
        partners::cores_by_ids(&mut conn, member.org_id, &partner_ids)
            .await?
            .into_values()
            .map(|p| (p.id, p.archived_at.is_some()))
            .collect()
    };
    drop(conn);

    let mut results = Vec::with_capacity(rows.len());
    // Partners whose deals changed (a moved deal changes both its partners).
    let mut touched = std::collections::BTreeSet::new();
    for row in rows {
        results.push(match row {
            Ok(row) => {
                let current = matched.remove(&row.external_id);
                let previous = current.as_ref().map(|d| d.partner_id);
                match resolve(&row, &by_external_id, &known) {
                    Ok(partner) => {
                        let result =
                            import_row(services, member, &settings, &row, current, partner).await;
                        if let Ok((Written::Created | Written::Updated, deal)) = &result {
                            touched.insert(deal.partner_id);
                            touched.extend(previous);
                        }
                        result
                    }
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(error),
        });
    }
    let touched: Vec<Uuid> = touched.into_iter().collect();
    crate::tiers::partners_changed(services, member, &touched).await?;
    Ok(results)
}

/// How a row names its deal's partner.
enum PartnerRef {
    /// By the partner's id in the CRM.
    ExternalId(String),
    /// By the partner's global ID.
    Id(Uuid),
}

impl PartnerRef {
    /// The input field it came from.
    fn field(&self) -> &'static str {
        match self {
            PartnerRef::ExternalId(_) => "partnerExternalId",
            PartnerRef::Id(_) => "partnerId",
        }
    }
}

/// A row with its key, partner reference and enum-like strings parsed; the other values are
/// validated when applied to the deal.
struct Row<'a> {
    index: usize,
    /// The trimmed match key.
    external_id: String,
    partner: Option<PartnerRef>,
    motion: Option<DealMotion>,
    status: Option<DealStatus>,
    raw: &'a DealImportRow,
}

impl<'a> Row<'a> {
    fn parse(index: usize, raw: &'a DealImportRow) -> Result<Self, RowError> {
        let field = |name: &str| format!("rows[{index}].{name}");
        let key = external_id(raw.external_id.as_deref(), &field("externalId"))?
            .ok_or_else(|| RowError::bad_input(field("externalId"), "required"))?;
        let by_external_id = external_id(
            raw.partner_external_id.as_deref(),
            &field("partnerExternalId"),
        )?;
        let partner = match (by_external_id, &raw.partner_id) {
            (Some(_), Some(_)) => {
                return Err(RowError::bad_input(
                    field("partnerId"),
                    "give partnerId or partnerExternalId, not both",
                ));
            }
            (Some(key), None) => Some(PartnerRef::ExternalId(key)),
            (None, Some(id)) => Some(PartnerRef::Id(decode_uuid(
                id,
                NodeKind::Partner,
                &field("partnerId"),
            )?)),
            (None, None) => None,
        };
        let motion = required_enum(
            raw.motion.as_deref(),
            &field("motion"),
            "motion",
            DealMotion::parse,
            &DealMotion::ALL.map(DealMotion::as_str),
        )?;
        let status = required_enum(
            raw.status.as_deref(),
            &field("status"),
            "status",
            DealStatus::parse,
            &DealStatus::ALL.map(DealStatus::as_str),
        )?;
        Ok(Row {
            index,
            external_id: key,
            partner,
            motion,
            status,
            raw,
        })
    }

    fn field(&self, name: &str) -> String {
        format!("rows[{}].{name}", self.index)
    }
}

/// The partner a row names, as `(id, archived)`; NOT_FOUND (revealing nothing) when the
/// organisation has no such partner.
fn resolve(
    row: &Row<'_>,
    by_external_id: &HashMap<String, Uuid>,
    known: &HashMap<Uuid, bool>,
) -> Result<Option<(Uuid, bool)>, RowError> {
    let Some(partner) = &row.partner else {
        return Ok(None);
    };
    let id = match partner {
        PartnerRef::Id(id) => Some(*id),
        PartnerRef::ExternalId(key) => by_external_id.get(key).copied(),
    };
    id.and_then(|id| known.get(&id).map(|archived| (id, *archived)))
        .map(Some)
        .ok_or_else(|| RowError::not_found(row.field(partner.field()), "partner"))
}

/// Validates one row against the deal it matched (or a new one) and writes it if it changes
/// anything.
async fn import_row(
    services: &Services,
    member: &Member,
    settings: &DealSettings,
    row: &Row<'_>,
    current: Option<Deal>,
    partner: Option<(Uuid, bool)>,
) -> RowResult<Deal> {
    let raw = row.raw;
    if let (Some((id, true)), Some(named)) = (partner, &row.partner)
        && current.as_ref().is_none_or(|c| c.partner_id != id)
    {
        return Err(RowError::bad_input(
            row.field(named.field()),
            "the partner is archived; restore it first",
        ));
    }
    let Some(current) = current else {
        let creates = "required: no deal matches this row, so it creates one";
        let (partner_id, _) = partner.ok_or_else(|| {
            RowError::bad_input(
                row.field("partnerExternalId"),
                format!("{creates} (give partnerExternalId or partnerId)"),
            )
        })?;
        let customer_name = raw
            .customer_name
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| RowError::bad_input(row.field("customerName"), creates))?;
        let amount = raw
            .amount
            .as_ref()
            .ok_or_else(|| RowError::bad_input(row.field("amount"), creates))?;
        let name = text(&raw.name);
        let deal = deal_from(
            member,
            settings,
            &NewDeal {
                partner_id,
                name: name.value().map(String::as_str),
                customer_name,
                customer_domain: raw.customer_domain.value().map(String::as_str),
                amount,
                motion: row.motion.unwrap_or(DealMotion::Product),
                expected_close_on: raw.expected_close_date.value().map(|d| d.0),
                external_id: Some(&row.external_id),
                status: row.status.unwrap_or(DealStatus::Open),
                closed_on: raw.closed_on.value().map(|d| d.0),
            },
            &format!("rows[{}]", row.index),
        )?;
        return Ok((Written::Created, insert_deal(services, member, deal).await?));
    };
    let mut next = current.clone();
    apply(row, settings, partner.map(|(id, _)| id), &mut next)?;
    if next == current {
        return Ok((Written::Unchanged, current));
    }
    next.version += 1;
    next.updated_at = now();
    Ok((
        Written::Updated,
        save_deal(services, member, &current, next).await?,
    ))
}

/// Sets what the row gives on `deal`, validated as `createDeal` validates it.
fn apply(
    row: &Row<'_>,
    settings: &DealSettings,
    partner_id: Option<Uuid>,
    deal: &mut Deal,
) -> Result<(), RowError> {
    let raw = row.raw;
    if let Some(partner_id) = partner_id {
        deal.partner_id = partner_id;
    }
    match text(&raw.name) {
        MaybeUndefined::Value(name) => {
            deal.name = crate::deals::text(Some(&name), MAX_DEAL_NAME_CHARS, &row.field("name"))?;
        }
        MaybeUndefined::Null => deal.name = None,
        MaybeUndefined::Undefined => {}
    }
    // Blank counts as null, which for a required name means: leave it alone.
    if let Some(name) = raw
        .customer_name
        .as_deref()
        .filter(|c| !c.trim().is_empty())
    {
        deal.customer_name = required_name(name, &row.field("customerName"))?;
    }
    match text(&raw.customer_domain) {
        MaybeUndefined::Value(domain) => {
            deal.customer_domain = Some(customer_domain(&domain, &row.field("customerDomain"))?);
        }
        MaybeUndefined::Null => deal.customer_domain = None,
        MaybeUndefined::Undefined => {}
    }
    if let Some(input) = &raw.amount {
        deal.amount = amount(input, settings.currency, &row.field("amount"))?;
    }
    if let Some(motion) = row.motion {
        deal.motion = motion;
    }
    if let Some(status) = row.status {
        deal.status = status;
    }
    match &raw.expected_close_date {
        MaybeUndefined::Value(date) => deal.expected_close_on = Some(date.0),
        MaybeUndefined::Null => deal.expected_close_on = None,
        MaybeUndefined::Undefined => {}
    }
    let closed_on = raw.closed_on.value().map(|d| d.0).or(deal.closed_on);
    deal.closed_on = closing_date(deal.status, closed_on);
    Ok(())
}
