//! Sensitivity analyses and diagnostics against metafor and R: leave-one-out, cumulative,
//! subgroups, GOSH, influence, Baujat and the funnel-based tests run on the same fits, the
//! multiverse, the fragility search, trial sequential analysis, and the per-trial diagnostics.
use super::common::{cases_by_key, close, metafor_output, options_from_case, unquote, Tally, TOLERANCE};
use livemeta_core::bias::{begg, egger, egger_mixed, fail_safe_n, trim_and_fill, TrimFillEstimator};
use livemeta_core::data::{parse_studies, parse_subgroups};
use livemeta_core::model::{analyze, AnalysisOptions, Model};
use livemeta_core::sensitivity::{baujat, cumulative, gosh, influence, leave_one_out, subgroups};
use livemeta_core::sensitivity::{fragility, SEARCH_BUDGET as FRAGILITY_BUDGET};
use livemeta_core::sensitivity::{lan_demets_boundaries, trial_sequential, TsaAssumptions};
use livemeta_core::sensitivity::{normal_quantiles, trial_diagnostics};
use livemeta_core::sensitivity::{run_multiverse, DataVariant, Specification};
use livemeta_core::Coded;
use livemeta_core::Measure;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Leave-one-out, cumulative, subgroups, GOSH, influence, Baujat, Egger (both forms), Begg and
/// trim-and-fill against metafor's functions of the same names.
#[test]
fn sensitivity_analyses_match_metafor() {
    let out = metafor_output();
    let text = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let mut groups: BTreeMap<(String, String), Vec<(String, usize, String, f64)>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(unquote).collect();
        groups.entry((f[0].to_string(), f[1].to_string())).or_default().push((
            f[2].to_string(),
            f[3].parse().unwrap(),
            f[4].to_string(),
            f[5].parse().unwrap(),
        ));
    }
    let mut compared = 0usize;
    let mut mismatches = Vec::new();
    for ((dataset, case), rows) in &groups {
        let options = options_from_case(case);
        let file = if dataset == "bcg_subgroups" {
            out.join("bcg_subgroups.csv")
        } else {
            out.join("datasets").join(format!("{dataset}.csv"))
        };
        let csv = std::fs::read_to_string(&file).unwrap();
        let studies = parse_studies(&csv).unwrap();
        let full = analyze(&studies, &options).unwrap();
        let ratio_scale = |x: f64| if options.measure.is_ratio() { x.exp() } else { x };
        let loo = leave_one_out(&studies, &options);
        let cum = cumulative(&studies, &options);
        let infl = influence(&full);
        let bj = baujat(&full);
        let eg = egger(&full, 0.95);
        let eg_mixed = egger_mixed(&full, 0.95);
        let rk = begg(&full);
        let fs = fail_safe_n(&full);
        let tf: Vec<_> = TrimFillEstimator::ALL.iter().map(|e| (*e, trim_and_fill(&full, *e))).collect();
        let go = if full.k <= 10 { Some(gosh(&full)) } else { None };
        let sub = parse_subgroups(&csv).map(|g| subgroups(&studies, &g, &options));
        for (analysis, index, quantity, want) in rows {
            let refit = |r: &[livemeta_core::sensitivity::Refit]| -> Option<f64> {
                let a = r[*index - 1].analysis.as_ref().ok()?;
                Some(match quantity.as_str() {
                    "estimate" => a.pooled.y,
                    "se" => a.pooled.se,
                    "pval" => a.pooled.p_value,
                    "ci.lb" => a.pooled.ci_lower.ln(),
                    "ci.ub" => a.pooled.ci_upper.ln(),
                    "Q" => a.heterogeneity.q,
                    "tau2" => a.heterogeneity.tau2,
                    "I2" => a.heterogeneity.i2?,
                    _ => return None,
                })
            };
            let got: Option<f64> = match analysis.as_str() {
                "leave1out" => refit(&loo),
                "cumul" => refit(&cum),
                "influence" => infl.as_ref().ok().map(|v| {
                    let i = &v[*index - 1];
                    match quantity.as_str() {
                        "rstudent" => i.rstudent,
                        "dffits" => i.dffits,
                        "cook.d" => i.cook_d,
                        "cov.r" => i.cov_r,
                        "tau2.del" => i.tau2_deleted,
                        "QE.del" => i.q_deleted,
                        "hat" => i.hat,
                        "weight" => i.weight_percent,
                        _ => i.dfbetas,
                    }
                }),
                "baujat" => bj.as_ref().ok().map(|v| if quantity == "x" { v[*index - 1].0 } else { v[*index - 1].1 }),
                "egger" | "regtest" => {
                    (if analysis == "egger" { &eg } else { &eg_mixed }).as_ref().ok().map(|e| match quantity.as_str() {
                        "zval" => e.statistic,
                        "pval" => e.p_value,
                        "est" => e.limit_estimate,
                        "ci.lb" => e.limit_ci_lower,
                        _ => e.limit_ci_upper,
                    })
                }
                "begg" => rk.as_ref().ok().map(|b| if quantity == "tau" { b.tau } else { b.p_value }),
                "fsn" => fs.as_ref().ok().map(|f| match quantity.as_str() {
                    "Rosenthal_n" => f.rosenthal,
                    "Rosenthal_p" => f.rosenthal_p,
                    "Orwin_n" => f.orwin,
                    "Orwin_mean" => f.orwin_mean,
                    "Rosenberg_n" => f.rosenberg,
                    _ => f.rosenberg_p,
                }),
                trimfill if trimfill.starts_with("trimfill") => {
                    // "trimfill" is metafor's default L0; "trimfill_R0" and "trimfill_Q0" name theirs.
                    let code = trimfill.strip_prefix("trimfill_").unwrap_or("L0");
                    tf.iter().find(|(e, _)| e.code() == code).and_then(|(_, t)| t.as_ref().ok()).map(|t| match quantity
                        .as_str()
                    {
                        "k0" => t.k0 as f64,
                        "right" => (t.side == "right") as i32 as f64,
                        "beta" => t.fit.estimate,
                        "se" => t.fit.se,
                        _ => t.fit.tau2,
                    })
                }
                "gosh" => go.as_ref().and_then(|g| g.as_ref().ok()).map(|g| {
                    let f = &g[*index - 1];
                    match quantity.as_str() {
                        "QE" => f.q,
                        "I2" => f.i2,
                        "H2" => f.h2,
                        "tau2" => f.tau2,
                        _ => f.estimate,
                    }
                }),
                "subgroup" => sub.as_ref().and_then(|s| s.as_ref().ok()).map(|s| match quantity.as_str() {
                    "estimate" => s.groups[*index - 1].1.pooled.y,
                    "QM" => s.q_between,
                    _ => s.p_value,
                }),
                other => panic!("unknown analysis {other}"),
            };
            let _ = ratio_scale;
            compared += 1;
            if !got.is_some_and(|g| close(g, *want)) {
                mismatches.push(format!(
                    "{dataset} {case} {analysis}[{index}] {quantity}: metafor {want:.12e}, engine {got:?}"
                ));
            }
        }
    }
    std::fs::write(out.join("sensitivity-mismatches.txt"), mismatches.join("\n")).unwrap();
    println!("metafor sensitivity cross-check: {} dataset/model groups, {compared} numbers compared", groups.len());
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(compared > 5_000, "only {compared} numbers compared");
}

