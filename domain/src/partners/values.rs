//! Validated values of a partner's profile: its name, scores, weights, headcount, logo,
//! free texts, lists, stakeholders, joint plan items and key strengths.
//!
//! Lengths are counted in characters after trimming. Error messages name no field;
//! the caller adds it.

use std::collections::HashSet;

use super::enums::JointPlanItemKind;
use crate::{EmailAddress, EmailError, Money};

/// The most characters of a name or label: a partner's name, a stakeholder's name or role,
/// a joint plan item's name, a key strength's label.
pub const MAX_NAME_CHARS: usize = 200;
/// The most characters of a partner's industry.
pub const MAX_INDUSTRY_CHARS: usize = 100;
/// The most characters of a partner's subtype.
pub const MAX_SUBTYPE_CHARS: usize = 100;
/// The most characters of a partner's description.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// The most characters of a partner's joint value proposition.
pub const MAX_JOINT_VALUE_PROPOSITION_CHARS: usize = 5_000;
/// The most characters of a partner's executive summary.
pub const MAX_EXECUTIVE_SUMMARY_CHARS: usize = 20_000;
/// The most characters of a partner's AI summary.
pub const MAX_AI_SUMMARY_CHARS: usize = 5_000;
/// The most characters of the description of a joint plan item or key strength.
pub const MAX_ITEM_DESCRIPTION_CHARS: usize = 2_000;
/// The most characters of a URL.
pub const MAX_URL_CHARS: usize = 2_048;
/// The most items of a list-valued profile field (regions, languages, services, products, tags).
pub const MAX_LIST_ITEMS: usize = 100;
/// The most characters of one item of a list-valued profile field.
pub const MAX_LIST_ITEM_CHARS: usize = 100;
/// The most key stakeholders of a partner.
pub const MAX_STAKEHOLDERS: usize = 50;
/// The most items of a partner's joint plan.
pub const MAX_JOINT_PLAN_ITEMS: usize = 200;

/// The highest score, and the total the quarterly weights must reach.
const HUNDRED: i64 = 100;

/// The largest headcount accepted.
const MAX_HEADCOUNT: i64 = 10_000_000;

/// Why a partner value was refused. Messages name no field; the caller adds it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartnerValueError {
    /// Nothing but whitespace was given where a value is required.
    #[error("the value is empty; enter at least one character")]
    Empty,
    /// Longer than `max` characters.
    #[error("the value is too long; it may be at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A number outside `min..=max`.
    #[error("the number must be between {min} and {max}, got {got}")]
    OutOfRange {
        /// The smallest number allowed.
        min: i64,
        /// The largest number allowed.
        max: i64,
        /// The number given.
        got: i64,
    },
    /// Quarterly weights that do not add up to 100; carries their sum.
    #[error("quarterly weights must sum to 100, got {0}")]
    WeightsSum(i64),
    /// A negative amount of money.
    #[error("the amount cannot be negative")]
    Negative,
    /// Not an acceptable http(s) URL; carries the reason.
    #[error("the URL is not valid: {0}")]
    InvalidUrl(String),
    /// More than `max` entries.
    #[error("there are too many entries; at most {max} are allowed")]
    TooMany {
        /// The most entries allowed.
        max: usize,
    },
    /// Contains control characters: any at all in single-line values, any but line breaks
    /// and tabs in multi-line texts.
    #[error(
        "the text contains control characters that are not allowed here, such as invisible characters, or line breaks in a single-line value"
    )]
    ControlCharacters,
    /// An e-mail address that is not valid.
    #[error(transparent)]
    Email(#[from] EmailError),
    /// Not a phone number.
    #[error(
        "the phone number is not valid; use digits, spaces and + ( ) - . / # or x/ext for an extension"
    )]
    InvalidPhone,
}

/// A partner's name as written, trimmed: 1..=200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartnerName(String);

impl PartnerName {
    /// The most characters a partner's name may have.
    pub const MAX_CHARS: usize = MAX_NAME_CHARS;

