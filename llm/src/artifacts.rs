//! The typed strategy artifacts: Ideal Customer Profile and Ideal Partner Profile.
//!
//! Field docs become schema descriptions. Lists and strings are bounded so a small local model
//! (Qwen2.5-0.5B at ~25 tokens/s) writes a document of roughly 250–400 tokens; [`Artifact::check`]
//! enforces the same bounds, since serde does not.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::structured::Artifact;

pub(crate) const SUMMARY: usize = 250;
pub(crate) const NAME: usize = 60;
pub(crate) const SHORT: usize = 100;
pub(crate) const TEXT: usize = 150;

/// Who the organisation sells to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdealCustomerProfile {
    /// Two or three sentences describing the ideal customer.
    #[schemars(length(min = 1, max = SUMMARY))]
    pub summary: String,
    /// The industries to target, most promising first.
    #[schemars(length(min = 1, max = 3))]
    pub target_industries: Vec<Industry>,
    /// Size of the ideal customer company.
    pub company_size: CompanySize,
    /// Where the ideal customers are.
    pub geography: Geography,
    /// Problems the ideal customer has that the product solves.
    #[schemars(length(min = 1, max = 4), inner(length(min = 1, max = SHORT)))]
    pub pain_points: Vec<String>,
    /// Events that make a customer start looking for the product.
    #[schemars(length(min = 1, max = 3), inner(length(min = 1, max = SHORT)))]
    pub buying_triggers: Vec<String>,
    /// People involved in the purchase.
    #[schemars(length(min = 1, max = 2))]
    pub stakeholders: Vec<Stakeholder>,
    /// How the purchase decision is usually made: who decides, how long it takes, what is compared.
    #[schemars(length(min = 1, max = TEXT))]
    pub decision_making: String,
}

/// A target industry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Industry {
    /// Industry name, e.g. "Logistics".
    #[schemars(length(min = 1, max = NAME))]
    pub name: String,
    /// Why this industry fits, in one sentence.
    #[schemars(length(min = 1, max = TEXT))]
    pub rationale: String,
}

/// Company size of the ideal customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompanySize {
    /// Employee range, e.g. "50-500".
    #[schemars(length(min = 1, max = NAME))]
    pub employee_range: String,
    /// Annual revenue range, e.g. "$10M-$100M".
    #[schemars(length(min = 1, max = NAME))]
    pub revenue_range: String,
    /// Other traits of companies of that size.
    #[schemars(length(min = 1, max = 3), inner(length(min = 1, max = SHORT)))]
    pub characteristics: Vec<String>,
}

/// Where the ideal customers are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Geography {
    /// Regions or countries, most important first.
    #[schemars(length(min = 1, max = 3), inner(length(min = 1, max = NAME)))]
    pub primary_regions: Vec<String>,
    /// The market focus, e.g. "mid-market in English-speaking countries".
    #[schemars(length(min = 1, max = TEXT))]
    pub market_focus: String,
}

/// A person involved in the purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Stakeholder {
    /// Job title or function, e.g. "Head of Operations".
    #[schemars(length(min = 1, max = NAME))]
    pub role: String,
    /// Their part in the decision, e.g. "decision maker", "influencer", "user".
    #[schemars(length(min = 1, max = NAME))]
    pub influence: String,
    /// What they care about most.
    #[schemars(length(min = 1, max = 2), inner(length(min = 1, max = SHORT)))]
    pub priorities: Vec<String>,
}

/// Which partners the organisation should recruit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdealPartnerProfile {
    /// Two or three sentences describing the ideal partner.
    #[schemars(length(min = 1, max = SUMMARY))]
    pub summary: String,
    /// The kinds of partner that fit, best first.
    #[schemars(length(min = 1, max = 3))]
    pub partner_types: Vec<PartnerTypeFit>,
    /// Size of the ideal partner company.
    #[schemars(length(min = 1, max = SHORT))]
    pub partner_size: String,
    /// The markets and customers the partner should already reach.
    #[schemars(length(min = 1, max = TEXT))]
    pub market_reach: String,
    /// How the partner makes money today, e.g. "managed services".
    #[schemars(length(min = 1, max = 3), inner(length(min = 1, max = SHORT)))]
    pub business_models: Vec<String>,
    /// Commercial arrangements that suit them, e.g. "20% resale margin".
    #[schemars(length(min = 1, max = 3), inner(length(min = 1, max = SHORT)))]
    pub commercial_structures: Vec<String>,
    /// How the partner's customers overlap with the ideal customer profile.
    #[schemars(length(min = 1, max = TEXT))]
    pub customer_overlap: String,
    /// Criteria to evaluate a candidate partner.
    #[schemars(length(min = 1, max = 4), inner(length(min = 1, max = SHORT)))]
    pub evaluation_criteria: Vec<String>,
    /// The recommended partner categories (Solutions, Technology, Reseller, Referral), each
    /// with its value proposition.
    pub recommended_categories: RecommendedCategories,
}

