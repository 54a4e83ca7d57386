//! Where the 2x2 tables come from, and the rows a selection makes of them.
use super::Selection;
use livemeta_core::data::read_csv;
use livemeta_core::data::OpenedFile;
use livemeta_core::data::{trial_rows, Dataset, TrialData, TrialRow};
use livemeta_core::StudyCounts;
use std::sync::{Arc, LazyLock};

/// Where the 2x2 tables come from: always a dataset in the one `livemeta-dataset` model (a
/// bundled set, the user's CSV, a RevMan review or a saved dataset file), and how it came, which
/// decides what the link and this browser keep of it.
#[derive(Debug, Clone)]
pub struct DataSource {
    pub dataset: Arc<Dataset>,
    pub origin: Origin,
    /// Which of the user's sets this is (1, 2, ...; 0 for a bundled set or one not yet kept):
    /// an edit keeps its set's slot, an import takes a new one.
    pub slot: u32,
}

impl PartialEq for DataSource {
    /// The same shared dataset (and CSV text) is equal without comparing it trial by trial
    /// (every step of the undo history is compared on every change).
    fn eq(&self, other: &DataSource) -> bool {
        let same_origin = match (&self.origin, &other.origin) {
            (Origin::Csv(a), Origin::Csv(b)) => Arc::ptr_eq(a, b) || a == b,
            (a, b) => a == b,
        };
        self.slot == other.slot
            && same_origin
            && (Arc::ptr_eq(&self.dataset, &other.dataset) || self.dataset == other.dataset)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Ships with the app; the link names it by id.
    Bundled,
    /// The user's CSV, kept as given: the link (while small) and this browser carry the text.
    /// Shared, because every step of the undo history holds the data source.
    Csv(Arc<str>),
    /// A file the user opened (.rm5 or dataset JSON), kept in this browser as dataset JSON.
    File,
}

/// The datasets that ship with the app, the flagship first.
pub static BUNDLED: LazyLock<Vec<Arc<Dataset>>> = LazyLock::new(|| {
    [include_str!("../../assets/dupilumab.json"), include_str!("../../assets/bcg.json")]
        .into_iter()
        .map(|json| Arc::new(Dataset::from_json(json).expect("bundled dataset is valid")))
        .collect()
});

impl DataSource {
    /// The flagship dupilumab dataset.
    pub fn flagship() -> DataSource {
        DataSource { dataset: BUNDLED[0].clone(), origin: Origin::Bundled, slot: 0 }
    }

    pub fn bundled(id: &str) -> Option<DataSource> {
        BUNDLED.iter().find(|d| d.id == id).map(|d| DataSource { dataset: d.clone(), origin: Origin::Bundled, slot: 0 })
    }

    pub fn is_bundled(&self) -> bool {
        self.origin == Origin::Bundled
    }

