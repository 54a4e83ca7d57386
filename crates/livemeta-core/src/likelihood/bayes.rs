//! Bayesian random-effects meta-analysis by numerical integration (no sampling): the normal
//! model y_i ~ N(mu, v_i + tau²) with a flat prior on mu and a chosen prior on tau, as the
//! bayesmeta R package fits it. With mu flat, mu given tau is normal with the inverse-variance
//! mean and variance, so every posterior summary is a one-dimensional integral over tau:
//!
//!   p(tau | y) ∝ p(tau) · (Σ w)^(-1/2) · Π (v_i + tau²)^(-1/2) · exp(-½ Σ w_i (y_i - mû)²),
//!   w_i = 1 / (v_i + tau²), mû(tau) = Σ w y / Σ w, mu | tau, y ~ N(mû, 1 / Σ w).
//!
//! The integrals run over u in [0, 1) with tau = c·u / (1 - u), by adaptive Gauss-Kronrod
//! (7/15 points) to a relative 1e-12; quantiles by bracketing and bisection on those integrals.
use crate::error::EngineError;
use crate::numerics::gauss_kronrod_adaptive;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// The prior on the between-trial standard deviation tau.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum TauPrior {
    HalfNormal {
        scale: f64,
    },
    HalfCauchy {
        scale: f64,
    },
    /// tau² log-normal: log tau² ~ N(mean, sd²) (Turner et al. 2015's predictive distributions).
    LogNormalTau2 {
        mean: f64,
        sd: f64,
    },
}

impl TauPrior {
    /// log p(tau) up to a constant that does not depend on tau.
    fn log_density(self, tau: f64) -> f64 {
        match self {
            TauPrior::HalfNormal { scale } => -0.5 * (tau / scale).powi(2),
            TauPrior::HalfCauchy { scale } => -(1.0 + (tau / scale).powi(2)).ln(),
            TauPrior::LogNormalTau2 { mean, sd } => {
                if tau <= 0.0 {
                    f64::NEG_INFINITY
                } else {
                    -tau.ln() - 0.5 * ((2.0 * tau.ln() - mean) / sd).powi(2)
                }
            }
        }
    }

    /// A typical tau under the prior, to scale the substitution.
    fn scale(self) -> f64 {
        match self {
            TauPrior::HalfNormal { scale } | TauPrior::HalfCauchy { scale } => scale,
            TauPrior::LogNormalTau2 { mean, .. } => (mean / 2.0).exp(),
        }
    }

    /// "hn:0.5", "hc:1" or "lnt2:-2.56:1.74", for links and the CLI.
    pub fn code(self) -> String {
        match self {
            TauPrior::HalfNormal { scale } => format!("hn:{scale}"),
            TauPrior::HalfCauchy { scale } => format!("hc:{scale}"),
            TauPrior::LogNormalTau2 { mean, sd } => format!("lnt2:{mean}:{sd}"),
        }
    }

    /// The prior a code names, if its parameters are valid (scales and sd positive).
    pub fn from_code(code: &str) -> Option<TauPrior> {
        let parts: Vec<&str> = code.split(':').collect();
        let number = |i: usize| parts.get(i).and_then(|p| p.parse::<f64>().ok()).filter(|x| x.is_finite());
        let prior = match (parts.first().copied(), parts.len()) {
            (Some("hn"), 2) => TauPrior::HalfNormal { scale: number(1)? },
            (Some("hc"), 2) => TauPrior::HalfCauchy { scale: number(1)? },
            (Some("lnt2"), 3) => TauPrior::LogNormalTau2 { mean: number(1)?, sd: number(2)? },
            _ => return None,
        };
        let valid = match prior {
            TauPrior::HalfNormal { scale } | TauPrior::HalfCauchy { scale } => scale > 0.0,
            TauPrior::LogNormalTau2 { sd, .. } => sd > 0.0,
        };
        valid.then_some(prior)
    }

