//! The step-function selection model of Vevea & Hedges (1995), as metafor's
//! `selmodel(rma(yi, vi, method = "ML"), type = "stepfun", steps = ..., alternative = ...)`:
//! a trial whose one-sided P value falls in interval j of `steps` is published with relative
//! probability delta_j (delta_1 = 1), so each trial's likelihood is the normal random-effects
//! density weighted by delta_j and divided by the mean weight A_i under that density:
//!
//!   log L = Σ [ log delta_j(i) + log φ(y_i; mu, v_i + tau²) - log A_i ],
//!   A_i = Σ_j delta_j · P(s_(j-1) < p_i ≤ s_j | mu, tau²).
//!
//! Fitted by maximum likelihood, as metafor refits any random-effects model; under a
//! common-effect model tau² stays 0, as metafor keeps it. A Nelder-Mead search on (mu, log tau², log delta) from the random-effects ML fit, polished by
//! Newton steps on Richardson-extrapolated differences. Standard errors come from the
//! observed information in (mu, tau², delta), as metafor's do.
use crate::error::EngineError;
use crate::model::{estimate_tau2, generalised_q, Estimate, Tau2Method};
use crate::numerics::dist;
use crate::numerics::dist::standard_normal;
use crate::numerics::{hessian, invert, nelder_mead, newton_polish};
use serde::Serialize;
use statrs::distribution::ContinuousCDF;

/// The cutpoints of the three-parameter model (McShane et al. 2016's 3PSM): trials significant
/// at one-sided 0.025 (two-sided 0.05 in the expected direction) against the rest.
pub const STEPS_3PSM: [f64; 2] = [0.025, 1.0];

/// Below this tau² the search has walked to the boundary, and tau² is fixed at 0.
const TAU2_BOUNDARY: f64 = 1e-10;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectionModel {
    /// Upper ends of the P-value intervals; the last is 1.
    pub steps: Vec<f64>,
    /// Whether P values are one-sided towards effects below the null (metafor's
    /// `alternative = "less"`) rather than above it ("greater").
    pub favours_lower: bool,
    /// Trials whose P value falls in each interval.
    pub trials_per_interval: Vec<usize>,
    /// The adjusted pooled effect on the analysis scale, with its z test and Wald interval.
    pub mu: Estimate,
    pub tau2: f64,
    /// Relative publication probability of each interval; the first is 1 by definition.
    pub delta: Vec<f64>,
    /// Their standard errors (none for the first, which is fixed).
    pub se_delta: Vec<Option<f64>>,
    pub log_likelihood: f64,
    /// Likelihood-ratio test of delta = 1 (no selection) against the random-effects ML fit.
    pub lrt: f64,
    pub lrt_df: usize,
    pub lrt_p: f64,
    /// The random-effects ML fit it adjusts: (mu, tau²).
    pub unadjusted: (f64, f64),
}

struct Likelihood<'a> {
    y: &'a [f64],
    v: &'a [f64],
    steps: &'a [f64],
    /// Each trial's interval.
    interval: Vec<usize>,
    /// Bounds on y_i of each interval: y in [bounds[j+1], bounds[j]) puts p in interval j.
    bounds: Vec<Vec<f64>>,
}

impl<'a> Likelihood<'a> {
    fn new(y: &'a [f64], v: &'a [f64], steps: &'a [f64]) -> Self {
        let normal = standard_normal();
        // One-sided p = 1 - Φ(y / √v); p ≤ s exactly when y ≥ √v · Φ⁻¹(1 - s).
        let interval = y
            .iter()
            .zip(v)
            .map(|(yi, vi)| {
                let p = normal.sf(yi / vi.sqrt());
                steps.iter().position(|s| p <= *s).unwrap_or(steps.len() - 1)
            })
            .collect();
        let bounds = v
            .iter()
            .map(|vi| {
                std::iter::once(f64::INFINITY)
                    .chain(steps.iter().map(|s| {
                        if *s >= 1.0 {
                            f64::NEG_INFINITY
                        } else {
                            vi.sqrt() * normal.inverse_cdf(1.0 - s)
                        }
                    }))
                    .collect()
            })
            .collect();
        Likelihood { y, v, steps, interval, bounds }
    }

