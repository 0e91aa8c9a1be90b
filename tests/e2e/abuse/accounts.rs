//! Abuse regression tests: accounts.
