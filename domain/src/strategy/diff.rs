//! A structural diff between two versions of a JSON document: which paths were added,
//! removed or changed, with the values before and after.

use serde_json::Value;

closed_enum! {
    /// What happened at a path.
    pub enum ChangeOp;
    as_str = "The API form, e.g. `\"CHANGED\"`.";
    parse(exact) = "The operation named `s`.";
    {
        /// Present only in the newer version.
        Added => "ADDED",
        /// Present only in the older version.
        Removed => "REMOVED",
        /// Present in both with different values.
        Changed => "CHANGED",
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// JSON Pointer (RFC 6901) of the value, e.g. `/targetIndustries/0/name`.
    pub path: String,
    /// What happened.
    pub op: ChangeOp,
    /// The older value (`None` when added).
    pub before: Option<Value>,
    /// The newer value (`None` when removed).
    pub after: Option<Value>,
}

/// The differences from `before` to `after`, deepest paths reported (objects are compared key
/// by key, arrays index by index): the older document's keys first, then added keys, each in the
/// order the JSON map keeps them. Equal documents have none.
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    walk(String::new(), before, after, &mut changes);
    changes
}

fn walk(path: String, before: &Value, after: &Value, out: &mut Vec<Change>) {
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, old_value) in old {
                let child = format!("{path}/{}", escape(key));
                match new.get(key) {
                    Some(new_value) => walk(child, old_value, new_value, out),
                    None => out.push(removed(child, old_value)),
                }
            }
            for (key, new_value) in new.iter().filter(|(key, _)| !old.contains_key(*key)) {
                out.push(added(format!("{path}/{}", escape(key)), new_value));
            }
        }
        (Value::Array(old), Value::Array(new)) => {
            for (index, pair) in old.iter().zip(new).enumerate() {
                walk(format!("{path}/{index}"), pair.0, pair.1, out);
            }
            for (index, value) in old.iter().enumerate().skip(new.len()) {
                out.push(removed(format!("{path}/{index}"), value));
            }
            for (index, value) in new.iter().enumerate().skip(old.len()) {
                out.push(added(format!("{path}/{index}"), value));
            }
        }
        (old, new) if old == new => {}
        (old, new) => out.push(Change {
            path,
            op: ChangeOp::Changed,
            before: Some(old.clone()),
            after: Some(new.clone()),
        }),
    }
}

fn added(path: String, value: &Value) -> Change {
    Change {
        path,
        op: ChangeOp::Added,
        before: None,
        after: Some(value.clone()),
    }
}

fn removed(path: String, value: &Value) -> Change {
    Change {
        path,
        op: ChangeOp::Removed,
        before: Some(value.clone()),
        after: None,
    }
}

/// RFC 6901 escaping of one reference token.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_documents_have_no_changes() {
        let doc = json!({"a": [1, {"b": "c"}], "d": null});
        assert!(diff(&doc, &doc).is_empty());
    }

    #[test]
    fn changes_are_reported_at_their_deepest_path() {
        let before = json!({"summary": "old", "industries": [{"name": "SaaS"}, {"name": "Retail"}], "gone": 1});
        let after =
            json!({"summary": "new", "industries": [{"name": "Fintech"}], "extra/key": true});
        let changes = diff(&before, &after);
        let summary: Vec<(&str, ChangeOp)> =
            changes.iter().map(|c| (c.path.as_str(), c.op)).collect();
        assert_eq!(
            summary,
            vec![
                ("/gone", ChangeOp::Removed),
                ("/industries/0/name", ChangeOp::Changed),
                ("/industries/1", ChangeOp::Removed),
                ("/summary", ChangeOp::Changed),
                ("/extra~1key", ChangeOp::Added),
            ]
        );
        assert_eq!(changes[1].before, Some(json!("SaaS")));
        assert_eq!(changes[1].after, Some(json!("Fintech")));
        assert_eq!(changes[4].before, None);
    }

    #[test]
    fn a_type_change_is_one_change() {
        let changes = diff(&json!({"a": [1]}), &json!({"a": "one"}));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].op, ChangeOp::Changed);
        assert_eq!(changes[0].path, "/a");
    }
}
