//! What goes over the wire: the streamed chat request body and the parsing of its chunks.

use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    ChatCompletionStreamOptions, CreateChatCompletionRequest,
};
use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::Value;

use crate::{
    model::{ChatRequest, LlmError, OutputSchema, Role, Usage},
    structured::property_order,
};

/// The request body: async-openai's typed request plus our own `response_format`, whose schema
/// keeps properties in declaration order (serde_json's map is sorted, and the order of
/// properties is the order in which the model writes them).
#[derive(Debug, Serialize)]
pub(crate) struct StreamBody<'a> {
    #[serde(flatten)]
    request: CreateChatCompletionRequest,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<ResponseFormat<'a>>,
}

#[derive(Debug, Serialize)]
struct ResponseFormat<'a> {
    r#type: &'static str,
    json_schema: JsonSchema<'a>,
}

#[derive(Debug, Serialize)]
struct JsonSchema<'a> {
    name: &'a str,
    schema: Ordered<'a>,
    strict: bool,
}

impl<'a> StreamBody<'a> {
    pub(crate) fn new(model: &str, request: &'a ChatRequest) -> Self {
        #[expect(
            deprecated,
            reason = "`max_tokens` is what OpenAI-compatible servers (llama.cpp, vLLM, Ollama) all accept"
        )]
        let request_body = CreateChatCompletionRequest {
            model: model.to_owned(),
            messages: request.messages.iter().map(to_openai_message).collect(),
            stream: Some(true),
            stream_options: Some(ChatCompletionStreamOptions {
                include_usage: Some(true),
                include_obfuscation: None,
            }),
            max_tokens: request.max_tokens,
            temperature: request.temperature,
            ..Default::default()
        };
        Self {
            request: request_body,
            response_format: request
                .schema
                .as_ref()
                .map(|OutputSchema { name, schema }| ResponseFormat {
                    r#type: "json_schema",
                    json_schema: JsonSchema {
                        name,
                        schema: Ordered(schema),
                        strict: true,
                    },
                }),
        }
    }
}

fn to_openai_message(message: &crate::model::Message) -> ChatCompletionRequestMessage {
    let content = message.content.clone();
    match message.role {
        Role::System => ChatCompletionRequestSystemMessage::from(content).into(),
        Role::User => ChatCompletionRequestUserMessage::from(content).into(),
        Role::Assistant => ChatCompletionRequestAssistantMessage::from(content).into(),
    }
}

/// Serialises a JSON Schema with each object's `properties` in `required` order.
#[derive(Debug)]
struct Ordered<'a>(&'a Value);

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                for (key, value) in map {
                    match value {
                        Value::Object(properties) if key == "properties" => {
                            out.serialize_entry(key, &InOrder(properties, property_order(self.0)))?
                        }
                        _ => out.serialize_entry(key, &Ordered(value))?,
                    }
                }
                out.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(Ordered)),
            other => other.serialize(serializer),
        }
    }
}

struct InOrder<'a>(&'a serde_json::Map<String, Value>, Vec<String>);

impl Serialize for InOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let InOrder(properties, order) = self;
        let mut out = serializer.serialize_map(Some(properties.len()))?;
        for name in order {
            if let Some(schema) = properties.get(name) {
                out.serialize_entry(name, &Ordered(schema))?;
            }
        }
        out.end()
    }
}

/// What one `chat.completion.chunk` says.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ChunkEvent {
    pub(crate) content: Option<String>,
    pub(crate) usage: Option<Usage>,
    pub(crate) finished: bool,
}

