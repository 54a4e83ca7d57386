//! Keeps the address bar and this browser's storage in step with the state: a history entry per
//! change, back and forward restore, the user's sets written as they change.
use super::codec::{data_param, decode, encode, ignored_sentence, STORY_STEPS};
use super::uri::decode_component;
use crate::state::{AppState, DataSource, Selection};
use crate::storage;
use leptos::prelude::*;
use livemeta_core::data::Dataset;
use livemeta_core::data::{unpack, Packed};
use wasm_bindgen::prelude::*;

/// The story a link carries, if any (its first `STORY_STEPS` steps), read on `dataset`.
pub fn story_from_link(dataset: &Dataset) -> Option<Vec<Selection>> {
    let query = current_query();
    let raw = query.trim_start_matches('?').split('&').find_map(|p| p.strip_prefix("story="))?;
    let steps: Vec<Selection> =
        raw.split(',').take(STORY_STEPS).filter_map(decode_component).map(|step| decode(&step, dataset).0).collect();
    (!steps.is_empty()).then_some(steps)
}

/// The link to this page as it is now, with `extra` parameters.
pub fn link_with(extra: &str) -> String {
    let location = window().location();
    format!(
        "{}{}{}{extra}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        current_query()
    )
}

fn current_query() -> String {
    window().location().search().unwrap_or_default()
}

fn replace_slot(sets: &mut Vec<DataSource>, set: DataSource) {
    match sets.iter_mut().find(|s| s.slot == set.slot) {
        Some(kept) => *kept = set,
        None => {
            sets.push(set);
            sets.sort_by_key(|s| s.slot);
        }
    }
}

/// The data a link asks for, and a note when it could not be had.
fn data_from(query: &str) -> (DataSource, Option<String>) {
    let param =
        |key: &str| query.trim_start_matches('?').split('&').find_map(|p| p.strip_prefix(key)?.strip_prefix('='));
    let fallback = |why: &str| (DataSource::flagship(), Some(format!("{why}; showing the dupilumab trials.")));
    if let Some(id) = param("set") {
        return match DataSource::bundled(id) {
            Some(source) => (source, None),
            None => fallback(&format!("Ignored from the link: set={id} (no such dataset)")),
        };
    }
    if let Some(packed) = param("pack") {
        return match unpack(packed) {
            Ok(Packed::Csv(csv)) => csv_source(&csv),
            Ok(Packed::DatasetJson(json)) => match Dataset::from_json(&json) {
                Ok(dataset) => (DataSource::from_file(dataset), None),
                Err(e) => fallback(&format!("The link's data could not be read ({e})")),
            },
            Err(why) => fallback(&format!("Could not open the data in the link: {why}")),
        };
    }
    // Links made before the data was compressed carry the CSV percent-encoded.
    let Some(raw) = param("data") else { return (DataSource::flagship(), None) };
    if raw == "local" {
        let kept = storage::kept_sets();
        return match kept.sets.into_iter().find(|s| Some(s.slot) == kept.current) {
            Some(source) => (source, None),
            None if !kept.unreadable.is_empty() => {
                fallback("The data kept in this browser could not be read (see the message above the plot)")
            }
            None => fallback("The link's data was kept in another browser"),
        };
    }
    match decode_component(raw) {
        Some(csv) => csv_source(&csv),
        None => fallback("The link's data is not readable (damaged in copying?)"),
    }
}

fn csv_source(csv: &str) -> (DataSource, Option<String>) {
    match DataSource::from_csv(csv) {
        Ok((source, warning)) => (source, warning),
        Err(problems) => (
            DataSource::flagship(),
            Some(format!("The link's data could not be read ({}); showing the dupilumab trials.", problems.join("; "))),
        ),
    }
}

/// The selection and data the address bar asks for, and what in it was ignored.
pub fn initial_state() -> (Selection, DataSource, Option<String>) {
    let query = current_query();
    let (data, data_note) = data_from(&query);
    let (selection, notes) = decode(&query, &data.dataset);
    let notice = [ignored_sentence(&notes), data_note].into_iter().flatten().collect::<Vec<_>>();
    (selection, data, (!notice.is_empty()).then(|| notice.join(" ")))
}

