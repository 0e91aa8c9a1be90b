//! A password that meets the length policy; its `Debug` never shows the secret.

use std::fmt;

/// Why a password was refused. Messages never include the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`Password::MIN_CHARS`] characters.
    #[error(
        "the password is too short; it must be at least {} characters long",
        Password::MIN_CHARS
    )]
    TooShort,
    /// More than [`Password::MAX_CHARS`] characters.
    #[error(
        "the password is too long; it may be at most {} characters long",
        Password::MAX_CHARS
    )]
    TooLong,
    /// Only whitespace.
    #[error(
        "the password cannot consist only of spaces or other whitespace; include letters, digits or symbols"
    )]
    Blank,
}

/// A password that meets the policy: 10..=256 characters (Unicode scalar values, counted with chars()), not all whitespace.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The fewest characters a password may have.
    pub const MIN_CHARS: usize = 10;
    /// The most characters a password may have.
    pub const MAX_CHARS: usize = 256;

    /// Checks the policy. The input is not trimmed: spaces are part of the password.
    ///
    /// A non-empty password made only of whitespace is [`PasswordError::Blank`] whatever its length.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        if !input.is_empty() && input.chars().all(char::is_whitespace) {
            return Err(PasswordError::Blank);
        }
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        Ok(Password(input.to_owned()))
    }

    /// The password itself, for hashing. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_of_ten_characters_is_accepted() {
        let password = Password::parse("0123456789").expect("valid");
        assert_eq!(password.expose(), "0123456789");
    }

    #[test]
    fn a_password_of_nine_characters_is_too_short() {
        assert_eq!(Password::parse("012345678"), Err(PasswordError::TooShort));
        assert_eq!(Password::parse(""), Err(PasswordError::TooShort));
    }

    #[test]
    fn a_password_of_256_characters_is_accepted_but_not_257() {
        assert!(Password::parse(&"a".repeat(256)).is_ok());
        assert_eq!(
            Password::parse(&"a".repeat(257)),
            Err(PasswordError::TooLong)
        );
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        // Ten characters, thirty bytes.
        assert!(Password::parse(&"€".repeat(10)).is_ok());
        assert_eq!(
            Password::parse(&"€".repeat(9)),
            Err(PasswordError::TooShort)
        );
        // 256 characters, 1024 bytes.
        assert!(Password::parse(&"🔑".repeat(256)).is_ok());
    }

    #[test]
    fn surrounding_spaces_are_kept() {
        let password = Password::parse("  secret pw  ").expect("valid");
        assert_eq!(password.expose(), "  secret pw  ");
    }

    #[test]
    fn spaces_count_towards_the_length() {
        assert!(Password::parse(" abcdefgh ").is_ok());
    }

    #[test]
    fn a_password_of_only_whitespace_is_blank() {
        assert_eq!(Password::parse(&" ".repeat(12)), Err(PasswordError::Blank));
        assert_eq!(Password::parse("\t\n  "), Err(PasswordError::Blank));
        assert_eq!(Password::parse(&" ".repeat(300)), Err(PasswordError::Blank));
    }

    #[test]
    fn debug_output_hides_the_password() {
        let password = Password::parse("hunter2hunter2").expect("valid");
        let debug = format!("{password:?}");
        assert_eq!(debug, "Password(***)");
        assert!(!format!("{:?}", Some(password)).contains("hunter2"));
    }

    #[test]
    fn error_messages_state_the_limits() {
        assert!(PasswordError::TooShort.to_string().contains("10"));
        assert!(PasswordError::TooLong.to_string().contains("256"));
        assert!(PasswordError::Blank.to_string().contains("whitespace"));
    }
}
