//! The user's own tables as a `Dataset`, so bundled sets, pasted CSV, RevMan reviews and saved
//! JSON all flow through one model. A user's count has no source URL: its kind is "user".
//!
//! A CSV may hold several outcomes in long format: an `outcome` column, one line per study and
//! outcome. Lines with the same study name are one trial across outcomes.
use crate::data::StudyCounts;
use crate::data::{extra_columns, parse_rows, RowError};
use crate::data::{Arm, Count, Dataset, Definition, Outcome, Sourced, Trial, FORMAT, VERSION};
use std::collections::HashMap;

/// The one definition a user's outcome has: the counts as given.
pub const AS_GIVEN: &str = "as_given";
pub const TREATMENT_ARM: &str = "treatment";
pub const CONTROL_ARM: &str = "control";

/// An empty dataset for the user's tables: two arms per trial and no published results.
pub fn empty_dataset(id: &str, title: &str, treatment_label: &str, control_label: &str) -> Dataset {
    Dataset {
        format: FORMAT.into(),
        version: VERSION,
        id: id.into(),
        title: title.into(),
        treatment_label: treatment_label.into(),
        control_label: control_label.into(),
        outcomes: Vec::new(),
        definitions: vec![Definition {
            id: AS_GIVEN.into(),
            outcome: String::new(),
            label: "as given in your data".into(),
        }],
        trials: Vec::new(),
        published: Vec::new(),
        publication: Default::default(),
    }
}

/// An outcome of the user's data, analysed by default as RevMan 5 does (M-H random effects, RR).
pub fn user_outcome(id: &str, label: &str, measure: &str, model: &str) -> Outcome {
    Outcome {
        id: id.into(),
        label: label.into(),
        definition_preference: vec![AS_GIVEN.into()],
        default_measure: measure.into(),
        default_model: model.into(),
        trials: None,
    }
}

/// A trial with the user's two arms and no counts yet.
pub fn user_trial(id: &str, label: &str, treatment_label: &str, control_label: &str) -> Trial {
    let arm = |id: &str, role: &str, regimen: &str| Arm {
        id: id.into(),
        role: role.into(),
        regimen: regimen.into(),
        n_randomized: Sourced::default(),
        n_safety: Sourced::default(),
    };
    Trial {
        id: id.into(),
        label: label.into(),
        publication: String::new(),
        year: None,
        registry: String::new(),
        phase: String::new(),
        background: String::new(),
        weeks: None,
        link: String::new(),
        n_randomized_total: Sourced::default(),
        arms: vec![arm(TREATMENT_ARM, "treatment", treatment_label), arm(CONTROL_ARM, "control", control_label)],
        counts: Vec::new(),
        missing: Vec::new(),
        attributes: Vec::new(),
        problems: None,
    }
}

impl Trial {
    /// Adds the user's 2x2 table for an outcome, with `origin` (such as "line 3 of your file")
    /// as the provenance note of each count.
    pub fn add_user_counts(&mut self, outcome: &str, counts: &StudyCounts, origin: &str) {
        for (arm, events, n) in [
            (TREATMENT_ARM, counts.events_treatment, counts.total_treatment),
            (CONTROL_ARM, counts.events_control, counts.total_control),
        ] {
            self.counts.push(Count {
                outcome: outcome.into(),
                definition: AS_GIVEN.into(),
                arm: arm.into(),
                events: Sourced {
                    value: Some(events),
                    kind: Some("user".into()),
                    note: Some(origin.into()),
                    ..Sourced::default()
                },
                n,
                window: String::new(),
            });
        }
    }
}

/// A CSV read into a dataset, and a sentence about what the reading changed or left out.
#[derive(Debug, Clone, PartialEq)]
pub struct UserData {
    pub dataset: Dataset,
    pub warning: Option<String>,
}

