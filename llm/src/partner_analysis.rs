//! The AI partner analysis: fit against the IPP, relationship health, the 4C sub-scores with a
//! rationale each, key strengths and a summary. Scores are integers from 0 to 100; a score out
//! of range or a missing dimension fails validation (and gets the one repair attempt).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::artifacts::{Checker, NAME, SHORT, SUMMARY, TEXT};
use crate::structured::Artifact;

/// How well a partner fits and how the relationship is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerAnalysis {
    /// 0–100: how closely the partner matches the Ideal Partner Profile.
    #[schemars(range(min = 0, max = 100))]
    pub fit_score: u8,
    /// 0–100: the overall state of the relationship (activity, pipeline, revenue, stage).
    #[schemars(range(min = 0, max = 100))]
    pub health_score: u8,
    /// The four sub-scores of fit.
    pub four_c: FourC,
    /// What the partner is best at, strongest first.
    #[schemars(length(min = 1, max = 3))]
    pub key_strengths: Vec<Strength>,
    /// Two or three sentences summarising the analysis.
    #[schemars(length(min = 1, max = SUMMARY))]
    pub summary: String,
}

/// Capacity, Capability, Commitment and Customer Alignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FourC {
    /// Resources to serve customers (headcount, reach).
    pub capacity: Dimension,
    /// Skills, services and products relevant to the offering.
    pub capability: Dimension,
    /// Investment in the partnership (stage, deals registered, revenue).
    pub commitment: Dimension,
    /// Overlap of the partner's customers with the ideal customers.
    pub customer_alignment: Dimension,
}

/// One 4C sub-score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dimension {
    /// 0–100.
    #[schemars(range(min = 0, max = 100))]
    pub score: u8,
    /// One line naming the partner data the score rests on.
    #[schemars(length(min = 1, max = TEXT))]
    pub rationale: String,
}

/// A strength of the partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Strength {
    /// A short label, e.g. "Logistics expertise".
    #[schemars(length(min = 1, max = NAME))]
    pub label: String,
    /// One sentence on what it is and the data that shows it.
    #[schemars(length(min = 1, max = SHORT))]
    pub description: String,
    /// 0–100.
    #[schemars(range(min = 0, max = 100))]
    pub score: u8,
}

fn score(c: &mut Checker, path: &str, value: u8) {
    if value > 100 {
        c.fail(format!("`{path}` is {value}; scores are 0 to 100"));
    }
}

impl Artifact for PartnerAnalysis {
    const NAME: &'static str = "partner_analysis";

    fn check(&self) -> Result<(), String> {
        let mut c = Checker::default();
        score(&mut c, "fitScore", self.fit_score);
        score(&mut c, "healthScore", self.health_score);
        for (name, dimension) in [
            ("capacity", &self.four_c.capacity),
            ("capability", &self.four_c.capability),
            ("commitment", &self.four_c.commitment),
            ("customerAlignment", &self.four_c.customer_alignment),
        ] {
            score(&mut c, &format!("fourC.{name}.score"), dimension.score);
            c.text(
                &format!("fourC.{name}.rationale"),
                &dimension.rationale,
                TEXT,
            );
        }
        c.list("keyStrengths", &self.key_strengths, 1, 3);
        for (i, strength) in self.key_strengths.iter().enumerate() {
            c.text(&format!("keyStrengths[{i}].label"), &strength.label, NAME);
            c.text(
                &format!("keyStrengths[{i}].description"),
                &strength.description,
                SHORT,
            );
            score(&mut c, &format!("keyStrengths[{i}].score"), strength.score);
        }
        c.text("summary", &self.summary, SUMMARY);
        c.finish()
    }
}

impl PartnerAnalysis {
    /// A valid example (for tests, e.g. as a mock model's reply).
    pub fn example() -> Self {
        serde_json::from_value(serde_json::json!({
            "fitScore": 82,
            "healthScore": 64,
            "fourC": {
                "capacity": {"score": 70, "rationale": "120 employees across two regions."},
                "capability": {"score": 85, "rationale": "Offers implementation and managed services."},
                "commitment": {"score": 55, "rationale": "Two open deals, none closed yet."},
                "customerAlignment": {"score": 90, "rationale": "Serves mid-sized logistics firms."}
            },
            "keyStrengths": [
                {"label": "Logistics expertise", "description": "Its customers are logistics firms.", "score": 88}
            ],
            "summary": "A well-aligned reseller whose pipeline has yet to convert."
        }))
        .expect("the example analysis matches the type")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::structured::OutputContract;

    fn example() -> serde_json::Value {
        serde_json::to_value(PartnerAnalysis::example()).unwrap()
    }

    #[test]
    fn the_example_validates_and_round_trips() {
        let contract = OutputContract::of::<PartnerAnalysis>();
        assert_eq!((contract.validate)(&example()), Ok(example()));
        assert_eq!(
            contract.schema["properties"]["fitScore"]["maximum"],
            json!(100)
        );
    }

    #[test]
    fn scores_out_of_range_fail() {
        let mut analysis = example();
        analysis["fitScore"] = json!(150);
        analysis["fourC"]["commitment"]["score"] = json!(101);
        let error = (OutputContract::of::<PartnerAnalysis>().validate)(&analysis).unwrap_err();
        assert!(error.contains("`fitScore` is 150"), "{error}");
        assert!(error.contains("`fourC.commitment.score` is 101"), "{error}");
        analysis["fitScore"] = json!(-1);
        assert!((OutputContract::of::<PartnerAnalysis>().validate)(&analysis).is_err());
    }

    #[test]
    fn a_missing_dimension_fails() {
        let mut analysis = example();
        analysis["fourC"]
            .as_object_mut()
            .unwrap()
            .remove("customerAlignment");
        assert!((OutputContract::of::<PartnerAnalysis>().validate)(&analysis).is_err());
    }
}