/// Pushes a history entry on every change, and restores the selection and data on
/// back/forward. The push waits until the change has been painted (pushState costs a few
/// milliseconds), and changes made within one frame become one entry.
/// `kept` is what this browser held at load. Returns whether the data on screen is too large
/// for a link (it stays in this browser).
pub fn sync_with_url(state: AppState, kept: Vec<DataSource>) -> Signal<bool> {
    let (selection, source, notice) = (state.selection, state.source, state.notice);
    // Compressing the data is done once per data change, not on every toggle.
    let data = Memo::new(move |_| source.with(data_param));
    let pending = StoredValue::new(None::<String>);
    let push = move || {
        if let Some(query) = pending.try_update_value(Option::take).flatten() {
            if query != current_query() {
                let _ = window().history().and_then(|h| h.push_state_with_url(&JsValue::NULL, "", Some(&query)));
            }
        }
    };
    // This browser's copy follows the user's sets (an import, an edit, an undo), so a reload
    // finds what was last shown. Only the sets this tab changed are written: a set another tab
    // changed since is that tab's to write.
    let written = StoredValue::new(kept);
    // Sets too large for localStorage are read from IndexedDB after the start: they join the
    // list, and the one a `data=local` link asked for is opened as the link would have.
    let opened_with = current_query();
    storage::load_large(move |sets, unreadable| {
        state.unreadable.update(|u| u.extend(unreadable));
        written.update_value(|w| sets.iter().for_each(|set| replace_slot(w, set.clone())));
        let asked = opened_with.contains("data=local").then(storage::current_slot).flatten();
        let wanted = sets.iter().find(|s| Some(s.slot) == asked).cloned();
        state.user_data.update(|kept| sets.into_iter().for_each(|set| replace_slot(kept, set)));
        if let Some(set) = wanted.filter(|_| source.with_untracked(|s| s.is_bundled())) {
            let (restored, ignored) = decode(&opened_with, &set.dataset);
            state.open_with(restored, set);
            notice.set(ignored_sentence(&ignored));
        }
    });
    Effect::new(move |_| {
        let current = source.with(|s| s.slot);
        state.user_data.with(|sets| {
            let changed: Vec<&DataSource> =
                written.with_value(|before| sets.iter().filter(|s| !before.contains(s)).collect());
            for set in changed {
                storage::keep(set, move |why| notice.set(Some(why)));
            }
            written.set_value(sets.clone());
        });
        if current != 0 {
            storage::keep_current(current);
        }
    });
    // Another tab's sets join this tab's list as they are kept (the set on screen stays).
    storage::listen_to_other_tabs(move |change| {
        let on_screen = source.with_untracked(|s| s.slot);
        match change {
            storage::OtherTab::Kept(set) => state.user_data.update(|sets| {
                written.update_value(|w| replace_slot(w, set.clone()));
                if set.slot != on_screen {
                    replace_slot(sets, set);
                }
            }),
            storage::OtherTab::Removed(slot) => state.user_data.update(|sets| {
                written.update_value(|w| w.retain(|s| s.slot != slot));
                sets.retain(|s| s.slot != slot || s.slot == on_screen);
            }),
            storage::OtherTab::Unreadable(entry) => state.unreadable.update(|u| u.push(entry)),
        }
    });
    Effect::new(move |previous: Option<()>| {
        let query = selection.with(encode) + &data.read();
        if previous.is_none() {
            // The first write only normalises the address; it is not a step to go back to.
            if query != current_query() {
                let _ = window().history().and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&query)));
            }
            return;
        }
        if pending.with_value(Option::is_none) {
            request_animation_frame(move || set_timeout(push, std::time::Duration::ZERO));
        }
        pending.set_value(Some(query));
    });
    window_event_listener(leptos::ev::popstate, move |_| {
        let (restored, data, ignored) = initial_state();
        let data = state.keep_user_set(data);
        if source.with_untracked(|s| *s != data) {
            state.show_data(data);
        }
        selection.set(restored);
        notice.set(ignored);
    });
    Signal::derive(move || data.with(|d| d == "&data=local"))
}
