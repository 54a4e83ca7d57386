//! Everything the app shows, exports or documents speaks to a clinician or a reviewer about the
//! data and the methods. This test fails on text that speaks instead of how the project was
//! built: the names of programs used to look sources up, and notes about the work itself.
//!
//! It reads every string of every bundled dataset (each trial's "where we looked" note, every
//! source note and label), the README and ARCHITECTURE.md, and the app's and engine's source
//! files (whose strings are what the page shows). A dataset's own sentences (not the verbatim
//! snippets it quotes, nor its URLs) hold no code names either: words joined by underscores are
//! the names of fields and functions, which a reader of the app never needs.

use std::path::{Path, PathBuf};

/// Words of a research log rather than of the data: where copies were kept and how they were read.
const ABOUT_THE_TOOLING: &[&str] = &[
    "corpora",
    "corpus",
    "page store",
    "the store",
    "stored copy",
    "stored copies",
    "stored page",
    "stored pages",
    "search tool",
    "fetch script",
    "derived record",
    "research log",
];

/// Words that describe the sessions the project was built in; the app's own "session" (the
/// user's undo history) is a word the page uses, so these apply to the documents and data only.
const ABOUT_THE_BUILDING: &[&str] =
    &["this session", "previous session", "next session", "earlier session", "last session"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Words joined by underscores (`field_name`) in a sentence, outside its URLs.
fn code_names(text: &str) -> Vec<String> {
    if !text.contains(' ') {
        return Vec::new();
    }
    text.split_whitespace()
        .filter(|w| !w.contains("://"))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_'))
        .filter(|w| w.contains('_') && w.split('_').all(|part| !part.is_empty()))
        .map(String::from)
        .collect()
}

/// The words of `words` that `text` holds as whole words ("the store", not "the stored sets").
fn offences(text: &str, words: &[&str]) -> Vec<String> {
    let lower = text.to_lowercase();
    let part_of_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    words
        .iter()
        .filter(|w| {
            lower.match_indices(*w).any(|(at, _)| {
                !part_of_word(lower[..at].chars().next_back()) && !part_of_word(lower[at + w.len()..].chars().next())
            })
        })
        .map(|w| w.to_string())
        .collect()
}

fn strings_of(value: &serde_json::Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::String(s) => out.push((path.to_string(), s.clone())),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| strings_of(v, &format!("{path}[{i}]"), out))
        }
        serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| strings_of(v, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn bundled_datasets_speak_about_the_data_only() {
    let mut datasets = Vec::new();
    files_under(&root().join("assets"), "json", &mut datasets);
    let datasets: Vec<PathBuf> = datasets.into_iter().filter(|p| !p.ends_with("manifest.webmanifest")).collect();
    assert!(datasets.len() >= 2, "the bundled datasets were not found");
    let mut found = Vec::new();
    for file in &datasets {
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut strings = Vec::new();
        strings_of(&json, "", &mut strings);
        for (path, text) in strings {
            let words = [ABOUT_THE_TOOLING, ABOUT_THE_BUILDING].concat();
            let quoted = path.ends_with(".snippet");
            let code = if quoted { Vec::new() } else { code_names(&text) };
            for word in offences(&text, &words).into_iter().chain(code) {
                found.push(format!("{}{path}: \"{word}\" in {text:?}", file.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(found.is_empty(), "text that is not for users:\n{}", found.join("\n"));
}

#[test]
fn documents_and_page_text_speak_about_the_data_and_methods_only() {
    let mut found = Vec::new();
    for doc in ["README.md", "ARCHITECTURE.md", "index.html"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        for (line_no, line) in text.lines().enumerate() {
            for word in offences(line, &[ABOUT_THE_TOOLING, ABOUT_THE_BUILDING].concat()) {
                found.push(format!("{doc}:{}: \"{word}\"", line_no + 1));
            }
        }
    }
    let mut sources = Vec::new();
    for dir in ["src", "crates", "assets"] {
        files_under(&root().join(dir), "rs", &mut sources);
        files_under(&root().join(dir), "js", &mut sources);
    }
    // This file names the words it looks for.
    let this_file = Path::new(file!()).file_name().unwrap();
    for file in sources.iter().filter(|f| f.file_name() != Some(this_file)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (line_no, line) in text.lines().enumerate() {
            for word in offences(line, ABOUT_THE_TOOLING) {
                found.push(format!(
                    "{}:{}: \"{word}\"",
                    file.strip_prefix(root()).unwrap_or(file).display(),
                    line_no + 1
                ));
            }
        }
    }
    assert!(found.is_empty(), "text that is not for users:\n{}", found.join("\n"));
}

#[test]
fn a_code_name_in_a_sentence_is_found_but_not_in_a_url_or_an_id() {
    assert_eq!(code_names("Looked up with list_sources, then https://example.org/a_b."), ["list_sources"]);
    assert!(code_names("skin_infections").is_empty());
}
