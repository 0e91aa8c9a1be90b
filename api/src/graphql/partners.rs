//! Partner roots: read, list, create, update, archive, delete, clear overrides. Root fields parse
//! arguments and delegate to `crate::partners`.

use async_graphql::{Context, ID, Object, SimpleObject};
use partnergraph_domain::Role;
use partnergraph_persistence::partner_list::{self, Seek, SortField, SortValue, sort_value};
use partnergraph_persistence::partners::{self as stored, Relation};
use partnergraph_persistence::users;

use crate::error::{ApiError, ApiResult};
use crate::graphql::connection::{PageConnection, PageRequest, complexity};
use crate::graphql::node::{NodeKind, decode_uuid, encode_uuid};
use crate::graphql::types::partner::Partner;
use crate::graphql::types::partner_filter::*;
use crate::graphql::types::partner_inputs::*;
use crate::graphql::{Services, guard};
use crate::partners;

/// Partner queries.
#[derive(Debug, Default)]
pub struct PartnerQuery;

#[Object]
impl PartnerQuery {
    /// One partner. Another organisation's partner, or one a partner-role viewer may not see,
    /// is NOT_FOUND.
    async fn partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner's ID.")] id: ID,
    ) -> ApiResult<Partner> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&id, NodeKind::Partner, "id")?;
        Ok(Partner::from(
            partners::visible(ctx.data_unchecked::<Services>(), member, id).await?,
        ))
    }

    /// The partners table: stacked filters, one sort column (ties broken by ID), stable
    /// keyset cursors and the filtered total. Partner-role viewers see only their own partner.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay arguments plus filter and order"
    )]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which partners (all when omitted).")] filter: Option<PartnerFilterInput>,
        #[graphql(desc = "Sort order; one column, by name ascending when omitted.")]
        order_by: Option<Vec<PartnerOrder>>,
        #[graphql(desc = "Return the first n partners (at most the maximum page size).")]
        first: Option<i32>,
        #[graphql(desc = "Return partners after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n partners (at most the maximum page size).")]
        last: Option<i32>,
        #[graphql(desc = "Return partners before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<Partner>> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        let order = match order_by.as_deref() {
            None | Some([]) => PartnerOrder {
                field: PartnerSortField::Name,
                direction: SortDirection::Asc,
            },
            Some([one]) => one.clone(),
            Some(_) => {
                return Err(ApiError::bad_input(
                    "orderBy",
                    "sort by one column at a time",
                ));
            }
        };
        let field = SortField::from(order.field);
        let descending = order.direction == SortDirection::Desc;
        // A cursor is only valid for the ordering it was made for.
        let kind = format!("partners:{:?}:{descending}", order.field);
        let page = PageRequest::<(SortValue, uuid::Uuid)>::parse(
            &kind,
            first,
            after,
            last,
            before,
            &services.limits,
        )?;
        if member.role == Role::Partner {
            let own = match member.partner_id {
                Some(id) => partners::visible(services, member, id).await.ok(),
                None => None,
            };
            let total = i64::from(own.is_some());
            return Ok(page.into_connection(
                &kind,
                own.into_iter().collect(),
                total,
                |p| (sort_value(p, field), p.id),
                Partner::from,
            ));
        }
        let filter = filter.unwrap_or_default().parse()?;
        let mut conn = services.db.conn().await?;
        for (i, (category, values)) in filter.tags.iter().enumerate() {
            let known =
                partner_list::known_tags(&mut conn, member.org_id, *category, values).await?;
            if let Some(unknown) = values.iter().find(|v| !known.contains(v)) {
                return Err(ApiError::bad_input(
                    format!("filter.tags[{i}].values"),
                    format!("no partner has the {} tag `{unknown}`", category.as_str()),
                ));
            }
        }
        let seek = Seek {
            field,
            descending,
            after: page.after.clone(),
            before: page.before.clone(),
            backward: page.backward,
            limit: page.fetch_limit(),
        };
        // The filtered total costs a scan of its own: count only when the query asks for it.
        let with_total = ctx.look_ahead().field("totalCount").exists();
        let (rows, total) =
            partner_list::list(&mut conn, member.org_id, &filter, &seek, with_total).await?;
        // Load exactly the relations the query asks for, for the whole page: one statement
        // per relation kind, whatever the page size.
        let node = ctx.look_ahead().field("edges").field("node");
        let asked = |fields: &[&str]| fields.iter().any(|f| node.field(f).exists());
        let mut loaded = Vec::new();
        for (relation, fields) in [
            (
                Relation::ListValues,
                &["regions", "languages", "services", "products"][..],
            ),
            (Relation::Tags, &["tags"][..]),
            (Relation::Stakeholders, &["keyStakeholders"][..]),
            (Relation::Strengths, &["keyStrengths"][..]),
            (Relation::PlanItems, &["jointPlan"][..]),
            (Relation::Overrides, &["overriddenFields"][..]),
        ] {
            if asked(fields) {
                loaded.push(relation);
            }
        }
        let ids: Vec<uuid::Uuid> = rows.iter().map(|p| p.id).collect();
        let mut rows = rows;
        for relation in &loaded {
            let mut batch = stored::relation_for(&mut conn, member.org_id, &ids, *relation).await?;
            for partner in &mut rows {
                if let Some(relations) = batch.remove(&partner.id) {
                    relations.apply_to(partner);
                }
            }
        }
        let managers = if node.field("partnerManager").exists() {
            let manager_ids: Vec<uuid::Uuid> =
                rows.iter().filter_map(|p| p.partner_manager_id).collect();
            Some(users::by_ids(&mut conn, member.org_id, &manager_ids).await?)
        } else {
            None
        };
        Ok(page.into_connection(
            &kind,
            rows,
            total,
            |p| (sort_value(p, field), p.id),
            |p| {
                let manager = managers
                    .as_ref()
                    .map(|m| p.partner_manager_id.and_then(|id| m.get(&id).cloned()));
                Partner::with_relations(p, loaded.clone(), manager)
            },
        ))
    }
}