/// Reads the user's CSV (one outcome, or several in long format) into a dataset. Lines that
/// cannot be read stay as trials with their problems, shown and left out of the analysis;
/// `Err` lists every problem when nothing in the file can be analysed.
pub fn read_csv(text: &str, title: &str) -> Result<UserData, Vec<RowError>> {
    let rows = parse_rows(text)?;
    let mut extras = extra_columns(text);
    let outcome_column =
        extras.iter().position(|(name, _)| name.trim().eq_ignore_ascii_case("outcome")).map(|i| extras.remove(i).1);
    // Each line's outcome; in long format a blank outcome cell is a problem of its line.
    let outcome_of = |i: usize| {
        outcome_column.as_ref().map_or_else(
            || "data".to_string(),
            |values| values.get(i).map(|v| v.trim().to_string()).unwrap_or_default(),
        )
    };
    let results: Vec<Result<&StudyCounts, Vec<RowError>>> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| match &row.counts {
            Ok(_) if outcome_of(i).is_empty() => Err(vec![RowError {
                line: row.line,
                study: Some(row.study.clone()).filter(|s| !s.is_empty()),
                field: "outcome".into(),
                message: "the outcome is empty".into(),
            }]),
            Ok(counts) => Ok(counts),
            Err(errors) => Err(errors.clone()),
        })
        .collect();
    let problems: Vec<&RowError> = results.iter().filter_map(|r| r.as_ref().err()).flatten().collect();
    if results.iter().all(|r| r.is_err()) {
        return Err(if problems.is_empty() {
            vec![crate::data::no_studies()]
        } else {
            problems.into_iter().cloned().collect()
        });
    }
    let mut dataset = empty_dataset("user-data", title, "Treatment", "Control");
    let mut outcome_trials: Vec<(String, Vec<String>)> = Vec::new();
    for i in 0..rows.len() {
        let outcome = outcome_of(i);
        if !outcome.is_empty() && !outcome_trials.iter().any(|(o, _)| *o == outcome) {
            outcome_trials.push((outcome, Vec::new()));
        }
    }
    // Readable lines per (outcome, study name), and readable trials by name: lookups, not scans,
    // so a file of 100,000 lines reads in linear time.
    let mut lines_named: HashMap<(String, &str), usize> = HashMap::new();
    for (i, (row, result)) in rows.iter().zip(&results).enumerate() {
        if result.is_ok() {
            *lines_named.entry((outcome_of(i), row.study.as_str())).or_default() += 1;
        }
    }
    let mut trials_named: HashMap<String, Vec<usize>> = HashMap::new();
    let mut renamed = Vec::new();
    for (i, (row, result)) in rows.iter().zip(&results).enumerate() {
        let outcome = outcome_of(i);
        let row_number = i + 1;
        let attributes: Vec<(String, String)> =
            extras.iter().map(|(name, values)| (name.clone(), values.get(i).cloned().unwrap_or_default())).collect();
        let year = attributes
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case("year"))
            .and_then(|(_, v)| v.trim().parse().ok());
        let id = match result {
            Err(errors) => {
                let label = if row.study.is_empty() { format!("line {}", row.line) } else { row.study.clone() };
                let mut trial = user_trial(&format!("row{}", dataset.trials.len() + 1), &label, "Treatment", "Control");
                trial.problems = Some(errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "));
                trial.attributes = attributes;
                let id = trial.id.clone();
                dataset.trials.push(trial);
                // Listed wherever it belongs, or under every outcome when that is unknown.
                for (_, ids) in outcome_trials.iter_mut().filter(|(o, _)| outcome.is_empty() || *o == outcome) {
                    ids.push(id.clone());
                }
                continue;
            }
            Ok(counts) => {
                let twice_here = lines_named.get(&(outcome.clone(), row.study.as_str())).is_some_and(|&n| n > 1);
                let label = if twice_here {
                    renamed.push(format!("row {row_number} \"{}\"", row.study));
                    format!("{} (row {row_number})", row.study)
                } else {
                    row.study.clone()
                };
                // The same study in another outcome is the same trial.
                let existing = trials_named.get(&label).and_then(|found| {
                    found.iter().copied().find(|&t| !dataset.trials[t].counts.iter().any(|c| c.outcome == outcome))
                });
                let index = match existing {
                    Some(index) => index,
                    None => {
                        let mut trial =
                            user_trial(&format!("row{}", dataset.trials.len() + 1), &label, "Treatment", "Control");
                        trial.attributes = attributes;
                        trial.year = year;
                        dataset.trials.push(trial);
                        trials_named.entry(label.clone()).or_default().push(dataset.trials.len() - 1);
                        dataset.trials.len() - 1
                    }
                };
                let trial = &mut dataset.trials[index];
                trial.add_user_counts(
                    &outcome,
                    &StudyCounts::new(
                        label.clone(),
                        counts.events_treatment,
                        counts.total_treatment,
                        counts.events_control,
                        counts.total_control,
                    ),
                    &format!("line {} of your data", row.line),
                );
                trial.id.clone()
            }
        };
        if let Some((_, ids)) = outcome_trials.iter_mut().find(|(o, _)| *o == outcome) {
            ids.push(id);
        }
    }
    let several = outcome_column.is_some();
    dataset.outcomes = outcome_trials
        .into_iter()
        .map(|(name, ids)| {
            let mut outcome = user_outcome(&name, if several { &name } else { "Your data" }, "RR", "REVMAN");
            outcome.trials = several.then_some(ids);
            outcome
        })
        .collect();
    let duplicates = (!renamed.is_empty()).then(|| {
        format!(
            "Duplicate study names: {}. Each is shown with its row number so they stay distinguishable.",
            renamed.join(", ")
        )
    });
    let left_out = (!problems.is_empty()).then(|| {
        let n = problems.len();
        format!(
            "{} {} left out of the analysis and flagged in the table: {}.",
            if n == 1 { "1 line with a problem".to_string() } else { format!("{n} problems") },
            if n == 1 { "is" } else { "are" },
            problems.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
        )
    });
    let warning = [duplicates, left_out].into_iter().flatten().collect::<Vec<_>>();
    Ok(UserData { dataset, warning: (!warning.is_empty()).then(|| warning.join(" ")) })
}

