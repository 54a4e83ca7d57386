//! Mirrors the selection into the query string, so a link restores the same view and the
//! browser's back and forward buttons step through changes.
use crate::state::{
    AppState, Coded, CumulativeOrder, DataSource, EnteredCounts, MultiverseFamily, Origin, Selection, SensitivityView,
    SubgroupBy, LENS_DEFAULT,
};
use crate::storage;
use leptos::prelude::*;
use livemeta_core::analysis::{CiMethod, I2From, PredictionCritical, QCentre};
use livemeta_core::conventions::Preset;
use livemeta_core::dataset::Dataset;
use livemeta_core::link_data::{pack, unpack, Packed};
use livemeta_core::tsa::TsaAssumptions;
use livemeta_core::{CorrectionScope, Measure, Model, StudyCounts, ZeroCellPolicy};
use wasm_bindgen::prelude::*;

pub fn encode(s: &Selection) -> String {
    let mut q = format!("?outcome={}&dose={}&measure={}&model={}", s.outcome, s.dose, s.measure.code(), s.model.code());
    if let Some(definition) = &s.definition {
        q.push_str(&format!("&def={definition}"));
    }
    if !s.excluded.is_empty() {
        q.push_str(&format!("&off={}", s.excluded.join(",")));
    }
    match s.ci_method {
        CiMethod::Wald => {}
        CiMethod::KnappHartung => q.push_str("&knha=1"),
        CiMethod::KnappHartungAdhoc => q.push_str("&knha=adhoc"),
    }
    if let Some(p) = s.prediction {
        q.push_str(&format!("&pi={}", p.code()));
    }
    if s.lens != LENS_DEFAULT {
        let side = |p: Option<Preset>| p.map_or("current", Preset::code);
        q.push_str(&format!("&lens={},{}", side(s.lens[0]), side(s.lens[1])));
    }
    if s.q_centre != QCentre::InverseVariance {
        q.push_str(&format!("&q={}", s.q_centre.code()));
    }
    if s.i2_from != I2From::Tau2 {
        q.push_str(&format!("&i2={}", s.i2_from.code()));
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
    if s.predict {
        q.push_str("&predict=1");
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
    if let Some(column) = &s.subgroup_column {
        q.push_str(&format!("&col={}", String::from(js_sys::encode_uri_component(column))));
    }
    if s.multiverse_family != MultiverseFamily::Ratio {
        q.push_str(&format!("&family={}", s.multiverse_family.code()));
    }
    if s.fit_mixed {
        q.push_str("&mixed=1");
    }
    if s.tau_prior != livemeta_core::bayes::SENSITIVITY_PRIORS[0] {
        q.push_str(&format!("&prior={}", s.tau_prior.code()));
    }
    if let Some(moderator) = &s.moderator {
        q.push_str(&format!("&mod={}", String::from(js_sys::encode_uri_component(moderator))));
    }
    // The trial sequential analysis's assumptions, where they differ from the defaults.
    let (tsa, default) = (s.tsa, TsaAssumptions::default());
    for (key, value, default) in [
        ("rrr", Some(tsa.relative_risk_reduction), Some(default.relative_risk_reduction)),
        ("power", Some(tsa.power), Some(default.power)),
        ("alpha", Some(tsa.alpha), Some(default.alpha)),
        ("pc", tsa.control_risk, None),
        ("d2", tsa.diversity, None),
    ] {
        if let Some(v) = value.filter(|_| value != default) {
            q.push_str(&format!("&{key}={v}"));
        }
    }
    // Counts typed in from the paper travel with the link: outcome:dose:trial:a:n1:c:n2.
    if !s.entered.is_empty() {
        let cells: Vec<String> = s
            .entered
            .iter()
            .map(|e| format!("{}:{}:{}:{}", e.outcome, e.dose, e.trial, e.counts.map(|c| c.to_string()).join(":")))
            .collect();
        q.push_str(&format!("&typed={}", cells.join(",")));
    }
    if !s.use_entered {
        q.push_str("&typedoff=1");
    }
    q
}

/// One cell of `typed=`, if it names a known outcome, dose and trial and holds a valid table.
fn entered_cell(cell: &str, dataset: &Dataset) -> Option<EnteredCounts> {
    let parts: Vec<&str> = cell.split(':').collect();
    let [outcome, dose, trial, rest @ ..] = parts.as_slice() else { return None };
    let counts: Vec<i64> = rest.iter().map(|n| n.parse().ok()).collect::<Option<_>>()?;
    let counts: [i64; 4] = counts.try_into().ok()?;
    let known = dataset.outcome(outcome).is_some()
        && dataset.trial(trial).is_some()
        && (*dose == "all" || dataset.regimens().iter().any(|(id, _)| id == dose));
    let valid = StudyCounts::new(*trial, counts[0], counts[1], counts[2], counts[3]).validate().is_ok();
    (known && valid).then(|| EnteredCounts {
        outcome: outcome.to_string(),
        dose: dose.to_string(),
        trial: trial.to_string(),
        counts,
    })
}

/// The continuity corrections the controls offer; a link may set only these, so the select
/// always shows the value the analysis uses.
pub const OFFERED_ADD: [f64; 4] = [0.5, 0.25, 0.1, 1.0];

/// A link's parameters, and a note for each one that was ignored.
struct Query<'a> {
    params: Vec<(&'a str, &'a str)>,
    notes: Vec<String>,
}

impl<'a> Query<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.params.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
    fn flag(&self, key: &str) -> bool {
        self.get(key) == Some("1")
    }
    fn ignore(&mut self, key: &str, value: &str, why: &str) {
        self.notes.push(format!("{key}={value} ({why})"));
    }
    /// The parsed value of `key`; a value that does not parse is ignored, and said so.
    fn parse<T>(&mut self, key: &str, parse: impl Fn(&str) -> Option<T>, why: &str) -> Option<T> {
        let raw = self.get(key)?;
        let value = parse(raw);
        if value.is_none() {
            self.ignore(key, raw, why);
        }
        value
    }
}

