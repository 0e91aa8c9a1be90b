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
