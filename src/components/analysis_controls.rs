use crate::components::choice::Choice;
use crate::state::{AppState, DataSource, BUNDLED};
use leptos::prelude::*;
use livemeta_core::data::DoseSelection;
use livemeta_core::Coded;
use livemeta_core::{Measure, Model, Tau2Method};

fn models() -> Vec<Model> {
    let mut all = vec![Model::RevManMhRandom];
    all.extend(Tau2Method::ALL.iter().copied().map(Model::Random));
    all.extend([Model::CommonMantelHaenszel, Model::CommonInverseVariance, Model::CommonPeto]);
    all
}

/// Outcome, dose, measure and model pickers. Changing the outcome restores that outcome's
/// published method, keeping the trials the user switched off.
#[component]
pub fn AnalysisControls(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let outcomes = Signal::derive(move || {
        state.dataset().outcomes.iter().map(|o| (o.id.clone(), o.label.clone())).collect::<Vec<_>>()
    });
    // Several treatment regimens can be pooled together or compared one at a time.
    let doses = Signal::derive(move || {
        state.doses().into_iter().map(|(dose, label)| (dose.code().to_string(), label)).collect::<Vec<_>>()
    });
    let dose_label_text = Signal::derive(move || format!("{} dose", state.dataset().treatment_label));
    let definitions = Signal::derive(move || state.definitions());
    let measures = Measure::ALL.iter().map(|m| (m.code().to_string(), m.label().to_string())).collect::<Vec<_>>();
    let model_options = models().into_iter().map(|m| (m.code().to_string(), m.label())).collect::<Vec<_>>();
    // The bundled sets by id, then each of the user's sets by slot ("yours-2").
    let datasets = Signal::derive(move || {
        let mut all: Vec<(String, String)> = BUNDLED.iter().map(|d| (d.id.clone(), d.title.clone())).collect();
        state.user_data.with(|sets| {
            all.extend(
                sets.iter()
                    .map(|s| (format!("yours-{}", s.slot), format!("Your data {}: {}", s.slot, s.dataset.title))),
            )
        });
        all
    });
    let current_dataset = Signal::derive(move || {
        state.source.with(|s| if s.is_bundled() { s.dataset.id.clone() } else { format!("yours-{}", s.slot) })
    });
    view! {
        <fieldset class="controls">
            <legend>"Analysis"</legend>
            <Choice
                label="Data"
                testid="dataset-select"
                options=datasets
                current=current_dataset
                on_pick=move |id| {
                    let slot = id.strip_prefix("yours-").and_then(|n| n.parse::<u32>().ok());
                    let source = match slot {
                        Some(slot) => state.user_data.with_untracked(|sets| sets.iter().find(|s| s.slot == slot).cloned()),
                        None => DataSource::bundled(&id),
                    };
                    if let Some(source) = source {
                        state.notice.set(None);
                        state.switch_data(source);
                    }
                }
            />
            <Choice
                label="Outcome"
                testid="outcome-select"
                options=outcomes
                disabled=Signal::derive(move || outcomes.with(|o| o.len() < 2))
                current=Signal::derive(move || selection.with(|s| s.scope.outcome.clone()))
                on_pick=move |outcome| selection.update(|s| state.notice.set(s.switch_outcome(&state.dataset(), &outcome)))
            />
            <Show when=move || doses.with(|d| d.len() > 2)>
                <Choice
                    label=dose_label_text
                    testid="dose-select"
                    options=doses
                    current=Signal::derive(move || selection.with(|s| s.scope.dose.code().to_string()))
                    on_pick=move |dose| selection.update(|s| s.scope.dose = DoseSelection::from_code(&dose))
                />
            </Show>
            // Where trials report the outcome in more than one way, the reader picks which.
            <Show when=move || definitions.with(|d| d.len() > 1)>
                <Choice
                    label="Outcome definition"
                    testid="definition-select"
                    options=Signal::derive(move || {
                        let mut options = vec![(String::new(), "Each trial's first, in the dataset's order".to_string())];
                        options.extend(definitions.get());
                        options
                    })
                    current=Signal::derive(move || selection.with(|s| s.scope.definition.clone().unwrap_or_default()))
                    on_pick=move |d: String| state.pick_definition((!d.is_empty()).then_some(d))
                />
            </Show>
            <Choice
                label="Effect measure"
                testid="measure-select"
                options=measures
                current=Signal::derive(move || selection.with(|s| s.method.measure.code().to_string()))
                on_pick=move |code| {
                    if let Some(m) = Measure::from_code(&code) {
                        selection.update(|s| state.notice.set(s.method.pick_measure(m)))
                    }
                }
            />
            <Choice
                label="Model"
                testid="model-select"
                options=model_options
                current=Signal::derive(move || selection.with(|s| s.method.model.code().to_string()))
                on_pick=move |code| {
                    if let Some(m) = Model::from_code(&code) {
                        selection.update(|s| state.notice.set(s.method.pick_model(m)))
                    }
                }
            />
            <p class="notice" role="status" data-testid="control-notice">{move || state.notice.get()}</p>
        </fieldset>
    }
}