/// Steps a story link may hold at most.
pub const STORY_STEPS: usize = 200;

/// The story as a link parameter: each step's query, URI-encoded, comma-separated.
pub fn story_param(steps: &[Selection]) -> String {
    let steps: Vec<String> =
        steps.iter().map(|s| String::from(js_sys::encode_uri_component(encode(s).trim_start_matches('?')))).collect();
    format!("&story={}", steps.join(","))
}

/// The story a link carries, if any (its first `STORY_STEPS` steps), read on `dataset`.
pub fn story_from_link(dataset: &Dataset) -> Option<Vec<Selection>> {
    let query = current_query();
    let raw = query.trim_start_matches('?').split('&').find_map(|p| p.strip_prefix("story="))?;
    let steps: Vec<Selection> = raw
        .split(',')
        .take(STORY_STEPS)
        .filter_map(|step| js_sys::decode_uri_component(step).ok())
        .map(|step| decode(&String::from(step), dataset).0)
        .collect();
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

/// Reads a link for a dataset. Unknown or malformed parameters fall back to the outcome's
/// defaults, and each one that was ignored or changed is named in the returned notes, so the
/// page can say so.
pub fn decode(query: &str, dataset: &Dataset) -> (Selection, Vec<String>) {
    let mut q = Query {
        params: query.trim_start_matches('?').split('&').filter_map(|p| p.split_once('=')).collect(),
        notes: Vec::new(),
    };
    let outcome = q.get("outcome").unwrap_or("");
    if !outcome.is_empty() && dataset.outcome(outcome).is_none() {
        q.ignore("outcome", outcome, "no such outcome");
    }
    let mut s = Selection::for_outcome(dataset, outcome);
    let known_dose = |d: &str| (d == "all" || dataset.regimens().iter().any(|(id, _)| id == d)).then(|| d.to_string());
    if let Some(dose) = q.parse("dose", known_dose, "no such dose arm") {
        s.dose = dose;
    }
    let definitions = dataset.outcome_or_first(&s.outcome).definition_preference.clone();
    if let Some(definition) =
        q.parse("def", |d| definitions.iter().find(|x| *x == d).cloned(), "not a definition of this outcome")
    {
        s.definition = Some(definition);
    }
    if let Some(m) = q.parse("measure", Measure::from_code, "not RR, OR, RD or PETO") {
        s.measure = m;
    }
    if let Some(m) = q.parse("model", Model::from_code, "no such model") {
        s.model = m;
        s.zero_cells = ZeroCellPolicy::for_model(m);
    }
    if !s.model.pools(s.measure) {
        let picked = s.measure;
        s.pick_model(s.model);
        q.ignore("measure", picked.code(), &format!("{} cannot pool it; {} used", s.model.label(), s.measure.label()));
    }
    if let Some(off) = q.get("off") {
        let known = |id: &str| dataset.trial(id).is_some();
        let (kept, unknown): (Vec<&str>, Vec<&str>) =
            off.split(',').filter(|id| !id.is_empty()).partition(|id| known(id));
        s.excluded = kept.into_iter().map(String::from).collect();
        if !unknown.is_empty() {
            q.ignore("off", &unknown.join(","), "no such trial");
        }
    }
    if let Some(ci) = q.parse(
        "knha",
        |v| match v {
            "1" => Some(CiMethod::KnappHartung),
            "adhoc" => Some(CiMethod::KnappHartungAdhoc),
            _ => None,
        },
        "not 1 or adhoc",
    ) {
        s.ci_method = ci;
    }
    if let Some(p) = q.parse("pi", PredictionCritical::from_code, "not z, t1 or t2") {
        s.prediction = Some(p);
    }
    let lens_side = |code: &str| if code == "current" { Some(None) } else { Preset::from_code(code).map(Some) };
    if let Some(lens) = q.parse(
        "lens",
        |v| v.split_once(',').and_then(|(a, b)| Some([lens_side(a)?, lens_side(b)?])),
        "not two of current, revman5, revman2025, metafor, meta, stata",
    ) {
        s.lens = lens;
    }
    if let Some(centre) = q.parse("q", QCentre::from_code, "not iv or mh") {
        s.q_centre = centre;
    }
    if let Some(i2) = q.parse("i2", I2From::from_code, "not tau2 or q") {
        s.i2_from = i2;
    }
    let offered = |a: &str| a.parse::<f64>().ok().filter(|a| OFFERED_ADD.contains(a));
    let kept_add = format!("the correction must be 0.1, 0.25, 0.5 or 1; {} used", s.zero_cells.add);
    if let Some(add) = q.parse("add", offered, &kept_add) {
        s.zero_cells.add = add;
    }
    if let Some(scope) = q.parse("to", CorrectionScope::from_code, "not only0, all, if0all or none") {
        s.zero_cells.scope = scope;
    }
    if let Some(drop) = q.get("drop00") {
        s.zero_cells.drop_double_zero = drop == "1";
    }
    if let Some(view) = q.parse("view", SensitivityView::from_code, "not loo, cumulative, subgroups, smallstudy, influence, gosh, multiverse, fragility, tsa, tau2, metareg, bayes, rare, blup, rob or lens") {
        s.view = Some(view);
    }
    if let Some(order) = q.parse("order", CumulativeOrder::from_code, "not year, size, precision or listed") {
        s.cumulative_order = order;
    }
    if let Some(by) = q.parse("by", SubgroupBy::from_code, "not background, duration, phase or publication") {
        s.subgroup_by = by;
    }
    let moderators = livemeta_core::moderators::moderator_names(dataset);
    let known_moderator =
        |m: &str| js_sys::decode_uri_component(m).ok().map(String::from).filter(|m| moderators.contains(m));
    if let Some(moderator) = q.parse("mod", known_moderator, "not an attribute of these trials") {
        s.moderator = Some(moderator);
    }
    let columns = dataset.attribute_names();
    let known_column = |c: &str| js_sys::decode_uri_component(c).ok().map(String::from).filter(|c| columns.contains(c));
    if let Some(column) = q.parse("col", known_column, "not an attribute of these trials") {
        s.subgroup_column = Some(column);
    }
    if let Some(family) = q.parse("family", MultiverseFamily::from_code, "not ratio or rd") {
        s.multiverse_family = family;
    }
    s.fit_mixed = q.flag("mixed");
    if let Some(prior) =
        q.parse("prior", livemeta_core::bayes::TauPrior::from_code, "not a prior such as hn:0.5 or hc:1")
    {
        s.tau_prior = prior;
    }
    let share = |lo: f64, hi: f64| move |v: &str| v.parse::<f64>().ok().filter(|v| *v > lo && *v < hi);
    if let Some(v) = q.parse("rrr", share(0.0, 1.0), "not a share between 0 and 1") {
        s.tsa.relative_risk_reduction = v;
    }
    if let Some(v) = q.parse("power", share(0.5, 1.0), "not a share between 0.5 and 1") {
        s.tsa.power = v;
    }
    if let Some(v) = q.parse("alpha", share(0.0, 0.5), "not a share between 0 and 0.5") {
        s.tsa.alpha = v;
    }
    if let Some(v) = q.parse("pc", share(0.0, 1.0), "not a share between 0 and 1") {
        s.tsa.control_risk = Some(v);
    }
    if let Some(v) =
        q.parse("d2", |v| v.parse::<f64>().ok().filter(|v| (0.0..1.0).contains(v)), "not a share from 0 to below 1")
    {
        s.tsa.diversity = Some(v);
    }
    if let Some(typed) = q.get("typed") {
        for cell in typed.split(',').filter(|c| !c.is_empty()) {
            match entered_cell(cell, dataset) {
                Some(e) if !s.entered.iter().any(|x| x.same_cell(&e)) => s.entered.push(e),
                Some(_) => q.ignore("typed", cell, "the same cell twice; the first kept"),
                None => q.ignore("typed", cell, "not outcome:dose:trial:events:total:events:total of a known trial, with events between 0 and the total"),
            }
        }
    }
    s.use_entered = !q.flag("typedoff");
    s.compare_models = q.flag("both");
    s.presenter = q.flag("presenter");
    s.predict = q.flag("predict");
    (s, q.notes)
}

/// The notes from `decode` as one sentence for the page.
pub fn ignored_sentence(notes: &[String]) -> Option<String> {
    (!notes.is_empty()).then(|| format!("Ignored from the link: {}.", notes.join("; ")))
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

/// The link's data parameters: a bundled set by id (none for the flagship), the user's CSV or
/// dataset compressed (`pack=`) while it fits, else a pointer to this browser's copy.
fn data_param(source: &DataSource) -> String {
    let packed = match &source.origin {
        Origin::Bundled if source.dataset.id == DataSource::flagship().dataset.id => return String::new(),
        Origin::Bundled => return format!("&set={}", source.dataset.id),
        Origin::Csv(csv) => pack(&Packed::Csv(csv.to_string())),
        Origin::File => pack(&Packed::DatasetJson(source.dataset.to_json())),
    };
    packed.map_or_else(|| "&data=local".to_string(), |p| format!("&pack={p}"))
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
    match js_sys::decode_uri_component(raw) {
        Ok(csv) => csv_source(&String::from(csv)),
        Err(_) => fallback("The link's data is not readable (damaged in copying?)"),
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
    let on_pop = Closure::<dyn Fn()>::new(move || {
        let (restored, data, ignored) = initial_state();
        let data = state.keep_user_set(data);
        if source.with_untracked(|s| *s != data) {
            source.set(data);
        }
        selection.set(restored);
        notice.set(ignored);
    });
    let _ = window().add_event_listener_with_callback("popstate", on_pop.as_ref().unchecked_ref());
    on_pop.forget();
    Signal::derive(move || data.with(|d| d == "&data=local"))
}
