//! Edits to the user's own data, as the spreadsheet-like editor makes them: each takes a
//! dataset and returns the edited one, so every edit is a step that undo can take back. A
//! bundled set is never edited in place: `editable_copy` makes the user's copy first, whose
//! counts are theirs (never shown as sourced).
use crate::data::StudyCounts;
use crate::data::{empty_dataset, user_outcome, user_trial, CONTROL_ARM, TREATMENT_ARM};
use crate::data::{Dataset, DoseSelection, TrialData};

/// Whether the editor can change a dataset's tables directly: every trial has the two arms of
/// the user's format.
pub fn is_editable(dataset: &Dataset) -> bool {
    dataset.trials.iter().all(|t| {
        t.arms.len() == 2 && t.arms.iter().any(|a| a.id == TREATMENT_ARM) && t.arms.iter().any(|a| a.id == CONTROL_ARM)
    })
}

/// The user's copy of any dataset: for each outcome, each listed trial's 2x2 table under `dose`
/// (not-reported cells stay empty), the trials' attributes, and a note on every count saying
/// which dataset it was copied from.
pub fn editable_copy(dataset: &Dataset, dose: &DoseSelection) -> Dataset {
    let mut copy = empty_dataset(
        &format!("{}-copy", dataset.id),
        &format!("{} (your copy)", dataset.title),
        &dataset.treatment_label,
        &dataset.control_label,
    );
    for outcome in &dataset.outcomes {
        let mut listed = Vec::new();
        for trial in dataset.trials_of(outcome) {
            let index = match copy.trials.iter().position(|t| t.id == trial.id) {
                Some(index) => index,
                None => {
                    let mut mine =
                        user_trial(&trial.id, &trial.label, &dataset.treatment_label, &dataset.control_label);
                    mine.year = trial.year;
                    mine.attributes = trial.attributes.clone();
                    copy.trials.push(mine);
                    copy.trials.len() - 1
                }
            };
            if let TrialData::Reported { counts, .. } | TrialData::Entered { counts, .. } =
                trial.data_for(outcome, dose)
            {
                copy.trials[index].add_user_counts(&outcome.id, &counts, &format!("copied from {}", dataset.title));
            }
            listed.push(trial.id.clone());
        }
        let mut mine = user_outcome(&outcome.id, &outcome.label, &outcome.default_measure, &outcome.default_model);
        mine.trials = (listed.len() != dataset.trials.len()).then_some(listed);
        copy.outcomes.push(mine);
    }
    copy
}

/// The trial's table for an outcome as the editor shows it, if it has one.
pub fn table_of(dataset: &Dataset, outcome: &str, trial: &str) -> Option<[i64; 4]> {
    let outcome = dataset.outcome(outcome)?;
    match dataset.trial(trial)?.data_for(outcome, &DoseSelection::AllCombined) {
        TrialData::Reported { counts, .. } | TrialData::Entered { counts, .. } => {
            Some([counts.events_treatment, counts.total_treatment, counts.events_control, counts.total_control])
        }
        _ => None,
    }
}

/// Sets a trial's table for an outcome (replacing what it had there). The table must be valid;
/// the error names the field.
pub fn set_table(dataset: &Dataset, outcome: &str, trial: &str, table: [i64; 4]) -> Result<Dataset, String> {
    let mut edited = dataset.clone();
    let Some(t) = edited.trials.iter_mut().find(|t| t.id == trial) else { return Err(format!("no trial {trial}")) };
    let counts = StudyCounts::new(t.label.clone(), table[0], table[1], table[2], table[3]);
    counts.validate().map_err(|e| e.to_string())?;
    t.counts.retain(|c| c.outcome != outcome);
    t.problems = None;
    t.add_user_counts(outcome, &counts, "typed into the table by you");
    Ok(edited)
}

pub fn rename(dataset: &Dataset, trial: &str, label: &str) -> Dataset {
    let mut edited = dataset.clone();
    if let Some(t) = edited.trials.iter_mut().find(|t| t.id == trial) {
        t.label = label.to_string();
    }
    edited
}

