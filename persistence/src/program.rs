//! The partner program as stored: segments, tracks (with the partner types they apply to) and
//! tiers, read whole into the domain's [`Program`] in four statements. Requirement logic is
//! stored as the JSON list of its rules ([`RuleDraft`]s) and validated again on the way out.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use partnergraph_domain::partners::PartnerType;
use partnergraph_domain::program::{
    Program, ProgramName, RequirementLogic, RuleDraft, Segment, SegmentFamily, Slug, Tier,
    TierColor, Track,
};
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::{program_segments, program_tiers, program_track_types, program_tracks};
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
struct TierRow {
    id: DbUuid,
    track_id: DbUuid,
    name: String,
    color: String,
    sort_order: i32,
    logic: DbJson,
    updated_at: DbTimestamp,
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
