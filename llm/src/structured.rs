//! Structured output: a contract (schema + validation) and the driver that streams a reply,
//! validates it and makes one repair attempt.

use std::{fmt, sync::Arc};

use futures_util::StreamExt;
use schemars::{JsonSchema, generate::SchemaSettings};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::{
    model::{ChatRequest, Chunk, LanguageModel, LlmError, Message, OutputSchema, Usage},
    partial::{PartialJson, strip_code_fences},
};

/// A typed AI artifact with a JSON Schema.
pub trait Artifact: Serialize + DeserializeOwned + JsonSchema + Send + Sync + 'static {
    /// The `json_schema` name, e.g. `"ideal_customer_profile"`.
    const NAME: &'static str;

    /// Semantic checks serde cannot express (non-empty lists, uniqueness, ...).
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

/// Validates a final JSON value and returns it normalised, or says what is wrong.
pub type Validate = Arc<dyn Fn(&Value) -> Result<Value, String> + Send + Sync>;

/// What a reply must look like: a JSON Schema for the model and a validation for the result.
#[derive(Clone)]
pub struct OutputContract {
    pub name: String,
    pub schema: Value,
    /// Validates the final JSON and returns the normalised value (e.g. round-tripped through the
    /// Rust type), or a message naming what is wrong.
    pub validate: Validate,
}

impl fmt::Debug for OutputContract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutputContract")
            .field("name", &self.name)
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

impl OutputContract {
    /// The contract of an artifact type: its strict schema; validation deserialises into `T`,
    /// runs [`Artifact::check`] and serialises back.
    pub fn of<T: Artifact>() -> Self {
        Self {
            name: T::NAME.to_owned(),
            schema: strict_schema_for::<T>(),
            validate: Arc::new(|value| {
                let typed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
                typed.check()?;
                serde_json::to_value(&typed).map_err(|e| e.to_string())
            }),
        }
    }

    /// The schema to send as `response_format`.
    pub fn output_schema(&self) -> OutputSchema {
        OutputSchema {
            name: self.name.clone(),
            schema: self.schema.clone(),
        }
    }

    /// The names of the artifact's top-level properties (its sections), in schema order.
    pub fn sections(&self) -> Vec<String> {
        property_order(&self.schema)
    }

    /// A contract for one section: its schema is
    /// `{type: object, properties: {<section>: ..}, required: [<section>], additionalProperties: false}`
    /// (with `$defs` carried over). Its validate merges the section into `base` and runs the
    /// full validate, so it returns the **whole normalised document** with the new section.
    /// `None` if there is no such section.
    pub fn for_section(&self, section: &str, base: Value) -> Option<OutputContract> {
        let property = self.schema.get("properties")?.get(section)?.clone();
        let mut schema = json!({
            "type": "object",
            "properties": { section: property },
            "required": [section],
            "additionalProperties": false,
        });
        if let Some(defs) = self.schema.get("$defs") {
            schema["$defs"] = defs.clone();
        }
        let full = Arc::clone(&self.validate);
        let key = section.to_owned();
        let mut name = format!("{}_{section}", self.name);
        name.truncate(64);
        Some(OutputContract {
            name,
            schema,
            validate: Arc::new(move |value| {
                let part = value
                    .get(&key)
                    .ok_or_else(|| format!("missing field `{key}`"))?;
                let mut merged = base.clone();
                let Some(object) = merged.as_object_mut() else {
                    return Err("the document to edit is not a JSON object".to_owned());
                };
                object.insert(key.clone(), part.clone());
                full(&merged)
            }),
        })
    }

    /// Parses a reply's text (code fences stripped) and validates it.
    pub fn check_text(&self, text: &str) -> Result<Value, String> {
        let body = strip_code_fences(text);
        if body.is_empty() {
            return Err("the reply was empty".to_owned());
        }
        let value: Value =
            serde_json::from_str(body).map_err(|e| format!("the reply is not valid JSON: {e}"))?;
        (self.validate)(&value)
    }
}

/// The JSON Schema of `T` in the subset strict structured output and llama.cpp grammars accept:
/// subschemas inlined (no `$ref`), every object closed (`additionalProperties: false`) with all
/// of its properties required, no `$schema`/`title`/`format`.
pub fn strict_schema_for<T: JsonSchema>() -> Value {
    let schema = SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.inline_subschemas = true;
            settings.meta_schema = None;
        })
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    make_strict(&mut value);
    value
}

