//! Relay cursor connections: argument validation, typed opaque cursors and connection building.
//!
//! Every connection takes `first/after` or `last/before`, returns `pageInfo` and `totalCount`,
//! defaults to the configured page size and refuses more than the maximum. Queries fetch
//! `limit + 1` rows to know whether another page exists.

use async_graphql::SimpleObject;
use async_graphql::connection::{Connection, ConnectionNameType, Edge, EdgeNameType, EmptyFields};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::Limits;
use crate::error::{ApiError, ApiResult};

/// Complexity of a connection field: its children cost once per requested row.
pub fn complexity(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let rows = first
        .or(last)
        .map_or(20, |n| usize::try_from(n).unwrap_or(0));
    rows.max(1).saturating_mul(child_complexity.max(1))
}

/// Extra fields of every connection.
#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct ConnectionFields {
    /// Number of items matching, across all pages.
    pub total_count: i64,
}

/// A connection whose cursors are opaque strings.
pub type PageConnection<N> = Connection<String, N, ConnectionFields>;

/// A validated page request over keys of type `K`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<K> {
    /// Items strictly after this key.
    pub after: Option<K>,
    /// Items strictly before this key.
    pub before: Option<K>,
    /// How many items to return.
    pub limit: usize,
    /// `last` was given: read from the end.
    pub backward: bool,
}

impl<K: DeserializeOwned> PageRequest<K> {
    /// Validates Relay arguments. `kind` names the connection so that a cursor from one
    /// connection cannot be replayed on another.
    pub fn parse(
        kind: &str,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        limits: &Limits,
    ) -> ApiResult<Self> {
        if first.is_some() && last.is_some() {
            return Err(ApiError::bad_input(
                "last",
                "pass either first or last, not both",
            ));
        }
        let size = |name: &str, value: i32| -> ApiResult<usize> {
            let size = usize::try_from(value)
                .map_err(|_| ApiError::bad_input(name, format!("{name} must not be negative")))?;
            if size > limits.max_page_size {
                return Err(ApiError::bad_input(
                    name,
                    format!("{name} must be at most {}", limits.max_page_size),
                ));
            }
            Ok(size)
        };
        let (limit, backward) = match (first, last) {
            (_, Some(last)) => (size("last", last)?, true),
            (Some(first), None) => (size("first", first)?, false),
            (None, None) => (limits.default_page_size, false),
        };
        Ok(PageRequest {
            after: after
                .map(|c| decode_cursor(kind, &c, "after"))
                .transpose()?,
            before: before
                .map(|c| decode_cursor(kind, &c, "before"))
                .transpose()?,
            limit,
            backward,
        })
    }

    /// Rows to fetch: one more than the page, to learn whether there is another page.
    pub fn fetch_limit(&self) -> i64 {
        i64::try_from(self.limit)
            .unwrap_or(i64::MAX)
            .saturating_add(1)
    }
}

impl PageRequest<partnergraph_persistence::page::CreatedKey> {
    /// The persistence page for a list in `(created_at, id)` order.
    pub fn keyset(&self) -> partnergraph_persistence::page::KeysetPage {
        partnergraph_persistence::page::KeysetPage {
            after: self.after,
            before: self.before,
            limit: self.fetch_limit(),
            descending: self.backward,
        }
    }
}

impl<K> PageRequest<K> {
    /// Builds the connection from rows fetched with [`PageRequest::fetch_limit`] in the query
    /// order (descending when `backward`), their keys, and the total count.
    pub fn into_connection<R, N, Name, EdgeName>(
        &self,
        kind: &str,
        mut rows: Vec<R>,
        total_count: i64,
        key: impl Fn(&R) -> K,
        node: impl Fn(R) -> N,
    ) -> Connection<String, N, ConnectionFields, EmptyFields, Name, EdgeName>
    where
        K: Serialize,
        N: async_graphql::OutputType,
        Name: ConnectionNameType,
        EdgeName: EdgeNameType,
    {
        let more = rows.len() > self.limit;
        rows.truncate(self.limit);
        if self.backward {
            rows.reverse();
        }
        let (has_previous, has_next) = if self.backward {
            (more, self.before.is_some())
        } else {
            (self.after.is_some(), more)
        };
        let mut connection = Connection::with_additional_fields(
            has_previous,
            has_next,
            ConnectionFields { total_count },
        );
        connection.edges.extend(rows.into_iter().map(|row| {
            let cursor = encode_cursor(kind, &key(&row));
            Edge::new(cursor, node(row))
        }));
        connection
    }
}

