use crate::components::clinical_threshold::threshold_on_measure;
use crate::components::plot_canvas::PlotCanvas;
use crate::components::row_pager::RowPager;
use crate::state::{AppState, DataSource, Selection, PAGE_ROWS};
use leptos::prelude::*;
use livemeta_core::data::TrialRow;
use livemeta_core::{Analysis, EngineError};
use livemeta_plot::{
    forest_axis_value, forest_plot, in_layout, window_rows, with_trial_columns, ForestPlot, Guess, PooledRow,
};

/// (outcome, treatment arm, control arm) as plots name them.
pub fn plot_labels(selection: &Selection, source: &DataSource) -> (String, String, String) {
    let dataset = &source.dataset;
    (
        dataset.outcome_or_first(&selection.scope.outcome).label.clone(),
        dataset.treatment_label.clone(),
        dataset.control_label.clone(),
    )
}

/// The plot of one analysis of one selection, before the screen's extras (comparison
/// diamond, change marker): the part every export and the selection test share.
pub fn plot_of(
    selection: &Selection,
    source: &DataSource,
    rows: &[TrialRow],
    analysis: &Result<Analysis, EngineError>,
) -> ForestPlot {
    let (outcome, treatment, control) = plot_labels(selection, source);
    let style = &selection.views.forest;
    let plot = forest_plot(rows, analysis, &selection.method.options(), &outcome, &treatment, &control);
    let mut plot = with_trial_columns(plot, rows, &source.dataset, style.follow_up, &style.attributes, style.rob);
    if selection.method.prediction.is_none() {
        plot.prediction = None;
    }
    plot.reference_line = style.reference_line;
    in_layout(plot, style.layout, analysis)
}

/// What the plot shows now: the main analysis, the comparison diamond, the prediction
/// interval when asked for, and the change marker. The SVG export uses the same value.
pub fn current_plot(state: &AppState) -> ForestPlot {
    let selection = state.selection.get();
    let options = selection.method.options();
    let mut plot = state
        .source
        .with(|source| state.rows.with(|rows| state.analysis.with(|a| plot_of(&selection, source, rows, a))));
    if let Some(Ok(other)) = state.comparison.get() {
        if other.measure == options.measure {
            plot.pooled.push(PooledRow {
                label: format!("Total ({})", other.model_label),
                estimate: other.pooled.estimate,
                lower: other.pooled.ci_lower,
                upper: other.pooled.ci_upper,
            });
        }
    }
    let hidden = state.pooled_hidden();
    if let Some(change) = state.change.get() {
        plot.previous = change.before;
        let measure = options.measure.label();
        plot.change_note = Some(match (change.before, plot.pooled.first()) {
            (Some((before, ..)), Some(_)) if hidden => format!("{measure} {before:.2} -> ? ({})", change.description),
            (Some((before, ..)), Some(now)) => {
                format!("{measure} {before:.2} -> {:.2} ({})", now.estimate, change.description)
            }
            _ => format!("Changed: {}", change.description),
        });
    }
    plot.guess = state.round.get().map(|r| Guess { value: r.guess, hidden });
    plot.threshold = threshold_on_measure(*state).filter(|_| !hidden);
    plot.absolute =
        state.absolute.get().filter(|_| !hidden).map(|e| (selection.views.control_risk.label().to_string(), e));
    plot
}

/// The forest plot of the main analysis; presenter mode draws it larger.
#[component]
pub fn ForestPlotCanvas(state: AppState) -> impl IntoView {
    let plot = Memo::new(move |_| window_rows(current_plot(&state), state.first_row.get(), PAGE_ROWS));
    let presenter = state.presenter();
    // Before the reveal, a press or drag on the plot moves the group's guess along the axis.
    let on_drag = Callback::new(move |(width, x): (f64, f64)| {
        if state.pooled_hidden() {
            if let Some(value) = plot.with_untracked(|p| forest_axis_value(p, width, x)) {
                // The guess is the value its box shows (two decimals), so the distance stated
                // at the reveal is the one the audience can work out.
                let shown = (value * 100.0).round() / 100.0;
                state.guess(Some(shown));
            }
        }
    });
    view! {
        <figure class="forest">
            <RowPager state=state testid="pager-plot" />
            <PlotCanvas plot=plot presenter=presenter testid="forest-plot" drawn_mark="forest-drawn" on_drag=on_drag
                label="Forest plot of the current analysis; the same numbers are in the table below" />
            // The change marker drawn on the canvas, as text for screen readers and scripts.
            <p class="sr-only" aria-live="polite" data-testid="change-note">{move || plot.with(|p| p.change_note.clone())}</p>
        </figure>
    }
}
