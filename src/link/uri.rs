//! `encodeURIComponent` and `decodeURIComponent` without the browser, so the link's codec runs
//! (and is tested) natively and gives the same text as the browser's functions.

/// Percent-encodes every byte of the UTF-8 text but the letters, digits and `-_.!~*'()`, as
/// `encodeURIComponent` does.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Reverses `encode_component`; `None` where `decodeURIComponent` throws: a `%` not followed
/// by two hex digits, or bytes that are not UTF-8.
pub fn decode_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_the_browser_does() {
        assert_eq!(encode_component("Thaçi 2016, a&b=c/d"), "Tha%C3%A7i%202016%2C%20a%26b%3Dc%2Fd");
        assert_eq!(encode_component("keep-_.!~*'()"), "keep-_.!~*'()");
    }

    #[test]
    fn decodes_what_it_encodes_and_refuses_damage() {
        for text in ["", "Thaçi 2016", "τ² 50%", "a,b;c"] {
            assert_eq!(decode_component(&encode_component(text)).as_deref(), Some(text));
        }
        assert_eq!(decode_component("%E2%82"), None);
        assert_eq!(decode_component("%zz"), None);
        assert_eq!(decode_component("50%"), None);
    }
}
