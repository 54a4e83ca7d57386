//! Every string of every bundled dataset (each trial's "where we looked" note, every source note
//! and label) is a sentence for a clinician or a reviewer. Its own sentences (not the verbatim
//! snippets it quotes, nor its URLs) hold no code names: words joined by underscores are the
//! names of fields and functions, which a reader of the app never needs.

use std::path::{Path, PathBuf};

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
            if path.ends_with(".snippet") {
                continue;
            }
            for word in code_names(&text) {
                found.push(format!("{}{path}: \"{word}\" in {text:?}", file.file_name().unwrap().to_string_lossy()));
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
