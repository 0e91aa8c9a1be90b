//! AI partner analysis. Root fields parse arguments and delegate to `crate::analysis`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::types::generation::Generation;
use crate::graphql::{Services, guard};

/// `refreshPartnerScores` input.
#[derive(Debug, Clone, InputObject)]
pub struct RefreshPartnerScoresInput {
    /// The partners to analyse (1–100).
    pub partner_ids: Vec<ID>,
}

/// `refreshPartnerScores` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct RefreshPartnerScoresPayload {
    /// One generation per partner, in the order given (an analysis already running for a
    /// partner is joined). `PENDING` ones wait for a model slot; follow them to see the batch
    /// progress. Each writes its partner when it completes.
    pub generations: Vec<Generation>,
}

/// Partner analysis mutations.
#[derive(Debug, Default)]
pub struct AnalysisMutation;

#[Object]
impl AnalysisMutation {
    /// Analyses partners with AI against the organisation's Ideal Partner Profile: fit and
    /// health scores, the 4C sub-scores with rationales, key strengths and a summary, written
    /// to each partner (overridden fields are left alone) as a versioned change. Needs an IPP
    /// (onboarding) and a model (`LLM_UNAVAILABLE` otherwise); for those who may edit partners.
    async fn refresh_partner_scores(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partners.")] input: RefreshPartnerScoresInput,
    ) -> ApiResult<RefreshPartnerScoresPayload> {
        let member = guard::member(ctx)?;
        let ids = input
            .partner_ids
            .iter()
            .enumerate()
            .map(|(i, id)| decode_uuid(id, NodeKind::Partner, &format!("input.partnerIds[{i}]")))
            .collect::<ApiResult<Vec<_>>>()?;
        let generations =
            crate::analysis::refresh(ctx.data_unchecked::<Services>(), member, &ids).await?;
        Ok(RefreshPartnerScoresPayload {
            generations: generations.into_iter().map(Generation).collect(),
        })
    }
}
