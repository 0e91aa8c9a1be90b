//! Incremental parsing of a JSON document that is still being streamed.
//!
//! A small tolerant recursive-descent parser rather than a crate: the candidates looked at
//! (`jiter`'s partial mode, `partial-json-fixer`, `partial_json_parser`) either bring their own
//! value type and a larger dependency tree, or complete dangling numbers and literals — which
//! would show values the model never wrote. The rules here:
//!
//! - complete keys and values so far are kept;
//! - an unterminated string shows the prefix received (an escape sequence cut in half is left out);
//! - a key without its value yet, and a number or `true`/`false`/`null` that may still be
//!   growing, are dropped;
//! - a leading code fence (```` ```json ````) and whitespace are skipped;
//! - a top-level number or literal is only known once something follows it, so a bare `42`
//!   stays `None` (the artifacts are objects).
//!
//! The whole buffer is re-parsed on each push: O(n) per push, fine for documents of a few KB.

use serde_json::{Map, Value};

/// Nesting deeper than this is treated as malformed (keeps recursion bounded).
const MAX_DEPTH: usize = 128;

/// Accumulates streamed text and keeps the best-effort parse of it.
#[derive(Debug, Clone, Default)]
pub struct PartialJson {
    text: String,
    current: Option<Value>,
}

impl PartialJson {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `delta` and returns the partial value if it changed since the last push.
    pub fn push(&mut self, delta: &str) -> Option<Value> {
        if delta.is_empty() {
            return None;
        }
        self.text.push_str(delta);
        let parsed = parse_partial(&self.text)?;
        if self.current.as_ref() == Some(&parsed) {
            return None;
        }
        self.current = Some(parsed.clone());
        Some(parsed)
    }

    /// Everything pushed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The latest partial value, if any.
    pub fn current(&self) -> Option<&Value> {
        self.current.as_ref()
    }
}

/// The best-effort value of a possibly unfinished JSON document; `None` when nothing usable has
/// arrived yet or the text is not JSON.
pub fn parse_partial(text: &str) -> Option<Value> {
    let body = skip_leading_fence(text)?;
    let mut parser = Parser {
        text: body,
        bytes: body.as_bytes(),
        pos: 0,
        depth: 0,
    };
    match parser.value() {
        Ok(Parsed::Complete(value)) | Ok(Parsed::Partial(Some(value))) => Some(value),
        Ok(Parsed::Partial(None)) | Err(Malformed) => None,
    }
}