    /// Trims; 1..=200 chars; no control characters.
    pub fn parse(input: &str) -> Result<Self, PartnerValueError> {
        required_line(input, Self::MAX_CHARS).map(PartnerName)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as an owned string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A score from 0 to 100, such as a fit or health score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Score(u8);

impl Score {
    /// Accepts 0..=100.
    pub fn parse(value: i64) -> Result<Self, PartnerValueError> {
        percentage(value).map(Score)
    }

    /// The score, 0..=100.
    pub fn value(self) -> u8 {
        self.0
    }
}

/// How a partner's annual revenue target is spread over the quarters, in percent.
///
/// Built by [`QuarterlyWeights::parse`], each weight is 0..=100 and they sum to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuarterlyWeights {
    /// Percent of the year's target in the first quarter.
    pub q1: u8,
    /// Percent of the year's target in the second quarter.
    pub q2: u8,
    /// Percent of the year's target in the third quarter.
    pub q3: u8,
    /// Percent of the year's target in the fourth quarter.
    pub q4: u8,
}

impl QuarterlyWeights {
    /// Accepts four weights, each 0..=100, summing to exactly 100.
    pub fn parse(q1: i64, q2: i64, q3: i64, q4: i64) -> Result<Self, PartnerValueError> {
        let weights = QuarterlyWeights {
            q1: percentage(q1)?,
            q2: percentage(q2)?,
            q3: percentage(q3)?,
            q4: percentage(q4)?,
        };
        // Each is at most 100, so the sum cannot overflow.
        let sum = q1 + q2 + q3 + q4;
        if sum != HUNDRED {
            return Err(PartnerValueError::WeightsSum(sum));
        }
        Ok(weights)
    }
}

/// A company's number of employees: 0..=10,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Headcount(i64);

impl Headcount {
    /// Accepts 0..=10,000,000.
    pub fn parse(value: i64) -> Result<Self, PartnerValueError> {
        in_range(value, 0, MAX_HEADCOUNT).map(Headcount)
    }

    /// The number of employees.
    pub fn value(self) -> i64 {
        self.0
    }
}

/// Returns `amount` unless it is negative (a revenue or target cannot be).
pub fn non_negative_money(amount: Money) -> Result<Money, PartnerValueError> {
    if amount.minor() < 0 {
        return Err(PartnerValueError::Negative);
    }
    Ok(amount)
}

/// An `http://` or `https://` URL of a partner's logo, trimmed and otherwise as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogoUrl(String);

impl LogoUrl {
    /// Trims; at most 2,048 characters; no whitespace or control characters; starts with
    /// `https://` or `http://` (scheme in any case); the host, before any port, path, query
    /// or fragment, is `localhost` or has at least two dot-separated parts of letters,
    /// digits and hyphens. A user name or password in the URL is refused.
    pub fn parse(input: &str) -> Result<Self, PartnerValueError> {
        http_url(input).map(LogoUrl)
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL as an owned string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An optional free text such as a description: trims; empty → `None`; at most `max_chars`
/// characters; line breaks and tabs allowed, other control characters refused.
///
/// Windows line breaks (`\r\n`) become `\n`; a lone `\r` is refused.
pub fn optional_text(
    input: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, PartnerValueError> {
    let Some(text) = input.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    let text = text.replace("\r\n", "\n");
    if text.chars().count() > max_chars {
        return Err(PartnerValueError::TooLong { max: max_chars });
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(PartnerValueError::ControlCharacters);
    }
    Ok(Some(text))
}

/// A list-valued field's items: trims each; drops empty ones; drops later duplicates that
/// differ only in case, keeping the first spelling; keeps the order.
///
/// Refuses more than `max_items` distinct items ([`PartnerValueError::TooMany`]), an item
/// longer than `max_chars` ([`PartnerValueError::TooLong`]) and an item with control
/// characters.
pub fn normalize_list(
    values: &[String],
    max_items: usize,
    max_chars: usize,
) -> Result<Vec<String>, PartnerValueError> {
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for value in values {
        let item = value.trim();
        if item.is_empty() {
            continue;
        }
        if item.chars().count() > max_chars {
            return Err(PartnerValueError::TooLong { max: max_chars });
        }
        if item.chars().any(char::is_control) {
            return Err(PartnerValueError::ControlCharacters);
        }
        if seen.insert(item.to_lowercase()) {
            if items.len() == max_items {
                return Err(PartnerValueError::TooMany { max: max_items });
            }
            items.push(item.to_owned());
        }
    }
    Ok(items)
}

/// A person who matters in a partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stakeholder {
    /// The person's name: 1..=200 characters, single line.
    pub name: String,
    /// The person's role, e.g. "VP Alliances": at most 200 characters, single line.
    pub role: Option<String>,
    /// The person's e-mail address.
    pub email: Option<EmailAddress>,
}

impl Stakeholder {
    /// Name trimmed, 1..=200 characters; role at most 200 characters, empty → `None`;
    /// e-mail via [`EmailAddress::parse`], empty → `None`. Name and role are single lines.
    pub fn parse(
        name: &str,
        role: Option<&str>,
        email: Option<&str>,
    ) -> Result<Self, PartnerValueError> {
        let name = required_line(name, MAX_NAME_CHARS)?;
        let role = optional_line(role, MAX_NAME_CHARS)?;
        let email = match email.map(str::trim).filter(|email| !email.is_empty()) {
            Some(email) => Some(EmailAddress::parse(email)?),
            None => None,
        };
        Ok(Stakeholder { name, role, email })
    }
}

/// One item of a partner's joint plan: an affiliate arrangement, integration or workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JointPlanItem {
    /// What the item is.
    pub kind: JointPlanItemKind,
    /// The item's name: 1..=200 characters, single line.
    pub name: String,
    /// What the item is about: at most 2,000 characters, line breaks allowed.
    pub description: Option<String>,
    /// An `http://` or `https://` URL with more about the item.
    pub url: Option<String>,
}

impl JointPlanItem {
    /// Name trimmed, 1..=200 characters; description as [`optional_text`] with at most
    /// 2,000 characters; URL by the rules of [`LogoUrl::parse`], empty → `None`.
    pub fn parse(
        kind: JointPlanItemKind,
        name: &str,
        description: Option<&str>,
        url: Option<&str>,
    ) -> Result<Self, PartnerValueError> {
        let name = required_line(name, MAX_NAME_CHARS)?;
        let description = optional_text(description, MAX_ITEM_DESCRIPTION_CHARS)?;
        let url = match url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => Some(http_url(url)?),
            None => None,
        };
        Ok(JointPlanItem {
            kind,
            name,
            description,
            url,
        })
    }
}

/// Something a partner is good at, optionally scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyStrength {
    /// The strength in a few words: 1..=200 characters, single line.
    pub label: String,
    /// More about the strength: at most 2,000 characters, line breaks allowed.
    pub description: Option<String>,
    /// How strong it is, 0..=100.
    pub score: Option<Score>,
}