fn make_strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            map.remove("title");
            map.remove("format");
            map.remove("$schema");
            if let Some(Value::Object(properties)) = map.get("properties") {
                let mut required = property_order(&Value::Object(map.clone()));
                required.retain(|name| properties.contains_key(name));
                map.insert("required".into(), json!(required));
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, child) in map.iter_mut() {
                // `properties` and `$defs` hold names → schemas; recurse into the schemas only.
                if key == "properties" || key == "$defs" {
                    if let Value::Object(children) = child {
                        children.values_mut().for_each(make_strict);
                    }
                } else {
                    make_strict(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_strict),
        _ => {}
    }
}

/// Property names in declaration order: `required` lists them that way (the `properties` map
/// itself is sorted), followed by any optional ones.
pub(crate) fn property_order(schema: &Value) -> Vec<String> {
    let mut names: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(str::to_owned))
        .collect();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for name in properties.keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// One streamed piece of a structured reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// 1 = first try, 2 = repair.
    pub attempt: u32,
    pub delta: String,
    /// The partial object parsed so far in this attempt.
    pub partial: Option<Value>,
}

/// A validated structured reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Structured {
    /// The validated, normalised value.
    pub value: Value,
    /// The raw text of the accepted attempt.
    pub text: String,
    /// Usage summed over attempts.
    pub usage: Usage,
    /// 1, or 2 when the repair was needed.
    pub attempts: u32,
}

/// Why a structured generation failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum StructuredError {
    #[error("{error}")]
    Model { error: LlmError, usage: Usage },
    /// Still invalid after the one repair.
    #[error("the model's reply was still invalid after a repair attempt: {message}")]
    Invalid { message: String, usage: Usage },
}

impl StructuredError {
    /// Tokens spent before failing.
    pub fn usage(&self) -> Usage {
        match self {
            StructuredError::Model { usage, .. } | StructuredError::Invalid { usage, .. } => *usage,
        }
    }
}

