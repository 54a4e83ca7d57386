//! The mixed models that metafor's `rma.glmm(measure = "OR")` fits through lme4's `glmer`, with
//! glmer's own approximations to the marginal likelihood so that the numbers are rma.glmm's:
//!
//! - CM.AL with a random effect (`method = "ML"`): each trial's treatment events given its total
//!   events are binomial with logit log(n1/n2) + beta + tau u;
//! - UM.RS: logistic regression in each arm with a random study intercept, logit p = alpha +
//!   sigma u1, plus beta in the treatment arm (`method = "EE"`), and with a random effect on the
//!   log odds ratio as well, ± tau u2 / 2 in the two arms (`method = "ML"`; rma.glmm's default
//!   `coding = 1/2` and uncorrelated effects, `cor = FALSE`).
//!
//! The u are independent standard normal. glmer integrates one random effect per trial by
//! adaptive Gauss-Hermite quadrature with 7 nodes (rma.glmm's `nAGQ = 7`) and two by the Laplace
//! approximation (rma.glmm forces `nAGQ = 1` for UM.RS with random effects); both centre on the
//! trial's conditional mode and scale by the curvature there. The log-likelihood reported
//! includes the binomial coefficients.
use crate::data::StudyCounts;
use crate::error::EngineError;
use crate::likelihood::{expit, informative, likelihood_fit, LikelihoodModel, MixedFit};
use crate::numerics::maximum_likelihood;
use std::sync::OnceLock;

/// One arm's events out of its total, the fixed part of its linear predictor, and its
/// loadings on the trial's two standard normal random effects.
struct Arm {
    events: f64,
    total: f64,
    fixed: f64,
    loadings: [f64; 2],
}

impl Arm {
    fn log_likelihood(&self, u: [f64; 2]) -> f64 {
        let eta = self.fixed + self.loadings[0] * u[0] + self.loadings[1] * u[1];
        // log(1 + e^eta) without overflow.
        let softplus = if eta > 0.0 { eta + (-eta).exp().ln_1p() } else { eta.exp().ln_1p() };
        self.events * eta - self.total * softplus
    }
}

fn log_choose(n: f64, k: f64) -> f64 {
    libm::lgamma(n + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(n - k + 1.0)
}

#[derive(Clone, Copy)]
enum Quadrature {
    /// Adaptive Gauss-Hermite with 7 nodes, for one random effect.
    AdaptiveGaussHermite,
    Laplace,
}

/// The 7-node Gauss-Hermite rule for the standard normal density, (nodes, weights): the roots
/// of the probabilists' Hermite polynomial He7 by Newton's method, weights 7!/(49 He6(x)²).
fn gauss_hermite_7() -> &'static ([f64; 7], [f64; 7]) {
    static RULE: OnceLock<([f64; 7], [f64; 7])> = OnceLock::new();
    RULE.get_or_init(|| {
        // He_n and He_(n-1) at x, by the recurrence He_(k+1) = x He_k - k He_(k-1).
        let hermite = |x: f64| {
            let (mut previous, mut current) = (1.0, x);
            for k in 1..7 {
                (previous, current) = (current, x * current - k as f64 * previous);
            }
            (current, previous)
        };
        // Near the roots: the physicists' roots times √2.
        let mut nodes = [
            -3.750439717725742,
            -2.366759410734541,
            -1.154405394739968,
            0.0,
            1.154405394739968,
            2.366759410734541,
            3.750439717725742,
        ];
        let mut weights = [0.0; 7];
        for (x, w) in nodes.iter_mut().zip(weights.iter_mut()) {
            for _ in 0..20 {
                let (value, lower) = hermite(*x);
                *x -= value / (7.0 * lower);
            }
            *w = 5040.0 / (49.0 * hermite(*x).1.powi(2));
        }
        (nodes, weights)
    })
}

