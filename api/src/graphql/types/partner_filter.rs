//! Inputs of the partners table: filters and sort order.

use async_graphql::{Enum, ID, InputObject};
use partnergraph_persistence::partner_list::{PartnerFilter, Range, SortField};

use crate::error::{ApiError, ApiResult};
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::scalars::BigInt;
use crate::graphql::types::partner_enums::*;

/// Most values in one filter list.
const MAX_FILTER_VALUES: usize = 100;

/// Partners having any of `values` in the tag `category`.
#[derive(Debug, Clone, InputObject)]
pub struct TagFilter {
    /// The tag category.
    pub category: TagCategoryValue,
    /// Any of these tags (each must exist in your organisation).
    pub values: Vec<String>,
}

/// An inclusive integer range: `gte`, `lte`, or `between: [min, max]`.
#[derive(Debug, Clone, Default, InputObject)]
pub struct IntRange {
    /// At least.
    pub gte: Option<i32>,
    /// At most.
    pub lte: Option<i32>,
    /// Both ends at once: `[min, max]`.
    pub between: Option<Vec<i32>>,
}

/// An inclusive range of 64-bit integers (money in minor units): `gte`, `lte`, or
/// `between: [min, max]`.
#[derive(Debug, Clone, Default, InputObject)]
pub struct BigIntRange {
    /// At least.
    pub gte: Option<BigInt>,
    /// At most.
    pub lte: Option<BigInt>,
    /// Both ends at once: `[min, max]`.
    pub between: Option<Vec<BigInt>>,
}

/// Stacked filters of the partners table: fields combine with AND, the values of one field's
/// list with OR.
#[derive(Debug, Clone, Default, InputObject)]
pub struct PartnerFilterInput {
    /// Any of these types.
    pub types: Option<Vec<PartnerTypeValue>>,
    /// Any of these subtypes.
    pub subtypes: Option<Vec<String>>,
    /// Any of these categories.
    pub categories: Option<Vec<PartnerCategoryValue>>,
    /// Any of these lifecycle stages.
    pub stages: Option<Vec<PartnerStageValue>>,
    /// Any of these statuses.
    pub statuses: Option<Vec<PartnerStatusValue>>,
    /// Tag filters (one per category; categories combine with AND).
    pub tags: Option<Vec<TagFilter>>,
    /// Any of these partner managers (user IDs).
    pub partner_manager_ids: Option<Vec<ID>>,
    /// Holding any of these tiers (Tier IDs). A tier that is not your organisation's matches
    /// no partner. Given with `withoutTier: true`, the two combine with OR.
    pub tier_ids: Option<Vec<ID>>,
    /// Holding no tier (true). Given with `tierIds`, the two combine with OR: partners holding
    /// one of those tiers or none. False or omitted: no tier filter of its own.
    pub without_tier: Option<bool>,
    /// Covering any of these regions.
    pub regions: Option<Vec<String>>,
    /// Any of these industries.
    pub industries: Option<Vec<String>>,
    /// Case-insensitive text in the name or domain.
    pub search: Option<String>,
    /// Fit score range (unscored partners do not match).
    pub fit_score: Option<IntRange>,
    /// Health score range (unscored partners do not match).
    pub health_score: Option<IntRange>,
    /// Headcount range.
    pub employees: Option<IntRange>,
    /// Pipeline range (open deal amounts), in minor units of your deal currency.
    pub pipeline: Option<BigIntRange>,
    /// Revenue range (won deal amounts), in minor units of your deal currency.
    pub revenue: Option<BigIntRange>,
    /// Include archived partners (default false).
    pub include_archived: Option<bool>,
}

/// Columns the partners table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum PartnerSortField {
    /// Name.
    Name,
    /// Partner type.
    Type,
    /// Lifecycle stage, in lifecycle order.
    Stage,
    /// Tier prestige: the tier's `sortOrder`, so the most prestigious tier comes first
    /// ascending; untiered partners last ascending, first descending.
    Tier,
    /// Fit score (unscored partners first ascending, last descending).
    FitScore,
    /// Health score (unscored partners first ascending, last descending).
    HealthScore,
    /// Headcount (unknown first ascending).
    Employees,
    /// Pipeline: the sum of open deal amounts.
    Pipeline,
    /// Revenue: the sum of won deal amounts.
    Revenue,
    /// Creation time.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum SortDirection {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// How to sort the partners table (ties broken by ID, so pages are stable).
#[derive(Debug, Clone, InputObject)]
pub struct PartnerOrder {
    /// The column.
    pub field: PartnerSortField,
    /// The direction.
    #[graphql(default_with = "SortDirection::Asc")]
    pub direction: SortDirection,
}

impl PartnerOrder {
    /// The one sort column of `order_by` (name ascending when omitted or empty); more than
    /// one column is BAD_USER_INPUT naming `field`.
    pub fn single(order_by: Option<&[PartnerOrder]>, field: &str) -> ApiResult<PartnerOrder> {
        match order_by {
            None | Some([]) => Ok(PartnerOrder {
                field: PartnerSortField::Name,
                direction: SortDirection::Asc,
            }),
            Some([one]) => Ok(one.clone()),
            Some(_) => Err(ApiError::bad_input(field, "sort by one column at a time")),
        }
    }
}

