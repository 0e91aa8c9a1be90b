//! Partner contact use cases: add, update, remove, and set the primary contact.
//!
//! Contacts are part of the partner profile: writing them needs the partner write permission,
//! reading them the partner read permission (partner-role users read their own partner's), and
//! every change writes an audit entry on the partner. Changing the primary contact is a
//! person's edit of the partner: its version moves on and `primaryContact` becomes overridden.

use partnergraph_domain::partners::{
    ContactDetails, ContactPart, MAX_CONTACTS_PER_PARTNER, PartnerField, can_read_partner,
    can_write_partners,
};
use partnergraph_persistence::partner_contacts::{self, Contact, PrimaryChange, Removed};
use partnergraph_persistence::partners::{self as stored, Partner, WriteError};
use partnergraph_persistence::types::now;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::graphql::types::contact_inputs::{AddPartnerContactInput, UpdatePartnerContactInput};
use crate::partners::{entry, visible};

/// Validates a contact's parts; errors name `{prefix}.name`, `{prefix}.email`, ….
fn details(
    prefix: &str,
    name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    title: Option<&str>,
) -> ApiResult<ContactDetails> {
    ContactDetails::parse(name, email, phone, title).map_err(|(part, error)| {
        let field = match part {
            ContactPart::Name => "name",
            ContactPart::Email => "email",
            ContactPart::Phone => "phone",
            ContactPart::Title => "title",
        };
        ApiError::bad_input(format!("{prefix}.{field}"), error.to_string())
    })
}

/// A contact as JSON, for audit entries.
fn snapshot(contact: &Contact) -> Value {
    let d = &contact.details;
    json!({
        "id": contact.id,
        "name": d.name,
        "email": d.email.as_ref().map(|e| e.as_str()),
        "phone": d.phone,
        "title": d.title,
    })
}

fn change(before: Value, after: Value) -> Value {
    json!({ "before": before, "after": after })
}

fn write_error(error: WriteError) -> ApiError {
    match error {
        WriteError::Stale => ApiError::Conflict(
            "the partner changed at the same time; read it again and retry".to_owned(),
        ),
        WriteError::NotFound => ApiError::NotFound("partner contact"),
        WriteError::Db(error) => error.into(),
    }
}

/// A contact of the organisation the member may see (NOT_FOUND otherwise).
pub async fn visible_contact(services: &Services, member: &Member, id: Uuid) -> ApiResult<Contact> {
    let mut conn = services.db.conn().await?;
    let contact = partner_contacts::by_ids(&mut conn, member.org_id, &[id])
        .await?
        .remove(&id)
        .ok_or(ApiError::NotFound("partner contact"))?;
    can_read_partner(member.role, member.partner_id, contact.partner_id)
        .map_err(|_| ApiError::NotFound("partner contact"))?;
    Ok(contact)
}

/// Whether `contact` is its partner's primary contact (one statement).
pub async fn is_primary(services: &Services, contact: &Contact) -> ApiResult<bool> {
    let mut conn = services.db.conn().await?;
    let partner = stored::cores_by_ids(&mut conn, contact.org_id, &[contact.partner_id])
        .await?
        .remove(&contact.partner_id);
    Ok(partner.is_some_and(|p| p.primary_contact_id == Some(contact.id)))
}

/// The primary-contact change of a person's edit of `partner`.
fn primary_change(partner: &Partner, contact_id: Option<Uuid>) -> PrimaryChange {
    PrimaryChange {
        contact_id,
        expected_version: partner.version,
        updated_at: now(),
        record_override: !partner
            .overridden_fields
            .contains(&PartnerField::PrimaryContact),
    }
}

/// Adds a contact to a partner, and makes it the primary contact when asked.
pub async fn add(
    services: &Services,
    member: &Member,
    partner_id: Uuid,
    input: &AddPartnerContactInput,
) -> ApiResult<(Contact, bool)> {
    can_write_partners(member.role)?;
    let partner = visible(services, member, partner_id).await?;
    let details = details(
        "input",
        &input.name,
        input.email.as_deref(),
        input.phone.as_deref(),
        input.title.as_deref(),
    )?;
    let mut conn = services.db.conn().await?;
    let count = partner_contacts::count_of_partner(&mut conn, member.org_id, partner_id).await?;
    if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_CONTACTS_PER_PARTNER {
        return Err(ApiError::bad_input(
            "input.partnerId",
            format!(
                "a partner can have at most {MAX_CONTACTS_PER_PARTNER} contacts; remove one first"
            ),
        ));
    }
    let at = now();
    let contact = Contact {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        partner_id,
        details,
        created_at: at,
        updated_at: at,
    };
    let mut changes = Map::new();
    changes.insert(
        "contact".to_owned(),
        change(Value::Null, snapshot(&contact)),
    );
    let primary = input.make_primary.then(|| {
        changes.insert(
            "primaryContact".to_owned(),
            change(json!(partner.primary_contact_id), json!(contact.id)),
        );
        primary_change(&partner, Some(contact.id))
    });
    partner_contacts::insert(
        &mut conn,
        &contact,
        primary,
        &entry(member, partner_id, "update", Value::Object(changes)),
    )
    .await
    .map_err(write_error)?;
    Ok((contact, input.make_primary))
}

