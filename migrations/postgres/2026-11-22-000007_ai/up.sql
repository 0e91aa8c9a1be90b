-- AI generation: generations (one model run each), versioned strategy documents, the per-domain
-- cache of generated ICP/IPP, onboarding progress, and "Edit with AI" conversations.

-- a generation: one streamed, validated model run for a target (e.g. `strategy:ICP`)
create table generations (
    org_id uuid not null,
    id uuid not null,
    kind text not null,
    target text not null,
    status text not null,
    model text not null,
    prompt_version text not null,
    input_hash text not null,
    output jsonb,
    error text,
    prompt_tokens integer not null default 0,
    completion_tokens integer not null default 0,
    requested_by uuid,
    created_at timestamptz not null,
    started_at timestamptz,
    first_token_at timestamptz,
    finished_at timestamptz,
    constraint generations_pkey primary key (org_id, id),
    constraint generations_org_fkey foreign key (org_id) references organizations (id) on delete cascade,
    constraint generations_status_check check (status in ('PENDING', 'STREAMING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    constraint generations_tokens_check check (prompt_tokens >= 0 and completion_tokens >= 0)
);
-- at most one running generation per target, across every replica
create unique index generations_running_key on generations (org_id, target) where status in ('PENDING', 'STREAMING');
-- the monthly token budget sums an organisation's generations by creation time
create index generations_org_created_idx on generations (org_id, created_at);

-- every version of a strategy document (ICP, IPP, ...): generated, prefilled from the cache, or an accepted edit
create table strategy_versions (
    org_id uuid not null,
    artifact text not null,
    version integer not null,
    content jsonb not null,
    source text not null,
    generation_id uuid,
    model text,
    prompt_version text,
    author_id uuid,
    created_at timestamptz not null,
    constraint strategy_versions_pkey primary key (org_id, artifact, version),
    constraint strategy_versions_org_fkey foreign key (org_id) references organizations (id) on delete cascade,
    constraint strategy_versions_source_check check (source in ('GENERATED', 'CACHED', 'EDITED')),
    constraint strategy_versions_version_check check (version >= 1)
);

-- the last generated ICP/IPP of an organisation per company domain (onboarding pre-fills from it)
create table strategy_cache (
    org_id uuid not null,
    domain text not null,
    artifact text not null,
    input_hash text not null,
    content jsonb not null,
    generation_id uuid,
    model text,
    prompt_version text,
    updated_at timestamptz not null,
    constraint strategy_cache_pkey primary key (org_id, domain, artifact),
    constraint strategy_cache_org_fkey foreign key (org_id) references organizations (id) on delete cascade
);

-- onboarding progress, one row per organisation once started
create table onboarding (
    org_id uuid not null,
    domain text not null,
    icp_confirmed_version integer,
    completed_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint onboarding_pkey primary key (org_id),
    constraint onboarding_org_fkey foreign key (org_id) references organizations (id) on delete cascade
);

-- brand and identity, set when onboarding completes
alter table organizations add column logo_url text;
alter table organizations add column brand_primary text;
alter table organizations add column brand_secondary text;
alter table organizations add column brand_accent text;

-- "Edit with AI": a conversation about one document (optionally one section of it)
create table edit_conversations (
    org_id uuid not null,
    id uuid not null,
    artifact text not null,
    section text,
    created_by uuid not null,
    created_at timestamptz not null,
    constraint edit_conversations_pkey primary key (org_id, id),
    constraint edit_conversations_org_fkey foreign key (org_id) references organizations (id) on delete cascade
);

-- its turns: the user's instructions and the model's proposals
create table edit_messages (
    org_id uuid not null,
    conversation_id uuid not null,
    seq integer not null,
    role text not null,
    content text not null,
    proposal_id uuid,
    created_at timestamptz not null,
    constraint edit_messages_pkey primary key (org_id, conversation_id, seq),
    constraint edit_messages_conversation_fkey foreign key (org_id, conversation_id) references edit_conversations (org_id, id) on delete cascade,
    constraint edit_messages_role_check check (role in ('USER', 'ASSISTANT')),
    constraint edit_messages_content_check check (length(content) between 1 and 20000)
);

-- a proposed new version, produced by a generation; accepted or discarded once
create table edit_proposals (
    org_id uuid not null,
    id uuid not null,
    conversation_id uuid not null,
    generation_id uuid not null,
    base_version integer not null,
    status text not null,
    accepted_version integer,
    decided_by uuid,
    decided_at timestamptz,
    created_at timestamptz not null,
    constraint edit_proposals_pkey primary key (org_id, id),
    constraint edit_proposals_conversation_fkey foreign key (org_id, conversation_id) references edit_conversations (org_id, id) on delete cascade,
    constraint edit_proposals_status_check check (status in ('OPEN', 'ACCEPTED', 'DISCARDED'))
);
create index edit_proposals_conversation_idx on edit_proposals (org_id, conversation_id, created_at);
