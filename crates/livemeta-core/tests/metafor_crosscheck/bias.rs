//! Small-study and publication-bias methods against R: Peters', Harbord's and Rücker's tests,
//! PET-PEESE, and the step-function selection model against metafor's `selmodel`.
use super::common::{cases_by_key, close, metafor_output, unquote, Tally, TOLERANCE};
use livemeta_core::bias::{harbord, pet_peese, peters, ruecker};
use livemeta_core::bias::{step_selection_model, STEPS_3PSM};
use livemeta_core::data::parse_studies;
use livemeta_core::model::{analyze, AnalysisOptions};
use livemeta_core::Coded;
use livemeta_core::Measure;

/// Peters', Harbord's and Rücker's tests against the same regressions written out with R's lm().
#[test]
fn binary_small_study_tests_match_r() {
    let out = metafor_output();
    let text = std::fs::read_to_string(out.join("smallstudy_binary.csv")).unwrap();
    let (mut mismatches, mut compared) = (Vec::new(), 0);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(unquote).collect();
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{}.csv", f[0]))).unwrap())
                .unwrap();
        let options = AnalysisOptions { measure: Measure::from_code(f[1]).unwrap(), ..AnalysisOptions::default() };
        let analysis = analyze(&studies, &options).unwrap();
        let test = match f[2] {
            "peters" => peters(&studies, &analysis, 0.95),
            "ruecker" => ruecker(&studies, &analysis, 0.95),
            _ => harbord(&studies, &analysis, 0.95),
        }
        .unwrap_or_else(|e| panic!("{line}: {e}"));
        for (what, got, want) in [
            ("df", test.df.unwrap_or(f64::NAN), f[3]),
            ("t", test.statistic, f[4]),
            ("p", test.p_value, f[5]),
            ("intercept", test.limit_estimate, f[6]),
        ] {
            compared += 1;
            let want: f64 = want.parse().unwrap();
            if !close(got, want) {
                mismatches.push(format!("{} {} {} {what}: engine {got}, R {want}", f[0], f[1], f[2]));
            }
        }
    }
    println!("Peters, Harbord and Rücker cross-check: {compared} numbers");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(compared >= 80, "only {compared} numbers");
}

/// PET-PEESE against the two regressions written out with R's lm().
#[test]
fn pet_peese_matches_r() {
    let out = metafor_output();
    let text = std::fs::read_to_string(out.join("petpeese.csv")).unwrap();
    let (mut mismatches, mut compared) = (Vec::new(), 0);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(unquote).collect();
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{}.csv", f[0]))).unwrap())
                .unwrap();
        let options = AnalysisOptions { measure: Measure::from_code(f[1]).unwrap(), ..AnalysisOptions::default() };
        let both = pet_peese(&analyze(&studies, &options).unwrap(), 0.95).unwrap_or_else(|e| panic!("{line}: {e}"));
        let fit = if f[2] == "pet" { both.pet } else { both.peese };
        for (what, got, want) in [
            ("estimate", fit.limit_estimate, f[3]),
            ("p", fit.limit_p_value, f[4]),
            ("lower", fit.limit_ci_lower, f[5]),
            ("upper", fit.limit_ci_upper, f[6]),
        ] {
            compared += 1;
            let want: f64 = want.parse().unwrap();
            if !close(got, want) {
                mismatches.push(format!("{} {} {} {what}: engine {got}, R {want}", f[0], f[1], f[2]));
            }
        }
    }
    println!("PET-PEESE cross-check: {compared} numbers");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(compared >= 80, "only {compared} numbers");
}

/// The step-function selection model against metafor's `selmodel` (to 1e-4, since optim stops
/// within its tolerance of the maximum) and against the same likelihood maximised to the root
/// of its gradient in R (to 1e-6); a dataset with an empty P-value interval is refused by both.
#[test]
fn selection_model_matches_metafor_selmodel() {
    let out = metafor_output();
    let mut tally = Tally::default();
    let cases = cases_by_key(&out.join("selection.csv"), 4);
    for (case, expected) in &cases {
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{}.csv", case[0]))).unwrap())
                .unwrap();
        let options = AnalysisOptions { measure: Measure::from_code(&case[1]).unwrap(), ..AnalysisOptions::default() };
        let (y, v): (Vec<f64>, Vec<f64>) =
            analyze(&studies, &options).unwrap().studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
        let fit = step_selection_model(&y, &v, &STEPS_3PSM, case[3] == "less", case[2] == "EE", 0.95);
        if expected.iter().any(|(q, _)| q == "empty") {
            assert!(fit.is_err(), "{case:?}: an interval is empty in R, the engine fitted {fit:?}");
            continue;
        }
        let fit = fit.unwrap_or_else(|e| panic!("{case:?}: {e}"));
        for (quantity, want) in expected {
            let got = match quantity.trim_end_matches("_exact") {
                "mu" => fit.mu.estimate,
                "se_mu" => fit.mu.se,
                "tau2" => fit.tau2,
                "delta2" => fit.delta[1],
                "se_delta2" => fit.se_delta[1].unwrap_or(f64::NAN),
                "ll" => fit.log_likelihood,
                "lrt" => fit.lrt,
                "lrt_p" => fit.lrt_p,
                "ci_lb" => fit.mu.ci_lower,
                "ci_ub" => fit.mu.ci_upper,
                q => panic!("unknown quantity {q}"),
            };
            // A standard error inverts a numerical Hessian: on a flat likelihood (collins1985a RR,
            // se(delta) near 4) numDeriv's own answer moves by 1e-6 with its step settings, so
            // the exact standard errors are held to 1e-5, the estimates and log-likelihood to 1e-6.
            let tolerance = match quantity.as_str() {
                q if q.starts_with("se_") && q.ends_with("_exact") => 1e-5,
                q if q.ends_with("_exact") => TOLERANCE,
                _ => 1e-4,
            };
            tally.check(|| format!("{case:?} {quantity}"), got, *want, tolerance);
        }
    }
    tally.finish("selmodel", cases.len(), 100);
}
