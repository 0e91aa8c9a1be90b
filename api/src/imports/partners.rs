//! `importPartners`: upserts partner rows from a CRM, matched on `externalId` or `domain`.
//!
//! Cost: the partners that hold any key the rows name are read up front in a fixed number of
//! statements (their keys, then whole profiles of the matched ones), whatever the row count;
//! then each row that changes something is written in its own transaction. A matched row that
//! changes nothing is not written (UNCHANGED), so re-running an import costs only the reads.
//!
//! Rules: a row is parsed and validated fully before its write; the fields a person overrode
//! are kept; imports never add overrides; the first row with a key claims it and later rows
//! with the same key fail (CONFLICT), so that one call never writes a partner twice; domain
//! and externalId stay unique among the organisation's partners.

use async_graphql::MaybeUndefined;
use partnergraph_domain::CompanyDomain;
use partnergraph_domain::partners::{
    PartnerCategory, PartnerStage, PartnerStatus, PartnerType, TagCategory, can_write_partners,
};
use partnergraph_persistence::partners::{self, KeyOwners, Partner};
use uuid::Uuid;

use crate::auth::Member;
use crate::error::ApiResult;
use crate::graphql::Services;
use crate::graphql::types::partner_enums::*;
use crate::graphql::types::partner_import::{
    ImportPartnersInput, PartnerImportRow, PartnerImportTag, PartnerMatchKey,
};
use crate::graphql::types::partner_inputs::{Applying, PartnerDetails, TagInput, apply};
use crate::imports::{
    RowError, RowResult, Written, check_row_count, claim_keys, list, one_of, required_enum, text,
};
use crate::partners::{blank, external_id, insert, keep_overridden, save};

/// Imports `input.rows`; the results are in row order.
pub async fn import(
    services: &Services,
    member: &Member,
    input: &ImportPartnersInput,
) -> ApiResult<Vec<RowResult<Partner>>> {
    can_write_partners(member.role)?;
    check_row_count(input.rows.len())?;
    let match_on = input.match_on;
    let mut rows: Vec<Result<Row, RowError>> = input
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| Row::parse(i, row, match_on))
        .collect();
    let key_field = match match_on {
        PartnerMatchKey::ExternalId => "externalId",
        PartnerMatchKey::Domain => "domain",
    };
    claim_keys(&mut rows, key_field, "partner", |row| (row.index, &row.key));

    let external_ids: Vec<String> = rows
        .iter()
        .flatten()
        .filter_map(|r| r.external_id.clone())
        .collect();
    let domains: Vec<String> = rows
        .iter()
        .flatten()
        .filter_map(|r| r.domain.clone())
        .collect();
    let mut conn = services.db.conn().await?;
    let mut owners =
        partners::key_owners(&mut conn, member.org_id, &external_ids, &domains).await?;
    let matched_ids: Vec<Uuid> = rows
        .iter()
        .flatten()
        .filter_map(|r| owner(&owners, match_on, &r.key))
        .collect();
    let mut matched = partners::load_many(&mut conn, member.org_id, &matched_ids).await?;
    drop(conn);

    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        results.push(match row {
            Ok(row) => {
                let current = owner(&owners, match_on, &row.key).and_then(|id| matched.remove(&id));
                import_row(services, member, row, current, &mut owners).await
            }
            Err(error) => Err(error),
        });
    }
    // Place every written partner in the program at once, then show them as they now stand.
    let written: Vec<Uuid> = results
        .iter()
        .filter_map(|r| match r {
            Ok((Written::Created | Written::Updated, partner)) => Some(partner.id),
            _ => None,
        })
        .collect();
    if !written.is_empty() {
        crate::tiers::partners_changed(services, member, &written).await?;
        let mut conn = services.db.conn().await?;
        let mut placed = partners::load_many(&mut conn, member.org_id, &written).await?;
        for result in &mut results {
            if let Ok((Written::Created | Written::Updated, partner)) = result
                && let Some(fresh) = placed.remove(&partner.id)
            {
                *partner = fresh;
            }
        }
    }
    Ok(results)
}

