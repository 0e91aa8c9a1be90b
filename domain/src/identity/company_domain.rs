//! A company's internet domain, normalised to lower-case ASCII (punycode).

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// The personal e-mail provider list; see the file for its format.
const PERSONAL_EMAIL_PROVIDERS: &str = include_str!("personal_email_providers.txt");

/// The longest domain name DNS allows, in ASCII characters, without the trailing dot.
const MAX_DOMAIN_CHARS: usize = 253;

/// The longest label (part between dots) DNS allows.
const MAX_LABEL_CHARS: usize = 63;

/// Hosts longer than this are refused before IDN conversion, to bound the work done.
const MAX_HOST_INPUT_CHARS: usize = 1024;

/// Why a domain was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Nothing was given.
    #[error("the domain is empty; enter a domain name such as example.com")]
    Empty,
    /// Longer than 253 characters once converted to ASCII.
    #[error("the domain is too long; a domain name may be at most {MAX_DOMAIN_CHARS} characters")]
    TooLong,
    /// Not a well-formed domain name; carries the reason.
    #[error("the domain is not valid: {0}")]
    Invalid(String),
    /// An IP address or `localhost`, which cannot identify a company.
    #[error(
        "IP addresses and localhost are not accepted; enter a public domain name such as example.com"
    )]
    NotPublic,
}

/// A company's domain such as `example.com`: lower-case, ASCII (IDNs in punycode),
/// without scheme, path, port, a leading `www.` or a trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CompanyDomain(String);

impl CompanyDomain {
    /// Normalises and validates a company domain given by a person: trims; lower-cases;
    /// strips a scheme (`http://`, `https://`, any `xyz://`), userinfo (`user@`), port, path, query and fragment;
    /// strips one leading `www.`; strips a trailing dot; converts IDN to punycode (idna::domain_to_ascii).
    /// Then validates: total length ≤ 253; at least two labels; each label 1..=63 chars of [a-z0-9-], not starting or ending with '-';
    /// the last label (TLD) is not all digits; IP addresses (v4 or v6, e.g. `[::1]`) and `localhost` are refused.
    ///
    /// A leading `www.` is kept when removing it would leave a single label (`www.com`).
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let lowered = input.trim().to_lowercase();
        if lowered.is_empty() {
            return Err(DomainError::Empty);
        }
        let host = extract_host(&lowered)?;
        let host = match host.strip_prefix("www.") {
            Some(rest) if rest.trim_end_matches('.').contains('.') => rest,
            _ => host,
        };
        normalise_and_validate(host)
    }

    /// Validates a domain that must already be bare (the part after '@' of an email): same rules but no scheme/path/port/www stripping
    /// (a `www.` host in an email stays as is); still lower-cases, strips a trailing dot and converts IDN to punycode.
    pub fn parse_bare(input: &str) -> Result<Self, DomainError> {
        if input.trim().is_empty() {
            return Err(DomainError::Empty);
        }
        normalise_and_validate(&input.to_lowercase())
    }

    /// The domain, e.g. `"example.com"` or `"xn--bcher-kva.example"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a personal e-mail provider (see personal_email_providers.txt).
    ///
    /// An entry `gmail.com` matches exactly that domain (not subdomains); an entry `hotmail.*`
    /// matches every domain whose first label is `hotmail`.
    pub fn is_personal_email_provider(&self) -> bool {
        let first_label = self.0.split('.').next().unwrap_or_default();
        provider_entries().any(|entry| match entry.strip_suffix(".*") {
            Some(family) => family == first_label,
            None => entry == self.0,
        })
    }
}

impl fmt::Display for CompanyDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The entries of the provider list, without comments and blank lines.
fn provider_entries() -> impl Iterator<Item = &'static str> {
    PERSONAL_EMAIL_PROVIDERS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Takes the host out of something that may be a URL: drops scheme, userinfo, port,
