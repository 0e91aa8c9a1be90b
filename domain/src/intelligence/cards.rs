//! The metric cards of the executive dashboard, built from the figures one aggregate
//! statement reads over the partners in scope.

use super::format::{self, NOT_AVAILABLE};
use super::tones;
use super::{MetricKey, MetricUnit, Tone};
use crate::money::{Currency, Money};

/// What the metric cards are computed from: sums and counts over the partners in scope
/// (archived partners excluded), all money in the organisation's deal currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramFigures {
    /// The organisation's deal currency (every rollup is in it).
    pub currency: Currency,
    /// Partners in scope.
    pub partners: i64,
    /// Of them, with status active.
    pub active_partners: i64,
    /// Of them, created since the start of the current calendar quarter (UTC).
    pub added_this_quarter: i64,
    /// Open deal amounts, minor units.
    pub pipeline: i64,
    /// Won deal amounts, minor units.
    pub revenue: i64,
    /// Annual revenue targets set in the deal currency, summed, minor units.
    pub revenue_target: i64,
    /// Won deal amounts of the partners that have such a target, minor units.
    pub targeted_revenue: i64,
    /// Won deals.
    pub won_deals: i64,
    /// Won and lost deals.
    pub closed_deals: i64,
    /// Sum of the fit scores of scored partners.
    pub fit_score_sum: i64,
    /// Partners with a fit score.
    pub fit_scored: i64,
    /// Sum of the health scores of scored partners.
    pub health_score_sum: i64,
    /// Partners with a health score.
    pub health_scored: i64,
}

impl ProgramFigures {
    /// No partners: every count and sum zero.
    pub fn empty(currency: Currency) -> Self {
        ProgramFigures {
            currency,
            partners: 0,
            active_partners: 0,
            added_this_quarter: 0,
            pipeline: 0,
            revenue: 0,
            revenue_target: 0,
            targeted_revenue: 0,
            won_deals: 0,
            closed_deals: 0,
            fit_score_sum: 0,
            fit_scored: 0,
            health_score_sum: 0,
            health_scored: 0,
        }
    }
}

/// One metric card: a label, the value written for people, the number behind it, a short
/// description and a tone.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricCard {
    /// Which metric.
    pub key: MetricKey,
    /// Short label, e.g. "Win rate".
    pub label: &'static str,
    /// The value as shown: `"1,234"`, `"USD 1,234,568"`, `"72.5%"`, `"63.4"`, or `"—"` when
    /// there is nothing to compute.
    pub value: String,
    /// The number behind `value` (a count, major units of money, a percentage, an average
    /// score, rounded to one decimal place); `None` when there is nothing to compute.
    pub number: Option<f64>,
    /// The exact amount, for money metrics.
    pub amount: Option<Money>,
    /// What `number` is.
    pub unit: MetricUnit,
    /// One sentence on what the metric counts.
    pub description: &'static str,
    /// How the card is drawn ([`tones`]).
    pub tone: Tone,
}

impl MetricKey {
    /// The card's label.
    pub fn label(self) -> &'static str {
        match self {
            MetricKey::TotalPartners => "Total partners",
            MetricKey::ActivePartners => "Active partners",
            MetricKey::PartnersAddedThisQuarter => "Added this quarter",
            MetricKey::TotalPipeline => "Total pipeline",
            MetricKey::TotalRevenue => "Total revenue",
            MetricKey::RevenueAttainment => "Revenue attainment",
            MetricKey::WinRate => "Win rate",
            MetricKey::AverageFitScore => "Average fit score",
            MetricKey::AverageHealthScore => "Average health score",
        }
    }

    /// The card's description.
    pub fn description(self) -> &'static str {
        match self {
            MetricKey::TotalPartners => "Partner profiles in scope, archived partners excluded.",
            MetricKey::ActivePartners => "Partners whose status is active.",
            MetricKey::PartnersAddedThisQuarter => {
                "Partners created since the start of this calendar quarter (UTC)."
            }
            MetricKey::TotalPipeline => "The amounts of open deals.",
            MetricKey::TotalRevenue => "The amounts of won deals.",
            MetricKey::RevenueAttainment => {
                "Won revenue of partners with an annual revenue target, as a share of those targets."
            }
            MetricKey::WinRate => "Won deals as a share of closed (won and lost) deals.",
            MetricKey::AverageFitScore => "Mean fit score (0–100) of the scored partners.",
            MetricKey::AverageHealthScore => "Mean health score (0–100) of the scored partners.",
        }
    }

    /// What the card's number is.
    pub fn unit(self) -> MetricUnit {
        match self {
            MetricKey::TotalPartners
            | MetricKey::ActivePartners
            | MetricKey::PartnersAddedThisQuarter => MetricUnit::Count,
            MetricKey::TotalPipeline | MetricKey::TotalRevenue => MetricUnit::Money,
            MetricKey::RevenueAttainment | MetricKey::WinRate => MetricUnit::Percent,
            MetricKey::AverageFitScore | MetricKey::AverageHealthScore => MetricUnit::Score,
        }
    }
}

/// Every metric card of the executive dashboard, in [`MetricKey::ALL`] order.
pub fn metric_cards(figures: &ProgramFigures) -> Vec<MetricCard> {
    MetricKey::ALL
        .into_iter()
        .map(|key| card(key, figures))
        .collect()
}

