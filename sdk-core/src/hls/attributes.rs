//! A reader for one tag's attribute list (RFC 8216 §4.2) that keeps byte positions.
//!
//! m3u8-rs parses attribute lists privately and returns values without positions; rewriting a
//! key URI in place needs the exact byte range of the `URI` value, and m3u8-rs gives up on some
//! `#EXT-X-KEY` lines (see `media.rs`) whose `METHOD` must still be read. This is that small part.

use std::ops::Range;

/// An attribute value: a quoted string (quotes excluded) or anything else, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Quoted(&'a str),
    Unquoted(&'a str),
}

impl<'a> Value<'a> {
    pub(crate) fn as_str(&self) -> &'a str {
        match *self {
            Value::Quoted(s) | Value::Unquoted(s) => s,
        }
    }
}

/// One `NAME=value` pair, with the byte range of the value (without its quotes) in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribute<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: Value<'a>,
    pub(crate) span: Range<usize>,
}

/// Reads a comma-separated attribute list. Quoted strings may contain commas; names must be
/// unique (RFC 8216 §4.2). The error says what is wrong without repeating any value.
pub(crate) fn read(list: &str) -> Result<Vec<Attribute<'_>>, &'static str> {
    let bytes = list.as_bytes();
    let mut attributes: Vec<Attribute<'_>> = Vec::new();
    // m3u8-rs skips blanks before a name; anything else stays as strict as RFC 8216 §4.2, so
    // that this reader and m3u8-rs never read one line two different ways.
    let mut i = skip_blanks(bytes, 0);
    while i < bytes.len() {
        let eq = list[i..]
            .find('=')
            .map(|at| i + at)
            .ok_or("attribute without `=`")?;
        let name = &list[i..eq];
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("attribute with an invalid name");
        }
        if attributes.iter().any(|a| a.name == name) {
            return Err("duplicate attribute");
        }
        let start = eq + 1;
        let (value, span, after) = if bytes.get(start) == Some(&b'"') {
            let close = list[start + 1..]
                .find('"')
                .map(|at| start + 1 + at)
                .ok_or("unterminated quoted string")?;
            let span = start + 1..close;
            (Value::Quoted(&list[span.clone()]), span, close + 1)
        } else {
            let end = list[start..].find(',').map_or(list.len(), |at| start + at);
            let span = start..end;
            let value = &list[span.clone()];
            if value.is_empty() || value.contains(char::is_whitespace) || value.contains('"') {
                return Err("an unquoted value is empty or holds whitespace or quotes");
            }
            (Value::Unquoted(value), span, end)
        };
        attributes.push(Attribute { name, value, span });
        match bytes.get(after) {
            None => break,
            Some(b',') => i = skip_blanks(bytes, after + 1),
            Some(_) => return Err("expected `,` after a quoted value"),
        }
    }
    Ok(attributes)
}

/// The value of the attribute `name`, if present.
pub(crate) fn find<'a, 'b>(
    attributes: &'b [Attribute<'a>],
    name: &str,
) -> Option<&'b Attribute<'a>> {
    attributes.iter().find(|a| a.name == name)
}

fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_and_unquoted_values_with_their_spans() {
        let list = r#"METHOD=AES-128,URI="/video/key/a,b",IV=0x01"#;
        let attrs = read(list).unwrap();
        assert_eq!(attrs.len(), 3);
        assert_eq!(attrs[0].value, Value::Unquoted("AES-128"));
        assert_eq!(attrs[1].value, Value::Quoted("/video/key/a,b"));
        assert_eq!(&list[attrs[1].span.clone()], "/video/key/a,b");
        assert_eq!(find(&attrs, "IV").unwrap().value.as_str(), "0x01");
        assert!(find(&attrs, "KEYFORMAT").is_none());
    }

    #[test]
    fn tolerates_blanks_before_names_and_a_trailing_comma() {
        let attrs = read(" METHOD=NONE, X=\"y\",").unwrap();
        assert_eq!(attrs[0].value, Value::Unquoted("NONE"));
        assert_eq!(attrs[1].value, Value::Quoted("y"));
        assert!(read("").unwrap().is_empty());
    }

    #[test]
    fn refuses_broken_lists() {
        assert_eq!(read("METHOD"), Err("attribute without `=`"));
        assert_eq!(read(r#"URI="/video/ke"#), Err("unterminated quoted string"));
        assert_eq!(read("A=1,A=2"), Err("duplicate attribute"));
        assert_eq!(
            read(r#"URI="a"b"#),
            Err("expected `,` after a quoted value")
        );
        assert_eq!(read("=1"), Err("attribute with an invalid name"));
        assert_eq!(read("METHOD =NONE"), Err("attribute with an invalid name"));
        let whitespace = Err("an unquoted value is empty or holds whitespace or quotes");
        assert_eq!(read("METHOD=AES-128 ,URI=\"k\""), whitespace);
        assert_eq!(read("METHOD=NONE "), whitespace);
        assert_eq!(read("IV=,METHOD=NONE"), whitespace);
        assert_eq!(
            read("URI=\"k\" ,X=1"),
            Err("expected `,` after a quoted value")
        );
    }
}
