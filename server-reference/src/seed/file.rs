//! Reading a seed file: UTF-8 JSON of the [`SeedFile`] schema, refused with a message that
//! names the field and never repeats a value of the file.

use super::{SeedError, SeedFile};

/// Every field name of the seed file's schema (checked against it by a test below).
const FIELDS: &[&str] = &[
    "users",
    "apiKeys",
    "videos",
    "id",
    "userId",
    "key",
    "name",
    "scopes",
    "expiresAt",
    "revoked",
    "dailyTokenLimit",
    "jobId",
    "title",
    "status",
    "encrypted",
    "quality",
    "renditions",
    "media",
];

/// Reads a seed file.
pub(crate) fn read_file(path: &std::path::Path) -> Result<SeedFile, SeedError> {
    parse(&std::fs::read(path).map_err(|e| SeedError::File(e.to_string()))?)
}

/// Parses a seed file's bytes (UTF-8 JSON of the [`SeedFile`] schema); not yet checked. A
/// refusal names the field and what was expected, never the value found: a seed file holds
/// API keys, and one written into the wrong field must not reach stderr.
pub(crate) fn parse(bytes: &[u8]) -> Result<SeedFile, SeedError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| SeedError::File("the seed file is not UTF-8".to_owned()))?;
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text)).map_err(|e| {
        // The path names only the schema's own fields: a map key that is not one of them came
        // from the file (an unknown or ignored field), so the path stops before it.
        let mut path = String::new();
        for segment in e.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => path.push_str(&format!("[{index}]")),
                serde_path_to_error::Segment::Map { key } if FIELDS.contains(&key.as_str()) => {
                    path.push('.');
                    path.push_str(key);
                }
                _ => break,
            }
        }
        let path = path.strip_prefix('.').unwrap_or(&path);
        let path = if path.is_empty() { "(top level)" } else { path };
        SeedError::File(format!("{path}: {}", describe(e.inner())))
    })
}

/// serde_json's message without any value copied from the input: syntax errors name only a
/// position; of a data error, only a missing field's name and what was expected are kept.
fn describe(err: &serde_json::Error) -> String {
    let at = format!("at line {} column {}", err.line(), err.column());
    if err.classify() != serde_json::error::Category::Data {
        return err.to_string();
    }
    let text = err.to_string();
    if text.starts_with("missing field") {
        return text;
    }
    let what = if text.starts_with("unknown field") {
        "unknown field"
    } else {
        "wrong type or value"
    };
    match text.find(", expected") {
        // Names from the schema, never from the input; up to serde_json's own " at line …".
        Some(i) => {
            let expected = text.get(i..).unwrap_or_default();
            let expected = expected.split(" at line ").next().unwrap_or_default();
            format!("{what}{expected} {at}")
        }
        None => format!("{what} {at}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_list_is_the_schema() {
        let full = r#"{"users": [{"id": "u"}], "apiKeys": [{"id": "k", "userId": "u",
            "key": "ak_test_00000000000000000000000000000001", "name": "n", "scopes": [],
            "expiresAt": "2030-01-01T00:00:00Z", "revoked": false, "dailyTokenLimit": 1}],
            "videos": [{"id": "v", "jobId": "j", "userId": "u", "title": "t", "status": "QUEUED",
            "encrypted": false, "quality": "720p", "renditions": [], "media": "m"}]}"#;
        let seed = parse(full.as_bytes()).unwrap();
        let value = serde_json::to_value(&seed).unwrap();
        let mut names = Vec::new();
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Object(map) => {
                    names.extend(map.keys().cloned());
                    stack.extend(map.values());
                }
                serde_json::Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        names.sort();
        names.dedup();
        let mut fields: Vec<String> = FIELDS.iter().map(|f| (*f).to_owned()).collect();
        fields.sort();
        assert_eq!(names, fields);
    }

    #[test]
    fn f1_an_ignored_field_name_is_not_in_the_path_of_a_syntax_error() {
        let err = parse(br#"{"users": [{"ak_live_5ec4e70000000000": 1 "#).unwrap_err();
        let message = err.to_string();
        assert!(!message.contains("5ec4e7"), "{message}");
        assert!(message.contains("users[0]"), "{message}");
    }
}
