use crate::components::forest_plot_canvas::current_plot;
use crate::components::plot_canvas::paint;
use crate::state::{pooled_studies, AppState, Selection};
use leptos::prelude::*;
use livemeta_core::rcode::metafor_script;
use livemeta_plot::{forest_csv, forest_svg};
use wasm_bindgen::JsCast;

/// Offers `contents` as a file download, from memory (no server involved).
fn download(filename: &str, mime: &str, contents: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download_url(filename, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn download_url(filename: &str, url: &str) {
    let document = window().document().expect("document");
    if let Ok(anchor) = document.create_element("a").map(|a| a.unchecked_into::<web_sys::HtmlAnchorElement>()) {
        anchor.set_href(url);
        anchor.set_download(filename);
        anchor.click();
    }
}

/// Width of exported plots in CSS pixels: a slide's or a journal column's worth.
const EXPORT_WIDTH: f64 = 960.0;

/// SVG and PNG of the plot, the table as CSV, and a metafor script for the current analysis.
#[component]
pub fn ExportPanel(state: AppState) -> impl IntoView {
    let r_code = Memo::new(move |_| {
        metafor_script(&state.rows.with(|rows| pooled_studies(rows)), &state.selection.with(Selection::options))
    });
    let copied = RwSignal::new(false);
    view! {
        <section class="export" aria-label="Export">
            <button type="button" data-testid="export-svg" on:click=move |_| {
                download("forest-plot.svg", "image/svg+xml", &forest_svg(&current_plot(&state).for_export(), EXPORT_WIDTH as u32));
            }>"Plot as SVG"</button>
            <button type="button" data-testid="export-png" on:click=move |_| {
                // Drawn afresh off screen at twice the screen's resolution or more, so it stays
                // sharp on a slide whatever screen it was exported from.
                let scale = window().device_pixel_ratio().max(1.0) * 2.0;
                let canvas = window().document().and_then(|d| d.create_element("canvas").ok()).and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
                if let Some(canvas) = canvas {
                    paint(&canvas, &current_plot(&state).for_export(), EXPORT_WIDTH, scale);
                    if let Ok(url) = canvas.to_data_url() {
                        download_url("forest-plot.png", &url);
                    }
                }
            }>"Plot as PNG"</button>
            <button type="button" data-testid="export-csv" on:click=move |_| download("livemeta-table.csv", "text/csv", &forest_csv(&current_plot(&state)))>"Table as CSV"</button>
            <button type="button" data-testid="copy-r-code" on:click=move |_| {
                let _ = window().navigator().clipboard().write_text(&r_code.get());
                copied.set(true);
            }>{move || if copied.get() { "R code copied" } else { "Copy R code" }}</button>
            <details class="r-code">
                <summary>"Show the R code"</summary>
                <textarea readonly data-testid="r-code" rows="12" prop:value=move || r_code.get()></textarea>
            </details>
        </section>
    }
}