/// The partner that holds `key` now.
fn owner(owners: &KeyOwners, match_on: PartnerMatchKey, key: &str) -> Option<Uuid> {
    match match_on {
        PartnerMatchKey::ExternalId => owners.by_external_id.get(key),
        PartnerMatchKey::Domain => owners.by_domain.get(key),
    }
    .copied()
}

/// A row with its enum-like strings parsed and its key normalised; the rest is validated when
/// applied to the partner.
struct Row {
    index: usize,
    /// The normalised match key.
    key: String,
    external_id: Option<String>,
    /// The normalised domain the row sets, if any.
    domain: Option<String>,
    name: Option<String>,
    partner_type: Option<PartnerTypeValue>,
    details: PartnerDetails,
}

impl Row {
    fn parse(
        index: usize,
        row: &PartnerImportRow,
        match_on: PartnerMatchKey,
    ) -> Result<Row, RowError> {
        let field = |name: &str| format!("rows[{index}].{name}");
        let external_id = external_id(row.external_id.as_deref(), &field("externalId"))?;
        let domain = match text(&row.domain) {
            MaybeUndefined::Value(raw) => Some(
                CompanyDomain::parse(&raw)
                    .map_err(|e| RowError::bad_input(field("domain"), e.to_string()))?
                    .as_str()
                    .to_owned(),
            ),
            _ => None,
        };
        let key = match match_on {
            PartnerMatchKey::ExternalId => external_id.clone().ok_or_else(|| {
                RowError::bad_input(field("externalId"), "required when matching on EXTERNAL_ID")
            })?,
            PartnerMatchKey::Domain => domain.clone().ok_or_else(|| {
                RowError::bad_input(field("domain"), "required when matching on DOMAIN")
            })?,
        };
        let partner_type = required_enum(
            row.partner_type.as_deref(),
            &field("type"),
            "partner type",
            PartnerType::parse,
            &PartnerType::ALL.map(PartnerType::as_str),
        )?;
        let status = required_enum(
            row.status.as_deref(),
            &field("status"),
            "status",
            PartnerStatus::parse,
            &PartnerStatus::ALL.map(PartnerStatus::as_str),
        )?;
        let stage = required_enum(
            row.stage.as_deref(),
            &field("stage"),
            "stage",
            PartnerStage::parse,
            &PartnerStage::ALL.map(PartnerStage::as_str),
        )?;
        let category = match text(&row.category) {
            MaybeUndefined::Value(raw) => {
                MaybeUndefined::Value(PartnerCategoryValue::from(one_of(
                    &raw,
                    &field("category"),
                    "category",
                    PartnerCategory::parse,
                    &PartnerCategory::ALL.map(PartnerCategory::as_str),
                )?))
            }
            MaybeUndefined::Null => MaybeUndefined::Null,
            MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        };
        let tags = list(&row.tags)
            .map(|tags| {
                tags.iter()
                    .enumerate()
                    .map(|(j, PartnerImportTag { category, value })| {
                        Ok(TagInput {
                            category: TagCategoryValue::from(one_of(
                                category,
                                &field(&format!("tags[{j}].category")),
                                "tag category",
                                TagCategory::parse,
                                &TagCategory::ALL.map(TagCategory::as_str),
                            )?),
                            value: value.clone(),
                        })
                    })
                    .collect::<Result<Vec<_>, RowError>>()
            })
            .transpose()?;
        let details = PartnerDetails {
            domain: match &domain {
                Some(d) => MaybeUndefined::Value(d.clone()),
                None => text(&row.domain),
            },
            logo_url: text(&row.logo_url),
            industry: text(&row.industry),
            description: text(&row.description),
            employees: row.employees,
            company_revenue: row.company_revenue.clone(),
            regions: list(&row.regions),
            languages: list(&row.languages),
            services: list(&row.services),
            products: list(&row.products),
            subtype: text(&row.subtype),
            category,
            tags,
            status: status.map(PartnerStatusValue::from),
            stage: stage.map(PartnerStageValue::from),
            joint_value_proposition: text(&row.joint_value_proposition),
            executive_summary: text(&row.executive_summary),
            ..PartnerDetails::default()
        };
        Ok(Row {
            index,
            key,
            external_id,
            domain,
            // Blank counts as null, which for a name means: leave it alone.
            name: row.name.clone().filter(|n| !n.trim().is_empty()),
            partner_type: partner_type.map(PartnerTypeValue::from),
            details,
        })
    }
}

