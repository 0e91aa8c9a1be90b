//! Partner program use cases: read the configuration, seed the defaults, and create, change,
//! reorder and delete segments, tracks and tiers.
//!
//! Every write loads the organisation's program, applies the change in memory, validates the
//! whole program ([`Program::validate`]: size caps, unique ids and slugs), writes the change
//! in one transaction and then hands the affected partners to
//! [`crate::tiers::program_changed`] for re-evaluation. Only owners and admins read or change
//! the configuration; partner-role users do not learn it exists.

use partnergraph_domain::partners::PartnerType;
use partnergraph_domain::program::{
    Program, ProgramName, RequirementLogic, RuleDraft, RuleError, Segment, SegmentFamily, Slug,
    Tier, TierColor, Track, can_list_tiers, can_manage_program, can_read_program, default_program,
    program_description,
};
use partnergraph_persistence::program::{
    self as stored, ProgramPart, ProgramWriteError, StoredProgram,
};
use partnergraph_persistence::types::now;
use uuid::Uuid;

use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::partners::actor;

fn name(value: &str, field: &str) -> ApiResult<ProgramName> {
    ProgramName::parse(value).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

fn description(value: Option<&str>, field: &str) -> ApiResult<Option<String>> {
    program_description(value).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

/// Validates requirement rules; a bad rule is named `input.requirementLogic[i]`.
pub fn logic(drafts: &[RuleDraft]) -> ApiResult<RequirementLogic> {
    RequirementLogic::parse(drafts).map_err(|error: RuleError| {
        let field = match error.index() {
            Some(index) => format!("input.requirementLogic[{index}]"),
            None => "input.requirementLogic".to_owned(),
        };
        ApiError::bad_input(field, error.to_string())
    })
}

fn validate(program: &Program) -> ApiResult<()> {
    program
        .validate()
        .map_err(|e| ApiError::bad_input("input", e.to_string()))
}

fn write_error(error: ProgramWriteError, what: &'static str) -> ApiError {
    match error {
        ProgramWriteError::SlugTaken => {
            ApiError::Conflict("another track already has this slug".to_owned())
        }
        ProgramWriteError::NotFound => ApiError::NotFound(what),
        ProgramWriteError::NotEmpty => ApiError::Conflict(
            "the organisation's program changed while seeding; read it again".to_owned(),
        ),
        ProgramWriteError::Db(db) => db.into(),
    }
}

/// The next sort order after `orders` (1 when there are none).
fn appended(orders: impl Iterator<Item = i32>) -> i32 {
    orders.max().map_or(1, |last| last.saturating_add(1))
}

async fn load(services: &Services, org_id: Uuid) -> ApiResult<StoredProgram> {
    let mut conn = services.db.conn().await?;
    Ok(stored::load(&mut conn, org_id).await?)
}

/// The program of a member allowed to change it.
async fn managed(services: &Services, member: &Member) -> ApiResult<Program> {
    can_manage_program(member.role)?;
    Ok(load(services, member.org_id).await?.program)
}

async fn changed(services: &Services, member: &Member, affected: &[Uuid]) -> ApiResult<()> {
    crate::tiers::program_changed(services, member, affected).await
}

/// The organisation's program configuration (owners and admins).
pub async fn program(services: &Services, member: &Member) -> ApiResult<StoredProgram> {
    can_read_program(member.role)?;
    load(services, member.org_id).await
}

/// The tiers a partner of `partner_type` can hold, highest prestige first (every internal
/// role: the type-to-tier cascade of the partners table).
pub async fn tiers_for_type(
    services: &Services,
    member: &Member,
    partner_type: PartnerType,
) -> ApiResult<Vec<Tier>> {
    can_list_tiers(member.role)?;
    let program = load(services, member.org_id).await?.program;
    Ok(program
        .tiers_for_type(partner_type)
        .into_iter()
        .cloned()
        .collect())
}

/// One segment, for `node(id:)`.
pub async fn segment(services: &Services, member: &Member, id: Uuid) -> ApiResult<Segment> {
    can_read_program(member.role)?;
    let program = load(services, member.org_id).await?.program;
    program
        .segment(id)
        .cloned()
        .ok_or(ApiError::NotFound("segment"))
}

/// One track, for `node(id:)`.
pub async fn track(services: &Services, member: &Member, id: Uuid) -> ApiResult<Track> {
    can_read_program(member.role)?;
    let program = load(services, member.org_id).await?.program;
    program
        .track(id)
        .map(|(_, track)| track.clone())
        .ok_or(ApiError::NotFound("track"))
}

/// One tier, for `node(id:)` (every internal role, like [`tiers_for_type`]).
pub async fn tier(services: &Services, member: &Member, id: Uuid) -> ApiResult<Tier> {
    can_list_tiers(member.role)?;
    let program = load(services, member.org_id).await?.program;
    program.tier(id).cloned().ok_or(ApiError::NotFound("tier"))
}

/// The program without its ids, in a canonical order: what "the same program" means for
/// seeding.
fn shape(program: &Program) -> Vec<String> {
    let mut segments: Vec<String> = program
        .segments
        .iter()
        .map(|segment| {
            let mut tracks: Vec<String> = segment
                .tracks
                .iter()
                .map(|track| {
                    let mut types: Vec<&str> =
                        track.partner_types.iter().map(|t| t.as_str()).collect();
                    types.sort_unstable();
                    let mut tiers: Vec<String> = track
                        .tiers
                        .iter()
                        .map(|tier| {
                            format!(
                                "{}|{:?}|{}|{:?}",
                                tier.sort_order,
                                tier.name.as_str(),
                                tier.color,
                                tier.logic.to_drafts()
                            )
                        })
                        .collect();
                    tiers.sort_unstable();
                    format!(
                        "{}|{:?}|{}|{:?}|{types:?}|{tiers:?}",
                        track.sort_order,
                        track.name.as_str(),
                        track.slug,
                        track.description
                    )
                })
                .collect();
            tracks.sort_unstable();
            format!(
                "{}|{:?}|{:?}|{}|{:?}|{tracks:?}",
                segment.sort_order,
                segment.name.as_str(),
                segment.description,
                segment.family,
                segment.logic.to_drafts()
            )
        })
        .collect();
    segments.sort_unstable();
    segments
}

/// Whether `program` is the seed program apart from ids.
pub fn is_default(program: &Program) -> bool {
    shape(program) == shape(&default_program())
}

/// Seeds the default program when the organisation has none; returns it unchanged when it is
/// still the untouched default, and refuses (CONFLICT, nothing written) once it was edited.
/// The flag says whether it was created now.
pub async fn seed_default(
    services: &Services,
    member: &Member,
) -> ApiResult<(StoredProgram, bool)> {
    can_manage_program(member.role)?;
    let current = load(services, member.org_id).await?;
    if !current.program.segments.is_empty() {
        if is_default(&current.program) {
            return Ok((current, false));
        }
        return Err(ApiError::Conflict(
            "the program was already configured and edited; seeding would overwrite it".to_owned(),
        ));
    }
    let program = default_program();
    validate(&program)?;
    let mut conn = services.db.conn().await?;
    match stored::insert_program(&mut conn, member.org_id, &program, now()).await {
        Ok(()) => {}
        // Seeded concurrently: answer as if this request came second.
        Err(ProgramWriteError::NotEmpty) => {
            drop(conn);
            let current = load(services, member.org_id).await?;
            if is_default(&current.program) {
                return Ok((current, false));
            }
            return Err(write_error(ProgramWriteError::NotEmpty, "program"));
        }
        Err(error) => return Err(write_error(error, "program")),
    }
    drop(conn);
    changed(services, member, &[]).await?;
    Ok((load(services, member.org_id).await?, true))
}

/// A segment's fields as given; `None` leaves a field as it is (on creation: name and family
/// are required, the rest defaults).
#[derive(Debug, Clone, Default)]
pub struct SegmentFields<'a> {
    /// Name.
    pub name: Option<&'a str>,
    /// Description; blank clears it.
    pub description: Option<&'a str>,
    /// Family.
    pub family: Option<SegmentFamily>,
    /// Requirement rules (replaced whole).
    pub logic: Option<Vec<RuleDraft>>,
    /// Display order (on creation: after the last).
    pub sort_order: Option<i32>,
}

fn apply_segment(segment: &mut Segment, fields: &SegmentFields<'_>) -> ApiResult<()> {
    if let Some(value) = fields.name {
        segment.name = name(value, "input.name")?;
    }
    if let Some(value) = fields.description {
        segment.description = description(Some(value), "input.description")?;
    }
    if let Some(family) = fields.family {
        segment.family = family;
    }
    if let Some(drafts) = &fields.logic {
        segment.logic = logic(drafts)?;
    }
    if let Some(sort_order) = fields.sort_order {
        segment.sort_order = sort_order;
    }
    Ok(())
}

/// Creates a segment (without tracks).
pub async fn create_segment(
    services: &Services,
    member: &Member,
    fields: SegmentFields<'_>,
) -> ApiResult<Segment> {
    let mut program = managed(services, member).await?;
    let mut segment = Segment {
        id: Uuid::now_v7(),
        name: name(fields.name.unwrap_or_default(), "input.name")?,
        description: None,
        family: fields.family.unwrap_or(SegmentFamily::Market),
        logic: RequirementLogic::empty(),
        sort_order: appended(program.segments.iter().map(|s| s.sort_order)),
        tracks: Vec::new(),
    };
    apply_segment(&mut segment, &fields)?;
    program.segments.push(segment.clone());
    validate(&program)?;
    let mut conn = services.db.conn().await?;
    stored::insert_segment(&mut conn, member.org_id, &segment, now())
        .await
        .map_err(|e| write_error(e, "segment"))?;
    drop(conn);
    changed(services, member, &[]).await?;
    Ok(segment)
}

/// Changes a segment's own fields.
pub async fn update_segment(
    services: &Services,
    member: &Member,
    id: Uuid,
    fields: SegmentFields<'_>,
) -> ApiResult<Segment> {
    let mut program = managed(services, member).await?;
    let segment = program
        .segments
        .iter_mut()
        .find(|s| s.id == id)
        .ok_or(ApiError::NotFound("segment"))?;
    apply_segment(segment, &fields)?;
    let segment = segment.clone();
    validate(&program)?;
    let mut conn = services.db.conn().await?;
    stored::update_segment(&mut conn, member.org_id, &segment, now())
        .await
        .map_err(|e| write_error(e, "segment"))?;
    drop(conn);
    changed(services, member, &[]).await?;
    Ok(segment)
}

/// A track's fields as given; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TrackFields<'a> {
    /// Name.
    pub name: Option<&'a str>,
    /// Slug; generated from the name on creation when omitted, kept on rename.
    pub slug: Option<&'a str>,
    /// Description; blank clears it.
    pub description: Option<&'a str>,
    /// The partner types the track is for (at least one; replaced whole).
    pub partner_types: Option<Vec<PartnerType>>,
    /// Display order within the segment (on creation: after the last).
    pub sort_order: Option<i32>,
}