/// A kind of partner and why it fits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerTypeFit {
    /// e.g. "reseller", "referral", "technology", "agency".
    #[schemars(length(min = 1, max = NAME))]
    pub name: String,
    /// What such a partner does with the product, in one sentence.
    #[schemars(length(min = 1, max = TEXT))]
    pub description: String,
}

/// One value proposition per partner category. An object with one field per category (not a
/// list) so that a schema-constrained model cannot repeat or miss a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecommendedCategories {
    /// What Solutions partners (implementation, consulting) bring, in one sentence.
    #[schemars(length(min = 1, max = TEXT))]
    pub solutions: String,
    /// What Technology partners (integrations, complementary products) bring, in one sentence.
    #[schemars(length(min = 1, max = TEXT))]
    pub technology: String,
    /// What Reseller partners bring, in one sentence.
    #[schemars(length(min = 1, max = TEXT))]
    pub reseller: String,
    /// What Referral partners bring, in one sentence.
    #[schemars(length(min = 1, max = TEXT))]
    pub referral: String,
}

impl Artifact for IdealCustomerProfile {
    const NAME: &'static str = "ideal_customer_profile";

    fn check(&self) -> Result<(), String> {
        let mut c = Checker::default();
        c.text("summary", &self.summary, SUMMARY);
        c.list("targetIndustries", &self.target_industries, 1, 3);
        for (i, industry) in self.target_industries.iter().enumerate() {
            c.text(&format!("targetIndustries[{i}].name"), &industry.name, NAME);
            c.text(
                &format!("targetIndustries[{i}].rationale"),
                &industry.rationale,
                TEXT,
            );
        }
        let size = &self.company_size;
        c.text("companySize.employeeRange", &size.employee_range, NAME);
        c.text("companySize.revenueRange", &size.revenue_range, NAME);
        c.texts(
            "companySize.characteristics",
            &size.characteristics,
            3,
            SHORT,
        );
        c.texts(
            "geography.primaryRegions",
            &self.geography.primary_regions,
            3,
            NAME,
        );
        c.text("geography.marketFocus", &self.geography.market_focus, TEXT);
        c.texts("painPoints", &self.pain_points, 4, SHORT);
        c.texts("buyingTriggers", &self.buying_triggers, 3, SHORT);
        c.list("stakeholders", &self.stakeholders, 1, 2);
        for (i, stakeholder) in self.stakeholders.iter().enumerate() {
            c.text(&format!("stakeholders[{i}].role"), &stakeholder.role, NAME);
            c.text(
                &format!("stakeholders[{i}].influence"),
                &stakeholder.influence,
                NAME,
            );
            c.texts(
                &format!("stakeholders[{i}].priorities"),
                &stakeholder.priorities,
                2,
                SHORT,
            );
        }
        c.text("decisionMaking", &self.decision_making, TEXT);
        c.finish()
    }
}

impl Artifact for IdealPartnerProfile {
    const NAME: &'static str = "ideal_partner_profile";

    fn check(&self) -> Result<(), String> {
        let mut c = Checker::default();
        c.text("summary", &self.summary, SUMMARY);
        c.list("partnerTypes", &self.partner_types, 1, 3);
        for (i, fit) in self.partner_types.iter().enumerate() {
            c.text(&format!("partnerTypes[{i}].name"), &fit.name, NAME);
            c.text(
                &format!("partnerTypes[{i}].description"),
                &fit.description,
                TEXT,
            );
        }
        c.text("partnerSize", &self.partner_size, SHORT);
        c.text("marketReach", &self.market_reach, TEXT);
        c.texts("businessModels", &self.business_models, 3, SHORT);
        c.texts(
            "commercialStructures",
            &self.commercial_structures,
            3,
            SHORT,
        );
        c.text("customerOverlap", &self.customer_overlap, TEXT);
        c.texts("evaluationCriteria", &self.evaluation_criteria, 4, SHORT);
        let categories = &self.recommended_categories;
        for (name, value) in [
            ("solutions", &categories.solutions),
            ("technology", &categories.technology),
            ("reseller", &categories.reseller),
            ("referral", &categories.referral),
        ] {
            c.text(&format!("recommendedCategories.{name}"), value, TEXT);
        }
        c.finish()
    }
}

