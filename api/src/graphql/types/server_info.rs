//! `ServerInfo`: what is running and on which database.

use async_graphql::{ComplexObject, Context, Enum, SimpleObject};
use partnergraph_persistence::{Backend, server};

use crate::error::ApiResult;
use crate::graphql::Services;
use crate::graphql::connection::{PageConnection, PageRequest, complexity};
use crate::graphql::types::schema_migration::SchemaMigration;

/// The database engine behind the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DatabaseBackend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl From<Backend> for DatabaseBackend {
    fn from(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => DatabaseBackend::Sqlite,
            Backend::Postgres => DatabaseBackend::Postgres,
        }
    }
}

/// What is running: the server release and its database, as read from the database itself.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
pub struct ServerInfo {
    /// Release of the Partnergraph server (semantic version).
    pub version: String,
    /// Which database engine holds the data.
    pub database_backend: DatabaseBackend,
    /// The database engine's own version, e.g. `3.50.2` or `15.19`.
    pub database_version: String,
    /// The newest applied schema migration.
    pub schema_version: Option<String>,
}

impl ServerInfo {
    /// Reads the server information from the database.
    pub async fn load(ctx: &Context<'_>) -> ApiResult<Self> {
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        Ok(ServerInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            database_backend: services.db.backend().into(),
            database_version: server::engine_version(&mut conn).await?,
            schema_version: server::schema_version(&mut conn).await?,
        })
    }
}

#[ComplexObject]
impl ServerInfo {
    /// Applied schema migrations, oldest first.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn migrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n migrations (at most the maximum page size).")]
        first: Option<i32>,
        #[graphql(desc = "Return migrations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n migrations (at most the maximum page size).")]
        last: Option<i32>,
        #[graphql(desc = "Return migrations before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<SchemaMigration>> {
        const KIND: &str = "migrations";
        let services = ctx.data_unchecked::<Services>();
        let page =
            PageRequest::<String>::parse(KIND, first, after, last, before, &services.limits)?;
        let mut conn = services.db.conn().await?;
        let query = server::MigrationPage {
            after: page.after.clone(),
            before: page.before.clone(),
            limit: page.fetch_limit(),
            descending: page.backward,
        };
        let (rows, total) = server::applied_migrations(&mut conn, &query).await?;
        Ok(page.into_connection(
            KIND,
            rows,
            total,
            |m| m.version.clone(),
            SchemaMigration::from,
        ))
    }
}
