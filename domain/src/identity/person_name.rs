//! A person's display name.

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing but whitespace was given.
    #[error("the name is empty; enter at least one character")]
    Empty,
    /// More than [`PersonName::MAX_CHARS`] characters.
    #[error(
        "the name is too long; it may be at most {} characters",
        PersonName::MAX_CHARS
    )]
    TooLong,
    /// Contains a control character such as a line break or tab.
    #[error(
        "the name contains control characters such as line breaks or tabs; use letters, spaces and punctuation only"
    )]
    ControlCharacters,
}

/// A person's name as they wrote it, trimmed: 1..=200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// The most characters a name may have.
    pub const MAX_CHARS: usize = 200;

    /// Trims; 1..=200 chars; no control characters.
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(NameError::ControlCharacters);
        }
        Ok(PersonName(name.to_owned()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_otherwise_kept_as_written() {
        let name = PersonName::parse("  Ada  Lovelace \n").expect("valid");
        assert_eq!(name.as_str(), "Ada  Lovelace");
        assert_eq!(name.into_inner(), "Ada  Lovelace");
    }

    #[test]
    fn names_in_any_script_are_accepted() {
        for input in ["José Núñez", "李小龍", "Ærøskøbing O'Neil-Smith", "X"] {
            assert_eq!(
                PersonName::parse(input).map(PersonName::into_inner),
                Ok(input.to_owned())
            );
        }
    }

    #[test]
    fn an_empty_or_blank_name_is_refused() {
        assert_eq!(PersonName::parse(""), Err(NameError::Empty));
        assert_eq!(PersonName::parse(" \t\n "), Err(NameError::Empty));
    }

    #[test]
    fn a_name_may_have_200_characters_but_not_more() {
        assert!(PersonName::parse(&"é".repeat(200)).is_ok());
        assert_eq!(PersonName::parse(&"é".repeat(201)), Err(NameError::TooLong));
    }

    #[test]
    fn the_length_is_measured_after_trimming() {
        assert!(PersonName::parse(&format!("  {}  ", "a".repeat(200))).is_ok());
    }

    #[test]
    fn control_characters_inside_a_name_are_refused() {
        for input in [
            "Ada\nLovelace",
            "Ada\tLovelace",
            "Ada\u{0}",
            "Ada\u{7f}x",
            "Ada\u{85}x",
        ] {
            assert_eq!(
                PersonName::parse(input),
                Err(NameError::ControlCharacters),
                "{input:?}"
            );
        }
    }

    #[test]
    fn error_messages_say_what_is_accepted() {
        assert!(NameError::TooLong.to_string().contains("200"));
        assert!(
            NameError::Empty
                .to_string()
                .contains("at least one character")
        );
    }
}
