-- partner_facts: one narrow row per partner with what the Intelligence dashboards aggregate
-- (profile columns, deal rollups, the joint-plan target and the AI scores), so that a tile
-- scans one table of ~200 bytes a row instead of joining the wide partners table with three
-- others. The database keeps it in step: triggers copy the columns from partners,
-- partner_financials, partner_insights and partner_joint_plans in the transaction that writes
-- them, so no writer (API, import, tier evaluation, bulk seed) can forget to. Copies, not
-- increments: a row always equals its sources (decision record 0005).
create table partner_facts (
    org_id uuid not null,
    partner_id uuid not null,
    name text not null,
    stage text not null,
    status text not null,
    industry text,
    subtype text,
    tier_id uuid,
    created_at timestamptz not null,
    archived_at timestamptz,
    pipeline_minor bigint not null default 0,
    revenue_minor bigint not null default 0,
    won_deals bigint not null default 0,
    closed_deals bigint not null default 0,
    target_minor bigint,
    target_currency text,
    fit_score smallint,
    health_score smallint,
    capacity_score smallint,
    capability_score smallint,
    commitment_score smallint,
    customer_alignment_score smallint,
    constraint partner_facts_pkey primary key (org_id, partner_id),
    constraint partner_facts_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade
) with (fillfactor = 90); -- room for in-page (HOT) updates when deal rollups change

insert into partner_facts (org_id, partner_id, name, stage, status, industry, subtype, tier_id, created_at, archived_at,
        pipeline_minor, revenue_minor, won_deals, closed_deals, target_minor, target_currency,
        fit_score, health_score, capacity_score, capability_score, commitment_score, customer_alignment_score)
    select p.org_id, p.id, p.name, p.stage, p.status, p.industry, p.subtype, p.tier_id, p.created_at, p.archived_at,
        coalesce(f.pipeline_minor, 0), coalesce(f.revenue_minor, 0), coalesce(f.won_deals, 0), coalesce(f.closed_deals, 0),
        j.annual_revenue_target_minor, j.currency,
        i.fit_score, i.health_score, i.capacity_score, i.capability_score, i.commitment_score, i.customer_alignment_score
    from partners p
    left join partner_financials f on f.org_id = p.org_id and f.partner_id = p.id
    left join partner_insights i on i.org_id = p.org_id and i.partner_id = p.id
    left join partner_joint_plans j on j.org_id = p.org_id and j.partner_id = p.id;

-- the tier filter, and the archived partners the coverage tiles leave out
create index partner_facts_tier_idx on partner_facts (org_id, tier_id);
create index partner_facts_archived_idx on partner_facts (org_id, partner_id) where archived_at is not null;
-- areas to address: the lowest-scoring live partners of each 4C dimension, read from the front
create index partner_facts_capacity_idx on partner_facts (org_id, capacity_score, name, partner_id) where archived_at is null;
create index partner_facts_capability_idx on partner_facts (org_id, capability_score, name, partner_id) where archived_at is null;
create index partner_facts_commitment_idx on partner_facts (org_id, commitment_score, name, partner_id) where archived_at is null;
create index partner_facts_customer_alignment_idx on partner_facts (org_id, customer_alignment_score, name, partner_id) where archived_at is null;

-- coverage by list value: an index-only count per value
drop index partner_list_values_value_idx;
create index partner_list_values_value_idx on partner_list_values (org_id, field, value, partner_id);

create function partner_facts_update_partner() returns trigger language plpgsql as $$
begin
    update partner_facts set name = new.name, stage = new.stage, status = new.status, industry = new.industry,
        subtype = new.subtype, tier_id = new.tier_id, created_at = new.created_at, archived_at = new.archived_at
    where org_id = new.org_id and partner_id = new.id;
    return null;
end
$$;
create trigger partner_facts_update_partner after update on partners
    for each row
    when ((old.name, old.stage, old.status, old.industry, old.subtype, old.tier_id, old.created_at, old.archived_at)
        is distinct from (new.name, new.stage, new.status, new.industry, new.subtype, new.tier_id, new.created_at, new.archived_at))
    execute function partner_facts_update_partner();

