//! The summary cards of the partner lifecycle view: one per lifecycle stage and one per
//! status, each with its count and its share of all partners.

use super::format;
use crate::partners::{PartnerStage, PartnerStatus};

/// What a lifecycle card counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleGroup {
    /// Partners at a lifecycle stage.
    Stage(PartnerStage),
    /// Partners with a status.
    Status(PartnerStatus),
}

impl LifecycleGroup {
    /// A stable key: `STAGE_LEGAL_NEGOTIATION`, `STATUS_ACTIVE`, ….
    pub fn key(self) -> String {
        match self {
            LifecycleGroup::Stage(stage) => format!("STAGE_{}", stage.as_str().to_uppercase()),
            LifecycleGroup::Status(status) => {
                format!("STATUS_{}", status.as_str().to_uppercase())
            }
        }
    }

    /// The card's label: the stage's name (`Legal negotiation`), or the status's name followed
    /// by "status" (`Active status`), so the stage and the status named "active" differ.
    pub fn label(self) -> String {
        match self {
            LifecycleGroup::Stage(stage) => stage_label(stage).to_owned(),
            LifecycleGroup::Status(status) => format!("{} status", status_label(status)),
        }
    }
}

/// A stage's name for people: `Legal negotiation`.
pub fn stage_label(stage: PartnerStage) -> &'static str {
    match stage {
        PartnerStage::Prospect => "Prospect",
        PartnerStage::Onboarding => "Onboarding",
        PartnerStage::Active => "Active",
        PartnerStage::Scaling => "Scaling",
        PartnerStage::Qualified => "Qualified",
        PartnerStage::LegalNegotiation => "Legal negotiation",
        PartnerStage::Signed => "Signed",
        PartnerStage::Enabled => "Enabled",
        PartnerStage::Activated => "Activated",
        PartnerStage::Rejected => "Rejected",
    }
}

/// A status's name for people: `Active`.
pub fn status_label(status: PartnerStatus) -> &'static str {
    match status {
        PartnerStatus::Active => "Active",
        PartnerStatus::Inactive => "Inactive",
        PartnerStatus::Pending => "Pending",
    }
}

/// One summary card.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleCard {
    /// What it counts.
    pub group: LifecycleGroup,
    /// Partners in the group.
    pub count: i64,
    /// Their share of all partners in percent, rounded half up to one decimal place (0 when
    /// there are no partners).
    pub percentage: f64,
}

/// The total number of partners and the summary cards: every stage in lifecycle order, then
/// every status, each with its count and share, from partner counts per (stage, status).
pub fn lifecycle_cards(counts: &[(PartnerStage, PartnerStatus, i64)]) -> (i64, Vec<LifecycleCard>) {
    let total: i64 = counts.iter().map(|(_, _, n)| n).sum();
    let card = |group: LifecycleGroup| {
        let count = counts
            .iter()
            .filter(|(stage, status, _)| match group {
                LifecycleGroup::Stage(s) => *stage == s,
                LifecycleGroup::Status(s) => *status == s,
            })
            .map(|(_, _, n)| n)
            .sum();
        LifecycleCard {
            group,
            count,
            percentage: format::ratio_tenths(count, total, 100).unwrap_or(0) as f64 / 10.0,
        }
    };
    let cards = PartnerStage::ALL
        .into_iter()
        .map(LifecycleGroup::Stage)
        .chain(PartnerStatus::ALL.into_iter().map(LifecycleGroup::Status))
        .map(card)
        .collect();
    (total, cards)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_count_every_stage_and_status_with_their_share() {
        let (total, cards) = lifecycle_cards(&[
            (PartnerStage::Active, PartnerStatus::Active, 2),
            (PartnerStage::Onboarding, PartnerStatus::Pending, 1),
            (PartnerStage::Active, PartnerStatus::Inactive, 3),
        ]);
        assert_eq!(total, 6);
        assert_eq!(cards.len(), 13);
        let find = |group| {
            cards
                .iter()
                .find(|c| c.group == group)
                .map(|c| (c.count, c.percentage))
        };
        assert_eq!(
            find(LifecycleGroup::Stage(PartnerStage::Active)),
            Some((5, 83.3))
        );
        assert_eq!(
            find(LifecycleGroup::Stage(PartnerStage::Onboarding)),
            Some((1, 16.7))
        );
        assert_eq!(
            find(LifecycleGroup::Stage(PartnerStage::Rejected)),
            Some((0, 0.0))
        );
        assert_eq!(
            find(LifecycleGroup::Status(PartnerStatus::Inactive)),
            Some((3, 50.0))
        );
        assert_eq!(
            cards[0].group,
            LifecycleGroup::Stage(PartnerStage::Prospect)
        );
        assert_eq!(
            cards[10].group,
            LifecycleGroup::Status(PartnerStatus::Active)
        );
    }

    #[test]
    fn no_partners_means_zero_percent() {
        let (total, cards) = lifecycle_cards(&[]);
        assert_eq!(total, 0);
        assert!(cards.iter().all(|c| c.count == 0 && c.percentage == 0.0));
    }

    #[test]
    fn keys_and_labels_tell_stages_from_statuses() {
        let stage = LifecycleGroup::Stage(PartnerStage::LegalNegotiation);
        let status = LifecycleGroup::Status(PartnerStatus::Active);
        assert_eq!(stage.key(), "STAGE_LEGAL_NEGOTIATION");
        assert_eq!(stage.label(), "Legal negotiation");
        assert_eq!(status.key(), "STATUS_ACTIVE");
        assert_eq!(status.label(), "Active status");
        assert_ne!(
            LifecycleGroup::Stage(PartnerStage::Active).label(),
            status.label()
        );
    }
}
