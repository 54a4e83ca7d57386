//! Duval and Tweedie's trim-and-fill, as metafor's `trimfill` for intercept-only models.
use crate::error::EngineError;
use crate::model::{effects_and_method, quick_fit, Analysis, CiMethod, QuickFit, Tau2Method};
use crate::regression::meta_regression;
use serde::Serialize;

/// Slope of the meta-regression of y on its standard error, with tau^2 from the main model's
/// estimator (`rma(yi, vi, mods = sqrt(vi), method = ...)`); trim-and-fill uses its sign.
/// Equal standard errors leave the slope undefined, and the studies are filled on the left.
fn standard_error_slope(y: &[f64], v: &[f64], method: Option<Tau2Method>) -> Result<f64, EngineError> {
    let se: Vec<f64> = v.iter().map(|vi| vi.sqrt()).collect();
    if se.iter().all(|s| *s == se[0]) {
        return Ok(f64::NAN);
    }
    let x: Vec<Vec<f64>> = se.iter().map(|s| vec![1.0, *s]).collect();
    Ok(meta_regression(y, v, &x, method, CiMethod::Wald, 0.95)?.coefficients[1].estimate)
}

/// Duval and Tweedie's estimators of the number of missing studies (metafor's `estimator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TrimFillEstimator {
    L0,
    R0,
    Q0,
}

impl TrimFillEstimator {
    pub const ALL: [TrimFillEstimator; 3] = [TrimFillEstimator::L0, TrimFillEstimator::R0, TrimFillEstimator::Q0];
    pub fn code(self) -> &'static str {
        match self {
            TrimFillEstimator::L0 => "L0",
            TrimFillEstimator::R0 => "R0",
            TrimFillEstimator::Q0 => "Q0",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrimAndFill {
    pub estimator: TrimFillEstimator,
    /// Estimated number of missing studies.
    pub k0: usize,
    /// The side on which studies were filled: "left" or "right".
    pub side: &'static str,
    /// Filled effect sizes (y, v), mirror images of the most extreme studies.
    pub filled: Vec<(f64, f64)>,
    /// The model refitted with the filled studies added.
    pub fit: QuickFit,
}

/// Duval and Tweedie's trim-and-fill, as `metafor::trimfill(res, estimator = ...)`.
#[doc(alias = "trimfill")]
pub fn trim_and_fill(analysis: &Analysis, estimator: TrimFillEstimator) -> Result<TrimAndFill, EngineError> {
    let (y, v, method) = effects_and_method(analysis)?;
    let k = y.len();
    if k < 3 {
        return Err(EngineError::NotEnoughStudies { needed: 3, found: k, what: "trim-and-fill" });
    }
    let side = if standard_error_slope(&y, &v, method)? < 0.0 { "right" } else { "left" };
    let sign = if side == "right" { -1.0 } else { 1.0 };
    // Work on the side where studies are missing on the left, sorted (stably) by effect.
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| (sign * y[a]).partial_cmp(&(sign * y[b])).unwrap_or(std::cmp::Ordering::Equal));
    let ys: Vec<f64> = order.iter().map(|&i| sign * y[i]).collect();
    let vs: Vec<f64> = order.iter().map(|&i| v[i]).collect();
    let (mut k0, mut previous, mut beta) = (0usize, usize::MAX, 0.0);
    let mut iterations = 0;
    while k0 != previous {
        iterations += 1;
        if iterations > 100 {
            return Err(EngineError::NotConverged { method: "trim-and-fill", iterations, tolerance: 0.0 });
        }
        previous = k0;
        beta = quick_fit(&ys[..k - k0], &vs[..k - k0], method)?.estimate;
        let centred: Vec<f64> = ys.iter().map(|yi| yi - beta).collect();
        // Ranks of |centred|, ties broken by position (R's ties.method = "first").
        let mut by_size: Vec<usize> = (0..k).collect();
        by_size.sort_by(|&a, &b| centred[a].abs().partial_cmp(&centred[b].abs()).unwrap_or(std::cmp::Ordering::Equal));
        let mut rank = vec![0.0; k];
        for (r, &i) in by_size.iter().enumerate() {
            rank[i] = (r + 1) as f64;
        }
        let kf = k as f64;
        let sr: f64 = (0..k).filter(|&i| centred[i] > 0.0).map(|i| rank[i]).sum();
        let estimate = match estimator {
            TrimFillEstimator::L0 => (4.0 * sr - kf * (kf + 1.0)) / (2.0 * kf - 1.0),
            // The run of the largest ranks that are all above the estimate, less one.
            TrimFillEstimator::R0 => {
                let largest_below =
                    (0..k).filter(|&i| centred[i] < 0.0).map(|i| rank[i]).fold(f64::NEG_INFINITY, f64::max);
                kf - largest_below - 1.0
            }
            TrimFillEstimator::Q0 => kf - 0.5 - (2.0 * kf * kf - 4.0 * sr + 0.25).sqrt(),
        };
        if !estimate.is_finite() {
            return Err(EngineError::Unsupported(format!(
                "the {} estimator is not defined for these studies",
                estimator.code()
            )));
        }
        // R rounds half to even.
        k0 = estimate.round_ties_even().max(0.0) as usize;
        k0 = k0.min(k - 1);
    }
    let filled: Vec<(f64, f64)> = (k - k0..k).map(|i| (sign * (2.0 * beta - ys[i]), vs[i])).collect();
    let (mut y_all, mut v_all) = (y.clone(), v.clone());
    y_all.extend(filled.iter().map(|f| f.0));
    v_all.extend(filled.iter().map(|f| f.1));
    let fit = quick_fit(&y_all, &v_all, method)?;
    Ok(TrimAndFill { estimator, k0, side, filled, fit })
}
