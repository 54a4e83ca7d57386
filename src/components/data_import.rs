//! Bringing data: paste a CSV, or open a file (CSV, RevMan 5 `.rm5`, livemeta dataset JSON);
//! save the data on screen as dataset JSON (exact) or CSV. Problems are listed by line, study
//! and field; the text stays as typed so nothing is lost. Data that imports is kept in this
//! browser and, when small, in the link.
use crate::download::download;
use crate::state::{AppState, DataSource, Origin};
use crate::url_state::forget_in_browser;
use leptos::prelude::*;
use livemeta_core::csv_input::COLUMNS;
use livemeta_core::user_data::to_csv;
use wasm_bindgen::JsCast;

/// The largest file opened (bytes): about 48,000 studies of CSV, read, analysed and drawn in
/// under a second on the page (`bench/import.mjs`); larger files would freeze it for seconds.
const MAX_FILE_BYTES: f64 = 1e6;

/// Whether a file is a review (XML) or a dataset (JSON) rather than a CSV, by its name or
/// its first character.
fn structured(name: &str, text: &str) -> Option<bool> {
    let lower = name.to_lowercase();
    let first = text.trim_start_matches('\u{feff}').trim_start().chars().next();
    if lower.ends_with(".rm5") || first == Some('<') {
        Some(true)
    } else if lower.ends_with(".json") || first == Some('{') {
        Some(false)
    } else {
        None
    }
}

/// A file's contents as a data source, by what the file is.
fn source_from_file(name: &str, text: &str) -> Result<(DataSource, Option<String>), Vec<String>> {
    match structured(name, text) {
        Some(true) => {
            let review = livemeta_core::rm5::read_rm5(text).map_err(|e| vec![format!("{name}: {e}")])?;
            Ok((DataSource::from_file(review.dataset), review.warning))
        }
        Some(false) => {
            let dataset = livemeta_core::dataset::Dataset::from_json(text).map_err(|e| vec![format!("{name}: {e}")])?;
            Ok((DataSource::from_file(dataset), None))
        }
        None => DataSource::from_csv(text),
    }
}

#[component]
pub fn DataImport(state: AppState) -> impl IntoView {
    // Data restored from a link or from this browser shows its CSV here, ready to edit.
    let restored = state.source.with_untracked(|s| match &s.origin {
        Origin::Csv(csv) => csv.to_string(),
        _ => String::new(),
    });
    let text = RwSignal::new(restored);
    let errors = RwSignal::new(Vec::<String>::new());
    let warning = RwSignal::new(None::<String>);
    let accept = move |result: Result<(DataSource, Option<String>), Vec<String>>| match result {
        Ok((source, note)) => {
            errors.set(vec![]);
            warning.set(note);
            state.switch_data(source);
        }
        Err(problems) => {
            warning.set(None);
            errors.set(problems);
        }
    };
    let open_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        // Choosing the same file again (after editing it elsewhere) must read it again.
        input.set_value("");
        // Reading happens on the page: a file far beyond any meta-analysis is refused before
        // it is read, so the page never freezes on it.
        if file.size() > MAX_FILE_BYTES {
            accept(Err(vec![format!(
                "{name} is {:.1} MB; livemeta opens files up to {} MB (about 50,000 studies of CSV), so that the page stays responsive. Keep only the rows and columns of the analysis, or split the file by outcome.",
                file.size() / 1e6,
                MAX_FILE_BYTES / 1e6
            )]));
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            // Bytes, not text: a review saved by RevMan desktop is often ISO-8859-1, and a CSV
            // from a spreadsheet may be Windows-1252; `decode_text` reads either.
            let read = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
            match read.ok().map(|buffer| livemeta_core::rm5::decode_text(&js_sys::Uint8Array::new(&buffer).to_vec())) {
                // A CSV file lands in the box as well, so it can be corrected there.
                Some(contents) => {
                    let result = source_from_file(&name, &contents);
                    if structured(&name, &contents).is_none() {
                        text.set(contents);
                    }
                    accept(result);
                }
                None => accept(Err(vec![format!("{name}: the file could not be read as text")])),
            }
        });
    };
    let save_json = move |_| state.source.with_untracked(|s| download(&format!("{}.json", s.dataset.id), "application/json", &s.dataset.to_json()));
    let save_csv = move |_| state.source.with_untracked(|s| download(&format!("{}.csv", s.dataset.id), "text/csv", &to_csv(&s.dataset)));
    view! {
        <details class="import">
            <summary>"Use your own data"</summary>
            <label class="file-open">"Open a file: CSV, RevMan 5 review (.rm5) or livemeta dataset (.json) "
                <input type="file" data-testid="import-file" accept=".csv,.tsv,.txt,.rm5,.json,text/csv,application/json" on:change=open_file />
            </label>
            <label for="import-text">{format!("Or paste CSV with the header {} (commas, semicolons or tabs: a block pasted from a spreadsheet works); an outcome column holds several outcomes, one line per study and outcome; any further column, such as a subgroup, can group the studies", COLUMNS.join(","))}</label>
            <textarea id="import-text" data-testid="import-text" rows="8" prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="bulk">
                <button type="button" data-testid="import-apply" on:click=move |_| accept(DataSource::from_csv(&text.get()))>"Analyse this data"</button>
                <button type="button" data-testid="import-reset" on:click=move |_| {
                    forget_in_browser();
                    state.user_data.set(vec![]);
                    state.switch_data(DataSource::flagship());
                }>"Back to the dupilumab trials"</button>
            </div>
            <p class="warning" data-testid="import-warnings" role="status">{move || warning.get()}</p>
            <ul class="import-errors" data-testid="import-errors" role="alert">
                {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
            </ul>
            <div class="bulk">
                <button type="button" data-testid="export-dataset-json" on:click=save_json title="Every number with its source, exactly as the app holds it; opens again here">"Save the data as dataset JSON"</button>
                <button type="button" data-testid="export-dataset-csv" on:click=save_csv>"Save the data as CSV"</button>
            </div>
        </details>
    }
}
