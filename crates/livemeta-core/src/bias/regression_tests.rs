//! Regression tests for small-study effects, as metafor's `regtest`: Egger's (classic and
//! mixed-effects), PET-PEESE, Peters', Harbord's and Rücker's arcsine test.
use crate::data::StudyCounts;
use crate::error::EngineError;
use crate::model::{effects_and_method, table_effect, Analysis, EffectSize, Measure};
use crate::numerics::dist;
use crate::regression::meta_regression;
use serde::Serialize;

/// Egger's regression test: the effects regressed on their standard errors; the slope's test
/// says whether small studies show different effects.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EggerTest {
    /// t, or z for the mixed-effects form without Knapp-Hartung.
    pub statistic: f64,
    /// Degrees of freedom of a t test.
    pub df: Option<f64>,
    pub p_value: f64,
    /// The intercept: the estimate as the standard error goes to zero ("limit estimate").
    pub limit_estimate: f64,
    pub limit_ci_lower: f64,
    pub limit_ci_upper: f64,
    /// The two-sided P value of the intercept being 0.
    pub limit_p_value: f64,
}

/// Classic form (`regtest(model = "lm")`): weighted least squares of y on its standard error
/// with weights 1/v; the slope's t test with k - 2 df.
#[doc(alias = "regtest")]
pub fn egger(analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    let (x, w): (Vec<f64>, Vec<f64>) = v.iter().map(|vi| (vi.sqrt(), 1.0 / vi)).unzip();
    weighted_slope_test(&y, &x, &w, level, "Egger's regression test")
}

/// Weighted least squares of y on [1, x] with weights w and a residual variance estimated from
/// the data (a multiplicative error, as `lm`); the slope's t test with k - 2 df. The intercept
/// is the "limit estimate" where x is 0.
fn weighted_slope_test(
    y: &[f64],
    x: &[f64],
    w: &[f64],
    level: f64,
    what: &'static str,
) -> Result<EggerTest, EngineError> {
    let k = y.len();
    if k < 3 {
        return Err(EngineError::NotEnoughStudies { needed: 3, found: k, what });
    }
    let (mut s0, mut s1, mut s2, mut t0, mut t1) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((yi, xi), wi) in y.iter().zip(x).zip(w) {
        s0 += wi;
        s1 += wi * xi;
        s2 += wi * xi * xi;
        t0 += wi * yi;
        t1 += wi * xi * yi;
    }
    let det = s0 * s2 - s1 * s1;
    let (b0, b1) = ((s2 * t0 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det);
    let df = (k - 2) as f64;
    let rss: f64 = y.iter().zip(x).zip(w).map(|((yi, xi), wi)| wi * (yi - b0 - b1 * xi).powi(2)).sum();
    let sigma2 = rss / df;
    let (se0, se1) = ((sigma2 * s2 / det).sqrt(), (sigma2 * s0 / det).sqrt());
    let t = b1 / se1;
    let crit = dist::t_crit(level, df);
    Ok(EggerTest {
        statistic: t,
        df: Some(df),
        p_value: dist::t_two_sided_p(t, df),
        limit_estimate: b0,
        limit_ci_lower: b0 - crit * se0,
        limit_ci_upper: b0 + crit * se0,
        limit_p_value: dist::t_two_sided_p(b0 / se0, df),
    })
}

/// PET-PEESE (Stanley and Doucouliagos 2014): the effect corrected for small-study effects as
/// the intercept of a weighted regression (weights 1/v) on the standard error (PET) or on the
/// variance (PEESE). PEESE is the answer when PET's intercept is significant at 5% one-sided in
/// its own direction (two-sided P < 0.10), PET otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PetPeese {
    pub pet: EggerTest,
    pub peese: EggerTest,
    pub uses_peese: bool,
}

#[doc(alias = "regtest")]
pub fn pet_peese(analysis: &Analysis, level: f64) -> Result<PetPeese, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / vi).collect();
    let se: Vec<f64> = v.iter().map(|vi| vi.sqrt()).collect();
    let pet = weighted_slope_test(&y, &se, &w, level, "PET-PEESE")?;
    let peese = weighted_slope_test(&y, &v, &w, level, "PET-PEESE")?;
    Ok(PetPeese { pet, peese, uses_peese: pet.limit_p_value < 0.10 })
}

