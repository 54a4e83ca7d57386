//! Browser tests of the web crate, run by wasm-bindgen-test-runner in headless Chromium.
use livemeta_core::data::{to_csv, DoseSelection};
use livemeta_core::model::analyze;
use livemeta_core::Coded;
use livemeta_core::{CorrectionScope, Measure, Model, StudyCounts, Tau2Method};
use livemeta_plot::{forest_csv, RowStatus};
use livemeta_web::components::plot_of;
use livemeta_web::link::{decode, encode};
use livemeta_web::state::{pooled_trials, rows_for, CumulativeOrder, DataSource, Selection, SensitivityView};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn flagship() -> std::sync::Arc<livemeta_core::data::Dataset> {
    DataSource::flagship().dataset
}

#[wasm_bindgen_test]
fn selection_survives_the_url_round_trip() {
    let mut selection = Selection::for_outcome(&flagship(), "eczema_herpeticum");
    selection.scope.excluded = vec!["chronos".into(), "solo1".into()];
    selection.scope.dose = DoseSelection::Regimen("d300q2w".into());
    selection.display.view = Some(SensitivityView::Cumulative);
    // A view is one of the methods: the link opens them with it.
    selection.display.all_methods = true;
    selection.views.cumulative_order = CumulativeOrder::Size;
    assert_eq!(decode(&encode(&selection), &flagship()), (selection, vec![]));
}

#[wasm_bindgen_test]
fn unknown_url_parameters_fall_back_to_defaults() {
    let (selection, notes) = decode("?outcome=nonsense&measure=XX&off=notatrial", &flagship());
    assert_eq!(selection, Selection::for_outcome(&flagship(), "skin_infections"));
    assert_eq!(notes.len(), 3, "each ignored parameter is named: {notes:?}");
}

#[wasm_bindgen_test]
fn link_parameters_are_bounded_and_ignored_ones_are_named() {
    let default = Selection::for_outcome(&flagship(), "skin_infections");
    for bad in [
        "add=1e308",
        "add=-1",
        "add=NaN",
        "add=inf",
        "add=0.3",
        "pi=t9",
        "to=sometimes",
        "dose=d999",
        "model=XYZ",
        "off=row0",
    ] {
        let (selection, notes) = decode(&format!("?outcome=skin_infections&{bad}"), &flagship());
        assert_eq!(selection, default, "{bad} changed the analysis");
        assert_eq!(notes.len(), 1, "{bad} was ignored silently");
        assert!(notes[0].starts_with(bad.split('=').next().unwrap()), "{bad}: {notes:?}");
    }
    let (selection, _) = decode("?outcome=skin_infections&add=0.25&to=all", &flagship());
    assert_eq!((selection.method.zero_cells.add, selection.method.zero_cells.scope), (0.25, CorrectionScope::All));
    // A measure the model cannot pool gives way to the model, and the page is told.
    let (selection, notes) = decode("?outcome=eczema_herpeticum&measure=OR&model=PETO", &flagship());
    assert_eq!((selection.method.measure, selection.method.model), (Measure::PetoOR, Model::CommonPeto));
    assert_eq!(notes.len(), 1);
}

/// One CSV line's cells (quoted cells may hold commas).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(ch),
        }
    }
    cells.push(cell);
    cells
}

fn every_model() -> Vec<Model> {
    let mut all =
        vec![Model::RevManMhRandom, Model::CommonMantelHaenszel, Model::CommonInverseVariance, Model::CommonPeto];
    all.extend(Tau2Method::ALL.iter().copied().map(Model::Random));
    all
}

/// Tables with zero cells, double zeros and all-event arms, as a user might import them.
fn generated_studies() -> Vec<StudyCounts> {
    let mut seed = 20_181u64;
    let mut next = |bound: i64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) % bound as u64) as i64
    };
    (0..12)
        .map(|i| {
            let (n1, n2) = (1 + next(60), 1 + next(60));
            let events = |n: i64, kind: i64, draw: i64| match kind {
                0 => 0,
                1 => n,
                _ => draw % (n + 1),
            };
            let (k1, d1, k2, d2) = (next(4), next(100), next(4), next(100));
            StudyCounts::new(format!("G{i}"), events(n1, k1, d1), n1, events(n2, k2, d2), n2)
        })
        .collect()
}