/// Changes a contact: omitted fields are left alone, `null` clears e-mail, phone and title.
pub async fn update(
    services: &Services,
    member: &Member,
    id: Uuid,
    input: &UpdatePartnerContactInput,
) -> ApiResult<Contact> {
    can_write_partners(member.role)?;
    let current = visible_contact(services, member, id).await?;
    let d = &current.details;
    let email = d.email.as_ref().map(|e| e.as_str());
    let pick = |patch: &async_graphql::MaybeUndefined<String>, now: Option<String>| match patch {
        async_graphql::MaybeUndefined::Undefined => now,
        async_graphql::MaybeUndefined::Null => None,
        async_graphql::MaybeUndefined::Value(v) => Some(v.clone()),
    };
    let email = pick(&input.email, email);
    let phone = pick(&input.phone, d.phone.clone());
    let title = pick(&input.title, d.title.clone());
    let details = details(
        "input",
        input.name.as_deref().unwrap_or(&d.name),
        email.as_deref(),
        phone.as_deref(),
        title.as_deref(),
    )?;
    if details == current.details {
        return Ok(current);
    }
    let next = Contact {
        details,
        updated_at: now(),
        ..current.clone()
    };
    let changes = json!({ "contact": change(snapshot(&current), snapshot(&next)) });
    let mut conn = services.db.conn().await?;
    if !partner_contacts::update(
        &mut conn,
        &next,
        &entry(member, next.partner_id, "update", changes),
    )
    .await?
    {
        return Err(ApiError::NotFound("partner contact"));
    }
    Ok(next)
}

/// Removes a contact; if it was the primary contact, the partner has none any more.
pub async fn remove(services: &Services, member: &Member, id: Uuid) -> ApiResult<Partner> {
    can_write_partners(member.role)?;
    let contact = visible_contact(services, member, id).await?;
    let partner = visible(services, member, contact.partner_id).await?;
    let mut changes = Map::new();
    changes.insert(
        "contact".to_owned(),
        change(snapshot(&contact), Value::Null),
    );
    if partner.primary_contact_id == Some(id) {
        changes.insert("primaryContact".to_owned(), change(json!(id), Value::Null));
    }
    let at = now();
    let mut conn = services.db.conn().await?;
    let removed = partner_contacts::delete(
        &mut conn,
        &contact,
        at,
        &entry(member, partner.id, "update", Value::Object(changes)),
    )
    .await?;
    let mut partner = partner;
    match removed {
        Removed::NotFound => return Err(ApiError::NotFound("partner contact")),
        Removed::Contact => {}
        Removed::PrimaryContact => {
            partner.primary_contact_id = None;
            partner.version += 1;
            partner.updated_at = at;
        }
    }
    Ok(partner)
}

/// Sets the partner's primary contact (one of its contacts), or clears it (`None`).
pub async fn set_primary(
    services: &Services,
    member: &Member,
    partner_id: Uuid,
    contact_id: Option<Uuid>,
) -> ApiResult<Partner> {
    can_write_partners(member.role)?;
    let partner = visible(services, member, partner_id).await?;
    if let Some(contact_id) = contact_id {
        let contact = visible_contact(services, member, contact_id).await?;
        if contact.partner_id != partner_id {
            return Err(ApiError::bad_input(
                "input.contactId",
                "the contact belongs to another partner",
            ));
        }
    }
    if partner.primary_contact_id == contact_id {
        return Ok(partner);
    }
    let change = primary_change(&partner, contact_id);
    let changes = json!({
        "primaryContact": self::change(json!(partner.primary_contact_id), json!(contact_id)),
    });
    let mut conn = services.db.conn().await?;
    partner_contacts::set_primary(
        &mut conn,
        member.org_id,
        partner_id,
        change,
        &entry(member, partner_id, "update", changes),
    )
    .await
    .map_err(write_error)?;
    let mut next = partner;
    next.primary_contact_id = contact_id;
    next.version = change.expected_version + 1;
    next.updated_at = change.updated_at;
    next.overridden_fields.insert(PartnerField::PrimaryContact);
    Ok(next)
}
