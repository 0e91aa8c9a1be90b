//! Each person's visibility choices on the Intelligence dashboards: one row per tile or
//! metric they showed or hid, per dashboard. Items without a row are shown.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::dashboard_preferences;
use crate::types::{DbTimestamp, DbUuid};

/// What a preference is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A tile.
    Tile,
    /// A metric card.
    Metric,
}

impl ItemKind {
    /// The database form.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Tile => "tile",
            ItemKind::Metric => "metric",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [ItemKind::Tile, ItemKind::Metric]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// One stored choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preference {
    /// Tile or metric.
    pub kind: ItemKind,
    /// The item's database form (`pipeline_by_stage`, `win_rate`, …).
    pub item: String,
    /// Shown or hidden.
    pub visible: bool,
}

/// The user's choices on `dashboard` (its database form), one statement.
pub async fn of_user(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
    dashboard: &str,
) -> Result<Vec<Preference>, DbError> {
    let query = dashboard_preferences::table
        .filter(dashboard_preferences::org_id.eq(DbUuid(org_id)))
        .filter(dashboard_preferences::user_id.eq(DbUuid(user_id)))
        .filter(dashboard_preferences::dashboard.eq(dashboard.to_owned()))
        .select((
            dashboard_preferences::item_kind,
            dashboard_preferences::item,
            dashboard_preferences::visible,
        ));
    let rows: Vec<(String, String, bool)> = run!(conn, |c| query.load(c).await)?;
    rows.into_iter()
        .map(|(kind, item, visible)| {
            Ok(Preference {
                kind: ItemKind::parse(&kind)
                    .ok_or_else(|| DbError::Corrupt(format!("unknown preference kind `{kind}`")))?,
                item,
                visible,
            })
        })
        .collect()
}

/// Records that the user shows (`visible`) or hides an item of `dashboard` (an upsert, one
/// statement).
pub async fn set(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
    dashboard: &str,
    preference: &Preference,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let upsert = diesel::insert_into(dashboard_preferences::table)
        .values((
            dashboard_preferences::org_id.eq(DbUuid(org_id)),
            dashboard_preferences::user_id.eq(DbUuid(user_id)),
            dashboard_preferences::dashboard.eq(dashboard.to_owned()),
            dashboard_preferences::item_kind.eq(preference.kind.as_str()),
            dashboard_preferences::item.eq(preference.item.clone()),
            dashboard_preferences::visible.eq(preference.visible),
            dashboard_preferences::updated_at.eq(DbTimestamp(at)),
        ))
        .on_conflict((
            dashboard_preferences::org_id,
            dashboard_preferences::user_id,
            dashboard_preferences::dashboard,
            dashboard_preferences::item_kind,
            dashboard_preferences::item,
        ))
        .do_update()
        .set((
            dashboard_preferences::visible.eq(preference.visible),
            dashboard_preferences::updated_at.eq(DbTimestamp(at)),
        ));
    run!(conn, |c| upsert.execute(c).await)?;
    Ok(())
}