impl IdealCustomerProfile {
    /// A valid example (for tests, e.g. as a mock model's reply).
    pub fn example() -> Self {
        serde_json::from_value(serde_json::json!({
            "summary": "Mid-sized logistics firms that run their own fleets and want fewer empty miles.",
            "targetIndustries": [
                {"name": "Logistics", "rationale": "Route planning is their core cost."},
                {"name": "Wholesale", "rationale": "They deliver daily to many shops."}
            ],
            "companySize": {
                "employeeRange": "50-500",
                "revenueRange": "$10M-$100M",
                "characteristics": ["Own fleet of 20+ vehicles"]
            },
            "geography": {"primaryRegions": ["Germany", "Austria"], "marketFocus": "DACH mid-market"},
            "painPoints": ["Manual route planning", "Rising fuel costs"],
            "buyingTriggers": ["New depot opened"],
            "stakeholders": [
                {"role": "Head of Operations", "influence": "decision maker", "priorities": ["Cost per delivery"]}
            ],
            "decisionMaking": "Operations decides with finance sign-off after a one-month pilot."
        }))
        .expect("the example ICP matches the type")
    }
}

impl IdealPartnerProfile {
    /// A valid example (for tests, e.g. as a mock model's reply).
    pub fn example() -> Self {
        serde_json::from_value(serde_json::json!({
            "summary": "Regional IT service providers that already serve logistics companies.",
            "partnerTypes": [{"name": "reseller", "description": "Resells and onboards customers."}],
            "partnerSize": "10-200 employees",
            "marketReach": "Mid-sized logistics firms in DACH",
            "businessModels": ["Managed services"],
            "commercialStructures": ["20% resale margin"],
            "customerOverlap": "Serves the same operations teams we sell to.",
            "evaluationCriteria": ["Logistics references", "Certified staff"],
            "recommendedCategories": {
                "solutions": "Implementation projects.",
                "technology": "Telematics integrations.",
                "reseller": "Local sales reach.",
                "referral": "Warm introductions."
            }
        }))
        .expect("the example IPP matches the type")
    }
}

/// Collects every violation so one repair request can name them all.
#[derive(Default)]
pub(crate) struct Checker {
    problems: Vec<String>,
}

impl Checker {
    pub(crate) fn fail(&mut self, problem: String) {
        self.problems.push(problem);
    }

