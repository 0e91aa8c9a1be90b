//! Identity use cases behind the GraphQL identity operations: accounts and sessions,
//! membership, API keys. GraphQL resolvers parse arguments and call these.

pub mod accounts;
pub mod api_keys;
pub mod members;

use partnergraph_domain::PolicyError;
use partnergraph_persistence::DbError;

use crate::error::ApiError;

impl From<PolicyError> for ApiError {
    fn from(error: PolicyError) -> Self {
        match error {
            PolicyError::Forbidden(message) => ApiError::Forbidden(message),
            PolicyError::Hidden => ApiError::NotFound("resource"),
            PolicyError::LastOwner => ApiError::Conflict(error.to_string()),
        }
    }
}

/// Whether `error` violates the unique constraint `name` (PostgreSQL reports the name,
/// SQLite the `table.column` it covers).
pub(crate) fn violates(error: &DbError, name: &str, sqlite_columns: &str) -> bool {
    matches!(error, DbError::UniqueViolation { constraint }
        if constraint == name || constraint.contains(sqlite_columns))
}