    pub fn label(self) -> String {
        match self {
            TauPrior::HalfNormal { scale } => format!("half-normal({scale})"),
            TauPrior::HalfCauchy { scale } => format!("half-Cauchy({scale})"),
            TauPrior::LogNormalTau2 { mean, sd } => match TURNER_PRIORS.iter().find(|(_, p)| *p == self) {
                Some((setting, _)) => format!("Turner 2015, {setting}: log τ² ~ N({mean}, {sd}²)"),
                None => format!("log-normal τ² ({mean}, {sd}²)"),
            },
        }
    }
}

/// A posterior (or predictive) distribution in brief, on the analysis scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Posterior {
    pub mean: f64,
    pub median: f64,
    pub lower: f64,
    pub upper: f64,
}

/// tau's `mean` is left out of comparisons: under a half-Cauchy prior with one trial it does
/// not exist (the quadrature gives a large finite number).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BayesResult {
    pub prior: TauPrior,
    pub k: usize,
    pub mu: Posterior,
    pub tau: Posterior,
    /// The effect in a new trial (posterior predictive).
    pub prediction: Posterior,
    /// P(mu < 0): for a ratio, the probability that it is below 1.
    pub prob_mu_below_zero: f64,
}

/// The posterior of tau on a fixed set of nodes: the partition the normalising integral chose,
/// reused for every summary of mu (each a bounded function of tau times the posterior).
struct TauPosterior<'a> {
    y: &'a [f64],
    v: &'a [f64],
    prior: TauPrior,
    /// tau = c u / (1 - u).
    c: f64,
    /// log density at its mode, subtracted so the density stays in range.
    log_peak: f64,
    nodes: Vec<Node>,
    /// The integral of `density_u` over [0, 1).
    norm: f64,
}

/// A quadrature node over tau: its posterior weight (with the Jacobian and the rule's weight;
/// all weights sum to 1) and mu's conditional mean and variance there.
struct Node {
    tau: f64,
    weight: f64,
    mu: f64,
    var: f64,
}

/// (mû, its variance) given tau.
fn conditional_mu(y: &[f64], v: &[f64], tau: f64) -> (f64, f64) {
    let (mut sw, mut swy) = (0.0, 0.0);
    for (yi, vi) in y.iter().zip(v) {
        let w = 1.0 / (vi + tau * tau);
        sw += w;
        swy += w * yi;
    }
    (swy / sw, 1.0 / sw)
}

impl<'a> TauPosterior<'a> {
    fn log_density(&self, tau: f64) -> f64 {
        let (mu, var) = conditional_mu(self.y, self.v, tau);
        let mut log = self.prior.log_density(tau) + 0.5 * var.ln();
        for (yi, vi) in self.y.iter().zip(self.v) {
            let total = vi + tau * tau;
            log -= 0.5 * (total.ln() + (yi - mu).powi(2) / total);
        }
        log
    }

    fn tau_of(&self, u: f64) -> f64 {
        self.c * u / (1.0 - u)
    }

    /// The density in u (with the Jacobian), relative to the peak.
    fn density_u(&self, u: f64) -> f64 {
        if u >= 1.0 {
            return 0.0;
        }
        let tau = self.tau_of(u);
        (self.log_density(tau) - self.log_peak).exp() * self.c / (1.0 - u).powi(2)
    }