    pub(crate) fn text(&mut self, path: &str, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.fail(format!("`{path}` is empty"));
        }
        let chars = value.chars().count();
        if chars > max_chars {
            self.fail(format!(
                "`{path}` has {chars} characters; at most {max_chars} are allowed"
            ));
        }
    }

    pub(crate) fn list<T>(&mut self, path: &str, items: &[T], min: usize, max: usize) {
        if items.len() < min || items.len() > max {
            let bounds = if min == max {
                format!("exactly {min}")
            } else {
                format!("{min} to {max}")
            };
            self.fail(format!(
                "`{path}` must have {bounds} items, but has {}",
                items.len()
            ));
        }
    }

    /// A list of 1..=`max` non-empty strings of at most `max_chars` characters.
    fn texts(&mut self, path: &str, items: &[String], max: usize, max_chars: usize) {
        self.list(path, items, 1, max);
        for (i, item) in items.iter().enumerate() {
            self.text(&format!("{path}[{i}]"), item, max_chars);
        }
    }

    pub(crate) fn finish(self) -> Result<(), String> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::structured::OutputContract;

    fn example_icp() -> Value {
        serde_json::to_value(IdealCustomerProfile::example()).unwrap()
    }

    fn example_ipp() -> Value {
        serde_json::to_value(IdealPartnerProfile::example()).unwrap()
    }

    /// Walks every subschema.
    fn each_schema(schema: &Value, visit: &mut dyn FnMut(&Value)) {
        visit(schema);
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            properties.values().for_each(|s| each_schema(s, visit));
        }
        if let Some(items) = schema.get("items") {
            each_schema(items, visit);
        }
    }

    fn assert_strict(contract: &OutputContract) {
        let text = contract.schema.to_string();
        assert!(!text.contains("\"format\""), "{text}");
        assert!(!text.contains("$ref"), "{text}");
        assert!(!text.contains("oneOf") && !text.contains("anyOf"), "{text}");
        let mut objects = 0;
        each_schema(&contract.schema, &mut |schema| {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                objects += 1;
                assert_eq!(schema["additionalProperties"], json!(false), "{schema}");
                let mut required: Vec<&str> = schema["required"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                required.sort_unstable();
                let mut names: Vec<&str> = properties.keys().map(String::as_str).collect();
                names.sort_unstable();
                assert_eq!(required, names, "{schema}");
            }
            if schema.get("type") == Some(&json!("array")) {
                assert!(schema.get("maxItems").is_some(), "{schema}");
            }
            if schema.get("type") == Some(&json!("string")) && schema.get("enum").is_none() {
                assert!(schema.get("maxLength").is_some(), "{schema}");
                assert_eq!(schema.get("minLength"), Some(&json!(1)), "{schema}");
            }
        });
        assert!(objects > 1);
    }

    #[test]
    fn the_icp_schema_is_strict_and_bounded() {
        let contract = OutputContract::of::<IdealCustomerProfile>();
        assert_eq!(contract.name, "ideal_customer_profile");
        assert_strict(&contract);
        assert_eq!(
            contract.sections(),
            [
                "summary",
                "targetIndustries",
                "companySize",
                "geography",
                "painPoints",
                "buyingTriggers",
                "stakeholders",
                "decisionMaking"
            ]
        );
        let industries = &contract.schema["properties"]["targetIndustries"];
        assert_eq!(industries["minItems"], json!(1));
        assert_eq!(industries["maxItems"], json!(3));
        assert_eq!(
            industries["description"],
            json!("The industries to target, most promising first.")
        );
        assert_eq!(
            contract.schema["properties"]["painPoints"]["items"]["maxLength"],
            json!(SHORT)
        );
    }

    #[test]
    fn the_ipp_schema_is_strict_and_names_the_four_categories() {
        let contract = OutputContract::of::<IdealPartnerProfile>();
        assert_eq!(contract.name, "ideal_partner_profile");
        assert_strict(&contract);
        let categories = &contract.schema["properties"]["recommendedCategories"];
        assert_eq!(
            categories["required"],
            json!(["solutions", "technology", "reseller", "referral"])
        );
    }

    #[test]
    fn examples_round_trip_through_the_contracts() {
        let icp = OutputContract::of::<IdealCustomerProfile>();
        assert_eq!((icp.validate)(&example_icp()), Ok(example_icp()));
        let ipp = OutputContract::of::<IdealPartnerProfile>();
        assert_eq!((ipp.validate)(&example_ipp()), Ok(example_ipp()));
        let typed: IdealPartnerProfile = serde_json::from_value(example_ipp()).unwrap();
        assert_eq!(typed.recommended_categories.reseller, "Local sales reach.");
    }

    #[test]
    fn check_rejects_a_blank_category() {
        let mut ipp = example_ipp();
        ipp["recommendedCategories"]["referral"] = json!("  ");
        let error = (OutputContract::of::<IdealPartnerProfile>().validate)(&ipp).unwrap_err();
        assert!(
            error.contains("`recommendedCategories.referral` is empty"),
            "{error}"
        );
    }

    #[test]
    fn check_rejects_empty_lists_and_blank_or_long_text() {
        let mut icp = example_icp();
        icp["painPoints"] = json!([]);
        icp["summary"] = json!("  ");
        icp["decisionMaking"] = json!("x".repeat(TEXT + 1));
        let error = (OutputContract::of::<IdealCustomerProfile>().validate)(&icp).unwrap_err();
        assert!(
            error.contains("`painPoints` must have 1 to 4 items, but has 0"),
            "{error}"
        );
        assert!(error.contains("`summary` is empty"), "{error}");
        assert!(
            error.contains(&format!("`decisionMaking` has {} characters", TEXT + 1)),
            "{error}"
        );
    }

    #[test]
    fn unknown_or_missing_fields_are_rejected() {
        let contract = OutputContract::of::<IdealCustomerProfile>();
        let mut extra = example_icp();
        extra["mood"] = json!("happy");
        assert!((contract.validate)(&extra).unwrap_err().contains("mood"));
        let mut missing = example_icp();
        missing.as_object_mut().unwrap().remove("geography");
        assert!(
            (contract.validate)(&missing)
                .unwrap_err()
                .contains("geography")
        );
    }
}
