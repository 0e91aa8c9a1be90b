//! `importDeals`: its input (deals as a CRM holds them, motion and status as strings) and its
//! per-row results.

use async_graphql::{Enum, ID, InputObject, MaybeUndefined, SimpleObject};
use partnergraph_persistence::deals::Deal as DealRecord;

use crate::graphql::scalars::{Date, MoneyInput};
use crate::graphql::types::deal::Deal;
use crate::graphql::types::import::{Counts, ImportOutcome, ImportRowError, parts};
use crate::imports::RowResult;

/// How `importDeals` finds the deal a row updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DealMatchKey {
    /// By `externalId`, the deal's id in your CRM (every row must have one).
    ExternalId,
}

/// One deal as your CRM holds it. When the row updates a deal, an omitted field is left alone
/// and `null` clears it; blank text counts as `null`. `motion` and `status` are strings matched
/// case-insensitively against the enum values (`won` or `WON`); an unknown one fails the row.
/// A matched deal that came from a registration is updated like any other (its registration
/// follows the deal's status).
#[derive(Debug, Clone, Default, InputObject)]
pub struct DealImportRow {
    /// The deal's id in your CRM (at most 200 characters); required.
    pub external_id: Option<String>,
    /// The partner the deal is attributed to, by the partner's id in your CRM (its
    /// `externalId`). Give this or `partnerId`, not both; one of them is required when the row
    /// creates a deal, and a different partner moves the deal.
    pub partner_external_id: Option<String>,
    /// The partner the deal is attributed to, by its ID. Give this or `partnerExternalId`,
    /// not both.
    pub partner_id: Option<ID>,
    /// Title.
    pub name: MaybeUndefined<String>,
    /// The end customer's name (blank: left alone); required when the row creates a deal.
    pub customer_name: Option<String>,
    /// The end customer's domain (normalised).
    pub customer_domain: MaybeUndefined<String>,
    /// Amount, in the organisation's deal currency, not negative; required when the row
    /// creates a deal.
    pub amount: Option<MoneyInput>,
    /// Motion, `product` or `services` (PRODUCT for a new deal when omitted).
    pub motion: Option<String>,
    /// Status, `open`, `won` or `lost` (OPEN for a new deal when omitted).
    pub status: Option<String>,
    /// Expected close date.
    pub expected_close_date: MaybeUndefined<Date>,
    /// When a won or lost deal closed: when omitted, the date the deal already has, else
    /// today (UTC). Open deals have none, so it is ignored for them.
    pub closed_on: MaybeUndefined<Date>,
}

/// Create or update deals from your CRM.
#[derive(Debug, Clone, InputObject)]
pub struct ImportDealsInput {
    /// The deals, at most 1,000 per call. Each `externalId` may appear once: a later row with
    /// the same one fails.
    pub rows: Vec<DealImportRow>,
    /// What matches a row to an existing deal (`EXTERNAL_ID`, the default and only key).
    #[graphql(default_with = "DealMatchKey::ExternalId")]
    pub match_on: DealMatchKey,
}

/// What `importDeals` did with one row.
#[derive(SimpleObject)]
pub struct DealImportResult {
    /// The row's 0-based index in `input.rows`.
    pub row: i32,
    /// Created, updated, unchanged or failed.
    pub outcome: ImportOutcome,
    /// The deal as it is after the import (null when the row failed).
    pub deal: Option<Deal>,
    /// Why the row failed (null unless `outcome` is FAILED).
    pub error: Option<ImportRowError>,
}

/// Result of `importDeals`.
#[derive(SimpleObject)]
pub struct ImportDealsPayload {
    /// One result per row, in the order of `input.rows`.
    pub results: Vec<DealImportResult>,
    /// How many rows created a deal.
    pub created: i32,
    /// How many rows changed a deal.
    pub updated: i32,
    /// How many rows matched a deal and changed nothing.
    pub unchanged: i32,
    /// How many rows failed (and wrote nothing).
    pub failed: i32,
}

impl ImportDealsPayload {
    /// The payload of `results`, in row order.
    pub fn new(results: Vec<RowResult<DealRecord>>) -> Self {
        let results: Vec<DealImportResult> = results
            .into_iter()
            .enumerate()
            .map(|(row, result)| {
                let (outcome, deal, error) = parts(result);
                DealImportResult {
                    row: i32::try_from(row).unwrap_or(i32::MAX),
                    outcome,
                    deal,
                    error,
                }
            })
            .collect();
        let counts = Counts::of(results.iter().map(|r| r.outcome));
        ImportDealsPayload {
            created: counts.created,
            updated: counts.updated,
            unchanged: counts.unchanged,
            failed: counts.failed,
            results,
        }
    }
}
