//! The analysis refitted on part of the studies or under another estimator, as metafor's
//! `leave1out` and `cumul`, and every tau^2 estimator side by side.
use crate::data::StudyCounts;
use crate::model::{analyze, Analysis, AnalysisOptions, Model, Tau2Method};
use crate::EngineError;
use serde::{Serialize, Serializer};

/// The refit without (or up to) one study, labelled by that study.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refit {
    pub label: String,
    #[serde(serialize_with = "analysis_or_reason")]
    pub analysis: Result<Analysis, EngineError>,
}

/// A refit that could not be pooled is written with the reason in words.
fn analysis_or_reason<S: Serializer>(analysis: &Result<Analysis, EngineError>, out: S) -> Result<S::Ok, S::Error> {
    analysis.as_ref().map_err(ToString::to_string).serialize(out)
}

/// Leave-one-out: the analysis refitted once without each study in turn.
#[doc(alias = "leave1out")]
pub fn leave_one_out(studies: &[StudyCounts], options: &AnalysisOptions) -> Vec<Refit> {
    (0..studies.len())
        .map(|i| {
            let rest: Vec<StudyCounts> =
                studies.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, s)| s.clone()).collect();
            Refit { label: studies[i].label.clone(), analysis: analyze(&rest, options) }
        })
        .collect()
}

/// Cumulative meta-analysis: the analysis of the first 1, 2, ..., k studies in the given order.
#[doc(alias = "cumul")]
pub fn cumulative(studies: &[StudyCounts], options: &AnalysisOptions) -> Vec<Refit> {
    (1..=studies.len())
        .map(|n| Refit { label: studies[n - 1].label.clone(), analysis: analyze(&studies[..n], options) })
        .collect()
}

/// The random-effects analysis under every tau^2 estimator (`Tau2Method::COMPARED`), with the
/// measure, zero-cell rule and CI method of `options`; each labelled by metafor's code.
pub fn compare_estimators(studies: &[StudyCounts], options: &AnalysisOptions) -> Vec<Refit> {
    Tau2Method::COMPARED
        .iter()
        .map(|&m| Refit {
            label: m.code().to_string(),
            analysis: analyze(studies, &AnalysisOptions { model: Model::Random(m), ..*options }),
        })
        .collect()
}
