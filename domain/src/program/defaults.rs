//! The program PartnerOS seeds for a new organisation: one segment per family, one track in
//! each (solution, technology and sales partners), and the ladder Platinum, Gold, Silver,
//! Bronze, Registered in every track.
//!
//! Amounts are minor units of the organisation's currency, written for a currency with two
//! decimals (cents): `100_000_000` is 1,000,000.00. Sort orders are 1 (Platinum) to 5
//! (Registered) in every track, so tiers compare across tracks. Registered has no rules:
//! every partner a track applies to holds at least Registered.

use uuid::Uuid;

use super::enums::{RuleField, SegmentFamily, TierColor};
use super::model::{Program, ProgramName, Segment, Tier, Track};
use super::rules::{Condition, RequirementLogic, Rule};
use super::slug::Slug;
use crate::partners::{PartnerStage, PartnerStatus, PartnerType};

/// One unit of money in minor units (a dollar in cents).
const UNIT: i64 = 100;

/// A fresh copy of the seed program with new ids (UUIDv7), ready to store.
pub fn default_program() -> Program {
    let mut slugs: Vec<String> = Vec::new();
    let mut segment = |sort_order,
                       name,
                       description: &str,
                       family,
                       types: &[PartnerType],
                       track_name,
                       track_description: &str,
                       ladder: [Vec<Rule>; 4]| {
        let slug = Slug::unique(track_name, &slugs);
        slugs.push(slug.to_string());
        Segment {
            id: Uuid::now_v7(),
            name: ProgramName::seeded(name),
            description: Some(description.to_owned()),
            family,
            logic: RequirementLogic::seeded(vec![Rule::seeded(
                RuleField::Type,
                Condition::TextOneOf(sorted(types.iter().map(|t| t.as_str()))),
                Some("Membership follows the partner type; widen it to admit other types."),
            )]),
            sort_order,
            tracks: vec![Track {
                id: Uuid::now_v7(),
                name: ProgramName::seeded(track_name),
                slug,
                description: Some(track_description.to_owned()),
                partner_types: types.to_vec(),
                sort_order: 1,
                tiers: ladder_of(ladder),
            }],
        }
    };
    let solution = segment(
        1,
        "Solution partners",
        "Consultancies and service providers who implement and run our product for customers.",
        SegmentFamily::Services,
        &[PartnerType::Consulting, PartnerType::Services],
        "Solution partners",
        "Tiers by delivered deals, revenue and fit.",
        [
            vec![
                at_least(RuleField::ClosedDeals, 20, None),
                at_least(
                    RuleField::Revenue,
                    1_000_000 * UNIT,
                    Some("1,000,000 in won deals."),
                ),
                at_least(RuleField::FitScore, 80, None),
                at_least(RuleField::Customers, 10, None),
            ],
            vec![
                at_least(RuleField::ClosedDeals, 10, None),
                at_least(
                    RuleField::Revenue,
                    250_000 * UNIT,
                    Some("250,000 in won deals."),
                ),
                at_least(RuleField::FitScore, 70, None),
            ],
            vec![
                at_least(RuleField::ClosedDeals, 5, None),
                at_least(
                    RuleField::Revenue,
                    50_000 * UNIT,
                    Some("50,000 in won deals."),
                ),
                at_least(RuleField::FitScore, 60, None),
            ],
            vec![at_least(RuleField::ClosedDeals, 1, None), status_active()],
        ],
    );
    let technology = segment(
        2,
        "Technology alliances",
        "Software vendors who build integrations with or products alongside ours.",
        SegmentFamily::Technology,
        &[PartnerType::Technology, PartnerType::Strategic],
        "Technology partners",
        "Tiers by joint customers, product revenue and fit.",
        [
            vec![
                at_least(
                    RuleField::Customers,
                    50,
                    Some("Joint customers live on the integration."),
                ),
                at_least(RuleField::ProductRevenue, 500_000 * UNIT, None),
                at_least(RuleField::FitScore, 80, None),
                at_least(RuleField::HealthScore, 70, None),
            ],
            vec![
                at_least(RuleField::Customers, 20, None),
                at_least(RuleField::ProductRevenue, 100_000 * UNIT, None),
                at_least(RuleField::FitScore, 70, None),
            ],
            vec![
                at_least(RuleField::Customers, 5, None),
                at_least(RuleField::FitScore, 60, None),
            ],
            vec![Rule::seeded(
                RuleField::Stage,
                Condition::TextOneOf(sorted(
                    [
                        PartnerStage::Enabled,
                        PartnerStage::Activated,
                        PartnerStage::Scaling,
                    ]
                    .map(PartnerStage::as_str),
                )),
                Some("The integration is built and the partner is enabled."),
            )],
        ],
    );
    let sales = segment(
        3,
        "Sales partners",
        "Resellers, channel and referral partners who bring us customers.",
        SegmentFamily::Market,
        &[
            PartnerType::Channel,
            PartnerType::Reseller,
            PartnerType::Referral,
        ],
        "Sales partners",
        "Tiers by sourced revenue, closed deals and pipeline.",
        [
            vec![
                at_least(RuleField::ClosedDeals, 25, None),
                at_least(RuleField::Revenue, 1_000_000 * UNIT, None),
                at_least(
                    RuleField::Pipeline,
                    500_000 * UNIT,
                    Some("Keeps a healthy pipeline, not only past wins."),
                ),
                at_least(RuleField::HealthScore, 75, None),
            ],
            vec![
                at_least(RuleField::ClosedDeals, 12, None),
                at_least(RuleField::Revenue, 400_000 * UNIT, None),
                at_least(RuleField::Pipeline, 200_000 * UNIT, None),
            ],
            vec![
                at_least(RuleField::ClosedDeals, 5, None),
                at_least(RuleField::Revenue, 100_000 * UNIT, None),
            ],
            vec![
                at_least(
                    RuleField::ActiveDeals,
                    1,
                    Some("At least one registered deal in play."),
                ),
                status_active(),
            ],
        ],
    );
    Program {
        segments: vec![solution, technology, sales],
    }
}

