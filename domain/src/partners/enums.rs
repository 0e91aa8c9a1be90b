//! Closed vocabularies of partner data.
//!
//! Each enum's `as_str` is its database form in snake_case; `parse` accepts that form
//! and the GraphQL SCREAMING_CASE form (`LEGAL_NEGOTIATION`), ignoring ASCII case.

closed_enum! {
    /// What kind of business a partner is.
    pub enum PartnerType;
    as_str = "The database form, e.g. `\"technology\"`.";
    parse(ignore_ascii_case) = "The type whose database form is `s`, ignoring ASCII case (so `TECHNOLOGY` too); `None` for anything else.";
    {
        /// Builds software that integrates with ours.
        Technology => "technology",
        /// Advises customers.
        Consulting => "consulting",
        /// Delivers implementation or managed services.
        Services => "services",
        /// Sells through a channel.
        Channel => "channel",
        /// A strategic alliance.
        Strategic => "strategic",
        /// Resells our products.
        Reseller => "reseller",
        /// Refers customers to us.
        Referral => "referral",
    }
}

closed_enum! {
    /// The broad category a partner belongs to.
    pub enum PartnerCategory;
    as_str = "The database form, e.g. `\"solution\"`.";
    parse(ignore_ascii_case) = "The category whose database form is `s`, ignoring ASCII case (so `SOLUTION` too); `None` for anything else.";
    {
        /// Builds solutions on top of ours.
        Solution => "solution",
        /// A technology partner.
        Technology => "technology",
        /// A sales partner.
        Sales => "sales",
    }
}

closed_enum! {
    /// Whether a partnership is currently in force.
    pub enum PartnerStatus;
    as_str = "The database form, e.g. `\"active\"`.";
    parse(ignore_ascii_case) = "The status whose database form is `s`, ignoring ASCII case (so `ACTIVE` too); `None` for anything else.";
    {
        /// The partnership is in force.
        Active => "active",
        /// The partnership is paused or ended.
        Inactive => "inactive",
        /// The partnership is not yet in force.
        Pending => "pending",
    }
}

closed_enum! {
    /// Where a partner is in the partnership lifecycle.
    pub enum PartnerStage;
    as_str = "The database form, e.g. `\"legal_negotiation\"`.";
    parse(ignore_ascii_case) = "The stage whose database form is `s`, ignoring ASCII case (so `LEGAL_NEGOTIATION` too); `None` for anything else.";
    {
        /// Being considered.
        Prospect => "prospect",
        /// Being onboarded.
        Onboarding => "onboarding",
        /// Working with us.
        Active => "active",
        /// Growing the partnership.
        Scaling => "scaling",
        /// Judged a good fit.
        Qualified => "qualified",
        /// Negotiating the contract.
        LegalNegotiation => "legal_negotiation",
        /// The contract is signed.
        Signed => "signed",
        /// Trained and equipped to work with us.
        Enabled => "enabled",
        /// Producing results.
        Activated => "activated",
        /// Not pursued.
        Rejected => "rejected",
    }
}

closed_enum! {
    /// What a tag describes.
    pub enum TagCategory;
    as_str = "The database form, e.g. `\"services\"`.";
    parse(ignore_ascii_case) = "The tag category whose database form is `s`, ignoring ASCII case (so `SERVICES` too); `None` for anything else.";
    {
        /// A service the partner offers.
        Services => "services",
        /// A product the partner offers or uses.
        Products => "products",
        /// A region the partner covers.
        Regions => "regions",
    }
}

closed_enum! {
    /// How a partner's tier was set.
    pub enum TierSource;
    as_str = "The database form, `\"auto\"` or `\"manual\"`.";
    parse(ignore_ascii_case) = "The tier source whose database form is `s`, ignoring ASCII case (so `AUTO` too); `None` for anything else.";
    {
        /// Computed from the partner's scores.
        Auto => "auto",
        /// Chosen by a person.
        Manual => "manual",
    }
}

closed_enum! {
    /// A list-valued profile field, stored one row per item.
    pub enum ListField;
    as_str = "The database form, e.g. `\"regions\"`.";
    parse(ignore_ascii_case) = "The list field whose database form is `s`, ignoring ASCII case (so `REGIONS` too); `None` for anything else.";
    {
        /// Regions the partner covers.
        Regions => "regions",
        /// Languages the partner works in.
        Languages => "languages",
        /// Services the partner offers.
        Services => "services",
        /// Products the partner offers or uses.
        Products => "products",
    }
}

