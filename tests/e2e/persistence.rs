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

/// The bulk insert of seeding and benchmarks stores exactly what the one-at-a-time create
/// stores, in every table a partner spans, and gives it its (empty) rollups.
async fn bulk_inserted_partners_read_back_as_created(backend: Backend) {
    use partnergraph_api::seed::{Rng, partner};
    use partnergraph_domain::partners::{
        JointPlanItem, JointPlanItemKind, PartnerField, Stakeholder,
    };
    use partnergraph_persistence::audit::{Actor, AuditEntry};
    use partnergraph_persistence::organizations::{self, Organization};
    use partnergraph_persistence::partners;
    use partnergraph_persistence::users::{NewUser, User};

    let (_test_db, db) = database(backend).await;
    let mut conn = db.conn().await.expect("conn");
    let org = Organization {
        id: uuid::Uuid::now_v7(),
        domain: "bulk.example".to_owned(),
        display_name: "Bulk".to_owned(),
        created_at: types::now(),
    };
    let owner = NewUser {
        user: User {
            org_id: org.id,
            id: uuid::Uuid::now_v7(),
            email: "owner@bulk.example".to_owned(),
            name: "Owner".to_owned(),
            role: partnergraph_domain::Role::Owner,
            partner_id: None,
            created_at: types::now(),
        },
        password_hash: "x".to_owned(),
    };
    organizations::create_with_owner(&mut conn, &org, &owner)
        .await
        .expect("organisation");
    let entry = |subject| AuditEntry {
        org_id: org.id,
        id: uuid::Uuid::now_v7(),
        subject_kind: "partner",
        subject_id: subject,
        action: "create",
        actor: Actor::System,
        changes: serde_json::json!({}),
        created_at: types::now(),
    };
    // Three generated partners, the first with every list the generator leaves empty.
    let mut generated: Vec<_> = (0..3)
        .map(|i| partner(&mut Rng::new(i), org.id, owner.user.id, i))
        .collect();
    let full = &mut generated[0];
    full.key_stakeholders = vec![
        Stakeholder::parse("Ada", Some("CTO"), Some("ada@bulk.example")).expect("valid"),
        Stakeholder::parse("Grace", None, None).expect("valid"),
    ];
    full.joint_plan.items = vec![
        JointPlanItem::parse(
            JointPlanItemKind::Integration,
            "Sync",
            Some("Both ways"),
            None,
        )
        .expect("valid"),
    ];
    full.overridden_fields.insert(PartnerField::Name);
    let created = generated[0].clone();
    partners::create(&mut conn, &created, &entry(created.id))
        .await
        .expect("created");
    let mut bulk: Vec<_> = generated
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.id = uuid::Uuid::now_v7();
            p.external_id = p.external_id.map(|e| format!("{e}-bulk"));
            p.domain = p.domain.map(|d| format!("bulk-{d}"));
            (p.clone(), entry(p.id))
        })
        .collect();
    partners::insert_bulk(&mut conn, &bulk).await.expect("bulk");
    let mut twin = partners::load(&mut conn, org.id, bulk[0].0.id)
        .await
        .expect("read")
        .expect("stored");
    let original = partners::load(&mut conn, org.id, created.id)
        .await
        .expect("read")
        .expect("stored");
    twin.id = original.id;
    twin.external_id = original.external_id.clone();
    twin.domain = original.domain.clone();
    assert_eq!(twin, original);
    for (p, _) in bulk.drain(1..) {
        assert_eq!(
            partners::load(&mut conn, org.id, p.id)
                .await
                .expect("read")
                .as_ref(),
            Some(&p)
        );
    }
    let first_page = partnergraph_persistence::page::KeysetPage {
        after: None,
        before: None,
        limit: 10,
        descending: false,
    };
    let (entries, total) = partnergraph_persistence::audit::page(
        &mut conn,
        org.id,
        "partner",
        bulk[0].0.id,
        &first_page,
    )
    .await
    .expect("audit");
    assert_eq!((entries[0].action.as_str(), total), ("create", 1));
}

on_both_backends!(bulk_inserted_partners_read_back_as_created);
