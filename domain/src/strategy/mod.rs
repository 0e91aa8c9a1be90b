//! AI strategy documents and their generations: the vocabularies, the onboarding steps, brand
//! colours, who may do what, and the structural diff between two versions of a document.

mod brand;
mod diff;
mod onboarding;
mod policy;

pub use brand::{BrandColors, BrandError, HexColor};
pub use diff::{Change, ChangeOp, diff};
pub use onboarding::{OnboardingProgress, OnboardingStep};
pub use policy::{can_manage_strategy, can_read_strategy};

closed_enum! {
    /// A strategy document kind.
    pub enum Artifact;
    as_str = "The database and API form, e.g. `\"ICP\"`.";
    parse(ignore_ascii_case) = "The artifact named `s`, ignoring ASCII case.";
    {
        /// Ideal Customer Profile.
        Icp => "ICP",
        /// Ideal Partner Profile.
        Ipp => "IPP",
    }
}

impl Artifact {
    /// The target a generation of this document runs for: one at a time per target.
    pub fn target(self) -> String {
        format!("strategy:{}", self.as_str())
    }
}

closed_enum! {
    /// What a generation produces.
    pub enum GenerationKind;
    as_str = "The database and API form, e.g. `\"ICP\"`.";
    parse(ignore_ascii_case) = "The kind named `s`, ignoring ASCII case.";
    {
        /// An Ideal Customer Profile.
        Icp => "ICP",
        /// An Ideal Partner Profile.
        Ipp => "IPP",
        /// A proposed edit of a strategy document.
        Edit => "EDIT",
        /// The AI analysis of one partner (fit, health, 4C, strengths, summary).
        PartnerAnalysis => "PARTNER_ANALYSIS",
    }
}

impl From<Artifact> for GenerationKind {
    fn from(artifact: Artifact) -> Self {
        match artifact {
            Artifact::Icp => GenerationKind::Icp,
            Artifact::Ipp => GenerationKind::Ipp,
        }
    }
}

closed_enum! {
    /// Where a generation is: `PENDING → STREAMING → COMPLETED | FAILED | CANCELLED`.
    pub enum GenerationStatus;
    as_str = "The database and API form, e.g. `\"STREAMING\"`.";
    parse(exact) = "The status stored as `s`.";
    {
        /// Accepted, the model not called yet.
        Pending => "PENDING",
        /// Tokens are arriving.
        Streaming => "STREAMING",
        /// The artifact validated and was stored.
        Completed => "COMPLETED",
        /// The model failed or its output did not validate; nothing was replaced.
        Failed => "FAILED",
        /// Cancelled by a user; nothing was replaced.
        Cancelled => "CANCELLED",
    }
}

impl GenerationStatus {
    /// Whether the generation has ended.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }

    /// Whether moving from `self` to `next` follows the lifecycle.
    pub fn may_become(self, next: Self) -> bool {
        use GenerationStatus::*;
        matches!(
            (self, next),
            (Pending, Streaming) | (Pending | Streaming, Completed | Failed | Cancelled)
        )
    }
}

closed_enum! {
    /// Where a version of a strategy document came from.
    pub enum VersionSource;
    as_str = "The database and API form, e.g. `\"GENERATED\"`.";
    parse(exact) = "The source stored as `s`.";
    {
        /// A completed generation.
        Generated => "GENERATED",
        /// Pre-filled from the organisation's cache for its domain, without a model call.
        Cached => "CACHED",
        /// An accepted "Edit with AI" proposal.
        Edited => "EDITED",
    }
}

closed_enum! {
    /// Where an "Edit with AI" proposal is.
    pub enum ProposalStatus;
    as_str = "The database and API form, e.g. `\"OPEN\"`.";
    parse(exact) = "The status stored as `s`.";
    {
        /// Awaiting (or being generated, or failed): may be accepted once its generation completed.
        Open => "OPEN",
        /// Applied as a new version.
        Accepted => "ACCEPTED",
        /// Dropped.
        Discarded => "DISCARDED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generation_only_moves_forward() {
        use GenerationStatus::*;
        assert!(Pending.may_become(Streaming));
        assert!(Streaming.may_become(Completed));
        assert!(Pending.may_become(Cancelled));
        assert!(!Completed.may_become(Streaming));
        assert!(!Failed.may_become(Completed));
        assert!(!Streaming.may_become(Pending));
        assert!(Completed.is_final() && Failed.is_final() && Cancelled.is_final());
        assert!(!Streaming.is_final());
    }

    #[test]
    fn artifacts_name_their_generation_target() {
        assert_eq!(Artifact::Icp.target(), "strategy:ICP");
        assert_eq!(Artifact::parse("ipp"), Some(Artifact::Ipp));
        assert_eq!(GenerationKind::from(Artifact::Ipp), GenerationKind::Ipp);
    }
}