/// Streams `request` with the contract's schema as `response_format`, calling `on_progress` for
/// every delta; validates the final text (code fences stripped); if invalid, sends ONE repair
/// request (the original messages + the invalid reply + the validation error), streamed with
/// `attempt = 2`; then gives up with [`StructuredError::Invalid`]. Usage is summed over attempts.
///
/// Cancel by dropping the future: nothing is spawned here, and dropping the model's stream
/// cancels its request.
pub async fn generate(
    model: &dyn LanguageModel,
    mut request: ChatRequest,
    contract: &OutputContract,
    on_progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Structured, StructuredError> {
    request.schema = Some(contract.output_schema());
    let mut usage = Usage::default();

    let text = attempt(model, request.clone(), 1, on_progress, &mut usage).await?;
    let message = match contract.check_text(&text) {
        Ok(value) => {
            return Ok(Structured {
                value,
                text,
                usage,
                attempts: 1,
            });
        }
        Err(message) => message,
    };
    tracing::debug!(contract = %contract.name, error = %message, "structured reply invalid; repairing");

    let mut repair = request;
    repair.messages.push(Message::assistant(text));
    repair
        .messages
        .push(Message::user(repair_instruction(&message)));
    let text = attempt(model, repair, 2, on_progress, &mut usage).await?;
    match contract.check_text(&text) {
        Ok(value) => Ok(Structured {
            value,
            text,
            usage,
            attempts: 2,
        }),
        Err(message) => Err(StructuredError::Invalid { message, usage }),
    }
}

/// The user turn asking the model to fix its reply.
pub fn repair_instruction(validation_error: &str) -> String {
    format!(
        "Your previous reply was rejected: {validation_error}\n\
         Reply again with the complete, corrected JSON document only: no explanations, no code fences."
    )
}

async fn attempt(
    model: &dyn LanguageModel,
    request: ChatRequest,
    attempt: u32,
    on_progress: &mut (dyn FnMut(Progress) + Send),
    usage: &mut Usage,
) -> Result<String, StructuredError> {
    let mut stream = model
        .stream(request)
        .await
        .map_err(|error| StructuredError::Model {
            error,
            usage: *usage,
        })?;
    let mut partial = PartialJson::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(Chunk::Delta(delta)) if delta.is_empty() => {}
            Ok(Chunk::Delta(delta)) => {
                partial.push(&delta);
                on_progress(Progress {
                    attempt,
                    delta,
                    partial: partial.current().cloned(),
                });
            }
            Ok(Chunk::Usage(more)) => *usage += more,
            Err(error) => {
                return Err(StructuredError::Model {
                    error,
                    usage: *usage,
                });
            }
        }
    }
    Ok(partial.text().to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{
        ScriptedModel,
        artifacts::{IdealCustomerProfile, IdealPartnerProfile},
        model::Role,
    };

    fn icp() -> Value {
        serde_json::to_value(IdealCustomerProfile::example()).unwrap()
    }

    fn ask() -> ChatRequest {
        ChatRequest::new(vec![
            Message::system("write an ICP"),
            Message::user("acme.com"),
        ])
    }

    async fn run(
        model: &ScriptedModel,
        contract: &OutputContract,
    ) -> (Result<Structured, StructuredError>, Vec<Progress>) {
        let mut progress = Vec::new();
        let result = generate(model, ask(), contract, &mut |p| progress.push(p)).await;
        (result, progress)
    }

    fn usage_of(model: &ScriptedModel, call: usize, chunks: u32) -> Usage {
        let chars: usize = model.requests()[call]
            .messages
            .iter()
            .map(|m| m.content.len())
            .sum();
        let prompt = u32::try_from(chars / 4).unwrap().max(1);
        Usage {
            prompt_tokens: prompt,
            completion_tokens: chunks,
            total_tokens: prompt + chunks,
        }
    }

    #[tokio::test]
    async fn a_valid_reply_is_accepted_first_time_with_growing_partials() {
        let model = ScriptedModel::new("fake").reply_json(&icp(), 40);
        let contract = OutputContract::of::<IdealCustomerProfile>();
        let (result, progress) = run(&model, &contract).await;
        let structured = result.unwrap();
        assert_eq!(structured.value, icp());
        assert_eq!(structured.attempts, 1);
        assert_eq!(structured.text, icp().to_string());
        let chunks = u32::try_from(progress.len()).unwrap();
        assert_eq!(structured.usage, usage_of(&model, 0, chunks));

        // The schema went out as response_format.
        assert_eq!(model.requests()[0].schema, Some(contract.output_schema()));
        // Every delta is reported, in order, and the partials only grow.
        let text: String = progress.iter().map(|p| p.delta.as_str()).collect();
        assert_eq!(text, icp().to_string());
        assert!(progress.iter().all(|p| p.attempt == 1));
        let sizes: Vec<usize> = progress
            .iter()
            .map(|p| p.partial.as_ref().map_or(0, |v| v.to_string().len()))
            .collect();
        assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");
        assert_eq!(progress.last().unwrap().partial, Some(icp()));
        assert!(progress[1].partial.as_ref().unwrap().is_object());
    }

    #[tokio::test]
    async fn invalid_json_is_repaired_once() {
        let model = ScriptedModel::new("fake")
            .reply(["{\"summary\": ", "\"cut"])
            .reply_json(&icp(), 50);
        let contract = OutputContract::of::<IdealCustomerProfile>();
        let (result, progress) = run(&model, &contract).await;
        let structured = result.unwrap();
        assert_eq!(structured.attempts, 2);
        assert_eq!(structured.value, icp());

        let repair = &model.requests()[1];
        assert_eq!(repair.messages.len(), 4);
        assert_eq!(repair.messages[..2], ask().messages[..]);
        assert_eq!(
            repair.messages[2],
            Message::assistant("{\"summary\": \"cut")
        );
        assert_eq!(repair.messages[3].role, Role::User);
        assert!(
            repair.messages[3]
                .content
                .contains("the reply is not valid JSON: EOF while parsing a string"),
            "{}",
            repair.messages[3].content
        );
        assert_eq!(repair.schema, Some(contract.output_schema()));

        // Progress of the repair restarts from an empty partial.
        let first_repair = progress.iter().find(|p| p.attempt == 2).unwrap();
        assert_eq!(first_repair.delta, icp().to_string()[..50]);
        assert!(
            first_repair
                .partial
                .as_ref()
                .unwrap()
                .as_object()
                .unwrap()
                .len()
                < 3
        );
        let repair_chunks = progress.iter().filter(|p| p.attempt == 2).count();
        assert_eq!(
            structured.usage,
            usage_of(&model, 0, 2).add(usage_of(&model, 1, u32::try_from(repair_chunks).unwrap()))
        );
    }

    #[tokio::test]
    async fn a_check_failure_triggers_the_repair() {
        let mut duplicated = serde_json::to_value(IdealPartnerProfile::example()).unwrap();
        duplicated["recommendedCategories"]["technology"] = json!("  ");
        let good = serde_json::to_value(IdealPartnerProfile::example()).unwrap();
        let model = ScriptedModel::new("fake")
            .reply_json(&duplicated, 1000)
            .reply([format!("```json\n{good}\n```")]);
        let (result, _) = run(&model, &OutputContract::of::<IdealPartnerProfile>()).await;
        let structured = result.unwrap();
        assert_eq!(structured.attempts, 2);
        assert_eq!(structured.value, good);
        assert!(
            model.requests()[1].messages[3]
                .content
                .contains("`recommendedCategories.technology` is empty")
        );
    }

    #[tokio::test]
    async fn a_reply_invalid_twice_gives_up_with_the_last_error_and_all_usage() {
        let model = ScriptedModel::new("fake")
            .reply(["not json"])
            .reply(["{\"summary\": \"x\"}"])
            .reply_json(&icp(), 10);
        let (result, _) = run(&model, &OutputContract::of::<IdealCustomerProfile>()).await;
        let error = result.unwrap_err();
        let StructuredError::Invalid { message, usage } = &error else {
            panic!("{error:?}");
        };
        assert!(message.contains("missing field"), "{message}");
        assert_eq!(*usage, usage_of(&model, 0, 1).add(usage_of(&model, 1, 1)));
        assert_eq!(error.usage(), *usage);
        assert_eq!(model.calls(), 2, "only one repair");
    }

    #[tokio::test]
    async fn a_model_error_is_passed_on_with_the_usage_so_far() {
        let model = ScriptedModel::new("fake")
            .reply(["nope"])
            .cut_after(["{"], LlmError::Protocol("cut".into()));
        let (result, progress) = run(&model, &OutputContract::of::<IdealCustomerProfile>()).await;
        assert_eq!(
            result.unwrap_err(),
            StructuredError::Model {
                error: LlmError::Protocol("cut".into()),
                usage: usage_of(&model, 0, 1),
            }
        );
        assert_eq!(progress.len(), 2);

        let failing = ScriptedModel::new("fake").fail(LlmError::NotConfigured);
        let (result, _) = run(&failing, &OutputContract::of::<IdealCustomerProfile>()).await;
        assert_eq!(
            result.unwrap_err(),
            StructuredError::Model {
                error: LlmError::NotConfigured,
                usage: Usage::default()
            }
        );
    }

    #[test]
    fn a_section_contract_validates_the_merged_document() {
        let contract = OutputContract::of::<IdealCustomerProfile>();
        let section = contract.for_section("geography", icp()).unwrap();
        assert_eq!(section.sections(), ["geography"]);
        assert_eq!(
            section.schema["properties"]["geography"],
            contract.schema["properties"]["geography"]
        );
        let edited = json!({"geography": {"primaryRegions": ["Italy"], "marketFocus": "SMB"}});
        let merged = (section.validate)(&edited).unwrap();
        assert_eq!(merged["geography"], edited["geography"]);
        assert_eq!(merged["summary"], icp()["summary"]);

        let invalid = json!({"geography": {"primaryRegions": []}});
        assert!((section.validate)(&invalid).is_err());
        assert!(
            (section.validate)(&json!({}))
                .unwrap_err()
                .contains("geography")
        );
        assert!(contract.for_section("nope", icp()).is_none());
    }

    /// Callers spawn generations onto tokio, so the future must be `Send`.
    #[expect(dead_code, reason = "compile-time check only")]
    fn generate_is_send(
        model: &dyn LanguageModel,
        contract: &OutputContract,
        on_progress: &mut (dyn FnMut(Progress) + Send),
    ) {
        fn send<T: Send>(_: T) {}
        send(generate(model, ask(), contract, on_progress));
    }

    #[test]
    fn text_is_checked_after_stripping_fences() {
        let contract = OutputContract::of::<IdealCustomerProfile>();
        let fenced = format!("```json\n{}\n```", icp());
        assert_eq!(contract.check_text(&fenced), Ok(icp()));
        assert_eq!(
            contract.check_text("  "),
            Err("the reply was empty".to_owned())
        );
    }
}
