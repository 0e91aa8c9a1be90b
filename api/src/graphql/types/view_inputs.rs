//! Inputs and payloads of the saved-view mutations.

use async_graphql::{ID, InputObject, SimpleObject};

use crate::graphql::types::partner_filter::{PartnerFilterInput, PartnerOrder};
use crate::graphql::types::saved_view::SavedView;

/// Save a view of the partners table: a new one, or replace one of yours when `id` is given.
#[derive(Debug, Clone, InputObject)]
pub struct SaveViewInput {
    /// The view to replace (omit to create a view).
    pub id: Option<ID>,
    /// Name, unique among your views (1–100 characters); a name you already use is
    /// BAD_USER_INPUT naming `input.name`.
    pub name: String,
    /// The filter (validated as `partners(filter:)` validates it; all partners when omitted).
    pub filter: Option<PartnerFilterInput>,
    /// The sort: one column (by name ascending when omitted).
    pub order_by: Option<Vec<PartnerOrder>>,
    /// Make it your default view (omitted: false for a new view, unchanged for a replaced one).
    pub is_default: Option<bool>,
}

/// Delete one of your views.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteViewInput {
    /// The view.
    pub id: ID,
}

/// Choose your default view of the partners table.
#[derive(Debug, Clone, InputObject)]
pub struct SetDefaultViewInput {
    /// One of your views; `null` leaves you without a default view.
    pub id: Option<ID>,
}

/// Result of `saveView`.
#[derive(SimpleObject)]
pub struct SaveViewPayload {
    /// The view as saved.
    pub view: SavedView,
}

/// Result of `deleteView`.
#[derive(SimpleObject)]
pub struct DeleteViewPayload {
    /// The deleted view's ID.
    pub deleted_view_id: ID,
}

/// Result of `setDefaultView`.
#[derive(SimpleObject)]
pub struct SetDefaultViewPayload {
    /// The default view now (null when cleared).
    pub view: Option<SavedView>,
}
