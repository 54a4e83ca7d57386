//! The pooled analysis itself against metafor's `rma`, `rma.mh` and `rma.peto`: every case of
//! every dataset, the convention presets, the estimator comparison, and the bundled BCG set
//! against `dat.bcg`.
use super::common::{cases_by_key, close, metafor_output, options_from_case, unquote, Tally, TOLERANCE};
use livemeta_core::data::parse_studies;
use livemeta_core::data::{Dataset, DoseSelection, TrialData};
use livemeta_core::model::Preset;
use livemeta_core::model::{analyze, AnalysisOptions, CiMethod, Model};
use livemeta_core::sensitivity::compare_estimators;
use livemeta_core::Coded;
use livemeta_core::{Measure, StudyCounts};
use std::collections::BTreeMap;

#[test]
fn engine_matches_metafor() {
    let out = metafor_output();

    let expected = std::fs::read_to_string(out.join("expected.csv")).unwrap();
    let mut cases: BTreeMap<(String, String), Vec<(String, f64)>> = BTreeMap::new();
    for line in expected.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(unquote).collect();
        let value: f64 = if f[3] == "NA" || f[3] == "NaN" { f64::NAN } else { f[3].parse().unwrap() };
        cases.entry((f[0].to_string(), f[1].to_string())).or_default().push((f[2].to_string(), value));
    }

    let mut compared = 0usize;
    let mut both_refused = 0usize;
    let mut engine_drops_zero_variance = 0usize;
    let mut mismatches = Vec::new();
    let mut datasets: BTreeMap<String, Vec<StudyCounts>> = BTreeMap::new();
    for ((dataset, case), quantities) in &cases {
        let studies = datasets.entry(dataset.clone()).or_insert_with(|| {
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{dataset}.csv"))).unwrap())
                .unwrap()
        });
        let options = options_from_case(case);
        let result = analyze(studies, &options);
        if quantities.iter().any(|(q, _)| q == "error") {
            // metafor refused; the engine must refuse too rather than invent a number.
            match &result {
                Err(_) => both_refused += 1,
                // metafor stops when a risk difference has zero variance (no correction, 0 or
                // all events in both arms); the engine lists that study as not estimable and
                // pools the rest. A documented difference, counted here.
                Ok(a) if options.measure == Measure::RD && a.studies.iter().any(|s| s.not_estimable.is_some()) => {
                    engine_drops_zero_variance += 1
                }
                Ok(a) => {
                    mismatches.push(format!("{dataset} {case}: metafor refused, engine gave {:?}", a.pooled.estimate))
                }
            }
            continue;
        }
        let a = match result {
            Ok(a) => a,
            Err(e) => {
                mismatches.push(format!("{dataset} {case}: engine error {e}"));
                continue;
            }
        };
        let h = &a.heterogeneity;
        let common = matches!(options.model, Model::CommonMantelHaenszel | Model::CommonPeto);
        for (quantity, want) in quantities {
            let got: Option<f64> = match quantity.as_str() {
                "beta" => Some(a.pooled.y),
                "se" => Some(a.pooled.se),
                "ci_lb" => Some(a.pooled.ci_lower),
                "ci_ub" => Some(a.pooled.ci_upper),
                "zval" => Some(a.pooled.statistic),
                "pval" => Some(a.pooled.p_value),
                "QE" => Some(h.q),
                "QEp" => h.p_value,
                "I2" => h.i2,
                "H2" => h.h2,
                "tau2" => Some(h.tau2),
                "k" if common => continue,
                "k" => Some(a.k as f64),
                "tau2_lb" => h.tau2_ci.map(|i| i.lower),
                "tau2_ub" => h.tau2_ci.map(|i| i.upper),
                "I2_lb" => h.i2_ci.map(|i| i.lower),
                "I2_ub" => h.i2_ci.map(|i| i.upper),
                "H2_lb" => h.h2_ci.map(|i| i.lower),
                "H2_ub" => h.h2_ci.map(|i| i.upper),
                "pi_lb" => a.prediction.map(|p| p.lower),
                "pi_ub" => a.prediction.map(|p| p.upper),
                q => {
                    let (kind, index) = q.split_at(if q.starts_with('w') { 1 } else { 2 });
                    let study = &a.studies[index.parse::<usize>().unwrap() - 1];
                    match kind {
                        "w" => Some(study.weight_percent.unwrap_or(0.0)),
                        "yi" => study.effect.map(|e| e.yi),
                        "vi" => study.effect.map(|e| e.vi),
                        _ => panic!("unknown quantity {q}"),
                    }
                }
            };
            compared += 1;
            let ok = got.is_some_and(|g| close(g, *want));
            if !ok {
                mismatches.push(format!("{dataset} {case} {quantity}: metafor {want:.12e}, engine {got:?}"));
            }
        }
    }
    std::fs::write(out.join("mismatches.txt"), mismatches.join("\n")).unwrap();
    println!("metafor cross-check: {} cases, {compared} numbers compared, {both_refused} refused by both, {engine_drops_zero_variance} where metafor refused a zero-variance RD that the engine marks not estimable", cases.len());
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(compared > 10_000, "only {compared} numbers compared");
}

