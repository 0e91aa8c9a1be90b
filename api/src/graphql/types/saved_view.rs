//! `SavedView`: a person's named filter and sort of the partners table.

use async_graphql::{ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use partnergraph_persistence::partner_views::SavedView as ViewRecord;

use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::partner_filter::{PartnerSortField, SortDirection};

/// A saved view.
#[derive(Debug, Clone)]
pub struct SavedView(pub ViewRecord);

/// One sort column of a saved view.
#[derive(Debug, Clone, SimpleObject)]
pub struct SavedViewOrder {
    /// The column.
    pub field: PartnerSortField,
    /// The direction.
    pub direction: SortDirection,
}

/// A named filter and sort of the partners table, kept by one person. Pass its ID as
/// `partners(view:)`; the default view applies when the table is read without `view` and
/// without `filter`.
#[Object]
impl SavedView {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::SavedView, self.0.id)
    }

    /// Name (unique among your views).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The filter, in the shape of `PartnerFilterInput` (omitted fields left out).
    async fn filter(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.filter.clone())
    }

    /// The sort (empty: by name ascending).
    async fn order_by(&self) -> ApiResult<Vec<SavedViewOrder>> {
        Ok(crate::views::order_of(&self.0)?
            .into_iter()
            .map(|o| SavedViewOrder {
                field: o.field,
                direction: o.direction,
            })
            .collect())
    }

    /// Whether the partners table opens with this view.
    async fn is_default(&self) -> bool {
        self.0.is_default
    }

    /// Creation time.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
