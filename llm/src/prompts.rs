//! Prompts for the strategy artifacts. Bump a version constant whenever its prompt changes: the
//! version is recorded on every generation.
//!
//! A local server turns the schema into a grammar but does not show it to the model, so each
//! system prompt also lists the fields with their descriptions and bounds.

use serde_json::Value;

use crate::{
    artifacts::{IdealCustomerProfile, IdealPartnerProfile},
    model::{ChatRequest, Message},
    partner_analysis::PartnerAnalysis,
    structured::{OutputContract, property_order},
};

pub const ICP_PROMPT_VERSION: &str = "icp/1";
pub const IPP_PROMPT_VERSION: &str = "ipp/1";
pub const EDIT_PROMPT_VERSION: &str = "edit/1";
pub const PARTNER_ANALYSIS_PROMPT_VERSION: &str = "partner-analysis/1";

/// Enough for the ~250–400 token artifacts, with room for a verbose model.
const MAX_TOKENS: u32 = 900;
const TEMPERATURE: f32 = 0.2;
/// Longest domain name (RFC 1035); anything longer is cut.
const MAX_DOMAIN_CHARS: usize = 253;

/// Generates the Ideal Customer Profile of the company at `domain`.
pub fn icp(domain: &str) -> ChatRequest {
    let contract = OutputContract::of::<IdealCustomerProfile>();
    let domain = clip(domain);
    request(
        &contract,
        vec![
            Message::system(system_prompt(
                "an Ideal Customer Profile (ICP): the companies this company should sell to",
                &contract.schema,
            )),
            Message::user(format!(
                "Company website: {domain}\n\
                 Write the Ideal Customer Profile of the company behind this website. If you do \
                 not know the company, infer a plausible business from the domain name."
            )),
        ],
    )
}

/// Generates the Ideal Partner Profile of the company at `domain`, given its confirmed ICP.
pub fn ipp(domain: &str, confirmed_icp: &Value) -> ChatRequest {
    let contract = OutputContract::of::<IdealPartnerProfile>();
    let domain = clip(domain);
    request(
        &contract,
        vec![
            Message::system(system_prompt(
                "an Ideal Partner Profile (IPP): the partners (resellers, referral partners, \
                 technology partners, agencies) that help this company reach its ideal customers",
                &contract.schema,
            )),
            Message::user(format!(
                "Company website: {domain}\n\
                 Its confirmed Ideal Customer Profile:\n{confirmed_icp}\n\
                 Write the Ideal Partner Profile: which partners already serve these customers \
                 and would gain from offering this company's product."
            )),
        ],
    )
}

/// Analyses one partner: its profile and deals (JSON the caller assembles from stored data)
/// against the organisation's Ideal Partner Profile.
pub fn partner_analysis(
    partner: &Value,
    deals: &Value,
    ideal_partner_profile: &Value,
) -> ChatRequest {
    let contract = OutputContract::of::<PartnerAnalysis>();
    request(
        &contract,
        vec![
            Message::system(system_prompt(
                "an analysis of one partner: fit with the Ideal Partner Profile, relationship \
                 health, the 4C sub-scores (each with a one-line rationale naming the partner \
                 data it rests on), key strengths and a summary; scores are integers 0 to 100",
                &contract.schema,
            )),
            Message::user(format!(
                "Ideal Partner Profile:\n{ideal_partner_profile}\n\
                 Partner profile:\n{partner}\n\
                 Partner deals:\n{deals}\n\
                 Analyse this partner. Base every score and rationale on the data above; where \
                 data is missing, say so and score conservatively."
            )),
        ],
    )
}

/// An edit turn: the current document (or only `section` of it) as JSON, the earlier turns of
/// the conversation, and the new instruction. The reply is the full updated document — or, with
/// a section, `{"<section>": ...}` — so pass `contract.for_section(section, current)` to
/// [`crate::generate`] in that case. An unknown section edits the whole document.
pub fn edit(
    artifact_name: &str,
    contract: &OutputContract,
    current: &Value,
    section: Option<&str>,
    history: &[Message],
    instruction: &str,
) -> ChatRequest {
    let section_contract =
        section.and_then(|name| Some((name, contract.for_section(name, current.clone())?)));
    let (target, contract, shown) = match &section_contract {
        Some((name, sub)) => (
            format!("the `{name}` section of the {artifact_name}, as {{\"{name}\": ...}}"),
            sub,
            Value::Object(
                [(
                    (*name).to_owned(),
                    current.get(*name).cloned().unwrap_or(Value::Null),
                )]
                .into_iter()
                .collect(),
            ),
        ),
        None => (
            format!("the complete {artifact_name}"),
            contract,
            current.clone(),
        ),
    };
    let system = format!(
        "You are a B2B go-to-market strategist editing {target}.\n\
         Apply the user's instruction and reply with {target} as one JSON object, updated. \
         Keep everything the instruction does not ask to change exactly as it is.\n\
         Fields:\n{fields}\
         Current version:\n{shown}\n\
         Reply with the JSON object only, compact on one line: no explanations, no code fences.",
        fields = field_guide(&contract.schema),
    );
    let mut messages = Vec::with_capacity(history.len() + 2);
    messages.push(Message::system(system));
    messages.extend(history.iter().cloned());
    messages.push(Message::user(instruction));
    request(contract, messages)
}

