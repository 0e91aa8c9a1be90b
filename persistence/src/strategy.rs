//! Strategy documents (every version kept, with provenance), the per-domain cache of generated
//! profiles, onboarding progress, and the organisation's brand & identity.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::strategy::{Artifact, BrandColors, VersionSource};
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::{onboarding, organizations, strategy_cache, strategy_versions};
use crate::types::{DbJson, DbTimestamp, DbUuid};

/// One version of a strategy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// Organisation.
    pub org_id: Uuid,
    /// The document.
    pub artifact: Artifact,
    /// 1, 2, ...
    pub version: i32,
    /// The document's content.
    pub content: serde_json::Value,
    /// Generated, cached or edited.
    pub source: VersionSource,
    /// The generation behind it.
    pub generation_id: Option<Uuid>,
    /// Model id.
    pub model: Option<String>,
    /// Prompt version.
    pub prompt_version: Option<String>,
    /// Who accepted the edit.
    pub author_id: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = strategy_versions)]
struct VersionRow {
    org_id: DbUuid,
    artifact: String,
    version: i32,
    content: DbJson,
    source: String,
    generation_id: Option<DbUuid>,
    model: Option<String>,
    prompt_version: Option<String>,
    author_id: Option<DbUuid>,
    created_at: DbTimestamp,
}

impl TryFrom<VersionRow> for Version {
    type Error = DbError;

    fn try_from(row: VersionRow) -> Result<Self, DbError> {
        Ok(Version {
            org_id: row.org_id.0,
            artifact: Artifact::parse(&row.artifact)
                .ok_or_else(|| DbError::Corrupt(format!("artifact `{}`", row.artifact)))?,
            version: row.version,
            content: row.content.0,
            source: VersionSource::parse(&row.source)
                .ok_or_else(|| DbError::Corrupt(format!("version source `{}`", row.source)))?,
            generation_id: row.generation_id.map(|id| id.0),
            model: row.model,
            prompt_version: row.prompt_version,
            author_id: row.author_id.map(|id| id.0),
            created_at: row.created_at.0,
        })
    }
}