fn apply_track(program: &Program, track: &mut Track, fields: &TrackFields<'_>) -> ApiResult<()> {
    if let Some(value) = fields.name {
        track.name = name(value, "input.name")?;
    }
    if let Some(value) = fields.slug {
        let slug =
            Slug::parse(value).map_err(|e| ApiError::bad_input("input.slug", e.to_string()))?;
        let taken = program
            .tracks()
            .any(|(_, other)| other.id != track.id && other.slug == slug);
        if taken {
            return Err(ApiError::Conflict(format!(
                "another track already has the slug `{slug}`"
            )));
        }
        track.slug = slug;
    }
    if let Some(value) = fields.description {
        track.description = description(Some(value), "input.description")?;
    }
    if let Some(types) = &fields.partner_types {
        let mut unique: Vec<PartnerType> = Vec::with_capacity(types.len());
        for partner_type in types {
            if !unique.contains(partner_type) {
                unique.push(*partner_type);
            }
        }
        if unique.is_empty() {
            return Err(ApiError::bad_input(
                "input.partnerTypes",
                "give at least one partner type",
            ));
        }
        track.partner_types = unique;
    }
    if let Some(sort_order) = fields.sort_order {
        track.sort_order = sort_order;
    }
    Ok(())
}

/// Creates a track (without tiers) in a segment; the slug comes from the name, made unique
/// in the organisation, unless one is given.
pub async fn create_track(
    services: &Services,
    member: &Member,
    segment_id: Uuid,
    fields: TrackFields<'_>,
) -> ApiResult<Track> {
    let mut program = managed(services, member).await?;
    let segment = program
        .segment(segment_id)
        .ok_or(ApiError::NotFound("segment"))?;
    let track_name = name(fields.name.unwrap_or_default(), "input.name")?;
    let mut track = Track {
        id: Uuid::now_v7(),
        slug: Slug::unique(track_name.as_str(), program.slugs()),
        name: track_name,
        description: None,
        partner_types: Vec::new(),
        sort_order: appended(segment.tracks.iter().map(|t| t.sort_order)),
        tiers: Vec::new(),
    };
    apply_track(&program, &mut track, &fields)?;
    if track.partner_types.is_empty() {
        return Err(ApiError::bad_input(
            "input.partnerTypes",
            "give at least one partner type",
        ));
    }
    if let Some(segment) = program.segments.iter_mut().find(|s| s.id == segment_id) {
        segment.tracks.push(track.clone());
    }
    validate(&program)?;
    let mut conn = services.db.conn().await?;
    stored::insert_track(&mut conn, member.org_id, segment_id, &track, now())
        .await
        .map_err(|e| write_error(e, "segment"))?;
    drop(conn);
    changed(services, member, &[]).await?;
    Ok(track)
}

