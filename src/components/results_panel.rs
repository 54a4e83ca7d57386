use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::likelihood::{mu_profile_interval, tau2_profile_interval};
use livemeta_core::model::{Analysis, Model};
use livemeta_core::report::Quantity;
use livemeta_core::report::{effect, effect_with_ci, measure_heading, p_value, tau2_text, tau_text};
use livemeta_core::Measure;
use livemeta_core::Tau2Method;

fn fmt(v: f64, digits: usize) -> String {
    if v.is_finite() {
        format!("{v:.digits$}")
    } else {
        "n/a".into()
    }
}

/// Every number the engine gives, each with one plain-language line.
pub fn result_lines(a: &Analysis, show_prediction: bool) -> Vec<(&'static str, String, String)> {
    let m = measure_heading(a.measure);
    let p = &a.pooled;
    let null = if a.measure.is_ratio() { "1 (no difference)" } else { "0 (no difference)" };
    let mut lines = vec![
        (
            "estimate",
            format!(
                "{m} {}",
                effect_with_ci(p.estimate, p.ci_lower, p.ci_upper, a.measure).replacen(" (", " (95% CI ", 1)
            ),
            format!("The pooled {m}; the interval holds the values compatible with the data at the 95% level."),
        ),
        (
            "test",
            format!(
                "{} = {}{}, {}",
                if p.df.is_some() { "t" } else { "z" },
                fmt(p.statistic, 3),
                p.df.map_or(String::new(), |df| format!(" (df = {df})")),
                p_value(p.p_value)
            ),
            format!("How surprising this result would be if the true {m} were {null}."),
        ),
        (
            "k",
            format!("{} {} pooled", a.k, if a.k == 1 { "trial" } else { "trials" }),
            "Trials that reported the outcome, are switched on and could be estimated.".into(),
        ),
    ];
    if let Some(factor) = a.knapp_hartung_factor() {
        lines.push(("knha", format!("Knapp-Hartung factor q = {}", fmt(factor, 3)),
                    "How much more (q > 1) or less (q < 1) the trials scatter around the pooled estimate than their own variances predict; the CI's width is scaled by √q and uses t.".into()));
    }
    if a.k < 2 {
        lines.push((
            "q",
            "Q, I², H²: not informative with one trial".into(),
            "Heterogeneity compares trials with each other; one trial has nothing to be compared with.".into(),
        ));
    } else {
        heterogeneity_lines(&mut lines, a);
    }
    match (show_prediction, a.prediction) {
        (true, Some(pi)) => lines.push(("prediction", format!("Prediction interval {} to {}", effect(pi.lower, a.measure), effect(pi.upper, a.measure)),
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

/// Q, I², H² and τ², each with its reading.
fn heterogeneity_lines(lines: &mut Vec<(&'static str, String, String)>, a: &Analysis) {
    let h = &a.heterogeneity;
    lines.push(("q", format!("Q = {} (df = {}), {}", fmt(h.q, 3), h.df, h.p_value.map_or("P not available".into(), p_value)),
         "Cochran's Q: do the trials disagree more than chance alone would make them? A small P says yes; with few trials the test has little power.".into()));
    if let Some(i2) = h.i2 {
        let ci = h.i2_ci.map_or(String::new(), |c| format!(" (95% CI {}% to {}%)", fmt(c.lower, 0), fmt(c.upper, 0)));
        lines.push((
            "i2",
            format!("I² = {}%{ci}", fmt(i2, 1)),
            format!("About {}% of the spread between trials is beyond what chance would produce.", fmt(i2, 0)),
        ));
    }
    if let Some(h2) = h.h2 {
        lines.push((
            "h2",
            format!("H² = {}", fmt(h2, 3)),
            "Total spread relative to chance spread; 1 means no excess variation.".into(),
        ));
    }
    let m = a.measure;
    let tau2_ci = h
        .tau2_ci
        .map_or(String::new(), |c| format!(" (95% CI {} to {})", tau2_text(c.lower, m, 4), tau2_text(c.upper, m, 4)));
    lines.push(("tau2", format!("τ² = {}{tau2_ci}, τ = {}", tau2_text(h.tau2, m, 4), tau_text(h.tau, m, 4)),
                match m {
                    _ if m.is_ratio() => "Between-trial variance of the true log effects; τ is their standard deviation on the log scale.".into(),
                    Measure::RD => "Between-trial variance of the true risk differences, in percentage points squared (pp²) like the estimate; τ is their standard deviation in percentage points.".into(),
                    _ => "Between-trial variance of the true effects; τ is their standard deviation.".into(),
                }));
    profile_likelihood_lines(lines, a);
}

/// For likelihood fits (ML, REML), the intervals the likelihood itself gives: for τ², and for
/// the pooled effect under ML (REML's restricted likelihood has no mu to profile).
fn profile_likelihood_lines(lines: &mut Vec<(&'static str, String, String)>, a: &Analysis) {
    let restricted = match a.model {
        Model::Random(Tau2Method::Reml) => true,
        Model::Random(Tau2Method::MaximumLikelihood) => false,
        _ => return,
    };
    let (y, v): (Vec<f64>, Vec<f64>) = a.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    if let Ok(ci) = tau2_profile_interval(&y, &v, restricted, 0.95) {
        lines.push(("tau2-pl", format!("τ² 95% CI by profile likelihood: {} to {}", tau2_text(ci.lower, a.measure, 4), tau2_text(ci.upper, a.measure, 4)),
                    format!("The τ² values the {}likelihood does not reject (metafor's confint(type = \"PL\")); the interval above is the Q-profile one.", if restricted { "restricted " } else { "" })));
    }
    if !restricted {
        if let Ok(ci) = mu_profile_interval(&y, &v, 0.95) {
            let back = |x: f64| a.measure.to_display(x);
            lines.push(("estimate-pl", format!("{} 95% CI by profile likelihood: {} to {}", measure_heading(a.measure), effect(back(ci.lower), a.measure), effect(back(ci.upper), a.measure)),
                        "The pooled values the likelihood does not reject, τ² refitted at each; wider than the Wald interval when τ² is uncertain.".into()));
        }
    }
}

/// The number a result line shows first, which "How?" explains.
fn explained_by(line: &str) -> Option<Quantity> {
    Some(match line {
        "estimate" => Quantity::Estimate,
        "test" => Quantity::Statistic,
        "knha" => Quantity::KnappHartungFactor,
        "q" => Quantity::Q,
        "i2" => Quantity::I2,
        "h2" => Quantity::H2,
        "tau2" => Quantity::Tau2,
        "prediction" => Quantity::PredictionLower,
        _ => return None,
    })
}

#[component]
pub fn ResultsPanel(state: AppState) -> impl IntoView {
    let items = move || {
        let show_prediction = state.selection.with(|s| s.method.prediction.is_some());
        state.analysis.with(|a| match a {
            Ok(a) => result_lines(a, show_prediction)
                .into_iter()
                .map(|(id, value, explanation)| {
                    let how = explained_by(id).map(|quantity| {
                        view! {
                            <button type="button" class="link-button" data-testid=format!("explain-result-{id}")
                                on:click=move |_| state.explained.set(Some((quantity, None)))>"How?"</button>
                        }
                    });
                    view! {
                        <li data-testid=format!("result-{id}")>
                            <span class="value">{value}</span>
                            {how}
                            <span class="explain">{explanation}</span>
                        </li>
                    }
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
