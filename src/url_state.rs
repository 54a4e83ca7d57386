//! Mirrors the selection into the query string, so a link restores the same view and the
//! browser's back and forward buttons step through changes.
use crate::state::{CumulativeOrder, Selection, SensitivityView, SubgroupBy, DATASET};
use leptos::prelude::*;
use livemeta_core::analysis::PredictionCritical;
use livemeta_core::{CorrectionScope, Measure, Model, ZeroCellPolicy};
use wasm_bindgen::prelude::*;

pub fn encode(s: &Selection) -> String {
    let mut q = format!("?outcome={}&dose={}&measure={}&model={}", s.outcome, s.dose, s.measure.code(), s.model.code());
    if !s.excluded.is_empty() {
        q.push_str(&format!("&off={}", s.excluded.join(",")));
    }
    if s.knapp_hartung {
        q.push_str("&knha=1");
    }
    if let Some(p) = s.prediction {
        q.push_str(&format!("&pi={}", p.code()));
    }
    if s.zero_cells != ZeroCellPolicy::for_model(s.model) {
        let z = s.zero_cells;
        q.push_str(&format!("&add={}&to={}&drop00={}", z.add, z.scope.code(), z.drop_double_zero as u8));
    }
    if s.compare_models {
        q.push_str("&both=1");
    }
    if s.presenter {
        q.push_str("&presenter=1");
    }
    if let Some(view) = s.view {
        q.push_str(&format!("&view={}", view.code()));
    }
    if s.cumulative_order != CumulativeOrder::Year {
        q.push_str(&format!("&order={}", s.cumulative_order.code()));
    }
    if s.subgroup_by != SubgroupBy::Background {
        q.push_str(&format!("&by={}", s.subgroup_by.code()));
    }
    q
}

/// The continuity corrections the controls offer; a link may set only these, so the select
/// always shows the value the analysis uses.
pub const OFFERED_ADD: [f64; 4] = [0.5, 0.25, 0.1, 1.0];

/// Reads a link. Unknown or malformed parameters fall back to the outcome's defaults, and each
/// one that was ignored or changed is named in the returned notes, so the page can say so.
pub fn decode(query: &str) -> (Selection, Vec<String>) {
    let params: Vec<(&str, &str)> =
        query.trim_start_matches('?').split('&').filter_map(|p| p.split_once('=')).collect();
    let get = |key: &str| params.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let flag = |key: &str| get(key) == Some("1");
    let mut notes = Vec::new();
    let mut ignored = |key: &str, value: &str, why: &str| notes.push(format!("{key}={value} ({why})"));
    let outcome = get("outcome").unwrap_or("");
    if !outcome.is_empty() && DATASET.outcome(outcome).is_none() {
        ignored("outcome", outcome, "no such outcome");
    }
    let mut s = Selection::for_outcome(outcome);
    match get("dose") {
        Some(dose) if dose == "all" || DATASET.regimens().iter().any(|(id, _)| id == dose) => s.dose = dose.to_string(),
        Some(dose) => ignored("dose", dose, "no such dose arm"),
        None => {}
    }
    let measure = get("measure").map(|code| (code, Measure::from_code(code)));
    match measure {
        Some((_, Some(m))) => s.measure = m,
        Some((code, None)) => ignored("measure", code, "not RR, OR, RD or PETO"),
        None => {}
    }
    match get("model").map(|code| (code, Model::from_code(code))) {
        Some((_, Some(m))) => {
            s.model = m;
            s.zero_cells = ZeroCellPolicy::for_model(m);
        }
        Some((code, None)) => ignored("model", code, "no such model"),
        None => {}
    }
    if !s.model.pools(s.measure) {
        let picked = s.measure;
        s.pick_model(s.model);
        ignored("measure", picked.code(), &format!("{} cannot pool it; {} used", s.model.label(), s.measure.label()));
    }
    if let Some(off) = get("off") {
        // Bundled trial ids, or imported rows ("row3").
        let known = |id: &str| {
            DATASET.trials.iter().any(|t| t.id == id)
                || id.strip_prefix("row").and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| (1..=1_000_000).contains(&n))
        };
        let (kept, unknown): (Vec<&str>, Vec<&str>) = off.split(',').filter(|id| !id.is_empty()).partition(|id| known(id));
        s.excluded = kept.into_iter().map(String::from).collect();
        if !unknown.is_empty() {
            ignored("off", &unknown.join(","), "no such trial");
        }
    }
    s.knapp_hartung = flag("knha");
    match get("pi").map(|code| (code, PredictionCritical::from_code(code))) {
        Some((_, p)) if p.is_some() => s.prediction = p,
        Some((code, _)) => ignored("pi", code, "not z, t1 or t2"),
        None => {}
    }
    match get("add").map(|a| (a, a.parse::<f64>())) {
        Some((_, Ok(add))) if OFFERED_ADD.contains(&add) => s.zero_cells.add = add,
        Some((raw, _)) => ignored("add", raw, &format!("the correction must be 0.1, 0.25, 0.5 or 1; {} used", s.zero_cells.add)),
        None => {}
    }
    match get("to").map(|code| (code, CorrectionScope::from_code(code))) {
        Some((_, Some(scope))) => s.zero_cells.scope = scope,
        Some((code, None)) => ignored("to", code, "not only0, all, if0all or none"),
        None => {}
    }
    if let Some(drop) = get("drop00") {
        s.zero_cells.drop_double_zero = drop == "1";
    }
    match get("view").map(|code| (code, SensitivityView::from_code(code))) {
        Some((_, Some(view))) => s.view = Some(view),
        Some((code, None)) => ignored("view", code, "not loo, cumulative, subgroups, smallstudy, influence or gosh"),
        None => {}
    }
    match get("order").map(|code| (code, CumulativeOrder::from_code(code))) {
        Some((_, Some(order))) => s.cumulative_order = order,
        Some((code, None)) => ignored("order", code, "not year, size, precision or listed"),
        None => {}
    }
    match get("by").map(|code| (code, SubgroupBy::from_code(code))) {
        Some((_, Some(by))) => s.subgroup_by = by,
        Some((code, None)) => ignored("by", code, "not background, duration, phase or publication"),
        None => {}
    }
    s.compare_models = flag("both");
    s.presenter = flag("presenter");
    (s, notes)
}

/// The notes from `decode` as one sentence for the page.
pub fn ignored_sentence(notes: &[String]) -> Option<String> {
    (!notes.is_empty()).then(|| format!("Ignored from the link: {}.", notes.join("; ")))
}

fn current_query() -> String {
    window().location().search().unwrap_or_default()
}

/// The selection the address bar asks for, and what in it was ignored.
pub fn initial_selection() -> (Selection, Option<String>) {
    let (selection, notes) = decode(&current_query());
    (selection, ignored_sentence(&notes))
}

/// Pushes a history entry on every change, and restores the selection on back/forward.
pub fn sync_with_url(selection: RwSignal<Selection>, notice: RwSignal<Option<String>>) {
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
    let on_pop = Closure::<dyn Fn()>::new(move || {
        let (restored, ignored) = initial_selection();
        selection.set(restored);
        notice.set(ignored);
    });
    let _ = window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
}
