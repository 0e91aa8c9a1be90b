//! The partner program as stored: segments, tracks (with the partner types they apply to) and
//! tiers, read whole into the domain's [`Program`] in four statements. Requirement logic is
//! stored as the JSON list of its rules ([`RuleDraft`]s) and validated again on the way out.
//!
//! Writes are org-scoped and each runs in one transaction. Deleting a tier (or the track or
//! segment holding it) clears `partners.tier_id` of every partner holding it and records a
//! `partner_tier_changes` row per partner in the same transaction, so no partner ever points
//! at a tier that is gone; the caller re-evaluates the partners returned.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::partners::PartnerType;
use partnergraph_domain::program::{
    Program, ProgramName, RequirementLogic, RuleDraft, Segment, SegmentFamily, Slug, Tier,
    TierColor, Track,
};
use uuid::Uuid;

use crate::audit::Actor;
use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::{
    partner_tier_changes, partners, program_segments, program_tiers, program_track_types,
    program_tracks,
};
use crate::types::{DbJson, DbTimestamp, DbUuid};

fn corrupt(what: &str, value: &str) -> DbError {
    DbError::Corrupt(format!("stored program: invalid {what} `{value}`"))
}

/// Requirement logic from its stored JSON.
pub(crate) fn logic_from(json: &serde_json::Value) -> Result<RequirementLogic, DbError> {
    let drafts: Vec<RuleDraft> =
        serde_json::from_value(json.clone()).map_err(|e| corrupt("logic", &e.to_string()))?;
    RequirementLogic::parse(&drafts).map_err(|e| corrupt("logic", &e.to_string()))
}

/// Requirement logic as stored JSON.
pub(crate) fn logic_json(logic: &RequirementLogic) -> DbJson {
    DbJson(serde_json::to_value(logic.to_drafts()).unwrap_or(serde_json::Value::Null))
}

fn name(text: &str) -> Result<ProgramName, DbError> {
    ProgramName::parse(text).map_err(|_| corrupt("name", text))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = program_segments)]
struct SegmentRow {
    id: DbUuid,
    name: String,
    description: Option<String>,
    family: String,
    logic: DbJson,
    sort_order: i32,
    updated_at: DbTimestamp,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = program_tracks)]
struct TrackRow {
    id: DbUuid,
    segment_id: DbUuid,
    name: String,
    slug: String,
    description: Option<String>,
    sort_order: i32,
    updated_at: DbTimestamp,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = program_tiers)]
pub(crate) struct TierRow {
    id: DbUuid,
    track_id: DbUuid,
    name: String,
    color: String,
    sort_order: i32,
    logic: DbJson,
    updated_at: DbTimestamp,
}

impl TryFrom<TierRow> for Tier {
    type Error = DbError;

    fn try_from(row: TierRow) -> Result<Self, DbError> {
        Ok(Tier {
            id: row.id.0,
            name: name(&row.name)?,
            color: TierColor::parse(&row.color).ok_or_else(|| corrupt("colour", &row.color))?,
            sort_order: row.sort_order,
            logic: logic_from(&row.logic.0)?,
        })
    }
}

