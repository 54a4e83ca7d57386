//! Paging through many studies: the table, the trial list and the plot show `PAGE_ROWS` at a
//! time and turn pages together; the analysis always pools every study.
use crate::state::{AppState, PAGE_ROWS};
use leptos::prelude::*;
use livemeta_core::report::count;

#[component]
pub fn RowPager(state: AppState, testid: &'static str) -> impl IntoView {
    let total = move || state.trials.with(Vec::len);
    let first = state.first_row;
    let range = move || {
        let from = first.get().min(total().saturating_sub(1));
        format!("Studies {}-{} of {}", count(from + 1), count((from + PAGE_ROWS).min(total())), count(total()))
    };
    view! {
        <Show when=move || { total() > PAGE_ROWS }>
            <div class="pager" role="group" aria-label="Pages of studies" data-testid=testid>
                <button type="button" data-testid=format!("{testid}-previous") prop:disabled=move || first.get() == 0
                    on:click=move |_| first.update(|f| *f = f.saturating_sub(PAGE_ROWS))>"Previous"</button>
                <span>{range}</span>
                <button type="button" data-testid=format!("{testid}-next") prop:disabled=move || { first.get() + PAGE_ROWS >= total() }
                    on:click=move |_| first.update(|f| *f += PAGE_ROWS)>"Next"</button>
            </div>
        </Show>
    }
}