closed_enum! {
    /// What an item of a joint plan is.
    pub enum JointPlanItemKind;
    as_str = "The database form, e.g. `\"integration\"`.";
    parse(ignore_ascii_case) = "The item kind whose database form is `s`, ignoring ASCII case (so `INTEGRATION` too); `None` for anything else.";
    {
        /// An affiliate arrangement.
        Affiliate => "affiliate",
        /// A product integration.
        Integration => "integration",
        /// A shared workflow.
        Workflow => "workflow",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that every value of one enum round-trips through `as_str`, SCREAMING_CASE
    /// and `Display`, that database forms are distinct snake_case, and that `ALL` is sorted.
    macro_rules! check_vocabulary {
        ($name:ident) => {{
            for value in $name::ALL {
                let text = value.as_str();
                assert_eq!($name::parse(text), Some(value), "{text}");
                assert_eq!(
                    $name::parse(&text.to_ascii_uppercase()),
                    Some(value),
                    "{text}"
                );
                assert_eq!(value.to_string(), text);
                assert!(
                    text.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{text}"
                );
            }
            let mut texts: Vec<_> = $name::ALL.iter().map(|v| v.as_str()).collect();
            texts.sort_unstable();
            texts.dedup();
            assert_eq!(texts.len(), $name::ALL.len());
            assert!($name::ALL.is_sorted());
            for unknown in [
                "",
                " ",
                "unknown",
                "active ",
                "legal negotiation",
                "legal-negotiation",
            ] {
                assert_eq!($name::parse(unknown), None, "{unknown}");
            }
        }};
    }

    #[test]
    fn every_vocabulary_round_trips_through_its_database_and_graphql_forms() {
        check_vocabulary!(PartnerType);
        check_vocabulary!(PartnerCategory);
        check_vocabulary!(PartnerStatus);
        check_vocabulary!(PartnerStage);
        check_vocabulary!(TagCategory);
        check_vocabulary!(TierSource);
        check_vocabulary!(ListField);
        check_vocabulary!(JointPlanItemKind);
    }

    #[test]
    fn the_database_forms_are_exactly_as_stored() {
        assert_eq!(
            PartnerType::ALL.map(PartnerType::as_str),
            [
                "technology",
                "consulting",
                "services",
                "channel",
                "strategic",
                "reseller",
                "referral"
            ]
        );
        assert_eq!(
            PartnerCategory::ALL.map(PartnerCategory::as_str),
            ["solution", "technology", "sales"]
        );
        assert_eq!(
            PartnerStatus::ALL.map(PartnerStatus::as_str),
            ["active", "inactive", "pending"]
        );
        assert_eq!(
            PartnerStage::ALL.map(PartnerStage::as_str),
            [
                "prospect",
                "onboarding",
                "active",
                "scaling",
                "qualified",
                "legal_negotiation",
                "signed",
                "enabled",
                "activated",
                "rejected"
            ]
        );
        assert_eq!(
            TagCategory::ALL.map(TagCategory::as_str),
            ["services", "products", "regions"]
        );
        assert_eq!(TierSource::ALL.map(TierSource::as_str), ["auto", "manual"]);
        assert_eq!(
            ListField::ALL.map(ListField::as_str),
            ["regions", "languages", "services", "products"]
        );
        assert_eq!(
            JointPlanItemKind::ALL.map(JointPlanItemKind::as_str),
            ["affiliate", "integration", "workflow"]
        );
    }

    #[test]
    fn the_graphql_form_is_accepted_in_any_ascii_case() {
        assert_eq!(
            PartnerStage::parse("LEGAL_NEGOTIATION"),
            Some(PartnerStage::LegalNegotiation)
        );
        assert_eq!(
            PartnerStage::parse("legal_negotiation"),
            Some(PartnerStage::LegalNegotiation)
        );
        assert_eq!(
            PartnerStage::parse("Legal_Negotiation"),
            Some(PartnerStage::LegalNegotiation)
        );
        assert_eq!(PartnerType::parse("RESELLER"), Some(PartnerType::Reseller));
        assert_eq!(TierSource::parse("Manual"), Some(TierSource::Manual));
    }

    #[test]
    fn the_same_word_in_two_vocabularies_parses_in_each() {
        assert_eq!(
            PartnerType::parse("technology"),
            Some(PartnerType::Technology)
        );
        assert_eq!(
            PartnerCategory::parse("TECHNOLOGY"),
            Some(PartnerCategory::Technology)
        );
        assert_eq!(PartnerStatus::parse("active"), Some(PartnerStatus::Active));
        assert_eq!(PartnerStage::parse("ACTIVE"), Some(PartnerStage::Active));
    }

    #[test]
    fn a_word_from_another_vocabulary_is_refused() {
        assert_eq!(PartnerStatus::parse("prospect"), None);
        assert_eq!(PartnerCategory::parse("reseller"), None);
        assert_eq!(TagCategory::parse("languages"), None);
    }
}
