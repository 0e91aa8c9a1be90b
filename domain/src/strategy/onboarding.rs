//! The onboarding wizard's steps: ICP → IPP → brand & identity → complete, never skipped.

closed_enum! {
    /// A step of the onboarding wizard.
    pub enum OnboardingStep;
    as_str = "The API form, e.g. `\"ICP\"`.";
    parse(exact) = "The step named `s`.";
    {
        /// Reviewing the Ideal Customer Profile (generating, or ready to confirm).
        Icp => "ICP",
        /// The ICP is confirmed; the Ideal Partner Profile is generating.
        Ipp => "IPP",
        /// Both profiles exist; brand & identity remain.
        Brand => "BRAND",
        /// Onboarding is done.
        Complete => "COMPLETE",
    }
}

/// What the wizard's step is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OnboardingProgress {
    /// The ICP has at least one version.
    pub has_icp: bool,
    /// The ICP was confirmed (the IPP is built from it).
    pub icp_confirmed: bool,
    /// The IPP has at least one version.
    pub has_ipp: bool,
    /// Brand & identity were confirmed.
    pub completed: bool,
}

impl OnboardingProgress {
    /// The current step.
    pub fn step(self) -> OnboardingStep {
        if self.completed {
            OnboardingStep::Complete
        } else if !self.icp_confirmed {
            OnboardingStep::Icp
        } else if !self.has_ipp {
            OnboardingStep::Ipp
        } else {
            OnboardingStep::Brand
        }
    }

    /// Whether the ICP may be confirmed now, or why not.
    pub fn can_confirm_icp(self) -> Result<(), &'static str> {
        match self.step() {
            OnboardingStep::Icp if self.has_icp => Ok(()),
            OnboardingStep::Icp => Err(
                "the Ideal Customer Profile has not been generated yet; start onboarding and wait for it",
            ),
            _ => Err("the Ideal Customer Profile is already confirmed"),
        }
    }

    /// Whether brand & identity may be confirmed now, or why not.
    pub fn can_complete(self) -> Result<(), &'static str> {
        match self.step() {
            OnboardingStep::Brand => Ok(()),
            OnboardingStep::Icp => Err("confirm the Ideal Customer Profile first"),
            OnboardingStep::Ipp => Err("wait for the Ideal Partner Profile first"),
            OnboardingStep::Complete => Err("onboarding is already complete"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(
        has_icp: bool,
        icp_confirmed: bool,
        has_ipp: bool,
        completed: bool,
    ) -> OnboardingProgress {
        OnboardingProgress {
            has_icp,
            icp_confirmed,
            has_ipp,
            completed,
        }
    }

    #[test]
    fn steps_follow_the_wizard() {
        assert_eq!(
            progress(false, false, false, false).step(),
            OnboardingStep::Icp
        );
        assert_eq!(
            progress(true, false, false, false).step(),
            OnboardingStep::Icp
        );
        assert_eq!(
            progress(true, true, false, false).step(),
            OnboardingStep::Ipp
        );
        assert_eq!(
            progress(true, true, true, false).step(),
            OnboardingStep::Brand
        );
        assert_eq!(
            progress(true, true, true, true).step(),
            OnboardingStep::Complete
        );
    }

    #[test]
    fn steps_cannot_be_skipped() {
        assert!(
            progress(false, false, false, false)
                .can_confirm_icp()
                .is_err()
        );
        assert!(
            progress(true, false, false, false)
                .can_confirm_icp()
                .is_ok()
        );
        assert!(
            progress(true, true, false, false)
                .can_confirm_icp()
                .is_err()
        );
        assert!(progress(true, false, false, false).can_complete().is_err());
        assert!(progress(true, true, false, false).can_complete().is_err());
        assert!(progress(true, true, true, false).can_complete().is_ok());
        assert!(progress(true, true, true, true).can_complete().is_err());
    }
}
