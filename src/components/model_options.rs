use crate::components::choice::{Choice, Toggle};
use crate::link::OFFERED_ADD;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::model::{CiMethod, I2From, PredictionCritical, QCentre};
use livemeta_core::Coded;
use livemeta_core::{CorrectionScope, Measure, Model};

fn q_centre_label(centre: QCentre) -> &'static str {
    match centre {
        QCentre::InverseVariance => "the inverse-variance estimate (metafor)",
        QCentre::MantelHaenszel => "the Mantel-Haenszel estimate (RevMan 5, meta)",
    }
}

fn i2_from_label(from: I2From) -> &'static str {
    match from {
        I2From::Tau2 => "from τ² (metafor)",
        I2From::Q => "from Q (RevMan 5, meta)",
    }
}

/// Knapp-Hartung, prediction interval, model comparison and zero-cell handling.
#[component]
pub fn ModelOptions(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let is_random = move || selection.with(|s| s.method.model.is_random());
    // Neither Peto's method nor the arcsine difference uses the correction.
    let uncorrected =
        move || selection.with(|s| s.method.model == Model::CommonPeto || s.method.measure == Measure::AS);
    // Which tables the correction reaches differs between tools; say which rule is in use.
    let zero_cell_note = move || {
        selection.with(|s| match s.method.model {
            _ if s.method.measure == Measure::AS => "The arcsine difference needs no correction: none is added (as metafor's escalc for AS); the double-zero rule still applies.",
            Model::CommonPeto => "Peto's method needs no correction: it pools the raw counts, and its study rows are (O − E)/V from raw counts (RevMan).",
            Model::CommonMantelHaenszel | Model::RevManMhRandom => {
                "Mantel-Haenszel pools the same corrected tables as the study rows (RevMan 5, R meta). metafor's rma.mh pools raw counts: choose \"none\" for that."
            }
            _ => "The correction applies to each study's estimate, as metafor's escalc does.",
        })
    };
    let prediction_code = move || selection.with(|s| s.method.prediction.map_or("off", PredictionCritical::code));
    // Said beside the control, not only in the results: an interval asked for and not drawn.
    let prediction_note = move || {
        let asked = selection.with(|s| s.method.prediction.is_some());
        let drawn = state.analysis.with(|a| a.as_ref().map(|a| a.prediction.is_some()).unwrap_or(true));
        (asked && !drawn).then(|| {
            if is_random() {
                "Not drawn: with t on k − 2 df it needs at least 3 pooled trials."
            } else {
                "Not drawn: a common-effect model has no between-trial spread to predict."
            }
        })
    };
    // The models that fix the heterogeneity rules say which rules they use.
    let heterogeneity_rule_note = move || {
        selection.with(|s| match s.method.model {
            Model::RevManMhRandom => {
                "RevMan 5's model: Q around the Mantel-Haenszel estimate, DerSimonian-Laird τ² from that Q, I² from Q."
            }
            _ => "Common-effect models: I² from Q, (Q − df)/Q.",
        })
    };
    view! {
        <fieldset class="controls options">
            <legend>"Options"</legend>
            <Toggle label="Knapp-Hartung adjustment" testid="knha-toggle"
                checked=Signal::derive(move || selection.with(|s| s.method.options().ci_method != CiMethod::Wald))
                disabled=Signal::derive(move || !is_random())
                on_toggle=move |on| selection.update(|s| s.method.ci_method = if on { CiMethod::KnappHartung } else { CiMethod::Wald }) />
            <Show when=move || selection.with(|s| s.method.options().ci_method != CiMethod::Wald)>
                <Toggle label="never narrower than Wald (modified; metafor test = \"adhoc\")" testid="knha-adhoc-toggle"
                    checked=Signal::derive(move || selection.with(|s| s.method.ci_method == CiMethod::KnappHartungAdhoc))
                    on_toggle=move |on| selection.update(|s| s.method.ci_method = if on { CiMethod::KnappHartungAdhoc } else { CiMethod::KnappHartung }) />
            </Show>
            <Show when=move || !is_random()>
                <p class="note" data-testid="knha-note">"Knapp-Hartung applies to random-effects models only."</p>
            </Show>
            <Choice label="Prediction interval" testid="prediction-select"
                options=vec![
                    ("off".into(), "Off".into()),
                    ("z".into(), "On: z (metafor default)".into()),
                    ("t2".into(), "On: t, k-2 df (Cochrane Handbook)".into()),
                    ("t1".into(), "On: t, k-1 df (meta >= 8)".into()),
                ]
                current=Signal::derive(move || prediction_code().to_string())
                on_pick=move |code| selection.update(|s| s.method.prediction = PredictionCritical::from_code(&code)) />
            <p class="note" data-testid="prediction-note">{prediction_note}</p>
            <Show when=move || selection.with(|s| matches!(s.method.model, Model::Random(_)))
                fallback=move || view! { <p class="note" data-testid="heterogeneity-rule-note">{heterogeneity_rule_note}</p> }>
                <Choice label="Cochran's Q around" testid="q-centre-select"
                    options={QCentre::ALL.iter().map(|c| (c.code().to_string(), q_centre_label(*c).to_string())).collect::<Vec<_>>()}
                    current=Signal::derive(move || selection.with(|s| s.method.q_centre.code().to_string()))
                    on_pick=move |code| { if let Some(c) = QCentre::from_code(&code) { selection.update(|s| s.method.q_centre = c) } } />
                <Choice label="I² and H²" testid="i2-from-select"
                    options={I2From::ALL.iter().map(|c| (c.code().to_string(), i2_from_label(*c).to_string())).collect::<Vec<_>>()}
                    current=Signal::derive(move || selection.with(|s| s.method.i2_from.code().to_string()))
                    on_pick=move |code| { if let Some(c) = I2From::from_code(&code) { selection.update(|s| s.method.i2_from = c) } } />
            </Show>
            <Toggle label="Show the other model's diamond too" testid="compare-toggle"
                checked=Signal::derive(move || selection.with(|s| s.views.compare_models))
                on_toggle=move |on| selection.update(|s| s.views.compare_models = on) />
            <Choice label="Zero cells: add" testid="zero-add-select" disabled=Signal::derive(uncorrected)
                options={OFFERED_ADD.iter().map(|a| (a.to_string(), a.to_string())).collect::<Vec<_>>()}
                current=Signal::derive(move || selection.with(|s| format!("{}", s.method.zero_cells.add)))
                on_pick=move |add| { if let Ok(add) = add.parse::<f64>() { selection.update(|s| s.method.zero_cells.add = add) } } />
            <Choice label="Zero cells: add the correction to" testid="zero-scope-select" disabled=Signal::derive(uncorrected)
                options=vec![
                    ("only0".into(), "tables with a zero cell (metafor)".into()),
                    ("all".into(), "all tables".into()),
                    ("if0all".into(), "all tables, if any has a zero".into()),
                    ("none".into(), "none".into()),
                ]
                current=Signal::derive(move || selection.with(|s| s.method.zero_cells.scope.code().to_string()))
                on_pick=move |code| { if let Some(scope) = CorrectionScope::from_code(&code) { selection.update(|s| s.method.zero_cells.scope = scope) } } />
            <Toggle label="Leave out trials with no events in either arm" testid="drop00-toggle"
                checked=Signal::derive(move || selection.with(|s| s.method.zero_cells.drop_double_zero))
                disabled=Signal::derive(uncorrected)
                on_toggle=move |on| selection.update(|s| s.method.zero_cells.drop_double_zero = on) />
            <p class="note" data-testid="zero-cell-note">{zero_cell_note}</p>
        </fieldset>
    }
}