impl From<PartnerSortField> for SortField {
    fn from(field: PartnerSortField) -> Self {
        match field {
            PartnerSortField::Name => SortField::Name,
            PartnerSortField::Type => SortField::Type,
            PartnerSortField::Stage => SortField::Stage,
            PartnerSortField::Tier => SortField::Tier,
            PartnerSortField::FitScore => SortField::FitScore,
            PartnerSortField::HealthScore => SortField::HealthScore,
            PartnerSortField::Employees => SortField::Employees,
            PartnerSortField::Pipeline => SortField::Pipeline,
            PartnerSortField::Revenue => SortField::Revenue,
            PartnerSortField::CreatedAt => SortField::CreatedAt,
            PartnerSortField::UpdatedAt => SortField::UpdatedAt,
        }
    }
}

fn values<T: Clone>(list: &Option<Vec<T>>, field: &str) -> ApiResult<Vec<T>> {
    let list = list.clone().unwrap_or_default();
    if list.len() > MAX_FILTER_VALUES {
        return Err(ApiError::bad_input(
            field,
            format!("at most {MAX_FILTER_VALUES} values"),
        ));
    }
    Ok(list)
}

fn range(input: &Option<IntRange>, field: &str) -> ApiResult<Range> {
    let Some(input) = input else {
        return Ok(Range::default());
    };
    let between = input
        .between
        .as_ref()
        .map(|b| b.iter().copied().map(i64::from).collect());
    bounds(
        input.gte.map(i64::from),
        input.lte.map(i64::from),
        between,
        field,
    )
}

fn big_range(input: &Option<BigIntRange>, field: &str) -> ApiResult<Range> {
    let Some(input) = input else {
        return Ok(Range::default());
    };
    let between = input
        .between
        .as_ref()
        .map(|b| b.iter().map(|v| v.0).collect());
    bounds(
        input.gte.map(|v| v.0),
        input.lte.map(|v| v.0),
        between,
        field,
    )
}

fn bounds(
    mut gte: Option<i64>,
    mut lte: Option<i64>,
    between: Option<Vec<i64>>,
    field: &str,
) -> ApiResult<Range> {
    if let Some(between) = between {
        let [min, max] = between.as_slice() else {
            return Err(ApiError::bad_input(
                format!("{field}.between"),
                "between takes exactly two values: [min, max]",
            ));
        };
        gte = Some(*min);
        lte = Some(*max);
    }
    if let (Some(gte), Some(lte)) = (gte, lte)
        && gte > lte
    {
        return Err(ApiError::bad_input(
            field,
            format!("the range is empty: {gte} > {lte}"),
        ));
    }
    Ok(Range { gte, lte })
}

impl PartnerFilterInput {
    /// Validates into the persistence filter; errors name the `filter.*` field.
    pub fn parse(&self) -> ApiResult<PartnerFilter> {
        let search = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if search.is_some_and(|s| s.chars().count() > 200) {
            return Err(ApiError::bad_input(
                "filter.search",
                "search text must have at most 200 characters",
            ));
        }
        let mut tags = Vec::new();
        for (i, tag) in values(&self.tags, "filter.tags")?.into_iter().enumerate() {
            let list = values(&Some(tag.values), &format!("filter.tags[{i}].values"))?;
            if list.is_empty() {
                return Err(ApiError::bad_input(
                    format!("filter.tags[{i}].values"),
                    "give at least one tag",
                ));
            }
            tags.push((tag.category.into(), list));
        }
        Ok(PartnerFilter {
            types: values(&self.types, "filter.types")?
                .into_iter()
                .map(Into::into)
                .collect(),
            subtypes: values(&self.subtypes, "filter.subtypes")?,
            categories: values(&self.categories, "filter.categories")?
                .into_iter()
                .map(Into::into)
                .collect(),
            stages: values(&self.stages, "filter.stages")?
                .into_iter()
                .map(Into::into)
                .collect(),
            statuses: values(&self.statuses, "filter.statuses")?
                .into_iter()
                .map(Into::into)
                .collect(),
            tags,
            partner_managers: values(&self.partner_manager_ids, "filter.partnerManagerIds")?
                .iter()
                .map(|id| decode_uuid(id, NodeKind::User, "filter.partnerManagerIds"))
                .collect::<ApiResult<_>>()?,
            tiers: values(&self.tier_ids, "filter.tierIds")?
                .iter()
                .map(|id| decode_uuid(id, NodeKind::Tier, "filter.tierIds"))
                .collect::<ApiResult<_>>()?,
            without_tier: self.without_tier.unwrap_or(false),
            regions: values(&self.regions, "filter.regions")?,
            industries: values(&self.industries, "filter.industries")?,
            search: search.map(str::to_owned),
            fit_score: range(&self.fit_score, "filter.fitScore")?,
            health_score: range(&self.health_score, "filter.healthScore")?,
            employees: range(&self.employees, "filter.employees")?,
            pipeline: big_range(&self.pipeline, "filter.pipeline")?,
            revenue: big_range(&self.revenue, "filter.revenue")?,
            include_archived: self.include_archived.unwrap_or(false),
        })
    }
}
