//! `livemeta analyze data.csv [options]`: the engine from the command line, for
//! scripting, reproducibility and the metafor cross-check.
use livemeta_core::analysis::{CiMethod, I2From, PredictionCritical, QCentre};
use livemeta_core::conventions::Preset;
use livemeta_core::csv_input::{distinguish_duplicates, extra_columns, parse_studies, parse_subgroups, to_csv};
use livemeta_core::dataset::{trial_rows, Dataset, DoseSelection};
use livemeta_core::moderators::{moderator_analysis, ModeratorValues};
use livemeta_core::sensitivity::{
    baujat, begg, cumulative, egger, egger_mixed, gosh, influence, leave_one_out, subgroups, trim_and_fill,
    TrimFillEstimator,
};
use livemeta_core::{analyze, AnalysisOptions, CorrectionScope, Measure, Model};
use std::process::ExitCode;

const USAGE: &str = "usage: livemeta export DATASET.json --outcome ID [--dose all|ARM] [--exclude ID,ID] [--definition ID]
       livemeta synthetic K [SEED]   (deterministic test data as CSV)
       livemeta multiverse FILE.csv [FILE.csv ...]   (every specification; each file a data variant, such as a dose)
       livemeta analyze FILE.csv [--measure RR|OR|RD|PETO] [--method REML|DL|PM|ML|HE|SJ|EB|IV|MH|PETO|REVMAN]
                        [--knha | --adhoc] [--pi z|t1|t2] [--add 0.5] [--to only0|all|if0all|none] [--drop00 true|false]
                        [--q iv|mh] [--i2 tau2|q] [--preset revman5|revman2025|metafor|meta|stata]
                        [--level 0.95] [--json] [--sensitivity] [--subgroups] [--moderator COLUMN]
  --sensitivity adds leave-one-out, cumulative, influence, Baujat, Egger, Begg, Peters, Harbord, Rücker, PET-PEESE, fail-safe N, trim-and-fill (L0, R0, Q0),
                fragility, trial sequential analysis (in the CSV's order; alpha 5%, power 80%, RRR 20%),
                the random-effects fit under each of ten tau² estimators, the Bayesian fit under each
                prior of the sensitivity table (flat prior on mu; half-normal and half-Cauchy on tau),
                profile-likelihood intervals (tau² under ML and REML, mu under ML), and the common
                odds ratio by the rma.glmm models (CM.EL, CM.AL, UM.FS, UM.RS; and CM.EL, CM.AL, UM.RS
                with random effects by ML),
                and per-trial BLUPs, standardised residuals and radial coordinates (diagnostics)
                and (k <= 16) GOSH to the JSON; --subgroups uses the CSV's subgroup column;
  --preset sets the model and every rule of that tool's defaults (the measure is kept); flags after it override them
  --moderator adds the meta-regression on that column of the CSV (numbers: a slope; text: a factor)
FILE.csv columns: study,events_treatment,total_treatment,events_control,total_control";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("livemeta: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Vec<String>) -> Result<String, String> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("analyze") => {}
        Some("export") => return export(args.collect()),
        Some("multiverse") => return multiverse(args.collect()),
        Some("synthetic") => {
            let k: usize = args.next().and_then(|k| k.parse().ok()).ok_or(USAGE)?;
            let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(42);
            return Ok(to_csv(&livemeta_core::synthetic::synthetic_studies(k, seed)).trim_end().to_string());
        }
        _ => return Err(USAGE.into()),
    }
    let mut path = None;
    let mut options = AnalysisOptions::default();
    let mut model = None;
    let mut measure_given = false;
    // Zero-cell flags are applied after the model, which brings its own convention.
    let (mut add, mut to, mut drop00) = (None, None, None);
    let mut json = false;
    let mut sensitivity = false;
    let mut moderator = None;
    let mut by_subgroup = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--measure" => {
                let v = value("--measure")?;
                options.measure = Measure::from_code(&v).ok_or_else(|| format!("unknown measure {v}"))?;
                measure_given = true;
            }
            "--method" => {
                let v = value("--method")?;
                model = Some(Model::from_code(&v).ok_or_else(|| format!("unknown method {v}"))?);
            }
            "--knha" => options.ci_method = CiMethod::KnappHartung,
            "--adhoc" => options.ci_method = CiMethod::KnappHartungAdhoc,
            "--pi" => {
                let v = value("--pi")?;
                options.prediction = PredictionCritical::from_code(&v)
                    .ok_or_else(|| format!("unknown prediction interval critical value {v}"))?;
            }
            "--add" => {
                let v = value("--add")?;
                add = Some(v.parse::<f64>().map_err(|_| format!("--add: {v} is not a number"))?);
            }
            "--to" => {
                let v = value("--to")?;
                to = Some(CorrectionScope::from_code(&v).ok_or_else(|| format!("unknown --to {v}"))?);
            }
            "--drop00" => {
                let v = value("--drop00")?;
                drop00 = Some(v.parse::<bool>().map_err(|_| format!("--drop00 takes true or false, got {v}"))?);
            }
            "--q" => {
                let v = value("--q")?;
                options.q_centre = QCentre::from_code(&v).ok_or_else(|| format!("unknown --q {v}"))?;
            }
            "--i2" => {
                let v = value("--i2")?;
                options.i2_from = I2From::from_code(&v).ok_or_else(|| format!("unknown --i2 {v}"))?;
            }
            "--preset" => {
                let v = value("--preset")?;
                let convention = Preset::from_code(&v).ok_or_else(|| format!("unknown preset {v}"))?.convention();
                options = AnalysisOptions { level: options.level, ..convention.options(options.measure) };
                model = None;
                (add, to, drop00) = (None, None, None);
            }
            "--level" => {
                let v = value("--level")?;
                options.level = v.parse().map_err(|_| format!("--level: {v} is not a number"))?;
            }
            "--json" => json = true,
            "--sensitivity" => sensitivity = true,
            "--subgroups" => by_subgroup = true,
            "--moderator" => moderator = Some(value("--moderator")?),
            other if other.starts_with("--") => return Err(format!("unknown option {other}\n{USAGE}")),
            other => path = Some(other.to_string()),
        }
    }
    if let Some(model) = model {
        let asked = options.measure;
        options = options.with_model(model);
        if measure_given && options.measure != asked {
            return Err(format!(
                "{} cannot pool the {}; use --measure {}",
                model.label(),
                asked.label(),
                options.measure.code()
            ));
        }
    }
    let zero = &mut options.zero_cells;
    zero.add = add.unwrap_or(zero.add);
    zero.scope = to.unwrap_or(zero.scope);
    zero.drop_double_zero = drop00.unwrap_or(zero.drop_double_zero);
    let path = path.ok_or_else(|| format!("no input file\n{USAGE}"))?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut studies = parse_studies(&text)
        .map_err(|errors| errors.iter().map(|e| format!("{path}: {e}")).collect::<Vec<_>>().join("\n"))?;
    if let Some(warning) = distinguish_duplicates(&mut studies) {
        eprintln!("livemeta: {path}: {warning}");
    }
    let analysis = analyze(&studies, &options).map_err(|e| e.to_string())?;
    if sensitivity || by_subgroup || moderator.is_some() {
        let mut out = serde_json::json!({ "analysis": analysis });
        if sensitivity {
            out["leave_one_out"] = serde_json::to_value(leave_one_out(&studies, &options)).expect("serialises");
            out["cumulative"] = serde_json::to_value(cumulative(&studies, &options)).expect("serialises");
            out["influence"] = to_json(influence(&analysis));
            out["baujat"] = to_json(baujat(&analysis));
            out["egger"] = to_json(egger(&analysis, options.level));
            out["egger_mixed"] = to_json(egger_mixed(&analysis, options.level));
            out["begg"] = to_json(begg(&analysis));
            out["peters"] = to_json(livemeta_core::sensitivity::peters(&studies, &analysis, options.level));
            out["harbord"] = to_json(livemeta_core::sensitivity::harbord(&studies, &analysis, options.level));
            out["ruecker"] = to_json(livemeta_core::sensitivity::ruecker(&studies, &analysis, options.level));
            out["pet_peese"] = to_json(livemeta_core::sensitivity::pet_peese(&analysis, options.level));
            out["selection_model"] = to_json(livemeta_core::selection::selection_model_for(&analysis, options.level));
            out["fail_safe_n"] = to_json(livemeta_core::sensitivity::fail_safe_n(&analysis));
            out["trim_and_fill"] = to_json(trim_and_fill(&analysis, TrimFillEstimator::L0));
            out["trim_and_fill_r0"] = to_json(trim_and_fill(&analysis, TrimFillEstimator::R0));
            out["trim_and_fill_q0"] = to_json(trim_and_fill(&analysis, TrimFillEstimator::Q0));
            if analysis.k <= 16 {
                out["gosh"] = to_json(gosh(&analysis));
            }
            out["fragility"] = serde_json::to_value(livemeta_core::fragility::fragility(
                &studies,
                &options,
                livemeta_core::fragility::search_budget(studies.len()),
            ))
            .expect("serialises");
            out["trial_sequential"] =
                to_json(livemeta_core::tsa::trial_sequential(&studies, &options, Default::default()));
            out["estimators"] =
                serde_json::to_value(livemeta_core::sensitivity::compare_estimators(&studies, &options))
                    .expect("serialises");
            let (y, v): (Vec<f64>, Vec<f64>) =
                analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
            out["profile_likelihood"] = serde_json::json!({
                "tau2_ml": to_json(livemeta_core::profile::tau2_profile_interval(&y, &v, false, options.level)),
                "tau2_reml": to_json(livemeta_core::profile::tau2_profile_interval(&y, &v, true, options.level)),
                "mu_ml": to_json(livemeta_core::profile::mu_profile_interval(&y, &v, options.level)),
            });
            out["likelihood_models"] = livemeta_core::glmm::LikelihoodModel::ALL
                .iter()
                .map(|m| to_json(livemeta_core::glmm::likelihood_fit(&studies, *m, options.level)))
                .collect();
            out["conditional_random_effects"] =
                to_json(livemeta_core::glmm::conditional_random_effects(&studies, options.level));
            out["approximate_conditional_random_effects"] =
                to_json(livemeta_core::glmer::approximate_conditional_random_effects(&studies, options.level));
            out["random_study_intercepts"] =
                to_json(livemeta_core::glmer::random_study_effects(&studies, false, options.level));
            out["random_study_effects"] =
                to_json(livemeta_core::glmer::random_study_effects(&studies, true, options.level));
            out["diagnostics"] = to_json(livemeta_core::diagnostics::trial_diagnostics(&analysis, options.level));
            out["bayes"] = livemeta_core::bayes::sensitivity_priors(options.measure)
                .into_iter()
                .map(|p| to_json(livemeta_core::bayes::bayes_for(&analysis, p, options.level)))
                .collect();
        }
        if let Some(name) = moderator {
            let (_, column) = extra_columns(&text)
                .into_iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(&name))
                .ok_or_else(|| format!("{path} has no column {name}"))?;
            let values = ModeratorValues::from_text(column.into_iter().map(Some).collect());
            out["meta_regression"] = to_json(moderator_analysis(&analysis, &name, &values, options.level));
        }
        if by_subgroup {
            let groups = parse_subgroups(&text).ok_or("--subgroups needs a subgroup column in the CSV")?;
            out["subgroups"] = to_json(subgroups(&studies, &groups, &options));
        }
        return Ok(serde_json::to_string_pretty(&out).expect("serialises"));
    }
    if json {
        Ok(serde_json::to_string_pretty(&analysis).expect("analysis serialises"))
    } else {
        let p = &analysis.pooled;
        let h = &analysis.heterogeneity;
        Ok(format!(
            "{} ({}), k = {}: {:.4} [{:.4}, {:.4}], p = {:.4}\nQ = {:.4} (df = {}), tau^2 = {:.4}, I^2 = {}",
            analysis.measure.label(),
            analysis.model_label,
            analysis.k,
            p.estimate,
            p.ci_lower,
            p.ci_upper,
            p.p_value,
            h.q,
            h.df,
            h.tau2,
            h.i2.map_or("n/a".into(), |i| format!("{i:.1}%")),
        ))
    }
}

