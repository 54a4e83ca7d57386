use crate::components::forest_plot_canvas::current_plot;
use crate::components::report_export::ReportExport;
use crate::download::{download, download_png, download_svg};
use crate::state::{entered_note, pooled_trials, AppState};
use leptos::prelude::*;
use livemeta_core::report::{absolute_effect_script, metafor_script};
use livemeta_plot::forest_csv;

/// SVG and PNG of the plot, the table as CSV, and a metafor script for the current analysis.
#[component]
pub fn ExportPanel(state: AppState) -> impl IntoView {
    let r_code = Memo::new(move |_| {
        let (note, studies) = state.rows.with(|rows| (entered_note(rows), pooled_trials(rows).1));
        let (options, control_risk) = state.selection.with(|s| (s.method.options(), s.views.control_risk));
        let absolute = absolute_effect_script(options.measure, control_risk).unwrap_or_default();
        note + &metafor_script(&studies, &options) + &absolute
    });
    let copied = RwSignal::new(false);
    view! {
        <section class="export" aria-label="Export">
            <button type="button" data-testid="export-svg" on:click=move |_| download_svg("forest-plot", &current_plot(&state))>"Plot as SVG"</button>
            <button type="button" data-testid="export-png" on:click=move |_| download_png("forest-plot", &current_plot(&state))>"Plot as PNG"</button>
            <button type="button" data-testid="export-csv" on:click=move |_| download("livemeta-table.csv", "text/csv", &forest_csv(&current_plot(&state)))>"Table as CSV"</button>
            <ReportExport state=state r_code=r_code />
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
