//! Scalars and value types shared by the domain features: `BigInt` (64-bit integers as
//! strings), `Money` / `MoneyInput` (integer minor units + ISO 4217 currency). `DateTime`
//! (RFC 3339) and `JSON` come from async-graphql.

use async_graphql::{
    InputObject, InputValueError, InputValueResult, Object, Scalar, ScalarType, Value,
};
use partnergraph_domain::{Currency, Money as DomainMoney};

use crate::error::{ApiError, ApiResult};

/// A 64-bit signed integer, serialised as a decimal string because GraphQL `Int` is 32-bit.
/// Input accepts a string or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BigInt(pub i64);

/// A 64-bit signed integer, serialised as a decimal string (GraphQL `Int` is 32-bit only).
#[Scalar(name = "BigInt")]
impl ScalarType for BigInt {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => text
                .trim()
                .parse::<i64>()
                .map(BigInt)
                .map_err(|_| InputValueError::custom("BigInt must be a base-10 64-bit integer")),
            Value::Number(number) => number
                .as_i64()
                .map(BigInt)
                .ok_or_else(|| InputValueError::custom("BigInt must be a whole number")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// A calendar date without time zone, `YYYY-MM-DD` (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub chrono::NaiveDate);

/// A calendar date without time zone, `YYYY-MM-DD` (ISO 8601), e.g. `"2026-12-31"`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom("Date must be a calendar date as YYYY-MM-DD")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(pub DomainMoney);

/// An amount of money: exact integer minor units (cents for USD) and an ISO 4217 currency.
#[Object]
impl Money {
    /// The amount in minor units (cents for USD, yen for JPY).
    async fn amount_minor(&self) -> BigInt {
        BigInt(self.0.minor())
    }

    /// ISO 4217 currency code, upper-case.
    async fn currency(&self) -> String {
        self.0.currency().code().to_owned()
    }

    /// The amount in major units as an exact decimal string, e.g. `"1234.50"`.
    async fn amount(&self) -> String {
        self.0.to_decimal_string()
    }
}

/// An amount of money given by a client.
#[derive(Debug, Clone, InputObject)]
pub struct MoneyInput {
    /// The amount in minor units (cents for USD).
    pub amount_minor: BigInt,
    /// ISO 4217 currency code, e.g. `USD`.
    pub currency: String,
}

impl MoneyInput {
    /// Validates into domain money; `field` is the input path for error messages.
    pub fn parse(&self, field: &str) -> ApiResult<DomainMoney> {
        let currency = Currency::parse(&self.currency)
            .map_err(|e| ApiError::bad_input(format!("{field}.currency"), e.to_string()))?;
        Ok(DomainMoney::new(self.amount_minor.0, currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_ints_round_trip_as_strings_and_accept_numbers() {
        let big = i64::MAX;
        assert_eq!(BigInt(big).to_value(), Value::String(big.to_string()));
        assert_eq!(
            <BigInt as ScalarType>::parse(Value::String(big.to_string())).ok(),
            Some(BigInt(big))
        );
        assert_eq!(
            <BigInt as ScalarType>::parse(Value::from(12)).ok(),
            Some(BigInt(12))
        );
        assert!(<BigInt as ScalarType>::parse(Value::String("12.5".into())).is_err());
    }

    #[test]
    fn dates_are_iso_calendar_dates() {
        let date = <Date as ScalarType>::parse(Value::String("2026-02-28".into())).expect("date");
        assert_eq!(date.to_value(), Value::String("2026-02-28".into()));
        for bad in ["2026-02-30", "28/02/2026", "2026-02-28T00:00:00Z", ""] {
            assert!(
                <Date as ScalarType>::parse(Value::String(bad.into())).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn money_input_names_the_currency_field_when_invalid() {
        let input = MoneyInput {
            amount_minor: BigInt(100),
            currency: "dollars".into(),
        };
        match input.parse("input.amount") {
            Err(ApiError::BadUserInput { field, .. }) => {
                assert_eq!(field.as_deref(), Some("input.amount.currency"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
