use crate::state::{AppState, DataSource};
use leptos::prelude::*;
use livemeta_core::csv_input::{distinguish_duplicates, extra_columns, parse_studies, COLUMNS};

/// Paste your own 2x2 data as CSV. Problems are listed by line, study and field; the text
/// stays as typed so nothing is lost.
#[component]
pub fn DataImport(state: AppState) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<String>::new());
    let warning = RwSignal::new(None::<String>);
    let import = move |_| {
        let csv = text.get();
        match parse_studies(&csv) {
            Ok(mut studies) => {
                errors.set(vec![]);
                warning.set(distinguish_duplicates(&mut studies));
                state.selection.update(|s| s.excluded.clear());
                state.source.set(DataSource::Imported { studies, columns: extra_columns(&csv) });
            }
            Err(problems) => {
                warning.set(None);
                errors.set(problems.iter().map(|e| e.to_string()).collect())
            }
        }
    };
    view! {
        <details class="import">
            <summary>"Use your own data"</summary>
            <label for="import-text">{format!("CSV with the header {} (commas, semicolons or tabs: a block pasted from a spreadsheet works); any further column, such as a subgroup, can group the studies", COLUMNS.join(","))}</label>
            <textarea id="import-text" data-testid="import-text" rows="8" prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="bulk">
                <button type="button" data-testid="import-apply" on:click=import>"Analyse this data"</button>
                <button type="button" data-testid="import-reset" on:click=move |_| {
                    state.selection.update(|s| s.excluded.clear());
                    state.source.set(DataSource::Bundled);
                }>"Back to the dupilumab trials"</button>
            </div>
            <p class="warning" data-testid="import-warnings" role="status">{move || warning.get()}</p>
            <ul class="import-errors" data-testid="import-errors" role="alert">
                {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
            </ul>
        </details>
    }
}
