//! Data carried in a link, with the analysis state: the user's CSV or a dataset's JSON,
//! deflate-compressed and base64url-encoded, so one link opens the same data and analysis in
//! another browser. `c.` marks a CSV, `j.` a dataset JSON.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// The longest packed parameter a link carries (characters); links this long still open in
/// every current browser and survive chat and e-mail. Larger data stays in this browser, and the
/// page offers it as a file to share.
pub const MAX_PACKED: usize = 8_000;
/// What unpacking may produce at most, so a crafted link cannot exhaust memory.
const MAX_UNPACKED: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packed {
    Csv(String),
    DatasetJson(String),
}

/// The link parameter for data, or `None` when it would be longer than `MAX_PACKED`.
pub fn pack(data: &Packed) -> Option<String> {
    let (mark, text) = match data {
        Packed::Csv(text) => ("c.", text),
        Packed::DatasetJson(text) => ("j.", text),
    };
    // Text this long never compresses into a link; compressing megabytes would only cost time.
    if text.len() > 40 * MAX_PACKED {
        return None;
    }
    let packed = format!("{mark}{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9)));
    (packed.len() <= MAX_PACKED).then_some(packed)
}

/// Reads a link's packed data; the error says what is wrong with it.
pub fn unpack(param: &str) -> Result<Packed, String> {
    let (kind, body) = param.split_at_checked(2).ok_or("the link's data is cut short")?;
    let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| "the link's data is damaged (not base64url)".to_string())?;
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_UNPACKED)
        .map_err(|_| "the link's data is damaged (does not decompress)".to_string())?;
    let text = String::from_utf8(raw).map_err(|_| "the link's data is damaged (not text)".to_string())?;
    match kind {
        "c." => Ok(Packed::Csv(text)),
        "j." => Ok(Packed::DatasetJson(text)),
        _ => Err("the link's data is of an unknown kind".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_and_unpacks_and_refuses_damage() {
        let csv = Packed::Csv(
            "study,events_treatment,total_treatment,events_control,total_control\nA & B,3,40,6,41\n".into(),
        );
        let packed = pack(&csv).unwrap();
        assert!(
            packed.starts_with("c.") && packed.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{packed}"
        );
        assert_eq!(unpack(&packed).unwrap(), csv);
        let json = Packed::DatasetJson(include_str!("../../../../assets/bcg.json").into());
        let packed = pack(&json).expect("the BCG set fits in a link");
        assert_eq!(unpack(&packed).unwrap(), json);
        assert!(
            unpack("c.!!").is_err() && unpack("x.AAAA").is_err() && unpack("").is_err() && unpack("c.AAAA").is_err()
        );
        let huge = Packed::Csv((0..200_000).map(|i| format!("{i},")).collect());
        assert_eq!(pack(&huge), None, "too large for a link");
    }
}
