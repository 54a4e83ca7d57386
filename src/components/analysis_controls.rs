use crate::components::choice::Choice;
use crate::state::{AppState, DataSource, Selection, DATASET};
use leptos::prelude::*;
use livemeta_core::dataset::dose_label;
use livemeta_core::{Measure, Model, Tau2Method};

const MEASURES: [Measure; 4] = [Measure::RR, Measure::OR, Measure::RD, Measure::PetoOR];

fn models() -> Vec<Model> {
    let mut all = vec![Model::RevManMhRandom];
    all.extend(Tau2Method::ALL.into_iter().map(Model::Random));
    all.extend([Model::CommonMantelHaenszel, Model::CommonInverseVariance, Model::CommonPeto]);
    all
}

/// Outcome, dose, measure and model pickers. Changing the outcome restores that outcome's
/// published method, keeping the trials the user switched off.
#[component]
pub fn AnalysisControls(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let outcomes = DATASET.outcomes.iter().map(|o| (o.id.clone(), o.label.clone())).collect();
    let mut doses = vec![("all".to_string(), "All dupilumab arms combined (as the paper)".to_string())];
    doses.extend(DATASET.regimens().into_iter().map(|(id, _)| (id.clone(), dose_label(&id))));
    let measures = MEASURES.iter().map(|m| (m.code().to_string(), m.label().to_string())).collect();
    let model_options = models().into_iter().map(|m| (m.code().to_string(), m.label())).collect();
    let imported = Signal::derive(move || state.source.with(|s| !matches!(s, DataSource::Bundled)));
    view! {
        <fieldset class="controls">
            <legend>"Analysis"</legend>
            <Choice
                label="Outcome"
                testid="outcome-select"
                options=outcomes
                disabled=imported
                current=Signal::derive(move || selection.with(|s| s.outcome.clone()))
                on_pick=move |outcome| {
                    state.notice.set(None);
                    selection.update(|s| {
                        let (excluded, entered) = (std::mem::take(&mut s.excluded), std::mem::take(&mut s.entered));
                        *s = Selection { excluded, entered, use_entered: s.use_entered, presenter: s.presenter, compare_models: s.compare_models, ..Selection::for_outcome(&outcome) };
                    })
                }
            />
            <Choice
                label="Dupilumab dose"
                testid="dose-select"
                options=doses
                disabled=imported
                current=Signal::derive(move || selection.with(|s| s.dose.clone()))
                on_pick=move |dose| selection.update(|s| s.dose = dose)
            />
            <Show when=move || imported.get()>
                <p class="note" data-testid="imported-note">"Outcome and dose belong to the bundled dupilumab trials; your data is analysed as you gave it."</p>
            </Show>
            <Choice
                label="Effect measure"
                testid="measure-select"
                options=measures
                current=Signal::derive(move || selection.with(|s| s.measure.code().to_string()))
                on_pick=move |code| {
                    if let Some(m) = Measure::from_code(&code) {
                        selection.update(|s| state.notice.set(s.pick_measure(m)))
                    }
                }
            />
            <Choice
                label="Model"
                testid="model-select"
                options=model_options
                current=Signal::derive(move || selection.with(|s| s.model.code().to_string()))
                on_pick=move |code| {
                    if let Some(m) = Model::from_code(&code) {
                        selection.update(|s| state.notice.set(s.pick_model(m)))
                    }
                }
            />
            <p class="notice" role="status" data-testid="control-notice">{move || state.notice.get()}</p>
        </fieldset>
    }
}
