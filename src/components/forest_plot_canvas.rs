use crate::state::{AppState, DataSource, Selection, DATASET};
use livemeta_core::dataset::TrialRow;
use livemeta_core::{Analysis, EngineError};
use leptos::html::Canvas;
use leptos::prelude::*;
use livemeta_plot::{draw_forest, forest_height, forest_plot, ForestPlot, PooledRow, SMALL_TEXT};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// The plot of one analysis of one selection, before the screen's extras (comparison
/// diamond, change marker): the part every export and the selection test share.
pub fn plot_of(selection: &Selection, source: &DataSource, rows: &[TrialRow], analysis: &Result<Analysis, EngineError>) -> ForestPlot {
    let (outcome, treatment, control) = match source {
        DataSource::Bundled => (
            DATASET.outcome(&selection.outcome).map_or("", |o| o.label.as_str()),
            DATASET.treatment_label.as_str(),
            DATASET.control_label.as_str(),
        ),
        DataSource::Imported(_) => ("Imported data", "Treatment", "Control"),
    };
    let mut plot = forest_plot(rows, analysis, &selection.options(), outcome, treatment, control);
    if selection.prediction.is_none() {
        plot.prediction = None;
    }
    plot
}

/// What the plot shows now: the main analysis, the comparison diamond, the prediction
/// interval when asked for, and the change marker. The SVG export uses the same value.
pub fn current_plot(state: &AppState) -> ForestPlot {
    let selection = state.selection.get();
    let options = selection.options();
    let mut plot = state.source.with(|source| state.rows.with(|rows| state.analysis.with(|a| plot_of(&selection, source, rows, a))));
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
    if let Some(change) = state.change.get() {
        plot.previous = change.before;
        let measure = options.measure.label();
        plot.change_note = Some(match (change.before, plot.pooled.first()) {
            (Some((before, ..)), Some(now)) => format!("{measure} {before:.2} -> {:.2} ({})", now.estimate, change.description),
            _ => format!("Changed: {}", change.description),
        });
    }
    plot
}

/// The smallest text in presenter mode, in CSS pixels.
const PRESENTER_TEXT: f64 = 22.0;

/// Draws `plot` on `canvas` at `scale` device pixels per layout pixel, `css_width` layout
/// pixels wide; returns the height in layout pixels.
pub fn paint(canvas: &web_sys::HtmlCanvasElement, plot: &ForestPlot, css_width: f64, scale: f64) -> f64 {
    let css_height = forest_height(plot, css_width);
    let (width, height) = ((css_width * scale).round() as u32, (css_height * scale).round() as u32);
    // Assigning a canvas size reallocates its bitmap even when unchanged; skip that.
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    if let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) {
        let _ = draw_forest(&backend.into_drawing_area(), plot, scale);
    }
    css_height
}

/// The forest plot on a canvas sized in device pixels, so it stays sharp at any
/// devicePixelRatio; presenter mode draws it larger.
#[component]
pub fn ForestPlotCanvas(state: AppState) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let plot = Memo::new(move |_| current_plot(&state));
    // The container width is read only at mount and on resize: reading clientWidth after the
    // table has changed forces a synchronous layout, which cost more than the whole redraw.
    let container_width = RwSignal::new(None::<f64>);
    let measure = move || canvas_ref.get_untracked().and_then(|c| c.parent_element()).map(|p| p.client_width() as f64);
    let on_resize = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || container_width.set(measure()));
    let _ = window().add_event_listener_with_callback("resize", wasm_bindgen::JsCast::unchecked_ref(on_resize.as_ref()));
    on_resize.forget();
    Effect::new(move |_| {
        // On a projector the smallest plot text is at least 22 px.
        let zoom = if state.selection.with(|s| s.presenter) { PRESENTER_TEXT / SMALL_TEXT } else { 1.0 };
        let Some(canvas) = canvas_ref.get() else { return };
        let width = match container_width.get_untracked() {
            Some(w) => {
                container_width.track();
                w
            }
            None => {
                let w = measure().unwrap_or(800.0);
                container_width.set(Some(w));
                w
            }
        };
        plot.with(|plot| {
            let dpr = window().device_pixel_ratio().max(1.0);
            let css_width = width.clamp(320.0, 1400.0);
            // The plot is laid out in units of css_width / zoom and drawn zoom times larger.
            let height = paint(&canvas, plot, css_width / zoom, dpr * zoom) * zoom;
            let style = web_sys::HtmlElement::style(&canvas);
            let _ = style.set_property("width", &format!("{css_width}px"));
            let _ = style.set_property("height", &format!("{height}px"));
        });
        // The browser benchmark measures from the input event to this mark.
        if let Some(performance) = window().performance() {
            let _ = performance.mark("forest-drawn");
        }
    });
    view! {
        <figure class="forest">
            <canvas node_ref=canvas_ref data-testid="forest-plot" role="img"
                aria-label="Forest plot of the current analysis; the same numbers are in the table below"></canvas>
            // The change marker drawn on the canvas, as text for screen readers and scripts.
            <p class="sr-only" aria-live="polite" data-testid="change-note">{move || plot.with(|p| p.change_note.clone())}</p>
        </figure>
    }
}
