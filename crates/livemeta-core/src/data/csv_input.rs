//! The CSV format users import (and the CLI reads): one study per row,
//!
//! ```text
//! study,events_treatment,total_treatment,events_control,total_control
//! Beck 2014 M12,2,55,14,54
//! ```
//!
//! Parsing collects every problem, each naming its row and field, instead of stopping
//! at the first, so the user can fix the file in one pass.
use crate::data::StudyCounts;
use serde::Serialize;

pub const COLUMNS: [&str; 5] = ["study", "events_treatment", "total_treatment", "events_control", "total_control"];

/// Other names the five columns go by: metafor's (`ai`, `n1i`, `ci`, `n2i`, `slab`), R meta's
/// (`studlab`, `event.e`, `n.e`, `event.c`, `n.c`) and plain-language ones. Headers are compared
/// ignoring case, and with spaces, dots and hyphens read as underscores.
const ALIASES: [&[&str]; 5] = [
    &["study", "studlab", "slab", "trial", "author", "name"],
    &["events_treatment", "ai", "event_e", "events_e", "events_t", "treatment_events", "experimental_events"],
    &["total_treatment", "n1i", "n_e", "total_e", "total_t", "n_t", "treatment_total", "experimental_total"],
    &["events_control", "ci", "event_c", "events_c", "control_events"],
    &["total_control", "n2i", "n_c", "total_c", "control_total"],
];

/// Which of the five columns a header names, if any.
fn column_index(header: &str) -> Option<usize> {
    let key: String =
        header.trim().to_lowercase().chars().map(|c| if matches!(c, ' ' | '.' | '-') { '_' } else { c }).collect();
    ALIASES.iter().position(|names| names.contains(&key.as_str()))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    /// 1-based line number in the file (the header is line 1).
    pub line: usize,
    pub study: Option<String>,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(study) = &self.study {
            write!(f, " (study \"{study}\")")?;
        }
        write!(f, ", field {}: {}", self.field, self.message)
    }
}

/// First characters that make a spreadsheet read a cell as a formula (OWASP's list).
const FORMULA_PREFIXES: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One text cell for a CSV file that may be opened in a spreadsheet: a cell that would start
/// a formula gets a leading apostrophe (OWASP's neutralisation), and the cell is quoted when
/// it holds a delimiter, a quote or a line break. `split_line` undoes both, so names survive
/// an export and re-import unchanged.
pub fn csv_text(text: &str) -> String {
    let neutral = if text.starts_with(FORMULA_PREFIXES) { format!("'{text}") } else { text.to_string() };
    if neutral.contains([',', ';', '"', '\n', '\r', '\t']) || neutral.trim() != neutral {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// Undoes `csv_text`'s apostrophe: a cell that is an apostrophe and then a formula character.
fn unneutralise(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_PREFIXES) => rest.to_string(),
        _ => cell,
    }
}

/// Splits one line at `delimiter`, honouring double quotes ("" inside quotes is a literal
/// quote).
fn split_line(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            d if d == delimiter && !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(ch),
        }
    }
    fields.push(field);
    fields.into_iter().map(|f| unneutralise(f.trim().to_string())).collect()
}

/// The delimiter of a header line: comma, semicolon (European spreadsheets) or tab (a block
/// copied from a spreadsheet), whichever splits it into the most columns; comma on a tie.
pub fn detect_delimiter(header: &str) -> char {
    [',', ';', '\t'].into_iter().max_by_key(|d| (split_line(header, *d).len(), *d == ',')).unwrap_or(',')
}

fn delimiter_name(delimiter: char) -> &'static str {
    match delimiter {
        ';' => "semicolons",
        '\t' => "tabs",
        _ => "commas",
    }
}

/// One data line of an import: its counts, or every problem found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    pub line: usize,
    /// The study name as given (empty when the cell is).
    pub study: String,
    pub counts: Result<StudyCounts, Vec<RowError>>,
}

