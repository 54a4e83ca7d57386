use crate::state::{AppState, Selection, DATASET};
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

/// Outcome, measure and model pickers. Changing the outcome restores that outcome's
/// published method, keeping the trials the user switched off.
#[component]
pub fn AnalysisControls(state: AppState) -> impl IntoView {
    let outcome_options = DATASET
        .outcomes
        .iter()
        .map(|o| view! { <option value=o.id.clone()>{o.label.clone()}</option> })
        .collect_view();
    let dose_options = DATASET
        .regimens()
        .into_iter()
        .map(|(id, _)| view! { <option value=id.clone()>{dose_label(&id)}</option> })
        .collect_view();
    let measure_options = MEASURES
        .iter()
        .map(|m| view! { <option value=m.code()>{m.label()}</option> })
        .collect_view();
    let model_options = models()
        .into_iter()
        .map(|m| view! { <option value=m.code()>{m.label()}</option> })
        .collect_view();
    view! {
        <fieldset class="controls">
            <legend>"Analysis"</legend>
            <label>
                "Outcome"
                <select
                    data-testid="outcome-select"
                    prop:value=move || state.selection.with(|s| s.outcome.clone())
                    on:change=move |ev| {
                        let outcome = event_target_value(&ev);
                        state.selection.update(|s| {
                            let excluded = std::mem::take(&mut s.excluded);
                            *s = Selection { excluded, ..Selection::for_outcome(&outcome) };
                        });
                    }
                >
                    {outcome_options}
                </select>
            </label>
            <label>
                "Dupilumab dose"
                <select
                    data-testid="dose-select"
                    prop:value=move || state.selection.with(|s| s.dose.clone())
                    on:change=move |ev| {
                        let dose = event_target_value(&ev);
                        state.selection.update(|s| s.dose = dose);
                    }
                >
                    <option value="all">"All dupilumab arms combined (as the paper)"</option>
                    {dose_options}
                </select>
            </label>
            <label>
                "Effect measure"
                <select
                    data-testid="measure-select"
                    prop:value=move || state.selection.with(|s| s.measure.code())
                    on:change=move |ev| {
                        if let Some(m) = Measure::from_code(&event_target_value(&ev)) {
                            state.selection.update(|s| s.measure = m);
                        }
                    }
                >
                    {measure_options}
                </select>
            </label>
            <label>
                "Model"
                <select
                    data-testid="model-select"
                    prop:value=move || state.selection.with(|s| s.model.code())
                    on:change=move |ev| {
                        if let Some(m) = Model::from_code(&event_target_value(&ev)) {
                            state.selection.update(|s| s.model = m);
                        }
                    }
                >
                    {model_options}
                </select>
            </label>
        </fieldset>
    }
}
