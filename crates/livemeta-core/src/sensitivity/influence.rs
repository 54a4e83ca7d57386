//! Case-deletion diagnostics, as metafor's `influence()` and `baujat()`.
use crate::error::EngineError;
use crate::model::{effects_and_method, quick_fit, Analysis};
use serde::Serialize;

/// metafor's `influence()` for one study.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Influence {
    pub rstudent: f64,
    pub dffits: f64,
    pub cook_d: f64,
    pub cov_r: f64,
    pub tau2_deleted: f64,
    pub q_deleted: f64,
    pub hat: f64,
    pub weight_percent: f64,
    pub dfbetas: f64,
}

/// Case-deletion diagnostics for the estimable studies (in their order).
pub fn influence(analysis: &Analysis) -> Result<Vec<Influence>, EngineError> {
    let (y, v, method) = effects_and_method(analysis)?;
    if y.len() < 2 {
        return Err(EngineError::NotEnoughStudies { needed: 2, found: y.len(), what: "influence diagnostics" });
    }
    let full = quick_fit(&y, &v, method)?;
    let sw: f64 = v.iter().map(|vi| 1.0 / (vi + full.tau2)).sum();
    let vb = full.se * full.se;
    (0..y.len())
        .map(|i| {
            let (yd, vd) = without(&y, &v, i);
            let del = quick_fit(&yd, &vd, method)?;
            let hat = 1.0 / (v[i] + full.tau2) / sw;
            let diff = full.estimate - del.estimate;
            let vb_all_deleted_tau2 = 1.0 / v.iter().map(|vj| 1.0 / (vj + del.tau2)).sum::<f64>();
            Ok(Influence {
                rstudent: (y[i] - del.estimate) / (v[i] + del.se * del.se + del.tau2).sqrt(),
                dffits: diff / (hat * (del.tau2 + v[i])).sqrt(),
                cook_d: diff * diff / vb,
                cov_r: del.se * del.se / vb,
                tau2_deleted: del.tau2,
                q_deleted: del.q,
                hat,
                weight_percent: 100.0 * hat,
                dfbetas: diff / vb_all_deleted_tau2.sqrt(),
            })
        })
        .collect()
}

fn without(y: &[f64], v: &[f64], i: usize) -> (Vec<f64>, Vec<f64>) {
    let keep = |x: &[f64]| x.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, x)| *x).collect::<Vec<f64>>();
    (keep(y), keep(v))
}

/// Baujat coordinates: (contribution to heterogeneity, influence on the pooled result).
pub fn baujat(analysis: &Analysis) -> Result<Vec<(f64, f64)>, EngineError> {
    let (y, v, method) = effects_and_method(analysis)?;
    let full = quick_fit(&y, &v, method)?;
    (0..y.len())
        .map(|i| {
            let (yd, vd) = without(&y, &v, i);
            let del = quick_fit(&yd, &vd, method)?;
            Ok((
                (y[i] - full.estimate).powi(2) / (full.tau2 + v[i]),
                (del.estimate - full.estimate).powi(2) / (del.se * del.se),
            ))
        })
        .collect()
}
