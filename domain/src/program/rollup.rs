//! Rollups of the program: what the live (non-archived) partners in a segment, or holding a
//! tier, add up to. The database sums; the averages are defined here, once.

use crate::Money;

/// The total of a 0–100 score over the partners that have one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreTotal {
    /// Sum of the scores.
    pub sum: i64,
    /// How many partners have a score.
    pub count: i64,
}

impl ScoreTotal {
    /// The mean score; `None` when no partner has one (a missing score is not a zero).
    pub fn average(self) -> Option<f64> {
        // Scores are 0–100 and counts are partner counts: both far inside f64's exact range.
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }
}

/// What the live partners of a segment or tier add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rollup {
    /// Live partners.
    pub partners: i64,
    /// Sum of their pipelines (open deal amounts), in the organisation's deal currency.
    pub pipeline: Money,
    /// Sum of their revenues (won deal amounts), in the organisation's deal currency.
    pub revenue: Money,
    /// Their fit scores.
    pub fit: ScoreTotal,
    /// Their health scores.
    pub health: ScoreTotal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_average_counts_only_partners_with_a_score() {
        assert_eq!(ScoreTotal { sum: 120, count: 2 }.average(), Some(60.0));
        assert_eq!(
            ScoreTotal { sum: 100, count: 3 }.average(),
            Some(100.0 / 3.0)
        );
        assert_eq!(ScoreTotal { sum: 0, count: 1 }.average(), Some(0.0));
    }

    #[test]
    fn nobody_scored_has_no_average() {
        assert_eq!(ScoreTotal::default().average(), None);
    }
}
