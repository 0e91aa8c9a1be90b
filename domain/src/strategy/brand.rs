//! Brand & identity: colours as validated `#rrggbb` hex.

use std::fmt;

/// Why a brand value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrandError {
    /// Not a `#rrggbb` (or `#rgb`) colour.
    #[error("`{0}` is not a hex colour such as #1a73e8")]
    NotHex(String),
}

/// A colour in the canonical form `#rrggbb` (lower case). `#rgb` is accepted and expanded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HexColor(String);

impl HexColor {
    /// Parses `#rrggbb` or `#rgb`, any case, surrounding spaces ignored.
    pub fn parse(input: &str) -> Result<Self, BrandError> {
        let trimmed = input.trim();
        let digits = trimmed
            .strip_prefix('#')
            .filter(|d| d.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| BrandError::NotHex(input.to_owned()))?;
        let canonical = match digits.len() {
            6 => digits.to_ascii_lowercase(),
            3 => digits
                .chars()
                .flat_map(|c| [c, c])
                .collect::<String>()
                .to_ascii_lowercase(),
            _ => return Err(BrandError::NotHex(input.to_owned())),
        };
        Ok(HexColor(format!("#{canonical}")))
    }

    /// The canonical `#rrggbb`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HexColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The three brand colours used in exported materials and partner-facing views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandColors {
    /// Primary colour.
    pub primary: HexColor,
    /// Secondary colour.
    pub secondary: HexColor,
    /// Accent colour.
    pub accent: HexColor,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colours_are_canonical() {
        assert_eq!(HexColor::parse("#1A73E8").unwrap().as_str(), "#1a73e8");
        assert_eq!(HexColor::parse(" #fA0 ").unwrap().as_str(), "#ffaa00");
    }

    #[test]
    fn anything_else_is_not_a_colour() {
        for bad in [
            "",
            "#",
            "1a73e8",
            "#1a73e",
            "#1a73e8ff",
            "#ggg",
            "red",
            "#12 456",
        ] {
            assert!(HexColor::parse(bad).is_err(), "{bad}");
        }
    }
}