-- A partner's rollup row is inserted last when it is created (and again by every refresh of
-- its deal rollups): the whole facts row is written from the four sources then, once, rather
-- than inserted with the partner and updated three times.
create function partner_facts_write() returns trigger language plpgsql as $$
begin
    insert into partner_facts (org_id, partner_id, name, stage, status, industry, subtype, tier_id, created_at, archived_at,
            pipeline_minor, revenue_minor, won_deals, closed_deals, target_minor, target_currency,
            fit_score, health_score, capacity_score, capability_score, commitment_score, customer_alignment_score)
        select p.org_id, p.id, p.name, p.stage, p.status, p.industry, p.subtype, p.tier_id, p.created_at, p.archived_at,
            new.pipeline_minor, new.revenue_minor, new.won_deals, new.closed_deals, j.annual_revenue_target_minor, j.currency,
            i.fit_score, i.health_score, i.capacity_score, i.capability_score, i.commitment_score, i.customer_alignment_score
        from partners p
        left join partner_insights i on i.org_id = p.org_id and i.partner_id = p.id
        left join partner_joint_plans j on j.org_id = p.org_id and j.partner_id = p.id
        where p.org_id = new.org_id and p.id = new.partner_id
    on conflict (org_id, partner_id) do update set
        name = excluded.name, stage = excluded.stage, status = excluded.status, industry = excluded.industry,
        subtype = excluded.subtype, tier_id = excluded.tier_id, created_at = excluded.created_at,
        archived_at = excluded.archived_at, pipeline_minor = excluded.pipeline_minor,
        revenue_minor = excluded.revenue_minor, won_deals = excluded.won_deals,
        closed_deals = excluded.closed_deals, target_minor = excluded.target_minor,
        target_currency = excluded.target_currency, fit_score = excluded.fit_score,
        health_score = excluded.health_score, capacity_score = excluded.capacity_score,
        capability_score = excluded.capability_score, commitment_score = excluded.commitment_score,
        customer_alignment_score = excluded.customer_alignment_score;
    return null;
end
$$;
create trigger partner_facts_write after insert on partner_financials
    for each row execute function partner_facts_write();

-- the other changes update the row in place (before a partner's rollup row exists, nothing)
create function partner_facts_copy_financials() returns trigger language plpgsql as $$
begin
    update partner_facts set pipeline_minor = new.pipeline_minor, revenue_minor = new.revenue_minor,
        won_deals = new.won_deals, closed_deals = new.closed_deals
    where org_id = new.org_id and partner_id = new.partner_id;
    return null;
end
$$;
create trigger partner_facts_copy_financials after update on partner_financials
    for each row execute function partner_facts_copy_financials();

create function partner_facts_copy_insights() returns trigger language plpgsql as $$
begin
    update partner_facts set fit_score = new.fit_score, health_score = new.health_score,
        capacity_score = new.capacity_score, capability_score = new.capability_score,
        commitment_score = new.commitment_score, customer_alignment_score = new.customer_alignment_score
    where org_id = new.org_id and partner_id = new.partner_id;
    return null;
end
$$;
create trigger partner_facts_copy_insights after insert or update on partner_insights
    for each row execute function partner_facts_copy_insights();

create function partner_facts_copy_joint_plan() returns trigger language plpgsql as $$
begin
    update partner_facts set target_minor = new.annual_revenue_target_minor, target_currency = new.currency
    where org_id = new.org_id and partner_id = new.partner_id;
    return null;
end
$$;
create trigger partner_facts_copy_joint_plan after insert or update on partner_joint_plans
    for each row execute function partner_facts_copy_joint_plan();

-- strengths are grouped by a stored key (the label trimmed and lowercased by the application,
-- Unicode-aware on both engines), unique per partner, so that a count of rows counts partners
alter table partner_strengths add column label_key text not null default '';
update partner_strengths set label_key = lower(trim(label));
delete from partner_strengths where exists (
    select 1 from partner_strengths earlier
    where earlier.org_id = partner_strengths.org_id
      and earlier.partner_id = partner_strengths.partner_id
      and earlier.label_key = partner_strengths.label_key
      and earlier.position < partner_strengths.position);
create unique index partner_strengths_label_key on partner_strengths (org_id, partner_id, label_key);