fn card(key: MetricKey, f: &ProgramFigures) -> MetricCard {
    let counted = |value: i64| {
        (
            format::count(value),
            Some(value as f64),
            None,
            tones::count_tone(),
        )
    };
    let money = |minor: i64| {
        let amount = Money::new(minor, f.currency);
        (
            format::money(amount),
            Some(format::major_units(amount)),
            Some(amount),
            tones::money_tone(),
        )
    };
    let ratio = |num: i64, den: i64, tone: Tone| match format::ratio_tenths(num, den, 100) {
        Some(tenths) => (
            format!("{}%", format::tenths(tenths)),
            Some(tenths as f64 / 10.0),
            None,
            tone,
        ),
        None => (NOT_AVAILABLE.to_owned(), None, None, tone),
    };
    let score = |sum: i64, count: i64| match format::ratio_tenths(sum, count, 1) {
        Some(tenths) => (
            format::tenths(tenths),
            Some(tenths as f64 / 10.0),
            None,
            tones::score_tone(sum, count),
        ),
        None => (
            NOT_AVAILABLE.to_owned(),
            None,
            None,
            tones::score_tone(0, 0),
        ),
    };
    let (value, number, amount, tone) = match key {
        MetricKey::TotalPartners => counted(f.partners),
        MetricKey::ActivePartners => counted(f.active_partners),
        MetricKey::PartnersAddedThisQuarter => counted(f.added_this_quarter),
        MetricKey::TotalPipeline => money(f.pipeline),
        MetricKey::TotalRevenue => money(f.revenue),
        MetricKey::RevenueAttainment => ratio(
            f.targeted_revenue,
            f.revenue_target,
            tones::attainment_tone(f.targeted_revenue, f.revenue_target),
        ),
        MetricKey::WinRate => ratio(
            f.won_deals,
            f.closed_deals,
            tones::win_rate_tone(f.won_deals, f.closed_deals),
        ),
        MetricKey::AverageFitScore => score(f.fit_score_sum, f.fit_scored),
        MetricKey::AverageHealthScore => score(f.health_score_sum, f.health_scored),
    };
    MetricCard {
        key,
        label: key.label(),
        value,
        number,
        amount,
        unit: key.unit(),
        description: key.description(),
        tone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> ProgramFigures {
        ProgramFigures {
            partners: 1_250,
            active_partners: 900,
            added_this_quarter: 12,
            pipeline: 123_456_789,
            revenue: 5_000_000,
            revenue_target: 10_000_000,
            targeted_revenue: 4_500_000,
            won_deals: 3,
            closed_deals: 8,
            fit_score_sum: 200,
            fit_scored: 3,
            health_score_sum: 98,
            health_scored: 2,
            ..ProgramFigures::empty(Currency::USD)
        }
    }

    fn by_key(cards: &[MetricCard], key: MetricKey) -> &MetricCard {
        cards.iter().find(|c| c.key == key).expect("every key")
    }

    #[test]
    fn every_metric_has_one_card_in_order() {
        let cards = metric_cards(&figures());
        let keys: Vec<MetricKey> = cards.iter().map(|c| c.key).collect();
        assert_eq!(keys, MetricKey::ALL);
    }

    #[test]
    fn cards_show_formatted_values_with_the_numbers_behind_them() {
        let cards = metric_cards(&figures());
        let total = by_key(&cards, MetricKey::TotalPartners);
        assert_eq!(
            (total.value.as_str(), total.number, total.tone),
            ("1,250", Some(1250.0), Tone::Blue)
        );
        let pipeline = by_key(&cards, MetricKey::TotalPipeline);
        assert_eq!(pipeline.value, "USD 1,234,568");
        assert_eq!(
            pipeline.amount,
            Some(Money::new(123_456_789, Currency::USD))
        );
        assert_eq!(pipeline.tone, Tone::Purple);
        assert_eq!(pipeline.unit, MetricUnit::Money);
        let attainment = by_key(&cards, MetricKey::RevenueAttainment);
        assert_eq!(
            (
                attainment.value.as_str(),
                attainment.number,
                attainment.tone
            ),
            ("45.0%", Some(45.0), Tone::Red)
        );
        let win_rate = by_key(&cards, MetricKey::WinRate);
        assert_eq!(
            (win_rate.value.as_str(), win_rate.number, win_rate.tone),
            ("37.5%", Some(37.5), Tone::Green)
        );
        let fit = by_key(&cards, MetricKey::AverageFitScore);
        assert_eq!(
            (fit.value.as_str(), fit.number, fit.tone),
            ("66.7", Some(66.7), Tone::Orange)
        );
        let health = by_key(&cards, MetricKey::AverageHealthScore);
        assert_eq!((health.value.as_str(), health.tone), ("49.0", Tone::Red));
    }

    #[test]
    fn an_empty_program_shows_zeros_and_nothing_to_judge() {
        let cards = metric_cards(&ProgramFigures::empty(Currency::USD));
        for card in &cards {
            match card.unit {
                MetricUnit::Count => assert_eq!(card.value, "0"),
                MetricUnit::Money => assert_eq!(card.value, "USD 0"),
                MetricUnit::Percent | MetricUnit::Score => {
                    assert_eq!(card.value, NOT_AVAILABLE);
                    assert_eq!(card.number, None);
                    assert_eq!(card.tone, Tone::Blue);
                }
            }
            assert!(!card.label.is_empty() && card.description.ends_with('.'));
        }
    }
}
