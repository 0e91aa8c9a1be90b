-- the partner program: segments -> tracks -> tiers, requirement logic as json data, each
-- partner's stored segments, and the history of every tier change.

create table program_segments (
    org_id uuid not null,
    id uuid not null,
    name text not null,
    description text,
    family text not null,
    logic jsonb not null,
    sort_order integer not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint program_segments_pkey primary key (org_id, id),
    constraint program_segments_org_fkey foreign key (org_id) references organizations (id) on delete cascade,
    constraint program_segments_family_check check (family in ('market', 'technology', 'services'))
);

create table program_tracks (
    org_id uuid not null,
    id uuid not null,
    segment_id uuid not null,
    name text not null,
    slug text not null,
    description text,
    sort_order integer not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint program_tracks_pkey primary key (org_id, id),
    constraint program_tracks_segment_fkey foreign key (org_id, segment_id) references program_segments (org_id, id) on delete cascade
);
create unique index program_tracks_slug_key on program_tracks (org_id, slug);

-- the partner types a track applies to
create table program_track_types (
    org_id uuid not null,
    track_id uuid not null,
    partner_type text not null,
    constraint program_track_types_pkey primary key (org_id, track_id, partner_type),
    constraint program_track_types_track_fkey foreign key (org_id, track_id) references program_tracks (org_id, id) on delete cascade,
    constraint program_track_types_type_check check (partner_type in ('technology', 'consulting', 'services', 'channel', 'strategic', 'reseller', 'referral'))
);

create table program_tiers (
    org_id uuid not null,
    id uuid not null,
    track_id uuid not null,
    name text not null,
    color text not null,
    sort_order integer not null,
    logic jsonb not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint program_tiers_pkey primary key (org_id, id),
    constraint program_tiers_track_fkey foreign key (org_id, track_id) references program_tracks (org_id, id) on delete cascade,
    constraint program_tiers_color_check check (color in ('amber', 'blue', 'purple', 'green', 'orange', 'red', 'slate', 'neutral'))
);
create index program_tiers_track_idx on program_tiers (org_id, track_id, sort_order);

-- the segments whose logic each partner satisfies, as of its last evaluation
create table partner_segments (
    org_id uuid not null,
    partner_id uuid not null,
    segment_id uuid not null,
    constraint partner_segments_pkey primary key (org_id, partner_id, segment_id),
    constraint partner_segments_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint partner_segments_segment_fkey foreign key (org_id, segment_id) references program_segments (org_id, id) on delete cascade
);
create index partner_segments_segment_idx on partner_segments (org_id, segment_id, partner_id);

-- every tier change of a partner; tier names are copied so history survives tier deletion
create table partner_tier_changes (
    org_id uuid not null,
    id uuid not null,
    partner_id uuid not null,
    from_tier_id uuid,
    from_tier_name text,
    to_tier_id uuid,
    to_tier_name text,
    source text not null,
    reason text,
    actor_kind text not null,
    actor_id uuid,
    created_at timestamptz not null,
    constraint partner_tier_changes_pkey primary key (org_id, id),
    constraint partner_tier_changes_partner_fkey foreign key (org_id, partner_id) references partners (org_id, id) on delete cascade,
    constraint partner_tier_changes_source_check check (source in ('auto', 'manual')),
    constraint partner_tier_changes_actor_check check (actor_kind in ('user', 'api_key', 'system'))
);
create index partner_tier_changes_partner_idx on partner_tier_changes (org_id, partner_id, created_at, id);

create index partners_org_tier_idx on partners (org_id, tier_id);

-- when every partner's tier was last evaluated together (a partner evaluated alone keeps its own time)
alter table organizations add column tiers_evaluated_at timestamptz;