/// log ∫ Π_arms Binomial(events | expit(eta(u))) φ(u) du over the trial's random effects,
/// without the binomial coefficients (which do not depend on the parameters).
fn trial_log_marginal(arms: &[Arm], quadrature: Quadrature) -> f64 {
    let joint =
        |u: [f64; 2]| arms.iter().map(|arm| arm.log_likelihood(u)).sum::<f64>() - 0.5 * (u[0] * u[0] + u[1] * u[1]);
    // The gradient and the negative Hessian of the joint log density (concave in u).
    let derivatives = |u: [f64; 2]| {
        let (mut g, mut h) = ([-u[0], -u[1]], [[1.0, 0.0], [0.0, 1.0]]);
        for arm in arms {
            let p = expit(arm.fixed + arm.loadings[0] * u[0] + arm.loadings[1] * u[1]);
            let (residual, weight) = (arm.events - arm.total * p, arm.total * p * (1.0 - p));
            for (i, (gi, row)) in g.iter_mut().zip(h.iter_mut()).enumerate() {
                *gi += residual * arm.loadings[i];
                for (hij, lj) in row.iter_mut().zip(arm.loadings) {
                    *hij += weight * arm.loadings[i] * lj;
                }
            }
        }
        (g, h)
    };
    // The conditional mode by Newton's method, halving a step that goes downhill by more than
    // rounding: the last steps must be taken, since the Laplace and quadrature values depend on
    // the mode through the curvature there, to first order.
    let mut u = [0.0, 0.0];
    for _ in 0..100 {
        let (g, h) = derivatives(u);
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        let step = [(h[1][1] * g[0] - h[0][1] * g[1]) / det, (h[0][0] * g[1] - h[1][0] * g[0]) / det];
        let here = joint(u);
        let mut t = 1.0;
        while t > 1e-10 && joint([u[0] + t * step[0], u[1] + t * step[1]]) < here - 1e-12 * (1.0 + here.abs()) {
            t *= 0.5;
        }
        u = [u[0] + t * step[0], u[1] + t * step[1]];
        if (t * step[0]).abs().max((t * step[1]).abs()) < 1e-14 {
            break;
        }
    }
    let (_, h) = derivatives(u);
    let top = joint(u);
    match quadrature {
        Quadrature::Laplace => top - 0.5 * (h[0][0] * h[1][1] - h[0][1] * h[1][0]).ln(),
        Quadrature::AdaptiveGaussHermite => {
            // u = mode + s z, with ∫ g(z) dz = Σ w g(z) / φ(z) for the normal-density rule.
            let (nodes, weights) = gauss_hermite_7();
            let s = h[0][0].recip().sqrt();
            let sum: f64 = nodes
                .iter()
                .zip(weights)
                .map(|(z, w)| w * (joint([u[0] + s * z, u[1]]) - top + 0.5 * z * z).exp())
                .sum();
            top + s.ln() + sum.ln()
        }
    }
}

fn informative_tables(
    studies: &[StudyCounts],
    needed: usize,
    what: &'static str,
) -> Result<Vec<(f64, f64, f64, f64)>, EngineError> {
    let tables: Vec<_> = studies.iter().filter_map(informative).collect();
    if tables.len() < needed {
        return Err(EngineError::NotEnoughStudies { needed, found: tables.len(), what });
    }
    Ok(tables)
}

/// CM.AL with a normal random effect on each trial's log odds ratio, by maximum likelihood as
/// `rma.glmm(measure = "OR", model = "CM.AL", method = "ML")`.
#[doc(alias = "rma.glmm")]
pub fn approximate_conditional_random_effects(studies: &[StudyCounts], level: f64) -> Result<MixedFit, EngineError> {
    let common = likelihood_fit(studies, LikelihoodModel::ConditionalApproximate, level)?;
    let tables = informative_tables(studies, 2, "a random-effects model")?;
    let log_likelihood = |p: &[f64]| -> f64 {
        tables
            .iter()
            .map(|&(a, n1, c, n2)| {
                trial_log_marginal(
                    &[Arm { events: a, total: a + c, fixed: (n1 / n2).ln() + p[0], loadings: [p[1], 0.0] }],
                    Quadrature::AdaptiveGaussHermite,
                )
            })
            .sum()
    };
    let (p, se) = maximum_likelihood(&log_likelihood, &[common.log_or.estimate, 0.3], 1)?;
    let coefficients: f64 = tables.iter().map(|&(a, _, c, _)| log_choose(a + c, a)).sum();
    Ok(MixedFit::new(tables.len(), p[0], se, p[1] * p[1], log_likelihood(&p) + coefficients, level).or_common(&common))
}

