//! What the sensitivity views share: the refit plot and interval, and the R code block.
use crate::components::forest_plot_canvas::plot_labels;
use crate::state::{entered_note, pooled_trials, AppState};
use leptos::prelude::*;
use livemeta_core::interpret::AbsoluteEffect;
use livemeta_core::report::{difference_per_thousand, view_script, ViewCode};
use livemeta_core::sensitivity::Refit;
use livemeta_plot::{refit_plot, ForestPlot};

/// A refit's estimate as a difference per 1,000 ("60 fewer"), at the control risk the summary
/// uses, held fixed so that only the relative effect moves; None where there is no risk scale.
pub fn per_thousand_at_summary_risk(state: AppState, estimate: f64) -> Option<String> {
    let measure = state.selection.with(|s| s.method.measure);
    let effect = AbsoluteEffect::at(measure, state.control_risk.get()?, estimate, estimate, estimate)?;
    Some(difference_per_thousand(effect.difference().0))
}

/// A refit's pooled estimate and interval on the display scale, if it could be pooled.
pub fn refit_interval(refit: &Refit) -> Option<(f64, f64, f64)> {
    refit.analysis.as_ref().ok().map(|a| (a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper))
}

/// The refit plot for the current selection: one row per (label, interval), the main analysis
/// as the diamond.
pub fn refit_plot_memo(
    state: AppState,
    heading: &'static str,
    rows: Memo<Vec<(String, String, Option<(f64, f64, f64)>)>>,
) -> Memo<ForestPlot> {
    Memo::new(move |_| {
        let selection = state.selection.get();
        let (outcome, treatment, control) = state.source.with(|source| plot_labels(&selection, source));
        let refits = rows.with(|rows| rows.iter().map(|(_, label, interval)| (label.clone(), *interval)).collect());
        state
            .analysis
            .with(|full| refit_plot(heading, refits, full, &selection.method.options(), &outcome, &treatment, &control))
    })
}

/// "R code for this view": the metafor script that reproduces the view, or why there is none.
#[component]
pub fn ViewRCode(#[prop(into)] code: Signal<Result<String, String>>, testid: &'static str) -> impl IntoView {
    view! {
        <details class="r-code">
            <summary>"R code for this view"</summary>
            {move || match code.get() {
                Ok(text) => view! { <textarea readonly rows="10" data-testid=testid prop:value=text></textarea> }.into_any(),
                Err(why) => view! { <p class="note-inline" data-testid=testid>{why}</p> }.into_any(),
            }}
        </details>
    }
}

/// The view's R code for the trials in the pool and the current options.
pub fn view_code(
    state: AppState,
    view: impl Fn() -> ViewCode + Send + Sync + 'static,
) -> Signal<Result<String, String>> {
    Signal::derive(move || {
        let note = state.rows.with(|rows| entered_note(rows));
        view_script(
            &state.rows.with(|rows| pooled_trials(rows)).1,
            &state.selection.with(|s| s.method.options()),
            &view(),
        )
        .map(|script| note + &script)
    })
}
