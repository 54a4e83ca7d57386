//! This browser's copy of the user's sets (localStorage), so a reload finds them.
//!
//! Each set lives under a key of its own (`livemeta.set.<slot>`), so two tabs that save
//! different sets never overwrite each other, and a tab hears of another tab's change through
//! the `storage` event. A stored set that no longer reads is reported, kept as it is, and its
//! slot is never given to another set, so nothing overwrites it unasked. A set too large for
//! localStorage goes to IndexedDB (`large_sets`), read after the page starts.
use crate::large_sets;
use crate::state::{DataSource, Origin, Unreadable};
use leptos::prelude::*;
use livemeta_core::data::Dataset;
use std::cell::RefCell;
use std::collections::BTreeSet;

const SET_PREFIX: &str = "livemeta.set.";
/// The slot last on screen in any tab.
const CURRENT_KEY: &str = "livemeta.data.current";
/// Earlier versions kept every set in one list, and before that one set under one key.
const LIST_KEY: &str = "livemeta.data.sets";
const OLD_CSV_KEY: &str = "livemeta.data.csv";
const OLD_DATASET_KEY: &str = "livemeta.data.json";
/// How an unreadable IndexedDB record is named, for `discard`.
const LARGE_PREFIX: &str = "indexeddb:";

thread_local! {
    /// The slots held in IndexedDB, as far as this page knows (read at start, then written).
    static LARGE: RefCell<BTreeSet<u32>> = const { RefCell::new(BTreeSet::new()) };
}

/// What this browser holds: the sets that read, sorted by slot, the slot last on screen, and
/// the entries that do not read.
#[derive(Debug, Default)]
pub struct Kept {
    pub sets: Vec<DataSource>,
    pub current: Option<u32>,
    pub unreadable: Vec<Unreadable>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn keys(storage: &web_sys::Storage) -> Vec<String> {
    (0..storage.length().unwrap_or(0)).filter_map(|i| storage.key(i).ok().flatten()).collect()
}

fn slot_of(key: &str) -> Option<u32> {
    key.strip_prefix(SET_PREFIX)?.parse().ok()
}

/// One set as stored: `{"csv": ...}` (the CSV as typed) or `{"dataset": ...}`.
fn entry_text(source: &DataSource) -> String {
    match &source.origin {
        Origin::Csv(csv) => serde_json::json!({ "csv": csv.as_ref() }),
        _ => serde_json::json!({ "dataset": source.dataset.as_ref() }),
    }
    .to_string()
}

fn read_entry(slot: u32, text: &str) -> Result<DataSource, String> {
    let entry: serde_json::Value =
        serde_json::from_str(text).map_err(|_| "its text is cut off or damaged".to_string())?;
    read_value(slot, &entry)
}

fn read_value(slot: u32, entry: &serde_json::Value) -> Result<DataSource, String> {
    let source = match (entry["csv"].as_str(), entry.get("dataset")) {
        (Some(csv), _) => {
            DataSource::from_csv(csv).map(|(source, _)| source).map_err(|problems| problems.join("; "))?
        }
        (None, Some(json)) => {
            serde_json::from_value::<Dataset>(json.clone()).map(DataSource::from_file).map_err(|e| e.to_string())?
        }
        _ => return Err("neither a CSV nor a dataset".into()),
    };
    Ok(DataSource { slot, ..source })
}

/// Moves the sets of earlier versions to a key each; the old entry goes only once every set in
/// it is written, and an old entry that does not read stays where it is (and is reported).
fn migrate(storage: &web_sys::Storage, unreadable: &mut Vec<Unreadable>) {
    let get = |key: &str| storage.get_item(key).ok().flatten();
    let mut moved = Vec::new();
    if let Some(text) = get(LIST_KEY) {
        match serde_json::from_str::<Vec<serde_json::Value>>(&text) {
            Ok(list) => moved.extend(list.into_iter().map(|entry| {
                let slot = entry["slot"].as_u64().unwrap_or(0) as u32;
                (slot.max(1), entry)
            })),
            Err(_) => {
                return unreadable.push(Unreadable {
                    key: LIST_KEY.into(),
                    text,
                    why: "its text is cut off or damaged".into(),
                })
            }
        }
    } else if let Some(json) = get(OLD_DATASET_KEY) {
        moved.push((1, serde_json::json!({ "dataset": serde_json::from_str::<serde_json::Value>(&json).unwrap_or(serde_json::Value::String(json)) })));
    } else if let Some(csv) = get(OLD_CSV_KEY) {
        moved.push((1, serde_json::json!({ "csv": csv })));
    } else {
        return;
    }
    let mut all_written = true;
    for (mut slot, mut entry) in moved {
        while get(&format!("{SET_PREFIX}{slot}")).is_some() {
            slot += 1;
        }
        let key = format!("{SET_PREFIX}{slot}");
        if let Some(map) = entry.as_object_mut() {
            map.remove("slot");
        }
        all_written &= storage.set_item(&key, &entry.to_string()).is_ok();
    }
    if all_written {
        for key in [LIST_KEY, OLD_DATASET_KEY, OLD_CSV_KEY] {
            let _ = storage.remove_item(key);
        }
    }
}

/// The user's sets kept in this browser.
pub fn kept_sets() -> Kept {
    let Some(storage) = storage() else { return Kept::default() };
    let mut kept = Kept::default();
    migrate(&storage, &mut kept.unreadable);
    let mut slots: Vec<(u32, String)> =
        keys(&storage).into_iter().filter_map(|k| slot_of(&k).map(|slot| (slot, k))).collect();
    slots.sort();
    for (slot, key) in slots {
        let Some(text) = storage.get_item(&key).ok().flatten() else { continue };
        match read_entry(slot, &text) {
            Ok(source) => kept.sets.push(source),
            Err(why) => kept.unreadable.push(Unreadable { key, text, why }),
        }
    }
    kept.current = current_slot().or_else(|| kept.sets.last().map(|s| s.slot));
    kept
}

/// A slot no set uses, in this tab or in this browser's storage (readable or not).
pub fn free_slot(sets: &[DataSource]) -> u32 {
    let stored = storage().map(|s| keys(&s).iter().filter_map(|k| slot_of(k)).max().unwrap_or(0)).unwrap_or(0);
    let large = LARGE.with(|l| l.borrow().last().copied().unwrap_or(0));
    sets.iter().map(|s| s.slot).max().unwrap_or(0).max(stored).max(large) + 1
}

/// Writes one set under its own key, or to IndexedDB when localStorage has no room for it;
/// `on_fail` gets a sentence when the browser keeps it nowhere.
pub fn keep(source: &DataSource, on_fail: impl FnOnce(String) + 'static) {
    let Some(storage) = storage() else { return };
    let (slot, key, text) = (source.slot, format!("{SET_PREFIX}{}", source.slot), entry_text(source));
    if storage.set_item(&key, &text).is_ok() {
        if LARGE.with(|l| l.borrow_mut().remove(&slot)) {
            wasm_bindgen_futures::spawn_local(async move { drop(large_sets::delete(slot).await) });
        }
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match large_sets::put(slot, &text).await {
            Ok(()) => {
                LARGE.with(|l| l.borrow_mut().insert(slot));
                // An older copy that did fit must not stand in for this one.
                let _ = storage.remove_item(&key);
            }
            Err(_) => on_fail("This browser would not keep your data (storage full or switched off): save it as a file before you reload.".into()),
        }
    });
}

