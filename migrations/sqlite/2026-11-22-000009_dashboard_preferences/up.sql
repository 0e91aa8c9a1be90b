-- sqlite dialect of migrations/postgres/2026-11-22-000009_dashboard_preferences: uuid and timestamptz are text, booleans 0/1 integers.
-- intelligence dashboards: each person's tile and metric visibility, the won-deal rollup the
-- win rate reads, and indexes for the dashboard aggregates.

-- a person's visibility choices per dashboard: a hidden tile or metric stays hidden until shown
create table dashboard_preferences (
    org_id text not null,
    user_id text not null,
    dashboard text not null,
    item_kind text not null,
    item text not null,
    visible integer not null,
    updated_at text not null,
    constraint dashboard_preferences_pkey primary key (org_id, user_id, dashboard, item_kind, item),
    constraint dashboard_preferences_user_fkey foreign key (org_id, user_id) references users (org_id, id) on delete cascade,
    constraint dashboard_preferences_dashboard_check check (dashboard in ('executive', 'lifecycle')),
    constraint dashboard_preferences_item_kind_check check (item_kind in ('tile', 'metric')),
    constraint dashboard_preferences_item_check check (length(item) between 1 and 64),
    constraint dashboard_preferences_visible_check check (visible in (0, 1))
);

-- won deals per partner, maintained with the other rollups (win rate = won / closed)
alter table partner_financials add column won_deals integer not null default 0
    constraint partner_financials_won_deals_check check (won_deals >= 0);
update partner_financials set won_deals = (
    select count(*) from deals
    where deals.org_id = partner_financials.org_id
      and deals.partner_id = partner_financials.partner_id
      and deals.status = 'won');