/// Tiers of the organisation by id, in one statement (for partners' `tier`).
pub async fn tiers_by_ids(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Tier>, DbError> {
    let ids: Vec<DbUuid> = ids.iter().copied().map(DbUuid).collect();
    let rows: Vec<TierRow> = run!(conn, |c| program_tiers::table
        .filter(program_tiers::org_id.eq(DbUuid(org_id)))
        .filter(program_tiers::id.eq_any(ids.clone()))
        .select(TierRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter()
        .map(|row| Tier::try_from(row).map(|tier| (tier.id, tier)))
        .collect()
}

/// The organisation's program and when it last changed (`None`: never configured).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredProgram {
    /// The program.
    pub program: Program,
    /// The latest change to any segment, track or tier.
    pub updated_at: Option<DateTime<Utc>>,
}

/// The whole program of the organisation, in four statements.
pub async fn load(conn: &mut Conn, org_id: Uuid) -> Result<StoredProgram, DbError> {
    let org = DbUuid(org_id);
    let segments: Vec<SegmentRow> = run!(conn, |c| program_segments::table
        .filter(program_segments::org_id.eq(org))
        .select(SegmentRow::as_select())
        .order((program_segments::sort_order, program_segments::id))
        .load(c)
        .await)?;
    let tracks: Vec<TrackRow> = run!(conn, |c| program_tracks::table
        .filter(program_tracks::org_id.eq(org))
        .select(TrackRow::as_select())
        .order((program_tracks::sort_order, program_tracks::id))
        .load(c)
        .await)?;
    let types: Vec<(DbUuid, String)> = run!(conn, |c| program_track_types::table
        .filter(program_track_types::org_id.eq(org))
        .select((
            program_track_types::track_id,
            program_track_types::partner_type
        ))
        .order((
            program_track_types::track_id,
            program_track_types::partner_type
        ))
        .load(c)
        .await)?;
    let tiers: Vec<TierRow> = run!(conn, |c| program_tiers::table
        .filter(program_tiers::org_id.eq(org))
        .select(TierRow::as_select())
        .order((program_tiers::sort_order, program_tiers::id))
        .load(c)
        .await)?;
    let mut updated_at: Option<DateTime<Utc>> = None;
    let mut touch = |at: DbTimestamp| {
        updated_at = Some(updated_at.map_or(at.0, |u| u.max(at.0)));
    };
    let mut tiers_of: HashMap<Uuid, Vec<Tier>> = HashMap::new();
    for row in tiers {
        touch(row.updated_at);
        tiers_of.entry(row.track_id.0).or_default().push(Tier {
            id: row.id.0,
            name: name(&row.name)?,
            color: TierColor::parse(&row.color).ok_or_else(|| corrupt("colour", &row.color))?,
            sort_order: row.sort_order,
            logic: logic_from(&row.logic.0)?,
        });
    }
    let mut types_of: HashMap<Uuid, Vec<PartnerType>> = HashMap::new();
    for (track, partner_type) in types {
        types_of.entry(track.0).or_default().push(
            PartnerType::parse(&partner_type)
                .ok_or_else(|| corrupt("partner type", &partner_type))?,
        );
    }
    let mut tracks_of: HashMap<Uuid, Vec<Track>> = HashMap::new();
    for row in tracks {
        touch(row.updated_at);
        tracks_of.entry(row.segment_id.0).or_default().push(Track {
            id: row.id.0,
            name: name(&row.name)?,
            slug: Slug::parse(&row.slug).map_err(|_| corrupt("slug", &row.slug))?,
            description: row.description,
            partner_types: types_of.remove(&row.id.0).unwrap_or_default(),
            sort_order: row.sort_order,
            tiers: tiers_of.remove(&row.id.0).unwrap_or_default(),
        });
    }
    let mut program = Program::default();
    for row in segments {
        touch(row.updated_at);
        program.segments.push(Segment {
            id: row.id.0,
            name: name(&row.name)?,
            description: row.description,
            family: SegmentFamily::parse(&row.family)
                .ok_or_else(|| corrupt("family", &row.family))?,
            logic: logic_from(&row.logic.0)?,
            sort_order: row.sort_order,
            tracks: tracks_of.remove(&row.id.0).unwrap_or_default(),
        });
    }
    Ok(StoredProgram {
        program,
        updated_at,
    })
}

/// Why a program write was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProgramWriteError {
    /// Another track of the organisation has the slug (`program_tracks_slug_key`).
    #[error("another track already has this slug")]
    SlugTaken,
    /// The segment, track or tier is not (or no longer) in the organisation's program.
    #[error("no such segment, track or tier")]
    NotFound,
    /// The organisation already has a program (seeding refused).
    #[error("the organisation already has a program")]
    NotEmpty,
    /// The database refused it.
    #[error(transparent)]
    Db(DbError),
}

impl From<diesel::result::Error> for ProgramWriteError {
    fn from(error: diesel::result::Error) -> Self {
        ProgramWriteError::from(DbError::from(error))
    }
}

impl From<DbError> for ProgramWriteError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::UniqueViolation { constraint }
                if constraint == "program_tracks_slug_key"
                    || constraint.contains("program_tracks.slug") =>
            {
                ProgramWriteError::SlugTaken
            }
            DbError::NotFound => ProgramWriteError::NotFound,
            other => ProgramWriteError::Db(other),
        }
    }
}

