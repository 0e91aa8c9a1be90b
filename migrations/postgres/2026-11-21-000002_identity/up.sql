-- identity and tenancy: organisations (tenants), users with one role each, sessions with
-- rotating refresh tokens, invitations and api keys. every tenant table leads its keys with
-- org_id. secrets are stored only as sha-256 hex digests; a digest is globally unique.

create table organizations (
    id uuid not null,
    domain text not null,
    display_name text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint organizations_pkey primary key (id),
    constraint organizations_domain_key unique (domain)
);

create table users (
    org_id uuid not null,
    id uuid not null,
    email text not null,
    name text not null,
    password_hash text not null,
    role text not null,
    partner_id uuid,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint users_pkey primary key (org_id, id),
    -- a sign-in identity belongs to exactly one organisation
    constraint users_email_key unique (email),
    constraint users_org_fkey foreign key (org_id) references organizations (id) on delete cascade,
    constraint users_role_check check (role in ('owner', 'admin', 'partner_manager', 'member', 'viewer', 'partner')),
    constraint users_partner_check check ((role = 'partner') = (partner_id is not null))
);
create index users_org_created_idx on users (org_id, created_at, id);

create table sessions (
    org_id uuid not null,
    id uuid not null,
    user_id uuid not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz,
    constraint sessions_pkey primary key (org_id, id),
    constraint sessions_user_fkey foreign key (org_id, user_id) references users (org_id, id) on delete cascade
);
create index sessions_user_idx on sessions (org_id, user_id);

create table refresh_tokens (
    org_id uuid not null,
    id uuid not null,
    session_id uuid not null,
    token_hash text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    rotated_at timestamptz,
    constraint refresh_tokens_pkey primary key (org_id, id),
    constraint refresh_tokens_token_hash_key unique (token_hash),
    constraint refresh_tokens_session_fkey foreign key (org_id, session_id) references sessions (org_id, id) on delete cascade
);
create index refresh_tokens_session_idx on refresh_tokens (org_id, session_id);

create table invitations (
    org_id uuid not null,
    id uuid not null,
    email text not null,
    role text not null,
    partner_id uuid,
    token_hash text not null,
    invited_by uuid,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    accepted_at timestamptz,
    constraint invitations_pkey primary key (org_id, id),
    constraint invitations_token_hash_key unique (token_hash),
    constraint invitations_org_fkey foreign key (org_id) references organizations (id) on delete cascade,
    constraint invitations_role_check check (role in ('owner', 'admin', 'partner_manager', 'member', 'viewer', 'partner')),
    constraint invitations_partner_check check ((role = 'partner') = (partner_id is not null))
);

create table api_keys (
    org_id uuid not null,
    id uuid not null,
    name text not null,
    role text not null,
    prefix text not null,
    secret_hash text not null,
    created_by uuid,
    created_at timestamptz not null,
    last_used_at timestamptz,
    revoked_at timestamptz,
    constraint api_keys_pkey primary key (org_id, id),
    constraint api_keys_secret_hash_key unique (secret_hash),
    constraint api_keys_org_fkey foreign key (org_id) references organizations (id) on delete cascade,
    constraint api_keys_role_check check (role in ('owner', 'admin', 'partner_manager', 'member', 'viewer'))
);
create index api_keys_org_created_idx on api_keys (org_id, created_at, id);
