//! An e-mail address, lower-cased, with its domain in punycode.

use std::fmt;

use super::company_domain::{CompanyDomain, DomainError};

/// The longest e-mail address accepted, in characters (RFC 5321 path limit minus the brackets).
const MAX_ADDRESS_CHARS: usize = 254;

/// The longest local part (before `@`) accepted, in characters.
const MAX_LOCAL_CHARS: usize = 64;

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was given.
    #[error("the e-mail address is empty; enter an address such as name@example.com")]
    Empty,
    /// Longer than 254 characters.
    #[error(
        "the e-mail address is too long; an address may be at most {MAX_ADDRESS_CHARS} characters"
    )]
    TooLong,
    /// Not a well-formed address; carries the reason.
    #[error("the e-mail address is not valid: {0}")]
    Invalid(String),
    /// The part after `@` is not an acceptable domain.
    #[error("the e-mail address is not valid: {0}")]
    Domain(#[from] DomainError),
}

/// An e-mail address such as `jane.doe@example.com`: lower-case, with an unquoted
/// ASCII local part and a validated domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress {
    local: String,
    domain: CompanyDomain,
}

impl EmailAddress {
    /// Trims, lower-cases the whole address, checks: total ≤ 254 chars; exactly one '@';
    /// local part 1..=64 chars of RFC 5322 atext (letters, digits, and !#$%&'*+/=?^_`{|}~-) and dots, no leading, trailing or consecutive dots;
    /// domain via CompanyDomain::parse_bare.
    ///
    /// The length limit also applies to the address once its domain is in punycode.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let address = input.trim().to_lowercase();
        if address.is_empty() {
            return Err(EmailError::Empty);
        }
        if address.chars().count() > MAX_ADDRESS_CHARS {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = match address.split_once('@') {
            None => {
                return Err(invalid(
                    "it must contain an @ between the name and the domain, as in name@example.com",
                ));
            }
            Some((_, rest)) if rest.contains('@') => {
                return Err(invalid(
                    "it must contain exactly one @, as in name@example.com",
                ));
            }
            Some(parts) => parts,
        };
        validate_local(local)?;
        let domain = CompanyDomain::parse_bare(domain)?;
        let email = EmailAddress {
            local: local.to_owned(),
            domain,
        };
        if email.local.len() + 1 + email.domain.as_str().len() > MAX_ADDRESS_CHARS {
            return Err(EmailError::TooLong);
        }
        Ok(email)
    }

    /// The address as `local@domain`, with the domain in punycode.
    pub fn as_str(&self) -> String {
        self.to_string()
    }

    /// The domain after `@`.
    pub fn domain(&self) -> &CompanyDomain {
        &self.domain
    }