    fn new(y: &'a [f64], v: &'a [f64], prior: TauPrior) -> Result<TauPosterior<'a>, EngineError> {
        let spread = {
            let mean = y.iter().sum::<f64>() / y.len() as f64;
            (y.iter().map(|yi| (yi - mean).powi(2)).sum::<f64>() / y.len() as f64).sqrt()
        };
        let c = prior.scale().max(spread).max(1e-3);
        let mut post = TauPosterior { y, v, prior, c, log_peak: 0.0, nodes: Vec::new(), norm: 1.0 };
        // The peak on a coarse grid keeps exp() in range; the integral does not need it exact.
        post.log_peak = (0..=400)
            .map(|i| post.log_density(post.tau_of(f64::from(i) / 401.0)))
            .filter(|l| l.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        if !post.log_peak.is_finite() {
            return Err(EngineError::Unsupported("the posterior of tau could not be evaluated".into()));
        }
        let mut nodes = Vec::new();
        gauss_kronrod_adaptive(&|u| post.density_u(u), 0.0, 1.0, 1e-13, 0, &mut nodes);
        let total: f64 = nodes.iter().map(|(_, w)| w).sum();
        if !(total > 0.0 && total.is_finite()) {
            return Err(EngineError::Unsupported("the posterior of tau could not be normalised".into()));
        }
        post.nodes = nodes
            .into_iter()
            .map(|(u, w)| {
                let tau = post.tau_of(u);
                let (mu, var) = conditional_mu(y, v, tau);
                Node { tau, weight: w / total, mu, var }
            })
            .collect();
        post.norm = total;
        Ok(post)
    }

    /// P(tau <= t | y), integrating the density up to t afresh.
    fn cdf(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let mut below = Vec::new();
        gauss_kronrod_adaptive(&|u| self.density_u(u), 0.0, t / (self.c + t), 1e-14, 0, &mut below);
        below.iter().map(|(_, w)| w).sum::<f64>() / self.norm
    }

    /// E[g(node) | y] over the nodes.
    fn expect(&self, g: impl Fn(&Node) -> f64) -> f64 {
        self.nodes.iter().map(|n| n.weight * g(n)).sum()
    }
}

/// x with F(x) = q for a distribution function F with density f: Newton's steps from `start`,
/// kept inside a bracket that bisection narrows whenever a step would leave it.
fn quantile(cdf: impl Fn(f64) -> f64, density: impl Fn(f64) -> f64, q: f64, start: f64, step: f64, floor: f64) -> f64 {
    let (mut lo, mut hi) = ((start - step).max(floor), start + step);
    let mut width = step;
    while lo > floor && cdf(lo) > q {
        width *= 2.0;
        lo = (start - width).max(floor);
    }
    while cdf(hi) < q {
        width *= 2.0;
        hi = start + width;
    }
    let mut x = start.clamp(lo, hi);
    for _ in 0..100 {
        let gap = cdf(x) - q;
        if gap > 0.0 {
            hi = x;
        } else {
            lo = x;
        }
        let newton = x - gap / density(x);
        let next = if newton > lo && newton < hi && newton.is_finite() { newton } else { 0.5 * (lo + hi) };
        if (next - x).abs() <= 1e-13 * x.abs().max(1.0) || hi - lo <= 1e-13 * x.abs().max(1.0) {
            return next;
        }
        x = next;
    }
    x
}

fn validate(y: &[f64], v: &[f64]) -> Result<(), EngineError> {
    if y.is_empty() {
        return Err(EngineError::NoStudies);
    }
    if y.iter().chain(v).any(|x| !x.is_finite()) || v.iter().any(|vi| *vi <= 0.0) {
        return Err(EngineError::Unsupported("every trial needs a finite effect and a positive variance".into()));
    }
    Ok(())
}