/// Inserts a segment row (not its tracks) on connection `$c`, inside a transaction.
macro_rules! insert_segment_row {
    ($c:expr, $org:expr, $segment:expr, $at:expr) => {{
        let segment: &Segment = $segment;
        diesel::insert_into(program_segments::table)
            .values((
                program_segments::org_id.eq($org),
                program_segments::id.eq(DbUuid(segment.id)),
                program_segments::name.eq(segment.name.as_str()),
                program_segments::description.eq(segment.description.as_deref()),
                program_segments::family.eq(segment.family.as_str()),
                program_segments::logic.eq(logic_json(&segment.logic)),
                program_segments::sort_order.eq(segment.sort_order),
                program_segments::created_at.eq($at),
                program_segments::updated_at.eq($at),
            ))
            .execute($c)
            .await?;
    }};
}

/// Inserts a tier row on connection `$c`, inside a transaction.
macro_rules! insert_tier_row {
    ($c:expr, $org:expr, $track_id:expr, $tier:expr, $at:expr) => {{
        let tier: &Tier = $tier;
        diesel::insert_into(program_tiers::table)
            .values((
                program_tiers::org_id.eq($org),
                program_tiers::id.eq(DbUuid(tier.id)),
                program_tiers::track_id.eq(DbUuid($track_id)),
                program_tiers::name.eq(tier.name.as_str()),
                program_tiers::color.eq(tier.color.as_str()),
                program_tiers::sort_order.eq(tier.sort_order),
                program_tiers::logic.eq(logic_json(&tier.logic)),
                program_tiers::created_at.eq($at),
                program_tiers::updated_at.eq($at),
            ))
            .execute($c)
            .await?;
    }};
}

/// Replaces a track's partner types on connection `$c`, inside a transaction.
macro_rules! replace_track_types {
    ($c:expr, $org:expr, $track:expr) => {{
        let track: &Track = $track;
        diesel::delete(
            program_track_types::table
                .filter(program_track_types::org_id.eq($org))
                .filter(program_track_types::track_id.eq(DbUuid(track.id))),
        )
        .execute($c)
        .await?;
        for partner_type in &track.partner_types {
            diesel::insert_into(program_track_types::table)
                .values((
                    program_track_types::org_id.eq($org),
                    program_track_types::track_id.eq(DbUuid(track.id)),
                    program_track_types::partner_type.eq(partner_type.as_str()),
                ))
                .execute($c)
                .await?;
        }
    }};
}

/// Inserts a track row, its partner types and its tiers on connection `$c`, inside a
/// transaction.
macro_rules! insert_track_rows {
    ($c:expr, $org:expr, $segment_id:expr, $track:expr, $at:expr) => {{
        let track: &Track = $track;
        diesel::insert_into(program_tracks::table)
            .values((
                program_tracks::org_id.eq($org),
                program_tracks::id.eq(DbUuid(track.id)),
                program_tracks::segment_id.eq(DbUuid($segment_id)),
                program_tracks::name.eq(track.name.as_str()),
                program_tracks::slug.eq(track.slug.as_str()),
                program_tracks::description.eq(track.description.as_deref()),
                program_tracks::sort_order.eq(track.sort_order),
                program_tracks::created_at.eq($at),
                program_tracks::updated_at.eq($at),
            ))
            .execute($c)
            .await?;
        replace_track_types!($c, $org, track);
        for tier in &track.tiers {
            insert_tier_row!($c, $org, track.id, tier, $at);
        }
    }};
}

fn not_found_unless_one(rows: usize) -> Result<(), ProgramWriteError> {
    if rows == 0 {
        Err(ProgramWriteError::NotFound)
    } else {
        Ok(())
    }
}

