//! The persistence layer on both backends: portable types, settings, SQLite pragmas.

use chrono::{DateTime, Utc};
use diesel::IntoSql;
use diesel_async::RunQueryDsl;
use partnergraph_persistence::migrations::{self, Action};
use partnergraph_persistence::types::{self, DbJson, DbTimestamp, DbUuid};
use partnergraph_persistence::{Database, DbConfig, run, server};
use partnergraph_tests::{Backend, TestDatabase, on_both_backends};

async fn database(backend: Backend) -> (TestDatabase, Database) {
    let test_db = TestDatabase::create(backend).await;
    migrations::run(&test_db.database_url(), Action::ApplyPending)
        .await
        .expect("migrated");
    let db = Database::connect(DbConfig::new(test_db.database_url()))
        .await
        .expect("connect");
    (test_db, db)
}

async fn portable_types_round_trip(backend: Backend) {
    let (_test_db, db) = database(backend).await;
    let mut conn = db.conn().await.expect("conn");
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-21T20:00:00.123456Z")
        .expect("valid")
        .with_timezone(&Utc);
    let id = uuid::Uuid::new_v4();
    let document = serde_json::json!({ "name": "Acme", "tags": ["a", "b"], "n": 1.5 });

    let query = diesel::select(DbTimestamp(at).into_sql::<types::UtcTimestamp>());
    let read: DbTimestamp = run!(&mut conn, |c| query.get_result(c).await).expect("timestamp");
    assert_eq!(read.0, at);
    let query = diesel::select(DbUuid(id).into_sql::<types::Uuid>());
    let read: DbUuid = run!(&mut conn, |c| query.get_result(c).await).expect("uuid");
    assert_eq!(read.0, id);
    let query = diesel::select(DbJson(document.clone()).into_sql::<types::Json>());
    let read: DbJson = run!(&mut conn, |c| query.get_result(c).await).expect("json");
    assert_eq!(read.0, document);
}

async fn settings_keep_the_first_value_written(backend: Backend) {
    let (_test_db, db) = database(backend).await;
    let mut conn = db.conn().await.expect("conn");
    assert_eq!(server::setting(&mut conn, "k").await.expect("read"), None);
    let first = server::setting_insert_if_absent(&mut conn, "k", "one")
        .await
        .expect("insert");
    let second = server::setting_insert_if_absent(&mut conn, "k", "two")
        .await
        .expect("insert");
    assert_eq!((first.as_str(), second.as_str()), ("one", "one"));
}

on_both_backends!(
    portable_types_round_trip,
    settings_keep_the_first_value_written
);

#[derive(diesel::QueryableByName)]
struct Pragma {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout() {
    let (_test_db, db) = database(Backend::Sqlite).await;
    let mut conn = db.conn().await.expect("conn");
    for (pragma, column, expected) in [
        ("journal_mode", "journal_mode", "wal"),
        ("foreign_keys", "foreign_keys", "1"),
        ("busy_timeout", "timeout", "5000"),
    ] {
        let query = diesel::sql_query(format!(
            "select cast({column} as text) as value from pragma_{pragma}"
        ));
        let rows: Vec<Pragma> = run!(&mut conn, |c| query.load(c).await).expect(pragma);
        let value = rows.into_iter().next().map(|r| r.value);
        assert_eq!(value.as_deref(), Some(expected), "{pragma}");
    }
}