fn request(contract: &OutputContract, messages: Vec<Message>) -> ChatRequest {
    ChatRequest {
        messages,
        schema: Some(contract.output_schema()),
        max_tokens: Some(MAX_TOKENS),
        temperature: Some(TEMPERATURE),
    }
}

fn system_prompt(what: &str, schema: &Value) -> String {
    format!(
        "You are a B2B go-to-market strategist. You write {what}.\n\
         Be specific and brief: short sentences, few list items, no filler.\n\
         Reply with one JSON object with these fields:\n{fields}\
         Reply with the JSON object only, compact on one line: no explanations, no code fences.",
        fields = field_guide(schema),
    )
}

fn clip(domain: &str) -> String {
    domain.trim().chars().take(MAX_DOMAIN_CHARS).collect()
}

/// One line per property, nested properties indented: `- name: description (bounds)`.
pub fn field_guide(schema: &Value) -> String {
    let mut out = String::new();
    describe_properties(schema, 0, &mut out);
    out
}

fn describe_properties(schema: &Value, depth: usize, out: &mut String) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for name in property_order(schema) {
        let Some(property) = properties.get(&name) else {
            continue;
        };
        let description = property
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let indent = "  ".repeat(depth);
        out.push_str(&format!("{indent}- {name}: {description}"));
        let bounds = bounds(property);
        if !bounds.is_empty() {
            out.push_str(&format!(" ({bounds})"));
        }
        out.push('\n');
        let nested = match property.get("type").and_then(Value::as_str) {
            Some("array") => property.get("items"),
            Some("object") => Some(property),
            _ => None,
        };
        if let Some(nested) = nested {
            describe_properties(nested, depth + 1, out);
        }
    }
}

fn bounds(property: &Value) -> String {
    let number = |key: &str| property.get(key).and_then(Value::as_u64);
    let mut parts = Vec::new();
    match (number("minItems"), number("maxItems")) {
        (Some(min), Some(max)) if min == max => parts.push(format!("exactly {min} items")),
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} items")),
        (None, Some(max)) => parts.push(format!("at most {max} items")),
        _ => {}
    }
    let items = property.get("items").unwrap_or(&Value::Null);
    if let Some(max) = number("maxLength") {
        parts.push(format!("at most {max} characters"));
    }
    if let Some(max) = items.get("maxLength").and_then(Value::as_u64) {
        parts.push(format!("each at most {max} characters"));
    }
    let allowed = property.get("enum").or_else(|| items.get("enum"));
    if let Some(Value::Array(values)) = allowed {
        let values: Vec<String> = values.iter().map(Value::to_string).collect();
        parts.push(format!("one of {}", values.join(", ")));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Role;

    #[test]
    fn the_icp_request_asks_for_the_icp_schema_briefly() {
        let request = icp("acme.com");
        let contract = OutputContract::of::<IdealCustomerProfile>();
        assert_eq!(request.schema, Some(contract.output_schema()));
        assert_eq!(request.max_tokens, Some(900));
        assert_eq!(request.messages.len(), 2);
        assert_eq!(request.messages[0].role, Role::System);
        let system = &request.messages[0].content;
        assert!(
            system.contains(
                "- targetIndustries: The industries to target, most promising first. (1 to 3 items)"
            ),
            "{system}"
        );
        assert!(system.contains("  - name: Industry name"), "{system}");
        assert!(request.messages[1].content.contains("acme.com"));
    }

    #[test]
    fn the_ipp_request_carries_the_confirmed_icp() {
        let icp = serde_json::to_value(IdealCustomerProfile::example()).unwrap();
        let request = ipp("acme.com", &icp);
        assert_eq!(
            request.schema.as_ref().unwrap().name,
            "ideal_partner_profile"
        );
        assert!(request.messages[1].content.contains(&icp.to_string()));
        assert!(
            request.messages[0]
                .content
                .contains("- recommendedCategories: ")
        );
        assert!(
            request.messages[0]
                .content
                .contains("  - referral: What Referral partners bring, in one sentence.")
        );
    }

    #[test]
    fn an_edit_of_the_whole_document_shows_it_and_keeps_the_history() {
        let contract = OutputContract::of::<IdealCustomerProfile>();
        let current = serde_json::to_value(IdealCustomerProfile::example()).unwrap();
        let history = [
            Message::user("shorter summary"),
            Message::assistant(current.to_string()),
        ];
        let request = edit(
            "Ideal Customer Profile",
            &contract,
            &current,
            None,
            &history,
            "add Italy",
        );
        assert_eq!(request.schema, Some(contract.output_schema()));
        assert_eq!(request.messages.len(), 4);
        assert!(request.messages[0].content.contains(&current.to_string()));
        assert_eq!(request.messages[1..3], history);
        assert_eq!(request.messages[3], Message::user("add Italy"));
    }

    #[test]
    fn an_edit_of_one_section_asks_for_that_section_only() {
        let contract = OutputContract::of::<IdealCustomerProfile>();
        let current = serde_json::to_value(IdealCustomerProfile::example()).unwrap();
        let request = edit(
            "Ideal Customer Profile",
            &contract,
            &current,
            Some("geography"),
            &[],
            "add Italy",
        );
        let schema = &request.schema.as_ref().unwrap().schema;
        assert_eq!(schema["required"], json!(["geography"]));
        assert_eq!(schema["additionalProperties"], json!(false));
        let system = &request.messages[0].content;
        assert!(
            system.contains(&json!({"geography": current["geography"]}).to_string()),
            "{system}"
        );
        assert!(!system.contains("painPoints"), "{system}");
    }
}
