//! Portable SQL types: native PostgreSQL types (`uuid`, `timestamptz`, `jsonb`) that SQLite
//! stores as text. Each maps to one Rust type on both backends, so the diesel schema and every
//! query are written once.
//!
//! SQLite text forms: uuid lower-case hyphenated; timestamps RFC 3339 UTC with exactly six
//! fractional digits (`2026-11-21T20:00:00.000000Z`), so that text order is time order; JSON as
//! compact text.

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types;
use diesel::sqlite::{Sqlite, SqliteValue};
use diesel::{AsExpression, FromSqlRow};

/// A point in time: `timestamptz` on PostgreSQL, RFC 3339 text on SQLite.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(oid = 1184, array_oid = 1185))]
#[diesel(sqlite_type(name = "Text"))]
pub struct UtcTimestamp;

/// A UUID: `uuid` on PostgreSQL, hyphenated text on SQLite.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(oid = 2950, array_oid = 2951))]
#[diesel(sqlite_type(name = "Text"))]
pub struct Uuid;

/// A JSON document: `jsonb` on PostgreSQL, text on SQLite.
#[derive(
    Debug, Clone, Copy, Default, diesel::sql_types::SqlType, diesel::query_builder::QueryId,
)]
#[diesel(postgres_type(oid = 3802, array_oid = 3807))]
#[diesel(sqlite_type(name = "Text"))]
pub struct Json;

/// A timestamp column value (row structs use it; convert with `.0` / `From`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = UtcTimestamp)]
pub struct DbTimestamp(pub DateTime<Utc>);

/// A uuid column value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Uuid)]
pub struct DbUuid(pub uuid::Uuid);

/// A JSON column value.
#[derive(Debug, Clone, PartialEq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Json)]
pub struct DbJson(pub serde_json::Value);

impl From<DateTime<Utc>> for DbTimestamp {
    fn from(value: DateTime<Utc>) -> Self {
        DbTimestamp(value)
    }
}

impl From<uuid::Uuid> for DbUuid {
    fn from(value: uuid::Uuid) -> Self {
        DbUuid(value)
    }
}

/// The current time at the precision both databases store (microseconds), so that a value
/// returned from memory equals the same value read back.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

/// The SQLite text form of a timestamp.
pub fn timestamp_text(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn sqlite_text(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<String> {
    <String as FromSql<sql_types::Text, Sqlite>>::from_sql(value)
}

impl ToSql<UtcTimestamp, Pg> for DbTimestamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <DateTime<Utc> as ToSql<sql_types::Timestamptz, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<UtcTimestamp, Pg> for DbTimestamp {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        <DateTime<Utc> as FromSql<sql_types::Timestamptz, Pg>>::from_sql(bytes).map(DbTimestamp)
    }
}

impl ToSql<UtcTimestamp, Sqlite> for DbTimestamp {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(timestamp_text(&self.0));
        Ok(IsNull::No)
    }
}

impl FromSql<UtcTimestamp, Sqlite> for DbTimestamp {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = sqlite_text(value)?;
        Ok(DbTimestamp(
            DateTime::parse_from_rfc3339(&text)?.with_timezone(&Utc),
        ))
    }
}

impl ToSql<Uuid, Pg> for DbUuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <uuid::Uuid as ToSql<sql_types::Uuid, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<Uuid, Pg> for DbUuid {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        <uuid::Uuid as FromSql<sql_types::Uuid, Pg>>::from_sql(bytes).map(DbUuid)
    }
}

impl ToSql<Uuid, Sqlite> for DbUuid {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.0.hyphenated().to_string());
        Ok(IsNull::No)
    }
}

impl FromSql<Uuid, Sqlite> for DbUuid {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        Ok(DbUuid(uuid::Uuid::parse_str(&sqlite_text(value)?)?))
    }
}

impl ToSql<Json, Pg> for DbJson {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <serde_json::Value as ToSql<sql_types::Jsonb, Pg>>::to_sql(&self.0, out)
    }
}

impl FromSql<Json, Pg> for DbJson {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        <serde_json::Value as FromSql<sql_types::Jsonb, Pg>>::from_sql(bytes).map(DbJson)
    }
}

impl ToSql<Json, Sqlite> for DbJson {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(serde_json::to_string(&self.0)?);
        Ok(IsNull::No)
    }
}

impl FromSql<Json, Sqlite> for DbJson {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        Ok(DbJson(serde_json::from_str(&sqlite_text(value)?)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_text_has_fixed_width_so_text_order_is_time_order() {
        let earlier = DateTime::parse_from_rfc3339("2026-11-21T20:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .expect("valid");
        let later = earlier + chrono::Duration::microseconds(1);
        let (a, b) = (timestamp_text(&earlier), timestamp_text(&later));
        assert_eq!(a, "2026-11-21T20:00:00.000000Z");
        assert_eq!(a.len(), b.len());
        assert!(a < b);
    }
}