/// path, query and fragment. `input` is trimmed, lower-cased and not empty.
fn extract_host(input: &str) -> Result<&str, DomainError> {
    let without_scheme = match input.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => rest,
        _ => input.strip_prefix("//").unwrap_or(input),
    };
    let authority = without_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_and_port = match authority.rsplit_once('@') {
        Some((_userinfo, rest)) => rest,
        None => authority,
    };
    if host_and_port.is_empty() {
        return Err(DomainError::Empty);
    }
    // A bracketed IPv6 literal, possibly followed by a port.
    if host_and_port.starts_with('[') {
        return Err(match host_and_port.split_once(']') {
            Some((literal, _port))
                if literal
                    .strip_prefix('[')
                    .is_some_and(|ip| ip.parse::<Ipv6Addr>().is_ok()) =>
            {
                DomainError::NotPublic
            }
            _ => invalid("square brackets are only used around IPv6 addresses"),
        });
    }
    // An IPv6 address written without brackets would otherwise be cut at its first colon.
    if host_and_port.parse::<Ipv6Addr>().is_ok() {
        return Err(DomainError::NotPublic);
    }
    match host_and_port.split_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
            if host.is_empty() {
                Err(DomainError::Empty)
            } else {
                Ok(host)
            }
        }
        Some(_) => Err(invalid(
            "only a port number may follow a colon, as in example.com:8080",
        )),
        None => Ok(host_and_port),
    }
}

/// Whether `s` is a URL scheme: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Converts a lower-cased host to punycode, strips one trailing dot and applies the DNS rules.
fn normalise_and_validate(host: &str) -> Result<CompanyDomain, DomainError> {
    reject_ip_literal(host)?;
    if host.chars().count() > MAX_HOST_INPUT_CHARS {
        return Err(DomainError::TooLong);
    }
    let ascii = idna::domain_to_ascii(host).map_err(|_| {
        invalid("it contains characters or an xn-- part that are not allowed in a domain name")
    })?;
    let domain = ascii.strip_suffix('.').unwrap_or(&ascii);
    if domain.is_empty() {
        return Err(DomainError::Empty);
    }
    reject_ip_literal(domain)?;
    if domain.len() > MAX_DOMAIN_CHARS {
        return Err(DomainError::TooLong);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    if tld == "localhost" {
        return Err(DomainError::NotPublic);
    }
    for label in &labels {
        validate_label(label)?;
    }
    if labels.len() < 2 {
        return Err(invalid(
            "it needs at least two parts separated by a dot, such as example.com",
        ));
    }
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid(
            "the last part (after the final dot) cannot be only digits",
        ));
    }
    Ok(CompanyDomain(domain.to_owned()))
}

/// Refuses IPv4 and IPv6 addresses, with or without brackets.
fn reject_ip_literal(host: &str) -> Result<(), DomainError> {
    if host.parse::<IpAddr>().is_ok() {
        return Err(DomainError::NotPublic);
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let inner = inner.strip_prefix("ipv6:").unwrap_or(inner);
        return Err(if inner.parse::<IpAddr>().is_ok() {
            DomainError::NotPublic
        } else {
            invalid("square brackets are only used around IP addresses")
        });
    }
    Ok(())
}

/// Checks one label: 1..=63 characters of `[a-z0-9-]`, not starting or ending with `-`.
fn validate_label(label: &str) -> Result<(), DomainError> {
    if label.is_empty() {
        return Err(invalid(
            "it has an empty part; dots must separate non-empty parts, as in example.com",
        ));
    }
    if label.len() > MAX_LABEL_CHARS {
        return Err(invalid(&format!(
            "each part between dots may be at most {MAX_LABEL_CHARS} characters long"
        )));
    }
    if !label
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(invalid(&format!(
            "`{label}` may only contain letters, digits and hyphens"
        )));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(invalid(&format!(
            "`{label}` cannot start or end with a hyphen"
        )));
    }
    Ok(())
}

