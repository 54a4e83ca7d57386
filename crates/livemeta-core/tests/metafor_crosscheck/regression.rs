//! Meta-regression on one moderator against metafor's `rma(mods = ...)`.
use super::common::{cases_by_key, metafor_output, options_from_case, unquote, Tally, TOLERANCE};
use livemeta_core::data::parse_studies;
use livemeta_core::model::analyze;
use livemeta_core::regression::{moderator_analysis, ModeratorValues};
use std::path::Path;

/// A column of a moderators CSV that R wrote (quoted text, NA for missing).
fn moderator_column(path: &Path, name: &str) -> ModeratorValues {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').map(unquote).collect();
    let at = header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} in {}", path.display()));
    ModeratorValues::from_text(
        lines.map(|l| Some(unquote(l.split(',').nth(at).unwrap())).filter(|v| *v != "NA").map(String::from)).collect(),
    )
}

/// Meta-regression on one moderator against `rma(mods = ~ x)` (numeric) and `~ factor(x)`:
/// every estimator the engine pools with, z, Knapp-Hartung and modified Knapp-Hartung, RR, OR
/// and RD, trials without a value left out.
#[test]
fn meta_regression_matches_metafor() {
    let out = metafor_output();
    let cases = cases_by_key(&out.join("metareg.csv"), 5);
    let mut tally = Tally::default();
    for (case, expected) in &cases {
        let [dataset, moderator, measure, method, test] = [0, 1, 2, 3, 4].map(|i| case[i].as_str());
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{dataset}.csv"))).unwrap())
                .unwrap();
        let values = moderator_column(&out.join("datasets").join(format!("{dataset}_moderators.csv")), moderator);
        let options =
            options_from_case(&format!("measure={measure};method={method};add=0.5;to=only0;drop00=0;test={test};pi=z"));
        let analysis = analyze(&studies, &options).unwrap();
        let fit = moderator_analysis(&analysis, moderator, &values, 0.95).unwrap_or_else(|e| panic!("{case:?}: {e}"));
        for (quantity, want) in expected {
            let term = |i: &str| &fit.terms[i.parse::<usize>().unwrap() - 1].coefficient;
            let got = match quantity.as_str() {
                "k" => fit.k as f64,
                "tau2" => fit.tau2,
                "QE" => fit.q_residual,
                "QEp" => fit.q_residual_p,
                "QM" => fit.moderator_test.statistic,
                "QMp" => fit.moderator_test.p_value,
                "R2" => fit.r2.unwrap_or(f64::NAN),
                "I2" => fit.i2_residual.unwrap_or(f64::NAN),
                q => match q.split_at(q.find(|c: char| c.is_ascii_digit()).unwrap()) {
                    ("b", i) => term(i).estimate,
                    ("se", i) => term(i).se,
                    ("p", i) => term(i).p_value,
                    ("lb", i) => term(i).ci_lower,
                    ("ub", i) => term(i).ci_upper,
                    _ => panic!("unknown quantity {q}"),
                },
            };
            tally.check(|| format!("{case:?} {quantity}"), got, *want, TOLERANCE);
        }
    }
    tally.finish("meta-regression", cases.len(), 5_000);
}
