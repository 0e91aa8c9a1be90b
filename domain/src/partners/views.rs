//! Saved views of the partners table: a person's named filter and sort.

use super::values::PartnerValueError;

/// The most saved views one person may keep.
pub const MAX_VIEWS_PER_USER: usize = 100;

/// The longest view name, in characters.
pub const MAX_VIEW_NAME_CHARS: usize = 100;

/// A view's name: trimmed, 1..=100 characters, single line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewName(String);

impl ViewName {
    /// Trims; 1..=100 characters; no control characters.
    pub fn parse(input: &str) -> Result<Self, PartnerValueError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(PartnerValueError::Empty);
        }
        if name.chars().count() > MAX_VIEW_NAME_CHARS {
            return Err(PartnerValueError::TooLong {
                max: MAX_VIEW_NAME_CHARS,
            });
        }
        if name.chars().any(char::is_control) {
            return Err(PartnerValueError::ControlCharacters);
        }
        Ok(ViewName(name.to_owned()))
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
    fn view_names_are_trimmed_single_lines_of_bounded_length() {
        assert_eq!(
            ViewName::parse("  My EMEA resellers ").map(ViewName::into_inner),
            Ok("My EMEA resellers".to_owned())
        );
        assert!(ViewName::parse("   ").is_err());
        assert!(ViewName::parse("a\nb").is_err());
        assert!(ViewName::parse(&"v".repeat(101)).is_err());
    }
}
