//! Saved views of the partners table. Root fields parse arguments and delegate to
//! `crate::views`.

use async_graphql::{Context, Object};

use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, decode_uuid, encode_uuid};
use crate::graphql::types::saved_view::SavedView;
use crate::graphql::types::view_inputs::*;
use crate::graphql::{Services, guard};

/// Saved-view queries.
#[derive(Debug, Default)]
pub struct ViewQuery;

#[Object]
impl ViewQuery {
    /// Your saved views of the partners table, by name (at most 100; none for API keys and
    /// partner-role users).
    async fn partner_views(&self, ctx: &Context<'_>) -> ApiResult<Vec<SavedView>> {
        let member = guard::member(ctx)?;
        Ok(crate::views::list(ctx.data_unchecked::<Services>(), member)
            .await?
            .into_iter()
            .map(SavedView)
            .collect())
    }
}

/// Saved-view mutations.
#[derive(Debug, Default)]
pub struct ViewMutation;

#[Object]
impl ViewMutation {
    /// Saves a named filter and sort of the partners table (a new view, or one of yours when
    /// `id` is given). At most 100 views per person; API keys cannot keep views.
    async fn save_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The view.")] input: SaveViewInput,
    ) -> ApiResult<SaveViewPayload> {
        let member = guard::member(ctx)?;
        let id = input
            .id
            .as_ref()
            .map(|id| decode_uuid(id, NodeKind::SavedView, "input.id"))
            .transpose()?;
        let view = crate::views::save(ctx.data_unchecked::<Services>(), member, id, &input).await?;
        Ok(SaveViewPayload {
            view: SavedView(view),
        })
    }

    /// Deletes one of your views (deleting your default view leaves you without one).
    async fn delete_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The view.")] input: DeleteViewInput,
    ) -> ApiResult<DeleteViewPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::SavedView, "input.id")?;
        crate::views::delete(ctx.data_unchecked::<Services>(), member, id).await?;
        Ok(DeleteViewPayload {
            deleted_view_id: encode_uuid(NodeKind::SavedView, id),
        })
    }

    /// Makes one of your views the default of the partners table, or clears your default
    /// with a null `id`.
    async fn set_default_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The view, or null.")] input: SetDefaultViewInput,
    ) -> ApiResult<SetDefaultViewPayload> {
        let member = guard::member(ctx)?;
        let id = input
            .id
            .as_ref()
            .map(|id| decode_uuid(id, NodeKind::SavedView, "input.id"))
            .transpose()?;
        let view = crate::views::set_default(ctx.data_unchecked::<Services>(), member, id).await?;
        Ok(SetDefaultViewPayload {
            view: view.map(SavedView),
        })
    }
}
