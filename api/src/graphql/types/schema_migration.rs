//! `SchemaMigration`: one applied database migration.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::server::{self, AppliedMigration};

use crate::error::ApiResult;
use crate::graphql::Services;
use crate::graphql::node::{NodeKind, encode_id};

/// An applied database schema migration.
#[derive(Debug, Clone)]
pub struct SchemaMigration(AppliedMigration);

impl From<AppliedMigration> for SchemaMigration {
    fn from(migration: AppliedMigration) -> Self {
        SchemaMigration(migration)
    }
}

impl SchemaMigration {
    /// Loads one migration by version.
    pub async fn load(ctx: &Context<'_>, version: &str) -> ApiResult<Option<Self>> {
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        Ok(server::applied_migration(&mut conn, version)
            .await?
            .map(SchemaMigration))
    }
}

/// An applied database schema migration.
#[Object]
impl SchemaMigration {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_id(NodeKind::SchemaMigration, &self.0.version)
    }

    /// Migration version: the timestamp prefix of its directory under `migrations/`.
    async fn version(&self) -> &str {
        &self.0.version
    }

    /// When the migration was applied.
    async fn applied_at(&self) -> DateTime<Utc> {
        self.0.applied_at
    }
}
