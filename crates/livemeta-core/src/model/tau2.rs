//! Between-study variance estimators for the intercept-only random-effects model,
//! matching `metafor::rma(method = ...)`. Iterative estimators solve their estimating
//! equation to `TOLERANCE` on tau^2, tighter than metafor's default of 1e-5, so that the
//! cross-check against metafor (run with a tightened threshold) agrees to 1e-6 or better.
use super::coded::impl_coded;
use crate::error::EngineError;
use serde::{Deserialize, Serialize};

pub const TOLERANCE: f64 = 1e-12;
pub const MAX_ITERATIONS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tau2Method {
    DerSimonianLaird,
    Reml,
    PauleMandel,
    MaximumLikelihood,
    Hedges,
    SidikJonkman,
    EmpiricalBayes,
    /// Compared side by side (`COMPARED`), not offered as the model: meta-regression and the
    /// multiverse use the seven of `ALL`.
    HunterSchmidt,
    HunterSchmidtCorrected,
    PauleMandelMedian,
}

impl Tau2Method {
    /// Every estimator, for the comparison table.
    pub const COMPARED: [Tau2Method; 10] = [
        Tau2Method::DerSimonianLaird,
        Tau2Method::Reml,
        Tau2Method::PauleMandel,
        Tau2Method::PauleMandelMedian,
        Tau2Method::MaximumLikelihood,
        Tau2Method::Hedges,
        Tau2Method::HunterSchmidt,
        Tau2Method::HunterSchmidtCorrected,
        Tau2Method::SidikJonkman,
        Tau2Method::EmpiricalBayes,
    ];
    /// metafor's name for the method.
    pub fn code(self) -> &'static str {
        match self {
            Tau2Method::DerSimonianLaird => "DL",
            Tau2Method::Reml => "REML",
            Tau2Method::PauleMandel => "PM",
            Tau2Method::MaximumLikelihood => "ML",
            Tau2Method::Hedges => "HE",
            Tau2Method::SidikJonkman => "SJ",
            Tau2Method::EmpiricalBayes => "EB",
            Tau2Method::HunterSchmidt => "HS",
            Tau2Method::HunterSchmidtCorrected => "HSk",
            Tau2Method::PauleMandelMedian => "PMM",
        }
    }
    /// The estimator as people name it.
    pub fn name(self) -> &'static str {
        match self {
            Tau2Method::DerSimonianLaird => "DerSimonian-Laird",
            Tau2Method::Reml => "Restricted maximum likelihood",
            Tau2Method::PauleMandel => "Paule-Mandel",
            Tau2Method::MaximumLikelihood => "Maximum likelihood",
            Tau2Method::Hedges => "Hedges",
            Tau2Method::SidikJonkman => "Sidik-Jonkman",
            Tau2Method::EmpiricalBayes => "Empirical Bayes",
            Tau2Method::HunterSchmidt => "Hunter-Schmidt",
            Tau2Method::HunterSchmidtCorrected => "Hunter-Schmidt, small-sample corrected",
            Tau2Method::PauleMandelMedian => "Paule-Mandel, median-unbiased",
        }
    }
}

// The seven estimators a model may use; the others are only compared.
impl_coded!(
    Tau2Method,
    [
        Tau2Method::DerSimonianLaird,
        Tau2Method::Reml,
        Tau2Method::PauleMandel,
        Tau2Method::MaximumLikelihood,
        Tau2Method::Hedges,
        Tau2Method::SidikJonkman,
        Tau2Method::EmpiricalBayes,
    ],
    case_sensitive: false
);

/// Weighted mean and generalised Q at a given tau^2: sum (y - mu)^2 / (v + tau^2).
pub fn generalised_q(y: &[f64], v: &[f64], tau2: f64) -> (f64, f64) {
    let (mut sw, mut swy) = (0.0, 0.0);
    for (yi, vi) in y.iter().zip(v) {
        let w = 1.0 / (vi + tau2);
        sw += w;
        swy += w * yi;
    }
    let mu = swy / sw;
    let q = y.iter().zip(v).map(|(yi, vi)| (yi - mu).powi(2) / (vi + tau2)).sum();
    (mu, q)
}