/// Sets (or clears, with an empty value) a trial's attribute.
pub fn set_attribute(dataset: &Dataset, trial: &str, name: &str, value: &str) -> Dataset {
    let mut edited = dataset.clone();
    if let Some(t) = edited.trials.iter_mut().find(|t| t.id == trial) {
        match t.attributes.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.to_string(),
            None => t.attributes.push((name.to_string(), value.to_string())),
        }
        if name.eq_ignore_ascii_case("year") {
            t.year = value.trim().parse().ok();
        }
    }
    edited
}

pub fn set_year(dataset: &Dataset, trial: &str, year: Option<u32>) -> Dataset {
    let mut edited = dataset.clone();
    if let Some(t) = edited.trials.iter_mut().find(|t| t.id == trial) {
        t.year = year;
    }
    edited
}

/// Adds an attribute column (empty for every trial) to group or describe trials by; a name
/// already in use adds nothing.
pub fn add_attribute(dataset: &Dataset, name: &str) -> Dataset {
    let mut edited = dataset.clone();
    let name = name.trim();
    if !name.is_empty() && !dataset.attribute_names().iter().any(|n| n == name) {
        for t in &mut edited.trials {
            t.attributes.push((name.to_string(), String::new()));
        }
    }
    edited
}

/// Adds an empty study to an outcome (listed last) and returns the dataset and its id.
pub fn add_trial(dataset: &Dataset, outcome: &str, label: &str) -> (Dataset, String) {
    let mut edited = dataset.clone();
    let id = (1..).map(|n| format!("row{n}")).find(|id| edited.trial(id).is_none()).expect("a free id");
    edited.trials.push(user_trial(&id, label, &dataset.treatment_label, &dataset.control_label));
    if let Some(o) = edited.outcomes.iter_mut().find(|o| o.id == outcome) {
        if let Some(ids) = &mut o.trials {
            ids.push(id.clone());
        }
    }
    // Outcomes that list every trial would now list the new one too; they keep their list.
    let all_before: Vec<String> = dataset.trials.iter().map(|t| t.id.clone()).collect();
    for o in edited.outcomes.iter_mut().filter(|o| o.id != outcome && o.trials.is_none()) {
        o.trials = Some(all_before.clone());
    }
    (edited, id)
}

pub fn remove_trial(dataset: &Dataset, trial: &str) -> Dataset {
    let mut edited = dataset.clone();
    edited.trials.retain(|t| t.id != trial);
    for ids in edited.outcomes.iter_mut().filter_map(|o| o.trials.as_mut()) {
        ids.retain(|id| id != trial);
    }
    edited
}

/// Moves a trial one place up (`up`) or down among the trials an outcome lists.
pub fn move_trial(dataset: &Dataset, outcome: &str, trial: &str, up: bool) -> Dataset {
    let mut edited = dataset.clone();
    let Some(o) = dataset.outcome(outcome) else { return edited };
    let listed: Vec<usize> =
        dataset.trials_of(o).filter_map(|t| dataset.trials.iter().position(|x| x.id == t.id)).collect();
    let Some(at) = listed.iter().position(|&i| dataset.trials[i].id == trial) else { return edited };
    let other = if up { at.checked_sub(1) } else { Some(at + 1).filter(|&n| n < listed.len()) };
    if let Some(other) = other {
        edited.trials.swap(listed[at], listed[other]);
        if let Some(ids) = edited.outcomes.iter_mut().find(|x| x.id == outcome).and_then(|x| x.trials.as_mut()) {
            let (a, b) = (
                ids.iter().position(|id| id == trial),
                ids.iter().position(|id| *id == dataset.trials[listed[other]].id),
            );
            if let (Some(a), Some(b)) = (a, b) {
                ids.swap(a, b);
            }
        }
    }
    edited
}

/// A column of the editor's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Name,
    /// Treatment events, treatment total, control events, control total.
    Count(usize),
    /// The publication year, which orders the cumulative analysis.
    Year,
    Attribute(String),
}

/// A typed cell that could not be applied: kept, with why, so nothing typed is lost.
#[derive(Debug, Clone, PartialEq)]
pub struct CellProblem {
    pub trial: String,
    pub column: Column,
    pub text: String,
    pub message: String,
}

