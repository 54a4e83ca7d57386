//! Bringing data: paste a CSV, or open a file (CSV, RevMan 5 `.rm5`, livemeta dataset JSON);
//! save the data on screen as dataset JSON (exact) or CSV. Problems are listed by line, study
//! and field; the text stays as typed so nothing is lost. Data that imports is kept in this
//! browser and, when small, in the link.
use crate::download::download;
use crate::state::{AppState, DataSource, Origin};
use crate::storage::forget_all;
use crate::worker::BackgroundJob;
use leptos::prelude::*;
use livemeta_core::data::dataset_to_csv;
use livemeta_core::data::COLUMNS;
use livemeta_core::data::{open_file, too_large, FileReply, OpenedFile};
use wasm_bindgen::{JsCast, JsValue};

/// Files up to this size are read on the page: 48,000 studies of CSV open and draw in under a
/// second (`bench/import.mjs`), and handing that dataset back from the worker as JSON would take
/// longer than reading it. Larger files are read in the worker, so the page never freezes.
const READ_ON_PAGE_BYTES: f64 = 1e6;

fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

/// Opens "Use your own data" (in the sidebar, below the fold on a small screen), brings it into
/// view and puts the cursor in the paste box.
pub fn open_import() {
    let Some(document) = window().document() else { return };
    if let Some(details) =
        document.get_element_by_id("import").and_then(|e| e.dyn_into::<web_sys::HtmlDetailsElement>().ok())
    {
        details.set_open(true);
        details.scroll_into_view();
    }
    if let Some(text) =
        document.get_element_by_id("import-text").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = text.focus();
    }
}

/// Where the result was: why the user's data could not be analysed, by line, study and field.
#[component]
pub fn ImportProblems(state: AppState) -> impl IntoView {
    view! {
        <Show when=move || state.import_problems.with(|p| !p.is_empty())>
            <div class="import-problems" id="import-problems" role="alert" data-testid="import-problems">
                <h2>"Your data could not be analysed"</h2>
                <p>"Nothing you typed is lost: it stays in the paste box. Correct what is listed and press \"Analyse this data\" again."</p>
                <ul>{move || state.import_problems.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                <button type="button" data-testid="import-problems-edit" on:click=move |_| open_import()>"Correct the data"</button>
                " "
                <button type="button" data-testid="import-problems-dismiss" on:click=move |_| state.import_problems.set(Vec::new())>
                    "Show the previous result instead"
                </button>
            </div>
        </Show>
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
    let errors = state.import_problems;
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
            // The reasons stand where the result was: bring them into view once drawn.
            request_animation_frame(|| {
                if let Some(panel) = window().document().and_then(|d| d.get_element_by_id("import-problems")) {
                    panel.scroll_into_view();
                }
            });
        }
    };
    // A large file is read in the worker; `reading` names it meanwhile and Cancel drops the job.
    let reading = RwSignal::new(None::<String>);
    let job = StoredValue::new_local(None::<BackgroundJob>);
    // Each file chosen, and each Cancel, starts a new generation: a read still under way for an
    // older one is dropped when it completes.
    let generation = StoredValue::new(0u32);
    let finish = move |reply: FileReply| {
        // The worker's handler may be the caller: its closure is dropped once it has returned.
        if let Some(done) = job.try_update_value(Option::take).flatten() {
            wasm_bindgen_futures::spawn_local(async move { drop(done) });
        }
        reading.set(None);
        if let Ok(OpenedFile { csv: Some(csv), .. }) = &reply {
            text.set(csv.clone());
        }
        accept(reply.map(|opened| {
            let warning = opened.warning.clone();
            (DataSource::from_opened(opened), warning)
        }));
    };
    let open_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        // Choosing the same file again (after editing it elsewhere) must read it again.
        input.set_value("");
        if let Some(why) = too_large(&name, file.size() as usize) {
            return finish(Err(vec![why]));
        }
        job.set_value(None);
        generation.update_value(|g| *g += 1);
        let this_read = generation.get_value();
        reading.set(Some(format!("Reading {name} ({})…", megabytes(file.size()))));
        wasm_bindgen_futures::spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
            if generation.get_value() != this_read {
                return;
            }
            let Ok(buffer) = read else {
                return finish(Err(vec![format!("{name}: the file could not be read")]));
            };
            if file.size() <= READ_ON_PAGE_BYTES {
                return finish(open_file(&name, &js_sys::Uint8Array::new(&buffer).to_vec()));
            }
            let request = js_sys::Array::of2(&JsValue::from_str(&name), &buffer);
            let on_reply = move |reply: JsValue| {
                finish(
                    reply
                        .as_string()
                        .and_then(|json| serde_json::from_str::<FileReply>(&json).ok())
                        .unwrap_or_else(|| Err(vec![format!("{name}: the reader gave no answer")])),
                );
            };
            match BackgroundJob::start(request.into(), js_sys::Array::of1(&buffer), on_reply, move || {
                finish(Err(vec!["the file reader stopped with an error".into()]))
            }) {
                Ok(started) => job.set_value(Some(started)),
                Err(why) => finish(Err(vec![why])),
            }
        });
    };
    on_cleanup(move || job.set_value(None));
    let cancel = move |_| {
        generation.update_value(|g| *g += 1);
        job.set_value(None);
        reading.set(None);
    };
    let save_json = move |_| {
        state
            .source
            .with_untracked(|s| download(&format!("{}.json", s.dataset.id), "application/json", &s.dataset.to_json()))
    };
    let save_csv = move |_| {
        state
            .source
            .with_untracked(|s| download(&format!("{}.csv", s.dataset.id), "text/csv", &dataset_to_csv(&s.dataset)))
    };
    view! {
        <details class="import" id="import">
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
                    forget_all();
                    state.user_data.set(vec![]);
                    state.switch_data(DataSource::flagship());
                }>"Back to the dupilumab trials"</button>
            </div>
            <Show when=move || reading.with(Option::is_some)>
                <p class="reading" data-testid="import-reading" role="status">{move || reading.get()}
                    " " <button type="button" data-testid="import-cancel" on:click=cancel>"Cancel"</button></p>
            </Show>
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
