use crate::components::keyboard::install_shortcuts;
use crate::components::{
    AnalysisControls, DataImport, ExportPanel, ForestPlotCanvas, ModelOptions, PooledSummary, ResultsPanel, SensitivityPanel, StudyTable,
    TrialToggles,
};
use crate::state::{AppState, DataSource, DATASET};
use crate::url_state::{initial_state, sync_with_url};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let (selection, data, ignored) = initial_state();
    let state = AppState::new(selection, data, ignored);
    sync_with_url(state.selection, state.source, state.notice);
    install_shortcuts(state);
    let presenter = move || state.selection.with(|s| s.presenter);
    let title = move || match state.source.with(|s| matches!(s, DataSource::Bundled)) {
        true => DATASET.title.clone(),
        false => "Your data (kept in this browser, and in the link while it is small)".to_string(),
    };
    view! {
        <div class="app" class:presenter=presenter class:viewing=move || state.selection.with(|s| s.view.is_some())>
            <a class="skip-link" href="#results">"Skip to the results"</a>
            <header class="masthead">
                <h1>"livemeta"</h1>
                <p class="subtitle">{title}</p>
                <label class="presenter-toggle">
                    <input type="checkbox" data-testid="presenter-toggle" prop:checked=presenter
                        on:change=move |ev| state.selection.update(|s| s.presenter = event_target_checked(&ev)) />
                    "Presenter mode " <kbd>"p"</kbd>
                </label>
            </header>
            <main class="layout" data-testid="app-ready">
                <aside class="sidebar">
                    <AnalysisControls state=state />
                    <TrialToggles state=state />
                    <ModelOptions state=state />
                    <DataImport state=state />
                </aside>
                <section class="results" id="results" tabindex="-1">
                    <PooledSummary state=state />
                    <ForestPlotCanvas state=state />
                    <ExportPanel state=state />
                    <SensitivityPanel state=state />
                    <ResultsPanel state=state />
                    <StudyTable state=state />
                </section>
            </main>
        </div>
    }
}
