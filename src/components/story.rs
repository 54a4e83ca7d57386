//! Story mode: the session's changes (the undo history on the data on screen) replayed step by
//! step, with the buttons or the keyboard (→ / PageDown, ← / PageUp, Esc), and shared as one link
//! that replays the same story elsewhere.
use crate::link::{link_with, story_param};
use crate::state::{describe_change, AppState};
use leptos::prelude::*;

/// At the desk: replay the session's analyses, or take the link that replays them.
#[component]
pub fn StoryTools(state: AppState) -> impl IntoView {
    let steps = move || {
        state
            .source
            .with_untracked(|data| state.history.with_untracked(|h| h.story(&state.selection.get_untracked(), data)))
    };
    let count = Memo::new(move |_| state.source.with(|data| state.history.with(|h| h.story_len(data))));
    let count = move || count.get();
    let link = RwSignal::new(None::<String>);
    view! {
        <section class="story-tools" aria-label="Story">
            <span data-testid="story-count">{move || format!("This session: {} {}.", count(), if count() == 1 { "analysis" } else { "analyses in order" })}</span>
            <button type="button" data-testid="story-replay" prop:disabled=move || count() < 2
                title=move || if count() < 2 { "Make a change first: a story replays two analyses or more" } else { "Replay this session's analyses step by step" } on:click=move |_| state.start_story(steps())>"Replay as a story"</button>
            <button type="button" data-testid="story-link-make" prop:disabled=move || count() < 2
                title=move || if count() < 2 { "Make a change first: a story replays two analyses or more" } else { "Copy a link that replays these analyses elsewhere" }
                on:click=move |_| {
                    let url = link_with(&story_param(&steps()));
                    let _ = window().navigator().clipboard().write_text(&url);
                    link.set(Some(url));
                }>"Story link"</button>
            {move || link.get().map(|url| view! {
                <label class="story-link">"Copied; it replays this story elsewhere: "
                    <input type="text" readonly data-testid="story-link" prop:value=url />
                </label>
            })}
        </section>
    }
}

/// While a story plays: where it is, what the step changed, and the way on.
#[component]
pub fn StoryBar(state: AppState) -> impl IntoView {
    let bar = move || {
        state.story.with(|story| {
            story.as_ref().map(|story| {
                let (at, total) = (story.at, story.steps.len());
                let what = if at == 0 {
                    "the start".to_string()
                } else {
                    let dataset = state.source.with(|s| s.dataset.clone());
                    describe_change(&dataset, &story.steps[at - 1], &story.steps[at], true).unwrap_or_else(|| "nothing in the analysis changed".into())
                };
                view! {
                    <p class="story-bar" role="group" aria-label="Story">
                        <span data-testid="story-step" data-value=at.to_string()>{format!("Story, step {} of {total}: {what}", at + 1)}</span>
                        <button type="button" data-testid="story-prev" prop:disabled=at == 0 on:click=move |_| state.story_step(false)>"← Previous"</button>
                        <button type="button" data-testid="story-next" prop:disabled=at + 1 == total on:click=move |_| state.story_step(true)>"Next →"</button>
                        <button type="button" data-testid="story-end" on:click=move |_| state.story.set(None)>"End the story"</button>
                    </p>
                }
            })
        })
    };
    view! { {bar} }
}
