use crate::components::keyboard::install_shortcuts;
use crate::components::{
    open_import, AnalysisControls, CompletePaper, DataEditor, DataImport, ExplainPanel, ExportPanel, ForestOptions,
    ForestPlotCanvas, ImportProblems, ModelOptions, PooledSummary, PredictReveal, PredictToggle, ResultsPanel,
    SensitivityPanel, StoryBar, StoryTools, StudyTable, SummaryOfFindings, TrialToggles, UnreadableSets,
};
use crate::link::{initial_state, story_from_link, sync_with_url};
use crate::state::{AppState, DataSource, Origin};
use crate::storage::{free_slot, kept_sets};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let (selection, data, ignored) = initial_state();
    // The user's sets kept from earlier visits stay one choice away; the data the link opened
    // joins them (as the set it already is, when it is one).
    let kept = kept_sets();
    let state = AppState::new(selection, DataSource::flagship(), ignored, free_slot);
    state.user_data.set(kept.sets.clone());
    state.unreadable.set(kept.unreadable);
    state.show_data(data);
    // A story link replays from its first step (read before the address is normalised).
    if let Some(steps) = state.source.with_untracked(|s| story_from_link(&s.dataset)) {
        state.start_story(steps);
    }
    let too_large_for_link = sync_with_url(state, kept.sets);
    install_shortcuts(state);
    let presenter = move || state.selection.with(|s| s.display.presenter);
    let all_methods = move || state.selection.with(|s| s.display.all_methods);
    // On the projector the controls wait behind one button (the keyboard shortcuts stay).
    let controls_open = RwSignal::new(false);
    // Where the user's data is kept, so nobody shares a link that cannot carry it.
    let title = move || {
        state.source.with(|s| {
            let name = match s.origin {
                Origin::Bundled => return s.dataset.title.clone(),
                Origin::Csv(_) => "Your data".to_string(),
                Origin::File => s.dataset.title.clone(),
            };
            if too_large_for_link.get() {
                format!("{name} (kept in this browser; too large for a link: save it as a file to share it)")
            } else {
                format!("{name} (kept in this browser and in the link)")
            }
        })
    };
    view! {
        <div class="app" class:presenter=presenter class:controls-open=move || controls_open.get() class:viewing=move || state.selection.with(|s| s.display.view.is_some())>
            <a class="skip-link" href="#results">"Skip to the results"</a>
            <header class="masthead">
                <h1>"livemeta"</h1>
                <p class="subtitle" title=title>{title}</p>
                <div class="history" role="group" aria-label="Undo and redo">
                    <button type="button" data-testid="undo" title="Undo the last change to the analysis or the data (Ctrl+Z)"
                        prop:disabled=move || state.history.with(|h| !h.can_undo()) on:click=move |_| state.step(false)>"Undo"</button>
                    <button type="button" data-testid="redo" title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
                        prop:disabled=move || state.history.with(|h| !h.can_redo()) on:click=move |_| state.step(true)>"Redo"</button>
                </div>
                <button type="button" class="own-data" data-testid="own-data" on:click=move |_| open_import() title="Paste a CSV or open a file: CSV, RevMan 5 review or livemeta dataset">"Open your own data"</button>
                <button type="button" class="controls-button" data-testid="presenter-controls" aria-controls="controls"
                    aria-expanded=move || controls_open.get().to_string() on:click=move |_| controls_open.update(|open| *open = !*open)>
                    {move || if controls_open.get() { "Hide the controls" } else { "Controls" }}
                </button>
                <PredictToggle state=state />
                <label class="methods-toggle" title="Model options, the results list, the analyses that test the result, and story mode">
                    <input type="checkbox" data-testid="methods-toggle" prop:checked=all_methods
                        on:change=move |ev| state.selection.update(|s| {
                            s.display.all_methods = event_target_checked(&ev);
                            // A view is one of the methods: it closes with them.
                            if !s.display.all_methods {
                                s.display.view = None;
                            }
                        }) />
                    "All methods"
                </label>
                <label class="presenter-toggle">
                    <input type="checkbox" data-testid="presenter-toggle" prop:checked=presenter
                        on:change=move |ev| state.selection.update(|s| s.display.presenter = event_target_checked(&ev)) />
                    "Presenter mode " <kbd>"p"</kbd>
                </label>
            </header>
            <main class="layout" data-testid="app-ready">
                <aside class="sidebar" id="controls">
                    <AnalysisControls state=state />
                    <TrialToggles state=state />
                    <Show when=all_methods><ModelOptions state=state /></Show>
                    <ForestOptions state=state />
                    <DataImport state=state />
                </aside>
                <section class="results" id="results" tabindex="-1" class:import-failed=move || state.import_problems.with(|p| !p.is_empty())>
                    <UnreadableSets state=state />
                    <ImportProblems state=state />
                    <PooledSummary state=state />
                    <PredictReveal state=state />
                    <StoryBar state=state />
                    <ExplainPanel state=state />
                    <ForestPlotCanvas state=state />
                    <ExportPanel state=state />
                    <SummaryOfFindings state=state />
                    <CompletePaper state=state />
                    <Show when=all_methods>
                        <StoryTools state=state />
                        <SensitivityPanel state=state />
                        <ResultsPanel state=state />
                    </Show>
                    <StudyTable state=state />
                    <DataEditor state=state />
                </section>
            </main>
        </div>
    }
}
