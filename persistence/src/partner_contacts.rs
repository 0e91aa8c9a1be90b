//! Partner contacts and the primary contact.
//!
//! `partners.primary_contact_id` has no foreign key: every write here that changes it does so
//! in the transaction of the contact write, bumping the partner's version, and removing the
//! primary contact clears it in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::EmailAddress;
use partnergraph_domain::partners::{ContactDetails, PartnerField};
use uuid::Uuid;

use crate::audit::{self, AuditEntry};
use crate::db::Conn;
use crate::error::DbError;
use crate::partners::WriteError;
use crate::run;
use crate::schema::{partner_contacts, partner_overrides, partners};
use crate::types::{DbTimestamp, DbUuid};

/// A contact as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Organisation.
    pub org_id: Uuid,
    /// Contact id.
    pub id: Uuid,
    /// The partner the contact works for.
    pub partner_id: Uuid,
    /// Name, e-mail, phone, title.
    pub details: ContactDetails,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = partner_contacts)]
pub(crate) struct ContactRow {
    org_id: DbUuid,
    id: DbUuid,
    partner_id: DbUuid,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    title: Option<String>,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl TryFrom<ContactRow> for Contact {
    type Error = DbError;
    fn try_from(row: ContactRow) -> Result<Self, DbError> {
        let email = row
            .email
            .map(|e| {
                EmailAddress::parse(&e)
                    .map_err(|_| DbError::Corrupt(format!("unknown contact e-mail `{e}`")))
            })
            .transpose()?;
        Ok(Contact {
            org_id: row.org_id.0,
            id: row.id.0,
            partner_id: row.partner_id.0,
            details: ContactDetails {
                name: row.name,
                email,
                phone: row.phone,
                title: row.title,
            },
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        })
    }
}

/// A change of a partner's primary contact made together with a contact write: the partner
/// moves from `expected_version` to the next version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrimaryChange {
    /// The new primary contact (`None` clears it).
    pub contact_id: Option<Uuid>,
    /// The partner's version the change was decided on (stale → [`WriteError::Stale`]).
    pub expected_version: i64,
    /// The partner's new `updated_at`.
    pub updated_at: DateTime<Utc>,
    /// Record `primaryContact` among the partner's overridden fields (a person set it and it
    /// is not recorded yet).
    pub record_override: bool,
}

/// Points the partner at `change.contact_id` if its version is still the expected one
/// (inside a transaction on connection `$c`; returns `WriteError` from the closure).
macro_rules! set_primary {
    ($c:ident, $org:expr, $partner:expr, $change:expr) => {{
        let (org, partner): (DbUuid, DbUuid) = ($org, $partner);
        let change: PrimaryChange = $change;
        let updated = diesel::update(
            partners::table
                .filter(partners::org_id.eq(org))
                .filter(partners::id.eq(partner))
                .filter(partners::version.eq(change.expected_version)),
        )
        .set((
            partners::primary_contact_id.eq(change.contact_id.map(DbUuid)),
            partners::version.eq(change.expected_version + 1),
            partners::updated_at.eq(DbTimestamp(change.updated_at)),
        ))
        .execute($c)
        .await?;
        if updated == 0 {
            let exists: bool = diesel::select(diesel::dsl::exists(
                partners::table
                    .filter(partners::org_id.eq(org))
                    .filter(partners::id.eq(partner)),
            ))
            .get_result($c)
            .await?;
            return Err(if exists {
                WriteError::Stale
            } else {
                WriteError::NotFound
            });
        }
        if change.record_override {
            diesel::insert_into(partner_overrides::table)
                .values((
                    partner_overrides::org_id.eq(org),
                    partner_overrides::partner_id.eq(partner),
                    partner_overrides::field.eq(PartnerField::PrimaryContact.as_str()),
                ))
                .execute($c)
                .await?;
        }
    }};
}

