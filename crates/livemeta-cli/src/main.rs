//! `livemeta analyze data.csv [options]`: the engine from the command line, for
//! scripting, reproducibility and the metafor cross-check.
use livemeta_core::data::{distinguish_duplicates, extra_columns, parse_studies, parse_subgroups, to_csv};
use livemeta_core::data::{trial_rows, Dataset, DoseSelection};
use livemeta_core::model::Preset;
use livemeta_core::model::{CiMethod, I2From, PredictionCritical, QCentre};
use livemeta_core::regression::{moderator_analysis, ModeratorValues};
use livemeta_core::report::{every_analysis, result_json};
use livemeta_core::sensitivity::subgroups;
use livemeta_core::{analyze, AnalysisOptions, Coded, CorrectionScope, Measure, Model};
use std::process::ExitCode;

/// The usage text; the codes of each choice come from its one definition in the engine.
fn usage() -> String {
    format!(
        "usage: livemeta export DATASET.json --outcome ID [--dose all|ARM] [--exclude ID,ID] [--definition ID]
       livemeta synthetic K [SEED]   (deterministic test data as CSV)
       livemeta glossary   (the plain definitions the page shows on hover, one per line: term<TAB>definition)
       livemeta multiverse FILE.csv [FILE.csv ...]   (every specification; each file a data variant, such as a dose)
       livemeta analyze FILE.csv [--measure {}] [--method {}]
                        [--knha | --adhoc] [--pi {}] [--add 0.5] [--to {}] [--drop00 true|false]
                        [--q {}] [--i2 {}] [--preset {}]
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
FILE.csv columns: study,events_treatment,total_treatment,events_control,total_control",
        Measure::codes_in_usage(),
        Model::codes_in_usage(),
        PredictionCritical::codes_in_usage(),
        CorrectionScope::codes_in_usage(),
        QCentre::codes_in_usage(),
        I2From::codes_in_usage(),
        Preset::codes_in_usage(),
    )
}

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
        Some("glossary") => {
            let lines: Vec<String> =
                livemeta_core::report::GLOSSARY.iter().map(|t| format!("{}\t{}", t.term, t.definition)).collect();
            return Ok(lines.join("\n"));
        }
        Some("synthetic") => {
            let k: usize = args.next().and_then(|k| k.parse().ok()).ok_or_else(usage)?;
            let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(42);
            return Ok(to_csv(&livemeta_core::data::synthetic_studies(k, seed)).trim_end().to_string());
        }
        _ => return Err(usage()),
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
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n{}", usage()));
        match arg.as_str() {
            "--measure" => {
                let v = value("--measure")?;
                options.measure = coded("--measure", &v)?;
                measure_given = true;
            }
            "--method" => {
                let v = value("--method")?;
                model = Some(coded("--method", &v)?);
            }
            "--knha" => options.ci_method = CiMethod::KnappHartung,
            "--adhoc" => options.ci_method = CiMethod::KnappHartungAdhoc,
            "--pi" => {
                let v = value("--pi")?;
                options.prediction = coded("--pi", &v)?;
            }
            "--add" => {
                let v = value("--add")?;
                add = Some(v.parse::<f64>().map_err(|_| format!("--add: {v} is not a number"))?);
            }
            "--to" => {
                let v = value("--to")?;
                to = Some(coded("--to", &v)?);
            }
            "--drop00" => {
                let v = value("--drop00")?;
                drop00 = Some(v.parse::<bool>().map_err(|_| format!("--drop00 takes true or false, got {v}"))?);
            }
            "--q" => {
                let v = value("--q")?;
                options.q_centre = coded("--q", &v)?;
            }
            "--i2" => {
                let v = value("--i2")?;
                options.i2_from = coded("--i2", &v)?;
            }
            "--preset" => {
                let v = value("--preset")?;
                let convention = coded::<Preset>("--preset", &v)?.convention();
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
            other if other.starts_with("--") => return Err(format!("unknown option {other}\n{}", usage())),
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
    let path = path.ok_or_else(|| format!("no input file\n{}", usage()))?;
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
            every_analysis(&studies, &analysis, &options, &mut out);
        }
        if let Some(name) = moderator {
            let (_, column) = extra_columns(&text)
                .into_iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(&name))
                .ok_or_else(|| format!("{path} has no column {name}"))?;
            let values = ModeratorValues::from_text(column.into_iter().map(Some).collect());
            out["meta_regression"] = result_json(moderator_analysis(&analysis, &name, &values, options.level));
        }
        if by_subgroup {
            let groups = parse_subgroups(&text).ok_or("--subgroups needs a subgroup column in the CSV")?;
            out["subgroups"] = result_json(subgroups(&studies, &groups, &options));
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
            other if other.starts_with("--") => return Err(format!("unknown option {other}\n{}", usage())),
            other => path = Some(other.to_string()),
        }
    }
    let path = path.ok_or_else(|| format!("no dataset file\n{}", usage()))?;
    let dataset = Dataset::from_json(&std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?)?;
    let outcome_id = outcome.ok_or("--outcome is required")?;
    let outcome = dataset.outcome(&outcome_id).ok_or_else(|| format!("no outcome {outcome_id} in {path}"))?;
    let preferred = match definition {
        Some(d) if outcome.definition_preference.contains(&d) => Some(outcome.preferring(&d)),
        Some(d) => return Err(format!("{d} is not a definition of {outcome_id}")),
        None => None,
    };
    let outcome = preferred.as_ref().unwrap_or(outcome);
    let dose = DoseSelection::from_code(&dose);
    let rows = trial_rows(&dataset, outcome, &dose, &|id| !excluded.iter().any(|x| x == id));
    let studies: Vec<_> = rows.iter().filter_map(|r| r.pooled_counts().cloned()).collect();
    Ok(to_csv(&studies).trim_end().to_string())
}

/// Every specification of the multiverse over the files (each one data variant), as JSON:
/// the tally on each side of the null and every result.
fn multiverse(paths: Vec<String>) -> Result<String, String> {
    if paths.is_empty() {
        return Err(format!("no CSV file\n{}", usage()));
    }
    let variants = paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let studies = parse_studies(&text)
                .map_err(|errors| errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))?;
            Ok(livemeta_core::sensitivity::DataVariant { label: path.clone(), studies })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let m = livemeta_core::sensitivity::run_multiverse(&variants, 0.95);
    let tally = m.tally(|_| true);
    Ok(serde_json::json!({ "tally": tally, "failed": m.failed.len(), "results": m.results }).to_string())
}

/// The value of a coded flag, or a message naming the values it takes.
fn coded<T: Coded>(flag: &str, value: &str) -> Result<T, String> {
    T::from_code(value).ok_or_else(|| format!("{flag}: {value} is not {}", T::codes_in_words()))
}