/// Encodes a cursor: base64url of `kind` and the JSON key.
pub fn encode_cursor<K: Serialize>(kind: &str, key: &K) -> String {
    let json = serde_json::to_string(key).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(format!("{kind}|{json}"))
}

fn decode_cursor<K: DeserializeOwned>(kind: &str, cursor: &str, field: &str) -> ApiResult<K> {
    let invalid = || ApiError::bad_input(field, "not a cursor of this connection");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (cursor_kind, json) = text.split_once('|').ok_or_else(invalid)?;
    if cursor_kind != kind {
        return Err(invalid());
    }
    serde_json::from_str(json).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn limits() -> Limits {
        Limits {
            max_page_size: 50,
            default_page_size: 10,
            ..Settings::defaults().limits()
        }
    }

    fn parse(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<PageRequest<String>> {
        PageRequest::parse("things", first, after, last, before, &limits())
    }

    fn field_of(result: ApiResult<PageRequest<String>>) -> Option<String> {
        match result {
            Err(ApiError::BadUserInput { field, .. }) => field,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn no_arguments_give_the_default_page() {
        let page = parse(None, None, None, None).expect("valid");
        assert_eq!(
            (page.limit, page.backward, page.fetch_limit()),
            (10, false, 11)
        );
    }

    #[test]
    fn pages_above_the_maximum_or_negative_are_refused() {
        assert_eq!(
            field_of(parse(Some(51), None, None, None)).as_deref(),
            Some("first")
        );
        assert_eq!(
            field_of(parse(None, None, Some(-1), None)).as_deref(),
            Some("last")
        );
        assert_eq!(
            field_of(parse(Some(1), None, Some(1), None)).as_deref(),
            Some("last")
        );
    }

    #[test]
    fn cursors_round_trip_and_belong_to_one_connection() {
        let cursor = encode_cursor("things", &"k1".to_owned());
        assert_eq!(
            parse(Some(5), Some(cursor.clone()), None, None)
                .expect("valid")
                .after
                .as_deref(),
            Some("k1")
        );
        let foreign = encode_cursor("others", &"k1".to_owned());
        assert_eq!(
            field_of(parse(Some(5), Some(foreign), None, None)).as_deref(),
            Some("after")
        );
        assert_eq!(
            field_of(parse(None, None, Some(2), Some("garbage".into()))).as_deref(),
            Some("before")
        );
    }

    #[test]
    fn the_extra_row_sets_has_next_page() {
        let page: PageRequest<i32> = PageRequest {
            after: None,
            before: None,
            limit: 2,
            backward: false,
        };
        let connection: PageConnection<i32> =
            page.into_connection("n", vec![1, 2, 3], 3, |r| *r, |r| r);
        assert!(connection.has_next_page);
        assert!(!connection.has_previous_page);
        assert_eq!(connection.edges.len(), 2);
    }

    #[test]
    fn backward_pages_come_back_in_forward_order() {
        let page: PageRequest<i32> = PageRequest {
            after: None,
            before: None,
            limit: 2,
            backward: true,
        };
        let connection: PageConnection<i32> =
            page.into_connection("n", vec![9, 8, 7], 9, |r| *r, |r| r);
        let nodes: Vec<i32> = connection.edges.iter().map(|e| e.node).collect();
        assert_eq!(nodes, vec![8, 9]);
        assert!(connection.has_previous_page);
    }
}
