//! A threshold of clinical importance: the user gives it on the effect measure or per 1,000,
//! and the page states how likely the mean effect, and a new trial's, lie beyond it.
use crate::components::choice::Choice;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::interpret::{beyond, Threshold};
use livemeta_core::report::{effect, measure_heading};
use livemeta_core::Measure;

/// The threshold on the analysis's measure, at the control risk the absolute effect uses.
pub fn threshold_on_measure(state: AppState) -> Option<f64> {
    let threshold = state.selection.with(|s| s.views.threshold)?;
    let measure = state.analysis.with(|a| a.as_ref().ok().map(|a| a.measure))?;
    threshold.on_measure(measure, state.control_risk.get())
}

/// "87%", or "> 99.9%" and "< 0.1%" at the ends, where whole percents would say 100 or 0.
pub fn percent(p: f64) -> String {
    match p {
        p if p > 0.999 => "> 99.9%".into(),
        p if p < 0.001 => "< 0.1%".into(),
        p => format!("{:.0}%", p * 100.0),
    }
}

#[component]
pub fn ClinicalThreshold(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let kind = Memo::new(move |_| match selection.with(|s| s.views.threshold) {
        None => "none",
        Some(Threshold::Effect(_)) => "effect",
        Some(Threshold::PerThousand(_)) => "per1000",
    });
    let problem = RwSignal::new(None::<String>);
    let result = Memo::new(move |_| {
        let at = threshold_on_measure(state)?;
        let options = selection.with(|s| s.method.options());
        state.analysis.with(|a| a.as_ref().ok().and_then(|a| beyond(a, &options, at).map(|b| (b, a.measure))))
    });
    let options = Signal::derive(move || {
        let heading = selection.with(|s| measure_heading(s.method.measure));
        vec![
            ("none".to_string(), "none".to_string()),
            ("effect".to_string(), format!("as {heading}")),
            ("per1000".to_string(), "as a difference per 1,000".to_string()),
        ]
    });
    let on_pick = move |code: String| {
        problem.set(None);
        selection.update(|s| {
            s.views.threshold = match code.as_str() {
                // A new threshold starts where such thresholds often are, for the user to change.
                "effect" if s.method.measure.is_ratio() => Some(Threshold::Effect(0.8)),
                "effect" => Some(Threshold::Effect(-0.02)),
                "per1000" => Some(Threshold::PerThousand(-20.0)),
                _ => None,
            }
        });
    };
    // A risk difference is typed in percentage points, as the page shows it.
    let typed_scale = move || if selection.with(|s| s.method.measure) == Measure::RD { 100.0 } else { 1.0 };
    let value_text = move || match selection.with(|s| s.views.threshold) {
        Some(Threshold::Effect(v)) => (v * typed_scale()).to_string(),
        Some(Threshold::PerThousand(v)) => v.to_string(),
        None => String::new(),
    };
    let on_typed = move |ev: web_sys::Event| {
        let text = event_target_value(&ev);
        let value = text.trim().replace(',', ".").replace('−', "-").parse::<f64>().ok().filter(|v| v.is_finite());
        let measure = selection.with(|s| s.method.measure);
        let threshold = value.map(|v| match kind.get_untracked() {
            "per1000" => Threshold::PerThousand(v),
            _ => Threshold::Effect(v / typed_scale()),
        });
        match threshold.filter(|t| !matches!(t, Threshold::Effect(v) if measure.is_ratio() && *v <= 0.0)) {
            Some(t) => {
                problem.set(None);
                selection.update(|s| s.views.threshold = Some(t));
            }
            None => problem.set(Some(format!(
                "Clinically important effect: \"{}\" is not {}; the previous threshold is kept.",
                text.trim(),
                if measure.is_ratio() && kind.get_untracked() == "effect" { "a ratio above 0" } else { "a number" }
            ))),
        }
    };
    let sentence = move || {
        match result.get() {
        Some((b, measure)) => {
            let side = if b.below { "below" } else { "above" };
            let shown = format!("{} {}", measure_heading(measure), effect(b.threshold, measure));
            let new_trial = b.new_trial.map_or(String::new(), |p| {
                format!("; that a new trial's true effect lies {side} it, {} (from the prediction distribution)", percent(p))
            });
            format!(
                "Probability that the mean effect lies {side} the clinically important {shown}: {} (from the pooled estimate's distribution){new_trial}.",
                percent(b.mean)
            )
        }
        None if kind.get() == "none" => String::new(),
        None => "This threshold has no value on the measure in use (no effect itself, or a risk outside 0 to 1,000 per 1,000).".into(),
    }
    };
    let data_value = move || {
        result.get().map_or(String::new(), |(b, _)| {
            format!("{:e},{:e},{}", b.threshold, b.mean, b.new_trial.map_or(String::new(), |p| format!("{p:e}")))
        })
    };
    view! {
        <Show when=move || !state.pooled_hidden() && state.analysis.with(Result::is_ok)>
            <div class="controls threshold-controls">
                <Choice label="Clinically important effect " testid="threshold-select" options=options current=Signal::derive(move || kind.get().to_string()) on_pick=on_pick />
                <Show when=move || kind.get() != "none">
                    <input type="text" inputmode="decimal" size="6" data-testid="threshold-input" aria-label="Clinically important effect"
                        prop:value=value_text aria-invalid=move || problem.with(Option::is_some).to_string() on:change=on_typed />
                </Show>
            </div>
            <Show when=move || problem.with(Option::is_some)>
                <p class="import-errors" role="alert" data-testid="threshold-error">{move || problem.get()}</p>
            </Show>
            <p class="threshold" data-testid="threshold-probability" data-value=data_value>{sentence}</p>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn probabilities_in_percent() {
        assert_eq!(percent(0.874), "87%");
        assert_eq!(percent(0.9996), "> 99.9%");
        assert_eq!(percent(0.0004), "< 0.1%");
    }
}
