//! Who someone is and what they may do: company domains, e-mail addresses,
//! passwords, person names, roles and the role policy.
//!
//! Every type validates in its `parse` function, so a value that exists is valid.
//! Error messages are shown to API clients and never contain secrets.

pub mod company_domain;
pub mod email;
pub mod password;
pub mod person_name;
pub mod role;

pub use company_domain::{CompanyDomain, DomainError};
pub use email::{EmailAddress, EmailError};
pub use password::{Password, PasswordError};
pub use person_name::{NameError, PersonName};
pub use role::{
    PolicyError, Role, can_change_role, can_create_api_key, can_invite, can_list_members,
    can_manage_api_keys, can_remove_member,
};
