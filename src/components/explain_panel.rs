//! "Explain this number": any number the analysis shows (the summary's numbers are buttons,
//! and a select lists every one, each trial's included), with its formula and the engine's
//! substituted arithmetic (`livemeta_core::report`). The trials it comes from are highlighted
//! in the study table.
use crate::components::choice::Choice;
use crate::state::{pooled_trials, AppState};
use leptos::prelude::*;
use livemeta_core::model::Analysis;
use livemeta_core::report::Quantity;
use livemeta_core::report::{effect, p_value};
use livemeta_core::Measure;
use wasm_bindgen::JsCast;

/// Pooled numbers by the code the select uses.
const POOLED: [(Quantity, &str, &str); 14] = [
    (Quantity::Estimate, "estimate", "Pooled estimate"),
    (Quantity::CiLower, "ci-lower", "Lower CI bound"),
    (Quantity::CiUpper, "ci-upper", "Upper CI bound"),
    (Quantity::Statistic, "statistic", "Test statistic"),
    (Quantity::PValue, "p", "P value"),
    (Quantity::Q, "q", "Cochran's Q"),
    (Quantity::I2, "i2", "I²"),
    (Quantity::H2, "h2", "H²"),
    (Quantity::Tau2, "tau2", "τ²"),
    (Quantity::Tau2Lower, "tau2-lower", "τ² CI, lower"),
    (Quantity::Tau2Upper, "tau2-upper", "τ² CI, upper"),
    (Quantity::KnappHartungFactor, "knha", "Knapp-Hartung factor"),
    (Quantity::PredictionLower, "pi-lower", "Prediction interval, lower"),
    (Quantity::PredictionUpper, "pi-upper", "Prediction interval, upper"),
];

/// Each trial's numbers by the prefix of their code ("weight:TRIAL").
const PER_TRIAL: [(Quantity, &str, &str); 4] = [
    (Quantity::StudyEffect(0), "effect", "estimate"),
    (Quantity::StudyLower(0), "lower", "lower CI"),
    (Quantity::StudyUpper(0), "upper", "upper CI"),
    (Quantity::StudyWeight(0), "weight", "weight"),
];

/// The select lists each trial's numbers for this many trials at most.
const LISTED_TRIALS: usize = 50;

fn code_of(quantity: Quantity, trial: &Option<String>) -> String {
    match trial {
        Some(id) => {
            PER_TRIAL.iter().find(|p| p.0 == quantity.for_study(0)).map_or(String::new(), |p| format!("{}:{id}", p.1))
        }
        None => POOLED.iter().find(|p| p.0 == quantity).map_or(String::new(), |p| p.1.to_string()),
    }
}

fn from_code(code: &str) -> Option<(Quantity, Option<String>)> {
    match code.split_once(':') {
        Some((kind, id)) => PER_TRIAL.iter().find(|p| p.1 == kind).map(|p| (p.0, Some(id.to_string()))),
        None => POOLED.iter().find(|p| p.1 == code).map(|p| (p.0, None)),
    }
}

/// The number as the page writes it.
pub fn shown_text(quantity: Quantity, value: f64, measure: Measure) -> String {
    match quantity {
        Quantity::StudyWeight(_) => format!("{value:.1}%"),
        Quantity::Statistic => format!("{value:.3}"),
        Quantity::PValue => p_value(value),
        Quantity::Q => format!("{value:.2}"),
        Quantity::I2 => format!("{value:.1}%"),
        Quantity::H2 | Quantity::KnappHartungFactor => format!("{value:.3}"),
        Quantity::Tau2 | Quantity::Tau2Lower | Quantity::Tau2Upper => {
            livemeta_core::report::tau2_text(value, measure, 4)
        }
        _ => effect(value, measure),
    }
}

/// Every number the analysis shows, as (code, label with the value) for the select.
fn choices(a: &Analysis, prediction_shown: bool, trial_ids: &[String]) -> Vec<(String, String)> {
    let (p, h, m) = (&a.pooled, &a.heterogeneity, a.measure);
    let pooled_value = |q: Quantity| -> Option<f64> {
        match q {
            Quantity::Estimate => Some(p.estimate),
            Quantity::CiLower => Some(p.ci_lower),
            Quantity::CiUpper => Some(p.ci_upper),
            Quantity::Statistic => Some(p.statistic),
            Quantity::PValue => Some(p.p_value),
            Quantity::Q => Some(h.q),
            Quantity::I2 if a.k >= 2 => h.i2,
            Quantity::H2 if a.k >= 2 => h.h2,
            Quantity::Tau2 if a.model.is_random() => Some(h.tau2),
            Quantity::Tau2Lower => h.tau2_ci.map(|c| c.lower),
            Quantity::Tau2Upper => h.tau2_ci.map(|c| c.upper),
            Quantity::KnappHartungFactor => a.knapp_hartung_factor(),
            Quantity::PredictionLower if prediction_shown => a.prediction.map(|c| c.lower),
            Quantity::PredictionUpper if prediction_shown => a.prediction.map(|c| c.upper),
            _ => None,
        }
    };
    let mut out: Vec<(String, String)> = POOLED
        .iter()
        .filter_map(|&(q, code, label)| {
            pooled_value(q).map(|v| (code.to_string(), format!("{label}: {}", shown_text(q, v, m))))
        })
        .collect();
    for (s, id) in a.studies.iter().zip(trial_ids).take(LISTED_TRIALS) {
        let Some((estimate, lower, upper)) = s.estimate_with_ci() else { continue };
        for (&(q, code, label), value) in
            PER_TRIAL.iter().zip([Some(estimate), Some(lower), Some(upper), s.weight_percent])
        {
            if let Some(v) = value {
                out.push((format!("{code}:{id}"), format!("{}: {label} {}", s.label, shown_text(q, v, m))));
            }
        }
    }
    out
}

