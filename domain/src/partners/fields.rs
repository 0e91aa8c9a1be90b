//! The fields a person can edit on a partner, as named in the `overriddenFields` list.

closed_enum! {
    /// A partner field a person can edit; once edited, automatic enrichment leaves it alone.
    pub enum PartnerField;
    as_str = "The GraphQL field name in camelCase, e.g. `\"logoUrl\"`.";
    parse(exact) = "The field whose GraphQL name is exactly `s` (case-sensitive); `None` for anything else.";
    {
        /// `name`.
        Name => "name",
        /// `domain`.
        Domain => "domain",
        /// `logoUrl`.
        LogoUrl => "logoUrl",
        /// `industry`.
        Industry => "industry",
        /// `description`.
        Description => "description",
        /// `employees`.
        Employees => "employees",
        /// `companyRevenue`.
        CompanyRevenue => "companyRevenue",
        /// `regions`.
        Regions => "regions",
        /// `languages`.
        Languages => "languages",
        /// `services`.
        Services => "services",
        /// `products`.
        Products => "products",
        /// `type`.
        Type => "type",
        /// `subtype`.
        Subtype => "subtype",
        /// `category`.
        Category => "category",
        /// `tags`.
        Tags => "tags",
        /// `status`.
        Status => "status",
        /// `stage`.
        Stage => "stage",
        /// `partnerManager`.
        PartnerManager => "partnerManager",
        /// `primaryContact`.
        PrimaryContact => "primaryContact",
        /// `keyStakeholders`.
        KeyStakeholders => "keyStakeholders",
        /// `jointValueProposition`.
        JointValueProposition => "jointValueProposition",
        /// `executiveSummary`.
        ExecutiveSummary => "executiveSummary",
        /// `annualRevenueTarget`.
        AnnualRevenueTarget => "annualRevenueTarget",
        /// `quarterlyWeights`.
        QuarterlyWeights => "quarterlyWeights",
        /// `fitScore`.
        FitScore => "fitScore",
        /// `healthScore`.
        HealthScore => "healthScore",
        /// `fourC`.
        FourC => "fourC",
        /// `keyStrengths`.
        KeyStrengths => "keyStrengths",
        /// `aiSummary`.
        AiSummary => "aiSummary",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_round_trips_through_its_graphql_name() {
        for field in PartnerField::ALL {
            assert_eq!(PartnerField::parse(field.as_str()), Some(field));
            assert_eq!(field.to_string(), field.as_str());
        }
    }

    #[test]
    fn the_graphql_names_are_exactly_as_in_the_schema() {
        assert_eq!(
            PartnerField::ALL.map(PartnerField::as_str),
            [
                "name",
                "domain",
                "logoUrl",
                "industry",
                "description",
                "employees",
                "companyRevenue",
                "regions",
                "languages",
                "services",
                "products",
                "type",
                "subtype",
                "category",
                "tags",
                "status",
                "stage",
                "partnerManager",
                "primaryContact",
                "keyStakeholders",
                "jointValueProposition",
                "executiveSummary",
                "annualRevenueTarget",
                "quarterlyWeights",
                "fitScore",
                "healthScore",
                "fourC",
                "keyStrengths",
                "aiSummary",
            ]
        );
    }

    #[test]
    fn parsing_is_case_sensitive() {
        assert_eq!(PartnerField::parse("logoUrl"), Some(PartnerField::LogoUrl));
        for other in [
            "LogoUrl", "logourl", "LOGO_URL", "logo_url", " logoUrl", "Name", "",
        ] {
            assert_eq!(PartnerField::parse(other), None, "{other}");
        }
    }

    #[test]
    fn all_lists_every_field_once_in_declaration_order() {
        assert_eq!(PartnerField::ALL.len(), 29);
        assert!(PartnerField::ALL.is_sorted());
        assert!(PartnerField::ALL.windows(2).all(|w| w[0] != w[1]));
    }
}