/// UM.RS: logistic regression with a random study intercept and a common log odds ratio
/// (`rma.glmm(measure = "OR", model = "UM.RS", method = "EE")`), or with a normal random
/// effect on the log odds ratio too (`method = "ML"`).
#[doc(alias = "rma.glmm")]
pub fn random_study_effects(studies: &[StudyCounts], random_effect: bool, level: f64) -> Result<MixedFit, EngineError> {
    let tables = informative_tables(studies, 2, "a model with random study intercepts")?;
    let arms = |&(a, n1, c, n2): &(f64, f64, f64, f64), p: &[f64]| {
        let (beta, intercept, sigma) = (p[0], p[1], p[2]);
        let tau = if random_effect { p[3] } else { 0.0 };
        [
            Arm { events: a, total: n1, fixed: intercept + beta, loadings: [sigma, tau / 2.0] },
            Arm { events: c, total: n2, fixed: intercept, loadings: [sigma, -tau / 2.0] },
        ]
    };
    let quadrature = if random_effect { Quadrature::Laplace } else { Quadrature::AdaptiveGaussHermite };
    let log_likelihood =
        |p: &[f64]| -> f64 { tables.iter().map(|t| trial_log_marginal(&arms(t, p), quadrature)).sum() };
    let common = likelihood_fit(studies, LikelihoodModel::UnconditionalFixedStudy, level)?;
    let (events, total) = tables.iter().fold((0.0, 0.0), |(e, n), &(_, _, c, n2)| (e + c, n + n2));
    let control_logit = ((events + 0.5) / (total - events + 0.5)).ln();
    let start: Vec<f64> = if random_effect {
        vec![common.log_or.estimate, control_logit, 1.0, 0.3]
    } else {
        vec![common.log_or.estimate, control_logit, 1.0]
    };
    let (p, se) = maximum_likelihood(&log_likelihood, &start, if random_effect { 2 } else { 1 })?;
    let tau2 = if random_effect { p[3] * p[3] } else { 0.0 };
    let coefficients: f64 = tables.iter().map(|&(a, n1, c, n2)| log_choose(n1, a) + log_choose(n2, c)).sum();
    Ok(MixedFit::new(tables.len(), p[0], se, tau2, log_likelihood(&p) + coefficients, level))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gauss_hermite_rule_integrates_normal_moments() {
        let (nodes, weights) = gauss_hermite_7();
        let moment = |k: i32| nodes.iter().zip(weights).map(|(x, w)| w * x.powi(k)).sum::<f64>();
        assert!((moment(0) - 1.0).abs() < 1e-14);
        assert!(
            (moment(2) - 1.0).abs() < 1e-13 && (moment(4) - 3.0).abs() < 1e-12 && (moment(12) - 10395.0).abs() < 1e-8
        );
        assert!((weights[3] - 16.0 / 35.0).abs() < 1e-15);
    }

    #[test]
    fn without_spread_the_marginal_is_the_binomial_likelihood() {
        let arm = Arm { events: 3.0, total: 20.0, fixed: -1.2, loadings: [0.0, 0.0] };
        let exact = arm.log_likelihood([0.0, 0.0]);
        for quadrature in [Quadrature::AdaptiveGaussHermite, Quadrature::Laplace] {
            assert!((trial_log_marginal(&[Arm { loadings: [0.0, 0.0], ..arm }], quadrature) - exact).abs() < 1e-12);
        }
    }

    #[test]
    fn homogeneous_tables_put_the_random_effect_at_zero() {
        let tables = [
            StudyCounts::new("A", 10, 100, 20, 100),
            StudyCounts::new("B", 20, 200, 40, 200),
            StudyCounts::new("C", 15, 150, 30, 150),
        ];
        let fit = approximate_conditional_random_effects(&tables, 0.95).unwrap();
        let common = likelihood_fit(&tables, LikelihoodModel::ConditionalApproximate, 0.95).unwrap();
        assert_eq!(fit.tau2, 0.0);
        assert!(
            (fit.log_or.estimate - common.log_or.estimate).abs() < 1e-8
                && (fit.log_or.se - common.log_or.se).abs() < 1e-6,
            "{fit:?} {common:?}"
        );
    }
}
