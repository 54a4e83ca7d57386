//! Mirrors the selection into the query string, so a link restores the same view and the
//! browser's back and forward buttons step through changes.
use crate::state::{Selection, DATASET};
use leptos::prelude::*;
use livemeta_core::{Measure, Model};
use wasm_bindgen::prelude::*;

pub fn encode(s: &Selection) -> String {
    let mut q = format!("?outcome={}&dose={}&measure={}&model={}", s.outcome, s.dose, s.measure.code(), s.model.code());
    if !s.excluded.is_empty() {
        q.push_str("&off=");
        q.push_str(&s.excluded.join(","));
    }
    q
}

/// Unknown or malformed parameters fall back to the outcome's defaults.
pub fn decode(query: &str) -> Selection {
    let params: Vec<(&str, &str)> =
        query.trim_start_matches('?').split('&').filter_map(|p| p.split_once('=')).collect();
    let get = |key: &str| params.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let mut s = Selection::for_outcome(get("outcome").unwrap_or(""));
    if let Some(dose) = get("dose").filter(|d| *d == "all" || DATASET.regimens().iter().any(|(id, _)| id == d)) {
        s.dose = dose.to_string();
    }
    if let Some(m) = get("measure").and_then(Measure::from_code) {
        s.measure = m;
    }
    if let Some(m) = get("model").and_then(Model::from_code) {
        s.model = m;
    }
    if let Some(off) = get("off") {
        s.excluded = off.split(',').filter(|id| DATASET.trials.iter().any(|t| t.id == *id)).map(String::from).collect();
    }
    s
}

fn current_query() -> String {
    window().location().search().unwrap_or_default()
}

pub fn initial_selection() -> Selection {
    decode(&current_query())
}

/// Pushes a history entry on every change, and restores the selection on back/forward.
pub fn sync_with_url(selection: RwSignal<Selection>) {
    Effect::new(move |previous: Option<()>| {
        let query = selection.with(encode);
        if query != current_query() {
            // The first write only normalises the address; it is not a step to go back to.
            let _ = window().history().and_then(|h| match previous {
                None => h.replace_state_with_url(&JsValue::NULL, "", Some(&query)),
                Some(()) => h.push_state_with_url(&JsValue::NULL, "", Some(&query)),
            });
        }
    });
    let on_pop = Closure::<dyn Fn()>::new(move || selection.set(initial_selection()));
    let _ = window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
}
