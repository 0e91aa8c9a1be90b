//! How dashboard numbers are written for people: digits grouped by thousands with commas,
//! money in whole units of its currency after the ISO code, ratios and averages to one
//! decimal place, rounded half up. Computed with integers, so the text never shows a float
//! artefact.

use crate::money::Money;

/// What a card shows when there is nothing to compute (no scored partner, no closed deal, no
/// target).
pub const NOT_AVAILABLE: &str = "—";

/// `num × factor / den` in tenths, rounded half up (`ratio_tenths(1, 3, 100)` is 333, i.e.
/// 33.3 %); `None` when `den` is zero. Meant for non-negative figures; negative ones round
/// towards zero.
pub fn ratio_tenths(num: i64, den: i64, factor: i64) -> Option<i64> {
    if den == 0 {
        return None;
    }
    let scaled = i128::from(num) * i128::from(factor) * 10;
    let den = i128::from(den);
    let rounded = (2 * scaled + den) / (2 * den);
    Some(i64::try_from(rounded).unwrap_or(i64::MAX))
}

/// Tenths as text with one decimal: `725` → `"72.5"`, `-5` → `"-0.5"`.
pub fn tenths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    format!("{sign}{}.{}", group_digits(abs / 10), abs % 10)
}

/// A whole number with its digits grouped by thousands: `1234567` → `"1,234,567"`.
pub fn count(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}", group_digits(value.unsigned_abs()))
}

/// Money in whole units of its currency, rounded half up, after the currency code:
/// 123,456,789 cents → `"USD 1,234,568"`. Exact amounts travel as `Money` beside the text.
pub fn money(amount: Money) -> String {
    let scale = 10_i128.pow(amount.currency().minor_digits());
    let minor = i128::from(amount.minor());
    let whole = if minor >= 0 {
        (2 * minor + scale) / (2 * scale)
    } else {
        -((-2 * minor + scale) / (2 * scale))
    };
    let sign = if whole < 0 { "-" } else { "" };
    format!(
        "{} {sign}{}",
        amount.currency().code(),
        group_digits(u64::try_from(whole.unsigned_abs()).unwrap_or(u64::MAX))
    )
}

/// Money in major units as a float, for charts and sorting by clients (approximate; the exact
/// amount is the `Money`).
pub fn major_units(amount: Money) -> f64 {
    amount.minor() as f64 / 10_f64.powi(amount.currency().minor_digits() as i32)
}

fn group_digits(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(-12_345), "-12,345");
    }

    #[test]
    fn ratios_round_half_up_in_tenths() {
        assert_eq!(ratio_tenths(1, 3, 100), Some(333));
        assert_eq!(ratio_tenths(2, 3, 100), Some(667));
        assert_eq!(ratio_tenths(1, 8, 100), Some(125));
        assert_eq!(ratio_tenths(1, 2000, 100), Some(1));
        assert_eq!(ratio_tenths(1, 2001, 100), Some(0));
        assert_eq!(ratio_tenths(5, 0, 100), None);
        assert_eq!(ratio_tenths(i64::MAX, 1, 100), Some(i64::MAX));
        assert_eq!(tenths(725), "72.5");
        assert_eq!(tenths(12_345), "1,234.5");
        assert_eq!(tenths(0), "0.0");
    }

    #[test]
    fn money_shows_whole_units_after_the_code() {
        let usd = |minor| Money::new(minor, Currency::USD);
        assert_eq!(money(usd(123_456_789)), "USD 1,234,568");
        assert_eq!(money(usd(123_456_749)), "USD 1,234,567");
        assert_eq!(money(usd(0)), "USD 0");
        assert_eq!(money(usd(-150)), "USD -2");
        let jpy = Currency::parse("JPY").expect("code");
        assert_eq!(money(Money::new(1_500_000, jpy)), "JPY 1,500,000");
        assert!((major_units(usd(12_345)) - 123.45).abs() < 1e-9);
    }
}