/// Every data line with its counts or its problems; `Err` only when the header (or the whole
/// file) is unusable. An import keeps the bad lines, flagged, and analyses the rest.
pub fn parse_rows(text: &str) -> Result<Vec<ParsedRow>, Vec<RowError>> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(vec![RowError {
            line: 1,
            study: None,
            field: "header".into(),
            message: format!("the file is empty; expected the header {}", COLUMNS.join(",")),
        }]);
    };
    let header = header.trim_start_matches('\u{feff}');
    let delimiter = detect_delimiter(header);
    let header: Vec<String> = split_line(header, delimiter).into_iter().map(|h| h.to_lowercase()).collect();
    let mut column_of = [0usize; 5];
    let mut errors = Vec::new();
    for (index, (slot, name)) in column_of.iter_mut().zip(COLUMNS).enumerate() {
        match header.iter().position(|h| column_index(h) == Some(index)) {
            Some(i) => *slot = i,
            None => errors.push(RowError {
                line: 1,
                study: None,
                field: name.into(),
                message: format!(
                    "missing column \"{name}\"; the header, split at {}, has the columns {}, and must contain {} (or metafor's ai, n1i, ci, n2i, or R meta's studlab, event.e, n.e, event.c, n.c)",
                    delimiter_name(delimiter),
                    header.iter().map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(", "),
                    COLUMNS.join(",")
                ),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for (index, line) in lines {
        let line_no = index + 1;
        let mut problems = Vec::new();
        let fields = split_line(line, delimiter);
        let study = fields.get(column_of[0]).cloned().unwrap_or_default();
        let label = (!study.is_empty()).then(|| study.clone());
        if study.is_empty() {
            problems.push(RowError {
                line: line_no,
                study: None,
                field: "study".into(),
                message: "the study name is empty".into(),
            });
        }
        let mut numbers = [0i64; 4];
        for (slot, (&col, name)) in numbers.iter_mut().zip(column_of[1..].iter().zip(&COLUMNS[1..])) {
            let raw = fields.get(col).map(String::as_str).unwrap_or("");
            match raw.parse::<i64>() {
                Ok(n) => *slot = n,
                Err(_) => problems.push(RowError {
                    line: line_no,
                    study: label.clone(),
                    field: (*name).into(),
                    message: if raw.is_empty() {
                        "the value is empty; expected a whole number".into()
                    } else {
                        format!("\"{raw}\" is not a whole number")
                    },
                }),
            }
        }
        let counts = StudyCounts::new(study.clone(), numbers[0], numbers[1], numbers[2], numbers[3]);
        if let Err(crate::EngineError::InvalidInput { field, message, .. }) = counts.validate() {
            if problems.is_empty() {
                problems.push(RowError { line: line_no, study: label, field: field.into(), message });
            }
        }
        rows.push(ParsedRow {
            line: line_no,
            study,
            counts: if problems.is_empty() { Ok(counts) } else { Err(problems) },
        });
    }
    Ok(rows)
}

/// The problem of a file with a header and nothing under it.
pub fn no_studies() -> RowError {
    RowError { line: 2, study: None, field: "study".into(), message: "the file has a header but no studies".into() }
}

/// All the studies, or every problem in the file: the CLI's strict reading.
pub fn parse_studies(text: &str) -> Result<Vec<StudyCounts>, Vec<RowError>> {
    let rows = parse_rows(text)?;
    if rows.is_empty() {
        return Err(vec![no_studies()]);
    }
    let errors: Vec<RowError> = rows.iter().filter_map(|r| r.counts.as_ref().err()).flatten().cloned().collect();
    if errors.is_empty() {
        Ok(rows.into_iter().filter_map(|r| r.counts.ok()).collect())
    } else {
        Err(errors)
    }
}

pub fn to_csv(studies: &[StudyCounts]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for s in studies {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            csv_text(&s.label),
            s.events_treatment,
            s.total_treatment,
            s.events_control,
            s.total_control
        ));
    }
    out
}

/// Gives studies that share a name distinct names, "Smith 2001 (row 2)" and "Smith 2001
/// (row 5)", so that every table, plot and export tells them apart; the returned warning
/// says which rows were renamed.
pub fn distinguish_duplicates(studies: &mut [StudyCounts]) -> Option<String> {
    let mut renamed = Vec::new();
    let labels: Vec<String> = studies.iter().map(|s| s.label.clone()).collect();
    for (i, study) in studies.iter_mut().enumerate() {
        if labels.iter().filter(|l| **l == study.label).count() > 1 {
            let old = std::mem::replace(&mut study.label, format!("{} (row {})", labels[i], i + 1));
            renamed.push(format!("row {} \"{old}\"", i + 1));
        }
    }
    (!renamed.is_empty()).then(|| {
        format!(
            "Duplicate study names: {}. Each is shown with its row number so they stay distinguishable.",
            renamed.join(", ")
        )
    })
}

/// The columns besides the five counts (a subgroup, a year, a risk of bias...), in the
/// header's order: each name as written and one value per study row, for grouping studies.
pub fn extra_columns(text: &str) -> Vec<(String, Vec<String>)> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else { return vec![] };
    let header = header.trim_start_matches('\u{feff}');
    let delimiter = detect_delimiter(header);
    let rows: Vec<Vec<String>> = lines.map(|l| split_line(l, delimiter)).collect();
    split_line(header, delimiter)
        .into_iter()
        .enumerate()
        .filter(|(_, name)| !name.is_empty() && column_index(name).is_none())
        .map(|(i, name)| (name, rows.iter().map(|r| r.get(i).cloned().unwrap_or_default()).collect()))
        .collect()
}

/// The optional `subgroup` column, one label per study row.
pub fn parse_subgroups(text: &str) -> Option<Vec<String>> {
    extra_columns(text).into_iter().find(|(name, _)| name.eq_ignore_ascii_case("subgroup")).map(|(_, values)| values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metafor_and_meta_column_names_are_understood() {
        let metafor = "slab,ai,n1i,ci,n2i,year\nA,1,10,2,10,2001\n";
        let meta = "StudLab;Event.e;N.e;Event.c;N.c\nA;1;10;2;10\n";
        let plain = "Trial,Treatment events,Treatment total,Control events,Control total\nA,1,10,2,10\n";
        for text in [metafor, meta, plain] {
            assert_eq!(parse_studies(text).unwrap(), vec![StudyCounts::new("A", 1, 10, 2, 10)], "{text}");
        }
        assert_eq!(extra_columns(metafor), vec![("year".to_string(), vec!["2001".to_string()])]);
    }

    #[test]
    fn extra_columns_keep_their_names_and_one_value_per_study() {
        let text = "Study;Events_Treatment;total_treatment;events_control;total_control;Risk of bias;year\nA;1;10;2;10;low;2001\n\nB;3;30;4;30;;2004\n";
        let extra = extra_columns(text);
        assert_eq!(
            extra,
            vec![
                ("Risk of bias".to_string(), vec!["low".to_string(), String::new()]),
                ("year".to_string(), vec!["2001".to_string(), "2004".to_string()])
            ]
        );
        assert_eq!(parse_subgroups(text), None);
    }
}