/// Any dataset as CSV in long format (one line per outcome and study, with the trials' further
/// attributes) for the counts each outcome pools (all treatment arms combined). Rows without a
/// readable table (not reported, invalid) have no counts to write and are left out; the
/// dataset JSON keeps everything.
pub fn dataset_to_csv(dataset: &Dataset) -> String {
    use crate::data::{csv_text, COLUMNS};
    use crate::data::{DoseSelection, TrialData};
    let attributes = dataset.attribute_names();
    let several = dataset.outcomes.len() > 1;
    let mut header: Vec<String> = vec![COLUMNS[0].to_string()];
    if several {
        header.push("outcome".into());
    }
    header.extend(COLUMNS[1..].iter().map(|c| c.to_string()));
    header.extend(attributes.iter().map(|a| csv_text(a)));
    let mut out = header.join(",") + "\n";
    for outcome in &dataset.outcomes {
        for trial in dataset.trials_of(outcome) {
            let (TrialData::Reported { counts, .. } | TrialData::Entered { counts, .. }) =
                trial.data_for(outcome, &DoseSelection::AllCombined)
            else {
                continue;
            };
            let mut cells = vec![csv_text(&trial.label)];
            if several {
                cells.push(csv_text(&outcome.id));
            }
            cells.extend(
                [counts.events_treatment, counts.total_treatment, counts.events_control, counts.total_control]
                    .map(|n| n.to_string()),
            );
            cells.extend(attributes.iter().map(|a| csv_text(trial.attribute(a).unwrap_or(""))));
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{trial_rows, DoseSelection, TrialData};

    fn rows_of(data: &Dataset, outcome: &str) -> Vec<(String, TrialData)> {
        let outcome = data.outcome(outcome).unwrap();
        trial_rows(data, outcome, &DoseSelection::AllCombined, &|_| true)
            .into_iter()
            .map(|r| (r.label, r.data))
            .collect()
    }

    #[test]
    fn one_outcome_keeps_every_line_in_order() {
        let data = read_csv("study,events_treatment,total_treatment,events_control,total_control,year\nA,1,10,2,10,2001\nB,x,10,2,10,2003\nA,3,30,4,30,2002\n", "t").unwrap();
        let rows = rows_of(&data.dataset, "data");
        let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["A (row 1)", "B", "A (row 3)"]);
        assert!(
            matches!(&rows[1].1, TrialData::Invalid { problems } if problems.contains("line 3") && problems.contains("events_treatment"))
        );
        assert!(matches!(&rows[2].1, TrialData::Reported { counts, .. } if counts.events_treatment == 3));
        assert_eq!(data.dataset.trials[2].year, Some(2002));
        let warning = data.warning.unwrap();
        assert!(
            warning.contains("Duplicate study names") && warning.contains("1 line with a problem is left out"),
            "{warning}"
        );
        assert_eq!(data.dataset.trials.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["row1", "row2", "row3"]);
    }

    #[test]
    fn long_format_makes_one_trial_per_study_across_outcomes() {
        let csv = "study;outcome;ai;n1i;ci;n2i\nA;death;1;10;2;10\nB;death;3;30;4;30\nA;stroke;0;10;1;10\n";
        let data = read_csv(csv, "t").unwrap().dataset;
        assert_eq!(data.outcomes.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(), ["death", "stroke"]);
        assert_eq!(data.trials.len(), 2);
        assert_eq!(rows_of(&data, "stroke").len(), 1);
        assert_eq!(rows_of(&data, "death").len(), 2);
        assert_eq!(Dataset::from_json(&data.to_json()).unwrap(), data, "the JSON round trip is exact");
        assert_eq!(
            read_csv(&dataset_to_csv(&data), "t").unwrap().dataset,
            data,
            "so is the CSV round trip of the user's own data"
        );
    }

    #[test]
    fn nothing_readable_is_an_error() {
        assert!(read_csv("study,events_treatment,total_treatment,events_control,total_control\nA,11,10,2,10\n", "t")
            .is_err());
        assert!(read_csv("study,events_treatment,total_treatment,events_control,total_control\n", "t").is_err());
        let blank_outcome = read_csv("study,outcome,ai,n1i,ci,n2i\nA,,1,10,2,10\nB,death,1,10,2,10\n", "t").unwrap();
        assert!(blank_outcome.warning.unwrap().contains("line 2 (study \"A\"), field outcome: the outcome is empty"));
    }
}
