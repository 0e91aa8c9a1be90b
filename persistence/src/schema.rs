//! The diesel schema shared by both backends. Column types come from [`crate::types`] where the
//! two databases store a value differently (uuid, timestamptz, jsonb).

diesel::table! {
    /// Server-wide settings that are not tenant data.
    server_settings (key) {
        /// Setting name.
        key -> Text,
        /// Setting value.
        value -> Text,
        /// Last write.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Diesel's own bookkeeping of applied migrations (same shape on both backends).
    __diesel_schema_migrations (version) {
        /// Migration version (the timestamp prefix of its directory).
        version -> Text,
        /// When it was applied.
        run_on -> Timestamp,
    }
}