/// The Bayesian random-effects fit of effects `y` with variances `v` under `prior`; intervals
/// are equal-tailed at `level`.
#[doc(alias = "bayesmeta")]
pub fn bayes_random_effects(y: &[f64], v: &[f64], prior: TauPrior, level: f64) -> Result<BayesResult, EngineError> {
    validate(y, v)?;
    let post = TauPosterior::new(y, v, prior)?;
    let tails = ((1.0 - level) / 2.0, 1.0 - (1.0 - level) / 2.0);
    // mu and a new trial's effect are normal mixtures over tau.
    let normal = Normal::new(0.0, 1.0).expect("valid");
    let mixture_cdf = |x: f64, predictive: bool| {
        post.expect(|n| {
            let var = if predictive { n.var + n.tau * n.tau } else { n.var };
            normal.cdf((x - n.mu) / var.sqrt())
        })
    };
    let mu_mean = post.expect(|n| n.mu);
    // A step for bracketing the quantiles: the common-effect standard error (E[var | y] does
    // not exist under a half-Cauchy prior with one trial).
    let sd_guess = v.iter().map(|vi| 1.0 / vi).sum::<f64>().recip().sqrt();
    let mixture_density = |x: f64, predictive: bool| {
        post.expect(|n| {
            let sd = if predictive { (n.var + n.tau * n.tau).sqrt() } else { n.var.sqrt() };
            (-0.5 * ((x - n.mu) / sd).powi(2)).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt())
        })
    };
    let summary = |predictive: bool| {
        let at = |q: f64| {
            quantile(
                |x| mixture_cdf(x, predictive),
                |x| mixture_density(x, predictive),
                q,
                mu_mean,
                3.0 * sd_guess,
                f64::NEG_INFINITY,
            )
        };
        Posterior { mean: mu_mean, median: at(0.5), lower: at(tails.0), upper: at(tails.1) }
    };
    let tau_mean = post.expect(|n| n.tau);
    let tau_density = |t: f64| (post.log_density(t) - post.log_peak).exp() / post.norm;
    let tau_at = |q: f64| quantile(|t| post.cdf(t), tau_density, q, tau_mean.max(1e-6), tau_mean.max(1e-3), 0.0);
    // (A new trial's effect has mu's mean.)
    let result = BayesResult {
        prior,
        k: y.len(),
        mu: summary(false),
        tau: Posterior { mean: tau_mean, median: tau_at(0.5), lower: tau_at(tails.0), upper: tau_at(tails.1) },
        prediction: summary(true),
        prob_mu_below_zero: mixture_cdf(0.0, false),
    };
    let summaries = [
        result.mu.lower,
        result.mu.upper,
        result.prediction.lower,
        result.prediction.upper,
        result.tau.upper,
        result.prob_mu_below_zero,
    ];
    if summaries.iter().all(|x| x.is_finite()) {
        Ok(result)
    } else {
        Err(EngineError::Unsupported("the posterior could not be summarised".into()))
    }
}

/// The Bayesian fit of an analysis's study effects (its measure and zero-cell rule).
pub fn bayes_for(analysis: &crate::Analysis, prior: TauPrior, level: f64) -> Result<BayesResult, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    bayes_random_effects(&y, &v, prior, level)
}

/// The posterior density of mu at each x (analysis scale), for the figure.
pub fn mu_density(analysis: &crate::Analysis, prior: TauPrior, xs: &[f64]) -> Result<Vec<f64>, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    let post = TauPosterior::new(&y, &v, prior)?;
    Ok(xs
        .iter()
        .map(|x| {
            post.expect(|n| (-0.5 * (x - n.mu).powi(2) / n.var).exp() / (2.0 * std::f64::consts::PI * n.var).sqrt())
        })
        .collect())
}

/// The posterior probabilities that mu, and a new trial's effect (posterior predictive), lie
/// below `at` (analysis scale): for a threshold of clinical importance.
pub fn posterior_below(analysis: &crate::Analysis, prior: TauPrior, at: f64) -> Result<(f64, f64), EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    validate(&y, &v)?;
    let post = TauPosterior::new(&y, &v, prior)?;
    let normal = Normal::new(0.0, 1.0).expect("valid");
    let below = |predictive: bool| {
        post.expect(|n| {
            let var = if predictive { n.var + n.tau * n.tau } else { n.var };
            normal.cdf((at - n.mu) / var.sqrt())
        })
    };
    Ok((below(false), below(true)))
}

