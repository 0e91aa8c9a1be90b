//! URL-safe identifiers of tracks, generated from their names and unique per organisation.

use std::collections::HashSet;
use std::fmt;

/// The most characters of a slug.
pub const MAX_SLUG_CHARS: usize = 100;

/// How many characters of the name a generated slug keeps, leaving room for a `-N` suffix.
const MAX_BASE_CHARS: usize = 80;

/// What [`slugify`] falls back to when a name has no letters or digits to keep.
pub const FALLBACK_SLUG: &str = "track";

/// A track's slug: 1..=100 characters of lower-case ASCII letters and digits in groups joined
/// by single hyphens (`solution-partners`, `tier-2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

/// Why a slug was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a valid slug; use 1 to 100 lower-case letters, digits and single hyphens between them"
)]
pub struct SlugError(pub String);

impl Slug {
    /// Accepts a slug exactly as stored (no trimming or lower-casing).
    pub fn parse(input: &str) -> Result<Self, SlugError> {
        let valid = !input.is_empty()
            && input.len() <= MAX_SLUG_CHARS
            && input
                .split('-')
                .all(|group| !group.is_empty() && group.bytes().all(is_slug_byte));
        if valid {
            Ok(Slug(input.to_owned()))
        } else {
            Err(SlugError(input.to_owned()))
        }
    }

    /// A slug for `name` that is not in `existing`: [`slugify`]`(name)`, or that with `-2`,
    /// `-3`, … appended.
    pub fn unique<S: AsRef<str>>(name: &str, existing: impl IntoIterator<Item = S>) -> Slug {
        Slug(unique_slug(name, existing))
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug as an owned string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_slug_byte(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit()
}

/// A slug made from `name`: lower-cased, common Latin accents stripped (`é` → `e`,
/// `ß` → `ss`), every run of other characters one hyphen, no hyphen at either end, at most 80
/// characters; [`FALLBACK_SLUG`] when nothing is left. Always passes [`Slug::parse`].
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let ascii = fold(c);
        if ascii.is_empty() {
            pending_hyphen = true;
            continue;
        }
        if slug.len() > MAX_BASE_CHARS {
            break;
        }
        if pending_hyphen && !slug.is_empty() {
            slug.push('-');
        }
        pending_hyphen = false;
        slug.push_str(ascii);
    }
    slug.truncate(MAX_BASE_CHARS);
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        FALLBACK_SLUG.to_owned()
    } else {
        slug
    }
}

/// [`slugify`]`(name)` if no slug in `existing` equals it, else the first of `-2`, `-3`, …
/// appended that is free.
pub fn unique_slug<S: AsRef<str>>(name: &str, existing: impl IntoIterator<Item = S>) -> String {
    let base = slugify(name);
    let taken: HashSet<String> = existing
        .into_iter()
        .map(|slug| slug.as_ref().to_owned())
        .collect();
    if !taken.contains(&base) {
        return base;
    }
    (2_usize..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base)
}

/// The ASCII letters and digits a lower-case character stands for in a slug; empty for a
/// separator or a character without a Latin equivalent.
fn fold(c: char) -> &'static str {
    const ASCII: [&str; 36] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    ];
    match c {
        'a'..='z' => ASCII[c as usize - 'a' as usize],
        '0'..='9' => ASCII[26 + c as usize - '0' as usize],
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_become_lower_case_hyphenated_ascii() {
        assert_eq!(slugify("Solution Partners"), "solution-partners");
        assert_eq!(slugify("  Tech -- Alliances!! "), "tech-alliances");
        assert_eq!(slugify("Café Crème Größe"), "cafe-creme-grosse");
        assert_eq!(slugify("Łódź & Kraków"), "lodz-krakow");
        assert_eq!(slugify("Tier 2 (EMEA)"), "tier-2-emea");
        assert_eq!(slugify("ÆON"), "aeon");
    }

    #[test]
    fn a_name_without_letters_or_digits_falls_back_to_track() {
        for name in ["", "   ", "---", "日本", "🚀"] {
            assert_eq!(slugify(name), "track", "{name}");
        }
        assert_eq!(slugify("🚀 Rocket"), "rocket");
    }

    #[test]
    fn long_names_are_cut_without_a_trailing_hyphen() {
        let name = format!("{} tail", "a".repeat(79));
        let slug = slugify(&name);
        assert_eq!(slug, "a".repeat(79));
        assert!(slugify(&"x".repeat(500)).len() <= MAX_BASE_CHARS);
    }

    #[test]
    fn taken_slugs_get_the_first_free_number() {
        assert_eq!(unique_slug("Sales", ["technology"]), "sales");
        assert_eq!(unique_slug("Sales", ["sales"]), "sales-2");
        assert_eq!(unique_slug("Sales!", ["sales", "sales-2"]), "sales-3");
        assert_eq!(unique_slug("Sales", ["sales", "sales-3"]), "sales-2");
        assert_eq!(
            Slug::unique("日本", ["track"]).as_str(),
            "track-2",
            "the fallback is made unique too"
        );
    }

    #[test]
    fn slugs_are_parsed_exactly() {
        for good in ["a", "solution-partners", "tier-2", "x1-y2-z3"] {
            assert_eq!(Slug::parse(good).map(Slug::into_inner), Ok(good.to_owned()));
        }
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "é", &"a".repeat(101)] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_slug_made_from_any_name_is_valid(name in "\\PC{0,120}") {
            let slug = slugify(&name);
            prop_assert!(Slug::parse(&slug).is_ok(), "{slug}");
        }

        #[test]
        fn unique_slugs_avoid_every_existing_one(
            name in "[a-zA-Z ]{0,12}",
            existing in proptest::collection::vec("[a-z]{1,3}(-[0-9])?", 0..20),
        ) {
            let mut taken = existing.clone();
            taken.push(slugify(&name));
            let slug = unique_slug(&name, &taken);
            prop_assert!(!taken.contains(&slug));
            prop_assert!(Slug::parse(&slug).is_ok());
        }
    }
}
