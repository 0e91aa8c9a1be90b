//! Import roots: bulk upserts from CRMs. Root fields delegate to `crate::imports`.

use async_graphql::{Context, Object};

use crate::error::ApiResult;
use crate::graphql::types::deal_import::{ImportDealsInput, ImportDealsPayload};
use crate::graphql::types::partner_import::{ImportPartnersInput, ImportPartnersPayload};
use crate::graphql::{Services, guard};
use crate::imports;

/// Import mutations.
#[derive(Debug, Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Creates or updates up to 1,000 partners from your CRM, matched on `externalId` (or
    /// `domain`). Each row is validated and written on its own: a failing row writes nothing and
    /// does not affect the others, and its result names the field at fault. A row that would
    /// change nothing is UNCHANGED and not written, so running the same import twice changes
    /// nothing. Fields a person overrode are left alone. Every write is audited with the
    /// caller (user or API key) as the actor. More than 1,000 rows is BAD_USER_INPUT and
    /// nothing is written.
    async fn import_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rows and what to match them on.")] input: ImportPartnersInput,
    ) -> ApiResult<ImportPartnersPayload> {
        let member = guard::member(ctx)?;
        let results =
            imports::partners::import(ctx.data_unchecked::<Services>(), member, &input).await?;
        Ok(ImportPartnersPayload::new(results))
    }

    /// Creates or updates up to 1,000 deals from your CRM, matched on `externalId`. A row names
    /// its partner by `partnerExternalId` or `partnerId`; a partner outside your organisation
    /// fails the row with NOT_FOUND. Each row is validated and written on its own: a failing
    /// row writes nothing and does not affect the others, and its result names the field at
    /// fault. A row that would change nothing is UNCHANGED and not written, so running the
    /// same import twice changes nothing. Partners' rollups (`pipeline`, `revenue`, …) follow
    /// every written row. Every write is audited with the caller (user or API key) as the
    /// actor. More than 1,000 rows is BAD_USER_INPUT and nothing is written.
    async fn import_deals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rows and what to match them on.")] input: ImportDealsInput,
    ) -> ApiResult<ImportDealsPayload> {
        let member = guard::member(ctx)?;
        let results =
            imports::deals::import(ctx.data_unchecked::<Services>(), member, &input).await?;
        Ok(ImportDealsPayload::new(results))
    }
}