/// The newest version of a document, if it has one.
pub async fn latest(
    conn: &mut Conn,
    org_id: Uuid,
    artifact: Artifact,
) -> Result<Option<Version>, DbError> {
    let rows: Vec<VersionRow> = run!(conn, |c| strategy_versions::table
        .filter(strategy_versions::org_id.eq(DbUuid(org_id)))
        .filter(strategy_versions::artifact.eq(artifact.as_str()))
        .order(strategy_versions::version.desc())
        .limit(1)
        .select(VersionRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter().next().map(Version::try_from).transpose()
}

/// One version of a document.
pub async fn version(
    conn: &mut Conn,
    org_id: Uuid,
    artifact: Artifact,
    version: i32,
) -> Result<Option<Version>, DbError> {
    let rows: Vec<VersionRow> = run!(conn, |c| strategy_versions::table
        .filter(strategy_versions::org_id.eq(DbUuid(org_id)))
        .filter(strategy_versions::artifact.eq(artifact.as_str()))
        .filter(strategy_versions::version.eq(version))
        .select(VersionRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter().next().map(Version::try_from).transpose()
}

/// Versions of a document newest first, below `before` (exclusive) when given, at most `limit`.
pub async fn history(
    conn: &mut Conn,
    org_id: Uuid,
    artifact: Artifact,
    before: Option<i32>,
    limit: i64,
) -> Result<Vec<Version>, DbError> {
    let rows: Vec<VersionRow> = run!(conn, |c| strategy_versions::table
        .filter(strategy_versions::org_id.eq(DbUuid(org_id)))
        .filter(strategy_versions::artifact.eq(artifact.as_str()))
        .filter(strategy_versions::version.lt(before.unwrap_or(i32::MAX)))
        .order(strategy_versions::version.desc())
        .limit(limit)
        .select(VersionRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter().map(Version::try_from).collect()
}

/// A cached document.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached {
    /// The input it was generated from (an IPP is reused only for the same ICP).
    pub input_hash: String,
    /// The document.
    pub content: serde_json::Value,
    /// The generation that produced it.
    pub generation_id: Option<Uuid>,
    /// Model id.
    pub model: Option<String>,
    /// Prompt version.
    pub prompt_version: Option<String>,
}

/// The organisation's cached document for a domain.
pub async fn cached(
    conn: &mut Conn,
    org_id: Uuid,
    domain: &str,
    artifact: Artifact,
) -> Result<Option<Cached>, DbError> {
    type Row = (
        String,
        DbJson,
        Option<DbUuid>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = run!(conn, |c| strategy_cache::table
        .filter(strategy_cache::org_id.eq(DbUuid(org_id)))
        .filter(strategy_cache::domain.eq(domain.to_owned()))
        .filter(strategy_cache::artifact.eq(artifact.as_str()))
        .select((
            strategy_cache::input_hash,
            strategy_cache::content,
            strategy_cache::generation_id,
            strategy_cache::model,
            strategy_cache::prompt_version,
        ))
        .load(c)
        .await)?;
    Ok(rows.into_iter().next().map(
        |(input_hash, content, generation_id, model, prompt_version)| Cached {
            input_hash,
            content: content.0,
            generation_id: generation_id.map(|id| id.0),
            model,
            prompt_version,
        },
    ))
}

/// Makes a cached document the document's next version (`CACHED`) unless the newest version
/// already has that content. Returns the version now current.
pub async fn prefill(
    conn: &mut Conn,
    org_id: Uuid,
    artifact: Artifact,
    cached: &Cached,
    at: DateTime<Utc>,
) -> Result<i32, DbError> {
    let org = DbUuid(org_id);
    let cached = cached.clone();
    let now = DbTimestamp(at);
    Ok(run!(conn, |c| c
        .transaction(async |c| {
            let newest: Vec<(i32, DbJson)> = strategy_versions::table
                .filter(strategy_versions::org_id.eq(org))
                .filter(strategy_versions::artifact.eq(artifact.as_str()))
                .order(strategy_versions::version.desc())
                .limit(1)
                .select((strategy_versions::version, strategy_versions::content))
                .load(c)
                .await?;
            let current = newest
                .as_slice()
                .first()
                .map(|(version, _)| *version)
                .unwrap_or(0);
            if newest
                .as_slice()
                .first()
                .is_some_and(|(_, content)| content.0 == cached.content)
            {
                return Ok::<_, diesel::result::Error>(current);
            }
            diesel::insert_into(strategy_versions::table)
                .values((
                    strategy_versions::org_id.eq(org),
                    strategy_versions::artifact.eq(artifact.as_str()),
                    strategy_versions::version.eq(current + 1),
                    strategy_versions::content.eq(DbJson(cached.content.clone())),
                    strategy_versions::source.eq(VersionSource::Cached.as_str()),
                    strategy_versions::generation_id.eq(cached.generation_id.map(DbUuid)),
                    strategy_versions::model.eq(cached.model.clone()),
                    strategy_versions::prompt_version.eq(cached.prompt_version.clone()),
                    strategy_versions::created_at.eq(now),
                ))
                .execute(c)
                .await?;
            Ok(current + 1)
        })
        .await)?)
}

/// Onboarding progress as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarding {
    /// The company domain the profiles are generated for.
    pub domain: String,
    /// The ICP version the IPP is built from.
    pub icp_confirmed_version: Option<i32>,
    /// When brand & identity were confirmed.
    pub completed_at: Option<DateTime<Utc>>,
}

/// The organisation's onboarding, once started.
pub async fn onboarding(conn: &mut Conn, org_id: Uuid) -> Result<Option<Onboarding>, DbError> {
    let rows: Vec<(String, Option<i32>, Option<DbTimestamp>)> = run!(conn, |c| onboarding::table
        .filter(onboarding::org_id.eq(DbUuid(org_id)))
        .select((
            onboarding::domain,
            onboarding::icp_confirmed_version,
            onboarding::completed_at,
        ))
        .load(c)
        .await)?;
    Ok(rows
        .into_iter()
        .next()
        .map(|(domain, icp_confirmed_version, completed_at)| Onboarding {
            domain,
            icp_confirmed_version,
            completed_at: completed_at.map(|t| t.0),
        }))
}

/// Starts (or restarts) onboarding for `domain`. A different domain than before resets the
/// ICP confirmation and completion: the profiles will be those of the new domain.
pub async fn start_onboarding(
    conn: &mut Conn,
    org_id: Uuid,
    domain: &str,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let org = DbUuid(org_id);
    let now = DbTimestamp(at);
    let domain = domain.to_owned();
    run!(conn, |c| c
        .transaction(async |c| {
            let existing: Option<String> = onboarding::table
                .filter(onboarding::org_id.eq(org))
                .select(onboarding::domain)
                .get_result(c)
                .await
                .optional()?;
            match existing {
                Some(current) if current == domain => {}
                Some(_) => {
                    diesel::update(onboarding::table.filter(onboarding::org_id.eq(org)))
                        .set((
                            onboarding::domain.eq(domain.clone()),
                            onboarding::icp_confirmed_version.eq(None::<i32>),
                            onboarding::completed_at.eq(None::<DbTimestamp>),
                            onboarding::updated_at.eq(now),
                        ))
                        .execute(c)
                        .await?;
                }
                None => {
                    diesel::insert_into(onboarding::table)
                        .values((
                            onboarding::org_id.eq(org),
                            onboarding::domain.eq(domain.clone()),
                            onboarding::created_at.eq(now),
                            onboarding::updated_at.eq(now),
                        ))
                        .execute(c)
                        .await?;
                }
            }
            Ok::<_, diesel::result::Error>(())
        })
        .await)?;
    Ok(())
}

/// Records the confirmed ICP version.
pub async fn confirm_icp(
    conn: &mut Conn,
    org_id: Uuid,
    version: i32,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let update = diesel::update(onboarding::table.filter(onboarding::org_id.eq(DbUuid(org_id))))
        .set((
            onboarding::icp_confirmed_version.eq(Some(version)),
            onboarding::updated_at.eq(DbTimestamp(at)),
        ));
    run!(conn, |c| update.execute(c).await)?;
    Ok(())
}

/// Brand & identity of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    /// Name shown in clients.
    pub display_name: String,
    /// Logo URL.
    pub logo_url: Option<String>,
    /// Brand colours, once set.
    pub colors: Option<BrandColors>,
}

/// Completes onboarding: the organisation takes the onboarding domain, display name, logo and
/// colours, in one transaction. A domain another organisation holds is a unique violation of
/// `organizations_domain_key`.
pub async fn complete_onboarding(
    conn: &mut Conn,
    org_id: Uuid,
    domain: &str,
    brand: &Brand,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let org = DbUuid(org_id);
    let now = DbTimestamp(at);
    let colors = brand.colors.as_ref();
    let update_org = diesel::update(organizations::table.filter(organizations::id.eq(org))).set((
        organizations::domain.eq(domain.to_owned()),
        organizations::display_name.eq(brand.display_name.clone()),
        organizations::logo_url.eq(brand.logo_url.clone()),
        organizations::brand_primary.eq(colors.map(|c| c.primary.as_str().to_owned())),
        organizations::brand_secondary.eq(colors.map(|c| c.secondary.as_str().to_owned())),
        organizations::brand_accent.eq(colors.map(|c| c.accent.as_str().to_owned())),
        organizations::updated_at.eq(now),
    ));
    let finish = diesel::update(onboarding::table.filter(onboarding::org_id.eq(org))).set((
        onboarding::completed_at.eq(Some(now)),
        onboarding::updated_at.eq(now),
    ));
    run!(conn, |c| c
        .transaction(async |c| {
            update_org.execute(c).await?;
            finish.execute(c).await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await)?;
    Ok(())
}

/// The organisation's brand & identity.
pub async fn brand(conn: &mut Conn, org_id: Uuid) -> Result<Brand, DbError> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Row = run!(conn, |c| organizations::table
        .filter(organizations::id.eq(DbUuid(org_id)))
        .select((
            organizations::display_name,
            organizations::logo_url,
            organizations::brand_primary,
            organizations::brand_secondary,
            organizations::brand_accent,
        ))
        .get_result(c)
        .await)?;
    let (display_name, logo_url, primary, secondary, accent) = row;
    let colors = match (primary, secondary, accent) {
        (Some(p), Some(s), Some(a)) => {
            use partnergraph_domain::strategy::HexColor;
            let parse = |hex: &str| {
                HexColor::parse(hex).map_err(|_| DbError::Corrupt(format!("brand colour `{hex}`")))
            };
            Some(BrandColors {
                primary: parse(&p)?,
                secondary: parse(&s)?,
                accent: parse(&a)?,
            })
        }
        _ => None,
    };
    Ok(Brand {
        display_name,
        logo_url,
        colors,
    })
}
