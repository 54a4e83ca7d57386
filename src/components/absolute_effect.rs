//! The pooled result per 1,000 patients, at a control risk the user chooses, with the number
//! needed to treat and the caveats on reading one control risk for every trial.
use crate::components::choice::Choice;
use crate::state::{pooled_trials, AppState};
use leptos::prelude::*;
use livemeta_core::interpret::{control_risk_range, ControlRisk};
use livemeta_core::report::{absolute_sentence, control_risk_spread, follow_up_spread, per_thousand};
use livemeta_core::Measure;

/// The risk a control-risk box shows: per 1,000, as the sentence gives it.
fn typed_risk(text: &str) -> Option<f64> {
    let risk = text.trim().replace(',', ".").parse::<f64>().ok()? / 1000.0;
    (risk > 0.0 && risk < 1.0).then_some(risk)
}

#[component]
pub fn AbsoluteEffectLine(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let source = Memo::new(move |_| selection.with(|s| s.views.control_risk));
    // The pooled trials' ids and tables, for the caveats.
    let pooled = Memo::new(move |_| state.rows.with(|rows| pooled_trials(rows)));
    let effect = state.absolute;
    let caveats = Memo::new(move |_| {
        let dataset = state.dataset();
        pooled.with(|(ids, studies)| {
            let weeks: Vec<u32> = ids.iter().filter_map(|id| dataset.trial(id).and_then(|t| t.weeks)).collect();
            [control_risk_spread(control_risk_range(studies)), follow_up_spread(&weeks)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
        })
    });
    let problem = RwSignal::new(None::<String>);
    let measure = move || state.analysis.with(|a| a.as_ref().ok().map(|a| a.measure));
    let sentence = move || {
        let treatment = state.dataset().treatment_label.clone();
        match (effect.get(), measure()) {
            (Some(e), _) => absolute_sentence(&e, source.get().label(), &treatment),
            (None, Some(Measure::AS)) => {
                "The arcsine difference has no scale per 1,000 patients; choose RR, OR or RD for the absolute effect."
                    .into()
            }
            (None, _) => "No absolute effect: no pooled trial has a control arm with participants.".into(),
        }
    };
    let data_value = move || {
        effect.get().map_or(String::new(), |e| {
            format!("{:e},{:e},{:e},{:e}", e.control_risk, e.risk, e.risk_lower, e.risk_upper)
        })
    };
    let on_typed = move |ev: web_sys::Event| {
        let text = event_target_value(&ev);
        match typed_risk(&text) {
            Some(risk) => {
                problem.set(None);
                selection.update(|s| s.views.control_risk = ControlRisk::Assumed(risk));
            }
            None => problem.set(Some(format!(
                "Control risk: \"{}\" is not a number of patients per 1,000 above 0 and below 1,000; the absolute effect keeps the previous risk.",
                text.trim()
            ))),
        }
    };
    let options = vec![
        ("pooled".to_string(), "pooled control-arm risk".to_string()),
        ("median".to_string(), "median control-arm risk".to_string()),
        ("assumed".to_string(), "a risk I type".to_string()),
    ];
    let current = Signal::derive(move || match source.get() {
        ControlRisk::Assumed(_) => "assumed".to_string(),
        other => other.code(),
    });
    let on_pick = move |code: String| {
        problem.set(None);
        let picked = match code.as_str() {
            // A typed risk starts from the risk now on screen, so nothing jumps.
            "assumed" => effect.get_untracked().map(|e| ControlRisk::Assumed(e.control_risk)),
            other => ControlRisk::from_code(other),
        };
        if let Some(risk) = picked {
            selection.update(|s| s.views.control_risk = risk);
        }
    };
    view! {
        <Show when=move || !state.pooled_hidden() && state.analysis.with(Result::is_ok)>
            <div class="absolute-effect">
                <p class="absolute" data-testid="absolute-effect" data-value=data_value aria-live="polite">{sentence}</p>
                <div class="controls absolute-controls">
                    <Choice label="Control risk " testid="control-risk-select" options=options.clone() current=current on_pick=on_pick />
                    <Show when=move || matches!(source.get(), ControlRisk::Assumed(_))>
                        <label>"per 1,000 "
                            <input type="text" inputmode="decimal" size="6" data-testid="control-risk-input"
                                prop:value=move || match source.get() { ControlRisk::Assumed(r) => per_thousand(r), _ => String::new() }
                                aria-invalid=move || problem.with(Option::is_some).to_string()
                                on:change=on_typed />
                        </label>
                    </Show>
                </div>
                <Show when=move || problem.with(Option::is_some)>
                    <p class="import-errors" role="alert" data-testid="control-risk-error">{move || problem.get()}</p>
                </Show>
                <For each=move || caveats.get() key=|c| c.clone() let:caveat>
                    <p class="warning" data-testid="absolute-caveat">{caveat}</p>
                </For>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::typed_risk;

    #[test]
    fn a_typed_risk_is_per_thousand() {
        assert_eq!(typed_risk("50"), Some(0.05));
        assert_eq!(typed_risk(" 2,5 "), Some(0.0025));
        assert_eq!(typed_risk("0"), None);
        assert_eq!(typed_risk("1000"), None);
        assert_eq!(typed_risk("many"), None);
    }
}