impl KeyStrength {
    /// Label trimmed, 1..=200 characters; description as [`optional_text`] with at most
    /// 2,000 characters; score via [`Score::parse`].
    pub fn parse(
        label: &str,
        description: Option<&str>,
        score: Option<i64>,
    ) -> Result<Self, PartnerValueError> {
        let label = required_line(label, MAX_NAME_CHARS)?;
        let description = optional_text(description, MAX_ITEM_DESCRIPTION_CHARS)?;
        let score = score.map(Score::parse).transpose()?;
        Ok(KeyStrength {
            label,
            description,
            score,
        })
    }

    /// What makes two strengths the same: the label trimmed and lowercased (Unicode). Stored
    /// beside the label, so that both databases group strengths alike.
    pub fn key(&self) -> String {
        self.label.trim().to_lowercase()
    }

    /// `strengths` without later duplicates (same [`KeyStrength::key`]), first spelling and
    /// order kept: a partner holds each strength once.
    pub fn distinct(strengths: impl IntoIterator<Item = KeyStrength>) -> Vec<KeyStrength> {
        let mut seen = std::collections::HashSet::new();
        strengths
            .into_iter()
            .filter(|strength| seen.insert(strength.key()))
            .collect()
    }
}

/// A required single line: trims; 1..=`max_chars` characters; no control characters.
fn required_line(input: &str, max_chars: usize) -> Result<String, PartnerValueError> {
    let line = input.trim();
    if line.is_empty() {
        return Err(PartnerValueError::Empty);
    }
    if line.chars().count() > max_chars {
        return Err(PartnerValueError::TooLong { max: max_chars });
    }
    if line.chars().any(char::is_control) {
        return Err(PartnerValueError::ControlCharacters);
    }
    Ok(line.to_owned())
}

/// An optional single line: trims; empty → `None`; otherwise as [`required_line`].
fn optional_line(
    input: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, PartnerValueError> {
    match input.map(str::trim).filter(|line| !line.is_empty()) {
        Some(line) => required_line(line, max_chars).map(Some),
        None => Ok(None),
    }
}

/// `value` if it is in `min..=max`, else [`PartnerValueError::OutOfRange`].
fn in_range(value: i64, min: i64, max: i64) -> Result<i64, PartnerValueError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(PartnerValueError::OutOfRange {
            min,
            max,
            got: value,
        })
    }
}

/// `value` as a `u8` if it is in 0..=100.
fn percentage(value: i64) -> Result<u8, PartnerValueError> {
    let value = in_range(value, 0, HUNDRED)?;
    u8::try_from(value).map_err(|_| PartnerValueError::OutOfRange {
        min: 0,
        max: HUNDRED,
        got: value,
    })
}

