//! Fail-safe N, as metafor's `fsn`.
use crate::error::EngineError;
use crate::model::Analysis;
use crate::numerics::dist;
use serde::Serialize;

/// Fail-safe N, as metafor's `fsn` with alpha = 0.05, on the analysis's study effects.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FailSafeN {
    /// Rosenthal (Stouffer's method): studies averaging a null result that would raise the
    /// one-sided combined P to 0.05; `rosenthal_p` is that combined P now.
    pub rosenthal: f64,
    pub rosenthal_p: f64,
    /// Orwin: null studies that would halve the unweighted mean effect (metafor's default
    /// target, so always k), with that mean.
    pub orwin: f64,
    pub orwin_mean: f64,
    /// Rosenberg: null studies that would make the common-effect (inverse-variance) estimate
    /// non-significant at 0.05, two-sided; `rosenberg_p` is its P now.
    pub rosenberg: f64,
    pub rosenberg_p: f64,
}

/// metafor rounds a fail-safe N up, unless it is an integer within floating-point noise.
fn fail_safe_count(n: f64) -> f64 {
    if n.is_finite() && (n - n.round()).abs() >= f64::EPSILON.sqrt() {
        n.ceil()
    } else {
        n.round()
    }
}

#[doc(alias = "fsn")]
pub fn fail_safe_n(analysis: &Analysis) -> Result<FailSafeN, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    if y.is_empty() {
        return Err(EngineError::NoStudies);
    }
    let k = y.len() as f64;
    // One-sided 5%: the 95th percentile, which z_crit gives for a two-sided 90%.
    let z_one_sided = dist::z_crit(0.90);
    let z_avg = (y.iter().zip(&v).map(|(yi, vi)| yi / vi.sqrt()).sum::<f64>() / k.sqrt()).abs();
    let rosenthal = (k * (z_avg / z_one_sided).powi(2) - k).max(0.0);
    let mean = y.iter().sum::<f64>() / k;
    let target = mean / 2.0;
    let orwin = if target == 0.0 { f64::INFINITY } else { (k * (mean - target) / target).max(0.0) };
    let w: f64 = v.iter().map(|vi| 1.0 / vi).sum();
    let wy: f64 = y.iter().zip(&v).map(|(yi, vi)| yi / vi).sum();
    let rosenberg = (k * ((wy / dist::z_crit(0.95)).powi(2) - w) / w).max(0.0);
    Ok(FailSafeN {
        rosenthal: fail_safe_count(rosenthal),
        rosenthal_p: dist::z_two_sided_p(z_avg) / 2.0,
        orwin: fail_safe_count(orwin),
        orwin_mean: mean,
        rosenberg: fail_safe_count(rosenberg),
        rosenberg_p: dist::z_two_sided_p(wy / w * w.sqrt()),
    })
}
