//! The summary-of-findings table: a row for each outcome of the data, pooled with the same
//! scope, typed counts and method rules as the outcome on screen (each outcome switched to as
//! the outcome select would), and the outcome on screen read from its own analysis. Pure.
use super::data_source::{pooled_trials, rows_for, DataSource};
use super::selection::Selection;
use livemeta_core::data::{judgments, TrialData};
use livemeta_core::interpret::{finding, Choices, ControlRisk, Finding};
use livemeta_core::model::{analyze, Analysis};
use livemeta_core::EngineError;

#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeFinding {
    pub outcome: String,
    pub label: String,
    /// Whether this is the outcome on screen.
    pub shown: bool,
    pub finding: Result<Finding, EngineError>,
    /// Listed trials with no counts for this outcome.
    pub not_reported: usize,
    /// Pooled trials whose counts the user typed in.
    pub entered: usize,
}

/// Every outcome's row. `shown` is the analysis on screen, of `selection`'s own outcome. The
/// assumed control risk and the threshold were set for the outcome on screen, so the other
/// outcomes are read at their pooled control-arm risk and GRADE's default appreciable effects.
pub fn findings(
    selection: &Selection,
    source: &DataSource,
    shown: &Result<Analysis, EngineError>,
) -> Vec<OutcomeFinding> {
    let dataset = &source.dataset;
    dataset
        .outcomes
        .iter()
        .map(|outcome| {
            let on_screen = outcome.id == selection.scope.outcome;
            let mut chosen = selection.clone();
            if !on_screen {
                chosen.switch_outcome(dataset, &outcome.id);
            }
            let rows = rows_for(&chosen, source);
            let (ids, studies) = pooled_trials(&rows);
            let refit;
            let analysis = if on_screen {
                shown
            } else {
                refit = analyze(&studies, &chosen.method.options());
                &refit
            };
            let views = &selection.views;
            let choices = Choices {
                control_risk: if on_screen { views.control_risk } else { ControlRisk::Pooled },
                threshold: views.threshold.filter(|_| on_screen),
                information: views.tsa,
            };
            let risk_of_bias: Vec<_> = judgments(dataset, &ids).into_iter().map(|j| j[5]).collect();
            let overrides = selection.grade_overrides(&outcome.id);
            OutcomeFinding {
                outcome: outcome.id.clone(),
                label: outcome.label.clone(),
                shown: on_screen,
                finding: analysis.clone().map(|a| finding(&studies, &a, &risk_of_bias, &choices, &overrides)),
                not_reported: rows.iter().filter(|r| r.data == TrialData::NotReported).count(),
                entered: rows.iter().filter(|r| r.is_entered() && r.enabled).count(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use livemeta_core::interpret::{Concern, Domain};

    #[test]
    fn every_outcome_has_a_row_and_the_shown_one_is_the_analysis_on_screen() {
        let source = DataSource::flagship();
        let mut selection = Selection::for_outcome(&source.dataset, "");
        selection.rate(
            &selection.scope.outcome.clone(),
            Domain::Indirectness,
            Some((Concern::Serious, "adults".into())),
        );
        let rows = rows_for(&selection, &source);
        let shown = analyze(&pooled_trials(&rows).1, &selection.method.options());
        let table = findings(&selection, &source, &shown);
        assert_eq!(table.len(), source.dataset.outcomes.len());
        let on_screen = table.iter().find(|f| f.shown).unwrap();
        let finding = on_screen.finding.as_ref().unwrap();
        assert_eq!(finding.relative.0, shown.as_ref().unwrap().pooled.estimate);
        assert_eq!(finding.ratings[2].concern(), Concern::Serious);
        let others = table.iter().filter(|f| !f.shown);
        assert!(others.filter_map(|f| f.finding.as_ref().ok()).all(|f| f.ratings[2].user.is_none()));
        // No trial has public counts for infections overall: the row says so rather than pooling.
        let overall = table.iter().find(|f| f.outcome == "infections_all").unwrap();
        assert_eq!(overall.finding, Err(EngineError::NoStudies));
        assert!(overall.not_reported > 0);
    }
}