/// Turner et al. (Stat Med 2015;34:984-998), Table IV: predictive log-normal distributions of
/// tau² for log odds ratios, log tau² ~ N(mean, sd²), for the settings that fit this app's
/// trials (drug against placebo) and the paper's "any setting" one. Read from the bayesmeta R
/// package, which encodes the table (`TurnerEtAlPrior`, cran/bayesmeta R/bayesmeta.R at
/// e7eaba2a: `meanmat`/`sdmat` column 1 rows 9 and 10, and the "marginal" setting
/// `param["tau^2","mu"] <- -2.56`), checked against rnmamod's copy of the same table
/// (`table_tau2_prior`); the paper's own table was not reachable from here.
pub const TURNER_PRIORS: [(&str, TauPrior); 3] = [
    ("any outcome and comparison", TauPrior::LogNormalTau2 { mean: -2.56, sd: 1.74 }),
    ("drug vs placebo, infection / new disease", TauPrior::LogNormalTau2 { mean: -2.49, sd: 1.52 }),
    ("drug vs placebo, adverse events", TauPrior::LogNormalTau2 { mean: -1.87, sd: 1.52 }),
];

/// The priors of the sensitivity table: half-normal and half-Cauchy at scales 0.5 and 1
/// (Röver et al. 2021 discuss half-normal 0.5 as a weakly informative default for log ratios),
/// then Turner et al.'s empirical priors.
pub const SENSITIVITY_PRIORS: [TauPrior; 7] = [
    TauPrior::HalfNormal { scale: 0.5 },
    TauPrior::HalfNormal { scale: 1.0 },
    TauPrior::HalfCauchy { scale: 0.5 },
    TauPrior::HalfCauchy { scale: 1.0 },
    TURNER_PRIORS[0].1,
    TURNER_PRIORS[1].1,
    TURNER_PRIORS[2].1,
];

/// The sensitivity table's priors for `measure`: Turner et al.'s are on the log odds ratio scale,
/// so they are left out for the risk and arcsine differences, whose τ is on another scale.
pub fn sensitivity_priors(measure: crate::Measure) -> Vec<TauPrior> {
    SENSITIVITY_PRIORS
        .into_iter()
        .filter(|p| measure.is_ratio() || !matches!(p, TauPrior::LogNormalTau2 { .. }))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn turner_priors_are_offered_for_ratio_measures_only() {
        assert_eq!(sensitivity_priors(crate::Measure::OR).len(), 7);
        assert_eq!(sensitivity_priors(crate::Measure::RD), SENSITIVITY_PRIORS[..4].to_vec());
    }

    use super::*;

    #[test]
    fn prior_codes_round_trip_and_reject_bad_parameters() {
        for prior in SENSITIVITY_PRIORS.into_iter().chain([TauPrior::LogNormalTau2 { mean: -2.5, sd: 1.5 }]) {
            assert_eq!(TauPrior::from_code(&prior.code()), Some(prior));
        }
        for bad in ["hn:0", "hc:-1", "hn", "lnt2:1:0", "xx:1", "hn:abc"] {
            assert_eq!(TauPrior::from_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn one_trial_leaves_tau_where_the_prior_put_it() {
        // With one trial and mu flat, the data say nothing about tau: the posterior is the prior.
        let fit = bayes_random_effects(&[0.3], &[0.04], TauPrior::HalfNormal { scale: 0.5 }, 0.95).unwrap();
        // The half-normal(0.5) median is 0.5 x 0.6744898 (the normal's 75th percentile).
        assert!((fit.tau.median - 0.5 * 0.674_489_750_196_081_7).abs() < 1e-8, "{}", fit.tau.median);
        assert!((fit.mu.median - 0.3).abs() < 1e-9);
    }

    #[test]
    fn homogeneous_trials_pool_near_the_inverse_variance_estimate() {
        let y = [-0.2, -0.25, -0.22, -0.18, -0.21];
        let v = [0.01, 0.02, 0.015, 0.01, 0.012];
        let fit = bayes_random_effects(&y, &v, TauPrior::HalfNormal { scale: 0.5 }, 0.95).unwrap();
        assert!(fit.mu.lower < fit.mu.median && fit.mu.median < fit.mu.upper);
        assert!(fit.prediction.lower < fit.mu.lower && fit.prediction.upper > fit.mu.upper);
        assert!((fit.mu.median + 0.21).abs() < 0.02, "{}", fit.mu.median);
        assert!(fit.prob_mu_below_zero > 0.99);
    }
}
