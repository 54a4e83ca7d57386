//! Influence: which trials drive the result. The case-deletion diagnostics of metafor's
//! `influence()`, Baujat's plot, and L'Abbé's plot of the event risks in both arms.
use super::shared::{view_code, ViewRCode};
use crate::components::forest_plot_canvas::plot_labels;
use crate::components::plot_canvas::PlotCanvas;
use crate::state::{pooled_trials, AppState};
use leptos::prelude::*;
use livemeta_core::report::ViewCode;
use livemeta_core::sensitivity::{baujat, influence};
use livemeta_plot::{baujat_plot, labbe_plot};

#[component]
pub fn InfluenceView(state: AppState) -> impl IntoView {
    let presenter = state.presenter();
    // The estimable studies' labels, in the order the diagnostics list them.
    let labels = move || {
        state.analysis.with(|a| {
            a.as_ref().map_or(vec![], |a| {
                a.studies.iter().filter(|s| s.effect.is_some()).map(|s| s.label.clone()).collect::<Vec<_>>()
            })
        })
    };
    let labbe = Memo::new(move |_| {
        let selection = state.selection.get();
        let (_, treatment, control) = state.source.with(|source| plot_labels(&selection, source));
        let points: Vec<(String, f64, f64)> = state.rows.with(|rows| {
            pooled_trials(rows)
                .1
                .into_iter()
                .map(|s| {
                    (
                        s.label.clone(),
                        s.events_control as f64 / s.total_control as f64,
                        s.events_treatment as f64 / s.total_treatment as f64,
                    )
                })
                .collect()
        });
        labbe_plot(&points, &treatment, &control)
    });
    let baujat_points = Memo::new(move |_| {
        let names = labels();
        state
            .analysis
            .with(|a| a.as_ref().ok().and_then(|a| baujat(a).ok()))
            .map(|xy| baujat_plot(&names.into_iter().zip(xy).map(|(label, (x, y))| (label, x, y)).collect::<Vec<_>>()))
    });
    let table = move || {
        let names = labels();
        match state.analysis.with(|a| a.as_ref().map_err(|e| e.to_string()).and_then(|a| influence(a).map_err(|e| e.to_string()))) {
            Ok(rows) => view! {
                <div class="table-scroll">
                    <table class="study-table" data-testid="influence-table">
                        <caption>"Case-deletion diagnostics (metafor influence()): what happens to the pool without each trial"</caption>
                        <thead><tr>
                            <th scope="col">"Trial"</th><th scope="col">"rstudent"</th><th scope="col">"DFFITS"</th><th scope="col">"Cook's d"</th>
                            <th scope="col">"cov.r"</th><th scope="col">"hat"</th><th scope="col">"weight %"</th><th scope="col">"τ² without"</th><th scope="col">"Q without"</th>
                        </tr></thead>
                        <tbody>
                            {names.into_iter().zip(rows).map(|(name, r)| view! {
                                <tr data-value=format!("{:e}", r.cook_d)>
                                    <th scope="row">{name}</th>
                                    <td>{format!("{:.3}", r.rstudent)}</td><td>{format!("{:.3}", r.dffits)}</td><td>{format!("{:.3}", r.cook_d)}</td>
                                    <td>{format!("{:.3}", r.cov_r)}</td><td>{format!("{:.3}", r.hat)}</td><td>{format!("{:.1}", r.weight_percent)}</td>
                                    <td>{format!("{:.4}", r.tau2_deleted)}</td><td>{format!("{:.3}", r.q_deleted)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any(),
            Err(e) => view! { <p class="note-inline" data-testid="influence-table">{format!("No influence diagnostics: {e}.")}</p> }.into_any(),
        }
    };
    view! {
        <>
            {table}
            <div class="figure-pair">
                <figure>
                    <figcaption>"L'Abbé plot: below the diagonal, fewer events with treatment"</figcaption>
                    <PlotCanvas plot=labbe presenter=presenter export_as="labbe-plot" testid="labbe-plot" label="L'Abbé plot of the event risks in both arms, one point per trial" />
                </figure>
                {move || baujat_points.get().map(|_| {
                    let shown = Memo::new(move |_| baujat_points.get().unwrap_or_else(|| baujat_plot(&[])));
                    view! {
                        <figure>
                            <figcaption>"Baujat plot: trials in the top right drive both heterogeneity and the result"</figcaption>
                            <PlotCanvas plot=shown presenter=presenter export_as="baujat-plot" testid="baujat-plot" label="Baujat plot: contribution to heterogeneity against influence on the pooled result" />
                        </figure>
                    }
                })}
            </div>
            <ViewRCode code=view_code(state, || ViewCode::Influence) testid="r-code-influence" />
        </>
    }
}
