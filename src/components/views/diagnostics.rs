//! Per-trial diagnostics of the random-effects fit: the radial (Galbraith) plot, the normal
//! Q-Q plot of standardised residuals, and each trial's BLUP, its effect shrunk towards the
//! pool by how much of its spread is between-trial (`livemeta_core::sensitivity`, as metafor's
//! `radial`, `qqnorm` and `blup`).
use crate::components::plot_canvas::PlotCanvas;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::report::{effect, effect_with_ci};
use livemeta_core::sensitivity::{normal_quantiles, trial_diagnostics, TrialDiagnostics};
use livemeta_plot::{Scatter, ScatterPoint};

fn scatter(x_label: &str, y_label: &str, points: Vec<ScatterPoint>, lines: Vec<Vec<(f64, f64)>>) -> Scatter {
    Scatter { x_label: x_label.into(), y_label: y_label.into(), points, lines, ..Scatter::default() }
}

fn point(x: f64, y: f64, label: &str) -> ScatterPoint {
    ScatterPoint { x, y, label: label.into(), open: false, highlight: false, radius: None }
}

/// metafor's radial plot: y / sqrt(v + tau²) against 1 / sqrt(v + tau²); the pooled estimate
/// is the slope of the line through the origin, with the band of ±1.96 around it.
fn radial_plot(rows: &[TrialDiagnostics], slope: f64) -> Scatter {
    let far = rows.iter().map(|r| r.radial_x).fold(0.0, f64::max) * 1.05;
    let line = |offset: f64| vec![(0.0, offset), (far, offset + slope * far)];
    scatter(
        "1 / SE (precision, with τ²)",
        "Effect / SE (z)",
        rows.iter().map(|r| point(r.radial_x, r.radial_y, &r.label)).collect(),
        vec![line(0.0), line(1.96), line(-1.96)],
    )
}

/// The standardised residuals, sorted, against the normal quantiles, with the diagonal.
fn qq_plot(rows: &[TrialDiagnostics]) -> Scatter {
    let mut z: Vec<f64> = rows.iter().map(|r| r.standardized_residual).collect();
    z.sort_by(f64::total_cmp);
    let q = normal_quantiles(z.len());
    let reach = q.iter().chain(&z).fold(0.0f64, |a, v| a.max(v.abs()));
    scatter(
        "Theoretical quantiles",
        "Standardised residuals",
        q.iter().zip(&z).map(|(x, y)| point(*x, *y, "")).collect(),
        vec![vec![(-reach, -reach), (reach, reach)]],
    )
}

#[component]
pub fn DiagnosticsView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let result = Memo::new(move |_| {
        let level = selection.with(|s| s.method.options().level);
        state.analysis.with(|a| match a {
            Ok(a) => trial_diagnostics(a, level).map(|rows| (rows, a.pooled.y)).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        })
    });
    let radial = Memo::new(move |_| {
        result.with(|r| r.as_ref().map_or_else(|_| Scatter::default(), |(rows, slope)| radial_plot(rows, *slope)))
    });
    let qq =
        Memo::new(move |_| result.with(|r| r.as_ref().map_or_else(|_| Scatter::default(), |(rows, _)| qq_plot(rows))));
    let presenter = state.presenter();
    let rows = move || {
        let measure = selection.with(|s| s.method.measure);
        result.with(|r| match r {
            Ok((rows, _)) => rows.iter().enumerate().map(|(i, d)| view! {
                <tr data-testid=format!("blup-row-{i}") data-value=format!("{:e}", d.blup)>
                    <th scope="row">{d.label.clone()}</th>
                    <td>{effect(measure.to_display(d.observed), measure)}</td>
                    <td>{effect_with_ci(measure.to_display(d.blup), measure.to_display(d.blup_lower), measure.to_display(d.blup_upper), measure)}</td>
                    <td>{format!("{:.0}%", 100.0 * d.shrinkage)}</td>
                    <td>{format!("{:.2}", d.standardized_residual)}</td>
                </tr>
            }).collect_view().into_any(),
            Err(_) => ().into_any(),
        })
    };
    view! {
        <>
            {move || result.with(|r| r.as_ref().err().map(|why| view! { <p class="note-inline" data-testid="blup-error">{format!("No diagnostics: {why}.")}</p> }))}
            <Show when=move || result.with(Result::is_ok)>
                <p class="note-inline desk-only">"Radial plot: each trial at its precision (x) and its effect divided by its standard error (y); the pooled estimate is the slope of the line through the origin, and a trial outside the band of ±1.96 around it is more than two standard errors from the pool. Below it, the normal Q-Q plot of standardised residuals (points near the diagonal suit the normal model) and each trial's BLUP."</p>
                <PlotCanvas plot=radial presenter=presenter export_as="radial" testid="radial-plot" drawn_mark="radial-drawn"
                    label="Radial plot of the pooled trials; the BLUP table below lists the same trials" />
                <div class="desk-only">
                    <PlotCanvas plot=qq presenter=presenter export_as="qq" testid="qq-plot"
                        label="Normal Q-Q plot of the standardised residuals; the BLUP table below lists them" />
                </div>
                <div class="table-scroll"><table class="study-table" data-testid="blup-table">
                    <caption>"Each trial's BLUP: its true effect as the random-effects model predicts it, shrunk towards the pool (metafor's blup)"</caption>
                    <thead><tr><th scope="col">"Trial"</th><th scope="col">"Observed"</th><th scope="col">"BLUP (95% CI)"</th><th scope="col">"Shrinkage"</th><th scope="col">"Standardised residual"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table></div>
            </Show>
        </>
    }
}