/// metafor's name for a multiverse specification, as reference.R writes it.
fn multiverse_case(spec: &Specification) -> String {
    let o = &spec.options;
    let method = match o.model {
        Model::CommonInverseVariance => "EE",
        model => model.code(),
    };
    let z = o.zero_cells;
    format!(
        "measure={};method={method};test={};to={};add=0.5;drop00={};pi=z",
        o.measure.code(),
        o.ci_method.code(),
        z.scope.code(),
        z.drop_double_zero as u8
    )
}

/// Every specification of the multiverse against metafor, fitted there call by call.
#[test]
fn multiverse_matches_metafor() {
    let out = metafor_output();
    let text = std::fs::read_to_string(out.join("multiverse.csv")).unwrap();
    let mut cases: BTreeMap<(String, String), BTreeMap<String, f64>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(unquote).collect();
        let value = if f[3] == "NA" || f[3] == "NaN" { f64::NAN } else { f[3].parse().unwrap() };
        cases.entry((f[0].to_string(), f[1].to_string())).or_default().insert(f[2].to_string(), value);
    }
    let names: std::collections::BTreeSet<&String> = cases.keys().map(|(d, _)| d).collect();
    assert!(names.len() >= 4, "multiverse datasets: {names:?}");
    let (mut specs, mut compared, mut mismatches) = (0usize, 0usize, Vec::new());
    for name in names {
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{name}.csv"))).unwrap()).unwrap();
        let variants = [DataVariant { label: name.clone(), studies }];
        let multiverse = run_multiverse(&variants, 0.95);
        specs += multiverse.results.len() + multiverse.failed.len();
        for (spec, why) in &multiverse.failed {
            let want = cases.get(&(name.clone(), multiverse_case(spec)));
            if !want.is_some_and(|q| q.contains_key("error")) {
                mismatches.push(format!("{name} {}: engine refused ({why}), metafor {want:?}", multiverse_case(spec)));
            }
        }
        for r in &multiverse.results {
            let case = multiverse_case(&r.spec);
            let Some(want) = cases.get(&(name.clone(), case.clone())) else {
                mismatches.push(format!("{name} {case}: not fitted in R"));
                continue;
            };
            if want.contains_key("error") {
                // As in engine_matches_metafor: a zero-variance risk difference is left out here.
                if r.spec.options.measure != Measure::RD {
                    mismatches.push(format!("{name} {case}: metafor refused, engine gave {}", r.estimate));
                }
                continue;
            }
            let common = matches!(r.spec.options.model, Model::CommonMantelHaenszel | Model::CommonPeto);
            for (quantity, got) in [
                ("estimate", r.estimate),
                ("ci_lb", r.ci_lower),
                ("ci_ub", r.ci_upper),
                ("pval", r.p_value),
                ("k", r.k as f64),
            ] {
                if quantity == "k" && common {
                    continue;
                }
                compared += 1;
                if !close(got, want[quantity]) {
                    mismatches
                        .push(format!("{name} {case} {quantity}: metafor {:.12e}, engine {got:.12e}", want[quantity]));
                }
            }
        }
    }
    println!("multiverse cross-check: {specs} specifications, {compared} numbers compared");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(compared > 2_000, "only {compared} numbers compared");
}