    /// log L at (mu, tau², delta), delta including the fixed first 1.
    fn log_likelihood(&self, mu: f64, tau2: f64, delta: &[f64]) -> f64 {
        let mut ll = 0.0;
        for i in 0..self.y.len() {
            let sd = (self.v[i] + tau2).sqrt();
            let cdf = |b: f64| phi((b - mu) / sd);
            let mean_weight: f64 =
                (0..self.steps.len()).map(|j| delta[j] * (cdf(self.bounds[i][j]) - cdf(self.bounds[i][j + 1]))).sum();
            let z = (self.y[i] - mu) / sd;
            ll += delta[self.interval[i]].ln() - 0.5 * z * z - LN_SQRT_2PI - sd.ln() - mean_weight.ln();
        }
        ll
    }
}

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Φ(x) by musl's erfc (`libm`): statrs's is as accurate but not as smooth at the last bits,
/// which second differences of the likelihood magnify into the standard errors.
fn phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Fits the model to effects `y` with variances `v`. `favours_lower` sets the direction in which
/// significant trials are thought more likely published; `common_effect` fixes tau² at 0.
#[doc(alias = "selmodel")]
pub fn step_selection_model(
    y: &[f64],
    v: &[f64],
    steps: &[f64],
    favours_lower: bool,
    common_effect: bool,
    level: f64,
) -> Result<SelectionModel, EngineError> {
    let k = y.len();
    let parameters = steps.len() + usize::from(!common_effect);
    if k <= parameters {
        return Err(EngineError::NotEnoughStudies { needed: parameters + 1, found: k, what: "the selection model" });
    }
    // Effects below the null are analysed as their mirror image, so "greater" is the only case.
    let sign = if favours_lower { -1.0 } else { 1.0 };
    let y: Vec<f64> = y.iter().map(|yi| sign * yi).collect();
    let lik = Likelihood::new(&y, v, steps);
    let mut trials_per_interval = vec![0; steps.len()];
    for j in &lik.interval {
        trials_per_interval[*j] += 1;
    }
    if let Some(j) = trials_per_interval.iter().position(|n| *n == 0) {
        let (from, to) = (if j == 0 { 0.0 } else { steps[j - 1] }, steps[j]);
        return Err(EngineError::Unsupported(format!("no trial has a one-sided P value between {from} and {to}, so its publication probability cannot be estimated")));
    }

    let tau2_ml = if common_effect { 0.0 } else { estimate_tau2(&y, v, Tau2Method::MaximumLikelihood)? };
    let mu_ml = generalised_q(&y, v, tau2_ml).0;
    let ll_unadjusted = lik.log_likelihood(mu_ml, tau2_ml, &vec![1.0; steps.len()]);

    // Search on (mu, log tau², log delta_2..); tau² at the boundary is fixed at 0 and dropped.
    let transformed = |x: &[f64], free_tau2: bool| -> (f64, f64, Vec<f64>) {
        let (tau2, rest) = if free_tau2 { (x[1].exp(), &x[2..]) } else { (0.0, &x[1..]) };
        (x[0], tau2, std::iter::once(1.0).chain(rest.iter().map(|d| d.exp())).collect())
    };
    let objective = |x: &[f64], free_tau2: bool| {
        let (mu, tau2, delta) = transformed(x, free_tau2);
        let ll = lik.log_likelihood(mu, tau2, &delta);
        if ll.is_finite() {
            -ll
        } else {
            f64::INFINITY
        }
    };
    let start: Vec<f64> = std::iter::once(mu_ml)
        .chain((!common_effect).then(|| tau2_ml.max(0.01 * mean(v)).ln()))
        .chain(std::iter::repeat_n(0.0, steps.len() - 1))
        .collect();
    let mut x = nelder_mead(|x| objective(x, !common_effect), start);
    let mut free_tau2 = !common_effect && x[1].exp() > TAU2_BOUNDARY;
    if !common_effect && !free_tau2 {
        x.remove(1);
    }
    x = newton_polish(|x| objective(x, free_tau2), x);
    if free_tau2 && x[1].exp() <= TAU2_BOUNDARY {
        x.remove(1);
        free_tau2 = false;
        x = newton_polish(|x| objective(x, false), x);
    }
    let (mu, tau2, delta) = transformed(&x, free_tau2);
    let log_likelihood = lik.log_likelihood(mu, tau2, &delta);

    // Observed information in the natural parameters (mu, [tau²,] delta_2..).
    let natural: Vec<f64> =
        [mu].into_iter().chain(free_tau2.then_some(tau2)).chain(delta[1..].iter().copied()).collect();
    let natural_ll = |p: &[f64]| {
        let (tau2, rest) = if free_tau2 { (p[1], &p[2..]) } else { (0.0, &p[1..]) };
        let delta: Vec<f64> = std::iter::once(1.0).chain(rest.iter().copied()).collect();
        -lik.log_likelihood(p[0], tau2, &delta)
    };
    let covariance = invert(&hessian(natural_ll, &natural))
        .ok_or_else(|| EngineError::Unsupported("the selection model's information matrix is singular".into()))?;
    let se = |i: usize| covariance[i * natural.len() + i].sqrt();
    let se_mu = se(0);
    if !(log_likelihood.is_finite() && se_mu.is_finite()) {
        return Err(EngineError::Unsupported("the selection model could not be fitted".into()));
    }
    let first_delta = if free_tau2 { 2 } else { 1 };
    let se_delta = std::iter::once(None)
        .chain((first_delta..natural.len()).map(|i| Some(se(i)).filter(|s| s.is_finite())))
        .collect();
    let half = dist::z_crit(level) * se_mu;
    let lrt = (2.0 * (log_likelihood - ll_unadjusted)).max(0.0);
    let lrt_df = steps.len() - 1;
    let (lower, upper) = (sign * (mu - half), sign * (mu + half));
    Ok(SelectionModel {
        steps: steps.to_vec(),
        favours_lower,
        trials_per_interval,
        mu: Estimate {
            estimate: sign * mu,
            se: se_mu,
            statistic: sign * mu / se_mu,
            p_value: dist::z_two_sided_p(mu / se_mu),
            ci_lower: lower.min(upper),
            ci_upper: lower.max(upper),
        },
        tau2,
        delta,
        se_delta,
        log_likelihood,
        lrt,
        lrt_df,
        lrt_p: dist::chi2_sf(lrt, lrt_df as f64),
        unadjusted: (sign * mu_ml, tau2_ml),
    })
}