/// Stores a whole program for an organisation that has none, in one transaction (holding the
/// organisation's write lock); [`ProgramWriteError::NotEmpty`] when it already has segments.
pub async fn insert_program(
    conn: &mut Conn,
    org_id: Uuid,
    program: &Program,
    at: DateTime<Utc>,
) -> Result<(), ProgramWriteError> {
    let org = DbUuid(org_id);
    let at = DbTimestamp(at);
    let lock = crate::organizations::lock(org_id);
    run!(conn, |c| c
        .transaction(async |c| {
            lock.execute(c).await?;
            let configured: bool = diesel::select(diesel::dsl::exists(
                program_segments::table.filter(program_segments::org_id.eq(org)),
            ))
            .get_result(c)
            .await?;
            if configured {
                return Err(ProgramWriteError::NotEmpty);
            }
            for segment in &program.segments {
                insert_segment_row!(c, org, segment, at);
                for track in &segment.tracks {
                    insert_track_rows!(c, org, segment.id, track, at);
                }
            }
            Ok(())
        })
        .await)
}

/// Inserts a segment with its tracks and tiers.
pub async fn insert_segment(
    conn: &mut Conn,
    org_id: Uuid,
    segment: &Segment,
    at: DateTime<Utc>,
) -> Result<(), ProgramWriteError> {
    let org = DbUuid(org_id);
    let at = DbTimestamp(at);
    run!(conn, |c| c
        .transaction(async |c| {
            insert_segment_row!(c, org, segment, at);
            for track in &segment.tracks {
                insert_track_rows!(c, org, segment.id, track, at);
            }
            Ok(())
        })
        .await)
}

/// Writes a segment's own fields (name, description, family, logic, sort order).
pub async fn update_segment(
    conn: &mut Conn,
    org_id: Uuid,
    segment: &Segment,
    at: DateTime<Utc>,
) -> Result<(), ProgramWriteError> {
    let update = diesel::update(
        program_segments::table
            .filter(program_segments::org_id.eq(DbUuid(org_id)))
            .filter(program_segments::id.eq(DbUuid(segment.id))),
    )
    .set((
        program_segments::name.eq(segment.name.as_str().to_owned()),
        program_segments::description.eq(segment.description.clone()),
        program_segments::family.eq(segment.family.as_str()),
        program_segments::logic.eq(logic_json(&segment.logic)),
        program_segments::sort_order.eq(segment.sort_order),
        program_segments::updated_at.eq(DbTimestamp(at)),
    ));
    let rows = run!(conn, |c| update.execute(c).await)?;
    not_found_unless_one(rows)
}

/// Inserts a track (with its partner types and tiers) into segment `segment_id`.
pub async fn insert_track(
    conn: &mut Conn,
    org_id: Uuid,
    segment_id: Uuid,
    track: &Track,
    at: DateTime<Utc>,
) -> Result<(), ProgramWriteError> {
    let org = DbUuid(org_id);
    let at = DbTimestamp(at);
    run!(conn, |c| c
        .transaction(async |c| {
            insert_track_rows!(c, org, segment_id, track, at);
            Ok(())
        })
        .await)
}

/// Writes a track's own fields and replaces its partner types whole.
pub async fn update_track(
    conn: &mut Conn,
    org_id: Uuid,
    track: &Track,
    at: DateTime<Utc>,
) -> Result<(), ProgramWriteError> {
    let org = DbUuid(org_id);
    let update = diesel::update(
        program_tracks::table
            .filter(program_tracks::org_id.eq(org))
            .filter(program_tracks::id.eq(DbUuid(track.id))),
    )
    .set((
        program_tracks::name.eq(track.name.as_str().to_owned()),
        program_tracks::slug.eq(track.slug.as_str().to_owned()),
        program_tracks::description.eq(track.description.clone()),
        program_tracks::sort_order.eq(track.sort_order),
        program_tracks::updated_at.eq(DbTimestamp(at)),
    ));
    run!(conn, |c| c
        .transaction(async |c| {
            not_found_unless_one(update.execute(c).await?)?;
            replace_track_types!(c, org, track);
            Ok(())
        })
        .await)
}

