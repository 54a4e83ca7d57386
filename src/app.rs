use crate::components::{AnalysisControls, ForestPlotCanvas, PooledSummary, StudyTable, TrialToggles};
use crate::state::{AppState, DATASET};
use crate::url_state::{initial_selection, sync_with_url};
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(initial_selection());
    sync_with_url(state.selection);
    view! {
        <header class="masthead">
            <h1>"livemeta"</h1>
            <p class="subtitle">{DATASET.title.clone()}</p>
        </header>
        <main class="layout" data-testid="app-ready">
            <aside class="sidebar">
                <AnalysisControls state=state />
                <TrialToggles state=state />
            </aside>
            <section class="results">
                <PooledSummary state=state />
                <ForestPlotCanvas state=state />
                <StudyTable state=state />
            </section>
        </main>
    }
}
