//! Imports from CRMs: the rules every import shares (the row limit, per-row outcomes and
//! errors) and one module per kind of row.
//!
//! An import validates each row fully, then writes it in its own transaction through the same
//! paths as a person's edits (audit entry, version bump), so a failing row writes nothing and
//! never affects the other rows.

pub mod partners;

use crate::error::{ApiError, ApiResult, cause_chain, code};

/// The most rows one import call takes.
pub const MAX_ROWS: usize = 1_000;

/// BAD_USER_INPUT naming `input.rows` when there are more than [`MAX_ROWS`] rows (before
/// anything is read or written).
pub fn check_row_count(rows: usize) -> ApiResult<()> {
    if rows > MAX_ROWS {
        return Err(ApiError::bad_input(
            "input.rows",
            format!(
                "at most {MAX_ROWS} rows per import; this one has {rows}: split it into several calls"
            ),
        ));
    }
    Ok(())
}

/// What an import wrote for a row that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A new object.
    Created,
    /// A new version of the matched object.
    Updated,
    /// Nothing: the matched object already is as the row says.
    Unchanged,
}

/// Why a row failed (nothing of it was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The input at fault, e.g. `rows[3].stage`.
    pub field: Option<String>,
    /// The `extensions.code` vocabulary: `BAD_USER_INPUT`, `CONFLICT`, …
    pub code: &'static str,
    /// For people.
    pub message: String,
}

impl RowError {
    /// Invalid input at `field`.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        RowError {
            field: Some(field.into()),
            code: code::BAD_USER_INPUT,
            message: message.into(),
        }
    }

    /// A unique value held elsewhere, or a key repeated in the import, at `field`.
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        RowError {
            field: Some(field.into()),
            code: code::CONFLICT,
            message: message.into(),
        }
    }
}

impl From<ApiError> for RowError {
    /// Keeps the code, field and message clients would see for the same error as a whole
    /// response; an internal error is logged once here and reported with the generic message.
    fn from(error: ApiError) -> Self {
        if let ApiError::Internal(cause) = &error {
            tracing::error!(error.chain = %cause_chain(cause.as_ref()), "import row failed");
        }
        let field = match &error {
            ApiError::BadUserInput { field, .. } => field.clone(),
            _ => None,
        };
        RowError {
            field,
            code: error.code(),
            message: error.message(),
        }
    }
}

/// A row's outcome: what was written and the object, or why nothing was.
pub type RowResult<T> = Result<(Written, T), RowError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_the_limit_is_refused_naming_the_rows() {
        assert!(check_row_count(MAX_ROWS).is_ok());
        let error = check_row_count(MAX_ROWS + 1).expect_err("too many");
        assert_eq!(error.code(), code::BAD_USER_INPUT);
        assert!(
            matches!(error, ApiError::BadUserInput { field: Some(f), .. } if f == "input.rows")
        );
    }

    #[test]
    fn row_errors_keep_the_code_and_field_and_hide_internals() {
        let bad = RowError::from(ApiError::bad_input("rows[2].stage", "unknown stage"));
        assert_eq!(bad.field.as_deref(), Some("rows[2].stage"));
        assert_eq!(bad.code, "BAD_USER_INPUT");
        let internal = RowError::from(ApiError::internal("password=hunter2"));
        assert_eq!(internal.code, "INTERNAL_SERVER_ERROR");
        assert_eq!(internal.message, crate::error::INTERNAL_MESSAGE);
    }
}
