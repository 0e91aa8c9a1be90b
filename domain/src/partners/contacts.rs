//! Partner contacts: the partner-side people of a partner record, one of whom may be its
//! primary contact.

use super::values::{MAX_NAME_CHARS, PartnerValueError};
use crate::identity::EmailAddress;

/// The most contacts one partner may have.
pub const MAX_CONTACTS_PER_PARTNER: usize = 200;

/// The longest phone number accepted, in characters.
pub const MAX_PHONE_CHARS: usize = 50;

/// A contact's details as a person wrote them, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDetails {
    /// Name: 1..=200 characters, single line.
    pub name: String,
    /// E-mail address.
    pub email: Option<EmailAddress>,
    /// Phone number: digits, spaces and `+ ( ) - . / #` or `x`/`ext` for extensions, at most
    /// 50 characters, at least one digit.
    pub phone: Option<String>,
    /// Job title: at most 200 characters, single line.
    pub title: Option<String>,
}

impl ContactDetails {
    /// Name trimmed, 1..=200 characters, single line; e-mail via [`EmailAddress::parse`];
    /// phone and title optional (empty → `None`). Errors say which part is wrong through
    /// [`ContactPart`].
    pub fn parse(
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        title: Option<&str>,
    ) -> Result<Self, (ContactPart, PartnerValueError)> {
        let name = line(Some(name), MAX_NAME_CHARS)
            .and_then(|n| n.ok_or(PartnerValueError::Empty))
            .map_err(|e| (ContactPart::Name, e))?;
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(email) => {
                Some(EmailAddress::parse(email).map_err(|e| (ContactPart::Email, e.into()))?)
            }
            None => None,
        };
        let phone = line(phone, MAX_PHONE_CHARS)
            .and_then(|p| p.map(phone_number).transpose())
            .map_err(|e| (ContactPart::Phone, e))?;
        let title = line(title, MAX_NAME_CHARS).map_err(|e| (ContactPart::Title, e))?;
        Ok(ContactDetails {
            name,
            email,
            phone,
            title,
        })
    }
}

/// Which part of a contact a validation error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactPart {
    /// The name.
    Name,
    /// The e-mail address.
    Email,
    /// The phone number.
    Phone,
    /// The job title.
    Title,
}

/// An optional single line: trims; empty → `None`; at most `max` characters; no control
/// characters.
fn line(input: Option<&str>, max: usize) -> Result<Option<String>, PartnerValueError> {
    let Some(text) = input.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(PartnerValueError::TooLong { max });
    }
    if text.chars().any(char::is_control) {
        return Err(PartnerValueError::ControlCharacters);
    }
    Ok(Some(text.to_owned()))
}

fn phone_number(phone: String) -> Result<String, PartnerValueError> {
    // Extensions may be written `x12` or `ext 12`; everything else is digits and punctuation.
    let rest = phone
        .to_ascii_lowercase()
        .replace("ext", "")
        .replace('x', "");
    let allowed = |c: char| c.is_ascii_digit() || " +()-./#".contains(c);
    if !rest.chars().all(allowed) || !rest.chars().any(|c| c.is_ascii_digit()) {
        return Err(PartnerValueError::InvalidPhone);
    }
    Ok(phone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_trimmed_and_its_email_normalised() {
        let contact = ContactDetails::parse(
            "  Hank Scorpio ",
            Some(" Hank@Globex.com "),
            Some("+1 (555) 010-0100 ext 12"),
            Some(""),
        )
        .expect("valid");
        assert_eq!(contact.name, "Hank Scorpio");
        assert_eq!(
            contact.email.map(|e| e.as_str()).as_deref(),
            Some("hank@globex.com")
        );
        assert_eq!(contact.phone.as_deref(), Some("+1 (555) 010-0100 ext 12"));
        assert_eq!(contact.title, None);
    }

    #[test]
    fn bad_parts_are_named() {
        let part =
            |r: Result<ContactDetails, (ContactPart, PartnerValueError)>| r.err().map(|e| e.0);
        assert_eq!(
            part(ContactDetails::parse(" ", None, None, None)),
            Some(ContactPart::Name)
        );
        assert_eq!(
            part(ContactDetails::parse("A", Some("nope"), None, None)),
            Some(ContactPart::Email)
        );
        assert_eq!(
            part(ContactDetails::parse("A", None, Some("call me"), None)),
            Some(ContactPart::Phone)
        );
        assert_eq!(
            part(ContactDetails::parse("A", None, Some("+-"), None)),
            Some(ContactPart::Phone)
        );
        assert_eq!(
            part(ContactDetails::parse("A", None, Some("tee 5"), None)),
            Some(ContactPart::Phone)
        );
        assert!(ContactDetails::parse("A", None, Some("555-0100 x12"), None).is_ok());
        assert_eq!(
            part(ContactDetails::parse(
                "A",
                None,
                None,
                Some(&"t".repeat(201))
            )),
            Some(ContactPart::Title)
        );
    }
}