/// A number of the summary that opens its explanation when clicked.
#[component]
pub fn ExplainableNumber(
    state: AppState,
    testid: &'static str,
    value: Option<f64>,
    text: String,
    quantity: Quantity,
) -> impl IntoView {
    let data_value = value.map_or(String::new(), |v| format!("{v:e}"));
    view! {
        // Out of the tab order (the keyboard reaches every number through the list below), so
        // the exports stay a few presses from the results.
        <button type="button" class="number-button" tabindex="-1" data-testid=testid data-value=data_value title="How is this number made? Click to see."
            on:click=move |_| state.explained.set(Some((quantity, None)))>{text}</button>
    }
}

#[component]
pub fn ExplainPanel(state: AppState) -> impl IntoView {
    let current =
        Signal::derive(move || state.explained.with(|e| e.as_ref().map_or(String::new(), |(q, t)| code_of(*q, t))));
    // The full list (up to 214 options, each with its value) is built only while the list has
    // the focus: rebuilt on every trial toggle it cost the 200-study toggle several ms.
    let listing = RwSignal::new(false);
    let options = Signal::derive(move || {
        let mut list = vec![("".to_string(), "Choose a number to explain…".to_string())];
        if listing.get() {
            let shown = state.selection.with(|s| s.method.prediction.is_some());
            let ids = state.rows.with(|rows| pooled_trials(rows).0);
            state.analysis.with(|a| list.extend(a.as_ref().map(|a| choices(a, shown, &ids)).unwrap_or_default()));
        } else if let Some(title) = state.explanation.with(|e| e.as_ref().map(|e| e.title.clone())) {
            list.push((current.get(), title));
        }
        list
    });
    let trial_names = move || {
        let ids = state.explained_trials.get();
        state
            .rows
            .with(|rows| rows.iter().filter(|r| ids.contains(&r.trial_id)).map(|r| r.label.clone()).collect::<Vec<_>>())
    };
    let panel = move || {
        let asked = state.explained.with(Option::is_some);
        let measure = state.selection.with(|s| s.method.measure);
        match state.explanation.get() {
            None if asked => Some(view! { <p class="note-inline" data-testid="explain-missing">"That number is not shown by the analysis as it stands now (its trial is off, or the model does not give it)."</p> }.into_any()),
            None => None,
            Some(e) => {
                let quantity = state.explained.with(|q| q.as_ref().map(|q| q.0)).unwrap_or(Quantity::Estimate);
                let shown = shown_text(quantity, e.value, measure);
                // τ² of a risk difference is worked on the proportion scale and shown, as the
                // estimate is, in percentage points: the last step says so.
                let in_points = (measure == Measure::RD && matches!(quantity, Quantity::Tau2 | Quantity::Tau2Lower | Quantity::Tau2Upper))
                    .then(|| format!("in percentage points squared: × 10,000 = {}", shown_text(quantity, e.value, measure)));
                let steps = e.steps.iter().cloned().chain(in_points).enumerate().map(|(i, step)| view! { <li data-testid=format!("explain-step-{i}")>{step}</li> }).collect_view();
                let names = trial_names();
                let from = if names.is_empty() { String::new() } else { format!("From {}: highlighted in the table of trials.", names.join(", ")) };
                Some(view! {
                    <div class="explain-body" data-testid="explain-panel">
                        <h3>{e.title.clone()}</h3>
                        <p class="formula" data-testid="explain-formula">{e.formula.clone()}</p>
                        <ol class="steps">{steps}</ol>
                        <p class="explain-result">"= " <strong data-testid="explain-value" data-value=format!("{:e}", e.value)>{shown}</strong>", the number on screen."</p>
                        <p class="note-inline desk-only" data-testid="explain-inputs">{from}</p>
                        <p class="note-inline" data-testid="explain-reference">{format!("Defined in: {}", e.reference)}</p>
                        <button type="button" data-testid="explain-close" on:click=move |_| state.explained.set(None)>"Close"</button>
                    </div>
                }.into_any())
            }
        }
    };
    view! {
        // Built as the pointer comes near too, so the list is there when it opens on a click.
        <section class="explain" aria-live="polite" aria-label="Explain this number"
            on:focusin=move |_| listing.set(true) on:focusout=move |_| listing.set(false)
            on:pointerenter=move |_| listing.set(true)
            on:pointerleave=move |ev| {
                let inside = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()).zip(window().document().and_then(|d| d.active_element()))
                    .is_some_and(|(section, focused)| section.contains(Some(&focused)));
                if !inside {
                    listing.set(false);
                }
            }>
            <Choice label="Explain this number" testid="explain-select" options=options current=current
                on_pick=move |code| state.explained.set(from_code(&code)) />
            {panel}
        </section>
    }
}
