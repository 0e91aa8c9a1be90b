-- partner profiles. the profile is split along the product's own seams: core details, program
-- structure and relationship in partners; ai insights (written by scoring) in
-- partner_insights; the joint plan in partner_joint_plans. list-valued fields are rows.

create table partners (
    org_id uuid not null,
    id uuid not null,
    external_id text,
    name text not null,
    domain text,
    logo_url text,
    industry text,
    description text,
    employees bigint,
    company_revenue_minor bigint,
    company_revenue_currency text,
    type text not null,
    subtype text,
    category text,
    tier_id uuid,
    tier_source text,
    tier_evaluated_at timestamptz,
    status text not null,
    stage text not null,
    partner_manager_id uuid,
    primary_contact_id uuid,
    joint_value_proposition text,
    executive_summary text,
    version bigint not null,
    archived_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint partners_pkey primary key (org_id, id),
    constraint partners_org_fkey foreign key (org_id) references organizations (id) on delete cascade,
    constraint partners_type_check check (type in ('technology', 'consulting', 'services', 'channel', 'strategic', 'reseller', 'referral')),
    constraint partners_category_check check (category in ('solution', 'technology', 'sales')),
    constraint partners_status_check check (status in ('active', 'inactive', 'pending')),
    constraint partners_stage_check check (stage in ('prospect', 'onboarding', 'active', 'scaling', 'qualified', 'legal_negotiation', 'signed', 'enabled', 'activated', 'rejected')),
    constraint partners_tier_source_check check (tier_source in ('auto', 'manual')),
    constraint partners_employees_check check (employees >= 0),
    constraint partners_company_revenue_check check (company_revenue_minor >= 0),
    constraint partners_version_check check (version >= 1)
);
create unique index partners_external_id_key on partners (org_id, external_id) where external_id is not null;
create unique index partners_domain_key on partners (org_id, domain) where domain is not null;
create index partners_org_name_idx on partners (org_id, name, id);
create index partners_org_created_idx on partners (org_id, created_at, id);

create table partner_insights (
    org_id uuid not null,
    partner_id uuid not null,
    fit_score smallint,
    health_score smallint,
    capacity_score smallint,
    capability_score smallint,
    commitment_score smallint,
    customer_alignment_score smallint,
    ai_summary text,
    analyzed_at timestamptz,
    constraint partner_insights_pkey primary key (org_id, partner_id),
    constraint partner_insights_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint partner_insights_scores_check check (
        fit_score between 0 and 100 and health_score between 0 and 100
        and capacity_score between 0 and 100 and capability_score between 0 and 100
        and commitment_score between 0 and 100 and customer_alignment_score between 0 and 100)
);

create table partner_joint_plans (
    org_id uuid not null,
    partner_id uuid not null,
    currency text not null,
    annual_revenue_target_minor bigint,
    q1_weight smallint,
    q2_weight smallint,
    q3_weight smallint,
    q4_weight smallint,
    constraint partner_joint_plans_pkey primary key (org_id, partner_id),
    constraint partner_joint_plans_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint partner_joint_plans_target_check check (annual_revenue_target_minor >= 0),
    constraint partner_joint_plans_weights_check check (
        (q1_weight is null and q2_weight is null and q3_weight is null and q4_weight is null)
        or (q1_weight + q2_weight + q3_weight + q4_weight = 100
            and q1_weight >= 0 and q2_weight >= 0 and q3_weight >= 0 and q4_weight >= 0))
);

-- regions, languages, services, products
create table partner_list_values (
    org_id uuid not null,
    partner_id uuid not null,
    field text not null,
    position integer not null,
    value text not null,
    constraint partner_list_values_pkey primary key (org_id, partner_id, field, position),
    constraint partner_list_values_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint partner_list_values_field_check check (field in ('regions', 'languages', 'services', 'products'))
);
create index partner_list_values_value_idx on partner_list_values (org_id, field, value);

create table partner_tags (
    org_id uuid not null,
    partner_id uuid not null,
    category text not null,
    tag text not null,
    constraint partner_tags_pkey primary key (org_id, partner_id, category, tag),
    constraint partner_tags_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint partner_tags_category_check check (category in ('services', 'products', 'regions'))
);
create index partner_tags_tag_idx on partner_tags (org_id, category, tag);

create table partner_stakeholders (
    org_id uuid not null,
    partner_id uuid not null,
    position integer not null,
    name text not null,
    role text,
    email text,
    constraint partner_stakeholders_pkey primary key (org_id, partner_id, position),
    constraint partner_stakeholders_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade
);

create table partner_strengths (
    org_id uuid not null,
    partner_id uuid not null,
    position integer not null,
    label text not null,
    description text,
    score smallint,
    constraint partner_strengths_pkey primary key (org_id, partner_id, position),
    constraint partner_strengths_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint partner_strengths_score_check check (score between 0 and 100)
);

create table joint_plan_items (
    org_id uuid not null,
    partner_id uuid not null,
    position integer not null,
    kind text not null,
    name text not null,
    description text,
    url text,
    constraint joint_plan_items_pkey primary key (org_id, partner_id, position),
    constraint joint_plan_items_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint joint_plan_items_kind_check check (kind in ('affiliate', 'integration', 'workflow'))
);

-- fields a person edited: automated writers leave them alone
create table partner_overrides (
    org_id uuid not null,
    partner_id uuid not null,
    field text not null,
    constraint partner_overrides_pkey primary key (org_id, partner_id, field),
    constraint partner_overrides_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade
);

-- audit trail of partners (and later deals): who changed what, before and after
create table audit_entries (
    org_id uuid not null,
    id uuid not null,
    subject_kind text not null,
    subject_id uuid not null,
    action text not null,
    actor_kind text not null,
    actor_id uuid,
    changes jsonb not null,
    created_at timestamptz not null,
    constraint audit_entries_pkey primary key (org_id, id),
    constraint audit_entries_org_fkey foreign key (org_id) references organizations (id) on delete cascade,
    constraint audit_entries_action_check check (action in ('create', 'update', 'archive', 'unarchive', 'delete')),
    constraint audit_entries_actor_check check (actor_kind in ('user', 'api_key', 'system'))
);
create index audit_entries_subject_idx on audit_entries (org_id, subject_kind, subject_id, created_at, id);
