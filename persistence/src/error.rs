//! Errors of the persistence layer, with database constraint violations made typed.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Everything that can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// `DATABASE_URL` could not be understood.
    #[error(
        "DATABASE_URL `{url}` is not usable: {reason}. Use sqlite://path/to/file.db or postgres://user@host:5432/database"
    )]
    InvalidUrl {
        /// The URL with any password removed.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database server or file could not be opened.
    #[error("cannot open {target} (DATABASE_URL): {reason}. {hint}")]
    Connect {
        /// What we tried to open, without secrets.
        target: String,
        /// The driver's explanation.
        reason: String,
        /// What the operator can do about it.
        hint: &'static str,
    },
    /// No pooled connection became free in time.
    #[error("timed out after {waited_ms} ms waiting for a database connection")]
    PoolTimeout {
        /// How long we waited.
        waited_ms: u128,
    },
    /// The database holds migrations this binary does not know: it was migrated by a newer release.
    #[error(
        "the database schema is newer than this binary (unknown migrations: {unknown}); upgrade partnergraph or point DATABASE_URL at another database"
    )]
    SchemaTooNew {
        /// The unknown migration versions.
        unknown: String,
    },
    /// `--no-migrate` was given but the database lacks migrations this binary needs.
    #[error(
        "the database schema is older than this binary (pending migrations: {pending}); run `partnergraph migrate` or start without --no-migrate"
    )]
    PendingMigrations {
        /// The pending migration versions.
        pending: String,
    },
    /// Applying or reverting a migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// A unique constraint was violated; the constraint name says which.
    #[error("unique constraint `{constraint}` violated")]
    UniqueViolation {
        /// The named constraint.
        constraint: String,
    },
    /// A foreign key constraint was violated.
    #[error("foreign key constraint `{constraint}` violated")]
    ForeignKeyViolation {
        /// The named constraint.
        constraint: String,
    },
    /// The row asked for does not exist.
    #[error("record not found")]
    NotFound,
    /// A stored value does not decode into its domain type (a bug or manual edit).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error(transparent)]
    Query(DieselError),
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => DbError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                DbError::UniqueViolation {
                    constraint: constraint_name(info.as_ref()),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                DbError::ForeignKeyViolation {
                    constraint: constraint_name(info.as_ref()),
                }
            }
            other => DbError::Query(other),
        }
    }
}

/// PostgreSQL reports the constraint name; SQLite only the message (`UNIQUE constraint failed:
/// table.column`), which we keep so callers can still tell violations apart.
fn constraint_name(info: &dyn diesel::result::DatabaseErrorInformation) -> String {
    info.constraint_name()
        .map(str::to_owned)
        .unwrap_or_else(|| info.message().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diesel_not_found_becomes_not_found() {
        assert!(matches!(
            DbError::from(DieselError::NotFound),
            DbError::NotFound
        ));
    }

    #[test]
    fn a_unique_violation_keeps_the_database_message_when_no_constraint_is_named() {
        let error = DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("UNIQUE constraint failed: server_settings.key".to_owned()),
        );
        match DbError::from(error) {
            DbError::UniqueViolation { constraint } => {
                assert!(constraint.contains("server_settings.key"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
