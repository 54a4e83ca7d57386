use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::Model;
use wasm_bindgen::prelude::*;

/// Keys for the presenter: 1-9 toggle trials, r / c switch to the outcome's random-effects
/// or the common-effect (Mantel-Haenszel) model, p toggles presenter mode; while a story plays,
/// → or PageDown and ← or PageUp step through it and Esc ends it; Ctrl+Z undoes
/// the last change and Ctrl+Shift+Z or Ctrl+Y redoes it. Ignored while typing in a field
/// (where the field's own undo applies).
pub fn install_shortcuts(state: AppState) {
    // For the page's whole life, so the handle is not kept.
    window_event_listener(leptos::ev::keydown, move |ev| {
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let tag = target.as_ref().map(|el| el.tag_name()).unwrap_or_default();
        let input_type = target.as_ref().and_then(|el| el.get_attribute("type")).unwrap_or_default();
        let text_field = tag == "TEXTAREA"
            || (tag == "INPUT" && !matches!(input_type.as_str(), "checkbox" | "radio" | "button" | "file"));
        if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() && !text_field {
            match ev.key().to_lowercase().as_str() {
                "z" => state.step(ev.shift_key()),
                "y" => state.step(true),
                _ => return,
            }
            ev.prevent_default();
            return;
        }
        let typing = matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT");
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
                let outcome_default = crate::state::Selection::for_outcome(
                    &state.source.with_untracked(|d| d.dataset.clone()),
                    &s.scope.outcome,
                )
                .method
                .model;
                let model = if outcome_default.is_random() { outcome_default } else { Model::RevManMhRandom };
                state.notice.set(s.method.pick_model(model));
            }),
            "c" => state.selection.update(|s| {
                let model = if s.method.measure == livemeta_core::Measure::PetoOR {
                    Model::CommonPeto
                } else {
                    Model::CommonMantelHaenszel
                };
                state.notice.set(s.method.pick_model(model));
            }),
            "p" => state.selection.update(|s| s.display.presenter = !s.display.presenter),
            // A story steps on with the arrows or a presentation clicker (PageDown, PageUp).
            "ArrowRight" | "PageDown" if state.story.with_untracked(Option::is_some) => state.story_step(true),
            "ArrowLeft" | "PageUp" if state.story.with_untracked(Option::is_some) => state.story_step(false),
            "Escape" if state.story.with_untracked(Option::is_some) => state.story.set(None),
            _ => {}
        }
    });
}
