//! Stored sets that no longer read (damaged or cut-off storage): said above the results, with
//! the text offered as a file, and never overwritten or dropped unless the user says so.
use crate::download::download;
use crate::state::AppState;
use crate::storage;
use leptos::prelude::*;

#[component]
pub fn UnreadableSets(state: AppState) -> impl IntoView {
    let entries = move || {
        state
            .unreadable
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, entry)| {
                let (key, text) = (entry.key.clone(), entry.text.clone());
                let save = move |_| download(&format!("livemeta-unreadable-set-{}.txt", i + 1), "text/plain", &text);
                let discard = move |_| {
                    storage::discard(&key);
                    state.unreadable.update(|u| u.retain(|e| e.key != key));
                };
                view! {
                    <p class="unreadable-set" role="alert" data-testid=format!("unreadable-set-{i}")>
                        {entry.sentence()} " "
                        <button type="button" data-testid=format!("unreadable-save-{i}") on:click=save>"Save it as a file"</button>
                        " "
                        <button type="button" data-testid=format!("unreadable-discard-{i}") on:click=discard>"Discard it"</button>
                    </p>
                }
            })
            .collect_view()
    };
    view! { <div class="unreadable-sets">{entries}</div> }
}
