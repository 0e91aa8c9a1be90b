//! `Onboarding`: the wizard's state, with its inputs and payloads.

use async_graphql::{Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use partnergraph_domain::strategy as domain;

use crate::graphql::types::generation::Generation;
use crate::graphql::types::strategy_document::StrategyDocument;
use crate::strategy::OnboardingView;

/// A step of the onboarding wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "OnboardingStep", remote = "domain::OnboardingStep")]
pub enum OnboardingStepValue {
    /// Review the Ideal Customer Profile (generating, or ready to confirm with `confirmIcp`).
    Icp,
    /// The ICP is confirmed; the Ideal Partner Profile is generating from it.
    Ipp,
    /// Both profiles exist; brand & identity remain (`completeOnboarding`).
    Brand,
    /// Done.
    Complete,
}

/// Brand colours, `#rrggbb`.
#[derive(Debug, Clone, SimpleObject)]
pub struct BrandColors {
    /// Primary colour.
    pub primary: String,
    /// Secondary colour.
    pub secondary: String,
    /// Accent colour.
    pub accent: String,
}

/// The workspace's brand & identity.
#[derive(Debug, Clone, SimpleObject)]
pub struct Brand {
    /// How the organisation's name appears.
    pub display_name: String,
    /// Logo URL.
    pub logo_url: Option<String>,
    /// Colours, once onboarding completed.
    pub colors: Option<BrandColors>,
}

/// The onboarding wizard: ICP → IPP → brand & identity. Steps cannot be skipped.
#[derive(Debug, Clone)]
pub struct Onboarding(pub OnboardingView);

/// The onboarding wizard: ICP → IPP → brand & identity. Steps cannot be skipped.
#[Object]
impl Onboarding {
    /// The current step.
    async fn step(&self) -> OnboardingStepValue {
        self.0.progress.step().into()
    }

    /// Whether `startOnboarding` was called.
    async fn started(&self) -> bool {
        self.0.stored.is_some()
    }

    /// The company domain the profiles are generated for (the organisation's until
    /// `startOnboarding` names another).
    async fn domain(&self) -> &str {
        &self.0.domain
    }

    /// The newest Ideal Customer Profile.
    async fn icp(&self) -> Option<StrategyDocument> {
        self.0.icp.clone().map(StrategyDocument)
    }

    /// The newest Ideal Partner Profile.
    async fn ipp(&self) -> Option<StrategyDocument> {
        self.0.ipp.clone().map(StrategyDocument)
    }

    /// The ICP generation running now (subscribe to follow it).
    async fn icp_generation(&self) -> Option<Generation> {
        self.0.icp_generation.clone().map(Generation)
    }

    /// The IPP generation running now.
    async fn ipp_generation(&self) -> Option<Generation> {
        self.0.ipp_generation.clone().map(Generation)
    }

    /// The ICP version the IPP was built from.
    async fn confirmed_icp_version(&self) -> Option<i32> {
        self.0.stored.as_ref().and_then(|o| o.icp_confirmed_version)
    }

    /// Brand & identity (pre-filled with the organisation's display name).
    async fn brand(&self) -> Brand {
        let brand = &self.0.brand;
        Brand {
            display_name: brand.display_name.clone(),
            logo_url: brand.logo_url.clone(),
            colors: brand.colors.as_ref().map(|c| BrandColors {
                primary: c.primary.to_string(),
                secondary: c.secondary.to_string(),
                accent: c.accent.to_string(),
            }),
        }
    }

    /// When onboarding completed.
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.stored.as_ref().and_then(|o| o.completed_at)
    }
}

/// `startOnboarding` input.
#[derive(Debug, Clone, InputObject)]
pub struct StartOnboardingInput {
    /// The company domain to profile (default: the organisation's). Personal e-mail providers
    /// are refused.
    pub company_domain: Option<String>,
}

/// `startOnboarding` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct StartOnboardingPayload {
    /// The wizard.
    pub onboarding: Onboarding,
    /// The ICP generation streaming now; null when the ICP was pre-filled from the cache.
    pub generation: Option<Generation>,
}

/// `confirmIcp` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct ConfirmIcpPayload {
    /// The wizard.
    pub onboarding: Onboarding,
    /// The IPP generation streaming now; null when the IPP was pre-filled from the cache.
    pub generation: Option<Generation>,
}

/// Brand colours as given.
#[derive(Debug, Clone, InputObject)]
pub struct BrandColorsInput {
    /// Primary colour, `#rrggbb` or `#rgb`.
    pub primary: String,
    /// Secondary colour.
    pub secondary: String,
    /// Accent colour.
    pub accent: String,
}

/// `completeOnboarding` input: brand & identity.
#[derive(Debug, Clone, InputObject)]
pub struct CompleteOnboardingInput {
    /// Company domain (pre-filled: `onboarding.domain`; must be the one profiled).
    pub domain: String,
    /// How the organisation's name appears (1–100 characters).
    pub display_name: String,
    /// Logo URL (http or https).
    pub logo_url: Option<String>,
    /// Brand colours.
    pub brand_colors: BrandColorsInput,
}

/// `completeOnboarding` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct CompleteOnboardingPayload {
    /// The wizard, now complete.
    pub onboarding: Onboarding,
}