/// Validates one row against the partner it matched (or a new one) and writes it if it
/// changes anything.
async fn import_row(
    services: &Services,
    member: &Member,
    row: Row,
    current: Option<Partner>,
    owners: &mut KeyOwners,
) -> RowResult<Partner> {
    let prefix = format!("rows[{}]", row.index);
    let field = |name: &str| format!("{prefix}.{name}");
    let mut next = match &current {
        Some(current) => current.clone(),
        None => {
            let partner_type = row.partner_type.ok_or_else(|| {
                RowError::bad_input(
                    field("type"),
                    "required: no partner matches this row, so it creates one",
                )
            })?;
            if row.name.is_none() {
                return Err(RowError::bad_input(
                    field("name"),
                    "required: no partner matches this row, so it creates one",
                ));
            }
            let mut partner = blank(member, partner_type.into());
            partner.external_id.clone_from(&row.external_id);
            partner
        }
    };
    let mut applying = Applying {
        prefix: &prefix,
        touched: Vec::new(),
        partner_manager: None,
    };
    apply(
        row.name.as_deref(),
        row.partner_type,
        &row.details,
        &mut next,
        &mut applying,
    )?;
    if let Some(current) = &current {
        keep_overridden(current, &mut next);
        // Matched by domain: the row may link the partner to its CRM record, never relink it.
        if let Some(external_id) = &row.external_id {
            match &current.external_id {
                None => next.external_id = Some(external_id.clone()),
                Some(linked) if linked != external_id => {
                    return Err(RowError::conflict(
                        field("externalId"),
                        format!("the partner with this domain is linked to externalId `{linked}`"),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    let before = current.as_ref();
    if let Some(domain) = &next.domain
        && before.is_none_or(|c| c.domain.as_ref() != Some(domain))
        && owners
            .by_domain
            .get(domain)
            .is_some_and(|id| *id != next.id)
    {
        return Err(RowError::conflict(
            field("domain"),
            format!("another partner already has the domain {domain}"),
        ));
    }
    if let Some(external_id) = &next.external_id
        && before.is_none_or(|c| c.external_id.as_ref() != Some(external_id))
        && owners
            .by_external_id
            .get(external_id)
            .is_some_and(|id| *id != next.id)
    {
        return Err(RowError::conflict(
            field("externalId"),
            format!("another partner already has the externalId `{external_id}`"),
        ));
    }
    let (written, saved) = match current {
        Some(current) if current == next => return Ok((Written::Unchanged, current)),
        Some(current) => {
            let version = current.version;
            let saved = save(services, member, &current, next, version, "update").await?;
            forget_keys(owners, &current);
            (Written::Updated, saved)
        }
        None => (Written::Created, insert(services, member, next).await?),
    };
    // Later rows check uniqueness against what this row wrote.
    if let Some(domain) = &saved.domain {
        owners.by_domain.insert(domain.clone(), saved.id);
    }
    if let Some(external_id) = &saved.external_id {
        owners.by_external_id.insert(external_id.clone(), saved.id);
    }
    Ok((written, saved))
}

/// Drops the keys `partner` held before an update.
fn forget_keys(owners: &mut KeyOwners, partner: &Partner) {
    if let Some(domain) = &partner.domain
        && owners.by_domain.get(domain) == Some(&partner.id)
    {
        owners.by_domain.remove(domain);
    }
    if let Some(external_id) = &partner.external_id
        && owners.by_external_id.get(external_id) == Some(&partner.id)
    {
        owners.by_external_id.remove(external_id);
    }
}
