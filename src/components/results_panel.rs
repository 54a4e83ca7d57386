use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::analysis::Analysis;

fn fmt(v: f64, digits: usize) -> String {
    if v.is_finite() { format!("{v:.digits$}") } else { "n/a".into() }
}

fn p_text(p: f64) -> String {
    if p < 0.0001 { "< 0.0001".into() } else { fmt(p, 4) }
}

/// Every number the engine gives, each with one plain-language line.
pub fn result_lines(a: &Analysis, show_prediction: bool) -> Vec<(&'static str, String, String)> {
    let m = a.measure.label();
    let p = &a.pooled;
    let h = &a.heterogeneity;
    let null = if a.measure.is_ratio() { "1 (no difference)" } else { "0 (no difference)" };
    let mut lines = vec![
        ("estimate", format!("{m} {} (95% CI {} to {})", fmt(p.estimate, 3), fmt(p.ci_lower, 3), fmt(p.ci_upper, 3)),
         format!("The pooled {m}; the interval holds the values compatible with the data at the 95% level.")),
        ("test", format!("{} = {}{}, P = {}", if p.df.is_some() { "t" } else { "z" }, fmt(p.statistic, 3),
                         p.df.map_or(String::new(), |df| format!(" (df = {df})")), p_text(p.p_value)),
         format!("How surprising this result would be if the true {m} were {null}.")),
        ("k", format!("{} {} pooled", a.k, if a.k == 1 { "trial" } else { "trials" }), "Trials that reported the outcome, are switched on and could be estimated.".into()),
        ("q", format!("Q = {} (df = {}), P = {}", fmt(h.q, 3), h.df, h.p_value.map_or("n/a".into(), p_text)),
         "Cochran's Q: do the trials disagree more than chance alone would make them? A small P says yes; with few trials the test has little power.".into()),
    ];
    if let Some(i2) = h.i2 {
        let ci = h.i2_ci.map_or(String::new(), |c| format!(" (95% CI {}% to {}%)", fmt(c.lower, 0), fmt(c.upper, 0)));
        lines.push(("i2", format!("I² = {}%{ci}", fmt(i2, 1)),
                    format!("About {}% of the spread between trials is beyond what chance would produce.", fmt(i2, 0))));
    }
    if let Some(h2) = h.h2 {
        lines.push(("h2", format!("H² = {}", fmt(h2, 3)), "Total spread relative to chance spread; 1 means no excess variation.".into()));
    }
    let tau2_ci = h.tau2_ci.map_or(String::new(), |c| format!(" (95% CI {} to {})", fmt(c.lower, 4), fmt(c.upper, 4)));
    lines.push(("tau2", format!("τ² = {}{tau2_ci}, τ = {}", fmt(h.tau2, 4), fmt(h.tau, 4)),
                if a.measure.is_ratio() {
                    "Between-trial variance of the true log effects; τ is their standard deviation on the log scale.".into()
                } else {
                    "Between-trial variance of the true risk differences; τ is their standard deviation.".into()
                }));
    match (show_prediction, a.prediction) {
        (true, Some(pi)) => lines.push(("prediction", format!("Prediction interval {} to {}", fmt(pi.lower, 3), fmt(pi.upper, 3)),
                                        format!("Where the true {m} of a new, similar trial would be expected to lie."))),
        (true, None) => lines.push(("prediction", "Prediction interval: not defined here".into(),
                                    if a.model.is_random() {
                                        "With t on k − 2 degrees of freedom it needs at least 3 pooled trials.".into()
                                    } else {
                                        "A common-effect model assumes every trial has the same true effect, so there is no between-trial spread to predict. Choose a random-effects model.".into()
                                    })),
        _ => {}
    }
    lines
}

#[component]
pub fn ResultsPanel(state: AppState) -> impl IntoView {
    let items = move || {
        let show_prediction = state.selection.with(|s| s.prediction.is_some());
        state.analysis.with(|a| match a {
            Ok(a) => result_lines(a, show_prediction)
                .into_iter()
                .map(|(id, value, explanation)| view! {
                    <li data-testid=format!("result-{id}")>
                        <span class="value">{value}</span>
                        <span class="explain">{explanation}</span>
                    </li>
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <li>{format!("No results: {e}")}</li> }.into_any(),
        })
    };
    view! {
        <details class="results-panel" open>
            <summary>"All results, explained"</summary>
            <ul>{items}</ul>
        </details>
    }
}
