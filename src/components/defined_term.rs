//! A term with its plain definition from the engine's glossary, shown on hover and on focus.
//! The definition is drawn by the stylesheet from `data-definition` (and read out through
//! `aria-description`), so the text the page gives for the term itself is unchanged.
use leptos::prelude::*;
use livemeta_core::report::define_all_in;

#[component]
pub fn DefinedTerm(#[prop(into)] text: String) -> impl IntoView {
    let definition = define_all_in(&text);
    if definition.is_empty() {
        return view! { <span>{text}</span> }.into_any();
    }
    let term = text.clone();
    view! {
        <span class="term" tabindex="0" data-testid="term" data-term=term data-definition=definition.clone() aria-description=definition>
            {text}
        </span>
    }
    .into_any()
}
