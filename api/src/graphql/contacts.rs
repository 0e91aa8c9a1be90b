//! Partner contact mutations. Root fields parse arguments and delegate to `crate::contacts`.

use async_graphql::{Context, Object};

use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, decode_uuid, encode_uuid};
use crate::graphql::partners::PartnerPayload;
use crate::graphql::types::contact_inputs::*;
use crate::graphql::types::partner::Partner;
use crate::graphql::types::partner_contact::PartnerContact;
use crate::graphql::{Services, guard};

/// Partner contact mutations.
#[derive(Debug, Default)]
pub struct ContactMutation;

#[Object]
impl ContactMutation {
    /// Adds a person to a partner's contacts (at most 200 per partner), and makes them the
    /// primary contact when `makePrimary` is true (a person's edit of the partner: its version
    /// moves on and `primaryContact` becomes overridden).
    async fn add_partner_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner and the contact.")] input: AddPartnerContactInput,
    ) -> ApiResult<PartnerContactPayload> {
        let member = guard::member(ctx)?;
        let partner_id = decode_uuid(&input.partner_id, NodeKind::Partner, "input.partnerId")?;
        let (record, is_primary) =
            crate::contacts::add(ctx.data_unchecked::<Services>(), member, partner_id, &input)
                .await?;
        Ok(PartnerContactPayload {
            contact: PartnerContact { record, is_primary },
        })
    }

    /// Changes a contact: omitted fields are left alone, `null` clears e-mail, phone or title.
    async fn update_partner_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact and the changes.")] input: UpdatePartnerContactInput,
    ) -> ApiResult<PartnerContactPayload> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        let id = decode_uuid(&input.id, NodeKind::PartnerContact, "input.id")?;
        let record = crate::contacts::update(services, member, id, &input).await?;
        let is_primary = crate::contacts::is_primary(services, &record).await?;
        Ok(PartnerContactPayload {
            contact: PartnerContact { record, is_primary },
        })
    }

    /// Removes a contact. Removing the primary contact leaves the partner without one (and
    /// moves its version on).
    async fn remove_partner_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact.")] input: RemovePartnerContactInput,
    ) -> ApiResult<RemovePartnerContactPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::PartnerContact, "input.id")?;
        let partner = crate::contacts::remove(ctx.data_unchecked::<Services>(), member, id).await?;
        Ok(RemovePartnerContactPayload {
            removed_contact_id: encode_uuid(NodeKind::PartnerContact, id),
            partner: Partner::from(partner),
        })
    }

    /// Sets the partner's primary contact to one of its contacts, or clears it with a null
    /// `contactId`. A person's edit of the partner: its version moves on, `primaryContact`
    /// becomes overridden, and the change is audited.
    async fn set_primary_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner and its new primary contact.")] input: SetPrimaryContactInput,
    ) -> ApiResult<PartnerPayload> {
        let member = guard::member(ctx)?;
        let partner_id = decode_uuid(&input.partner_id, NodeKind::Partner, "input.partnerId")?;
        let contact_id = input
            .contact_id
            .as_ref()
            .map(|id| decode_uuid(id, NodeKind::PartnerContact, "input.contactId"))
            .transpose()?;
        let partner = crate::contacts::set_primary(
            ctx.data_unchecked::<Services>(),
            member,
            partner_id,
            contact_id,
        )
        .await?;
        Ok(PartnerPayload {
            partner: Partner::from(partner),
        })
    }
}
