//! Live cross-check against R's metafor. Runs `tests/metafor/reference.R`, which exports
//! metafor's datasets and generated edge cases, fits every case with metafor, and writes the
//! results; every number is then compared with the engine to 1e-6 (relative above 1).
//! Needs Rscript with metafor (`./x test` installs Debian's r-cran-metafor).
use livemeta_core::analysis::{analyze, AnalysisOptions, Model, PredictionCritical};
use livemeta_core::csv_input::{parse_studies, to_csv};
use livemeta_core::dataset::{Dataset, DoseSelection, TrialData};
use livemeta_core::{CorrectionScope, Measure, StudyCounts, ZeroCellPolicy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TOLERANCE: f64 = 1e-6;

fn options_from_case(case: &str) -> AnalysisOptions {
    let field = |key: &str| {
        case.split(';').find_map(|kv| kv.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("{key} missing in {case}"))
    };
    let model = match field("method") {
        "EE" => Model::CommonInverseVariance,
        other => Model::from_code(other).unwrap_or_else(|| panic!("unknown method in {case}")),
    };
    AnalysisOptions {
        measure: Measure::from_code(field("measure")).expect("measure"),
        model,
        zero_cells: ZeroCellPolicy {
            add: field("add").parse().expect("add"),
            scope: CorrectionScope::from_code(field("to")).expect("to"),
            drop_double_zero: field("drop00") == "1",
        },
        knapp_hartung: field("knha") == "1",
        prediction: match field("pi") {
            "z" => PredictionCritical::Z,
            "t1" => PredictionCritical::TKMinus1,
            _ => PredictionCritical::TKMinus2,
        },
        level: 0.95,
    }
}

fn write_dupilumab_csvs(dir: &Path) -> usize {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/dupilumab.json")).unwrap();
    let dataset = Dataset::from_json(&text).unwrap();
    let mut written = 0;
    for outcome in &dataset.outcomes {
        let studies: Vec<StudyCounts> = dataset
            .trials
            .iter()
            .filter_map(|t| match t.data_for(outcome, &DoseSelection::AllCombined) {
                TrialData::Reported { counts, .. } => Some(counts),
                _ => None,
            })
            .collect();
        if !studies.is_empty() {
            std::fs::write(dir.join(format!("dupilumab_{}.csv", outcome.id)), to_csv(&studies)).unwrap();
            written += 1;
        }
    }
    written
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"')
}

#[test]
fn engine_matches_metafor() {
    // LIVEMETA_METAFOR_OUTPUT reuses an earlier run's output while working on the engine.
    let out = match std::env::var_os("LIVEMETA_METAFOR_OUTPUT") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("metafor-crosscheck");
            let _ = std::fs::remove_dir_all(&out);
            std::fs::create_dir_all(out.join("datasets")).unwrap();
            assert!(write_dupilumab_csvs(&out.join("datasets")) > 0, "no dupilumab outcome has data");
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/metafor/reference.R");
            let status = Command::new("Rscript")
                .arg(&script)
                .arg(&out)
                .status()
                .expect("Rscript not found: install R and metafor (./x test does this)");
            assert!(status.success(), "reference.R failed");
            out
        }
    };

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
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{dataset}.csv"))).unwrap()).unwrap()
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
                Ok(a) => mismatches.push(format!("{dataset} {case}: metafor refused, engine gave {:?}", a.pooled.estimate)),
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
            let ok = match got {
                Some(g) if want.is_nan() => g.is_nan(),
                Some(g) => (g - want).abs() <= TOLERANCE * want.abs().max(1.0),
                None => false,
            };
            if !ok {
                mismatches.push(format!("{dataset} {case} {quantity}: metafor {want:.12e}, engine {got:?}"));
            }
        }
    }
    std::fs::write(out.join("mismatches.txt"), mismatches.join("\n")).unwrap();
    println!("metafor cross-check: {} cases, {compared} numbers compared, {both_refused} refused by both, {engine_drops_zero_variance} where metafor refused a zero-variance RD that the engine marks not estimable", cases.len());
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.iter().take(60).cloned().collect::<Vec<_>>().join("\n"));
    assert!(compared > 10_000, "only {compared} numbers compared");
}
