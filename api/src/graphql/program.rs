//! Partner program roots: the configuration, the type-to-tier cascade, seeding and the
//! segment, track and tier mutations. Root fields parse arguments and delegate to
//! `crate::program`.

use async_graphql::{Context, ID, Object};
use partnergraph_domain::program::can_see_rule_notes;
use partnergraph_persistence::program::ProgramPart;

use crate::auth::Member;
use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::types::partner_enums::PartnerTypeValue;
use crate::graphql::types::program::Program;
use crate::graphql::types::program_inputs::*;
use crate::graphql::types::segment::Segment;
use crate::graphql::types::tier::Tier;
use crate::graphql::types::track::Track;
use crate::graphql::{Services, guard};
use crate::program::{self, SegmentFields, TierFields, TrackFields};

fn segment(member: &Member, segment: partnergraph_domain::program::Segment) -> Segment {
    Segment {
        segment,
        notes_visible: can_see_rule_notes(member.role),
    }
}

fn track(member: &Member, track: partnergraph_domain::program::Track) -> Track {
    Track {
        track,
        notes_visible: can_see_rule_notes(member.role),
    }
}

fn tier(member: &Member, tier: partnergraph_domain::program::Tier) -> Tier {
    Tier {
        tier,
        notes_visible: can_see_rule_notes(member.role),
    }
}

fn types(types: &[PartnerTypeValue]) -> Vec<partnergraph_domain::partners::PartnerType> {
    types.iter().map(|t| (*t).into()).collect()
}

/// Partner program queries.
#[derive(Debug, Default)]
pub struct ProgramQuery;

#[Object]
impl ProgramQuery {
    /// The organisation's partner program configuration (owners and admins; FORBIDDEN for
    /// other members). Empty until configured or seeded with `seedDefaultProgram`.
    async fn program(&self, ctx: &Context<'_>) -> ApiResult<Program> {
        let member = guard::member(ctx)?;
        let stored = program::program(ctx.data_unchecked::<Services>(), member).await?;
        Ok(Program {
            program: stored.program,
            updated_at: stored.updated_at,
            notes_visible: can_see_rule_notes(member.role),
        })
    }

    /// The tiers a partner of this type can hold, highest prestige first (the type-to-tier
    /// cascade of the partners table; every internal role).
    async fn tiers_for_partner_type(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type", desc = "The partner type.")] partner_type: PartnerTypeValue,
    ) -> ApiResult<Vec<Tier>> {
        let member = guard::member(ctx)?;
        let tiers = program::tiers_for_type(
            ctx.data_unchecked::<Services>(),
            member,
            partner_type.into(),
        )
        .await?;
        Ok(tiers.into_iter().map(|t| tier(member, t)).collect())
    }
}

/// Partner program mutations (owners and admins).
#[derive(Debug, Default)]
pub struct ProgramMutation;

#[Object]
impl ProgramMutation {
    /// Seeds the default program (one segment per family, each with a track and the ladder
    /// Platinum, Gold, Silver, Bronze, Registered) when the organisation has none. Calling it
    /// again returns the seeded program unchanged; once the program was edited it is
    /// CONFLICT and nothing is written.
    async fn seed_default_program(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<SeedDefaultProgramPayload> {
        let member = guard::member(ctx)?;
        let (stored, created) =
            program::seed_default(ctx.data_unchecked::<Services>(), member).await?;
        Ok(SeedDefaultProgramPayload {
            program: Program {
                program: stored.program,
                updated_at: stored.updated_at,
                notes_visible: can_see_rule_notes(member.role),
            },
            created,
        })
    }

    /// Creates a segment.
    async fn create_segment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The segment.")] input: CreateSegmentInput,
    ) -> ApiResult<SegmentPayload> {
        let member = guard::member(ctx)?;
        let created = program::create_segment(
            ctx.data_unchecked::<Services>(),
            member,
            SegmentFields {
                name: Some(&input.name),
                description: input.description.as_deref(),
                family: Some(input.family.into()),
                logic: drafts(&input.requirement_logic),
                sort_order: input.sort_order,
            },
        )
        .await?;
        Ok(SegmentPayload {
            segment: segment(member, created),
        })
    }

