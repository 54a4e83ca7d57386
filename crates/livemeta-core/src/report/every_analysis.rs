//! Every analysis of one set of studies in one JSON document: what `livemeta analyze
//! --sensitivity` prints, and what the metafor cross-check reads back.
use crate::bias::{begg, egger, egger_mixed, trim_and_fill, TrimFillEstimator};
use crate::data::StudyCounts;
use crate::interpret::{finding, AbsoluteEffect, Choices, ControlRisk};
use crate::sensitivity::TsaAssumptions;
use crate::sensitivity::{baujat, cumulative, gosh, influence, leave_one_out};
use crate::{Analysis, AnalysisOptions, EngineError};
use serde_json::Value;

/// Adds each sensitivity, bias and likelihood analysis of `analysis` (fitted to `studies` under
/// `options`) to `out` under its own key; one that does not apply holds `{"error": "..."}`.
pub fn every_analysis(studies: &[StudyCounts], analysis: &Analysis, options: &AnalysisOptions, out: &mut Value) {
    out["leave_one_out"] = serde_json::to_value(leave_one_out(studies, options)).expect("serialises");
    out["cumulative"] = serde_json::to_value(cumulative(studies, options)).expect("serialises");
    out["influence"] = result_json(influence(analysis));
    out["baujat"] = result_json(baujat(analysis));
    out["egger"] = result_json(egger(analysis, options.level));
    out["egger_mixed"] = result_json(egger_mixed(analysis, options.level));
    out["begg"] = result_json(begg(analysis));
    out["peters"] = result_json(crate::bias::peters(studies, analysis, options.level));
    out["harbord"] = result_json(crate::bias::harbord(studies, analysis, options.level));
    out["ruecker"] = result_json(crate::bias::ruecker(studies, analysis, options.level));
    out["pet_peese"] = result_json(crate::bias::pet_peese(analysis, options.level));
    out["selection_model"] = result_json(crate::bias::selection_model_for(analysis, options.level));
    out["fail_safe_n"] = result_json(crate::bias::fail_safe_n(analysis));
    out["trim_and_fill"] = result_json(trim_and_fill(analysis, TrimFillEstimator::L0));
    out["trim_and_fill_r0"] = result_json(trim_and_fill(analysis, TrimFillEstimator::R0));
    out["trim_and_fill_q0"] = result_json(trim_and_fill(analysis, TrimFillEstimator::Q0));
    if analysis.k <= 16 {
        out["gosh"] = result_json(gosh(analysis));
    }
    out["fragility"] = serde_json::to_value(crate::sensitivity::fragility(
        studies,
        options,
        crate::sensitivity::search_budget(studies.len()),
    ))
    .expect("serialises");
    out["trial_sequential"] = result_json(crate::sensitivity::trial_sequential(studies, options, Default::default()));
    out["estimators"] =
        serde_json::to_value(crate::sensitivity::compare_estimators(studies, options)).expect("serialises");
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    out["profile_likelihood"] = serde_json::json!({
        "tau2_ml": result_json(crate::likelihood::tau2_profile_interval(&y, &v, false, options.level)),
        "tau2_reml": result_json(crate::likelihood::tau2_profile_interval(&y, &v, true, options.level)),
        "mu_ml": result_json(crate::likelihood::mu_profile_interval(&y, &v, options.level)),
    });
    out["likelihood_models"] = crate::likelihood::LikelihoodModel::ALL
        .iter()
        .map(|m| result_json(crate::likelihood::likelihood_fit(studies, *m, options.level)))
        .collect();
    out["conditional_random_effects"] =
        result_json(crate::likelihood::conditional_random_effects(studies, options.level));
    out["approximate_conditional_random_effects"] =
        result_json(crate::likelihood::approximate_conditional_random_effects(studies, options.level));
    out["random_study_intercepts"] =
        result_json(crate::likelihood::random_study_effects(studies, false, options.level));
    out["random_study_effects"] = result_json(crate::likelihood::random_study_effects(studies, true, options.level));
    out["diagnostics"] = result_json(crate::sensitivity::trial_diagnostics(analysis, options.level));
    out["absolute_effects"] = [ControlRisk::Pooled, ControlRisk::Median]
        .into_iter()
        .map(|source| {
            let effect = source.of(studies).and_then(|risk| AbsoluteEffect::of(analysis, risk));
            let json =
                effect.map_or(Value::Null, |e| serde_json::json!({ "effect": e, "number_needed": e.number_needed() }));
            (source.code(), json)
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    // The CLI's data carries no risk-of-bias judgments and no threshold: GRADE's defaults.
    let choices =
        Choices { control_risk: ControlRisk::Pooled, threshold: None, information: TsaAssumptions::default() };
    out["summary_of_findings"] =
        serde_json::to_value(finding(studies, analysis, &[], &choices, &[])).expect("serialises");
    out["bayes"] = crate::likelihood::sensitivity_priors(options.measure)
        .into_iter()
        .map(|p| result_json(crate::likelihood::bayes_for(analysis, p, options.level)))
        .collect();
    // The posterior probabilities below ratios of 0.8 and 1.25 (mu, a new trial), per prior.
    if options.measure.is_ratio() {
        out["bayes_below"] = crate::likelihood::sensitivity_priors(options.measure)
            .into_iter()
            .map(|p| {
                let at = |ratio: f64| crate::likelihood::posterior_below(analysis, p, ratio.ln());
                serde_json::json!({ "0.8": result_json(at(0.8)), "1.25": result_json(at(1.25)) })
            })
            .collect();
    }
}

/// A result as JSON, or `{"error": "..."}` when that analysis does not apply.
pub fn result_json<T: serde::Serialize>(result: Result<T, EngineError>) -> Value {
    match result {
        Ok(value) => serde_json::to_value(value).expect("results serialise"),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}
