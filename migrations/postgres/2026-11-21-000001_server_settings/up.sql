-- server-wide settings that are not tenant data (for example the generated token signing key)
create table server_settings (
    key text not null,
    value text not null,
    updated_at timestamptz not null default current_timestamp,
    constraint server_settings_pkey primary key (key),
    constraint server_settings_key_not_blank check (length(key) between 1 and 128)
);