/// Result of a partner mutation.
#[derive(SimpleObject)]
pub struct PartnerPayload {
    /// The partner after the change.
    pub partner: Partner,
}

/// Result of `deletePartner`.
#[derive(SimpleObject)]
pub struct DeletePartnerPayload {
    /// The deleted partner's ID.
    pub deleted_partner_id: ID,
}

/// Partner mutations.
#[derive(Debug, Default)]
pub struct PartnerMutation;

#[Object]
impl PartnerMutation {
    /// Creates a partner (status PENDING and stage PROSPECT unless given).
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner.")] input: CreatePartnerInput,
    ) -> ApiResult<PartnerPayload> {
        let member = guard::member(ctx)?;
        let partner = partners::create(ctx.data_unchecked::<Services>(), member, &input).await?;
        Ok(PartnerPayload {
            partner: Partner::from(partner),
        })
    }

    /// Changes a partner. Fields you set are recorded in `overriddenFields`. If the partner
    /// changed since `expectedVersion`, nothing is written and the answer is CONFLICT.
    async fn update_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which partner, its version, and the changes.")] input: UpdatePartnerInput,
    ) -> ApiResult<PartnerPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Partner, "input.id")?;
        let partner = partners::update(
            ctx.data_unchecked::<Services>(),
            member,
            id,
            input.expected_version,
            &input.patch,
        )
        .await?;
        Ok(PartnerPayload {
            partner: Partner::from(partner),
        })
    }

    /// Archives a partner (hidden from lists, kept with its history), or restores it.
    async fn archive_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which partner.")] input: ArchivePartnerInput,
    ) -> ApiResult<PartnerPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Partner, "input.id")?;
        let partner =
            partners::set_archived(ctx.data_unchecked::<Services>(), member, id, input.archived)
                .await?;
        Ok(PartnerPayload {
            partner: Partner::from(partner),
        })
    }

    /// Deletes a partner and everything it holds (owners and admins; the deletion is audited).
    async fn delete_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which partner.")] input: DeletePartnerInput,
    ) -> ApiResult<DeletePartnerPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Partner, "input.id")?;
        partners::delete(ctx.data_unchecked::<Services>(), member, id).await?;
        Ok(DeletePartnerPayload {
            deleted_partner_id: encode_uuid(NodeKind::Partner, id),
        })
    }

    /// Hands a field back to automated writers (imports, enrichment, scoring).
    async fn clear_partner_override(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which partner and field.")] input: ClearPartnerOverrideInput,
    ) -> ApiResult<PartnerPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Partner, "input.id")?;
        let partner = partners::clear_override(
            ctx.data_unchecked::<Services>(),
            member,
            id,
            input.field.into(),
        )
        .await?;
        Ok(PartnerPayload {
            partner: Partner::from(partner),
        })
    }
}