/// The three-parameter model on an analysis's study effects, selection favouring significant
/// trials in the direction of the analysis's pooled estimate, with tau² as its model has it.
#[doc(alias = "selmodel")]
pub fn selection_model_for(analysis: &crate::Analysis, level: f64) -> Result<SelectionModel, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    step_selection_model(&y, &v, &STEPS_3PSM, analysis.pooled.y < 0.0, !analysis.model.is_random(), level)
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Continuous, Normal};

    #[test]
    fn with_every_delta_at_one_the_likelihood_is_the_random_effects_one() {
        let (y, v) = ([-0.9, -0.2, 0.1, -1.4, -0.5], [0.1, 0.05, 0.2, 0.3, 0.08]);
        let lik = Likelihood::new(&y, &v, &STEPS_3PSM);
        let tau2 = 0.07;
        let direct: f64 =
            y.iter().zip(&v).map(|(yi, vi)| Normal::new(-0.4, (vi + tau2).sqrt()).unwrap().ln_pdf(*yi)).sum();
        assert!((lik.log_likelihood(-0.4, tau2, &[1.0, 1.0]) - direct).abs() < 1e-12);
    }

    #[test]
    fn mirrored_data_give_the_mirrored_fit() {
        let y = [0.9, 0.2, 1.1, 0.05, 0.5, 0.7, 0.3];
        let v = [0.1, 0.05, 0.2, 0.3, 0.08, 0.04, 0.15];
        let up = step_selection_model(&y, &v, &STEPS_3PSM, false, false, 0.95).unwrap();
        let minus: Vec<f64> = y.iter().map(|x| -x).collect();
        let down = step_selection_model(&minus, &v, &STEPS_3PSM, true, false, 0.95).unwrap();
        assert!((up.mu.estimate + down.mu.estimate).abs() < 1e-9 && (up.delta[1] - down.delta[1]).abs() < 1e-9);
    }

    #[test]
    fn an_empty_interval_is_refused_by_name() {
        let err =
            step_selection_model(&[0.01, 0.02, -0.01, 0.0], &[1.0; 4], &STEPS_3PSM, false, false, 0.95).unwrap_err();
        assert!(err.to_string().contains("between 0 and 0.025"), "{err}");
    }
}
