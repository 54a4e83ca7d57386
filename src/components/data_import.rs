use crate::state::{AppState, DataSource};
use leptos::prelude::*;
use crate::url_state::{forget_in_browser, keep_in_browser};
use livemeta_core::csv_input::COLUMNS;

/// Paste your own 2x2 data as CSV. Problems are listed by line, study and field; the text
/// stays as typed so nothing is lost. Data that imports is kept in this browser and, when
/// small, in the link.
#[component]
pub fn DataImport(state: AppState) -> impl IntoView {
    // Data restored from a link or from this browser shows its CSV here, ready to edit.
    let restored = state.source.with_untracked(|s| match s {
        DataSource::Imported { csv, .. } => csv.clone(),
        DataSource::Bundled => String::new(),
    });
    let text = RwSignal::new(restored);
    let errors = RwSignal::new(Vec::<String>::new());
    let warning = RwSignal::new(None::<String>);
    let import = move |_| match DataSource::from_csv(&text.get()) {
        Ok((source, duplicates)) => {
            errors.set(vec![]);
            warning.set(duplicates);
            if let DataSource::Imported { csv, .. } = &source {
                keep_in_browser(csv);
            }
            state.selection.update(|s| s.excluded.clear());
            state.source.set(source);
        }
        Err(problems) => {
            warning.set(None);
            errors.set(problems);
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
                    forget_in_browser();
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