/// Platinum, Gold, Silver and Bronze with `ladder`'s rules, then Registered without rules.
fn ladder_of(ladder: [Vec<Rule>; 4]) -> Vec<Tier> {
    let [platinum, gold, silver, bronze] = ladder;
    [
        ("Platinum", TierColor::Slate, platinum),
        ("Gold", TierColor::Amber, gold),
        ("Silver", TierColor::Neutral, silver),
        ("Bronze", TierColor::Orange, bronze),
        ("Registered", TierColor::Blue, Vec::new()),
    ]
    .into_iter()
    .zip(1..)
    .map(|((name, color, rules), sort_order)| Tier {
        id: Uuid::now_v7(),
        name: ProgramName::seeded(name),
        color,
        sort_order,
        logic: RequirementLogic::seeded(rules),
    })
    .collect()
}

fn at_least(field: RuleField, min: i64, notes: Option<&str>) -> Rule {
    Rule::seeded(field, Condition::AtLeast(min), notes)
}

fn status_active() -> Rule {
    Rule::seeded(
        RuleField::Status,
        Condition::TextEquals(PartnerStatus::Active.as_str().to_owned()),
        None,
    )
}

fn sorted<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut values: Vec<String> = values.into_iter().map(str::to_owned).collect();
    values.sort_unstable();
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::{RequirementLogic, RuleOperator};

    #[test]
    fn every_default_rule_and_name_is_what_parsing_it_gives() {
        let program = default_program();
        assert_eq!(program.validate(), Ok(()));
        let mut logics = Vec::new();
        for (segment, track) in program.tracks() {
            logics.push(&segment.logic);
            assert_eq!(
                ProgramName::parse(segment.name.as_str()).as_ref(),
                Ok(&segment.name)
            );
            assert_eq!(
                ProgramName::parse(track.name.as_str()).as_ref(),
                Ok(&track.name)
            );
            assert_eq!(Slug::parse(track.slug.as_str()).as_ref(), Ok(&track.slug));
            for tier in &track.tiers {
                logics.push(&tier.logic);
                assert_eq!(
                    ProgramName::parse(tier.name.as_str()).as_ref(),
                    Ok(&tier.name)
                );
            }
        }
        for logic in logics {
            assert_eq!(
                RequirementLogic::parse(&logic.to_drafts()).as_ref(),
                Ok(logic)
            );
        }
    }

    #[test]
    fn there_is_one_segment_per_family_with_a_five_tier_ladder() {
        let program = default_program();
        let families: Vec<SegmentFamily> = program.segments.iter().map(|s| s.family).collect();
        assert_eq!(
            families,
            [
                SegmentFamily::Services,
                SegmentFamily::Technology,
                SegmentFamily::Market
            ]
        );
        let slugs: Vec<&str> = program.slugs().collect();
        assert_eq!(
            slugs,
            ["solution-partners", "technology-partners", "sales-partners"]
        );
        for (_, track) in program.tracks() {
            let names: Vec<&str> = track
                .ranked_tiers()
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            assert_eq!(
                names,
                ["Platinum", "Gold", "Silver", "Bronze", "Registered"]
            );
            assert!(track.ranked_tiers()[4].logic.is_empty());
        }
    }

    #[test]
    fn every_partner_type_has_exactly_one_default_track() {
        let program = default_program();
        for partner_type in PartnerType::ALL {
            let tracks = program
                .tracks()
                .filter(|(_, t)| t.applies_to(partner_type))
                .count();
            assert_eq!(tracks, 1, "{partner_type}");
            assert_eq!(program.tiers_for_type(partner_type).len(), 5);
        }
    }

    #[test]
    fn platinum_solution_partners_need_twenty_deals_a_million_and_fit_eighty() {
        let program = default_program();
        let platinum = program.tiers_for_type(PartnerType::Consulting)[0];
        let rules: Vec<(RuleField, RuleOperator, String)> = platinum
            .logic
            .rules()
            .iter()
            .map(|r| (r.field(), r.operator(), r.condition().to_string()))
            .collect();
        assert!(rules.contains(&(
            RuleField::ClosedDeals,
            RuleOperator::Gte,
            "at least 20".into()
        )));
        assert!(rules.contains(&(
            RuleField::Revenue,
            RuleOperator::Gte,
            "at least 100000000".into()
        )));
        assert!(rules.contains(&(RuleField::FitScore, RuleOperator::Gte, "at least 80".into())));
    }

    #[test]
    fn each_call_makes_fresh_ids() {
        assert_ne!(
            default_program().segments[0].id,
            default_program().segments[0].id
        );
    }
}
