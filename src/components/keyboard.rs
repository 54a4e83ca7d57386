use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::Model;
use wasm_bindgen::prelude::*;

/// Keys for the presenter: 1-9 toggle trials, r / c switch to the outcome's random-effects
/// or the common-effect (Mantel-Haenszel) model, p toggles presenter mode. Ignored while
/// typing in a field.
pub fn install_shortcuts(state: AppState) {
    let handler = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            digit @ ("1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9") => {
                let index: usize = digit.parse::<usize>().unwrap_or(1) - 1;
                if let Some((id, _)) = state.trials.get_untracked().get(index) {
                    state.toggle_trial(id);
                }
            }
            "r" => state.selection.update(|s| {
                let outcome_default = crate::state::Selection::for_outcome(&s.outcome).model;
                let model = if outcome_default.is_random() { outcome_default } else { Model::RevManMhRandom };
                state.notice.set(s.pick_model(model));
            }),
            "c" => state.selection.update(|s| {
                let model = if s.measure == livemeta_core::Measure::PetoOR { Model::CommonPeto } else { Model::CommonMantelHaenszel };
                state.notice.set(s.pick_model(model));
            }),
            "p" => state.selection.update(|s| s.presenter = !s.presenter),
            _ => {}
        }
    });
    let _ = window().add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
    handler.forget();
}