/// Validates an http(s) URL by the rules of [`LogoUrl::parse`]; returns it trimmed.
fn http_url(input: &str) -> Result<String, PartnerValueError> {
    let url = input.trim();
    if url.is_empty() {
        return Err(PartnerValueError::Empty);
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(PartnerValueError::TooLong { max: MAX_URL_CHARS });
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid_url(
            "it cannot contain spaces, line breaks or other invisible characters",
        ));
    }
    let rest = strip_prefix_ignoring_ascii_case(url, "https://")
        .or_else(|| strip_prefix_ignoring_ascii_case(url, "http://"))
        .ok_or_else(|| {
            invalid_url("it must start with https:// or http://, as in https://example.com")
        })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid_url("it cannot contain a user name or password"));
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) => {
            if port.is_empty()
                || !port.chars().all(|c| c.is_ascii_digit())
                || port.parse::<u16>().is_err()
            {
                return Err(invalid_url(
                    "the port after the host name must be a number up to 65535",
                ));
            }
            host
        }
        None => authority,
    };
    validate_host(host)?;
    Ok(url.to_owned())
}

/// Checks a URL's host: `localhost`, or at least two non-empty dot-separated parts
/// (a trailing dot is allowed) of letters, digits and hyphens.
fn validate_host(host: &str) -> Result<(), PartnerValueError> {
    if host.is_empty() {
        return Err(invalid_url(
            "it has no host name; enter a URL such as https://example.com",
        ));
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(());
    }
    if !host
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
    {
        return Err(invalid_url(
            "the host name may only contain letters, digits, hyphens and dots",
        ));
    }
    let labels: Vec<&str> = host.strip_suffix('.').unwrap_or(host).split('.').collect();
    if labels.iter().any(|label| label.is_empty()) {
        return Err(invalid_url("the host name has an empty part between dots"));
    }
    if labels.len() < 2 {
        return Err(invalid_url(
            "the host name must contain a dot, as in example.com, or be localhost",
        ));
    }
    Ok(())
}

