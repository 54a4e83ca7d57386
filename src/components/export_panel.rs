use crate::components::forest_plot_canvas::current_plot;
use crate::state::{AppState, Selection};
use leptos::prelude::*;
use livemeta_core::rcode::metafor_script;
use livemeta_plot::forest_svg;
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

/// The table behind the plot as CSV: counts, per-trial estimate, CI and weight.
fn table_csv(state: &AppState) -> String {
    let plot = current_plot(state);
    let mut out = String::from("study,status,events_treatment,total_treatment,events_control,total_control,estimate,ci_lower,ci_upper,weight_percent\n");
    for row in &plot.rows {
        let counts = |c: Option<(i64, i64)>| c.map_or(",".to_string(), |(e, n)| format!("{e},{n}"));
        let est = row.estimate.map_or(",,".to_string(), |(e, l, u)| format!("{e},{l},{u}"));
        let status = format!("{:?}", row.status).to_lowercase();
        let label = if row.label.contains([',', '"']) { format!("\"{}\"", row.label.replace('"', "\"\"")) } else { row.label.clone() };
        out.push_str(&format!("{label},{status},{},{},{est},{}\n", counts(row.treatment), counts(row.control), row.weight_percent.map_or(String::new(), |w| w.to_string())));
    }
    out
}

/// SVG and PNG of the plot, the table as CSV, and a metafor script for the current analysis.
#[component]
pub fn ExportPanel(state: AppState) -> impl IntoView {
    let r_code = Memo::new(move |_| {
        let studies: Vec<_> = state.rows.with(|rows| rows.iter().filter_map(|r| r.pooled_counts().cloned()).collect());
        metafor_script(&studies, &state.selection.with(Selection::options))
    });
    let copied = RwSignal::new(false);
    view! {
        <section class="export" aria-label="Export">
            <button type="button" data-testid="export-svg" on:click=move |_| {
                download("forest-plot.svg", "image/svg+xml", &forest_svg(&current_plot(&state), 960));
            }>"Plot as SVG"</button>
            <button type="button" data-testid="export-png" on:click=move |_| {
                let canvas = window().document().and_then(|d| d.query_selector("[data-testid=forest-plot]").ok().flatten());
                if let Some(url) = canvas.and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok()).and_then(|c| c.to_data_url().ok()) {
                    download_url("forest-plot.png", &url);
                }
            }>"Plot as PNG"</button>
            <button type="button" data-testid="export-csv" on:click=move |_| download("livemeta-table.csv", "text/csv", &table_csv(&state))>"Table as CSV"</button>
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
