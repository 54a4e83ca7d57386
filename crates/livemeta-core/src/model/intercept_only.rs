//! The intercept-only inverse-variance fit on effect sizes (`rma(yi, vi)`), without the rest
//! of an analysis: the refits of GOSH, influence and trim-and-fill need thousands of them.
use crate::error::EngineError;
use crate::model::{cochran_q, estimate_tau2, generalised_q, Analysis, Model, Tau2Method};
use serde::Serialize;

/// The estimable studies' effects y and variances v, and the tau^2 method (None: common effect).
pub type EffectsAndMethod = (Vec<f64>, Vec<f64>, Option<Tau2Method>);

/// Estimable effect sizes and the tau^2 method of an inverse-variance model; the small-study
/// and influence analyses work on these, as metafor's do on `yi` and `vi`.
pub fn effects_and_method(analysis: &Analysis) -> Result<EffectsAndMethod, EngineError> {
    let method = match analysis.model {
        Model::CommonInverseVariance => None,
        Model::Random(m) => Some(m),
        other => {
            return Err(EngineError::Unsupported(format!(
                "{} is not an inverse-variance model; refit with IV or a tau^2 estimator",
                other.label()
            )))
        }
    };
    let (y, v) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    Ok((y, v, method))
}

/// One intercept-only fit on effect sizes: the numbers GOSH and influence need.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuickFit {
    pub estimate: f64,
    pub se: f64,
    pub tau2: f64,
    pub q: f64,
    pub i2: f64,
    pub h2: f64,
}

pub fn quick_fit(y: &[f64], v: &[f64], method: Option<Tau2Method>) -> Result<QuickFit, EngineError> {
    let k = y.len() as f64;
    let tau2 = match method {
        Some(m) => estimate_tau2(y, v, m)?,
        None => 0.0,
    };
    let (mu, _) = generalised_q(y, v, tau2);
    let sw: f64 = v.iter().map(|vi| 1.0 / (vi + tau2)).sum();
    let (q, c) = cochran_q(y, v);
    let df = k - 1.0;
    let (i2, h2) = if y.len() < 2 {
        (0.0, 1.0)
    } else if method.is_some() {
        let typical = df / c;
        (100.0 * tau2 / (typical + tau2), (typical + tau2) / typical)
    } else {
        ((100.0 * (q - df) / q).max(0.0), q / df)
    };
    Ok(QuickFit { estimate: mu, se: (1.0 / sw).sqrt(), tau2, q, i2, h2 })
}