    /// Whether the domain is a personal e-mail provider such as gmail.com.
    pub fn is_personal(&self) -> bool {
        self.domain.is_personal_email_provider()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

/// Checks the local part: 1..=64 characters of atext and dots, dots only between other characters.
fn validate_local(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(invalid(
            "the part before @ is empty; enter an address such as name@example.com",
        ));
    }
    if local.chars().count() > MAX_LOCAL_CHARS {
        return Err(invalid(&format!(
            "the part before @ may be at most {MAX_LOCAL_CHARS} characters"
        )));
    }
    if !local.chars().all(|c| c == '.' || is_atext(c)) {
        return Err(invalid(
            "the part before @ may only contain letters, digits, dots and the symbols !#$%&'*+/=?^_`{|}~-",
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(invalid(
            "the part before @ cannot start or end with a dot or contain two dots in a row",
        ));
    }
    Ok(())
}

/// Whether `c` is RFC 5322 `atext`: an ASCII letter, digit or one of ``!#$%&'*+/=?^_`{|}~-``.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// Shorthand for [`EmailError::Invalid`].
fn invalid(reason: &str) -> EmailError {
    EmailError::Invalid(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> String {
        match EmailAddress::parse(input) {
            Ok(email) => email.as_str(),
            Err(e) => panic!("`{input}` was refused: {e}"),
        }
    }

    fn is_invalid(result: Result<EmailAddress, EmailError>) -> bool {
        matches!(result, Err(EmailError::Invalid(_)))
    }

    #[test]
    fn a_simple_address_is_accepted() {
        assert_eq!(parsed("jane@example.com"), "jane@example.com");
        assert_eq!(
            parsed("jane.doe@sub.example.co.uk"),
            "jane.doe@sub.example.co.uk"
        );
    }

    #[test]
    fn the_address_is_trimmed_and_lower_cased() {
        assert_eq!(parsed("  Jane.Doe@Example.COM\t"), "jane.doe@example.com");
    }

    #[test]
    fn display_and_as_str_agree() {
        let email = EmailAddress::parse("a@example.com").expect("valid");
        assert_eq!(email.to_string(), email.as_str());
    }

    #[test]
    fn every_atext_symbol_is_allowed_in_the_local_part() {
        let local = "a!#$%&'*+/=?^_`{|}~-z";
        assert_eq!(
            parsed(&format!("{local}@example.com")),
            format!("{local}@example.com")
        );
        assert_eq!(
            parsed("first.last+tag@example.com"),
            "first.last+tag@example.com"
        );
    }

    #[test]
    fn other_characters_in_the_local_part_are_refused() {
        for input in [
            "ja ne@example.com",
            "ja\"ne@example.com",
            "jane(x)@example.com",
            "ja,ne@example.com",
            "ja;ne@example.com",
            "jäne@example.com",
            "\"jane\"@example.com",
        ] {
            assert!(is_invalid(EmailAddress::parse(input)), "{input}");
        }
    }

    #[test]
    fn dots_must_sit_between_other_characters() {
        for input in [
            ".jane@example.com",
            "jane.@example.com",
            "ja..ne@example.com",
            ".@example.com",
        ] {
            assert!(is_invalid(EmailAddress::parse(input)), "{input}");
        }
    }

    #[test]
    fn exactly_one_at_sign_is_required() {
        assert!(is_invalid(EmailAddress::parse("jane.example.com")));
        assert!(is_invalid(EmailAddress::parse("jane@doe@example.com")));
        assert!(is_invalid(EmailAddress::parse("@@example.com")));
    }

    #[test]
    fn an_empty_local_part_is_refused() {
        assert!(is_invalid(EmailAddress::parse("@example.com")));
    }

    #[test]
    fn the_local_part_may_have_64_characters_but_not_more() {
        let ok = format!("{}@example.com", "a".repeat(64));
        assert_eq!(parsed(&ok), ok);
        assert!(is_invalid(EmailAddress::parse(&format!(
            "{}@example.com",
            "a".repeat(65)
        ))));
    }

    #[test]
    fn the_address_may_have_254_characters_but_not_more() {
        // 64 + 1 + 189 = 254.
        let domain = format!(
            "{}.{}.{}.com",
            "b".repeat(62),
            "c".repeat(62),
            "d".repeat(59)
        );
        assert_eq!(domain.len(), 189);
        let ok = format!("{}@{domain}", "a".repeat(64));
        assert_eq!(ok.len(), 254);
        assert_eq!(parsed(&ok), ok);
        let over = format!("{}@e{domain}", "a".repeat(64));
        assert_eq!(EmailAddress::parse(&over), Err(EmailError::TooLong));
    }

    #[test]
    fn the_length_limit_applies_after_punycode_conversion() {
        // 64 + 1 + 185 = 250 characters, but "bücher" becomes "xn--bcher-kva",
        // which makes 64 + 1 + 192 = 257.
        let domain = format!(
            "bücher.{}.{}.{}.com",
            "b".repeat(62),
            "c".repeat(62),
            "d".repeat(48)
        );
        assert_eq!(domain.chars().count(), 185);
        let input = format!("{}@{domain}", "a".repeat(64));
        assert_eq!(input.chars().count(), 250);
        assert_eq!(EmailAddress::parse(&input), Err(EmailError::TooLong));
    }

    #[test]
    fn empty_input_is_refused_as_empty() {
        assert_eq!(EmailAddress::parse(""), Err(EmailError::Empty));
        assert_eq!(EmailAddress::parse(" \n "), Err(EmailError::Empty));
    }

    #[test]
    fn the_domain_follows_the_bare_domain_rules() {
        assert_eq!(
            EmailAddress::parse("jane@"),
            Err(EmailError::Domain(DomainError::Empty))
        );
        assert_eq!(
            EmailAddress::parse("jane@localhost"),
            Err(EmailError::Domain(DomainError::NotPublic))
        );
        assert_eq!(
            EmailAddress::parse("jane@[127.0.0.1]"),
            Err(EmailError::Domain(DomainError::NotPublic))
        );
        assert!(matches!(
            EmailAddress::parse("jane@example"),
            Err(EmailError::Domain(DomainError::Invalid(_)))
        ));
        assert!(matches!(
            EmailAddress::parse("jane@example.com/x"),
            Err(EmailError::Domain(DomainError::Invalid(_)))
        ));
    }

    #[test]
    fn a_www_domain_is_kept_in_an_address() {
        assert_eq!(parsed("jane@www.example.com"), "jane@www.example.com");
        assert_eq!(
            EmailAddress::parse("jane@www.example.com")
                .expect("valid")
                .domain()
                .as_str(),
            "www.example.com"
        );
    }

    #[test]
    fn an_international_domain_is_stored_in_punycode() {
        assert_eq!(parsed("Jane@Bücher.example"), "jane@xn--bcher-kva.example");
    }

    #[test]
    fn a_trailing_dot_after_the_domain_is_dropped() {
        assert_eq!(parsed("jane@example.com."), "jane@example.com");
    }

    #[test]
    fn personal_addresses_are_recognised() {
        assert!(
            EmailAddress::parse("jane@gmail.com")
                .expect("valid")
                .is_personal()
        );
        assert!(
            EmailAddress::parse("jane@hotmail.co.uk")
                .expect("valid")
                .is_personal()
        );
        assert!(
            !EmailAddress::parse("jane@acme.com")
                .expect("valid")
                .is_personal()
        );
    }

    #[test]
    fn error_messages_say_what_is_accepted() {
        assert!(EmailError::Empty.to_string().contains("name@example.com"));
        assert!(EmailError::TooLong.to_string().contains("254"));
        let err = EmailAddress::parse("jane@localhost").expect_err("refused");
        assert!(
            err.to_string()
                .starts_with("the e-mail address is not valid: ")
        );
        assert!(err.to_string().contains("localhost"));
    }
}