/// Cochran's Q with inverse-variance weights, and the DL scaling constant
/// sum w - sum w^2 / sum w.
pub fn cochran_q(y: &[f64], v: &[f64]) -> (f64, f64) {
    let (_, q) = generalised_q(y, v, 0.0);
    let sw: f64 = v.iter().map(|vi| 1.0 / vi).sum();
    let sw2: f64 = v.iter().map(|vi| 1.0 / (vi * vi)).sum();
    (q, sw - sw2 / sw)
}

#[doc(alias = "rma")]
pub fn estimate_tau2(y: &[f64], v: &[f64], method: Tau2Method) -> Result<f64, EngineError> {
    let k = y.len();
    if k == 0 {
        return Err(EngineError::NoStudies);
    }
    if k == 1 {
        // One study carries no information on heterogeneity; metafor fixes tau^2 at 0.
        return Ok(0.0);
    }
    let kf = k as f64;
    Ok(match method {
        Tau2Method::DerSimonianLaird => {
            let (q, c) = cochran_q(y, v);
            ((q - (kf - 1.0)) / c).max(0.0)
        }
        Tau2Method::Hedges => {
            let mean = y.iter().sum::<f64>() / kf;
            let rss: f64 = y.iter().map(|yi| (yi - mean).powi(2)).sum();
            let mean_v = v.iter().sum::<f64>() / kf;
            (rss / (kf - 1.0) - mean_v).max(0.0)
        }
        Tau2Method::SidikJonkman => {
            let mean = y.iter().sum::<f64>() / kf;
            let tau2_0 = y.iter().map(|yi| (yi - mean).powi(2)).sum::<f64>() / kf;
            if tau2_0 <= 0.0 {
                0.0
            } else {
                let (_, q) = generalised_q(y, v, tau2_0);
                tau2_0 * q / (kf - 1.0)
            }
        }
        // For intercept-only models, the PM and EB estimating equations coincide:
        // generalised Q = k - 1.
        Tau2Method::PauleMandel | Tau2Method::EmpiricalBayes => {
            let target = kf - 1.0;
            let f = |t: f64| generalised_q(y, v, t).1 - target;
            solve_decreasing(f, method.code())?
        }
        Tau2Method::Reml => fisher_scoring(y, v, true)?,
        Tau2Method::MaximumLikelihood => fisher_scoring(y, v, false)?,
        // metafor: (Q - k) / sum w, and with Q scaled by k / (k - 1).
        Tau2Method::HunterSchmidt | Tau2Method::HunterSchmidtCorrected => {
            let (q, _) = cochran_q(y, v);
            let scaled = if method == Tau2Method::HunterSchmidtCorrected { kf / (kf - 1.0) * q } else { q };
            ((scaled - kf) / v.iter().map(|vi| 1.0 / vi).sum::<f64>()).max(0.0)
        }
        // Paule-Mandel with the median of chi^2(k - 1) as the target (median-unbiased).
        Tau2Method::PauleMandelMedian => {
            let target = crate::numerics::dist::chi2_quantile(0.5, kf - 1.0);
            solve_decreasing(|t| generalised_q(y, v, t).1 - target, method.code())?
        }
    })
}

/// Root on [0, inf) of a function that decreases in tau^2; 0 when f(0) <= 0.
pub(crate) fn solve_decreasing(f: impl Fn(f64) -> f64, method: &'static str) -> Result<f64, EngineError> {
    if f(0.0) <= 0.0 {
        return Ok(0.0);
    }
    let mut hi = 1.0;
    let mut iterations = 0;
    while f(hi) > 0.0 {
        hi *= 2.0;
        iterations += 1;
        if iterations > 200 {
            return Err(EngineError::NotConverged { method, iterations, tolerance: TOLERANCE });
        }
    }
    bisect(f, 0.0, hi, method)
}

/// Brent-free bisection with a secant acceleration: robust, and fast enough for k <= 10,000.
fn bisect(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64, method: &'static str) -> Result<f64, EngineError> {
    let (mut flo, mut fhi) = (f(lo), f(hi));
    for _ in 0..MAX_ITERATIONS {
        // Regula falsi step (Illinois variant), falling back to the midpoint.
        let mut x = (lo * fhi - hi * flo) / (fhi - flo);
        if !(x > lo && x < hi) {
            x = 0.5 * (lo + hi);
        }
        let fx = f(x);
        if fx == 0.0 || (hi - lo) < TOLERANCE * (1.0 + x.abs()) {
            return Ok(x);
        }
        if (fx > 0.0) == (flo > 0.0) {
            lo = x;
            flo = fx;
            fhi *= 0.5;
        } else {
            hi = x;
            fhi = fx;
            flo *= 0.5;
        }
        if (hi - lo) < TOLERANCE * (1.0 + lo.abs()) {
            return Ok(0.5 * (lo + hi));
        }
    }
    Err(EngineError::NotConverged { method, iterations: MAX_ITERATIONS, tolerance: TOLERANCE })
}