/// Applies typed cells (one, or a block pasted from a spreadsheet) as one edit. Counts apply
/// once a trial's four cells make a valid table; cells that do not (yet) stay as problems.
pub fn apply_cells(
    dataset: &Dataset,
    outcome: &str,
    cells: &[(String, Column, String)],
) -> (Dataset, Vec<CellProblem>) {
    let mut edited = dataset.clone();
    let mut problems = Vec::new();
    let problem = |trial: &str, column: &Column, text: &str, message: String| CellProblem {
        trial: trial.into(),
        column: column.clone(),
        text: text.into(),
        message,
    };
    let mut trials: Vec<&str> = Vec::new();
    for (trial, column, text) in cells {
        match column {
            Column::Name if text.trim().is_empty() => {
                problems.push(problem(trial, column, text, "the study name is empty".into()))
            }
            Column::Name => edited = rename(&edited, trial, text.trim()),
            Column::Attribute(name) => edited = set_attribute(&edited, trial, name, text.trim()),
            Column::Year => match text.trim() {
                "" => edited = set_year(&edited, trial, None),
                year => match year.parse::<u32>() {
                    Ok(y) if (1000..=9999).contains(&y) => edited = set_year(&edited, trial, Some(y)),
                    _ => problems.push(problem(trial, column, text, format!("\"{year}\" is not a year"))),
                },
            },
            Column::Count(_) if !trials.contains(&trial.as_str()) => trials.push(trial),
            Column::Count(_) => {}
        }
    }
    for trial in trials {
        let current = table_of(&edited, outcome, trial);
        let mut table: [Option<i64>; 4] = current.map_or([None; 4], |t| t.map(Some));
        let mut unreadable = false;
        let typed: Vec<(usize, &String)> = cells
            .iter()
            .filter(|(t, _, _)| t == trial)
            .filter_map(|(_, c, text)| match c {
                Column::Count(i) if *i < 4 => Some((*i, text)),
                _ => None,
            })
            .collect();
        for &(i, text) in &typed {
            match text.trim().parse::<i64>() {
                Ok(n) => table[i] = Some(n),
                Err(_) => {
                    unreadable = true;
                    let message = if text.trim().is_empty() {
                        "empty; type a whole number".to_string()
                    } else {
                        format!("\"{}\" is not a whole number", text.trim())
                    };
                    problems.push(problem(trial, &Column::Count(i), text, message));
                }
            }
        }
        if unreadable {
            continue;
        }
        let keep_typed = |message: &str, problems: &mut Vec<CellProblem>| {
            problems
                .extend(typed.iter().map(|&(i, text)| problem(trial, &Column::Count(i), text, message.to_string())));
        };
        match table {
            [Some(a), Some(b), Some(c), Some(d)] => match set_table(&edited, outcome, trial, [a, b, c, d]) {
                Ok(next) => edited = next,
                Err(why) => keep_typed(&why, &mut problems),
            },
            _ => keep_typed("waiting for the other counts of this study", &mut problems),
        }
    }
    (edited, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::read_csv;
    use crate::data::trial_rows;

    fn labels(d: &Dataset, outcome: &str) -> Vec<String> {
        trial_rows(d, d.outcome(outcome).unwrap(), &DoseSelection::AllCombined, &|_| true)
            .into_iter()
            .map(|r| r.label)
            .collect()
    }

    #[test]
    fn edits_add_rename_reorder_remove_and_keep_other_outcomes() {
        let d =
            read_csv("study,outcome,ai,n1i,ci,n2i\nA,death,1,10,2,10\nB,death,3,30,4,30\nA,stroke,0,10,1,10\n", "t")
                .unwrap()
                .dataset;
        assert!(is_editable(&d));
        let d = set_table(&d, "death", "row1", [2, 10, 2, 10]).unwrap();
        assert_eq!(table_of(&d, "death", "row1"), Some([2, 10, 2, 10]));
        assert_eq!(table_of(&d, "stroke", "row1"), Some([0, 10, 1, 10]), "other outcomes keep their table");
        assert!(set_table(&d, "death", "row1", [12, 10, 2, 10]).unwrap_err().contains("exceed"));
        let (d, new) = add_trial(&d, "death", "C");
        assert_eq!(labels(&d, "death"), ["A", "B", "C"]);
        assert_eq!(labels(&d, "stroke"), ["A"], "a study added to one outcome is not listed in another");
        let d = set_table(&d, "death", &new, [1, 5, 1, 5]).unwrap();
        let d = move_trial(&rename(&d, &new, "C2"), "death", &new, true);
        assert_eq!(labels(&d, "death"), ["A", "C2", "B"]);
        let d = remove_trial(&d, "row1");
        assert_eq!(labels(&d, "death"), ["C2", "B"]);
        assert!(labels(&d, "stroke").is_empty());
        assert_eq!(Dataset::from_json(&d.to_json()).unwrap(), d);
    }

    #[test]
    fn typed_cells_apply_when_they_make_a_table_and_are_kept_when_they_do_not() {
        let d = read_csv(
            "study,events_treatment,total_treatment,events_control,total_control,region\nA,1,10,2,10,x\n",
            "t",
        )
        .unwrap()
        .dataset;
        let (d, new) = add_trial(&d, "data", "");
        let cells = |row: &str, texts: [&str; 5]| -> Vec<(String, Column, String)> {
            let mut out = vec![(row.to_string(), Column::Name, texts[0].to_string())];
            out.extend((0..4).map(|i| (row.to_string(), Column::Count(i), texts[i + 1].to_string())));
            out
        };
        // A pasted block: the first row is fine, the new one has an unreadable cell.
        let mut block = cells("row1", ["A1", "2", "10", "3", "10"]);
        block.extend(cells(&new, ["B", "4", "x", "5", "20"]));
        let (edited, problems) = apply_cells(&d, "data", &block);
        assert_eq!(table_of(&edited, "data", "row1"), Some([2, 10, 3, 10]));
        assert_eq!(edited.trial("row1").unwrap().label, "A1");
        assert_eq!(
            problems,
            vec![CellProblem {
                trial: new.clone(),
                column: Column::Count(1),
                text: "x".into(),
                message: "\"x\" is not a whole number".into()
            }]
        );
        assert_eq!(edited.trial(&new).unwrap().label, "B");
        let (edited, problems) = apply_cells(&edited, "data", &[(new.clone(), Column::Count(0), "4".into())]);
        assert_eq!(problems.len(), 1, "still waiting for the other counts: {problems:?}");
        let (edited, problems) = apply_cells(&edited, "data", &cells(&new, ["B", "4", "20", "50", "20"]));
        assert!(problems[0].message.contains("exceed"), "{problems:?}");
        let (edited, problems) = apply_cells(
            &edited,
            "data",
            &[
                (new.clone(), Column::Attribute("region".into()), "y".into()),
                (new.clone(), Column::Count(2), "5".into()),
            ],
        );
        assert_eq!(edited.trial(&new).unwrap().attribute("region"), Some("y"));
        let (edited_year, problems_year) = apply_cells(
            &add_attribute(&edited, "risk of bias"),
            "data",
            &[("row1".into(), Column::Year, "2004".into()), (new.clone(), Column::Year, "soon".into())],
        );
        assert_eq!(edited_year.trial("row1").unwrap().year, Some(2004));
        assert_eq!(edited_year.attribute_names(), ["region", "risk of bias"]);
        assert_eq!(problems_year[0].message, "\"soon\" is not a year");
        assert_eq!(
            (table_of(&edited, "data", &new), problems[0].message.as_str()),
            (None, "waiting for the other counts of this study")
        );
    }

    #[test]
    fn a_copy_of_a_bundled_set_holds_its_tables_as_the_users() {
        let bundled = Dataset::from_json(include_str!("../../../../assets/dupilumab.json")).unwrap();
        let copy = editable_copy(&bundled, &DoseSelection::AllCombined);
        assert!(is_editable(&copy) && !is_editable(&bundled));
        for outcome in &bundled.outcomes {
            let original = trial_rows(&bundled, outcome, &DoseSelection::AllCombined, &|_| true);
            let copied = trial_rows(&copy, copy.outcome(&outcome.id).unwrap(), &DoseSelection::AllCombined, &|_| true);
            assert_eq!(original.len(), copied.len());
            for (a, b) in original.iter().zip(&copied) {
                assert_eq!((a.counts(), &a.label), (b.counts(), &b.label), "{}", outcome.id);
                if let TrialData::Reported { sources, .. } = &b.data {
                    assert!(
                        sources.iter().all(|s| s.events.url.is_none() && s.events.kind.as_deref() == Some("user")),
                        "a copy is never shown as sourced"
                    );
                }
            }
        }
    }
}