/// Changes a track's fields (renaming keeps the slug unless a slug is given).
pub async fn update_track(
    services: &Services,
    member: &Member,
    id: Uuid,
    fields: TrackFields<'_>,
) -> ApiResult<Track> {
    let mut program = managed(services, member).await?;
    let (_, current) = program.track(id).ok_or(ApiError::NotFound("track"))?;
    let mut track = current.clone();
    apply_track(&program, &mut track, &fields)?;
    for segment in &mut program.segments {
        for slot in &mut segment.tracks {
            if slot.id == id {
                *slot = track.clone();
            }
        }
    }
    validate(&program)?;
    let mut conn = services.db.conn().await?;
    stored::update_track(&mut conn, member.org_id, &track, now())
        .await
        .map_err(|e| write_error(e, "track"))?;
    drop(conn);
    changed(services, member, &[]).await?;
    Ok(track)
}

/// A tier's fields as given; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TierFields<'a> {
    /// Name.
    pub name: Option<&'a str>,
    /// Colour.
    pub color: Option<TierColor>,
    /// Rank in the track (on creation: below the last).
    pub sort_order: Option<i32>,
    /// Requirement rules (replaced whole).
    pub logic: Option<Vec<RuleDraft>>,
}

fn apply_tier(tier: &mut Tier, fields: &TierFields<'_>) -> ApiResult<()> {
    if let Some(value) = fields.name {
        tier.name = name(value, "input.name")?;
    }
    if let Some(color) = fields.color {
        tier.color = color;
    }
    if let Some(sort_order) = fields.sort_order {
        tier.sort_order = sort_order;
    }
    if let Some(drafts) = &fields.logic {
        tier.logic = logic(drafts)?;
    }
    Ok(())
}

