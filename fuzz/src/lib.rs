//! What the fuzz targets share: the test for "this text could be a secret" and the fixed,
//! valid values the endpoints are built with.

/// The words of `bytes` that could be a secret: maximal runs of URL-unreserved characters
/// (what API keys, playback tokens and JWT parts are made of) at least 12 long, holding a
/// letter and a digit.
///
/// 12 characters and the mix of letters and digits keep out the words an error message is
/// allowed to repeat from the contract itself (field names such as `playbackToken`, header
/// names, `AES-128`), so a match means a value from the input was echoed.
pub fn secret_like_words(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')))
        .filter(|w| {
            w.len() >= 12
                && w.iter().any(u8::is_ascii_digit)
                && w.iter().any(u8::is_ascii_alphabetic)
        })
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect()
}

/// The first secret-like word of `input` that `text` repeats, if any.
pub fn echoed_secret(input: &[u8], text: &str) -> Option<String> {
    secret_like_words(input)
        .into_iter()
        .find(|w| text.contains(w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_could_be_secrets() {
        assert_eq!(
            secret_like_words(b"{\"token\":\"eyJhbGciOi.x9_y\",\"playbackToken\":1}"),
            ["eyJhbGciOi.x9_y"]
        );
        assert!(secret_like_words(b"field `data.playbackToken`: missing").is_empty());
    }
}
