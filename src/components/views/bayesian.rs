//! Bayesian random effects: the pooled trials' effects (the measure and zero-cell rule on
//! screen) under a normal random-effects model with a flat prior on mu and a chosen prior on
//! tau, by numerical integration (`livemeta_core::likelihood`). The posterior of the pooled effect,
//! the probability that it favours treatment, tau, a new trial's effect, the posterior density
//! as a figure, and the same under each prior of the sensitivity table.
use crate::components::choice::Choice;
use crate::components::clinical_threshold::{percent, threshold_on_measure};
use crate::components::plot_canvas::PlotCanvas;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::likelihood::{bayes_for, mu_density, posterior_below, sensitivity_priors, BayesResult, TauPrior};
use livemeta_core::report::{effect, effect_with_ci, tau_text};
use livemeta_core::Measure;
use livemeta_plot::{Scatter, ScatterPoint};

/// "RR below 1" or "RD below 0": what P(mu < 0) means on the display scale.
fn below_null(measure: Measure) -> String {
    if measure.is_ratio() {
        format!("{} is below 1", measure.label())
    } else {
        format!("{} is below 0", measure.label())
    }
}

fn posterior_sentence(fit: &BayesResult, measure: Measure) -> String {
    let mu = fit.mu;
    format!(
        "Posterior median {} and 95% credible interval: {}. Probability that the {}: {:.1}%.",
        measure.label(),
        effect_with_ci(
            measure.to_display(mu.median),
            measure.to_display(mu.lower),
            measure.to_display(mu.upper),
            measure
        ),
        below_null(measure),
        100.0 * fit.prob_mu_below_zero
    )
}

/// The posterior density of mu with its 95% credible interval marked.
fn density_figure(curve: &[(f64, f64)], fit: &BayesResult, measure: Measure) -> Scatter {
    let top = curve.iter().map(|q| q.1).fold(0.0, f64::max);
    let mark = |x: f64| vec![(x, 0.0), (x, top * 1.02)];
    Scatter {
        x_label: if measure.is_ratio() {
            format!("Pooled {} (log scale)", measure.label())
        } else {
            format!("Pooled {}", measure.label())
        },
        y_label: "Posterior density".into(),
        x_log_labels: measure.is_ratio(),
        y_range: Some((0.0, top * 1.08)),
        points: vec![ScatterPoint {
            x: fit.mu.median,
            y: 0.0,
            label: "median".into(),
            open: false,
            highlight: true,
            radius: None,
        }],
        lines: vec![curve.to_vec(), mark(fit.mu.lower), mark(fit.mu.upper)],
        // No effect: a ratio of 1 (0 on the log scale), a difference of 0.
        null_x: Some(0.0),
        ..Scatter::default()
    }
}

