//! What the cross-checks share: running reference.R once, reading the CSVs it writes, the
//! analysis options a case names, and the comparison to a tolerance.
use livemeta_core::data::to_csv;
use livemeta_core::data::{Dataset, DoseSelection, TrialData};
use livemeta_core::model::{AnalysisOptions, CiMethod, Model, PredictionCritical};
use livemeta_core::Coded;
use livemeta_core::{CorrectionScope, Measure, StudyCounts, ZeroCellPolicy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub(crate) const TOLERANCE: f64 = 1e-6;

pub(crate) fn options_from_case(case: &str) -> AnalysisOptions {
    let field = |key: &str| {
        case.split(';')
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{key} missing in {case}"))
    };
    let model = Model::from_code(field("method")).unwrap_or_else(|| panic!("unknown method in {case}"));
    AnalysisOptions {
        measure: Measure::from_code(field("measure")).expect("measure"),
        model,
        zero_cells: ZeroCellPolicy {
            add: field("add").parse().expect("add"),
            scope: CorrectionScope::from_code(field("to")).expect("to"),
            drop_double_zero: field("drop00") == "1",
        },
        ci_method: CiMethod::from_code(field("test")).expect("test"),
        prediction: PredictionCritical::from_code(field("pi")).expect("pi"),
        level: 0.95,
        ..AnalysisOptions::default()
    }
}

fn write_dupilumab_csvs(dir: &Path) -> usize {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/dupilumab.json")).unwrap();
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

pub(crate) fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"')
}

/// Runs reference.R once for all tests in this binary.
pub(crate) fn metafor_output() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(run_reference_script)
}

fn run_reference_script() -> PathBuf {
    // LIVEMETA_METAFOR_OUTPUT reuses an earlier run's output while working on the engine.
    match std::env::var_os("LIVEMETA_METAFOR_OUTPUT") {
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
    }
}

pub(crate) fn close(got: f64, want: f64) -> bool {
    if want.is_nan() {
        got.is_nan()
    } else {
        (got - want).abs() <= TOLERANCE * want.abs().max(1.0)
    }
}

/// Numbers compared with a reference, and those that differ beyond the tolerance.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) compared: usize,
    pub(crate) mismatches: Vec<String>,
}

impl Tally {
    pub(crate) fn check(&mut self, what: impl FnOnce() -> String, got: f64, want: f64, tolerance: f64) {
        self.compared += 1;
        let agrees = if want.is_nan() { got.is_nan() } else { (got - want).abs() <= tolerance * want.abs().max(1.0) };
        if !agrees {
            self.mismatches.push(format!("{}: engine {got}, reference {want}", what()));
        }
    }

    /// Prints the count and fails on any mismatch, or on fewer than `at_least` numbers.
    pub(crate) fn finish(self, what: &str, fits: usize, at_least: usize) {
        println!("{what} cross-check: {fits} fits, {} numbers", self.compared);
        assert!(self.mismatches.is_empty(), "{} mismatches:\n{}", self.mismatches.len(), self.mismatches.join("\n"));
        assert!(self.compared >= at_least, "only {} numbers", self.compared);
    }
}

/// A long CSV that R wrote (key columns, then quantity and value), as (quantity, value) lists
/// by the first `keys` columns.
pub(crate) fn cases_by_key(path: &Path, keys: usize) -> BTreeMap<Vec<String>, Vec<(String, f64)>> {
    let mut cases: BTreeMap<Vec<String>, Vec<(String, f64)>> = BTreeMap::new();
    for line in std::fs::read_to_string(path).unwrap().lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(unquote).collect();
        cases
            .entry(f[..keys].iter().map(|s| s.to_string()).collect())
            .or_default()
            .push((f[keys].to_string(), f[keys + 1].parse().unwrap()));
    }
    cases
}
