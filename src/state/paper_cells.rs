//! "Complete the paper": every trial and outcome that a published analysis pooled and no public
//! source gives counts for, so a journal club holding the paper can type them in, and whether
//! each outcome's typed counts reproduce the published result. Each outcome is pooled as the
//! paper did: its published method, every trial, the dataset's dose arms. Pure.
use super::data_source::{pooled_trials, rows_for, DataSource};
use super::selection::{EnteredCounts, Selection};
use livemeta_core::data::{PublishedResult, TrialData};
use livemeta_core::model::{analyze, Analysis};
use livemeta_core::{Coded, Measure};

/// One cell to complete: a trial of an outcome with no public counts.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperCell {
    pub trial: String,
    pub label: String,
    /// The counts the user entered for it, if any.
    pub entered: Option<EnteredCounts>,
}

/// A published outcome's cells, and its live result with the user's counts once all are in.
#[derive(Debug, Clone, PartialEq)]
pub struct PaperOutcome {
    pub outcome: String,
    pub label: String,
    pub published: PublishedResult,
    /// The selection that pools it as the paper did, with the user's counts.
    pub as_published: Selection,
    pub cells: Vec<PaperCell>,
    /// The live analysis when every cell is filled.
    pub complete: Option<Result<Analysis, String>>,
}

impl PaperOutcome {
    pub fn filled(&self) -> usize {
        self.cells.iter().filter(|c| c.entered.is_some()).count()
    }
}

/// An estimate and interval to two decimals, as the paper prints them: "0.54 (0.42-0.70)".
pub fn two_decimals(estimate: f64, lower: f64, upper: f64) -> String {
    format!("{estimate:.2} ({lower:.2}-{upper:.2})")
}

/// Whether `analysis` gives the published result to two decimals, on the same measure.
pub fn reproduces(analysis: &Analysis, p: &PublishedResult) -> bool {
    Measure::from_code(&p.measure) == Some(analysis.measure)
        && two_decimals(analysis.pooled.estimate, analysis.pooled.ci_lower, analysis.pooled.ci_upper)
            == two_decimals(p.estimate, p.ci_lower, p.ci_upper)
}

/// Every published outcome with at least one cell to complete, in the dataset's order, with
/// the counts the user `entered`.
pub fn paper_outcomes(entered: &[EnteredCounts], source: &DataSource) -> Vec<PaperOutcome> {
    let dataset = &source.dataset;
    dataset
        .published
        .iter()
        .filter_map(|published| {
            let outcome = dataset.outcome(&published.outcome)?;
            let mut as_published = Selection::for_outcome(dataset, &outcome.id);
            as_published.entered.cells = entered.to_vec();
            let mut unfilled = as_published.clone();
            unfilled.entered.used = false;
            let cells: Vec<PaperCell> = rows_for(&unfilled, source)
                .into_iter()
                .filter(|r| r.data == TrialData::NotReported)
                .map(|r| PaperCell {
                    entered: as_published.entered_for(&r.trial_id).cloned(),
                    trial: r.trial_id,
                    label: r.label,
                })
                .collect();
            if cells.is_empty() {
                return None;
            }
            let complete = cells.iter().all(|c| c.entered.is_some()).then(|| {
                let (_, studies) = pooled_trials(&rows_for(&as_published, source));
                analyze(&studies, &as_published.method.options()).map_err(|e| e.to_string())
            });
            Some(PaperOutcome {
                outcome: outcome.id.clone(),
                label: outcome.label.clone(),
                published: published.clone(),
                as_published,
                cells,
                complete,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flagship_lists_its_unreported_cells_and_checks_an_outcome_once_complete() {
        let source = DataSource::flagship();
        let mut selection = Selection::for_outcome(&source.dataset, "");
        let outcomes = paper_outcomes(&selection.entered.cells, &source);
        assert_eq!(outcomes.len(), source.dataset.published.len());
        assert!(outcomes.iter().all(|o| o.filled() == 0 && o.complete.is_none()));
        let skin = outcomes.iter().find(|o| o.outcome == "skin_infections").unwrap();
        for cell in &skin.cells {
            let dose = skin.as_published.scope.dose.clone();
            let counts = [3, 60, 6, 60];
            let label = "test values".to_string();
            selection.enter_at(EnteredCounts {
                outcome: skin.outcome.clone(),
                dose,
                trial: cell.trial.clone(),
                counts,
                label,
            });
        }
        let skin = paper_outcomes(&selection.entered.cells, &source)
            .into_iter()
            .find(|o| o.outcome == "skin_infections")
            .unwrap();
        assert_eq!(skin.filled(), skin.cells.len());
        let analysis = skin.complete.unwrap().unwrap();
        assert_eq!(analysis.k, source.dataset.trials.len());
        assert!(!reproduces(&analysis, &skin.published), "made-up counts do not give the paper's result");
    }
}
