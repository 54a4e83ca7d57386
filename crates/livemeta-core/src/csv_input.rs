//! The CSV format users import (and the CLI reads): one study per row,
//!
//! ```text
//! study,events_treatment,total_treatment,events_control,total_control
//! Beck 2014 M12,2,55,14,54
//! ```
//!
//! Parsing collects every problem, each naming its row and field, instead of stopping
//! at the first, so the user can fix the file in one pass.
use crate::counts::StudyCounts;
use serde::Serialize;

pub const COLUMNS: [&str; 5] = ["study", "events_treatment", "total_treatment", "events_control", "total_control"];

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

/// Splits one CSV line, honouring double quotes ("" inside quotes is a literal quote).
fn split_line(line: &str) -> Vec<String> {
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
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(ch),
        }
    }
    fields.push(field);
    fields.into_iter().map(|f| f.trim().to_string()).collect()
}

pub fn parse_studies(text: &str) -> Result<Vec<StudyCounts>, Vec<RowError>> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(vec![RowError { line: 1, study: None, field: "header".into(), message: format!("the file is empty; expected the header {}", COLUMNS.join(",")) }]);
    };
    let header: Vec<String> = split_line(header.trim_start_matches('\u{feff}')).into_iter().map(|h| h.to_lowercase()).collect();
    let mut column_of = [0usize; 5];
    let mut errors = Vec::new();
    for (slot, name) in column_of.iter_mut().zip(COLUMNS) {
        match header.iter().position(|h| h == name) {
            Some(i) => *slot = i,
            None => errors.push(RowError { line: 1, study: None, field: name.into(), message: format!("missing column \"{name}\"; the header must contain {}", COLUMNS.join(",")) }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut studies = Vec::new();
    for (index, line) in lines {
        let line_no = index + 1;
        let fields = split_line(line);
        let study = fields.get(column_of[0]).cloned().unwrap_or_default();
        let label = (!study.is_empty()).then(|| study.clone());
        if study.is_empty() {
            errors.push(RowError { line: line_no, study: None, field: "study".into(), message: "the study name is empty".into() });
        }
        let mut numbers = [0i64; 4];
        for (slot, (&col, name)) in numbers.iter_mut().zip(column_of[1..].iter().zip(&COLUMNS[1..])) {
            let raw = fields.get(col).map(String::as_str).unwrap_or("");
            match raw.parse::<i64>() {
                Ok(n) => *slot = n,
                Err(_) => errors.push(RowError {
                    line: line_no,
                    study: label.clone(),
                    field: (*name).into(),
                    message: if raw.is_empty() { "the value is empty; expected a whole number".into() } else { format!("\"{raw}\" is not a whole number") },
                }),
            }
        }
        let counts = StudyCounts::new(study, numbers[0], numbers[1], numbers[2], numbers[3]);
        if let Err(crate::EngineError::InvalidInput { field, message, .. }) = counts.validate() {
            if !errors.iter().any(|e| e.line == line_no) {
                errors.push(RowError { line: line_no, study: label, field: field.into(), message });
            }
        }
        studies.push(counts);
    }
    if studies.is_empty() && errors.is_empty() {
        errors.push(RowError { line: 2, study: None, field: "study".into(), message: "the file has a header but no studies".into() });
    }
    if errors.is_empty() {
        Ok(studies)
    } else {
        Err(errors)
    }
}

pub fn to_csv(studies: &[StudyCounts]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for s in studies {
        let label = if s.label.contains([',', '"']) { format!("\"{}\"", s.label.replace('"', "\"\"")) } else { s.label.clone() };
        out.push_str(&format!("{label},{},{},{},{}\n", s.events_treatment, s.total_treatment, s.events_control, s.total_control));
    }
    out
}

/// The optional `subgroup` column, one label per study row (empty when absent).
pub fn parse_subgroups(text: &str) -> Option<Vec<String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_line(lines.next()?.trim_start_matches('\u{feff}'));
    let column = header.iter().position(|h| h.eq_ignore_ascii_case("subgroup"))?;
    Some(lines.map(|l| split_line(l).get(column).cloned().unwrap_or_default()).collect())
}