/// Peters et al. (JAMA 2006): each trial's effect (the measure analysed) regressed on 1/N,
/// weighted by 1 / (1/events + 1/non-events) of both arms together; the slope's t test. A trial
/// with no events or no non-events has no weight and is left out. `studies` are the tables the
/// analysis pooled, in its order.
#[doc(alias = "regtest")]
pub fn peters(studies: &[StudyCounts], analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for (s, r) in studies.iter().zip(&analysis.studies) {
        let (Some(e), Some(_)) = (r.effect, r.weight_percent) else { continue };
        let events = (s.events_treatment + s.events_control) as f64;
        let non_events = (s.total_treatment + s.total_control) as f64 - events;
        if events > 0.0 && non_events > 0.0 {
            rows.0.push(e.yi);
            rows.1.push(1.0 / (s.total_treatment + s.total_control) as f64);
            rows.2.push(1.0 / (1.0 / events + 1.0 / non_events));
        }
    }
    weighted_slope_test(&rows.0, &rows.1, &rows.2, level, "Peters' test")
}

/// Harbord et al. (Stat Med 2006): the efficient score Z = O - E and its hypergeometric variance
/// V of each trial's log odds ratio; Z/V regressed on 1/sqrt(V) with weights V (Egger's test on
/// the score), the slope's t test. The score is the odds ratio's whatever the measure analysed.
#[doc(alias = "regtest")]
pub fn harbord(studies: &[StudyCounts], analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for (s, r) in studies.iter().zip(&analysis.studies) {
        if r.weight_percent.is_none() {
            continue;
        }
        let (z, v) = crate::model::peto_terms(&s.cells());
        if v > 0.0 {
            rows.0.push(z / v);
            rows.1.push(1.0 / v.sqrt());
            rows.2.push(v);
        }
    }
    weighted_slope_test(&rows.0, &rows.1, &rows.2, level, "Harbord's test")
}

/// Rücker et al. (Stat Med 2008): Egger's regression on the arcsine difference
/// asin(sqrt(a/n1)) - asin(sqrt(c/n2)), whose variance 1/(4 n1) + 1/(4 n2) does not depend on
/// the effect, so zero cells need no correction and the test holds its size for binary data;
/// the trials of the analysis, the slope's t test (metafor: `regtest(rma(measure = "AS"),
/// model = "lm")`).
#[doc(alias = "regtest")]
pub fn ruecker(studies: &[StudyCounts], analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for (s, r) in studies.iter().zip(&analysis.studies) {
        if r.weight_percent.is_none() {
            continue;
        }
        let EffectSize { yi, vi } = table_effect(&s.cells(), Measure::AS);
        rows.0.push(yi);
        rows.1.push(vi.sqrt());
        rows.2.push(1.0 / vi);
    }
    weighted_slope_test(&rows.0, &rows.1, &rows.2, level, "Rücker's arcsine test")
}

/// metafor's default form (`regtest(res)`): the analysis's own model (its tau^2 estimator, and
/// (modified) Knapp-Hartung if it used it) with the standard error as a moderator.
#[doc(alias = "regtest")]
pub fn egger_mixed(analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let (y, v, method) = effects_and_method(analysis)?;
    if y.len() < 3 {
        return Err(EngineError::NotEnoughStudies { needed: 3, found: y.len(), what: "Egger's regression test" });
    }
    let x: Vec<Vec<f64>> = v.iter().map(|vi| vec![1.0, vi.sqrt()]).collect();
    let fit = meta_regression(&y, &v, &x, method, analysis.ci_method, level)?;
    let (intercept, slope) = (fit.coefficients[0], fit.coefficients[1]);
    Ok(EggerTest {
        statistic: slope.statistic,
        df: fit.df,
        p_value: slope.p_value,
        limit_estimate: intercept.estimate,
        limit_ci_lower: intercept.ci_lower,
        limit_ci_upper: intercept.ci_upper,
        limit_p_value: intercept.p_value,
    })
}
