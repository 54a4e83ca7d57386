//! A file the user opens, as a dataset: a RevMan 5 review, a livemeta dataset JSON or a CSV,
//! told apart by the name or the first character. The page hands the bytes to its Web Worker,
//! which calls `open_file`, so even a large file never freezes the page; the limits here keep
//! what comes back small enough to analyse and draw live.
use crate::data::read_csv;
use crate::data::Dataset;
use crate::data::{decode_text, read_rm5};
use crate::report::count;
use serde::{Deserialize, Serialize};

/// The largest file read at all (bytes). A RevMan review carries the review's whole text, so
/// a few megabytes are common; the bytes are held twice while being read.
pub const MAX_FILE_BYTES: usize = 100_000_000;
/// The most studies in one dataset: 48,000 studies open, analyse and draw in about a second.
pub const MAX_STUDIES: usize = 50_000;
/// A CSV longer than this is refused before it is parsed (a long-format file has a line per
/// study and outcome, so this allows several outcomes of `MAX_STUDIES`).
const MAX_CSV_LINES: usize = 4 * MAX_STUDIES;
/// A CSV up to this size also comes back as text, for the paste box and the link.
const CSV_SHOWN_BYTES: usize = 1_000_000;

/// What an opened file holds: the dataset, a sentence about what reading it changed or left
/// out, and for a small CSV its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenedFile {
    pub dataset: Dataset,
    pub warning: Option<String>,
    pub csv: Option<String>,
}

/// The reply to "open this file": the data, or every problem that stopped it, each naming the
/// file and, for a CSV, the line, study and field.
pub type FileReply = Result<OpenedFile, Vec<String>>;

/// Whether a file is a review (XML) or a dataset (JSON) rather than a CSV, by its name or
/// its first character.
fn structured(name: &str, text: &str) -> Option<bool> {
    let lower = name.to_lowercase();
    let first = text.trim_start_matches('\u{feff}').trim_start().chars().next();
    if lower.ends_with(".rm5") || first == Some('<') {
        Some(true)
    } else if lower.ends_with(".json") || first == Some('{') {
        Some(false)
    } else {
        None
    }
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Reads a file the user opened. Bytes, not text: a review saved by RevMan desktop is often
/// ISO-8859-1 and a CSV from a spreadsheet may be Windows-1252; `decode_text` reads either.
pub fn open_file(name: &str, bytes: &[u8]) -> FileReply {
    if let Some(why) = too_large(name, bytes.len()) {
        return Err(vec![why]);
    }
    let text = decode_text(bytes);
    if text.contains('\0') {
        return Err(vec![format!(
            "{name} is not a text file; open a CSV, a RevMan 5 review (.rm5) or a livemeta dataset (.json)."
        )]);
    }
    let opened = match structured(name, &text) {
        Some(true) => read_rm5(&text)
            .map(|review| OpenedFile { dataset: review.dataset, warning: review.warning, csv: None })
            .map_err(|e| vec![format!("{name}: {e}")])?,
        Some(false) => Dataset::from_json(&text)
            .map(|dataset| OpenedFile { dataset, warning: None, csv: None })
            .map_err(|e| vec![format!("{name}: {e}")])?,
        None => {
            let lines = bytecount_lines(bytes);
            if lines > MAX_CSV_LINES + 1 {
                return Err(vec![too_many(name, &format!("{} lines", count(lines)))]);
            }
            let data = read_csv(&text, "Your data")
                .map_err(|problems| problems.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
            let csv = (text.len() <= CSV_SHOWN_BYTES).then_some(text);
            OpenedFile { dataset: data.dataset, warning: data.warning, csv }
        }
    };
    if opened.dataset.trials.len() > MAX_STUDIES {
        return Err(vec![too_many(name, &format!("{} studies", count(opened.dataset.trials.len())))]);
    }
    Ok(opened)
}

/// Why a file of this size is not read, if it is too large: the page asks before reading it.
pub fn too_large(name: &str, bytes: usize) -> Option<String> {
    (bytes > MAX_FILE_BYTES)
        .then(|| format!("{name} is {}; livemeta opens files up to {}.", mb(bytes), mb(MAX_FILE_BYTES)))
}

fn bytecount_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

fn too_many(name: &str, what: &str) -> String {
    format!(
        "{name} holds {what}; livemeta analyses up to {} studies at a time, so that every change redraws at once. Keep only the rows of one analysis, or split the file by outcome.",
        count(MAX_STUDIES)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "study,events_treatment,total_treatment,events_control,total_control\n";

    #[test]
    fn a_small_csv_comes_back_with_its_text() {
        let text = format!("{HEADER}A,1,10,2,10\nB,3,20,4,20\n");
        let opened = open_file("mine.csv", text.as_bytes()).unwrap();
        assert_eq!(opened.dataset.trials.len(), 2);
        assert_eq!(opened.csv.as_deref(), Some(text.as_str()));
    }

    #[test]
    fn a_review_and_a_dataset_are_told_apart_from_a_csv() {
        let review = include_bytes!("../../tests/data/example.rm5");
        let opened = open_file("review.rm5", review).unwrap();
        assert!(opened.csv.is_none() && opened.dataset.outcomes.len() > 1);
        let json = opened.dataset.to_json();
        assert_eq!(open_file("saved.json", json.as_bytes()).unwrap().dataset, opened.dataset);
        // The first character decides when the name does not.
        assert_eq!(open_file("download", json.as_bytes()).unwrap().dataset, opened.dataset);
    }

    #[test]
    fn too_many_lines_are_refused_before_parsing_naming_the_count() {
        let text = format!("{HEADER}{}", "S,1,10,2,10\n".repeat(MAX_CSV_LINES + 5));
        let problems = open_file("huge.csv", text.as_bytes()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("huge.csv holds 200,006 lines; livemeta analyses up to 50,000 studies"),
            "{}",
            problems[0]
        );
        let studies =
            format!("{HEADER}{}", (0..MAX_STUDIES + 1).map(|i| format!("S{i},1,10,2,10\n")).collect::<String>());
        assert!(open_file("many.csv", studies.as_bytes()).unwrap_err()[0].contains("holds 50,001 studies"));
    }

    #[test]
    fn binary_and_broken_files_name_the_file() {
        assert!(open_file("photo.csv", &[0x89, b'P', b'N', b'G', 0, 1, 2]).unwrap_err()[0]
            .starts_with("photo.csv is not a text file"));
        assert!(open_file("broken.rm5", b"<COCHRANE_REVIEW><DICH_OUTCOME").unwrap_err()[0].starts_with("broken.rm5: "));
        assert!(
            open_file("broken.json", b"{\"format\":").unwrap_err()[0].starts_with("broken.json: dataset is not valid")
        );
    }

    #[test]
    fn a_spreadsheets_unicode_text_is_read() {
        let text = format!("{HEADER}Åsberg,1,10,2,10\n").replace(',', "\t");
        let utf16le: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let opened = open_file("sheet.txt", &utf16le).unwrap();
        assert_eq!(opened.dataset.trials[0].label, "Åsberg");
    }
}