/// `s` without `prefix` if it starts with it, ignoring ASCII case.
fn strip_prefix_ignoring_ascii_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Shorthand for [`PartnerValueError::InvalidUrl`].
fn invalid_url(reason: &str) -> PartnerValueError {
    PartnerValueError::InvalidUrl(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    fn url(input: &str) -> Result<String, PartnerValueError> {
        LogoUrl::parse(input).map(LogoUrl::into_inner)
    }

    fn is_invalid_url(input: &str) -> bool {
        matches!(LogoUrl::parse(input), Err(PartnerValueError::InvalidUrl(_)))
    }

    // PartnerName

    #[test]
    fn a_partner_name_is_trimmed_and_otherwise_kept_as_written() {
        let name = PartnerName::parse("  Acme  Cloud GmbH \n").expect("valid");
        assert_eq!(name.as_str(), "Acme  Cloud GmbH");
        assert_eq!(name.into_inner(), "Acme  Cloud GmbH");
        assert_eq!(
            PartnerName::parse("株式会社 Ünïcode & Co.").map(PartnerName::into_inner),
            Ok("株式会社 Ünïcode & Co.".to_owned())
        );
    }

    #[test]
    fn an_empty_or_blank_partner_name_is_refused() {
        assert_eq!(PartnerName::parse(""), Err(PartnerValueError::Empty));
        assert_eq!(PartnerName::parse(" \t\n "), Err(PartnerValueError::Empty));
    }

    #[test]
    fn a_partner_name_may_have_200_characters_but_not_more() {
        assert!(PartnerName::parse(&"é".repeat(200)).is_ok());
        assert!(PartnerName::parse(&format!("  {}  ", "a".repeat(200))).is_ok());
        assert_eq!(
            PartnerName::parse(&"é".repeat(201)),
            Err(PartnerValueError::TooLong { max: 200 })
        );
    }

    #[test]
    fn control_characters_inside_a_partner_name_are_refused() {
        for input in [
            "Acme\nCloud",
            "Acme\tCloud",
            "Acme\u{0}",
            "Acme\u{7f}x",
            "A\u{85}x",
        ] {
            assert_eq!(
                PartnerName::parse(input),
                Err(PartnerValueError::ControlCharacters),
                "{input:?}"
            );
        }
    }

    // Score, QuarterlyWeights, Headcount

    #[test]
    fn a_score_is_between_0_and_100() {
        assert_eq!(Score::parse(0).map(Score::value), Ok(0));
        assert_eq!(Score::parse(57).map(Score::value), Ok(57));
        assert_eq!(Score::parse(100).map(Score::value), Ok(100));
        for got in [-1, 101, 256, i64::MIN, i64::MAX] {
            assert_eq!(
                Score::parse(got),
                Err(PartnerValueError::OutOfRange {
                    min: 0,
                    max: 100,
                    got
                })
            );
        }
    }

    #[test]
    fn quarterly_weights_summing_to_100_are_accepted() {
        assert_eq!(
            QuarterlyWeights::parse(25, 25, 25, 25),
            Ok(QuarterlyWeights {
                q1: 25,
                q2: 25,
                q3: 25,
                q4: 25
            })
        );
        assert_eq!(
            QuarterlyWeights::parse(10, 20, 30, 40),
            Ok(QuarterlyWeights {
                q1: 10,
                q2: 20,
                q3: 30,
                q4: 40
            })
        );
        assert_eq!(
            QuarterlyWeights::parse(0, 0, 100, 0),
            Ok(QuarterlyWeights {
                q1: 0,
                q2: 0,
                q3: 100,
                q4: 0
            })
        );
    }

    #[test]
    fn quarterly_weights_not_summing_to_100_are_refused_with_their_sum() {
        assert_eq!(
            QuarterlyWeights::parse(25, 25, 25, 15),
            Err(PartnerValueError::WeightsSum(90))
        );
        assert_eq!(
            QuarterlyWeights::parse(100, 100, 100, 100),
            Err(PartnerValueError::WeightsSum(400))
        );
        assert_eq!(
            QuarterlyWeights::parse(0, 0, 0, 0),
            Err(PartnerValueError::WeightsSum(0))
        );
        assert_eq!(
            PartnerValueError::WeightsSum(90).to_string(),
            "quarterly weights must sum to 100, got 90"
        );
    }

    #[test]
    fn each_quarterly_weight_must_be_between_0_and_100() {
        assert_eq!(
            QuarterlyWeights::parse(-10, 40, 40, 30),
            Err(PartnerValueError::OutOfRange {
                min: 0,
                max: 100,
                got: -10
            })
        );
        assert_eq!(
            QuarterlyWeights::parse(0, 0, 0, 101),
            Err(PartnerValueError::OutOfRange {
                min: 0,
                max: 100,
                got: 101
            })
        );
        assert!(QuarterlyWeights::parse(i64::MAX, i64::MAX, 0, 0).is_err());
    }

    #[test]
    fn a_headcount_is_between_0_and_ten_million() {
        assert_eq!(Headcount::parse(0).map(Headcount::value), Ok(0));
        assert_eq!(
            Headcount::parse(10_000_000).map(Headcount::value),
            Ok(10_000_000)
        );
        assert_eq!(
            Headcount::parse(10_000_001),
            Err(PartnerValueError::OutOfRange {
                min: 0,
                max: 10_000_000,
                got: 10_000_001
            })
        );
        assert!(Headcount::parse(-1).is_err());
    }

    #[test]
    fn money_may_be_zero_or_positive_but_not_negative() {
        let zero = Money::zero(Currency::USD);
        assert_eq!(non_negative_money(zero), Ok(zero));
        let amount = Money::new(1_000_000, Currency::USD);
        assert_eq!(non_negative_money(amount), Ok(amount));
        assert_eq!(
            non_negative_money(Money::new(-1, Currency::USD)),
            Err(PartnerValueError::Negative)
        );
    }

    // LogoUrl

    #[test]
    fn http_and_https_urls_are_accepted_as_written() {
        for input in [
            "https://example.com",
            "https://example.com/logo.png",
            "http://cdn.example.co.uk/a/b/logo.svg?v=2#top",
            "https://example.com:8443/logo.png",
            "http://localhost",
            "http://localhost:3000/logo.png",
            "https://bücher.example/logo.png",
            "https://example.com./logo.png",
            "https://example.com?x=1",
        ] {
            assert_eq!(url(input), Ok(input.to_owned()), "{input}");
        }
    }

    #[test]
    fn a_url_is_trimmed_and_its_scheme_may_be_in_any_case() {
        assert_eq!(
            url("  https://example.com/logo.png \n"),
            Ok("https://example.com/logo.png".to_owned())
        );
        assert_eq!(
            url("HTTPS://Example.com/Logo.png"),
            Ok("HTTPS://Example.com/Logo.png".to_owned())
        );
        assert_eq!(
            url("Http://example.com"),
            Ok("Http://example.com".to_owned())
        );
    }

    #[test]
    fn other_schemes_and_schemeless_urls_are_refused() {
        for input in [
            "example.com/logo.png",
            "//example.com/logo.png",
            "ftp://example.com/logo.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "https:/example.com",
            "https//example.com",
            "httpss://example.com",
        ] {
            assert!(is_invalid_url(input), "{input}");
        }
    }

    #[test]
    fn a_url_needs_a_host_with_a_dot_or_localhost() {
        for input in [
            "https://",
            "https:///logo.png",
            "https://example",
            "https://example/logo.png",
            "https://example.",
            "https://.com",
            "https://example..com",
            "https://:443/logo.png",
        ] {
            assert!(is_invalid_url(input), "{input}");
        }
    }

    #[test]
    fn odd_characters_credentials_and_bad_ports_are_refused() {
        for input in [
            "https://exa mple.com",
            "https://example.com/a b.png",
            "https://example.com/\tlogo.png",
            "https://example.com/\u{0}",
            "https://user:pass@example.com/logo.png",
            "https://example.com@evil.com",
            "https://exa_mple.com",
            "https://[::1]/logo.png",
            "https://example.com:/logo.png",
            "https://example.com:http/logo.png",
            "https://example.com:+80/logo.png",
            "https://example.com:65536/logo.png",
            "https://example.com\\@evil.com",
        ] {
            assert!(is_invalid_url(input), "{input:?}");
        }
    }

    #[test]
    fn a_url_may_have_2048_characters_but_not_more() {
        let prefix = "https://example.com/";
        let ok = format!("{prefix}{}", "a".repeat(2048 - prefix.len()));
        assert_eq!(url(&ok), Ok(ok.clone()));
        assert_eq!(
            url(&format!("{ok}a")),
            Err(PartnerValueError::TooLong { max: 2048 })
        );
    }

    #[test]
    fn an_empty_url_is_refused_as_empty() {
        assert_eq!(LogoUrl::parse(""), Err(PartnerValueError::Empty));
        assert_eq!(LogoUrl::parse("  "), Err(PartnerValueError::Empty));
    }

    // optional_text

    #[test]
    fn optional_text_is_trimmed_and_blank_becomes_none() {
        assert_eq!(optional_text(None, 10), Ok(None));
        assert_eq!(optional_text(Some(""), 10), Ok(None));
        assert_eq!(optional_text(Some(" \n\t "), 10), Ok(None));
        assert_eq!(
            optional_text(Some("  Cloud software \n"), 100),
            Ok(Some("Cloud software".to_owned()))
        );
    }

    #[test]
    fn optional_text_keeps_line_breaks_and_tabs_but_refuses_other_control_characters() {
        assert_eq!(
            optional_text(Some("First line\n\tSecond line"), 100),
            Ok(Some("First line\n\tSecond line".to_owned()))
        );
        assert_eq!(
            optional_text(Some("one\r\ntwo"), 100),
            Ok(Some("one\ntwo".to_owned()))
        );
        for input in ["a\rb", "a\u{0}b", "a\u{1b}[31mb", "a\u{7f}", "a\u{85}b"] {
            assert_eq!(
                optional_text(Some(input), 100),
                Err(PartnerValueError::ControlCharacters),
                "{input:?}"
            );
        }
    }

    #[test]
    fn optional_text_may_reach_its_limit_but_not_exceed_it() {
        assert!(optional_text(Some(&"ü".repeat(MAX_INDUSTRY_CHARS)), MAX_INDUSTRY_CHARS).is_ok());
        assert_eq!(
            optional_text(
                Some(&"ü".repeat(MAX_INDUSTRY_CHARS + 1)),
                MAX_INDUSTRY_CHARS
            ),
            Err(PartnerValueError::TooLong { max: 100 })
        );
        let summary = "x".repeat(MAX_EXECUTIVE_SUMMARY_CHARS);
        assert!(optional_text(Some(&summary), MAX_EXECUTIVE_SUMMARY_CHARS).is_ok());
        assert_eq!(
            optional_text(Some(&format!("{summary}x")), MAX_EXECUTIVE_SUMMARY_CHARS),
            Err(PartnerValueError::TooLong { max: 20_000 })
        );
    }

    #[test]
    fn the_text_limits_are_as_documented() {
        assert_eq!(MAX_INDUSTRY_CHARS, 100);
        assert_eq!(MAX_SUBTYPE_CHARS, 100);
        assert_eq!(MAX_DESCRIPTION_CHARS, 5_000);
        assert_eq!(MAX_JOINT_VALUE_PROPOSITION_CHARS, 5_000);
        assert_eq!(MAX_EXECUTIVE_SUMMARY_CHARS, 20_000);
        assert_eq!(MAX_AI_SUMMARY_CHARS, 5_000);
        assert_eq!(MAX_LIST_ITEMS, 100);
        assert_eq!(MAX_LIST_ITEM_CHARS, 100);
        assert_eq!(MAX_STAKEHOLDERS, 50);
        assert_eq!(MAX_JOINT_PLAN_ITEMS, 200);
    }

    // normalize_list

    #[test]
    fn list_items_are_trimmed_and_empty_ones_dropped() {
        assert_eq!(
            normalize_list(&strings(&[" EMEA ", "", "  ", "APAC\n"]), 10, 10),
            Ok(strings(&["EMEA", "APAC"]))
        );
        assert_eq!(normalize_list(&[], 10, 10), Ok(vec![]));
    }

    #[test]
    fn a_partner_holds_each_strength_once_whatever_its_case_or_spacing() {
        let strength = |label: &str, score: i64| KeyStrength::parse(label, None, Some(score));
        let strengths = [
            strength("Cloud expertise", 90),
            strength("Strong support", 60),
            strength("  CLOUD Expertise ", 10),
            strength("École partenaire", 50),
            strength("école PARTENAIRE", 40),
        ]
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .expect("valid");
        let distinct = KeyStrength::distinct(strengths);
        let labels: Vec<(&str, String)> = distinct
            .iter()
            .map(|s| (s.label.as_str(), s.key()))
            .collect();
        assert_eq!(
            labels,
            [
                ("Cloud expertise", "cloud expertise".to_owned()),
                ("Strong support", "strong support".to_owned()),
                ("École partenaire", "école partenaire".to_owned()),
            ]
        );
        assert_eq!(distinct[0].score.map(Score::value), Some(90));
    }

    #[test]
    fn list_duplicates_are_dropped_ignoring_case_keeping_the_first_spelling_and_order() {
        assert_eq!(
            normalize_list(
                &strings(&[
                    "German",
                    "english",
                    "GERMAN",
                    " English ",
                    "Ünïcode",
                    "üNÏCODE"
                ]),
                10,
                10
            ),
            Ok(strings(&["German", "english", "Ünïcode"]))
        );
    }

    #[test]
    fn a_list_may_have_max_items_distinct_items_but_not_more() {
        let three = strings(&["a", "b", "c"]);
        assert_eq!(normalize_list(&three, 3, 10), Ok(three.clone()));
        assert_eq!(
            normalize_list(&strings(&["a", "b", "c", "d"]), 3, 10),
            Err(PartnerValueError::TooMany { max: 3 })
        );
        // Duplicates and blanks do not count towards the limit.
        assert_eq!(
            normalize_list(&strings(&["a", "A", "", "b", "B", "c", " c "]), 3, 10),
            Ok(three)
        );
        let many: Vec<String> = (0..=MAX_LIST_ITEMS).map(|i| format!("item {i}")).collect();
        assert_eq!(
            normalize_list(&many[..MAX_LIST_ITEMS], MAX_LIST_ITEMS, MAX_LIST_ITEM_CHARS)
                .map(|items| items.len()),
            Ok(MAX_LIST_ITEMS)
        );
        assert_eq!(
            normalize_list(&many, MAX_LIST_ITEMS, MAX_LIST_ITEM_CHARS),
            Err(PartnerValueError::TooMany { max: 100 })
        );
    }

    #[test]
    fn a_list_item_may_have_max_chars_but_not_more() {
        assert_eq!(
            normalize_list(&strings(&[" abcde "]), 10, 5),
            Ok(strings(&["abcde"]))
        );
        assert_eq!(
            normalize_list(&strings(&["ok", "abcdef"]), 10, 5),
            Err(PartnerValueError::TooLong { max: 5 })
        );
    }

    #[test]
    fn a_list_item_with_control_characters_is_refused() {
        assert_eq!(
            normalize_list(&strings(&["North\nAmerica"]), 10, 100),
            Err(PartnerValueError::ControlCharacters)
        );
    }

    // Stakeholder

    #[test]
    fn a_stakeholder_needs_only_a_name() {
        assert_eq!(
            Stakeholder::parse(" Jane Doe ", None, None),
            Ok(Stakeholder {
                name: "Jane Doe".to_owned(),
                role: None,
                email: None
            })
        );
        assert_eq!(
            Stakeholder::parse("Jane Doe", Some("  "), Some(" ")),
            Ok(Stakeholder {
                name: "Jane Doe".to_owned(),
                role: None,
                email: None
            })
        );
    }

    #[test]
    fn a_stakeholder_role_is_trimmed_and_the_email_normalised() {
        let stakeholder = Stakeholder::parse(
            "Jane Doe",
            Some(" VP Alliances "),
            Some(" Jane@Example.COM "),
        )
        .expect("valid");
        assert_eq!(stakeholder.role.as_deref(), Some("VP Alliances"));
        assert_eq!(
            stakeholder.email.map(|email| email.as_str()),
            Some("jane@example.com".to_owned())
        );
    }

    #[test]
    fn a_stakeholder_with_a_bad_name_role_or_email_is_refused() {
        assert_eq!(
            Stakeholder::parse(" ", None, None),
            Err(PartnerValueError::Empty)
        );
        assert_eq!(
            Stakeholder::parse(&"a".repeat(201), None, None),
            Err(PartnerValueError::TooLong { max: 200 })
        );
        assert_eq!(
            Stakeholder::parse("Jane", Some(&"r".repeat(201)), None),
            Err(PartnerValueError::TooLong { max: 200 })
        );
        assert_eq!(
            Stakeholder::parse("Jane", Some("VP\nAlliances"), None),
            Err(PartnerValueError::ControlCharacters)
        );
        assert!(matches!(
            Stakeholder::parse("Jane", None, Some("not-an-address")),
            Err(PartnerValueError::Email(EmailError::Invalid(_)))
        ));
        assert!(Stakeholder::parse(&"a".repeat(200), Some(&"r".repeat(200)), None).is_ok());
    }

    // JointPlanItem

    #[test]
    fn a_joint_plan_item_is_trimmed_and_blank_optionals_become_none() {
        assert_eq!(
            JointPlanItem::parse(
                JointPlanItemKind::Integration,
                " CRM sync ",
                Some(" Two-way sync\nof accounts "),
                Some(" https://docs.example.com/crm "),
            ),
            Ok(JointPlanItem {
                kind: JointPlanItemKind::Integration,
                name: "CRM sync".to_owned(),
                description: Some("Two-way sync\nof accounts".to_owned()),
                url: Some("https://docs.example.com/crm".to_owned()),
            })
        );
        assert_eq!(
            JointPlanItem::parse(
                JointPlanItemKind::Workflow,
                "Deal desk",
                Some(""),
                Some(" ")
            ),
            Ok(JointPlanItem {
                kind: JointPlanItemKind::Workflow,
                name: "Deal desk".to_owned(),
                description: None,
                url: None,
            })
        );
    }

    #[test]
    fn a_joint_plan_item_with_a_bad_name_description_or_url_is_refused() {
        let kind = JointPlanItemKind::Affiliate;
        assert_eq!(
            JointPlanItem::parse(kind, "", None, None),
            Err(PartnerValueError::Empty)
        );
        assert_eq!(
            JointPlanItem::parse(kind, &"n".repeat(201), None, None),
            Err(PartnerValueError::TooLong { max: 200 })
        );
        assert_eq!(
            JointPlanItem::parse(kind, "Program", Some(&"d".repeat(2_001)), None),
            Err(PartnerValueError::TooLong { max: 2_000 })
        );
        assert!(JointPlanItem::parse(kind, "Program", Some(&"d".repeat(2_000)), None).is_ok());
        assert!(matches!(
            JointPlanItem::parse(kind, "Program", None, Some("ftp://example.com")),
            Err(PartnerValueError::InvalidUrl(_))
        ));
        assert!(matches!(
            JointPlanItem::parse(kind, "Program", None, Some("example.com")),
            Err(PartnerValueError::InvalidUrl(_))
        ));
    }

    // KeyStrength

    #[test]
    fn a_key_strength_is_trimmed_and_optionally_scored() {
        assert_eq!(
            KeyStrength::parse(" Strong EMEA presence ", Some(" 40 offices "), Some(85)),
            Ok(KeyStrength {
                label: "Strong EMEA presence".to_owned(),
                description: Some("40 offices".to_owned()),
                score: Score::parse(85).ok(),
            })
        );
        assert_eq!(
            KeyStrength::parse("Integrations", None, None),
            Ok(KeyStrength {
                label: "Integrations".to_owned(),
                description: None,
                score: None,
            })
        );
    }

    #[test]
    fn a_key_strength_with_a_bad_label_description_or_score_is_refused() {
        assert_eq!(
            KeyStrength::parse("\t", None, None),
            Err(PartnerValueError::Empty)
        );
        assert_eq!(
            KeyStrength::parse(&"l".repeat(201), None, None),
            Err(PartnerValueError::TooLong { max: 200 })
        );
        assert_eq!(
            KeyStrength::parse("Reach", Some(&"d".repeat(2_001)), None),
            Err(PartnerValueError::TooLong { max: 2_000 })
        );
        assert_eq!(
            KeyStrength::parse("Reach", None, Some(101)),
            Err(PartnerValueError::OutOfRange {
                min: 0,
                max: 100,
                got: 101
            })
        );
    }

    // Messages

    #[test]
    fn error_messages_are_sentences_that_say_what_is_accepted() {
        assert!(
            PartnerValueError::Empty
                .to_string()
                .contains("at least one character")
        );
        assert!(
            PartnerValueError::TooLong { max: 200 }
                .to_string()
                .contains("at most 200 characters")
        );
        assert_eq!(
            PartnerValueError::OutOfRange {
                min: 0,
                max: 100,
                got: 120
            }
            .to_string(),
            "the number must be between 0 and 100, got 120"
        );
        assert!(
            PartnerValueError::TooMany { max: 50 }
                .to_string()
                .contains("at most 50")
        );
        let err = LogoUrl::parse("ftp://example.com").expect_err("refused");
        assert!(err.to_string().starts_with("the URL is not valid: "));
        assert!(err.to_string().contains("https://"));
        let err = Stakeholder::parse("Jane", None, Some("jane@localhost")).expect_err("refused");
        assert!(
            err.to_string()
                .starts_with("the e-mail address is not valid")
        );
    }
}
