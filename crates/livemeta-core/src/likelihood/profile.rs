//! Profile-likelihood confidence intervals: for tau² under ML or REML (metafor's
//! `confint(res, type = "PL")`), the tau² values whose (restricted) log-likelihood lies within
//! χ²₁(level) / 2 of its maximum, mu profiled out; and for mu under ML, the likelihood
//! maximised over tau² at each mu.
use crate::error::EngineError;
use crate::model::Interval;
use crate::model::{estimate_tau2, Tau2Method};
use crate::numerics::dist;

/// The log-likelihood at tau², mu at its weighted mean (ML profiled over mu), or REML's
/// restricted log-likelihood; constants dropped.
fn log_likelihood(y: &[f64], v: &[f64], tau2: f64, restricted: bool) -> f64 {
    let (mut sw, mut swy) = (0.0, 0.0);
    for (yi, vi) in y.iter().zip(v) {
        sw += 1.0 / (vi + tau2);
        swy += yi / (vi + tau2);
    }
    let mu = swy / sw;
    let fixed_mu = log_likelihood_at(y, v, mu, tau2);
    if restricted {
        fixed_mu - 0.5 * sw.ln()
    } else {
        fixed_mu
    }
}

/// The ML log-likelihood at (mu, tau²); constants dropped.
fn log_likelihood_at(y: &[f64], v: &[f64], mu: f64, tau2: f64) -> f64 {
    y.iter().zip(v).map(|(yi, vi)| -0.5 * ((vi + tau2).ln() + (yi - mu).powi(2) / (vi + tau2))).sum()
}

/// The x in [lo, hi] where `f` changes sign, by bisection to 1e-13 (relative above 1).
fn root(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let rising = f(hi) > f(lo);
    for _ in 0..300 {
        let mid = 0.5 * (lo + hi);
        if (f(mid) > 0.0) == rising {
            hi = mid;
        } else {
            lo = mid;
        }
        if hi - lo <= 1e-14 * mid.abs().max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Doubles the distance from `from` (in direction `step`'s sign) until `beyond` holds.
fn bracket(from: f64, mut step: f64, beyond: impl Fn(f64) -> bool) -> Result<f64, EngineError> {
    for _ in 0..200 {
        if beyond(from + step) {
            return Ok(from + step);
        }
        step *= 2.0;
    }
    Err(EngineError::NotConverged { method: "profile likelihood", iterations: 200, tolerance: 1e-14 })
}

/// The profile-likelihood interval for tau² under ML (`restricted` false) or REML.
#[doc(alias = "profile")]
pub fn tau2_profile_interval(y: &[f64], v: &[f64], restricted: bool, level: f64) -> Result<Interval, EngineError> {
    if y.len() < 2 {
        return Err(EngineError::NotEnoughStudies {
            needed: 2,
            found: y.len(),
            what: "a profile-likelihood interval for tau²",
        });
    }
    let method = if restricted { Tau2Method::Reml } else { Tau2Method::MaximumLikelihood };
    let tau2 = estimate_tau2(y, v, method)?;
    let peak = log_likelihood(y, v, tau2, restricted);
    let critical = dist::chi2_quantile(level, 1.0) / 2.0;
    // Positive outside the interval.
    let excess = |t: f64| peak - log_likelihood(y, v, t, restricted) - critical;
    let lower = if excess(0.0) <= 0.0 { 0.0 } else { root(excess, 0.0, tau2) };
    let start = tau2.max(y.iter().zip(v).map(|(_, vi)| *vi).fold(0.0, f64::max) * 1e-3).max(1e-8);
    let far = bracket(tau2, start, |t| excess(t) > 0.0)?;
    Ok(Interval { lower, upper: root(excess, tau2, far) })
}

/// The profile-likelihood interval for mu under ML: at each mu, tau² maximises the likelihood.
#[doc(alias = "profile")]
pub fn mu_profile_interval(y: &[f64], v: &[f64], level: f64) -> Result<Interval, EngineError> {
    if y.len() < 2 {
        return Err(EngineError::NotEnoughStudies {
            needed: 2,
            found: y.len(),
            what: "a profile-likelihood interval for the pooled effect",
        });
    }
    // The ML tau² at a given mu: where the score in tau² crosses zero (0 if it starts negative).
    let tau2_at = |mu: f64| -> f64 {
        let score =
            |t: f64| y.iter().zip(v).map(|(yi, vi)| (yi - mu).powi(2) / (vi + t).powi(2) - 1.0 / (vi + t)).sum::<f64>();
        if score(0.0) <= 0.0 {
            return 0.0;
        }
        let far = bracket(0.0, 1e-4, |t| score(t) < 0.0).unwrap_or(f64::MAX);
        root(score, 0.0, far)
    };
    let profile = |mu: f64| log_likelihood_at(y, v, mu, tau2_at(mu));
    let tau2 = estimate_tau2(y, v, Tau2Method::MaximumLikelihood)?;
    let (mut sw, mut swy) = (0.0, 0.0);
    for (yi, vi) in y.iter().zip(v) {
        sw += 1.0 / (vi + tau2);
        swy += yi / (vi + tau2);
    }
    let (mu_hat, se) = (swy / sw, sw.recip().sqrt());
    let peak = log_likelihood_at(y, v, mu_hat, tau2);
    let critical = dist::chi2_quantile(level, 1.0) / 2.0;
    let excess = |mu: f64| peak - profile(mu) - critical;
    let below = bracket(mu_hat, -se, |mu| excess(mu) > 0.0)?;
    let above = bracket(mu_hat, se, |mu| excess(mu) > 0.0)?;
    Ok(Interval { lower: root(excess, below, mu_hat), upper: root(excess, mu_hat, above) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_holds_the_estimate_and_reaches_zero_when_the_data_allow() {
        let y = [-0.9, -1.6, -1.4, -0.2, 0.1, -0.7, -1.1, 0.3];
        let v = [0.3, 0.2, 0.4, 0.05, 0.01, 0.1, 0.3, 0.02];
        for restricted in [false, true] {
            let ci = tau2_profile_interval(&y, &v, restricted, 0.95).unwrap();
            let method = if restricted { Tau2Method::Reml } else { Tau2Method::MaximumLikelihood };
            let tau2 = estimate_tau2(&y, &v, method).unwrap();
            assert!(ci.lower <= tau2 && tau2 < ci.upper, "{ci:?} {tau2}");
        }
        let same = tau2_profile_interval(&[0.1, 0.1, 0.1], &[0.1, 0.1, 0.1], true, 0.95).unwrap();
        assert_eq!(same.lower, 0.0);
        let mu = mu_profile_interval(&y, &v, 0.95).unwrap();
        assert!(mu.lower < mu.upper);
    }
}
