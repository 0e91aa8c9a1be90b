//! Pure types and rules of Partnergraph: no IO, no async, no database, no GraphQL.
//!
//! Types here validate once when built (`parse`), so an invalid value cannot exist further in.

#[macro_use]
mod macros;

pub mod deals;
pub mod identity;
pub mod intelligence;
pub mod money;
pub mod partners;
pub mod program;
pub mod strategy;

pub use identity::{
    CompanyDomain, DomainError, EmailAddress, EmailError, NameError, Password, PasswordError,
    PersonName, PolicyError, Role,
};
pub use money::{Currency, Money, MoneyError};
