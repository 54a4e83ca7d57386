//! The tau² estimators side by side: the random-effects analysis of the trials switched on
//! under each of metafor's ten estimators (`sensitivity::compare_estimators`), with the
//! measure, zero-cell rule and CI method on screen. The seven the engine pools with can be
//! applied from here.
use crate::state::pooled_trials;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::model::Model;
use livemeta_core::report::{effect_with_ci, measure_heading, tau2_text};
use livemeta_core::sensitivity::compare_estimators;
use livemeta_core::Coded;
use livemeta_core::Tau2Method;

#[component]
pub fn EstimatorsView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let fits = Memo::new(move |_| {
        let (_, studies) = state.rows.with(|rows| pooled_trials(rows));
        compare_estimators(&studies, &selection.with(|s| s.method.options()))
    });
    let rows = move || {
        let (measure, model) = selection.with(|s| (s.method.measure, s.method.model));
        fits.get()
            .into_iter()
            .zip(Tau2Method::COMPARED)
            .map(|(fit, method)| {
                let on_screen = model == Model::Random(method);
                let usable = Tau2Method::ALL.contains(&method);
                let cells = match &fit.analysis {
                    Ok(a) => (
                        tau2_text(a.heterogeneity.tau2, measure, 4),
                        a.heterogeneity.i2.map_or("–".to_string(), |i2| format!("{i2:.1}%")),
                        effect_with_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper, measure),
                        format!("{:e}", a.pooled.estimate),
                    ),
                    Err(why) => (String::new(), String::new(), format!("not estimable: {why}"), String::new()),
                };
                let (tau2, i2, pooled, value) = cells;
                view! {
                    <tr data-testid=format!("estimator-{}", fit.label) data-value=value class:current=on_screen>
                        <th scope="row">{method.name()}" ("{fit.label.clone()}")"</th>
                        <td>{tau2}</td>
                        <td>{i2}</td>
                        <td>{pooled}</td>
                        <td>
                            {if on_screen {
                                view! { <span>"on screen"</span> }.into_any()
                            } else if usable {
                                view! { <button type="button" data-testid=format!("estimator-use-{}", fit.label)
                                    on:click=move |_| selection.update(|s| state.notice.set(s.method.pick_model(Model::Random(method))))>"Use"</button> }.into_any()
                            } else {
                                view! { <span title="Compared here only: meta-regression, Egger's mixed test and the multiverse use the other seven">"compared only"</span> }.into_any()
                            }}
                        </td>
                    </tr>
                }
            })
            .collect::<Vec<_>>()
    };
    // RevMan 5's model is DerSimonian-Laird too, but from Q around the Mantel-Haenszel
    // estimate: its τ² differs from the DL row's, and the page says why in one line.
    let revman_note = move || {
        if selection.with(|s| s.method.model) != Model::RevManMhRandom {
            return None;
        }
        let measure = selection.with(|s| s.method.measure);
        let on_screen =
            state.analysis.with(|a| a.as_ref().ok().map(|a| tau2_text(a.heterogeneity.tau2, measure, 4)))?;
        let dl = fits.with(|f| {
            f.iter()
                .zip(Tau2Method::COMPARED)
                .find(|(_, m)| *m == Tau2Method::DerSimonianLaird)
                .and_then(|(fit, _)| fit.analysis.as_ref().ok().map(|a| tau2_text(a.heterogeneity.tau2, measure, 4)))
        })?;
        Some(format!(
            "The analysis on screen uses RevMan 5's model: DerSimonian-Laird τ² from Cochran's Q taken around the Mantel-Haenszel estimate, τ² = {on_screen}. The DerSimonian-Laird row takes Q around the inverse-variance estimate, as metafor does, so its τ² is {dl}."
        ))
    };
    let heading = move || measure_heading(selection.with(|s| s.method.measure));
    let ci = move || selection.with(|s| s.method.options().ci_method.label());
    view! {
        <>
            <p class="note-inline">{move || format!("The random-effects pool of the trials switched on under each estimator of the between-trial variance τ², with the measure, zero-cell rule and CI method on screen ({}). Estimates near each other mean the choice of estimator matters little here.", ci())}</p>
            {move || revman_note().map(|note| view! { <p class="note-inline" data-testid="estimators-revman-note">{note}</p> })}
            <div class="estimator-table">
                <table class="study-table" data-testid="estimators-table">
                    <caption>"τ² estimators side by side (metafor's rma(method = ...))"</caption>
                    <thead><tr><th scope="col">"Estimator"</th><th scope="col">"τ²"</th><th scope="col">"I²"</th><th scope="col">{heading}" (95% CI)"</th><th scope="col"></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </>
    }
}