    /// Changes a segment's name, description, family, requirement logic or sort order.
    async fn update_segment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The segment and its changes.")] input: UpdateSegmentInput,
    ) -> ApiResult<SegmentPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Segment, "input.id")?;
        let updated = program::update_segment(
            ctx.data_unchecked::<Services>(),
            member,
            id,
            SegmentFields {
                name: input.name.as_deref(),
                description: input.description.as_deref(),
                family: input.family.map(Into::into),
                logic: drafts(&input.requirement_logic),
                sort_order: input.sort_order,
            },
        )
        .await?;
        Ok(SegmentPayload {
            segment: segment(member, updated),
        })
    }

    /// Deletes a segment with its tracks and tiers; partners holding one of those tiers
    /// lose it.
    async fn delete_segment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which segment.")] input: DeleteSegmentInput,
    ) -> ApiResult<DeleteProgramItemPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Segment, "input.id")?;
        delete(ctx, member, input.id, ProgramPart::Segment(id)).await
    }

    /// Creates a track in a segment; its slug is generated from the name (made unique in the
    /// organisation with `-2`, `-3`, …) unless given.
    async fn create_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track.")] input: CreateTrackInput,
    ) -> ApiResult<TrackPayload> {
        let member = guard::member(ctx)?;
        let segment_id = decode_uuid(&input.segment_id, NodeKind::Segment, "input.segmentId")?;
        let created = program::create_track(
            ctx.data_unchecked::<Services>(),
            member,
            segment_id,
            TrackFields {
                name: Some(&input.name),
                slug: input.slug.as_deref(),
                description: input.description.as_deref(),
                partner_types: Some(types(&input.partner_types)),
                sort_order: input.sort_order,
            },
        )
        .await?;
        Ok(TrackPayload {
            track: track(member, created),
        })
    }

    /// Changes a track; renaming keeps the slug unless a new one is given.
    async fn update_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track and its changes.")] input: UpdateTrackInput,
    ) -> ApiResult<TrackPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Track, "input.id")?;
        let updated = program::update_track(
            ctx.data_unchecked::<Services>(),
            member,
            id,
            TrackFields {
                name: input.name.as_deref(),
                slug: input.slug.as_deref(),
                description: input.description.as_deref(),
                partner_types: input.partner_types.as_deref().map(types),
                sort_order: input.sort_order,
            },
        )
        .await?;
        Ok(TrackPayload {
            track: track(member, updated),
        })
    }

    /// Deletes a track with its tiers; partners holding one of them lose it.
    async fn delete_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which track.")] input: DeleteTrackInput,
    ) -> ApiResult<DeleteProgramItemPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Track, "input.id")?;
        delete(ctx, member, input.id, ProgramPart::Track(id)).await
    }

    /// Creates a tier in a track.
    async fn create_tier(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tier.")] input: CreateTierInput,
    ) -> ApiResult<TierPayload> {
        let member = guard::member(ctx)?;
        let track_id = decode_uuid(&input.track_id, NodeKind::Track, "input.trackId")?;
        let created = program::create_tier(
            ctx.data_unchecked::<Services>(),
            member,
            track_id,
            TierFields {
                name: Some(&input.name),
                color: input.color.map(Into::into),
                sort_order: input.sort_order,
                logic: drafts(&input.requirement_logic),
            },
        )
        .await?;
        Ok(TierPayload {
            tier: tier(member, created),
        })
    }

    /// Changes a tier's name, colour, rank or requirement logic.
    async fn update_tier(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tier and its changes.")] input: UpdateTierInput,
    ) -> ApiResult<TierPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Tier, "input.id")?;
        let updated = program::update_tier(
            ctx.data_unchecked::<Services>(),
            member,
            id,
            TierFields {
                name: input.name.as_deref(),
                color: input.color.map(Into::into),
                sort_order: input.sort_order,
                logic: drafts(&input.requirement_logic),
            },
        )
        .await?;
        Ok(TierPayload {
            tier: tier(member, updated),
        })
    }

    /// Deletes a tier; partners holding it lose it (recorded in their tier history) and are
    /// evaluated again.
    async fn delete_tier(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which tier.")] input: DeleteTierInput,
    ) -> ApiResult<DeleteProgramItemPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Tier, "input.id")?;
        delete(ctx, member, input.id, ProgramPart::Tier(id)).await
    }

    /// Ranks a track's tiers in the order given, highest prestige first.
    async fn reorder_tiers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track and its tiers in their new order.")] input: ReorderTiersInput,
    ) -> ApiResult<TrackPayload> {
        let member = guard::member(ctx)?;
        let track_id = decode_uuid(&input.track_id, NodeKind::Track, "input.trackId")?;
        let tier_ids = input
            .tier_ids
            .iter()
            .enumerate()
            .map(|(i, id)| decode_uuid(id, NodeKind::Tier, &format!("input.tierIds[{i}]")))
            .collect::<ApiResult<Vec<_>>>()?;
        let reordered = program::reorder_tiers(
            ctx.data_unchecked::<Services>(),
            member,
            track_id,
            &tier_ids,
        )
        .await?;
        Ok(TrackPayload {
            track: track(member, reordered),
        })
    }
}

async fn delete(
    ctx: &Context<'_>,
    member: &Member,
    id: ID,
    part: ProgramPart,
) -> ApiResult<DeleteProgramItemPayload> {
    let untiered = program::delete(ctx.data_unchecked::<Services>(), member, part).await?;
    Ok(DeleteProgramItemPayload {
        deleted_id: id,
        untiered_partner_count: i32::try_from(untiered).unwrap_or(i32::MAX),
    })
}
