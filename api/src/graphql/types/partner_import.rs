//! `importPartners`: its input (rows as a CRM holds them, enum-like values as strings) and its
//! per-row results.

use async_graphql::{Enum, InputObject, MaybeUndefined, SimpleObject};
use partnergraph_persistence::partners::Partner as PartnerRecord;

use crate::graphql::scalars::MoneyInput;
use crate::graphql::types::import::{Counts, ImportOutcome, ImportRowError, parts};
use crate::graphql::types::partner::Partner;
use crate::imports::RowResult;

/// How `importPartners` finds the partner a row updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum PartnerMatchKey {
    /// By `externalId`, the partner's id in your CRM (every row must have one).
    ExternalId,
    /// By `domain`, normalised like partner domains (every row must have one).
    Domain,
}

/// A tag of an imported partner.
#[derive(Debug, Clone, InputObject)]
pub struct PartnerImportTag {
    /// The category: `SERVICES`, `PRODUCTS` or `REGIONS`, in any letter case.
    pub category: String,
    /// The tag (1–100 characters).
    pub value: String,
}

/// One partner as your CRM holds it. When the row updates a partner, an omitted field is left
/// alone and `null` clears it (a list: empties it); fields a person overrode
/// (`overriddenFields`) are never changed by an import. Blank text counts as `null`. `type`,
/// `category`, `status` and `stage` are strings matched case-insensitively against the enum
/// values (`legal_negotiation` or `LEGAL_NEGOTIATION`); an unknown one fails the row.
#[derive(Debug, Clone, Default, InputObject)]
pub struct PartnerImportRow {
    /// The partner's id in your CRM (at most 200 characters); required when matching on
    /// `EXTERNAL_ID`.
    pub external_id: Option<String>,
    /// Company name (blank: left alone); required when the row creates a partner.
    pub name: Option<String>,
    /// Company web domain (normalised; unique among your partners); required when matching
    /// on `DOMAIN`.
    pub domain: MaybeUndefined<String>,
    /// Partner type, e.g. `reseller`; required when the row creates a partner.
    #[graphql(name = "type")]
    pub partner_type: Option<String>,
    /// Free-form sub-classification.
    pub subtype: MaybeUndefined<String>,
    /// Program category, e.g. `solution`.
    pub category: MaybeUndefined<String>,
    /// Status, e.g. `active` (PENDING for a new partner when omitted).
    pub status: Option<String>,
    /// Lifecycle stage, e.g. `legal_negotiation` (PROSPECT for a new partner when omitted).
    pub stage: Option<String>,
    /// Logo URL (http or https).
    pub logo_url: MaybeUndefined<String>,
    /// Industry vertical.
    pub industry: MaybeUndefined<String>,
    /// Short description.
    pub description: MaybeUndefined<String>,
    /// Headcount (not negative).
    pub employees: MaybeUndefined<i32>,
    /// The partner company's annual revenue (not negative).
    pub company_revenue: MaybeUndefined<MoneyInput>,
    /// Regions covered (replaces the list).
    pub regions: MaybeUndefined<Vec<String>>,
    /// Languages supported (replaces the list).
    pub languages: MaybeUndefined<Vec<String>>,
    /// Services offered (replaces the list).
    pub services: MaybeUndefined<Vec<String>>,
    /// Products sold or integrated (replaces the list).
    pub products: MaybeUndefined<Vec<String>>,
    /// Tags (replaces all tags).
    pub tags: MaybeUndefined<Vec<PartnerImportTag>>,
    /// Joint value proposition.
    pub joint_value_proposition: MaybeUndefined<String>,
    /// Executive summary.
    pub executive_summary: MaybeUndefined<String>,
}

/// Create or update partners from your CRM.
#[derive(Debug, Clone, InputObject)]
pub struct ImportPartnersInput {
    /// The partners, at most 1,000 per call. Each key (`externalId` or `domain`) may appear
    /// once: a later row with the same key fails.
    pub rows: Vec<PartnerImportRow>,
    /// What matches a row to an existing partner (`EXTERNAL_ID` when omitted).
    #[graphql(default_with = "PartnerMatchKey::ExternalId")]
    pub match_on: PartnerMatchKey,
}

/// What `importPartners` did with one row.
#[derive(SimpleObject)]
pub struct PartnerImportResult {
    /// The row's 0-based index in `input.rows`.
    pub row: i32,
    /// Created, updated, unchanged or failed.
    pub outcome: ImportOutcome,
    /// The partner as it is after the import (null when the row failed).
    pub partner: Option<Partner>,
    /// Why the row failed (null unless `outcome` is FAILED).
    pub error: Option<ImportRowError>,
}

impl PartnerImportResult {
    /// The result of row `row`.
    pub fn new(row: usize, result: RowResult<PartnerRecord>) -> Self {
        let (outcome, partner, error) = parts(result);
        PartnerImportResult {
            row: i32::try_from(row).unwrap_or(i32::MAX),
            outcome,
            partner,
            error,
        }
    }
}

/// Result of `importPartners`.
#[derive(SimpleObject)]
pub struct ImportPartnersPayload {
    /// One result per row, in the order of `input.rows`.
    pub results: Vec<PartnerImportResult>,
    /// How many rows created a partner.
    pub created: i32,
    /// How many rows changed a partner.
    pub updated: i32,
    /// How many rows matched a partner and changed nothing.
    pub unchanged: i32,
    /// How many rows failed (and wrote nothing).
    pub failed: i32,
}

impl ImportPartnersPayload {
    /// The payload of `results`, in row order.
    pub fn new(results: Vec<RowResult<PartnerRecord>>) -> Self {
        let results: Vec<PartnerImportResult> = results
            .into_iter()
            .enumerate()
            .map(|(row, result)| PartnerImportResult::new(row, result))
            .collect();
        let counts = Counts::of(results.iter().map(|r| r.outcome));
        ImportPartnersPayload {
            created: counts.created,
            updated: counts.updated,
            unchanged: counts.unchanged,
            failed: counts.failed,
            results,
        }
    }
}