fn track_mut(program: &mut Program, id: Uuid) -> Option<&mut Track> {
    program
        .segments
        .iter_mut()
        .flat_map(|segment| segment.tracks.iter_mut())
        .find(|track| track.id == id)
}

/// Creates a tier in a track.
pub async fn create_tier(
    services: &Services,
    member: &Member,
    track_id: Uuid,
    fields: TierFields<'_>,
) -> ApiResult<Tier> {
    let mut program = managed(services, member).await?;
    let track = track_mut(&mut program, track_id).ok_or(ApiError::NotFound("track"))?;
    let mut tier = Tier {
        id: Uuid::now_v7(),
        name: name(fields.name.unwrap_or_default(), "input.name")?,
        color: TierColor::Neutral,
        sort_order: appended(track.tiers.iter().map(|t| t.sort_order)),
        logic: RequirementLogic::empty(),
    };
    apply_tier(&mut tier, &fields)?;
    track.tiers.push(tier.clone());
    validate(&program)?;
    let mut conn = services.db.conn().await?;
    stored::insert_tier(&mut conn, member.org_id, track_id, &tier, now())
        .await
        .map_err(|e| write_error(e, "track"))?;
    drop(conn);
    changed(services, member, &[]).await?;
    Ok(tier)
}

/// Changes a tier.
pub async fn update_tier(
    services: &Services,
    member: &Member,
    id: Uuid,
    fields: TierFields<'_>,
) -> ApiResult<Tier> {
    let mut program = managed(services, member).await?;
    let tier = program
        .segments
        .iter_mut()
        .flat_map(|segment| segment.tracks.iter_mut())
        .flat_map(|track| track.tiers.iter_mut())
        .find(|tier| tier.id == id)
        .ok_or(ApiError::NotFound("tier"))?;
    apply_tier(tier, &fields)?;
    let tier = tier.clone();
    validate(&program)?;
    let mut conn = services.db.conn().await?;
    stored::update_tier(&mut conn, member.org_id, &tier, now())
        .await
        .map_err(|e| write_error(e, "tier"))?;
    drop(conn);
    changed(services, member, &[]).await?;
    Ok(tier)
}

