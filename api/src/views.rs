//! Saved views of the partners table: a person's named filter and sort, one of which may be
//! their default (applied when the table is read without `view` and without `filter`).
//!
//! A view keeps its filter and sort as JSON in the shape of the GraphQL `PartnerFilterInput`
//! and `[PartnerOrder!]`, validated at save time exactly as the partners query validates them.
//! Views belong to people: API keys have none, and partner-role users, who have no partners
//! table, neither see nor keep any.

use async_graphql::InputType;
use partnergraph_domain::Role;
use partnergraph_domain::partners::{MAX_VIEWS_PER_USER, ViewName, can_keep_views};
use partnergraph_persistence::Conn;
use partnergraph_persistence::partner_views::{self, NAME_KEY, NAME_KEY_COLUMNS, SavedView};
use partnergraph_persistence::types::now;
use uuid::Uuid;

use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::graphql::types::partner_filter::{PartnerFilterInput, PartnerOrder};
use crate::graphql::types::view_inputs::SaveViewInput;
use crate::identity::violates;
use crate::partners::check_known_tags;

/// The user whose views these are: people of internal roles only.
fn keeper(member: &Member) -> ApiResult<Uuid> {
    can_keep_views(member.role)?;
    member.user_id().ok_or_else(|| {
        ApiError::Forbidden("saved views belong to people; API keys have none".to_owned())
    })
}

/// Prefixes the field of an input error with `prefix` (`filter.search` → `input.filter.search`).
fn under(prefix: &str, error: ApiError) -> ApiError {
    match error {
        ApiError::BadUserInput {
            message,
            field: Some(field),
        } => ApiError::BadUserInput {
            message,
            field: Some(format!("{prefix}.{field}")),
        },
        other => other,
    }
}

/// The JSON without the `null` members of objects (omitted and `null` filter fields mean the
/// same), so that a stored filter reads like the input a person would write.
fn compact(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, compact(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(compact).collect()),
        other => other,
    }
}

/// The viewer's views, by name (none for API keys and partner-role users).
pub async fn list(services: &Services, member: &Member) -> ApiResult<Vec<SavedView>> {
    let Ok(user) = keeper(member) else {
        return Ok(Vec::new());
    };
    let mut conn = services.db.conn().await?;
    Ok(partner_views::of_user(&mut conn, member.org_id, user).await?)
}

/// One of the viewer's views; anyone else's (same organisation or not) is NOT_FOUND.
pub async fn mine(conn: &mut Conn, member: &Member, id: Uuid) -> ApiResult<SavedView> {
    let user = keeper(member).map_err(|_| ApiError::NotFound("view"))?;
    partner_views::by_id(conn, member.org_id, user, id)
        .await?
        .ok_or(ApiError::NotFound("view"))
}

/// The viewer's default view, if they are a person with one (no statement otherwise).
pub async fn default_view(conn: &mut Conn, member: &Member) -> ApiResult<Option<SavedView>> {
    match (member.role, member.user_id()) {
        (Role::Partner, _) | (_, None) => Ok(None),
        (_, Some(user)) => Ok(partner_views::default_of_user(conn, member.org_id, user).await?),
    }
}

/// A view's filter as the input it was saved from.
pub fn filter_of(view: &SavedView) -> ApiResult<PartnerFilterInput> {
    let value = async_graphql::Value::from_json(view.filter.clone()).map_err(ApiError::internal)?;
    <PartnerFilterInput as InputType>::parse(Some(value)).map_err(|e| {
        ApiError::bad_input(
            "view",
            format!(
                "the saved view's filter no longer fits the API ({}); save the view again",
                e.into_server_error(Default::default()).message
            ),
        )
    })
}

/// A view's sort as the input it was saved from.
pub fn order_of(view: &SavedView) -> ApiResult<Vec<PartnerOrder>> {
    let value =
        async_graphql::Value::from_json(view.order_by.clone()).map_err(ApiError::internal)?;
    <Vec<PartnerOrder> as InputType>::parse(Some(value)).map_err(|e| {
        ApiError::bad_input(
            "view",
            format!(
                "the saved view's order no longer fits the API ({}); save the view again",
                e.into_server_error(Default::default()).message
            ),
        )
    })
}

