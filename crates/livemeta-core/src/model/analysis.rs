//! One analysis of a set of 2x2 tables: per-study estimates, the pooled estimate,
//! heterogeneity and the prediction interval. Conventions follow metafor; see
//! ARCHITECTURE.md for the places where a named preset departs from it.
use super::common_effect::{mantel_haenszel, peto};
use super::effect_size::{corrected_tables, effect_sizes, peto_terms, EffectSize, Measure, NotEstimable};
use super::options::{AnalysisOptions, CiMethod, I2From, Model, QCentre};
use super::tau2::{cochran_q, estimate_tau2, generalised_q, solve_decreasing, Tau2Method};
use crate::data::{validate_all, StudyCounts, Table};
use crate::error::EngineError;
use crate::numerics::dist;
use serde::Serialize;

/// Each study's estimate computed the way its model pools it, so a one-study pool equals its
/// study row. Peto's method pools raw counts, so its rows are (O - E)/V from raw counts, as
/// RevMan shows them; metafor's `rma.peto` would add 0.5 to zero-cell rows for display only.
/// Every other model pools the corrected tables that `effect_sizes` describes.
pub fn study_effects(studies: &[StudyCounts], options: &AnalysisOptions) -> Vec<Result<EffectSize, NotEstimable>> {
    if options.model != Model::CommonPeto {
        return effect_sizes(studies, options.measure, &options.zero_cells);
    }
    studies
        .iter()
        .map(|s| {
            let (o_minus_e, v) = peto_terms(&s.cells());
            if v > 0.0 {
                Ok(EffectSize { yi: o_minus_e / v, vi: 1.0 / v })
            } else {
                Err(NotEstimable::DoubleZero)
            }
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct StudyResult {
    pub label: String,
    /// `None` when the study could not be estimated; it is still listed.
    pub effect: Option<EffectSize>,
    pub not_estimable: Option<NotEstimable>,
    /// Percent of the total weight in the pooled estimate; `None` if it did not contribute.
    pub weight_percent: Option<f64>,
    measure: Measure,
    z: f64,
}

impl StudyResult {
    /// The estimate and its CI on the display scale. Computed on request: at k = 10,000 the
    /// exponentials for every study cost more than the pooling itself.
    pub fn estimate_with_ci(&self) -> Option<(f64, f64, f64)> {
        self.effect.map(|e| e.display_interval(self.measure, self.z))
    }
}

impl Serialize for StudyResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let shown = self.estimate_with_ci();
        let mut out = serializer.serialize_struct("StudyResult", 7)?;
        out.serialize_field("label", &self.label)?;
        out.serialize_field("effect", &self.effect)?;
        out.serialize_field("not_estimable", &self.not_estimable)?;
        out.serialize_field("estimate", &shown.map(|s| s.0))?;
        out.serialize_field("ci_lower", &shown.map(|s| s.1))?;
        out.serialize_field("ci_upper", &shown.map(|s| s.2))?;
        out.serialize_field("weight_percent", &self.weight_percent)?;
        out.end()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pooled {
    /// Analysis scale (log for ratio measures).
    pub y: f64,
    pub se: f64,
    /// Display scale.
    pub estimate: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    /// z, or t with `df` under Knapp-Hartung.
    pub statistic: f64,
    pub df: Option<f64>,
    pub p_value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Heterogeneity {
    pub q: f64,
    pub df: f64,
    pub p_value: Option<f64>,
    pub i2: Option<f64>,
    pub h2: Option<f64>,
    pub tau2: f64,
    pub tau: f64,
    /// Q-profile confidence intervals (random-effects models with k >= 2 only).
    pub tau2_ci: Option<Interval>,
    pub i2_ci: Option<Interval>,
    pub h2_ci: Option<Interval>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub measure: Measure,
    pub model: Model,
    pub model_label: String,
    /// Studies that contributed to the pooled estimate.
    pub k: usize,
    pub studies: Vec<StudyResult>,
    pub pooled: Pooled,
    pub heterogeneity: Heterogeneity,
    /// Display scale; random-effects models only.
    pub prediction: Option<Interval>,
    /// The test and CI used: Knapp-Hartung only for a random-effects pool of two or more.
    pub ci_method: CiMethod,
}

impl Analysis {
    /// The factor Knapp-Hartung scaled the variance by (at least 1 when modified), when it
    /// applies: the squared ratio of its SE to Wald's.
    pub fn knapp_hartung_factor(&self) -> Option<f64> {
        let sw: f64 =
            self.studies.iter().filter_map(|s| s.effect).map(|e| 1.0 / (e.vi + self.heterogeneity.tau2)).sum();
        self.pooled.df.map(|_| self.pooled.se * self.pooled.se * sw)
    }
}

#[doc(alias = "rma")]
pub fn analyze(studies: &[StudyCounts], options: &AnalysisOptions) -> Result<Analysis, EngineError> {
    if studies.is_empty() {
        return Err(EngineError::NoStudies);
    }
    validate_all(studies)?;
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(EngineError::Unsupported(format!("confidence level must lie in (0, 1), got {}", options.level)));
    }
    let measure = options.measure;
    if !options.model.pools(measure) {
        return Err(EngineError::Unsupported(match options.model {
            Model::CommonPeto => "the Peto method pools only the Peto odds ratio".into(),
            _ => "Mantel-Haenszel pooling needs RR, OR or RD (the arcsine difference is pooled by inverse variance)"
                .into(),
        }));
    }
    let effects = study_effects(studies, options);
    let estimable: Vec<(usize, EffectSize)> =
        effects.iter().enumerate().filter_map(|(i, e)| e.ok().map(|e| (i, e))).collect();
    let y: Vec<f64> = estimable.iter().map(|(_, e)| e.yi).collect();
    let v: Vec<f64> = estimable.iter().map(|(_, e)| e.vi).collect();
    let k_yi = y.len();
    let z = dist::z_crit(options.level);

    let mut weights = vec![None; studies.len()];
    let (pooled, heterogeneity, prediction, k) = match options.model {
        Model::CommonMantelHaenszel | Model::CommonPeto => {
            // Mantel-Haenszel pools the same corrected tables its rows show (RevMan 5 and R
            // meta; metafor's rma.mh pools raw counts, which `to = none` reproduces). A table
            // the double-zero rule leaves out has no row and no weight.
            let tables = if options.model == Model::CommonPeto {
                studies.iter().map(|s| Some(s.cells())).collect()
            } else {
                corrected_tables(studies, &options.zero_cells)
            };
            let present: Vec<Table> = tables.iter().flatten().copied().collect();
            let (fit, peto_q) = if options.model == Model::CommonPeto {
                let (fit, q) = peto(&present);
                (fit, Some(q))
            } else {
                (mantel_haenszel(&present, measure), None)
            };
            if !(fit.estimate.is_finite() && fit.se.is_finite() && fit.se > 0.0) {
                return Err(EngineError::Unsupported(format!(
                    "the {} estimate is not estimable from these counts (no events, or no non-events, in one arm of every study)",
                    options.model.label()
                )));
            }
            let total: f64 = fit.weights.iter().sum();
            let contributing = fit.weights.iter().filter(|w| **w > 0.0).count();
            let slots = weights.iter_mut().zip(&tables).filter_map(|(slot, t)| t.map(|_| slot));
            for (slot, w) in slots.zip(&fit.weights) {
                *slot = (*w > 0.0).then_some(100.0 * w / total);
            }
            // With one estimable table there is no heterogeneity to test; metafor sets Q = 0.
            let q = match peto_q {
                _ if k_yi < 2 => 0.0,
                Some(q) => q,
                None => y.iter().zip(&v).map(|(yi, vi)| (yi - fit.estimate).powi(2) / vi).sum(),
            };
            let het = common_heterogeneity(q, k_yi);
            (z_pooled(fit.estimate, fit.se, measure, z), het, None, contributing)
        }
        Model::CommonInverseVariance => {
            require_estimable(k_yi)?;
            let (mu, se) = inverse_variance(&y, &v, 0.0);
            let (q, _) = cochran_q(&y, &v);
            let sw: f64 = v.iter().map(|vi| 1.0 / vi).sum();
            for (i, vi) in estimable.iter().map(|(i, e)| (*i, e.vi)) {
                weights[i] = Some(100.0 / vi / sw);
            }
            (z_pooled(mu, se, measure, z), common_heterogeneity(q, k_yi), None, k_yi)
        }
        Model::Random(method) => {
            require_estimable(k_yi)?;
            let (pooled, het, pi) =
                random_effects(studies, options, method, options.q_centre, options.i2_from, &estimable, &mut weights)?;
            (pooled, het, pi, k_yi)
        }
        Model::RevManMhRandom => {
            // DerSimonian-Laird from Q around the Mantel-Haenszel estimate, I² from that Q.
            require_estimable(k_yi)?;
            let method = Tau2Method::DerSimonianLaird;
            let (pooled, het, pi) =
                random_effects(studies, options, method, QCentre::MantelHaenszel, I2From::Q, &estimable, &mut weights)?;
            (pooled, het, pi, k_yi)
        }
    };

    let studies = studies
        .iter()
        .zip(&effects)
        .zip(weights)
        .map(|((s, e), weight_percent)| StudyResult {
            label: s.label.clone(),
            effect: e.ok(),
            not_estimable: e.err(),
            weight_percent,
            measure,
            z,
        })
        .collect();

    let ci_method = if pooled.df.is_some() { options.ci_method } else { CiMethod::Wald };
    Ok(Analysis {
        measure,
        model: options.model,
        model_label: AnalysisOptions { ci_method, ..*options }.label(),
        k,
        studies,
        pooled,
        heterogeneity,
        prediction,
        ci_method,
    })
}

/// Inverse-variance random effects: tau^2 by `method` (DerSimonian-Laird from the Q around
/// `q_centre`), heterogeneity with I² by `i2_from`, the pooled estimate and prediction interval.
fn random_effects(
    studies: &[StudyCounts],
    options: &AnalysisOptions,
    method: Tau2Method,
    q_centre: QCentre,
    i2_from: I2From,
    estimable: &[(usize, EffectSize)],
    weights: &mut [Option<f64>],
) -> Result<(Pooled, Heterogeneity, Option<Interval>), EngineError> {
    let y: Vec<f64> = estimable.iter().map(|(_, e)| e.yi).collect();
    let v: Vec<f64> = estimable.iter().map(|(_, e)| e.vi).collect();
    let (q_iv, c) = cochran_q(&y, &v);
    let q = match q_centre {
        QCentre::MantelHaenszel if Model::CommonMantelHaenszel.pools(options.measure) => {
            let corrected = corrected_tables(studies, &options.zero_cells);
            let tables: Vec<Table> = estimable.iter().filter_map(|(i, _)| corrected[*i]).collect();
            let mh = mantel_haenszel(&tables, options.measure).estimate;
            y.iter().zip(&v).map(|(yi, vi)| (yi - mh).powi(2) / vi).sum()
        }
        _ => q_iv,
    };
    let k = y.len();
    let tau2 = match method {
        Tau2Method::DerSimonianLaird if k > 1 => ((q - (k as f64 - 1.0)) / c).max(0.0),
        Tau2Method::DerSimonianLaird => 0.0,
        _ => estimate_tau2(&y, &v, method)?,
    };
    let mut het = random_heterogeneity(&y, &v, q, c, tau2, options.level)?;
    if i2_from == I2From::Q && k > 1 {
        let from_q = common_heterogeneity(q, k);
        het = Heterogeneity { i2: from_q.i2, h2: from_q.h2, i2_ci: None, h2_ci: None, ..het };
    }
    let (pooled, pi) = random_pooled(&y, &v, tau2, options, weights, estimable)?;
    Ok((pooled, het, pi))
}

fn require_estimable(k: usize) -> Result<(), EngineError> {
    if k == 0 {
        Err(EngineError::NoStudies)
    } else {
        Ok(())
    }
}

fn inverse_variance(y: &[f64], v: &[f64], tau2: f64) -> (f64, f64) {
    let (mu, _) = generalised_q(y, v, tau2);
    let sw: f64 = v.iter().map(|vi| 1.0 / (vi + tau2)).sum();
    (mu, (1.0 / sw).sqrt())
}

fn z_pooled(y: f64, se: f64, measure: Measure, z: f64) -> Pooled {
    let statistic = y / se;
    Pooled {
        y,
        se,
        estimate: measure.to_display(y),
        ci_lower: measure.to_display(y - z * se),
        ci_upper: measure.to_display(y + z * se),
        statistic,
        df: None,
        p_value: dist::z_two_sided_p(statistic),
    }
}

/// Q-based I^2 and H^2, as metafor reports them for common-effect models. With one study
/// metafor reports P = 1, I^2 = 0 and H^2 = 1; so does the engine.
fn common_heterogeneity(q: f64, k: usize) -> Heterogeneity {
    let df = k.saturating_sub(1) as f64;
    let (p_value, i2, h2) = if k > 1 {
        (Some(dist::chi2_sf(q, df)), Some((100.0 * (q - df) / q).max(0.0)), Some(q / df))
    } else {
        (Some(1.0), Some(0.0), Some(1.0))
    };
    Heterogeneity { q, df, p_value, i2, h2, tau2: 0.0, tau: 0.0, tau2_ci: None, i2_ci: None, h2_ci: None }
}

/// tau^2-based I^2 and H^2 (Higgins & Thompson with metafor's typical within-study
/// variance), plus Q-profile intervals.
fn random_heterogeneity(
    y: &[f64],
    v: &[f64],
    q: f64,
    c: f64,
    tau2: f64,
    level: f64,
) -> Result<Heterogeneity, EngineError> {
    let k = y.len();
    let df = k.saturating_sub(1) as f64;
    if k < 2 {
        return Ok(Heterogeneity { tau2, tau: tau2.sqrt(), ..common_heterogeneity(q, k) });
    }
    let typical_v = df / c;
    let i2_of = |t: f64| 100.0 * t / (typical_v + t);
    let h2_of = |t: f64| (typical_v + t) / typical_v;
    let tau2_ci = q_profile_tau2(y, v, level)?;
    Ok(Heterogeneity {
        q,
        df,
        p_value: Some(dist::chi2_sf(q, df)),
        i2: Some(i2_of(tau2)),
        h2: Some(h2_of(tau2)),
        tau2,
        tau: tau2.sqrt(),
        tau2_ci: Some(tau2_ci),
        i2_ci: Some(Interval { lower: i2_of(tau2_ci.lower), upper: i2_of(tau2_ci.upper) }),
        h2_ci: Some(Interval { lower: h2_of(tau2_ci.lower), upper: h2_of(tau2_ci.upper) }),
    })
}

/// Q-profile interval for tau^2 (Viechtbauer 2007), truncated at zero.
#[doc(alias = "confint")]
pub fn q_profile_tau2(y: &[f64], v: &[f64], level: f64) -> Result<Interval, EngineError> {
    let df = (y.len() - 1) as f64;
    let alpha = 1.0 - level;
    let solve_at = |quantile: f64| {
        let target = dist::chi2_quantile(quantile, df);
        solve_decreasing(|t| generalised_q(y, v, t).1 - target, "Q-profile")
    };
    Ok(Interval { lower: solve_at(1.0 - alpha / 2.0)?, upper: solve_at(alpha / 2.0)? })
}

fn random_pooled(
    y: &[f64],
    v: &[f64],
    tau2: f64,
    options: &AnalysisOptions,
    weights: &mut [Option<f64>],
    estimable: &[(usize, EffectSize)],
) -> Result<(Pooled, Option<Interval>), EngineError> {
    let k = y.len();
    let measure = options.measure;
    let (mu, se_z) = inverse_variance(y, v, tau2);
    let sw: f64 = v.iter().map(|vi| 1.0 / (vi + tau2)).sum();
    for (i, vi) in estimable.iter().map(|(i, e)| (*i, e.vi)) {
        weights[i] = Some(100.0 / (vi + tau2) / sw);
    }
    // As metafor does, Knapp-Hartung falls back to a z test when there is one study.
    let pooled = if options.ci_method != CiMethod::Wald && k >= 2 {
        let df = (k - 1) as f64;
        let factor: f64 = y.iter().zip(v).map(|(yi, vi)| (yi - mu).powi(2) / (vi + tau2)).sum::<f64>() / df;
        let factor = if options.ci_method == CiMethod::KnappHartungAdhoc { factor.max(1.0) } else { factor };
        let se = (factor / sw).sqrt();
        let t = dist::t_crit(options.level, df);
        let statistic = mu / se;
        Pooled {
            y: mu,
            se,
            estimate: measure.to_display(mu),
            ci_lower: measure.to_display(mu - t * se),
            ci_upper: measure.to_display(mu + t * se),
            statistic,
            df: Some(df),
            p_value: dist::t_two_sided_p(statistic, df),
        }
    } else {
        z_pooled(mu, se_z, measure, dist::z_crit(options.level))
    };
    let prediction = options.prediction.reference(k).map(|reference| {
        let c = reference.critical(options.level);
        let half = c * (tau2 + pooled.se * pooled.se).sqrt();
        Interval { lower: measure.to_display(mu - half), upper: measure.to_display(mu + half) }
    });
    Ok((pooled, prediction))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Measure;

    #[test]
    fn a_one_study_pool_equals_its_row_under_every_model() {
        let studies = [StudyCounts::new("only", 4, 50, 9, 50)];
        for model in [Model::CommonInverseVariance, Model::CommonMantelHaenszel, Model::Random(Tau2Method::Reml)] {
            let a = analyze(&studies, &AnalysisOptions::default().with_model(model)).unwrap();
            let row = a.studies[0].effect.unwrap();
            assert!((a.pooled.y - row.yi).abs() < 1e-12 && (a.pooled.se - row.vi.sqrt()).abs() < 1e-12, "{model:?}");
        }
    }

    #[test]
    fn weights_add_to_one_hundred_percent() {
        let studies = [
            StudyCounts::new("a", 4, 50, 9, 50),
            StudyCounts::new("b", 10, 80, 12, 75),
            StudyCounts::new("c", 1, 30, 5, 30),
        ];
        let a = analyze(&studies, &AnalysisOptions { measure: Measure::OR, ..AnalysisOptions::default() }).unwrap();
        let total: f64 = a.studies.iter().filter_map(|s| s.weight_percent).sum();
        assert!((total - 100.0).abs() < 1e-9);
    }

    #[test]
    fn no_studies_is_an_error_not_a_number() {
        assert!(analyze(&[], &AnalysisOptions::default()).is_err());
    }
}