/// Contacts by id, in one statement.
pub async fn by_ids(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Contact>, DbError> {
    let keys: Vec<DbUuid> = ids.iter().copied().map(DbUuid).collect();
    let rows: Vec<ContactRow> = run!(conn, |c| partner_contacts::table
        .filter(partner_contacts::org_id.eq(DbUuid(org_id)))
        .filter(partner_contacts::id.eq_any(keys.clone()))
        .select(ContactRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter()
        .map(|row| {
            let contact = Contact::try_from(row)?;
            Ok((contact.id, contact))
        })
        .collect()
}

/// The contacts of many partners in one statement, each list by name then id; every
/// requested partner gets an entry.
pub async fn of_partners(
    conn: &mut Conn,
    org_id: Uuid,
    partner_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Contact>>, DbError> {
    let keys: Vec<DbUuid> = partner_ids.iter().copied().map(DbUuid).collect();
    let rows: Vec<ContactRow> = run!(conn, |c| partner_contacts::table
        .filter(partner_contacts::org_id.eq(DbUuid(org_id)))
        .filter(partner_contacts::partner_id.eq_any(keys.clone()))
        .order((
            partner_contacts::partner_id,
            partner_contacts::name,
            partner_contacts::id,
        ))
        .select(ContactRow::as_select())
        .load(c)
        .await)?;
    let mut out: HashMap<Uuid, Vec<Contact>> =
        partner_ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        let contact = Contact::try_from(row)?;
        out.entry(contact.partner_id).or_default().push(contact);
    }
    Ok(out)
}

/// How many contacts a partner has.
pub async fn count_of_partner(
    conn: &mut Conn,
    org_id: Uuid,
    partner_id: Uuid,
) -> Result<i64, DbError> {
    let query = partner_contacts::table
        .filter(partner_contacts::org_id.eq(DbUuid(org_id)))
        .filter(partner_contacts::partner_id.eq(DbUuid(partner_id)))
        .count();
    Ok(run!(conn, |c| query.get_result::<i64>(c).await)?)
}

/// Adds a contact, possibly making it the primary contact, with the partner's audit entry,
/// in one transaction.
pub async fn insert(
    conn: &mut Conn,
    contact: &Contact,
    primary: Option<PrimaryChange>,
    entry: &AuditEntry,
) -> Result<(), WriteError> {
    let (org, partner) = (DbUuid(contact.org_id), DbUuid(contact.partner_id));
    let d = &contact.details;
    let values = (
        partner_contacts::org_id.eq(org),
        partner_contacts::id.eq(DbUuid(contact.id)),
        partner_contacts::partner_id.eq(partner),
        partner_contacts::name.eq(d.name.clone()),
        partner_contacts::email.eq(d.email.as_ref().map(EmailAddress::as_str)),
        partner_contacts::phone.eq(d.phone.clone()),
        partner_contacts::title.eq(d.title.clone()),
        partner_contacts::created_at.eq(DbTimestamp(contact.created_at)),
        partner_contacts::updated_at.eq(DbTimestamp(contact.updated_at)),
    );
    let insert_entry = audit::insert_statement(entry);
    run!(conn, |c| c
        .transaction(async |c| {
            diesel::insert_into(partner_contacts::table)
                .values(values)
                .execute(c)
                .await?;
            if let Some(change) = primary {
                set_primary!(c, org, partner, change);
            }
            insert_entry.execute(c).await?;
            Ok(())
        })
        .await)
}

/// Replaces a contact's details with the partner's audit entry; `false` if it does not exist.
pub async fn update(
    conn: &mut Conn,
    contact: &Contact,
    entry: &AuditEntry,
) -> Result<bool, DbError> {
    let d = &contact.details;
    let update = diesel::update(
        partner_contacts::table
            .filter(partner_contacts::org_id.eq(DbUuid(contact.org_id)))
            .filter(partner_contacts::id.eq(DbUuid(contact.id)))
            .filter(partner_contacts::partner_id.eq(DbUuid(contact.partner_id))),
    )
    .set((
        partner_contacts::name.eq(d.name.clone()),
        partner_contacts::email.eq(d.email.as_ref().map(EmailAddress::as_str)),
        partner_contacts::phone.eq(d.phone.clone()),
        partner_contacts::title.eq(d.title.clone()),
        partner_contacts::updated_at.eq(DbTimestamp(contact.updated_at)),
    ));
    let insert_entry = audit::insert_statement(entry);
    Ok(run!(conn, |c| c
        .transaction(async |c| {
            if update.execute(c).await? == 0 {
                return Ok::<_, diesel::result::Error>(false);
            }
            insert_entry.execute(c).await?;
            Ok(true)
        })
        .await)?)
}

/// What removing a contact did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// No such contact.
    NotFound,
    /// Removed; it was not the primary contact.
    Contact,
    /// Removed, and the partner's primary contact was cleared (its version bumped).
    PrimaryContact,
}

/// Removes a contact with the partner's audit entry; if it was the partner's primary contact,
/// clears that in the same transaction and bumps the partner's version.
pub async fn delete(
    conn: &mut Conn,
    contact: &Contact,
    at: DateTime<Utc>,
    entry: &AuditEntry,
) -> Result<Removed, DbError> {
    let (org, id, partner) = (
        DbUuid(contact.org_id),
        DbUuid(contact.id),
        DbUuid(contact.partner_id),
    );
    let delete = diesel::delete(
        partner_contacts::table
            .filter(partner_contacts::org_id.eq(org))
            .filter(partner_contacts::id.eq(id)),
    );
    let clear = diesel::update(
        partners::table
            .filter(partners::org_id.eq(org))
            .filter(partners::id.eq(partner))
            .filter(partners::primary_contact_id.eq(id)),
    )
    .set((
        partners::primary_contact_id.eq(None::<DbUuid>),
        partners::version.eq(partners::version + 1),
        partners::updated_at.eq(DbTimestamp(at)),
    ));
    let insert_entry = audit::insert_statement(entry);
    Ok(run!(conn, |c| c
        .transaction(async |c| {
            if delete.execute(c).await? == 0 {
                return Ok::<_, diesel::result::Error>(Removed::NotFound);
            }
            let cleared = clear.execute(c).await? > 0;
            insert_entry.execute(c).await?;
            Ok(if cleared {
                Removed::PrimaryContact
            } else {
                Removed::Contact
            })
        })
        .await)?)
}

/// Sets or clears a partner's primary contact with its audit entry. A contact that is not
/// the partner's (any more) is [`WriteError::NotFound`], like a missing partner.
pub async fn set_primary(
    conn: &mut Conn,
    org_id: Uuid,
    partner_id: Uuid,
    change: PrimaryChange,
    entry: &AuditEntry,
) -> Result<(), WriteError> {
    let (org, partner) = (DbUuid(org_id), DbUuid(partner_id));
    // A no-op update rather than a read: it waits for a concurrent removal of the contact to
    // commit (row lock) and then finds nothing, so the partner never names a removed contact.
    let claim_contact = change.contact_id.map(|id| {
        diesel::update(
            partner_contacts::table
                .filter(partner_contacts::org_id.eq(org))
                .filter(partner_contacts::id.eq(DbUuid(id)))
                .filter(partner_contacts::partner_id.eq(partner)),
        )
        .set(partner_contacts::updated_at.eq(partner_contacts::updated_at))
    });
    let insert_entry = audit::insert_statement(entry);
    run!(conn, |c| c
        .transaction(async |c| {
            if let Some(claim) = claim_contact
                && claim.execute(c).await? == 0
            {
                return Err(WriteError::NotFound);
            }
            set_primary!(c, org, partner, change);
            insert_entry.execute(c).await?;
            Ok(())
        })
        .await)
}