#[component]
pub fn BayesianView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let level = move || selection.with(|s| s.method.options().level);
    let fit = Memo::new(move |_| {
        let prior = selection.with(|s| s.views.tau_prior);
        state.analysis.with(|a| match a {
            Ok(a) => bayes_for(a, prior, level()).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        })
    });
    let table = Memo::new(move |_| {
        let measure = selection.with(|s| s.method.measure);
        state.analysis.with(|a| match a {
            Ok(a) => sensitivity_priors(measure)
                .into_iter()
                .map(|p| (p, bayes_for(a, p, level()).map_err(|e| e.to_string())))
                .collect(),
            Err(_) => Vec::new(),
        })
    });
    let plot = Memo::new(move |_| {
        let (measure, prior) = selection.with(|s| (s.method.measure, s.views.tau_prior));
        let Ok(fit) = fit.get() else { return Scatter::default() };
        // From well below the 95% interval to well above it.
        let (lo, hi) = (fit.mu.lower, fit.mu.upper);
        let xs: Vec<f64> = (0..=120).map(|i| lo - 0.6 * (hi - lo) + 2.2 * (hi - lo) * f64::from(i) / 120.0).collect();
        state.analysis.with(|a| match a.as_ref().map(|a| mu_density(a, prior, &xs)) {
            Ok(Ok(ys)) => density_figure(&xs.into_iter().zip(ys).collect::<Vec<_>>(), &fit, measure),
            _ => Scatter::default(),
        })
    });
    // The posterior probabilities beyond the threshold of clinical importance, on the side away
    // from no effect, as the summary gives the frequentist ones.
    let beyond = Memo::new(move |_| {
        let (at, prior) = (threshold_on_measure(state)?, selection.with(|s| s.views.tau_prior));
        state.analysis.with(|a| {
            let a = a.as_ref().ok()?;
            let below = at < a.measure.null_value();
            let (mean, new_trial) = posterior_below(a, prior, a.measure.to_analysis(at)).ok()?;
            let side = |p: f64| if below { p } else { 1.0 - p };
            Some((at, below, side(mean), side(new_trial), a.measure))
        })
    });
    let presenter = state.presenter();
    let beyond_line = move || {
        beyond.get().map(|(at, below, mean, new_trial, measure)| {
            let word = if below { "below" } else { "above" };
            view! {
                <li data-testid="bayes-threshold" data-value=format!("{at:e},{mean:e},{new_trial:e}")>{format!(
                    "Posterior probability that the {} is {word} your threshold of {}: {}; that a new trial's is: {}.",
                    measure.label(), effect(at, measure), percent(mean), percent(new_trial)
                )}</li>
            }
        })
    };
    let answer = move || {
        let measure = selection.with(|s| s.method.measure);
        fit.with(|r| match r {
            Ok(fit) => view! {
                <ul class="readings">
                    <li data-testid="bayes-mu" data-value=format!("{:e}", fit.mu.median)>{posterior_sentence(fit, measure)}</li>
                    {beyond_line}
                    <li data-testid="bayes-tau" data-value=format!("{:e}", fit.tau.median)>{format!("Between-trial SD τ: median {} (95% credible interval {} to {})", tau_text(fit.tau.median, measure, 3), tau_text(fit.tau.lower, measure, 3), tau_text(fit.tau.upper, measure, 3))}</li>
                    <li class="desk-only" data-testid="bayes-prediction" data-value=format!("{:e}", fit.prediction.lower)>{format!(
                        "A new trial's {}: 95% predictive interval {:.2} to {:.2}",
                        measure.label(), measure.to_display(fit.prediction.lower), measure.to_display(fit.prediction.upper)
                    )}</li>
                </ul>
            }
            .into_any(),
            Err(why) => view! { <p class="note-inline" data-testid="bayes-error">{format!("No Bayesian analysis: {why}.")}</p> }.into_any(),
        })
    };
    let rows = move || {
        let (measure, chosen) = selection.with(|s| (s.method.measure, s.views.tau_prior));
        table.get().into_iter().map(|(prior, r)| {
            let cells = match &r {
                Ok(f) => (
                    effect_with_ci(measure.to_display(f.mu.median), measure.to_display(f.mu.lower), measure.to_display(f.mu.upper), measure),
                    tau_text(f.tau.median, measure, 3),
                    format!("{:.1}%", 100.0 * f.prob_mu_below_zero),
                    format!("{:e}", f.mu.median),
                ),
                Err(why) => (format!("not estimable: {why}"), String::new(), String::new(), String::new()),
            };
            let code = prior.code();
            view! {
                <tr data-testid=format!("bayes-prior-{}", code.replace([':', '.'], "-")) data-value=cells.3 class:current=prior == chosen>
                    <th scope="row">{prior.label()}</th><td>{cells.0}</td><td>{cells.1}</td><td>{cells.2}</td>
                </tr>
            }
        }).collect_view()
    };
    let prior_note = move || {
        let measure = selection.with(|s| s.method.measure);
        format!(
            "Normal random-effects model on the {} scale with the measure and zero-cell rule on screen; flat prior on the pooled effect, the prior below on τ; computed by numerical integration, not sampling (as the bayesmeta R package does). Turner et al.'s priors (Stat Med 2015, Table IV, as bayesmeta's TurnerEtAlPrior encodes it) were derived for log odds ratios{}.",
            if measure.is_ratio() { "log" } else { "natural" },
            if measure.is_ratio() { "" } else { ", so they are not offered for this measure" }
        )
    };
    view! {
        <>
            <div class="controls">
                // A prior from a link that is not in the list is shown as chosen too.
                <Choice label="Prior on τ" testid="bayes-prior"
                    options=Signal::derive(move || {
                        let (chosen, measure) = selection.with(|s| (s.views.tau_prior, s.method.measure));
                        let mut listed = sensitivity_priors(measure);
                        if !listed.contains(&chosen) {
                            listed.push(chosen);
                        }
                        listed.into_iter().map(|p| (p.code(), p.label())).collect()
                    })
                    current=Signal::derive(move || selection.with(|s| s.views.tau_prior.code()))
                    on_pick=move |code| if let Some(prior) = TauPrior::from_code(&code) { selection.update(|s| s.views.tau_prior = prior) } />
            </div>
            <p class="note-inline desk-only">{prior_note}</p>
            {answer}
            <Show when=move || fit.with(Result::is_ok)>
                <PlotCanvas plot=plot presenter=presenter export_as="bayesian" testid="bayes-plot" drawn_mark="bayes-drawn"
                    label="Posterior density of the pooled effect, with its median and 95% credible interval; the numbers are listed above" />
            </Show>
            <div class="table-scroll"><table class="study-table" data-testid="bayes-table">
                <caption>"Prior sensitivity: the same data under each prior on τ"</caption>
                <thead><tr><th scope="col">"Prior on τ"</th><th scope="col">"Pooled (95% credible interval)"</th><th scope="col">"τ median"</th><th scope="col">{move || format!("P({})", below_null(selection.with(|s| s.method.measure)))}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table></div>
        </>
    }
}
