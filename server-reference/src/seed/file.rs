//! Reading a seed file: UTF-8 JSON of the [`SeedFile`] schema, refused with a message that
//! names the field and never repeats a value of the file.

use super::{SeedError, SeedFile};

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
        let mut segments: Vec<_> = e.path().iter().collect();
        // An unknown field's name comes from the file: the path stops at its parent.
        if e.inner().to_string().starts_with("unknown field") {
            segments.pop();
        }
        let path: String = segments
            .iter()
            .map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => format!("[{index}]"),
                other => format!(".{other}"),
            })
            .collect();
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
