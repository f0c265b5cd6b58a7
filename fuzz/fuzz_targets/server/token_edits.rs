//! Edits of a valid token, shared by the server's token-check targets (included by path): the
//! fuzz input is a list of 3-byte edits (operation, position, byte) applied in order, so
//! libFuzzer explores tokens near a real signed one instead of random strings that fail the
//! first check.

/// Applies `edits` to `token`. Positions wrap around the current length; the result is made
/// UTF-8 (as a path segment or header the server reads) by replacing invalid bytes.
pub fn apply(token: &str, edits: &[u8]) -> String {
    let mut bytes = token.as_bytes().to_vec();
    for edit in edits.chunks_exact(3) {
        let (op, at, value) = (edit[0], usize::from(edit[1]), edit[2]);
        let len = bytes.len();
        let pos = if len == 0 { 0 } else { at * 7 % len };
        match op % 8 {
            0 => {
                if let Some(b) = bytes.get_mut(pos) {
                    *b = value;
                }
            }
            1 => bytes.insert(pos.min(len), value),
            2 => {
                if pos < len {
                    bytes.remove(pos);
                }
            }
            3 => bytes.truncate(pos),
            // Flip one bit: the smallest change a forger can make.
            4 => {
                if let Some(b) = bytes.get_mut(pos) {
                    *b ^= 1 << (value % 8);
                }
            }
            // Swap two of the dot-separated parts (header, payload, signature).
            5 => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut parts: Vec<&str> = text.split('.').collect();
                let n = parts.len();
                parts.swap(usize::from(value) % n, at % n);
                bytes = parts.join(".").into_bytes();
            }
            // Replace one part with the same part of `token` re-encoded with padding, or drop it.
            6 => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut parts: Vec<String> = text.split('.').map(str::to_owned).collect();
                let n = parts.len();
                if value % 2 == 0 {
                    parts[at % n].push('=');
                } else if n > 1 {
                    parts.remove(at % n);
                }
                bytes = parts.join(".").into_bytes();
            }
            // Whitespace around the token (a header value or path segment may carry it).
            _ => {
                let space = [b' ', b'\t', b'\n', b'\r'][usize::from(value) % 4];
                if at % 2 == 0 {
                    bytes.insert(0, space);
                } else {
                    bytes.push(space);
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The string one run checks: the input's own bytes (one run in four, by the first byte), or
/// `signed` with the rest of the input applied as edits. `None` for an empty input.
pub fn candidate(signed: &str, data: &[u8]) -> Option<String> {
    let (&mode, edits) = data.split_first()?;
    Some(if mode % 4 == 0 {
        String::from_utf8_lossy(edits).into_owned()
    } else {
        apply(signed, edits)
    })
}