/// Shorthand for [`DomainError::Invalid`].
fn invalid(reason: &str) -> DomainError {
    DomainError::Invalid(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> String {
        match CompanyDomain::parse(input) {
            Ok(domain) => domain.to_string(),
            Err(e) => panic!("`{input}` was refused: {e}"),
        }
    }

    fn bare(input: &str) -> String {
        match CompanyDomain::parse_bare(input) {
            Ok(domain) => domain.to_string(),
            Err(e) => panic!("`{input}` was refused: {e}"),
        }
    }

    fn personal(input: &str) -> bool {
        CompanyDomain::parse_bare(input)
            .expect("valid")
            .is_personal_email_provider()
    }

    fn is_invalid(result: Result<CompanyDomain, DomainError>) -> bool {
        matches!(result, Err(DomainError::Invalid(_)))
    }

    #[test]
    fn a_plain_domain_is_accepted_as_is() {
        assert_eq!(parsed("example.com"), "example.com");
        assert_eq!(parsed("sub.example.co.uk"), "sub.example.co.uk");
        assert_eq!(parsed("a-b.example"), "a-b.example");
        assert_eq!(parsed("123.example.com"), "123.example.com");
    }

    #[test]
    fn surrounding_whitespace_is_trimmed_and_letters_lower_cased() {
        assert_eq!(parsed("  Example.COM \n"), "example.com");
    }

    #[test]
    fn a_www_prefix_is_dropped() {
        assert_eq!(parsed("www.example.com"), "example.com");
        assert_eq!(parsed("WWW.Example.com"), "example.com");
    }

    #[test]
    fn only_one_www_prefix_is_dropped() {
        assert_eq!(parsed("www.www.example.com"), "www.example.com");
    }

    #[test]
    fn a_www_prefix_is_kept_when_dropping_it_would_leave_one_label() {
        assert_eq!(parsed("www.com"), "www.com");
        assert_eq!(parsed("www.com."), "www.com");
    }

    #[test]
    fn www_inside_a_name_is_not_a_prefix() {
        assert_eq!(parsed("wwwexample.com"), "wwwexample.com");
        assert_eq!(parsed("shop.www.example.com"), "shop.www.example.com");
    }

    #[test]
    fn a_scheme_is_stripped() {
        assert_eq!(parsed("https://example.com"), "example.com");
        assert_eq!(parsed("http://www.example.com"), "example.com");
        assert_eq!(parsed("HTTPS://Example.com/"), "example.com");
        assert_eq!(parsed("ftp://files.example.com"), "files.example.com");
        assert_eq!(parsed("git+ssh://example.com"), "example.com");
        assert_eq!(parsed("//example.com/path"), "example.com");
    }

    #[test]
    fn path_query_and_fragment_are_stripped() {
        assert_eq!(
            parsed("https://www.example.com/about/team?lang=en#people"),
            "example.com"
        );
        assert_eq!(parsed("example.com/pricing"), "example.com");
        assert_eq!(parsed("example.com?x=1"), "example.com");
        assert_eq!(parsed("example.com#top"), "example.com");
    }

    #[test]
    fn a_url_inside_a_query_does_not_replace_the_host() {
        assert_eq!(
            parsed("example.com/redirect?to=https://other.org"),
            "example.com"
        );
    }

    #[test]
    fn userinfo_and_port_are_stripped() {
        assert_eq!(
            parsed("https://user:secret@example.com:8443/x"),
            "example.com"
        );
        assert_eq!(parsed("example.com:8080"), "example.com");
        assert_eq!(parsed("example.com:"), "example.com");
        assert_eq!(parsed("jane@example.com"), "example.com");
    }

    #[test]
    fn a_port_that_is_not_a_number_is_refused() {
        assert!(is_invalid(CompanyDomain::parse("example.com:http")));
    }

    #[test]
    fn a_trailing_dot_is_stripped() {
        assert_eq!(parsed("example.com."), "example.com");
        assert_eq!(parsed("https://example.com./"), "example.com");
        assert!(is_invalid(CompanyDomain::parse("example.com..")));
    }

    #[test]
    fn an_international_domain_becomes_punycode() {
        assert_eq!(parsed("bücher.example"), "xn--bcher-kva.example");
        assert_eq!(parsed("https://www.Bücher.de/shop"), "xn--bcher-kva.de");
        assert_eq!(parsed("例え.テスト"), "xn--r8jz45g.xn--zckzah");
        assert_eq!(parsed("xn--bcher-kva.example"), "xn--bcher-kva.example");
    }

    #[test]
    fn ideographic_full_stops_separate_labels() {
        assert_eq!(parsed("example。com"), "example.com");
    }

    #[test]
    fn empty_input_is_refused_as_empty() {
        for input in ["", "   ", "https://", "https:///path", "."] {
            assert_eq!(
                CompanyDomain::parse(input),
                Err(DomainError::Empty),
                "{input:?}"
            );
        }
    }

    #[test]
    fn a_single_label_is_refused() {
        assert!(is_invalid(CompanyDomain::parse("example")));
        assert!(is_invalid(CompanyDomain::parse("com")));
    }

    #[test]
    fn characters_outside_letters_digits_and_hyphens_are_refused() {
        for input in [
            "exa_mple.com",
            "exa mple.com",
            "exa!mple.com",
            "example.c*m",
            "exa%20mple.com",
        ] {
            assert!(is_invalid(CompanyDomain::parse(input)), "{input}");
        }
    }

    #[test]
    fn labels_cannot_start_or_end_with_a_hyphen() {
        assert!(is_invalid(CompanyDomain::parse("-example.com")));
        assert!(is_invalid(CompanyDomain::parse("example-.com")));
        assert!(is_invalid(CompanyDomain::parse("example.-com")));
    }

    #[test]
    fn empty_labels_are_refused() {
        assert!(is_invalid(CompanyDomain::parse("example..com")));
        assert!(is_invalid(CompanyDomain::parse(".example.com")));
    }

    #[test]
    fn invalid_punycode_is_refused() {
        assert!(is_invalid(CompanyDomain::parse("xn--a.example")));
    }

    #[test]
    fn a_label_may_have_sixty_three_characters_but_not_more() {
        let ok = format!("{}.com", "a".repeat(63));
        assert_eq!(parsed(&ok), ok);
        assert!(is_invalid(CompanyDomain::parse(&format!(
            "{}.com",
            "a".repeat(64)
        ))));
    }

    #[test]
    fn a_domain_may_have_253_characters_but_not_more() {
        // 4 labels of 62 + 3 dots = 251, plus ".c" = 253.
        let label = "a".repeat(62);
        let max = format!("{label}.{label}.{label}.{label}.c");
        assert_eq!(max.len(), 253);
        assert_eq!(parsed(&max), max);
        assert_eq!(parsed(&format!("{max}.")), max);
        let over = format!("{label}.{label}.{label}.{label}.co");
        assert_eq!(CompanyDomain::parse(&over), Err(DomainError::TooLong));
    }

    #[test]
    fn a_huge_input_is_refused_as_too_long() {
        let huge = format!("{}.com", "a.".repeat(5_000));
        assert_eq!(CompanyDomain::parse(&huge), Err(DomainError::TooLong));
    }

    #[test]
    fn an_all_digit_top_level_domain_is_refused() {
        assert!(is_invalid(CompanyDomain::parse("example.123")));
        assert!(is_invalid(CompanyDomain::parse("127.1")));
    }

    #[test]
    fn ip_addresses_are_refused_as_not_public() {
        for input in [
            "127.0.0.1",
            "http://10.0.0.1:8080/admin",
            "[::1]",
            "http://[::1]:3000/",
            "[2001:db8::1]",
            "::1",
            "2001:db8::1",
            "192.168.0.1.",
        ] {
            assert_eq!(
                CompanyDomain::parse(input),
                Err(DomainError::NotPublic),
                "{input}"
            );
        }
    }

    #[test]
    fn localhost_is_refused_as_not_public() {
        for input in [
            "localhost",
            "LOCALHOST",
            "http://localhost:8080",
            "localhost.",
            "app.localhost",
        ] {
            assert_eq!(
                CompanyDomain::parse(input),
                Err(DomainError::NotPublic),
                "{input}"
            );
        }
    }

    #[test]
    fn brackets_around_something_other_than_an_ip_are_refused() {
        assert!(is_invalid(CompanyDomain::parse("[example.com]")));
        assert!(is_invalid(CompanyDomain::parse("[::1")));
    }

    #[test]
    fn a_bare_domain_keeps_its_www_label() {
        assert_eq!(bare("www.example.com"), "www.example.com");
    }

    #[test]
    fn a_bare_domain_is_lower_cased_punycoded_and_loses_its_trailing_dot() {
        assert_eq!(bare("Example.COM."), "example.com");
        assert_eq!(bare("Bücher.example"), "xn--bcher-kva.example");
    }

    #[test]
    fn a_bare_domain_is_not_stripped_of_url_parts() {
        for input in [
            "https://example.com",
            "example.com/path",
            "example.com:8080",
            "user@example.com",
            " example.com",
        ] {
            assert!(is_invalid(CompanyDomain::parse_bare(input)), "{input}");
        }
    }

    #[test]
    fn a_bare_domain_refuses_ip_literals_and_localhost() {
        for input in [
            "[127.0.0.1]",
            "[ipv6:::1]",
            "[::1]",
            "10.1.2.3",
            "localhost",
        ] {
            assert_eq!(
                CompanyDomain::parse_bare(input),
                Err(DomainError::NotPublic),
                "{input}"
            );
        }
    }

    #[test]
    fn an_empty_bare_domain_is_refused_as_empty() {
        assert_eq!(CompanyDomain::parse_bare(""), Err(DomainError::Empty));
        assert_eq!(CompanyDomain::parse_bare("  "), Err(DomainError::Empty));
        assert_eq!(CompanyDomain::parse_bare("."), Err(DomainError::Empty));
    }

    #[test]
    fn exact_provider_entries_match_only_the_whole_domain() {
        assert!(personal("gmail.com"));
        assert!(personal("GMail.com"));
        assert!(personal("proton.me"));
        assert!(!personal("mail.gmail.com"));
        assert!(!personal("gmail.co"));
        assert!(!personal("notgmail.com"));
    }

    #[test]
    fn family_provider_entries_match_any_suffix() {
        assert!(personal("hotmail.com"));
        assert!(personal("hotmail.co.uk"));
        assert!(personal("hotmail.fr"));
        assert!(personal("yahoo.co.jp"));
        assert!(personal("gmx.de"));
        assert!(!personal("myhotmail.com"));
        assert!(!personal("mail.hotmail.com"));
    }

    #[test]
    fn company_domains_are_not_personal_providers() {
        for domain in ["example.com", "acme.co.uk", "partnergraph.io", "google.com"] {
            assert!(!personal(domain), "{domain}");
        }
    }

    #[test]
    fn every_required_provider_is_listed() {
        for domain in [
            "gmail.com",
            "googlemail.com",
            "outlook.com",
            "hotmail.com",
            "live.com",
            "msn.com",
            "yahoo.com",
            "ymail.com",
            "icloud.com",
            "me.com",
            "mac.com",
            "aol.com",
            "proton.me",
            "protonmail.com",
            "protonmail.ch",
            "pm.me",
            "gmx.net",
            "mail.com",
            "zoho.com",
            "zohomail.com",
            "yandex.ru",
            "ya.ru",
            "mail.ru",
            "qq.com",
            "163.com",
            "126.com",
            "web.de",
            "t-online.de",
            "orange.fr",
            "free.fr",
            "libero.it",
            "hey.com",
            "fastmail.com",
            "tutanota.com",
            "tuta.io",
            "rediffmail.com",
            "seznam.cz",
            "naver.com",
            "daum.net",
        ] {
            assert!(personal(domain), "{domain}");
        }
    }

    #[test]
    fn every_provider_entry_is_well_formed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for entry in provider_entries() {
            assert!(seen.insert(entry), "duplicate entry {entry}");
            match entry.strip_suffix(".*") {
                Some(family) => {
                    assert!(validate_label(family).is_ok(), "bad family {entry}");
                }
                None => assert_eq!(bare(entry), entry, "entry is not normalised"),
            }
        }
        assert!(seen.len() >= 39);
    }

    #[test]
    fn error_messages_say_what_is_accepted() {
        assert!(DomainError::Empty.to_string().contains("example.com"));
        assert!(DomainError::TooLong.to_string().contains("253"));
        assert!(DomainError::NotPublic.to_string().contains("localhost"));
        let err = CompanyDomain::parse("exa_mple.com").expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "the domain is not valid: `exa_mple` may only contain letters, digits and hyphens"
        );
    }
}
