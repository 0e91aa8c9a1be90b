//! Imports from CRMs: the rules every import shares (the row limit, per-row outcomes and
//! errors) and one module per kind of row.
//!
//! An import validates each row fully, then writes it in its own transaction through the same
//! paths as a person's edits (audit entry, version bump), so a failing row writes nothing and
//! never affects the other rows.

pub mod deals;
pub mod partners;

use std::collections::HashMap;

use async_graphql::MaybeUndefined;

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

    /// No such object in the caller's organisation at `field` (the message reveals nothing
    /// about other organisations).
    pub fn not_found(field: impl Into<String>, what: &str) -> Self {
        RowError {
            field: Some(field.into()),
            code: code::NOT_FOUND,
            message: format!("{what} not found"),
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

/// The first row with a key claims it; later rows with the same key fail (CONFLICT at
/// `rows[i].{field}`), so that one call never writes an object twice. `key_of` gives a parsed
/// row's index and key.
pub(crate) fn claim_keys<R>(
    rows: &mut [Result<R, RowError>],
    field: &str,
    what: &str,
    key_of: impl Fn(&R) -> (usize, &str),
) {
    let mut claimed: HashMap<String, usize> = HashMap::new();
    for row in rows.iter_mut() {
        let Ok(parsed) = row else { continue };
        let (index, key) = key_of(parsed);
        let key = key.to_owned();
        if let Some(first) = claimed.get(&key) {
            *row = Err(RowError::conflict(
                format!("rows[{index}].{field}"),
                format!(
                    "rows[{first}] has the same {field} `{key}`; each {what} may appear once per import"
                ),
            ));
        } else {
            claimed.insert(key, index);
        }
    }
}

/// Blank text counts as null.
pub(crate) fn text(value: &MaybeUndefined<String>) -> MaybeUndefined<String> {
    match value {
        MaybeUndefined::Value(v) if v.trim().is_empty() => MaybeUndefined::Null,
        other => other.clone(),
    }
}

/// A list: `null` empties it.
pub(crate) fn list<T: Clone>(value: &MaybeUndefined<Vec<T>>) -> Option<Vec<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(Vec::new()),
        MaybeUndefined::Value(v) => Some(v.clone()),
    }
}

/// One value of a closed vocabulary, in any letter case; unknown values fail naming `field`
/// and listing the known ones.
pub(crate) fn one_of<T>(
    raw: &str,
    field: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
    known: &[&str],
) -> Result<T, RowError> {
    parse(raw.trim()).ok_or_else(|| {
        let known: Vec<String> = known.iter().map(|k| k.to_ascii_uppercase()).collect();
        RowError::bad_input(
            field,
            format!(
                "unknown {what} `{raw}`; expected one of {} (in any letter case)",
                known.join(", ")
            ),
        )
    })
}

/// A non-nullable enum-like value: blank or null leaves it alone.
pub(crate) fn required_enum<T>(
    raw: Option<&str>,
    field: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
    known: &[&str],
) -> Result<Option<T>, RowError> {
    raw.filter(|r| !r.trim().is_empty())
        .map(|r| one_of(r, field, what, parse, known))
        .transpose()
}

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
    fn the_first_row_with_a_key_claims_it_and_later_ones_conflict() {
        let mut rows: Vec<Result<(usize, &str), RowError>> = vec![
            Ok((0, "a")),
            Ok((1, "b")),
            Err(RowError::bad_input("rows[2].status", "unknown")),
            Ok((3, "a")),
        ];
        claim_keys(&mut rows, "externalId", "deal", |row| (row.0, row.1));
        assert!(rows[0].is_ok() && rows[1].is_ok());
        assert_eq!(
            rows[2].as_ref().err().and_then(|e| e.field.as_deref()),
            Some("rows[2].status"),
            "failed rows stay as they are"
        );
        let conflict = rows[3].as_ref().expect_err("repeated key");
        assert_eq!(conflict.code, code::CONFLICT);
        assert_eq!(conflict.field.as_deref(), Some("rows[3].externalId"));
        assert!(conflict.message.contains("rows[0]"), "{}", conflict.message);
    }

    #[test]
    fn unknown_vocabulary_lists_the_known_values() {
        let parse = |s: &str| (s.eq_ignore_ascii_case("won")).then_some(());
        assert_eq!(
            required_enum(Some(" WoN "), "rows[0].status", "status", parse, &["won"]),
            Ok(Some(()))
        );
        assert_eq!(
            required_enum(Some("  "), "rows[0].status", "status", parse, &["won"]),
            Ok(None),
            "blank leaves it alone"
        );
        let error = required_enum(Some("closed"), "rows[0].status", "status", parse, &["won"])
            .expect_err("unknown");
        assert!(error.message.contains("`closed`") && error.message.contains("WON"));
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
