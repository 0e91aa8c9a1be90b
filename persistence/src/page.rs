//! Keyset pages over `(created_at, id)`, the order of most tenant lists.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::DbError;

/// A position in a `(created_at, id)` ordering.
pub type CreatedKey = (DateTime<Utc>, Uuid);

/// One page of a keyset-paginated list.
#[derive(Debug, Clone, Default)]
pub struct KeysetPage {
    /// Only rows strictly after this key.
    pub after: Option<CreatedKey>,
    /// Only rows strictly before this key.
    pub before: Option<CreatedKey>,
    /// Maximum rows (callers ask one more than they show).
    pub limit: i64,
    /// Newest first (for `last`).
    pub descending: bool,
}

/// Parses a stored role, reporting a corrupt row rather than panicking.
pub(crate) fn role(stored: &str) -> Result<partnergraph_domain::Role, DbError> {
    partnergraph_domain::Role::parse(stored)
        .ok_or_else(|| DbError::Corrupt(format!("unknown role `{stored}`")))
}

/// Applies a [`KeysetPage`] to a boxed query over a table with `created_at` and `id` columns.
#[macro_export]
macro_rules! keyset {
    ($query:expr, $table:ident, $page:expr) => {{
        use diesel::prelude::*;
        let page: &$crate::page::KeysetPage = $page;
        let mut query = $query;
        if let Some((at, id)) = page.after {
            let (at, id) = ($crate::types::DbTimestamp(at), $crate::types::DbUuid(id));
            query = query.filter(
                $table::created_at
                    .gt(at)
                    .or($table::created_at.eq(at).and($table::id.gt(id))),
            );
        }
        if let Some((at, id)) = page.before {
            let (at, id) = ($crate::types::DbTimestamp(at), $crate::types::DbUuid(id));
            query = query.filter(
                $table::created_at
                    .lt(at)
                    .or($table::created_at.eq(at).and($table::id.lt(id))),
            );
        }
        if page.descending {
            query
                .order(($table::created_at.desc(), $table::id.desc()))
                .limit(page.limit)
        } else {
            query
                .order(($table::created_at.asc(), $table::id.asc()))
                .limit(page.limit)
        }
    }};
}
