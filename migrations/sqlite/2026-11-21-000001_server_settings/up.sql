-- server-wide settings that are not tenant data (for example the generated token signing key)
create table server_settings (
    key text not null,
    value text not null,
    -- rfc 3339 utc text, the portable form of timestamptz (see persistence/src/types.rs)
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    constraint server_settings_pkey primary key (key),
    constraint server_settings_key_not_blank check (length(key) between 1 and 128)
);