/// The JSON inside a reply that may be wrapped in a Markdown code fence.
pub fn strip_code_fences(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let Some(newline) = rest.find('\n') else {
        return trimmed;
    };
    let inner = rest[newline + 1..].trim_end();
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

/// Skips whitespace and an opening code fence line; `None` while the fence line is unfinished.
fn skip_leading_fence(text: &str) -> Option<&str> {
    let trimmed = text.trim_start();
    if "```".starts_with(trimmed) && !trimmed.is_empty() {
        return None;
    }
    match trimmed.strip_prefix("```") {
        Some(rest) => rest.find('\n').map(|newline| &rest[newline + 1..]),
        None => Some(trimmed),
    }
}

enum Parsed {
    /// The value is finished.
    Complete(Value),
    /// The text ended inside the value; what of it can be shown, if anything.
    Partial(Option<Value>),
}

struct Malformed;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Parsed, Malformed> {
        self.skip_whitespace();
        match self.peek() {
            None => Ok(Parsed::Partial(None)),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => Ok(match self.string()? {
                (text, true) => Parsed::Complete(Value::String(text)),
                (text, false) => Parsed::Partial(Some(Value::String(text))),
            }),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(_) => Err(Malformed),
        }
    }

    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Parsed, Malformed>,
    ) -> Result<Parsed, Malformed> {
        if self.depth >= MAX_DEPTH {
            return Err(Malformed);
        }
        self.depth += 1;
        let parsed = parse(self);
        self.depth -= 1;
        parsed
    }

    fn object(&mut self) -> Result<Parsed, Malformed> {
        self.pos += 1; // '{'
        let mut map = Map::new();
        let partial = |map: Map<String, Value>| Ok(Parsed::Partial(Some(Value::Object(map))));
        self.skip_whitespace();
        match self.peek() {
            None => return partial(map),
            Some(b'}') => {
                self.pos += 1;
                return Ok(Parsed::Complete(Value::Object(map)));
            }
            Some(_) => {}
        }
        loop {
            self.skip_whitespace();
            match self.peek() {
                None => return partial(map),
                Some(b'"') => {}
                Some(_) => return Err(Malformed),
            }
            let (key, key_done) = self.string()?;
            if !key_done {
                return partial(map);
            }
            self.skip_whitespace();
            match self.peek() {
                None => return partial(map),
                Some(b':') => self.pos += 1,
                Some(_) => return Err(Malformed),
            }
            match self.value()? {
                Parsed::Complete(value) => {
                    map.insert(key, value);
                }
                Parsed::Partial(Some(value)) => {
                    map.insert(key, value);
                    return partial(map);
                }
                Parsed::Partial(None) => return partial(map),
            }
            self.skip_whitespace();
            match self.peek() {
                None => return partial(map),
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Parsed::Complete(Value::Object(map)));
                }
                Some(_) => return Err(Malformed),
            }
        }
    }

    fn array(&mut self) -> Result<Parsed, Malformed> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        match self.peek() {
            None => return Ok(Parsed::Partial(Some(Value::Array(items)))),
            Some(b']') => {
                self.pos += 1;
                return Ok(Parsed::Complete(Value::Array(items)));
            }
            Some(_) => {}
        }
        loop {
            match self.value()? {
                Parsed::Complete(value) => items.push(value),
                Parsed::Partial(Some(value)) => {
                    items.push(value);
                    return Ok(Parsed::Partial(Some(Value::Array(items))));
                }
                Parsed::Partial(None) => return Ok(Parsed::Partial(Some(Value::Array(items)))),
            }
            self.skip_whitespace();
            match self.peek() {
                None => return Ok(Parsed::Partial(Some(Value::Array(items)))),
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Parsed::Complete(Value::Array(items)));
                }
                Some(_) => return Err(Malformed),
            }
        }
    }

    /// Parses a string starting at its opening quote: its text and whether it was closed.
    fn string(&mut self) -> Result<(String, bool), Malformed> {
        self.pos += 1; // '"'
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Stopped at an ASCII byte or the end, so this is a char boundary.
            out.push_str(&self.text[start..self.pos]);
            match self.peek() {
                None => return Ok((out, false)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok((out, true));
                }
                Some(b'\\') => match self.escape()? {
                    Some(ch) => out.push(ch),
                    None => return Ok((out, false)),
                },
                Some(_) => return Err(Malformed), // raw control character
            }
        }
    }

    /// Parses an escape at a backslash; `None` when the text ends inside it.
    fn escape(&mut self) -> Result<Option<char>, Malformed> {
        let Some(&kind) = self.bytes.get(self.pos + 1) else {
            return Ok(None);
        };
        let simple = match kind {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'u' => None,
            _ => return Err(Malformed),
        };
        if let Some(ch) = simple {
            self.pos += 2;
            return Ok(Some(ch));
        }
        let Some(first) = self.hex4(self.pos + 2)? else {
            return Ok(None);
        };
        match first {
            0xD800..=0xDBFF => {
                // A high surrogate must be followed by `\u` and a low surrogate.
                let next = self.pos + 6;
                match (self.bytes.get(next), self.bytes.get(next + 1)) {
                    (None, _) | (Some(b'\\'), None) => return Ok(None),
                    (Some(b'\\'), Some(b'u')) => {}
                    _ => return Err(Malformed),
                }
                let Some(second) = self.hex4(next + 2)? else {
                    return Ok(None);
                };
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(Malformed);
                }
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                self.pos += 12;
                char::from_u32(code).map(Some).ok_or(Malformed)
            }
            0xDC00..=0xDFFF => Err(Malformed),
            _ => {
                self.pos += 6;
                char::from_u32(first).map(Some).ok_or(Malformed)
            }
        }
    }

    /// Four hex digits at `at`; `None` when the text ends first.
    fn hex4(&self, at: usize) -> Result<Option<u32>, Malformed> {
        let mut code = 0;
        for offset in 0..4 {
            let Some(&byte) = self.bytes.get(at + offset) else {
                return Ok(None);
            };
            let digit = char::from(byte).to_digit(16).ok_or(Malformed)?;
            code = code * 16 + digit;
        }
        Ok(Some(code))
    }

    fn number(&mut self) -> Result<Parsed, Malformed> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if self.peek().is_none() {
            // More digits may follow.
            return Ok(Parsed::Partial(None));
        }
        serde_json::from_str::<serde_json::Number>(&self.text[start..self.pos])
            .map(|number| Parsed::Complete(Value::Number(number)))
            .map_err(|_| Malformed)
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Parsed, Malformed> {
        let rest = &self.bytes[self.pos..];
        if rest.len() < word.len() {
            return if word.as_bytes().starts_with(rest) {
                self.pos = self.bytes.len();
                Ok(Parsed::Partial(None))
            } else {
                Err(Malformed)
            };
        }
        if rest.starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Parsed::Complete(value))
        } else {
            Err(Malformed)
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    /// Whether `partial` shows nothing that `full` does not contain.
    fn is_prefix_of(partial: &Value, full: &Value) -> bool {
        match (partial, full) {
            (Value::Object(p), Value::Object(f)) => p
                .iter()
                .all(|(key, value)| f.get(key).is_some_and(|full| is_prefix_of(value, full))),
            (Value::Array(p), Value::Array(f)) => {
                p.len() <= f.len() && p.iter().zip(f).all(|(p, f)| is_prefix_of(p, f))
            }
            (Value::String(p), Value::String(f)) => f.starts_with(p.as_str()),
            _ => partial == full,
        }
    }

    #[test]
    fn an_unterminated_string_shows_its_prefix() {
        assert_eq!(
            parse_partial(r#"{"summary": "Mid-size"#),
            Some(json!({"summary": "Mid-size"}))
        );
    }

    #[test]
    fn a_dangling_key_colon_or_comma_is_dropped() {
        assert_eq!(parse_partial(r#"{"a": 1, "b"#), Some(json!({"a": 1})));
        assert_eq!(parse_partial(r#"{"a": 1, "b":"#), Some(json!({"a": 1})));
        assert_eq!(parse_partial(r#"{"a": 1, "b": "#), Some(json!({"a": 1})));
        assert_eq!(parse_partial(r#"{"a": 1,"#), Some(json!({"a": 1})));
        assert_eq!(parse_partial(r#"{"a": [1, 2,"#), Some(json!({"a": [1, 2]})));
    }

    #[test]
    fn growing_numbers_and_literals_are_not_invented() {
        assert_eq!(parse_partial(r#"{"a": 12"#), Some(json!({})));
        assert_eq!(parse_partial(r#"{"a": 12,"#), Some(json!({"a": 12})));
        assert_eq!(parse_partial(r#"{"a": tr"#), Some(json!({})));
        assert_eq!(parse_partial(r#"{"a": true"#), Some(json!({"a": true})));
        assert_eq!(parse_partial(r#"[nul"#), Some(json!([])));
    }

    #[test]
    fn nested_containers_are_closed() {
        assert_eq!(
            parse_partial(r#"{"industries": [{"name": "Retail", "rationale": "Many st"#),
            Some(json!({"industries": [{"name": "Retail", "rationale": "Many st"}]}))
        );
    }

    #[test]
    fn a_cut_escape_sequence_is_left_out() {
        assert_eq!(parse_partial(r#"["a\"#), Some(json!(["a"])));
        assert_eq!(parse_partial(r#"["a\u00"#), Some(json!(["a"])));
        assert_eq!(parse_partial(r#"["a\u00e9"#), Some(json!(["aé"])));
        assert_eq!(parse_partial(r#"["\ud83d"#), Some(json!([""])));
        assert_eq!(parse_partial(r#"["\ud83d\ude0"#), Some(json!([""])));
        assert_eq!(parse_partial(r#"["\ud83d\ude00"#), Some(json!(["😀"])));
    }

    #[test]
    fn a_leading_code_fence_is_skipped() {
        assert_eq!(parse_partial("``"), None);
        assert_eq!(parse_partial("```json"), None);
        assert_eq!(
            parse_partial("```json\n{\"a\": \"b"),
            Some(json!({"a": "b"}))
        );
        assert_eq!(
            strip_code_fences("```json\n{\"a\": 1}\n```\n"),
            "{\"a\": 1}"
        );
        assert_eq!(strip_code_fences("  {\"a\": 1} "), "{\"a\": 1}");
    }

    #[test]
    fn malformed_text_yields_nothing() {
        assert_eq!(parse_partial("Sure! Here"), None);
        assert_eq!(parse_partial(r#"{"a" 1"#), None);
        assert_eq!(parse_partial(&"[".repeat(MAX_DEPTH + 1)), None);
    }

    #[test]
    fn push_reports_only_changes() {
        let mut partial = PartialJson::new();
        assert_eq!(partial.push("  "), None);
        assert_eq!(partial.push("{"), Some(json!({})));
        assert_eq!(partial.push("\"a\""), None);
        assert_eq!(partial.push(": \"x"), Some(json!({"a": "x"})));
        assert_eq!(partial.push("y\"}"), Some(json!({"a": "xy"})));
        assert_eq!(partial.text(), "  {\"a\": \"xy\"}");
        assert_eq!(partial.current(), Some(&json!({"a": "xy"})));
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1.0e9f64..1.0e9).prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::String),
            "[a\"\\\\/\\n\\t\u{1}é😀]{0,6}".prop_map(Value::String),
        ];
        let tree = leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\"é]{0,5}", inner, 0..5)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        });
        // Documents are objects or arrays.
        prop_oneof![
            prop::collection::vec(tree.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", tree, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    }

    proptest! {
        #[test]
        fn every_prefix_is_a_prefix_of_the_final_value(value in any_json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let full: Value = serde_json::from_str(&text).unwrap();
            for (end, _) in text.char_indices().skip(1) {
                let partial = parse_partial(&text[..end]);
                prop_assert!(partial.is_some(), "no partial for {:?}", &text[..end]);
                let partial = partial.unwrap();
                prop_assert!(is_prefix_of(&partial, &full), "{partial} is not a prefix of {full}");
            }
            prop_assert_eq!(parse_partial(&text), Some(full));
        }

        #[test]
        fn pushing_in_pieces_ends_at_the_final_value(value in any_json(), cuts in prop::collection::vec(1usize..7, 1..200)) {
            let text = serde_json::to_string(&value).unwrap();
            let full: Value = serde_json::from_str(&text).unwrap();
            let chars: Vec<char> = text.chars().collect();
            let mut partial = PartialJson::new();
            let mut at = 0;
            let mut cut = cuts.iter().cycle();
            while at < chars.len() {
                let end = (at + cut.next().unwrap()).min(chars.len());
                let piece: String = chars[at..end].iter().collect();
                if let Some(value) = partial.push(&piece) {
                    prop_assert!(is_prefix_of(&value, &full));
                }
                at = end;
            }
            prop_assert_eq!(partial.current(), Some(&full));
            prop_assert_eq!(partial.text(), text.as_str());
        }
    }
}