/// Ranks a track's tiers in the order given (highest prestige first: sort orders 1, 2, …).
/// `tier_ids` must list every tier of the track once.
pub async fn reorder_tiers(
    services: &Services,
    member: &Member,
    track_id: Uuid,
    tier_ids: &[Uuid],
) -> ApiResult<Track> {
    let mut program = managed(services, member).await?;
    let known: Vec<Uuid> = program
        .tracks()
        .flat_map(|(_, track)| track.tiers.iter().map(|tier| tier.id))
        .collect();
    let track = track_mut(&mut program, track_id).ok_or(ApiError::NotFound("track"))?;
    if tier_ids.iter().any(|id| !known.contains(id)) {
        return Err(ApiError::NotFound("tier"));
    }
    let mut given = tier_ids.to_vec();
    given.sort_unstable();
    let mut own: Vec<Uuid> = track.tiers.iter().map(|tier| tier.id).collect();
    own.sort_unstable();
    if given != own {
        return Err(ApiError::bad_input(
            "input.tierIds",
            "list every tier of the track exactly once",
        ));
    }
    let mut orders = Vec::with_capacity(tier_ids.len());
    for (rank, id) in tier_ids.iter().enumerate() {
        let sort_order = i32::try_from(rank + 1).unwrap_or(i32::MAX);
        orders.push((*id, sort_order));
        if let Some(tier) = track.tiers.iter_mut().find(|tier| tier.id == *id) {
            tier.sort_order = sort_order;
        }
    }
    let track = track.clone();
    let mut conn = services.db.conn().await?;
    stored::reorder_tiers(&mut conn, member.org_id, track_id, &orders, now())
        .await
        .map_err(|e| write_error(e, "tier"))?;
    drop(conn);
    changed(services, member, &[]).await?;
    Ok(track)
}

/// Deletes a segment, track or tier with what it holds; partners holding a deleted tier lose
/// it (recorded in their tier history) and are re-evaluated. Returns how many lost a tier.
pub async fn delete(services: &Services, member: &Member, part: ProgramPart) -> ApiResult<usize> {
    can_manage_program(member.role)?;
    let what = match part {
        ProgramPart::Segment(_) => "segment",
        ProgramPart::Track(_) => "track",
        ProgramPart::Tier(_) => "tier",
    };
    let mut conn = services.db.conn().await?;
    let affected = stored::delete(&mut conn, member.org_id, part, actor(member), now())
        .await
        .map_err(|e| write_error(e, what))?;
    drop(conn);
    changed(services, member, &affected).await?;
    Ok(affected.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_default_program_is_the_default_whatever_its_ids() {
        assert!(is_default(&default_program()));
        let mut edited = default_program();
        edited.segments[0].tracks[0].tiers[0].color = TierColor::Red;
        assert!(!is_default(&edited));
        let mut renamed = default_program();
        renamed.segments[1].name = ProgramName::parse("Alliances").expect("name");
        assert!(!is_default(&renamed));
    }

    #[test]
    fn a_bad_rule_is_named_by_its_index() {
        let drafts = [
            RuleDraft {
                field: "closed_deals".into(),
                operator: "gte".into(),
                value: Some(partnergraph_domain::program::RuleValue::Text("3".into())),
                ..RuleDraft::default()
            },
            RuleDraft {
                field: "shoe_size".into(),
                operator: "gte".into(),
                ..RuleDraft::default()
            },
        ];
        match logic(&drafts) {
            Err(ApiError::BadUserInput { field, .. }) => {
                assert_eq!(field.as_deref(), Some("input.requirementLogic[1]"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn new_items_go_after_the_last() {
        assert_eq!(appended([].into_iter()), 1);
        assert_eq!(appended([3, 1].into_iter()), 4);
        assert_eq!(appended([i32::MAX].into_iter()), i32::MAX);
    }
}
