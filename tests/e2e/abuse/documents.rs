//! Abuse regression tests: documents.
