//! Per-trial diagnostics of an inverse-variance analysis, as metafor gives them:
//!
//! - BLUPs (`blup`): each trial's true effect as the random-effects model predicts it,
//!   shrunk towards the pooled estimate by lambda = tau² / (tau² + v):
//!   lambda y + (1 - lambda) mu, SE sqrt(lambda v + (1 - lambda)² Var(mu));
//! - standardised residuals (`rstandard`): (y - mu) / sqrt(v + tau² - 1 / sum w), and their
//!   normal quantiles for the Q-Q plot (`qqnorm`, R's `ppoints`);
//! - the radial (Galbraith) plot (`radial`): x = 1 / sqrt(v + tau²), y = y / sqrt(v + tau²); the
//!   pooled estimate is the slope of a line through the origin.
use crate::error::EngineError;
use crate::model::effects_and_method;
use crate::model::Analysis;
use crate::numerics::dist;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialDiagnostics {
    pub label: String,
    pub observed: f64,
    pub blup: f64,
    pub blup_se: f64,
    pub blup_lower: f64,
    pub blup_upper: f64,
    /// How far the observed effect is pulled towards the pool: 1 - lambda.
    pub shrinkage: f64,
    pub standardized_residual: f64,
    pub radial_x: f64,
    pub radial_y: f64,
}

/// The diagnostics of every estimable trial, in order, with BLUP intervals at `level`.
#[doc(alias = "blup")]
pub fn trial_diagnostics(analysis: &Analysis, level: f64) -> Result<Vec<TrialDiagnostics>, EngineError> {
    effects_and_method(analysis)?;
    let (mu, tau2) = (analysis.pooled.y, analysis.heterogeneity.tau2);
    let var_mu = analysis.pooled.se.powi(2);
    // The residuals' variance uses the model's own Var(mu) = 1 / sum w, not the Knapp-Hartung
    // rescaled one (metafor's rstandard; its blup does use the rescaled one).
    let model_var_mu =
        analysis.studies.iter().filter_map(|s| s.effect).map(|e| 1.0 / (e.vi + tau2)).sum::<f64>().recip();
    let crit = match analysis.pooled.df {
        Some(df) => dist::t_crit(level, df),
        None => dist::z_crit(level),
    };
    Ok(analysis
        .studies
        .iter()
        .filter_map(|s| s.effect.map(|e| (s.label.clone(), e)))
        .map(|(label, e)| {
            let lambda = if tau2 > 0.0 { tau2 / (tau2 + e.vi) } else { 0.0 };
            let blup = lambda * e.yi + (1.0 - lambda) * mu;
            let blup_se = (lambda * e.vi + (1.0 - lambda).powi(2) * var_mu).sqrt();
            let total = (e.vi + tau2).sqrt();
            TrialDiagnostics {
                label,
                observed: e.yi,
                blup,
                blup_se,
                blup_lower: blup - crit * blup_se,
                blup_upper: blup + crit * blup_se,
                shrinkage: 1.0 - lambda,
                standardized_residual: (e.yi - mu) / (e.vi + tau2 - model_var_mu).sqrt(),
                radial_x: 1.0 / total,
                radial_y: e.yi / total,
            }
        })
        .collect())
}

/// The normal quantiles R's `qqnorm` pairs with n sorted values: `qnorm(ppoints(n))`.
#[doc(alias = "qqnorm")]
pub fn normal_quantiles(n: usize) -> Vec<f64> {
    let a = if n <= 10 { 3.0 / 8.0 } else { 0.5 };
    let normal = Normal::new(0.0, 1.0).expect("valid");
    (1..=n).map(|i| normal.inverse_cdf((i as f64 - a) / (n as f64 + 1.0 - 2.0 * a))).collect()
}
