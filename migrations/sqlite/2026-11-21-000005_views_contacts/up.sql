-- sqlite dialect of migrations/postgres/2026-11-21-000005_views_contacts: uuid, timestamptz and jsonb are text, booleans 0/1 integers.
-- partner contacts: the partner-side people of a partner. partners.primary_contact_id names
-- one of them; it has no foreign key (the code clears it in the transaction that removes the
-- contact).
create table partner_contacts (
    org_id text not null,
    id text not null,
    partner_id text not null,
    name text not null,
    email text,
    phone text,
    title text,
    created_at text not null,
    updated_at text not null,
    constraint partner_contacts_pkey primary key (org_id, id),
    constraint partner_contacts_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint partner_contacts_name_check check (length(name) between 1 and 200),
    constraint partner_contacts_email_check check (length(email) <= 254),
    constraint partner_contacts_phone_check check (length(phone) <= 50),
    constraint partner_contacts_title_check check (length(title) <= 200)
);
create index partner_contacts_partner_idx on partner_contacts (org_id, partner_id, name, id);

-- saved views of the partners table: a person's named filter and sort, at most one default
create table partner_views (
    org_id text not null,
    id text not null,
    user_id text not null,
    name text not null,
    filter text not null,
    order_by text not null,
    is_default integer not null,
    created_at text not null,
    updated_at text not null,
    constraint partner_views_pkey primary key (org_id, id),
    constraint partner_views_user_fkey foreign key (org_id, user_id) references users (org_id, id) on delete cascade,
    constraint partner_views_name_check check (length(name) between 1 and 100),
    constraint partner_views_is_default_check check (is_default in (0, 1))
);
create unique index partner_views_name_key on partner_views (org_id, user_id, name);
create unique index partner_views_default_key on partner_views (org_id, user_id) where is_default;
