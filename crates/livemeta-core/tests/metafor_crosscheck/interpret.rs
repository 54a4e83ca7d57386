//! Absolute effects and thresholds of clinical importance against the same formulas in R, from
//! metafor's fits.
use super::common::{cases_by_key, metafor_output, options_from_case, Tally, TOLERANCE};
use livemeta_core::data::parse_studies;
use livemeta_core::interpret::{beyond, AbsoluteEffect, ControlRisk, Threshold};
use livemeta_core::model::{analyze, Analysis, AnalysisOptions};
use livemeta_core::StudyCounts;
use std::path::Path;

fn fit(
    out: &Path,
    dataset: &str,
    measure: &str,
    test: &str,
    pi: &str,
) -> (Vec<StudyCounts>, AnalysisOptions, Analysis) {
    let studies =
        parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{dataset}.csv"))).unwrap()).unwrap();
    let options =
        options_from_case(&format!("measure={measure};method=REML;add=0.5;to=only0;drop00=0;test={test};pi={pi}"));
    let analysis = analyze(&studies, &options).unwrap_or_else(|e| panic!("{dataset} {measure} {test}: {e}"));
    (studies, options, analysis)
}

/// The anticipated risk and its CI, and 1/|difference| at the estimate and each limit, at the
/// pooled, the median and an assumed control risk, for RR, OR and RD.
#[test]
fn absolute_effects_match_r() {
    let out = metafor_output();
    let cases = cases_by_key(&out.join("absolute.csv"), 4);
    let mut tally = Tally::default();
    for (case, expected) in &cases {
        let [dataset, measure, test, acr] = [0, 1, 2, 3].map(|i| case[i].as_str());
        let (studies, _, analysis) = fit(out, dataset, measure, test, "z");
        let control_risk = ControlRisk::from_code(acr).unwrap().of(&studies).unwrap();
        let effect = AbsoluteEffect::of(&analysis, control_risk).unwrap();
        let (_, lower, upper) = effect.difference();
        for (quantity, want) in expected {
            let got = match quantity.as_str() {
                "acr" => effect.control_risk,
                "risk" => effect.risk,
                "lower" => effect.risk_lower,
                "upper" => effect.risk_upper,
                "nnt" => 1.0 / (effect.risk - effect.control_risk).abs(),
                "nnt_lower_end" => 1.0 / lower.abs(),
                "nnt_upper_end" => 1.0 / upper.abs(),
                q => panic!("unknown quantity {q}"),
            };
            tally.check(|| format!("{case:?} {quantity}"), got, *want, TOLERANCE);
        }
    }
    tally.finish("absolute effects", cases.len(), 1_000);
}

/// The probability beyond a threshold on the measure or per 1,000, for the mean effect and a new
/// trial, under each test and each prediction interval's distribution.
#[test]
fn threshold_probabilities_match_r() {
    let out = metafor_output();
    let cases = cases_by_key(&out.join("threshold.csv"), 6);
    let mut tally = Tally::default();
    for (case, expected) in &cases {
        let [dataset, measure, test, pi, threshold, acr] = [0, 1, 2, 3, 4, 5].map(|i| case[i].as_str());
        let (studies, options, analysis) = fit(out, dataset, measure, test, pi);
        let control_risk = ControlRisk::from_code(acr).and_then(|r| r.of(&studies));
        let on_measure = Threshold::from_code(threshold).unwrap().on_measure(analysis.measure, control_risk).unwrap();
        let result = beyond(&analysis, &options, on_measure).unwrap();
        for (quantity, want) in expected {
            let got = match quantity.as_str() {
                "mean" => result.mean,
                "new" => result.new_trial.unwrap_or(f64::NAN),
                q => panic!("unknown quantity {q}"),
            };
            tally.check(|| format!("{case:?} {quantity}"), got, *want, TOLERANCE);
        }
    }
    tally.finish("thresholds", cases.len(), 2_000);
}
