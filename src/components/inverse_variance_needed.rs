//! What a view that refits an inverse-variance model says under a model that is not one
//! (Mantel-Haenszel, Peto, RevMan 5's random-effects model), with the way forward in one click.
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::{Model, Tau2Method};

/// Whether the model weights each trial by the inverse of its variance (plus τ²): the views
/// that refit the model trial by trial (metafor's `influence`, `gosh`, `blup`, `rma(mods)`,
/// `trimfill`, `regtest`) need one.
pub fn is_inverse_variance(model: Model) -> bool {
    matches!(model, Model::CommonInverseVariance | Model::Random(_))
}

/// The sentence and the button; `what` names the analysis that needs the model ("This view",
/// "Trim-and-fill and the mixed-effects Egger test").
#[component]
pub fn InverseVarianceNeeded(state: AppState, what: &'static str) -> impl IntoView {
    let model = move || state.selection.with(|s| s.method.model.label());
    let use_reml =
        move |_| state.selection.update(|s| state.notice.set(s.method.pick_model(Model::Random(Tau2Method::Reml))));
    view! {
        <div class="inverse-variance-needed" data-testid="iv-needed">
            <p>{move || format!(
                "{what} refits the model trial by trial with inverse-variance weights (each trial weighted by 1 / (its variance + τ²)). The model on screen, {}, weights the trials another way, so it cannot be refitted like that.",
                model()
            )}</p>
            <button type="button" data-testid="iv-use-reml" on:click=use_reml>"Use REML (random effects, inverse variance)"</button>
            <span class="note-inline">" The whole analysis changes to it; Undo brings this model back."</span>
        </div>
    }
}
