//! The one place application state lives. Everything on screen derives from these signals
//! through memos; `url_state` mirrors them into the address bar.
use leptos::prelude::*;
use livemeta_core::analysis::{analyze, Analysis, AnalysisOptions, Model};
use livemeta_core::dataset::{trial_rows, Dataset, DoseSelection, TrialRow};
use livemeta_core::{EngineError, Measure};
use std::sync::LazyLock;

pub static DATASET: LazyLock<Dataset> =
    LazyLock::new(|| Dataset::from_json(include_str!("../assets/dupilumab.json")).expect("bundled dataset is valid"));

/// The user's choices: the whole analysis is a function of these.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub outcome: String,
    /// "all" or a treatment arm id such as "d300q2w".
    pub dose: String,
    pub measure: Measure,
    pub model: Model,
    /// Trial ids the user switched off.
    pub excluded: Vec<String>,
}

impl Selection {
    /// Reproduces the published method for the outcome.
    pub fn for_outcome(outcome: &str) -> Selection {
        let o = DATASET.outcome(outcome).unwrap_or(&DATASET.outcomes[0]);
        Selection {
            outcome: o.id.clone(),
            dose: "all".into(),
            measure: Measure::from_code(&o.default_measure).unwrap_or(Measure::RR),
            model: Model::from_code(&o.default_model).unwrap_or(Model::RevManMhRandom),
            excluded: Vec::new(),
        }
    }

    pub fn dose_selection(&self) -> DoseSelection {
        if self.dose == "all" { DoseSelection::AllCombined } else { DoseSelection::Regimen(self.dose.clone()) }
    }

    pub fn options(&self) -> AnalysisOptions {
        let base = match self.model {
            Model::RevManMhRandom => AnalysisOptions::revman_mh_random(self.measure),
            _ => AnalysisOptions { measure: self.measure, ..AnalysisOptions::default() },
        };
        base.with_model(self.model)
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub selection: RwSignal<Selection>,
    pub rows: Memo<Vec<TrialRow>>,
    pub analysis: Memo<Result<Analysis, EngineError>>,
}

impl AppState {
    pub fn new(initial: Selection) -> AppState {
        let selection = RwSignal::new(initial);
        let rows = Memo::new(move |_| {
            selection.with(|s| {
                let outcome = DATASET.outcome(&s.outcome).unwrap_or(&DATASET.outcomes[0]);
                trial_rows(&DATASET, outcome, &s.dose_selection(), &|id| !s.excluded.iter().any(|x| x == id))
            })
        });
        let analysis = Memo::new(move |_| {
            let studies: Vec<_> = rows.with(|rows| rows.iter().filter_map(|r| r.pooled_counts().cloned()).collect());
            analyze(&studies, &selection.with(Selection::options))
        });
        AppState { selection, rows, analysis }
    }

    pub fn toggle_trial(&self, id: &str) {
        self.selection.update(|s| {
            if let Some(pos) = s.excluded.iter().position(|x| x == id) {
                s.excluded.remove(pos);
            } else {
                s.excluded.push(id.to_string());
            }
        });
    }
}
