//! `StrategyDocument`: one version of an AI strategy document, with provenance, history and diff.

use async_graphql::{Context, Enum, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use partnergraph_domain::strategy as domain;
use partnergraph_persistence::strategy::{self as stored, Version};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::graphql::node::{NodeKind, encode_id, encode_uuid};
use crate::graphql::types::generation::Generation;
use crate::graphql::{Services, guard};

/// A strategy document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "StrategyArtifact", remote = "domain::Artifact")]
pub enum StrategyArtifactValue {
    /// Ideal Customer Profile.
    Icp,
    /// Ideal Partner Profile.
    Ipp,
}

/// Where a version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "VersionSource", remote = "domain::VersionSource")]
pub enum VersionSourceValue {
    /// A completed generation.
    Generated,
    /// Pre-filled from the organisation's cache for its domain (no model call).
    Cached,
    /// An accepted "Edit with AI" proposal.
    Edited,
}

/// What happened at a path between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "ChangeOp", remote = "domain::ChangeOp")]
pub enum ChangeOpValue {
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// In both, different.
    Changed,
}

/// One structural difference between two versions.
#[derive(Debug, Clone, SimpleObject)]
pub struct DocumentChange {
    /// JSON Pointer of the value, e.g. `/targetIndustries/0/name`.
    pub path: String,
    /// What happened.
    pub op: ChangeOpValue,
    /// The older value.
    pub before: Option<Json<Value>>,
    /// The newer value.
    pub after: Option<Json<Value>>,
}

/// Most versions `history` returns.
const MAX_HISTORY: i32 = 100;

/// One version of a strategy document (ICP, IPP). Every completed generation and every
/// accepted edit is a new version; older versions stay readable through `history`.
#[derive(Debug, Clone)]
pub struct StrategyDocument(pub Version);

/// One version of a strategy document (ICP, IPP). Every completed generation and every
/// accepted edit is a new version; older versions stay readable through `history`.
#[Object]
impl StrategyDocument {
    /// Opaque global identifier of this version.
    pub async fn id(&self) -> ID {
        encode_id(
            NodeKind::StrategyDocument,
            &format!("{}:{}", self.0.artifact, self.0.version),
        )
    }

    /// Which document.
    async fn artifact(&self) -> StrategyArtifactValue {
        self.0.artifact.into()
    }

    /// 1, 2, ...
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The document, in the shape of its JSON Schema (camelCase fields).
    async fn content(&self) -> Json<Value> {
        Json(self.0.content.clone())
    }

    /// When this version was created.
    async fn generated_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Where it came from.
    async fn source(&self) -> VersionSourceValue {
        self.0.source.into()
    }

    /// The model that produced it.
    async fn model(&self) -> Option<&str> {
        self.0.model.as_deref()
    }

    /// The prompt version it was produced with.
    async fn prompt_version(&self) -> Option<&str> {
        self.0.prompt_version.as_deref()
    }

    /// The generation that produced it (for an accepted edit: the proposal's).
    async fn generation(&self, ctx: &Context<'_>) -> ApiResult<Option<Generation>> {
        let Some(id) = self.0.generation_id else {
            return Ok(None);
        };
        let member = guard::member(ctx)?;
        match crate::strategy::generation(ctx.data_unchecked::<Services>(), member, id).await {
            Ok(generation) => Ok(Some(Generation(generation))),
            Err(ApiError::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Who accepted the edit (a user or API key ID), for `EDITED` versions.
    async fn author_id(&self) -> Option<ID> {
        self.0.author_id.map(|id| encode_uuid(NodeKind::User, id))
    }

    /// Versions before this one, newest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1–100).", default = 20)] first: i32,
    ) -> ApiResult<Vec<StrategyDocument>> {
        if !(1..=MAX_HISTORY).contains(&first) {
            return Err(ApiError::bad_input(
                "first",
                "first must be between 1 and 100",
            ));
        }
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        let versions = stored::history(
            &mut conn,
            self.0.org_id,
            self.0.artifact,
            Some(self.0.version),
            i64::from(first),
        )
        .await?;
        Ok(versions.into_iter().map(StrategyDocument).collect())
    }

    /// What changed from version `fromVersion` to this one, deepest paths first reported.
    async fn diff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The older version to compare with.")] from_version: i32,
    ) -> ApiResult<Vec<DocumentChange>> {
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        let from = stored::version(&mut conn, self.0.org_id, self.0.artifact, from_version)
            .await?
            .ok_or_else(|| {
                ApiError::bad_input("fromVersion", format!("there is no version {from_version}"))
            })?;
        Ok(domain::diff(&from.content, &self.0.content)
            .into_iter()
            .map(|change| DocumentChange {
                path: change.path,
                op: change.op.into(),
                before: change.before.map(Json),
                after: change.after.map(Json),
            })
            .collect())
    }
}
