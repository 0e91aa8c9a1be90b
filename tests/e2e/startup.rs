//! Bad configuration at start-up: one clear line naming the setting; migrations guard the schema.

use diesel_async::RunQueryDsl;
use partnergraph_api::config::ServeArgs;
use partnergraph_api::server::Server;
use partnergraph_api::{Cli, Settings};
use partnergraph_persistence::migrations::{self, Action};
use partnergraph_persistence::{Database, DbConfig, run, server};
use partnergraph_tests::{
    Backend, TestDatabase, on_both_backends, postgres_configured, test_settings,
};

async fn start_error(configure: impl FnOnce(&mut Settings)) -> String {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let mut settings = test_settings(&database);
    configure(&mut settings);
    let error = match Server::build(&settings, &ServeArgs::default()).await {
        Ok(_) => panic!("the server started"),
        Err(error) => error.to_string(),
    };
    assert!(!error.contains('\n'), "one line: {error}");
    error
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_database_url_names_the_setting() {
    let error = start_error(|s| s.database_url = "mysql://root:pw@localhost/db".into()).await;
    assert!(error.starts_with("DATABASE_URL"), "{error}");
    assert!(
        error.contains("sqlite://") && error.contains("postgres://"),
        "says what works: {error}"
    );
    assert!(!error.contains(":pw@"), "no password: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_postgres_names_the_setting_and_the_fix() {
    let error =
        start_error(|s| s.database_url = "postgres://app:secret@127.0.0.1:1/partnergraph".into())
            .await;
    assert!(error.contains("(DATABASE_URL)"), "{error}");
    assert!(error.contains("Start PostgreSQL"), "{error}");
    assert!(error.contains("refused"), "says why: {error}");
    assert!(!error.contains("secret"), "no password: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_sqlite_path_names_the_setting() {
    for url in [
        "sqlite:///no/such/directory/partnergraph.db",
        "sqlite:///proc/partnergraph.db",
    ] {
        let error = start_error(|s| s.database_url = url.into()).await;
        assert!(error.contains("(DATABASE_URL)"), "{url}: {error}");
        assert!(error.contains("writable"), "{url}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_in_use_names_the_setting() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = taken.local_addr().expect("addr");
    let error = start_error(|s| s.listen = addr).await;
    assert!(
        error.contains("--listen") && error.contains("PORT"),
        "{error}"
    );
    assert!(error.contains(&addr.to_string()), "{error}");
}

async fn empty_database(backend: Backend) -> TestDatabase {
    match backend {
        Backend::Sqlite => TestDatabase::create(Backend::Sqlite).await,
        Backend::Postgres => TestDatabase::create_empty_postgres().await,
    }
}

async fn no_migrate_refuses_a_database_with_pending_migrations(backend: Backend) {
    let database = empty_database(backend).await;
    let settings = test_settings(&database);
    let error = match Server::build(&settings, &ServeArgs { no_migrate: true }).await {
        Ok(_) => panic!("started on an unmigrated database"),
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains("pending migrations") && error.contains("partnergraph migrate"),
        "{error}"
    );
    // After migrating, --no-migrate starts.
    migrations::run(&database.database_url(), Action::ApplyPending)
        .await
        .expect("migrated");
    Server::build(&settings, &ServeArgs { no_migrate: true })
        .await
        .expect("starts");
}

async fn a_database_migrated_by_a_newer_release_is_refused(backend: Backend) {
    let database = empty_database(backend).await;
    migrations::run(&database.database_url(), Action::ApplyPending)
        .await
        .expect("migrated");
    let db = Database::connect(DbConfig::new(database.database_url()))
        .await
        .expect("connect");
    let mut conn = db.conn().await.expect("conn");
    let insert = diesel::sql_query(
        "insert into __diesel_schema_migrations (version) values ('99991231000000')",
    );
    run!(&mut conn, |c| insert.execute(c).await).expect("inserted");
    drop(conn);
    db.close();
    let settings = test_settings(&database);
    for args in [
        ServeArgs { no_migrate: false },
        ServeArgs { no_migrate: true },
    ] {
        let error = match Server::build(&settings, &args).await {
            Ok(_) => panic!("started on a newer schema"),
            Err(error) => error.to_string(),
        };
        assert!(
            error.contains("newer than this binary") && error.contains("99991231000000"),
            "{error}"
        );
    }
}

async fn migrate_and_migrate_revert_work_through_the_cli(backend: Backend) {
    use clap::Parser;
    let database = empty_database(backend).await;
    let url = database.url();
    let cli = |args: &[&str]| {
        let mut argv = vec!["partnergraph"];
        argv.extend_from_slice(args);
        argv.extend(["--database-url", url.as_str()]);
        Cli::try_parse_from(argv).expect("valid")
    };
    let version = |url: &str| {
        let url = url.to_owned();
        async move {
            let db = Database::connect(DbConfig::new(
                partnergraph_persistence::DatabaseUrl::parse(&url).expect("url"),
            ))
            .await
            .expect("connect");
            let mut conn = db.conn().await.expect("conn");
            let version = server::schema_version(&mut conn).await.expect("version");
            drop(conn);
            db.close();
            version
        }
    };
    partnergraph_api::cli::run(cli(&["migrate"]), Default::default())
        .await
        .expect("migrate");
    let migrated = version(&url).await;
    assert!(migrated.is_some());
    partnergraph_api::cli::run(cli(&["migrate", "--revert"]), Default::default())
        .await
        .expect("revert");
    let reverted = version(&url).await;
    assert!(reverted < migrated, "{reverted:?} < {migrated:?}");
    partnergraph_api::cli::run(cli(&["migrate"]), Default::default())
        .await
        .expect("re-apply");
    assert_eq!(version(&url).await, migrated);
}

on_both_backends!(
    no_migrate_refuses_a_database_with_pending_migrations,
    a_database_migrated_by_a_newer_release_is_refused,
    migrate_and_migrate_revert_work_through_the_cli,
);

#[test]
fn postgres_half_runs_when_configured() {
    // CI sets TEST_DATABASE_URL and requires this; locally it documents which half ran.
    if std::env::var("PARTNERGRAPH_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
        assert!(
            postgres_configured(),
            "PARTNERGRAPH_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is unset"
        );
    }
}