/// The selection test of the wrong-number class: for every outcome, dose, measure, model and
/// zero-cell setting, on the bundled data and on generated zero-cell data, with one trial on
/// at a time, the one-study pool equals that study's row on screen and in the CSV export,
/// and the measure is the same in the analysis, the plot header, the link and the export.
#[wasm_bindgen_test]
fn every_selection_shows_one_answer_for_one_trial() {
    let imported = DataSource::from_csv(&to_csv(&generated_studies())).expect("generated data imports").0;
    let mut checked = 0;
    let mut one_study_pools = 0;
    for source in [DataSource::flagship(), DataSource::bundled("bcg-colditz1994").expect("the BCG set"), imported] {
        let dataset = source.dataset.clone();
        let outcomes: Vec<String> = dataset.outcomes.iter().map(|o| o.id.clone()).collect();
        let mut doses = vec![DoseSelection::AllCombined];
        doses.extend(dataset.regimens().into_iter().map(|(id, _)| DoseSelection::Regimen(id)));
        for outcome in &outcomes {
            for dose in &doses {
                let mut base = Selection::for_outcome(&dataset, outcome);
                base.scope.dose = dose.clone();
                let trial_ids: Vec<String> = rows_for(&base, &source)
                    .into_iter()
                    .filter(|r| r.pooled_counts().is_some())
                    .map(|r| r.trial_id)
                    .collect();
                for model in every_model() {
                    for &measure in Measure::ALL {
                        for scope in [
                            CorrectionScope::OnlyZero,
                            CorrectionScope::All,
                            CorrectionScope::IfAnyZero,
                            CorrectionScope::None,
                        ] {
                            for drop in [false, true] {
                                let mut selection = base.clone();
                                selection.method.pick_model(model);
                                selection.method.pick_measure(measure);
                                selection.method.zero_cells.scope = scope;
                                selection.method.zero_cells.drop_double_zero = drop;
                                let options = selection.method.options();
                                assert!(options.model.pools(options.measure), "{selection:?}");
                                assert_eq!(options.measure, measure, "the picked measure is kept");
                                if source.is_bundled() {
                                    assert_eq!(
                                        decode(&encode(&selection), &dataset),
                                        (selection.clone(), vec![]),
                                        "the link holds the same choice"
                                    );
                                    assert!(encode(&selection).contains(&format!("measure={}", measure.code())));
                                }
                                for only in &trial_ids {
                                    let mut one = selection.clone();
                                    one.scope.excluded = trial_ids.iter().filter(|id| *id != only).cloned().collect();
                                    let rows = rows_for(&one, &source);
                                    let analysis = analyze(&pooled_trials(&rows).1, &one.method.options());
                                    let plot = plot_of(&one, &source, &rows, &analysis);
                                    assert_eq!(plot.measure_label, measure.label(), "plot header");
                                    let csv = forest_csv(&plot);
                                    let csv_rows: Vec<Vec<String>> = csv.lines().skip(1).map(csv_fields).collect();
                                    assert!(
                                        csv_rows.iter().all(|r| r[1] == measure.label()),
                                        "CSV measure column: {csv}"
                                    );
                                    let row = plot.rows.iter().find(|r| r.status == RowStatus::Included);
                                    match (&analysis, row) {
                                        (Ok(a), Some(row)) => {
                                            assert_eq!(a.measure, measure);
                                            let (e, l, u) = row.estimate.expect("included rows have an estimate");
                                            let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
                                            let pooled = &plot.pooled[0];
                                            assert!(
                                                close(e, pooled.estimate)
                                                    && close(l, pooled.lower)
                                                    && close(u, pooled.upper),
                                                "{one:?}: row {e} [{l}, {u}] vs pooled {} [{}, {}]",
                                                pooled.estimate,
                                                pooled.lower,
                                                pooled.upper
                                            );
                                            let study_line = csv_rows
                                                .iter()
                                                .find(|r| r[3] == "study" && r[5] == "included")
                                                .expect("study line");
                                            let pooled_line =
                                                csv_rows.iter().find(|r| r[3] == "pooled").expect("pooled line");
                                            let value =
                                                |r: &Vec<String>, i: usize| r[r.len() - 4 + i].parse::<f64>().unwrap();
                                            for i in 0..3 {
                                                assert!(
                                                    close(value(study_line, i), value(pooled_line, i)),
                                                    "CSV: {csv}"
                                                );
                                            }
                                            one_study_pools += 1;
                                        }
                                        (Err(_), None) => assert!(plot.pooled.is_empty()),
                                        (Ok(a), None) => {
                                            panic!("{one:?}: pooled {} with no included row", a.pooled.estimate)
                                        }
                                        (Err(e), Some(row)) => {
                                            panic!("{one:?}: row {:?} shown but no pool: {e}", row.estimate)
                                        }
                                    }
                                    checked += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(one_study_pools > 1000, "only {one_study_pools} one-study pools of {checked}");
}

#[wasm_bindgen_test]
async fn mounted_app_shows_a_pooled_estimate_and_draws_the_plot() {
    livemeta_web::mount();
    // Effects run after the first render, and the plot is drawn once the browser has laid the
    // page out (its ResizeObserver reports then): wait two animation frames.
    for _ in 0..2 {
        let frame = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window().unwrap().request_animation_frame(&resolve);
        });
        wasm_bindgen_futures::JsFuture::from(frame).await.unwrap();
    }
    let document = web_sys::window().unwrap().document().unwrap();
    let estimate = document.query_selector("[data-testid=pooled-estimate]").unwrap().expect("pooled estimate shown");
    let value: f64 = estimate.get_attribute("data-value").unwrap().parse().unwrap();
    assert!(value > 0.0 && value.is_finite());
    let canvas: web_sys::HtmlCanvasElement =
        document.query_selector("[data-testid=forest-plot]").unwrap().unwrap().dyn_into().unwrap();
    assert!(canvas.width() > 300 && canvas.height() > 200, "canvas {}x{}", canvas.width(), canvas.height());
}

/// A bounded fuzz run of the link decoder: 5,000 links assembled from the pieces links are made
/// of (and break into). None may panic, and what a link decodes to is a fixed point: its own
/// link decodes to the same selection.
#[wasm_bindgen_test]
fn link_decoder_never_panics_and_its_links_decode_to_themselves() {
    let pieces = [
        "outcome=",
        "skin_infections",
        "eczema_herpeticum",
        "&",
        "=",
        "measure=",
        "OR",
        "RD",
        "PETO",
        "model=",
        "MH",
        "REML",
        "REVMAN",
        "off=",
        "chronos",
        ",",
        "row7",
        "row0",
        "typed=",
        "serious_adverse_events:all:beck_m12:2:55:3:54",
        ":",
        "-1",
        "99999999999999999999",
        "add=",
        "0.1",
        "0.3",
        "to=",
        "none",
        "all",
        "drop00=1",
        "view=",
        "gosh",
        "loo",
        "order=",
        "size",
        "by=",
        "phase",
        "knha=1",
        "knha=adhoc",
        "pi=",
        "t2",
        "%",
        "%zz",
        "ü",
        "?",
        "typedoff=1",
        "presenter=1",
        "both=1",
        "dose=",
        "d300q2w",
        "all",
        "data=",
        "local",
        "pack=",
        "c.",
        "j.eJwLzs9NVQhOLSrOz7NS0FTQUwAA",
        "set=",
        "bcg-colditz1994",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    for _ in 0..5000 {
        let mut query = String::from("?");
        for _ in 0..next() % 16 {
            query.push_str(pieces[next() % pieces.len()]);
        }
        let (selection, _) = decode(&query, &flagship());
        let (again, notes) = decode(&encode(&selection), &flagship());
        assert_eq!(again, selection, "{query}");
        assert!(notes.is_empty(), "the app's own link for {query} was partly ignored: {notes:?}");
    }
}
