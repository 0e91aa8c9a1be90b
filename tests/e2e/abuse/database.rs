//! Abuse regression tests: database.