/// The fragility search against a brute force in R with metafor (every change up to 7 patients).
#[test]
fn fragility_matches_a_brute_force_with_metafor() {
    let out = metafor_output();
    let text = std::fs::read_to_string(out.join("fragility.csv")).unwrap();
    let mut checked = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').map(unquote).collect();
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{}.csv", f[0]))).unwrap())
                .unwrap();
        let model = match f[1] {
            "EE" => Model::CommonInverseVariance,
            other => Model::from_code(other).unwrap(),
        };
        let options = AnalysisOptions { measure: Measure::RR, ..AnalysisOptions::default() }.with_model(model);
        let found = fragility(&studies, &options, FRAGILITY_BUDGET).expect("a change flips it");
        match f[2] {
            "NA" => assert!(found.total > 7, "{line}: R found none up to 7, the engine {}", found.total),
            m => {
                assert!(found.exact, "{line}: the engine's search did not finish");
                assert_eq!(found.total, m.parse::<usize>().unwrap(), "{line}");
            }
        }
        checked += 1;
    }
    println!("fragility cross-check: {checked} analyses");
    assert_eq!(checked, 12);
}

/// Trial sequential analysis against an independent computation: Lan-DeMets boundaries by a
/// recursive integration written separately in R (and rpact's, where rpact is precise),
/// metafor's cumulative z and D^2, and the RIS and look rules written again in R.
#[test]
fn trial_sequential_analysis_matches_rpact_and_metafor() {
    let out = metafor_output();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/metafor/tsa_reference.R");
    let status = Command::new("Rscript").arg(&script).arg(out).status().expect("Rscript");
    assert!(status.success(), "tsa_reference.R failed (it needs Debian's r-cran-rpact)");
    let value = |s: &str| unquote(s).parse::<f64>().unwrap_or_else(|_| panic!("{s}"));
    let mut mismatches = Vec::new();
    let (mut compared, mut largest) = (0, 0.0_f64);
    let mut check = |what: String, got: f64, want: f64| {
        compared += 1;
        largest = largest.max((got - want).abs() / want.abs().max(1.0));
        if !close(got, want) {
            mismatches.push(format!("{what}: engine {got}, R {want}"));
        }
    };

    let text = std::fs::read_to_string(out.join("tsa_boundaries.csv")).unwrap();
    let mut cases: BTreeMap<String, (f64, Vec<(f64, f64, Option<f64>)>)> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let entry = cases.entry(unquote(f[0]).to_string()).or_insert((value(f[1]), Vec::new()));
        entry.1.push((value(f[3]), value(f[4]), (unquote(f[5]) != "NA").then(|| value(f[5]))));
    }
    let mut rpact_compared = 0;
    for (case, (alpha, looks)) in &cases {
        let fractions: Vec<f64> = looks.iter().map(|l| l.0).collect();
        for (i, (got, (_, want, rpact))) in lan_demets_boundaries(&fractions, *alpha).into_iter().zip(looks).enumerate()
        {
            check(format!("boundaries {case} look {}", i + 1), got, *want);
            if let Some(rpact) = rpact {
                check(format!("boundaries {case} look {} (rpact)", i + 1), got, *rpact);
                rpact_compared += 1;
            }
        }
    }

    let text = std::fs::read_to_string(out.join("tsa.csv")).unwrap();
    let mut analyses: BTreeMap<(String, String), Vec<(String, usize, f64)>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        analyses.entry((unquote(f[0]).into(), unquote(f[1]).into())).or_default().push((
            unquote(f[2]).into(),
            f[3].parse().unwrap(),
            value(f[4]),
        ));
    }
    for ((dataset, method), rows) in &analyses {
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{dataset}.csv"))).unwrap())
                .unwrap();
        let model = if method == "EE" { Model::CommonInverseVariance } else { Model::from_code(method).unwrap() };
        let options = AnalysisOptions { measure: Measure::RR, ..AnalysisOptions::default() }.with_model(model);
        let tsa = trial_sequential(&studies, &options, TsaAssumptions::default()).unwrap();
        let looks: Vec<usize> = rows.iter().filter(|r| r.0 == "boundary").map(|r| r.1).collect();
        let engine_looks: Vec<usize> =
            tsa.looks.iter().enumerate().filter(|(_, l)| l.boundary.is_some()).map(|(i, _)| i + 1).collect();
        assert_eq!(engine_looks, looks, "{dataset} {method}: the trials that are looks");
        for (quantity, index, want) in rows {
            let got = match quantity.as_str() {
                "diversity" => tsa.diversity,
                "ris" => tsa.required_information_size,
                "control_risk" => tsa.control_risk,
                "z" => tsa.looks[index - 1].z.unwrap_or(f64::NAN),
                "boundary" => tsa.looks[index - 1].boundary.unwrap(),
                "boundary_at_ris" => tsa.boundary_at_ris.unwrap_or(f64::NAN),
                "adjusted_lower" => tsa.adjusted_ci.map_or(f64::NAN, |c| c.0),
                "adjusted_upper" => tsa.adjusted_ci.map_or(f64::NAN, |c| c.1),
                other => panic!("unknown quantity {other}"),
            };
            check(format!("{dataset} {method} {quantity} {index}"), got, *want);
        }
    }
    println!("trial sequential analysis cross-check: {compared} numbers ({rpact_compared} boundaries also by rpact), {} boundary cases, {} analyses, largest difference {largest:.1e}", cases.len(), analyses.len());
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(analyses.len() >= 30 && compared > 400, "only {compared} numbers in {} analyses", analyses.len());
}

