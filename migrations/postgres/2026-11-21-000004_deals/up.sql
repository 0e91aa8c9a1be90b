-- deals, deal registrations and the per-partner financial rollups computed from deals.
-- money is integer minor units in the organisation's deal currency, so rollups add like with like.

alter table organizations add column deal_currency text not null default 'USD';
alter table organizations add column registration_expiry_days integer not null default 90
    constraint organizations_registration_expiry_days_check check (registration_expiry_days between 1 and 3650);

create table deal_registrations (
    org_id uuid not null,
    id uuid not null,
    partner_id uuid not null,
    customer_name text not null,
    customer_domain text not null,
    amount_minor bigint not null,
    currency text not null,
    motion text not null,
    expected_close_on date,
    notes text,
    status text not null,
    submitted_by uuid,
    reviewed_by uuid,
    reviewed_at timestamptz,
    decision_reason text,
    deal_id uuid,
    -- mirrors the deal's status, so that expiry reads from this row alone
    deal_status text,
    expires_at timestamptz,
    version bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint deal_registrations_pkey primary key (org_id, id),
    constraint deal_registrations_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint deal_registrations_status_check check (status in ('submitted', 'under_review', 'approved', 'rejected', 'expired')),
    constraint deal_registrations_motion_check check (motion in ('product', 'services')),
    constraint deal_registrations_amount_check check (amount_minor >= 0),
    constraint deal_registrations_deal_check check ((status in ('approved', 'expired')) = (deal_id is not null and expires_at is not null and deal_status is not null)),
    constraint deal_registrations_deal_status_check check (deal_status in ('open', 'won', 'lost')),
    constraint deal_registrations_reason_check check (status <> 'rejected' or decision_reason is not null)
);
create index deal_registrations_partner_idx on deal_registrations (org_id, partner_id, created_at, id);
create index deal_registrations_org_created_idx on deal_registrations (org_id, created_at, id);
create index deal_registrations_customer_idx on deal_registrations (org_id, customer_domain, status);
-- the expiry sweep looks across organisations for approved registrations past their expiry
create index deal_registrations_expiry_idx on deal_registrations (expires_at) where status = 'approved';

create table deals (
    org_id uuid not null,
    id uuid not null,
    partner_id uuid not null,
    registration_id uuid,
    external_id text,
    name text,
    customer_name text not null,
    customer_domain text,
    amount_minor bigint not null,
    currency text not null,
    motion text not null,
    status text not null,
    expected_close_on date,
    closed_on date,
    version bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint deals_pkey primary key (org_id, id),
    constraint deals_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint deals_status_check check (status in ('open', 'won', 'lost')),
    constraint deals_motion_check check (motion in ('product', 'services')),
    constraint deals_amount_check check (amount_minor >= 0),
    constraint deals_closed_check check ((status = 'open') = (closed_on is null))
);
create unique index deals_external_id_key on deals (org_id, external_id) where external_id is not null;
create unique index deals_registration_key on deals (org_id, registration_id) where registration_id is not null;
create index deals_partner_idx on deals (org_id, partner_id, created_at, id);
create index deals_org_created_idx on deals (org_id, created_at, id);
create index deals_customer_idx on deals (org_id, customer_domain, status);

-- maintained in the transaction of every deal write; never typed in
create table partner_financials (
    org_id uuid not null,
    partner_id uuid not null,
    currency text not null,
    pipeline_minor bigint not null,
    revenue_minor bigint not null,
    product_revenue_minor bigint not null,
    active_deals bigint not null,
    closed_deals bigint not null,
    customers bigint not null,
    constraint partner_financials_pkey primary key (org_id, partner_id),
    constraint partner_financials_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade
);
insert into partner_financials (org_id, partner_id, currency, pipeline_minor, revenue_minor, product_revenue_minor, active_deals, closed_deals, customers)
    select org_id, id, 'USD', 0, 0, 0, 0, 0, 0 from partners;
create index partner_financials_pipeline_idx on partner_financials (org_id, pipeline_minor, partner_id);
create index partner_financials_revenue_idx on partner_financials (org_id, revenue_minor, partner_id);

-- sorting the partners table by score
create index partner_insights_fit_idx on partner_insights (org_id, fit_score, partner_id);
create index partner_insights_health_idx on partner_insights (org_id, health_score, partner_id);
