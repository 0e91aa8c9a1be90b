//! Which tone each metric card is drawn in: neutral tones for counts and money, and for
//! ratios and scores a judgement against fixed thresholds. Comparisons are exact (integer
//! cross-multiplication), so a card exactly on a threshold takes the better tone.
//!
//! | Metric | Tone |
//! |---|---|
//! | total partners, active partners, added this quarter | BLUE |
//! | total pipeline, total revenue | PURPLE |
//! | revenue attainment | RED below 50 %, ORANGE below 90 %, BLUE below 100 %, GREEN from 100 %; BLUE without targets |
//! | win rate | RED below 20 %, ORANGE below 30 %, GREEN from 30 %; BLUE without closed deals |
//! | average fit score, average health score | RED below 50, ORANGE below 70, GREEN from 70; BLUE without scored partners |

use super::Tone;

/// Counts of partners are neutral.
pub fn count_tone() -> Tone {
    Tone::Blue
}

/// Amounts of money are neutral (they have no goal to judge against).
pub fn money_tone() -> Tone {
    Tone::Purple
}

/// Whether `num / den` is below `percent` %.
fn below(num: i64, den: i64, percent: i64) -> bool {
    i128::from(num) * 100 < i128::from(percent) * i128::from(den)
}

/// Revenue attainment: `revenue` against `target` (both in minor units of one currency).
/// RED below 50 %, ORANGE below 90 %, BLUE below 100 %, GREEN at or above 100 %; BLUE when
/// there is no target.
pub fn attainment_tone(revenue: i64, target: i64) -> Tone {
    if target <= 0 {
        Tone::Blue
    } else if below(revenue, target, 50) {
        Tone::Red
    } else if below(revenue, target, 90) {
        Tone::Orange
    } else if below(revenue, target, 100) {
        Tone::Blue
    } else {
        Tone::Green
    }
}

/// Win rate: `won` of `closed` deals. RED below 20 %, ORANGE below 30 %, GREEN from 30 %;
/// BLUE when no deal has closed.
pub fn win_rate_tone(won: i64, closed: i64) -> Tone {
    if closed <= 0 {
        Tone::Blue
    } else if below(won, closed, 20) {
        Tone::Red
    } else if below(won, closed, 30) {
        Tone::Orange
    } else {
        Tone::Green
    }
}

/// An average score (`sum` of `count` scores, 0–100): RED below 50, ORANGE below 70, GREEN
/// from 70; BLUE when nothing is scored.
pub fn score_tone(sum: i64, count: i64) -> Tone {
    let below = |threshold: i64| i128::from(sum) < i128::from(threshold) * i128::from(count);
    if count <= 0 {
        Tone::Blue
    } else if below(50) {
        Tone::Red
    } else if below(70) {
        Tone::Orange
    } else {
        Tone::Green
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attainment_is_judged_against_the_target() {
        assert_eq!(attainment_tone(0, 0), Tone::Blue);
        assert_eq!(attainment_tone(4_999, 10_000), Tone::Red);
        assert_eq!(attainment_tone(5_000, 10_000), Tone::Orange);
        assert_eq!(attainment_tone(8_999, 10_000), Tone::Orange);
        assert_eq!(attainment_tone(9_000, 10_000), Tone::Blue);
        assert_eq!(attainment_tone(9_999, 10_000), Tone::Blue);
        assert_eq!(attainment_tone(10_000, 10_000), Tone::Green);
        assert_eq!(attainment_tone(25_000, 10_000), Tone::Green);
        assert_eq!(attainment_tone(i64::MAX, 3), Tone::Green);
    }

    #[test]
    fn win_rates_below_a_fifth_are_red() {
        assert_eq!(win_rate_tone(0, 0), Tone::Blue);
        assert_eq!(win_rate_tone(0, 4), Tone::Red);
        assert_eq!(win_rate_tone(1, 5), Tone::Orange);
        assert_eq!(win_rate_tone(2, 7), Tone::Orange);
        assert_eq!(win_rate_tone(3, 10), Tone::Green);
        assert_eq!(win_rate_tone(5, 5), Tone::Green);
    }

    #[test]
    fn averages_below_fifty_are_red_and_from_seventy_green() {
        assert_eq!(score_tone(0, 0), Tone::Blue);
        assert_eq!(score_tone(99, 2), Tone::Red);
        assert_eq!(score_tone(100, 2), Tone::Orange);
        assert_eq!(score_tone(139, 2), Tone::Orange);
        assert_eq!(score_tone(140, 2), Tone::Green);
        assert_eq!(score_tone(100, 1), Tone::Green);
    }

    #[test]
    fn counts_and_money_are_neutral() {
        assert_eq!(count_tone(), Tone::Blue);
        assert_eq!(money_tone(), Tone::Purple);
    }
}