/// BLUPs, standardised residuals, radial coordinates and Q-Q quantiles against metafor's
/// `blup`, `rstandard`, `radial` and R's `qnorm(ppoints(k))`.
#[test]
fn trial_diagnostics_match_metafor() {
    let out = metafor_output();
    let mut tally = Tally::default();
    let cases = cases_by_key(&out.join("diagnostics.csv"), 3);
    for (case, expected) in &cases {
        let studies =
            parse_studies(&std::fs::read_to_string(out.join("datasets").join(format!("{}.csv", case[0]))).unwrap())
                .unwrap();
        let options = options_from_case(&format!(
            "measure=RR;method={};add=0.5;to=only0;drop00=0;test={};pi=z",
            case[1], case[2]
        ));
        let rows =
            trial_diagnostics(&analyze(&studies, &options).unwrap(), 0.95).unwrap_or_else(|e| panic!("{case:?}: {e}"));
        let quantiles = normal_quantiles(rows.len());
        for (quantity, want) in expected {
            let (name, index) = quantity.split_at(quantity.find(|c: char| c.is_ascii_digit()).unwrap());
            let i = index.parse::<usize>().unwrap() - 1;
            let got = match name {
                "blup" => rows[i].blup,
                "se" => rows[i].blup_se,
                "lower" => rows[i].blup_lower,
                "upper" => rows[i].blup_upper,
                "z" => rows[i].standardized_residual,
                "rx" => rows[i].radial_x,
                "ry" => rows[i].radial_y,
                "qq" => quantiles[i],
                q => panic!("unknown quantity {q}"),
            };
            tally.check(|| format!("{case:?} {quantity}"), got, *want, TOLERANCE);
        }
    }
    tally.finish("diagnostics", cases.len(), 1_000);
}