/// Fisher scoring for the (restricted) likelihood, as metafor does it: start from the
/// Hedges estimate and halve steps that would make tau^2 negative. The likelihood can have
/// more than one local maximum; starting where metafor starts finds the one it reports.
fn fisher_scoring(y: &[f64], v: &[f64], restricted: bool) -> Result<f64, EngineError> {
    let start = estimate_tau2(y, v, Tau2Method::Hedges)?;
    scoring_iterations(start, if restricted { "REML" } else { "ML" }, |tau2| {
        let (mu, _) = generalised_q(y, v, tau2);
        let (mut sw, mut sw2, mut sw3, mut sw2r2) = (0.0, 0.0, 0.0, 0.0);
        for (yi, vi) in y.iter().zip(v) {
            let w = 1.0 / (vi + tau2);
            sw += w;
            sw2 += w * w;
            sw3 += w * w * w;
            sw2r2 += w * w * (yi - mu).powi(2);
        }
        // Score and expected information: y'PPy - tr(P) over tr(PP) for REML,
        // sum w^2 r^2 - sum w over sum w^2 for ML.
        Ok(if restricted {
            (sw2r2 - (sw - sw2 / sw), sw2 - 2.0 * sw3 / sw + (sw2 / sw).powi(2))
        } else {
            (sw2r2 - sw, sw2)
        })
    })
}

/// The scoring iterations from `start`, given (score, information) at each tau^2.
pub(crate) fn scoring_iterations(
    start: f64,
    method: &'static str,
    mut score_and_information: impl FnMut(f64) -> Result<(f64, f64), EngineError>,
) -> Result<f64, EngineError> {
    let mut tau2 = start.max(0.0);
    let (mut damping, mut previous_step) = (1.0, 0.0);
    for _ in 0..MAX_ITERATIONS {
        let (score, information) = score_and_information(tau2)?;
        let mut step = damping * score / information;
        if tau2 == 0.0 && step <= 0.0 {
            return Ok(0.0);
        }
        // Fisher scoring can overshoot back and forth; damp it when the step changes sign.
        if step * previous_step < 0.0 {
            damping *= 0.5;
            step *= 0.5;
        }
        while tau2 + step < 0.0 {
            step /= 2.0;
        }
        previous_step = step;
        tau2 += step;
        if step.abs() <= TOLERANCE * (1.0 + tau2) {
            return Ok(tau2);
        }
    }
    Err(EngineError::NotConverged { method, iterations: MAX_ITERATIONS, tolerance: TOLERANCE })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dersimonian_laird_by_hand() {
        // w = 10, 10: Q = 10 (0.25 + 0.25) = 5, C = 20 - 200 / 20 = 10, tau^2 = (5 - 1) / 10.
        let (y, v) = ([0.0, 1.0], [0.1, 0.1]);
        let (q, c) = cochran_q(&y, &v);
        assert!((q - 5.0).abs() < 1e-12 && (c - 10.0).abs() < 1e-12);
        assert!((estimate_tau2(&y, &v, Tau2Method::DerSimonianLaird).unwrap() - 0.4).abs() < 1e-12);
    }

    #[test]
    fn identical_effects_have_no_heterogeneity_under_any_estimator() {
        let (y, v) = ([0.3, 0.3, 0.3], [0.1, 0.2, 0.4]);
        for method in Tau2Method::COMPARED {
            assert!(estimate_tau2(&y, &v, method).unwrap().abs() < 1e-8, "{}", method.code());
        }
    }

    #[test]
    fn paule_mandel_solves_its_own_equation() {
        let (y, v) = ([0.0, 0.5, 1.5, -0.2], [0.05, 0.1, 0.2, 0.08]);
        let tau2 = estimate_tau2(&y, &v, Tau2Method::PauleMandel).unwrap();
        assert!((generalised_q(&y, &v, tau2).1 - 3.0).abs() < 1e-6);
    }
}