/// Writes the 2x2 tables a bundled dataset gives for one outcome, as analysis CSV: the same
/// tables the app pools (trials that did not report the outcome are left out).
fn export(args: Vec<String>) -> Result<String, String> {
    let mut path = None;
    let (mut outcome, mut dose, mut excluded, mut definition) = (None, "all".to_string(), Vec::new(), None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--outcome" => outcome = Some(value()?),
            "--dose" => dose = value()?,
            "--exclude" => excluded = value()?.split(',').map(String::from).collect(),
            "--definition" => definition = Some(value()?),
            other if other.starts_with("--") => return Err(format!("unknown option {other}\n{USAGE}")),
            other => path = Some(other.to_string()),
        }
    }
    let path = path.ok_or_else(|| format!("no dataset file\n{USAGE}"))?;
    let dataset = Dataset::from_json(&std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?)?;
    let outcome_id = outcome.ok_or("--outcome is required")?;
    let outcome = dataset.outcome(&outcome_id).ok_or_else(|| format!("no outcome {outcome_id} in {path}"))?;
    let preferred = match definition {
        Some(d) if outcome.definition_preference.contains(&d) => Some(outcome.preferring(&d)),
        Some(d) => return Err(format!("{d} is not a definition of {outcome_id}")),
        None => None,
    };
    let outcome = preferred.as_ref().unwrap_or(outcome);
    let dose = if dose == "all" { DoseSelection::AllCombined } else { DoseSelection::Regimen(dose) };
    let rows = trial_rows(&dataset, outcome, &dose, &|id| !excluded.iter().any(|x| x == id));
    let studies: Vec<_> = rows.iter().filter_map(|r| r.pooled_counts().cloned()).collect();
    Ok(to_csv(&studies).trim_end().to_string())
}

/// Every specification of the multiverse over the files (each one data variant), as JSON:
/// the tally on each side of the null and every result.
fn multiverse(paths: Vec<String>) -> Result<String, String> {
    if paths.is_empty() {
        return Err(format!("no CSV file\n{USAGE}"));
    }
    let variants = paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let studies = parse_studies(&text)
                .map_err(|errors| errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))?;
            Ok(livemeta_core::multiverse::DataVariant { label: path.clone(), studies })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let m = livemeta_core::multiverse::run_multiverse(&variants, 0.95);
    let tally = m.tally(|_| true);
    Ok(serde_json::json!({ "tally": tally, "failed": m.failed.len(), "results": m.results }).to_string())
}

/// A result as JSON, or `{"error": "..."}` when that analysis does not apply.
fn to_json<T: serde::Serialize>(result: Result<T, livemeta_core::EngineError>) -> serde_json::Value {
    match result {
        Ok(value) => serde_json::to_value(value).expect("results serialise"),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}
