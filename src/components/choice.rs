use crate::state::Labelled;
use leptos::prelude::*;

/// A labelled `<select>` bound to one part of the selection. The options may change with the
/// data; each option knows whether it is the current one, so the select never shows a stale
/// choice.
#[component]
pub fn Choice(
    #[prop(into)] label: TextProp,
    testid: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] current: Signal<String>,
    #[prop(into, optional)] disabled: Signal<bool>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    let options = move || {
        options
            .get()
            .into_iter()
            .map(|(value, text)| {
                let this = value.clone();
                view! { <option value=value prop:selected=move || current.with(|c| *c == this)>{text}</option> }
            })
            .collect_view()
    };
    view! {
        <label>
            {move || label.get()}
            <select data-testid=testid prop:value=move || current.get() prop:disabled=move || disabled.get() on:change=move |ev| on_pick(event_target_value(&ev))>
                {options}
            </select>
        </label>
    }
}

/// A `<select>` over a labelled choice of the selection.
#[component]
pub fn CodedChoice<T: Labelled>(
    label: &'static str,
    testid: &'static str,
    #[prop(into)] current: Signal<T>,
    on_pick: impl Fn(T) + 'static,
) -> impl IntoView {
    let options = T::ALL.iter().map(|c| (c.code().to_string(), c.label().to_string())).collect::<Vec<_>>();
    view! {
        <Choice label=label testid=testid options=options current=Signal::derive(move || current.get().code().to_string())
            on_pick=move |code| {
                if let Some(choice) = T::from_code(&code) {
                    on_pick(choice)
                }
            } />
    }
}

/// A labelled checkbox bound to one flag of the selection.
#[component]
pub fn Toggle(
    label: &'static str,
    testid: &'static str,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into, optional)] disabled: Signal<bool>,
    on_toggle: impl Fn(bool) + 'static,
) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" data-testid=testid prop:checked=move || checked.get() prop:disabled=move || disabled.get()
                on:change=move |ev| on_toggle(event_target_checked(&ev)) />
            {label}
        </label>
    }
}