/// Inserts a tier into track `track_id`.
pub async fn insert_tier(
    conn: &mut Conn,
    org_id: Uuid,
    track_id: Uuid,
    tier: &Tier,
    at: DateTime<Utc>,
) -> Result<(), ProgramWriteError> {
    let org = DbUuid(org_id);
    let at = DbTimestamp(at);
    run!(conn, |c| c
        .transaction(async |c| {
            insert_tier_row!(c, org, track_id, tier, at);
            Ok(())
        })
        .await)
}

/// Writes a tier's fields (name, colour, sort order, logic).
pub async fn update_tier(
    conn: &mut Conn,
    org_id: Uuid,
    tier: &Tier,
    at: DateTime<Utc>,
) -> Result<(), ProgramWriteError> {
    let update = diesel::update(
        program_tiers::table
            .filter(program_tiers::org_id.eq(DbUuid(org_id)))
            .filter(program_tiers::id.eq(DbUuid(tier.id))),
    )
    .set((
        program_tiers::name.eq(tier.name.as_str().to_owned()),
        program_tiers::color.eq(tier.color.as_str()),
        program_tiers::sort_order.eq(tier.sort_order),
        program_tiers::logic.eq(logic_json(&tier.logic)),
        program_tiers::updated_at.eq(DbTimestamp(at)),
    ));
    let rows = run!(conn, |c| update.execute(c).await)?;
    not_found_unless_one(rows)
}

/// Sets the sort order of tiers of track `track_id` in one transaction;
/// [`ProgramWriteError::NotFound`] (and nothing written) when one is not in that track.
pub async fn reorder_tiers(
    conn: &mut Conn,
    org_id: Uuid,
    track_id: Uuid,
    orders: &[(Uuid, i32)],
    at: DateTime<Utc>,
) -> Result<(), ProgramWriteError> {
    let (org, track, at) = (DbUuid(org_id), DbUuid(track_id), DbTimestamp(at));
    run!(conn, |c| c
        .transaction(async |c| {
            for (id, sort_order) in orders {
                let rows = diesel::update(
                    program_tiers::table
                        .filter(program_tiers::org_id.eq(org))
                        .filter(program_tiers::track_id.eq(track))
                        .filter(program_tiers::id.eq(DbUuid(*id))),
                )
                .set((
                    program_tiers::sort_order.eq(*sort_order),
                    program_tiers::updated_at.eq(at),
                ))
                .execute(c)
                .await?;
                not_found_unless_one(rows)?;
            }
            Ok(())
        })
        .await)
}

/// A part of the program to delete; deleting a segment or track deletes what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramPart {
    /// A segment, its tracks and their tiers.
    Segment(Uuid),
    /// A track and its tiers.
    Track(Uuid),
    /// One tier.
    Tier(Uuid),
}

/// Why the partners of a deleted tier lost it (`partner_tier_changes.reason`).
pub const TIER_DELETED_REASON: &str = "tier deleted";