/// The sets kept in IndexedDB, and those of its records that do not read, once read.
pub fn load_large(on_loaded: impl FnOnce(Vec<DataSource>, Vec<Unreadable>) + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(records) = large_sets::all().await else { return };
        let (mut sets, mut unreadable) = (Vec::new(), Vec::new());
        for (slot, text) in records {
            LARGE.with(|l| l.borrow_mut().insert(slot));
            match read_entry(slot, &text) {
                Ok(source) => sets.push(source),
                Err(why) => unreadable.push(Unreadable { key: format!("{LARGE_PREFIX}{slot}"), text, why }),
            }
        }
        on_loaded(sets, unreadable);
    });
}

/// The slot last on screen in any tab.
pub fn current_slot() -> Option<u32> {
    storage()?.get_item(CURRENT_KEY).ok().flatten()?.parse().ok()
}

pub fn keep_current(slot: u32) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(CURRENT_KEY, &slot.to_string());
    }
}

/// Forgets every set kept in this browser, as the user asked.
pub fn forget_all() {
    LARGE.with(|l| l.borrow_mut().clear());
    wasm_bindgen_futures::spawn_local(async { drop(large_sets::clear().await) });
    let Some(storage) = storage() else { return };
    for key in keys(&storage)
        .into_iter()
        .filter(|k| slot_of(k).is_some() || [CURRENT_KEY, LIST_KEY, OLD_CSV_KEY, OLD_DATASET_KEY].contains(&k.as_str()))
    {
        let _ = storage.remove_item(&key);
    }
}

/// Forgets one unreadable entry, once the user has saved it or let it go.
pub fn discard(key: &str) {
    if let Some(slot) = key.strip_prefix(LARGE_PREFIX).and_then(|s| s.parse::<u32>().ok()) {
        LARGE.with(|l| l.borrow_mut().remove(&slot));
        wasm_bindgen_futures::spawn_local(async move { drop(large_sets::delete(slot).await) });
        return;
    }
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// What another tab did to a stored set: kept it, removed it, or left text that does not read.
pub enum OtherTab {
    Kept(DataSource),
    Removed(u32),
    Unreadable(Unreadable),
}

/// Calls `on_change` for each change another tab makes to the stored sets.
pub fn listen_to_other_tabs(on_change: impl Fn(OtherTab) + 'static) {
    window_event_listener(leptos::ev::storage, move |event| {
        let Some(key) = event.key() else { return };
        let Some(slot) = slot_of(&key) else { return };
        on_change(match event.new_value() {
            None => OtherTab::Removed(slot),
            Some(text) => match read_entry(slot, &text) {
                Ok(source) => OtherTab::Kept(source),
                Err(why) => OtherTab::Unreadable(Unreadable { key, text, why }),
            },
        });
    });
}

/// Cells of the complete-the-paper table typed but not yet a valid table, per dataset: kept in
/// this tab's session storage, so a reload finds them and another tab's never mix in.
const UNFINISHED_PREFIX: &str = "livemeta.unfinished.";

/// An unfinished row: (outcome, trial, the four cells as typed).
pub type UnfinishedRow = (String, String, [String; 4]);

pub fn unfinished_rows(dataset: &str) -> Vec<UnfinishedRow> {
    let session = window().session_storage().ok().flatten();
    session
        .and_then(|s| s.get_item(&format!("{UNFINISHED_PREFIX}{dataset}")).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

pub fn keep_unfinished_rows(dataset: &str, rows: &[UnfinishedRow]) {
    let Some(session) = window().session_storage().ok().flatten() else { return };
    let key = format!("{UNFINISHED_PREFIX}{dataset}");
    let _ = if rows.is_empty() {
        session.remove_item(&key)
    } else {
        session.set_item(&key, &serde_json::to_string(rows).unwrap_or_default())
    };
}
