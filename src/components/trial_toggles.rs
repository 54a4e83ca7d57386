use crate::state::{AppState, DATASET};
use leptos::prelude::*;

/// One checkbox per trial; unchecking removes the trial from the pool (it stays in the plot).
#[component]
pub fn TrialToggles(state: AppState) -> impl IntoView {
    let trials = DATASET
        .trials
        .iter()
        .map(|trial| {
            let id = trial.id.clone();
            let checked_id = id.clone();
            let is_on = move || state.selection.with(|s| !s.excluded.contains(&checked_id));
            view! {
                <li>
                    <label>
                        <input
                            type="checkbox"
                            data-testid=format!("trial-toggle-{id}")
                            prop:checked=is_on
                            on:change=move |_| state.toggle_trial(&id)
                        />
                        <span class="trial-label">{trial.label.clone()}</span>
                        <span class="trial-meta">{format!("{} · {} wk · {}", trial.publication, trial.weeks, if trial.background == "tcs" { "with TCS" } else { "monotherapy" })}</span>
                    </label>
                </li>
            }
        })
        .collect_view();
    view! {
        <fieldset class="trials">
            <legend>"Trials"</legend>
            <ul>{trials}</ul>
        </fieldset>
    }
}