/// Reads a chunk leniently: only `choices[0].delta.content`, `choices[0].finish_reason` and
/// `usage` matter (servers differ in everything else).
pub(crate) fn parse_chunk(chunk: &Value) -> Result<ChunkEvent, LlmError> {
    let Some(object) = chunk.as_object() else {
        return Err(LlmError::Protocol(
            "a stream chunk is not a JSON object".into(),
        ));
    };
    if let Some(error) = object.get("error") {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| error.to_string(), str::to_owned);
        return Err(LlmError::Protocol(format!(
            "the endpoint reported an error mid-stream: {message}"
        )));
    }
    let mut event = ChunkEvent::default();
    match object.get("choices") {
        None | Some(Value::Null) => {}
        Some(Value::Array(choices)) => {
            if let Some(choice) = choices.first() {
                event.content = choice
                    .get("delta")
                    .and_then(|delta| delta.get("content"))
                    .and_then(Value::as_str)
                    .filter(|content| !content.is_empty())
                    .map(str::to_owned);
                event.finished = choice
                    .get("finish_reason")
                    .is_some_and(|reason| !reason.is_null());
            }
        }
        Some(_) => {
            return Err(LlmError::Protocol(
                "a stream chunk's `choices` is not a list".into(),
            ));
        }
    }
    if let Some(usage) = object.get("usage").filter(|usage| usage.is_object()) {
        let count = |name: &str| {
            usage
                .get(name)
                .and_then(Value::as_u64)
                .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        event.usage = Some(Usage {
            prompt_tokens: count("prompt_tokens"),
            completion_tokens: count("completion_tokens"),
            total_tokens: count("total_tokens"),
        });
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Message;

    #[test]
    fn the_body_streams_with_usage_and_a_strict_schema_in_declaration_order() {
        let mut request = ChatRequest::new(vec![
            Message::system("be brief"),
            Message::user("hi"),
            Message::assistant("{}"),
        ]);
        request.max_tokens = Some(900);
        request.temperature = Some(0.2);
        request.schema = Some(OutputSchema {
            name: "thing".into(),
            schema: json!({
                "type": "object",
                "properties": {"b": {"type": "string"}, "a": {"type": "object", "properties": {"y": {}, "x": {}}, "required": ["y", "x"]}},
                "required": ["b", "a"],
            }),
        });
        let text = serde_json::to_string(&StreamBody::new("qwen", &request)).unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["model"], "qwen");
        assert_eq!(body["stream"], true);
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
        assert_eq!(body["max_tokens"], 900);
        assert!((body["temperature"].as_f64().unwrap() - 0.2).abs() < 1e-6);
        assert_eq!(
            body["messages"],
            json!([
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "{}"}
            ])
        );
        assert_eq!(body["response_format"]["type"], "json_schema");
        assert_eq!(body["response_format"]["json_schema"]["name"], "thing");
        assert_eq!(body["response_format"]["json_schema"]["strict"], true);
        assert_eq!(
            body["response_format"]["json_schema"]["schema"],
            request.schema.unwrap().schema
        );
        let b = text.find("\"b\":{").unwrap();
        let a = text.find("\"a\":{").unwrap();
        let y = text.find("\"y\":{").unwrap();
        let x = text.find("\"x\":{").unwrap();
        assert!(b < a && y < x, "{text}");
    }

    #[test]
    fn a_body_without_schema_has_no_response_format() {
        let request = ChatRequest::new(vec![Message::user("hi")]);
        let body = serde_json::to_value(StreamBody::new("m", &request)).unwrap();
        assert!(body.get("response_format").is_none());
        assert!(body.get("max_tokens").is_none());
    }

    #[test]
    fn chunks_yield_content_finish_and_usage() {
        let chunk =
            json!({"choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": null}]});
        assert_eq!(
            parse_chunk(&chunk),
            Ok(ChunkEvent {
                content: Some("Hi".into()),
                ..Default::default()
            })
        );
        let finish = json!({"choices": [{"delta": {}, "finish_reason": "stop"}]});
        assert!(parse_chunk(&finish).unwrap().finished);
        let usage = json!({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}});
        assert_eq!(
            parse_chunk(&usage).unwrap().usage,
            Some(Usage {
                prompt_tokens: 3,
                completion_tokens: 4,
                total_tokens: 7
            })
        );
        let role_only =
            json!({"choices": [{"delta": {"role": "assistant", "content": ""}}], "usage": null});
        assert_eq!(parse_chunk(&role_only), Ok(ChunkEvent::default()));
    }

    #[test]
    fn error_chunks_and_odd_shapes_are_protocol_errors() {
        assert!(matches!(
            parse_chunk(&json!({"error": {"message": "context too long"}})),
            Err(LlmError::Protocol(m)) if m.contains("context too long")
        ));
        assert!(parse_chunk(&json!([1])).is_err());
        assert!(parse_chunk(&json!({"choices": "x"})).is_err());
    }
}