    /// The user's CSV as a data source, with a warning (renamed duplicates, lines left out), or
    /// every problem found (line, study, field) when nothing in it can be analysed.
    pub fn from_csv(csv: &str) -> Result<(DataSource, Option<String>), Vec<String>> {
        let data = read_csv(csv, "Your data")
            .map_err(|problems| problems.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
        Ok((DataSource { dataset: Arc::new(data.dataset), origin: Origin::Csv(csv.into()), slot: 0 }, data.warning))
    }

    /// A file the user opened: a small CSV keeps its text (for the paste box and the link).
    pub fn from_opened(opened: OpenedFile) -> DataSource {
        match opened.csv {
            Some(csv) => DataSource { dataset: Arc::new(opened.dataset), origin: Origin::Csv(csv.into()), slot: 0 },
            None => DataSource::from_file(opened.dataset),
        }
    }

    /// A dataset the user opened from a file.
    pub fn from_file(dataset: Dataset) -> DataSource {
        DataSource { dataset: Arc::new(dataset), origin: Origin::File, slot: 0 }
    }

    /// The user's data as an edit of this set: same slot.
    pub fn edited(&self, dataset: Dataset) -> DataSource {
        DataSource { slot: self.slot, ..DataSource::from_file(dataset) }
    }
}

/// The rows on screen for a selection: every trial of the data source, switched on or off,
/// with its 2x2 table for the outcome and dose, or "not reported".
pub fn rows_for(selection: &Selection, source: &DataSource) -> Vec<TrialRow> {
    let dataset = &source.dataset;
    let outcome = dataset.outcome_or_first(&selection.scope.outcome);
    let preferred = selection
        .scope
        .definition
        .as_deref()
        .filter(|d| outcome.definition_preference.iter().any(|x| x == d))
        .map(|d| outcome.preferring(d));
    let outcome = preferred.as_ref().unwrap_or(outcome);
    let mut rows =
        trial_rows(dataset, outcome, &selection.scope.dose, &|id| !selection.scope.excluded.iter().any(|x| x == id));
    // A cell no source gave takes the counts the user typed in, marked as theirs.
    for row in rows.iter_mut().filter(|r| r.data == TrialData::NotReported && selection.entered.used) {
        if let Some(e) = selection.entered_for(&row.trial_id) {
            let [a, b, c, d] = e.counts;
            let counts = StudyCounts::new(row.label.clone(), a, b, c, d);
            row.data = TrialData::Entered { counts, label: e.label.clone() };
        }
    }
    rows
}

/// An R comment naming the pooled trials whose counts the user entered, a line for each place
/// they came from, so a script never passes them off as sourced; empty when there are none.
pub fn entered_note(rows: &[TrialRow]) -> String {
    let mut by_origin: Vec<(String, Vec<&str>)> = Vec::new();
    for row in rows.iter().filter(|r| r.enabled) {
        let Some(origin) = row.entered_origin() else { continue };
        match by_origin.iter_mut().find(|(o, _)| *o == origin) {
            Some((_, trials)) => trials.push(&row.label),
            None => by_origin.push((origin, vec![&row.label])),
        }
    }
    by_origin
        .into_iter()
        .map(|(origin, trials)| {
            format!("# Counts entered by you {origin} (livemeta has no source for them): {}\n", trials.join(", "))
        })
        .collect()
}

/// The trials in the pool (reported rows that are switched on): their ids and tables, in screen
/// order, so the analysis's study indices map onto the ids.
pub fn pooled_trials(rows: &[TrialRow]) -> (Vec<String>, Vec<StudyCounts>) {
    rows.iter().filter_map(|r| r.pooled_counts().map(|c| (r.trial_id.clone(), c.clone()))).unzip()
}

/// A stored entry that does not read as a set, kept as it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub key: String,
    pub text: String,
    pub why: String,
}

impl Unreadable {
    pub fn sentence(&self) -> String {
        format!(
            "A set kept in this browser could not be read ({}). It is kept as it was and nothing will overwrite it: save it as a file to recover what it holds.",
            self.why
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::EnteredCounts;

    #[test]
    fn the_r_comment_names_where_entered_counts_came_from_on_one_line_each() {
        let source = DataSource::flagship();
        let mut selection = Selection::for_outcome(&source.dataset, "skin_infections");
        let missing: Vec<String> = rows_for(&selection, &source)
            .into_iter()
            .filter(|r| r.data == TrialData::NotReported)
            .map(|r| r.trial_id)
            .collect();
        let (outcome, dose) = (selection.scope.outcome.clone(), selection.scope.dose.clone());
        for (trial, label) in missing.iter().zip(["", "test\nvalues\nres <- 1"]) {
            let (outcome, dose, trial, label) = (outcome.clone(), dose.clone(), trial.clone(), label.to_string());
            selection.enter_at(EnteredCounts { outcome, dose, trial, counts: [1, 10, 2, 10], label });
        }
        let note = entered_note(&rows_for(&selection, &source));
        let lines: Vec<&str> = note.lines().collect();
        assert_eq!(lines.len(), 2, "{note}");
        assert!(lines.iter().all(|l| l.starts_with("# Counts entered by you ")), "{note}");
        assert!(lines[0].contains("from the paper") && lines[1].contains("labelled “test values res <- 1”"), "{note}");
    }
}
