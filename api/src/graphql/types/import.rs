//! What an import did with each row: the outcome and the error, shared by every import
//! (`importPartners`, `importDeals`) so that clients read them the same way.

use async_graphql::{Enum, SimpleObject};

use crate::imports::{RowError, RowResult, Written};

/// What an import did with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ImportOutcome {
    /// No existing object matched the row: it was created (version 1, audit entry).
    Created,
    /// An existing object matched and the row changed it (new version, audit entry).
    Updated,
    /// An existing object matched and the row changes nothing: nothing was written (no new
    /// version, no audit entry).
    Unchanged,
    /// Nothing of the row was written; `error` says why.
    Failed,
}

/// Why a row of an import failed.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct ImportRowError {
    /// The input at fault, relative to the input, e.g. `rows[3].stage`; null when no single
    /// field is.
    pub field: Option<String>,
    /// The error code, as in `extensions.code`: `BAD_USER_INPUT` (invalid value), `NOT_FOUND`
    /// (an object the row refers to, such as a deal's partner, is not in your organisation),
    /// `CONFLICT` (another object holds a unique value, the row repeats an earlier row's key,
    /// or the object changed during the import) or `INTERNAL_SERVER_ERROR`.
    pub code: String,
    /// What is wrong, for people.
    pub message: String,
}

impl From<RowError> for ImportRowError {
    fn from(error: RowError) -> Self {
        ImportRowError {
            field: error.field,
            code: error.code.to_owned(),
            message: error.message,
        }
    }
}

/// A row's outcome, the object it wrote or matched, and its error: the parts every
/// `XImportResult` type is made of.
pub fn parts<T, G: From<T>>(
    result: RowResult<T>,
) -> (ImportOutcome, Option<G>, Option<ImportRowError>) {
    match result {
        Ok((written, value)) => (
            match written {
                Written::Created => ImportOutcome::Created,
                Written::Updated => ImportOutcome::Updated,
                Written::Unchanged => ImportOutcome::Unchanged,
            },
            Some(G::from(value)),
            None,
        ),
        Err(error) => (ImportOutcome::Failed, None, Some(error.into())),
    }
}

/// How many rows had each outcome, for the counts of every `Import*Payload`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// CREATED rows.
    pub created: i32,
    /// UPDATED rows.
    pub updated: i32,
    /// UNCHANGED rows.
    pub unchanged: i32,
    /// FAILED rows.
    pub failed: i32,
}

impl Counts {
    /// The counts of `outcomes`.
    pub fn of(outcomes: impl IntoIterator<Item = ImportOutcome>) -> Self {
        let mut counts = Counts::default();
        for outcome in outcomes {
            let count = match outcome {
                ImportOutcome::Created => &mut counts.created,
                ImportOutcome::Updated => &mut counts.updated,
                ImportOutcome::Unchanged => &mut counts.unchanged,
                ImportOutcome::Failed => &mut counts.failed,
            };
            *count = count.saturating_add(1);
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_each_outcome() {
        use ImportOutcome::*;
        assert_eq!(
            Counts::of([Created, Failed, Unchanged, Failed, Updated]),
            Counts {
                created: 1,
                updated: 1,
                unchanged: 1,
                failed: 2
            }
        );
    }
}