/// Creates a view, or replaces one of the viewer's views when `id` is given. The filter and
/// sort are validated as the partners query validates them; a name the viewer already uses
/// is BAD_USER_INPUT naming `input.name`.
pub async fn save(
    services: &Services,
    member: &Member,
    id: Option<Uuid>,
    input: &SaveViewInput,
) -> ApiResult<SavedView> {
    // Replacing a view that is not the caller's is NOT_FOUND, whoever the caller is.
    let user = match (keeper(member), id) {
        (Ok(user), _) => user,
        (Err(_), Some(_)) => return Err(ApiError::NotFound("view")),
        (Err(error), None) => return Err(error),
    };
    let name = ViewName::parse(&input.name)
        .map_err(|e| ApiError::bad_input("input.name", e.to_string()))?
        .into_inner();
    let filter = input.filter.clone().unwrap_or_default();
    let parsed = filter.parse().map_err(|e| under("input", e))?;
    PartnerOrder::single(input.order_by.as_deref(), "input.orderBy")?;
    let order = input.order_by.clone().unwrap_or_default();
    let mut conn = services.db.conn().await?;
    check_known_tags(&mut conn, member.org_id, &parsed, "input.filter").await?;
    let existing = match id {
        Some(id) => Some(mine(&mut conn, member, id).await?),
        None => {
            let count = partner_views::count_of_user(&mut conn, member.org_id, user).await?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_VIEWS_PER_USER {
                return Err(ApiError::bad_input(
                    "input",
                    format!("you can keep at most {MAX_VIEWS_PER_USER} views; delete one first"),
                ));
            }
            None
        }
    };
    let at = now();
    let view = SavedView {
        org_id: member.org_id,
        id: id.unwrap_or_else(Uuid::now_v7),
        user_id: user,
        name,
        filter: compact(filter.to_value().into_json().map_err(ApiError::internal)?),
        order_by: compact(order.to_value().into_json().map_err(ApiError::internal)?),
        is_default: input
            .is_default
            .or(existing.as_ref().map(|v| v.is_default))
            .unwrap_or(false),
        created_at: existing.as_ref().map_or(at, |v| v.created_at),
        updated_at: at,
    };
    match partner_views::save(&mut conn, &view, existing.is_none()).await {
        Ok(true) => Ok(view),
        Ok(false) => Err(ApiError::NotFound("view")),
        Err(error) if violates(&error, NAME_KEY, NAME_KEY_COLUMNS) => Err(ApiError::bad_input(
            "input.name",
            format!("you already have a view named `{}`", view.name),
        )),
        Err(error) => Err(error.into()),
    }
}

/// Deletes one of the viewer's views.
pub async fn delete(services: &Services, member: &Member, id: Uuid) -> ApiResult<()> {
    let user = keeper(member).map_err(|_| ApiError::NotFound("view"))?;
    let mut conn = services.db.conn().await?;
    if !partner_views::delete(&mut conn, member.org_id, user, id).await? {
        return Err(ApiError::NotFound("view"));
    }
    Ok(())
}

/// Makes one of the viewer's views their default, or leaves them without one (`None`).
pub async fn set_default(
    services: &Services,
    member: &Member,
    id: Option<Uuid>,
) -> ApiResult<Option<SavedView>> {
    let user = match (keeper(member), id) {
        (Ok(user), _) => user,
        (Err(_), Some(_)) => return Err(ApiError::NotFound("view")),
        (Err(error), None) => return Err(error),
    };
    let mut conn = services.db.conn().await?;
    if !partner_views::set_default(&mut conn, member.org_id, user, id, now()).await? {
        return Err(ApiError::NotFound("view"));
    }
    match id {
        Some(id) => Ok(Some(mine(&mut conn, member, id).await?)),
        None => Ok(None),
    }
}
