//! Pure types and rules of Partnergraph: no IO, no async, no database, no GraphQL.
//!
//! Types here validate once when built (`parse`), so an invalid value cannot exist further in.

pub mod money;

pub use money::{Currency, Money, MoneyError};