/// Deletes a segment, track or tier with everything it holds, in one transaction. Partners
/// holding a deleted tier lose it (`tier_id` and `tier_source` cleared) and get a
/// `partner_tier_changes` row each (source `auto`, by `actor`, reason "tier deleted"). Returns
/// those partners' ids, for re-evaluation.
pub async fn delete(
    conn: &mut Conn,
    org_id: Uuid,
    part: ProgramPart,
    actor: Actor,
    at: DateTime<Utc>,
) -> Result<Vec<Uuid>, ProgramWriteError> {
    let org = DbUuid(org_id);
    let at = DbTimestamp(at);
    let (actor_kind, actor_id) = actor.parts();
    let actor_id = actor_id.map(DbUuid);
    run!(conn, |c| c
        .transaction(async |c| {
            // The tiers that go, with their names for the history.
            let tiers: Vec<(DbUuid, String)> = match part {
                ProgramPart::Tier(id) => {
                    program_tiers::table
                        .filter(program_tiers::org_id.eq(org))
                        .filter(program_tiers::id.eq(DbUuid(id)))
                        .select((program_tiers::id, program_tiers::name))
                        .load(c)
                        .await?
                }
                ProgramPart::Track(id) => {
                    program_tiers::table
                        .filter(program_tiers::org_id.eq(org))
                        .filter(program_tiers::track_id.eq(DbUuid(id)))
                        .select((program_tiers::id, program_tiers::name))
                        .load(c)
                        .await?
                }
                ProgramPart::Segment(id) => {
                    program_tiers::table
                        .filter(program_tiers::org_id.eq(org))
                        .filter(
                            program_tiers::track_id.eq_any(
                                program_tracks::table
                                    .filter(program_tracks::org_id.eq(org))
                                    .filter(program_tracks::segment_id.eq(DbUuid(id)))
                                    .select(program_tracks::id),
                            ),
                        )
                        .select((program_tiers::id, program_tiers::name))
                        .load(c)
                        .await?
                }
            };
            let tier_ids: Vec<DbUuid> = tiers.iter().map(|(id, _)| *id).collect();
            let holders: Vec<(DbUuid, Option<DbUuid>)> = if tier_ids.is_empty() {
                Vec::new()
            } else {
                partners::table
                    .filter(partners::org_id.eq(org))
                    .filter(partners::tier_id.eq_any(tier_ids))
                    .select((partners::id, partners::tier_id))
                    .order(partners::id)
                    .load(c)
                    .await?
            };
            let holder_ids: Vec<DbUuid> = holders.iter().map(|(id, _)| *id).collect();
            if !holder_ids.is_empty() {
                diesel::update(
                    partners::table
                        .filter(partners::org_id.eq(org))
                        .filter(partners::id.eq_any(holder_ids)),
                )
                .set((
                    partners::tier_id.eq(None::<DbUuid>),
                    partners::tier_source.eq(None::<String>),
                ))
                .execute(c)
                .await?;
            }
            for (partner_id, tier_id) in &holders {
                let from_name = tiers
                    .iter()
                    .find(|(id, _)| Some(*id) == *tier_id)
                    .map(|(_, name)| name.clone());
                diesel::insert_into(partner_tier_changes::table)
                    .values((
                        (
                            partner_tier_changes::org_id.eq(org),
                            partner_tier_changes::id.eq(DbUuid(Uuid::now_v7())),
                            partner_tier_changes::partner_id.eq(*partner_id),
                            partner_tier_changes::from_tier_id.eq(*tier_id),
                            partner_tier_changes::from_tier_name.eq(from_name),
                            partner_tier_changes::to_tier_id.eq(None::<DbUuid>),
                            partner_tier_changes::to_tier_name.eq(None::<String>),
                        ),
                        (
                            partner_tier_changes::source.eq("auto"),
                            partner_tier_changes::reason.eq(Some(TIER_DELETED_REASON)),
                            partner_tier_changes::actor_kind.eq(actor_kind),
                            partner_tier_changes::actor_id.eq(actor_id),
                            partner_tier_changes::created_at.eq(at),
                        ),
                    ))
                    .execute(c)
                    .await?;
            }
            let rows = match part {
                ProgramPart::Tier(id) => {
                    diesel::delete(
                        program_tiers::table
                            .filter(program_tiers::org_id.eq(org))
                            .filter(program_tiers::id.eq(DbUuid(id))),
                    )
                    .execute(c)
                    .await?
                }
                ProgramPart::Track(id) => {
                    diesel::delete(
                        program_tracks::table
                            .filter(program_tracks::org_id.eq(org))
                            .filter(program_tracks::id.eq(DbUuid(id))),
                    )
                    .execute(c)
                    .await?
                }
                ProgramPart::Segment(id) => {
                    diesel::delete(
                        program_segments::table
                            .filter(program_segments::org_id.eq(org))
                            .filter(program_segments::id.eq(DbUuid(id))),
                    )
                    .execute(c)
                    .await?
                }
            };
            not_found_unless_one(rows)?;
            Ok(holder_ids_of(&holders))
        })
        .await)
}

fn holder_ids_of(holders: &[(DbUuid, Option<DbUuid>)]) -> Vec<Uuid> {
    holders.iter().map(|(id, _)| id.0).collect()
}
