//! Partner roots: read, list, create, update, archive, delete, clear overrides. Root fields parse
//! arguments and delegate to `crate::partners`.

use async_graphql::{Context, ID, Object, SimpleObject};
use partnergraph_domain::Role;
use partnergraph_persistence::partner_list::{
    self, Including, Listed, Seek, SortField, SortValue, sort_value,
};
use partnergraph_persistence::partners::{self as stored, Relation};
use partnergraph_persistence::users;

use crate::error::ApiResult;
use crate::graphql::connection::{PageConnection, PageRequest, complexity};
use crate::graphql::node::{NodeKind, decode_uuid, encode_uuid};
use crate::graphql::types::partner::Partner;
use crate::graphql::types::partner_filter::*;
use crate::graphql::types::partner_inputs::*;
use crate::graphql::{Services, guard};
use crate::{partners, views};

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
    ///
    /// A saved `view` supplies the filter and the sort; an explicit `filter` or `orderBy`
    /// replaces the view's part. Without `view` and without `filter`, your default view (if
    /// any) applies. A view is applied as saved: a tag in it that no partner has any more
    /// matches no partner instead of being refused like a `filter` tag (which is most likely a
    /// typo), so a stale view never makes the table unusable; a default view that no longer
    /// fits the API is skipped.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay arguments plus filter, order and view"
    )]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which partners (all when omitted, unless a view applies); replaces the view's filter."
        )]
        filter: Option<PartnerFilterInput>,
        #[graphql(
            desc = "Sort order; one column, by name ascending when omitted and no view applies; replaces the view's sort."
        )]
        order_by: Option<Vec<PartnerOrder>>,
        #[graphql(desc = "One of your saved views (another person's view is NOT_FOUND).")]
        view: Option<ID>,
        #[graphql(desc = "Return the first n partners (at most the maximum page size).")]
        first: Option<i32>,
        #[graphql(desc = "Return partners after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n partners (at most the maximum page size).")]
        last: Option<i32>,
        #[graphql(desc = "Return partners before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<Partner>> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        let view_id = view
            .as_ref()
            .map(|id| decode_uuid(id, NodeKind::SavedView, "view"))
            .transpose()?;
        let mut conn = services.db.conn().await?;
        let view = match view_id {
            Some(id) => Some(views::mine(&mut conn, member, id).await?),
            None if filter.is_none() => views::default_view(&mut conn, member).await?.filter(|v| {
                let fits = views::filter_of(v).is_ok() && views::order_of(v).is_ok();
                if !fits {
                    tracing::warn!(view.id = %v.id, "default view no longer fits the API; skipped");
                }
                fits
            }),
            None => None,
        };
        let (filter, filter_from_view) = match (filter, &view) {
            (Some(filter), _) => (filter, false),
            (None, Some(view)) => (views::filter_of(view)?, true),
            (None, None) => (PartnerFilterInput::default(), false),
        };
        let order_by = match (order_by, &view) {
            (Some(order_by), _) => Some(order_by),
            (None, Some(view)) => Some(views::order_of(view)?),
            (None, None) => None,
        };
        let order = PartnerOrder::single(order_by.as_deref(), "orderBy")?;
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
            drop(conn);
            let own = match member.partner_id {
                Some(id) => partners::visible(services, member, id).await.ok(),
                None => None,
            };
            // The tier rank is read only when the cursor needs it.
            let tier_rank = match &own {
                Some(p) if field == SortField::Tier && p.tier_id.is_some() => {
                    let mut conn = services.db.conn().await?;
                    partner_list::tier_rank(&mut conn, member.org_id, p.tier_id).await?
                }
                _ => None,
            };
            let total = i64::from(own.is_some());
            return Ok(page.into_connection(
                &kind,
                own.into_iter().collect(),
                total,
                |p| (sort_value(p, tier_rank, field), p.id),
                Partner::from,
            ));
        }
        let filter = filter.parse()?;
        if !filter_from_view {
            partners::check_known_tags(&mut conn, member.org_id, &filter, "filter").await?;
        }
        let seek = Seek {
            field,
            descending,
            after: page.after.clone(),
            before: page.before.clone(),
            backward: page.backward,
            limit: page.fetch_limit(),
        };
        let node = ctx.look_ahead().field("edges").field("node");
        let including = Including {
            // The filtered total costs a scan of its own: count only when asked for.
            total: ctx.look_ahead().field("totalCount").exists(),
            // Joined into the page statement: no statement of its own.
            primary_contact: node.field("primaryContact").exists(),
        };
        let (mut rows, total) =
            partner_list::list(&mut conn, member.org_id, &filter, &seek, including).await?;
        // Load exactly the relations the query asks for, for the whole page: one statement
        // per relation kind, whatever the page size.
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
        let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.partner.id).collect();
        for relation in &loaded {
            let mut batch = stored::relation_for(&mut conn, member.org_id, &ids, *relation).await?;
            for row in &mut rows {
                if let Some(relations) = batch.remove(&row.partner.id) {
                    relations.apply_to(&mut row.partner);
                }
            }
        }
        let managers = if node.field("partnerManager").exists() {
            let manager_ids: Vec<uuid::Uuid> = rows
                .iter()
                .filter_map(|r| r.partner.partner_manager_id)
                .collect();
            Some(users::by_ids(&mut conn, member.org_id, &manager_ids).await?)
        } else {
            None
        };
        Ok(page.into_connection(
            &kind,
            rows,
            total,
            |r: &Listed| (sort_value(&r.partner, r.tier_rank, field), r.partner.id),
            |Listed {
                 partner: p,
                 primary_contact: contact,
                 tier,
                 ..
             }| {
                let manager = managers
                    .as_ref()
                    .map(|m| p.partner_manager_id.and_then(|id| m.get(&id).cloned()));
                Partner::with_relations(p, loaded.clone(), manager)
                    .with_primary_contact(including.primary_contact.then_some(contact))
                    .with_tier(tier)
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