/// The bundled BCG teaching set (sourced from metadat's raw data file) holds exactly the
/// tables R's own `dat.bcg` gives, trial by trial.
#[test]
fn bundled_bcg_set_is_metafors_dat_bcg() {
    let from_r = parse_studies(&std::fs::read_to_string(metafor_output().join("datasets/bcg.csv")).unwrap()).unwrap();
    let bundled = Dataset::from_json(include_str!("../../../../assets/bcg.json")).unwrap();
    let outcome = &bundled.outcomes[0];
    let tables: Vec<StudyCounts> = bundled
        .trials
        .iter()
        .map(|t| match t.data_for(outcome, &DoseSelection::AllCombined) {
            TrialData::Reported { counts, .. } => counts,
            other => panic!("{}: {other:?}", t.label),
        })
        .collect();
    assert_eq!(tables, from_r);
}

/// The estimator comparison against `rma(method = ...)` for all ten estimators, Wald and
/// Knapp-Hartung.
#[test]
fn estimator_comparison_matches_metafor() {
    let out = metafor_output();
    let text = std::fs::read_to_string(out.join("estimators.csv")).unwrap();
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(unquote).collect();
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{}.csv", f[0]))).unwrap())
                .unwrap();
        let options = AnalysisOptions {
            measure: Measure::RR,
            ci_method: CiMethod::from_code(f[2]).unwrap(),
            ..AnalysisOptions::default()
        };
        let fits = compare_estimators(&studies, &options);
        let fit = fits.iter().find(|r| r.label == f[1]).unwrap_or_else(|| panic!("no {} in the comparison", f[1]));
        let a = fit.analysis.as_ref().unwrap_or_else(|e| panic!("{line}: {e}"));
        let i2 = a.heterogeneity.i2.unwrap_or(f64::NAN);
        for (what, got, want) in [
            ("tau2", a.heterogeneity.tau2, f[3]),
            ("estimate", a.pooled.estimate, f[4]),
            ("ci_lower", a.pooled.ci_lower, f[5]),
            ("ci_upper", a.pooled.ci_upper, f[6]),
            ("i2", i2, f[7]),
        ] {
            let want: f64 = want.parse().unwrap();
            compared += 1;
            if !close(got, want) {
                mismatches.push(format!("{} {} {} {what}: engine {got}, metafor {want}", f[0], f[1], f[2]));
            }
        }
    }
    println!("estimator comparison cross-check: {compared} numbers");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(compared > 1_000, "only {compared} numbers");
}

/// Each convention preset (conventions.rs) against the metafor calls that reproduce that tool's
/// defaults (reference.R, "Convention presets"; the calls are also in the README).
#[test]
fn convention_presets_match_metafor() {
    let out = metafor_output();
    let mut tally = Tally { compared: 0, mismatches: Vec::new() };
    let cases = cases_by_key(&out.join("presets.csv"), 3);
    for (key, expected) in &cases {
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{}.csv", key[0]))).unwrap())
                .unwrap();
        let preset = Preset::from_code(&key[1]).unwrap();
        let a = analyze(&studies, &preset.convention().options(Measure::from_code(&key[2]).unwrap()))
            .unwrap_or_else(|e| panic!("{key:?}: {e}"));
        let (p, h) = (&a.pooled, &a.heterogeneity);
        for (quantity, want) in expected {
            let got = match quantity.as_str() {
                "beta" => p.y,
                "se" => p.se,
                "ci_lb" => p.ci_lower,
                "ci_ub" => p.ci_upper,
                "QE" => h.q,
                "tau2" => h.tau2,
                "I2" => h.i2.unwrap_or(f64::NAN),
                "H2" => h.h2.unwrap_or(f64::NAN),
                "tau2_lb" => h.tau2_ci.map_or(f64::NAN, |c| c.lower),
                "tau2_ub" => h.tau2_ci.map_or(f64::NAN, |c| c.upper),
                "pi_lb" => a.prediction.map_or(f64::NAN, |c| c.lower),
                "pi_ub" => a.prediction.map_or(f64::NAN, |c| c.upper),
                other => panic!("unknown quantity {other}"),
            };
            tally.check(|| format!("{key:?} {quantity}"), got, *want, TOLERANCE);
        }
    }
    tally.finish("convention presets", cases.len(), 1_000);
}
