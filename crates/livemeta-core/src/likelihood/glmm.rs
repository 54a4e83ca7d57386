//! Likelihood models for 2x2 tables that need no continuity correction, as metafor's
//! `rma.glmm(measure = "OR", method = "EE")` fits them:
//!
//! - conditional logistic regression (`model = "CM.EL"`): each trial's treatment events given
//!   its total events follow Fisher's noncentral hypergeometric distribution with odds ratio
//!   psi; the common log psi maximises the product (the exact conditional likelihood);
//! - its binomial approximation (`model = "CM.AL"`): the treatment events given the total are
//!   binomial with logit log(n1/n2) + log psi, as when events are rare;
//! - unconditional logistic regression with a fixed intercept per trial (`model = "UM.FS"`):
//!   logit P(event) = alpha_i + beta in the treatment arm and alpha_i in the control arm.
//!
//! All three are exponential families in the log odds ratio, so Newton's method with the
//! (profile) information converges quickly, and the standard error is 1 / sqrt(information).
//! A trial with no events, or only events, carries no information about the odds ratio and is
//! left out (as rma.glmm's `drop00`).
use crate::data::StudyCounts;
use crate::error::EngineError;
use crate::model::Estimate;
use crate::numerics::maximum_likelihood;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LikelihoodModel {
    /// Conditional, exact likelihood (metafor CM.EL).
    Conditional,
    /// Conditional, binomial approximation (metafor CM.AL).
    ConditionalApproximate,
    /// Unconditional, fixed study intercepts (metafor UM.FS).
    UnconditionalFixedStudy,
}

impl LikelihoodModel {
    pub const ALL: [LikelihoodModel; 3] = [
        LikelihoodModel::Conditional,
        LikelihoodModel::ConditionalApproximate,
        LikelihoodModel::UnconditionalFixedStudy,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LikelihoodModel::Conditional => "CM.EL",
            LikelihoodModel::ConditionalApproximate => "CM.AL",
            LikelihoodModel::UnconditionalFixedStudy => "UM.FS",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LikelihoodModel::Conditional => "Conditional logistic (exact hypergeometric likelihood)",
            LikelihoodModel::ConditionalApproximate => "Conditional logistic (binomial approximation)",
            LikelihoodModel::UnconditionalFixedStudy => "Logistic regression with a fixed effect per trial",
        }
    }
}

/// The common log odds ratio of a likelihood model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LikelihoodFit {
    pub model: LikelihoodModel,
    /// Trials that carry information (some events, not all).
    pub k: usize,
    pub log_or: Estimate,
}

/// A trial's counts as (treatment events, treatment N, control events, control N), if it has
/// information about the odds ratio.
pub(crate) fn informative(s: &StudyCounts) -> Option<(f64, f64, f64, f64)> {
    let (a, n1, c, n2) = (s.events_treatment, s.total_treatment, s.events_control, s.total_control);
    let events = a + c;
    (events > 0 && events < n1 + n2).then_some((a as f64, n1 as f64, c as f64, n2 as f64))
}

/// The support of the treatment events given the total, from its least value `lo`, and the log
/// of C(n1, x) C(n2, m - x) at each x relative to x = lo.
fn hypergeometric_log_weights(n1: f64, n2: f64, events: f64) -> (f64, Vec<f64>) {
    let (lo, hi) = ((events - n2).max(0.0), n1.min(events));
    let mut logs = Vec::with_capacity((hi - lo) as usize + 1);
    let mut log_w = 0.0;
    let mut x = lo;
    while x <= hi {
        logs.push(log_w);
        // C(n1, x+1)/C(n1, x) = (n1 - x)/(x + 1); C(n2, m-x-1)/C(n2, m-x) = (m - x)/(n2 - m + x + 1).
        log_w += ((n1 - x) / (x + 1.0)).ln() + ((events - x) / (n2 - events + x + 1.0)).ln();
        x += 1.0;
    }
    (lo, logs)
}

/// Mean and variance of the treatment events given the total, under Fisher's noncentral
/// hypergeometric distribution with log odds ratio theta.
fn hypergeometric_moments(n1: f64, n2: f64, events: f64, theta: f64) -> (f64, f64) {
    let (lo, base) = hypergeometric_log_weights(n1, n2, events);
    let logs: Vec<f64> = base.iter().enumerate().map(|(i, l)| l + theta * i as f64).collect();
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut total, mut first, mut second) = (0.0, 0.0, 0.0);
    for (i, l) in logs.iter().enumerate() {
        let w = (l - top).exp();
        let x = lo + i as f64;
        total += w;
        first += w * x;
        second += w * x * x;
    }
    let mean = first / total;
    (mean, (second / total - mean * mean).max(0.0))
}

pub(crate) fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// UM.FS: a trial's intercept given beta (its events fitted exactly), and the trial's
/// contributions to the profile score and information for beta.
fn fixed_study_terms(a: f64, n1: f64, c: f64, n2: f64, beta: f64) -> (f64, f64) {
    let events = a + c;
    // n1 expit(alpha + beta) + n2 expit(alpha) = events: increasing in alpha.
    let fitted = |alpha: f64| n1 * expit(alpha + beta) + n2 * expit(alpha) - events;
    let (mut lo, mut hi) = (-1.0, 1.0);
    while fitted(lo) > 0.0 {
        lo *= 2.0;
    }
    while fitted(hi) < 0.0 {
        hi *= 2.0;
    }
    let mut alpha = 0.5 * (lo + hi);
    for _ in 0..200 {
        let value = fitted(alpha);
        if value > 0.0 {
            hi = alpha
        } else {
            lo = alpha
        }
        let (p1, p0) = (expit(alpha + beta), expit(alpha));
        let slope = n1 * p1 * (1.0 - p1) + n2 * p0 * (1.0 - p0);
        let newton = alpha - value / slope;
        let next = if newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
        if (next - alpha).abs() < 1e-15 * alpha.abs().max(1.0) {
            alpha = next;
            break;
        }
        alpha = next;
    }
    let (p1, p0) = (expit(alpha + beta), expit(alpha));
    let (h1, h0) = (n1 * p1 * (1.0 - p1), n2 * p0 * (1.0 - p0));
    (a - n1 * p1, h1 * h0 / (h1 + h0))
}

/// The common log odds ratio under `model`, with a Wald CI at `level`.
pub fn likelihood_fit(
    studies: &[StudyCounts],
    model: LikelihoodModel,
    level: f64,
) -> Result<LikelihoodFit, EngineError> {
    let tables: Vec<_> = studies.iter().filter_map(informative).collect();
    if tables.is_empty() {
        return Err(EngineError::Unsupported(
            "no trial has events in one arm or the other, so there is no odds ratio to estimate".into(),
        ));
    }
    // Score and information for the log odds ratio at theta.
    let terms = |theta: f64| -> (f64, f64) {
        tables.iter().fold((0.0, 0.0), |(u, i), &(a, n1, c, n2)| {
            let (du, di) = match model {
                LikelihoodModel::Conditional => {
                    let (mean, var) = hypergeometric_moments(n1, n2, a + c, theta);
                    (a - mean, var)
                }
                LikelihoodModel::ConditionalApproximate => {
                    let p = expit((n1 / n2).ln() + theta);
                    (a - (a + c) * p, (a + c) * p * (1.0 - p))
                }
                LikelihoodModel::UnconditionalFixedStudy => fixed_study_terms(a, n1, c, n2, theta),
            };
            (u + du, i + di)
        })
    };
    // The score falls as theta rises; a root beyond |theta| = 30 (odds ratio 1e13) means the
    // data put the estimate at infinity (all events in one arm of every trial).
    let (mut lo, mut hi) = (-30.0, 30.0);
    if terms(lo).0 < 0.0 || terms(hi).0 > 0.0 {
        return Err(EngineError::Unsupported(
            "the odds ratio has no finite estimate: every event is in one arm".into(),
        ));
    }
    let mut theta = 0.0;
    for _ in 0..200 {
        let (u, info) = terms(theta);
        if u > 0.0 {
            lo = theta
        } else {
            hi = theta
        }
        let newton = theta + u / info;
        let next = if newton > lo && newton < hi && newton.is_finite() { newton } else { 0.5 * (lo + hi) };
        if (next - theta).abs() < 1e-14 * theta.abs().max(1.0) {
            theta = next;
            break;
        }
        theta = next;
    }
    let se = terms(theta).1.recip().sqrt();
    Ok(LikelihoodFit { model, k: tables.len(), log_or: Estimate::wald(theta, se, level) })
}

/// A mixed model's mean log odds ratio (the common one when tau² = 0): the random-effects
/// conditional models and UM.RS.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MixedFit {
    /// Trials that carry information (some events, not all).
    pub k: usize,
    /// The mean log odds ratio, with its z test and Wald interval.
    pub log_or: Estimate,
    pub tau2: f64,
    pub log_likelihood: f64,
}

impl MixedFit {
    /// The fit with its z test and Wald interval at `level`.
    pub(crate) fn new(k: usize, log_or: f64, se: f64, tau2: f64, log_likelihood: f64, level: f64) -> MixedFit {
        MixedFit { k, log_or: Estimate::wald(log_or, se, level), tau2, log_likelihood }
    }

    /// At tau² = 0 a random-effects model is its common-effect model, whose estimate and
    /// standard error are exact (Newton's method to the root of the score), where the numerical
    /// search stops within 1e-10 and may differ in the last digits between platforms.
    pub(crate) fn or_common(self, common: &LikelihoodFit) -> MixedFit {
        if self.tau2 > 0.0 {
            return self;
        }
        MixedFit { k: common.k, log_or: common.log_or, ..self }
    }
}

/// One trial's exact conditional likelihood: P(x | theta) = w_x e^(theta x) / Σ_u w_u e^(theta u).
struct ConditionalTable {
    observed: usize,
    log_weights: Vec<f64>,
}

impl ConditionalTable {
    fn new((a, n1, c, n2): (f64, f64, f64, f64)) -> Self {
        let (lo, log_weights) = hypergeometric_log_weights(n1, n2, a + c);
        ConditionalTable { observed: (a - lo) as usize, log_weights }
    }

    fn log_pmf(&self, theta: f64) -> f64 {
        let terms = self.log_weights.iter().enumerate().map(|(u, w)| w + theta * u as f64);
        let top = terms.clone().fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = terms.map(|t| (t - top).exp()).sum();
        self.log_weights[self.observed] + theta * self.observed as f64 - top - total.ln()
    }

    /// log ∫ P(x | mu + tau z) φ(z) dz, by adaptive Gauss-Kronrod on z in [-10, 10] (beyond,
    /// the normal density carries less than 1e-22).
    fn log_marginal(&self, mu: f64, tau2: f64) -> f64 {
        if tau2 <= 0.0 {
            return self.log_pmf(mu);
        }
        if !(tau2 < 1e4 && mu.is_finite()) {
            return f64::NEG_INFINITY;
        }
        let tau = tau2.sqrt();
        let integrand = |z: f64| (self.log_pmf(mu + tau * z) - 0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
        integrate_budgeted(&integrand, -10.0, 10.0, 1e-12).ln()
    }
}

/// Adaptive Gauss-Kronrod (7/15) that splits the panel with the largest error estimate until
/// the errors sum to `relative` of the integral or 64 panels are used, so the work per integral
/// is bounded whatever the integrand.
fn integrate_budgeted(f: &dyn Fn(f64) -> f64, a: f64, b: f64, relative: f64) -> f64 {
    let panel = |a: f64, b: f64| -> (f64, f64, f64, f64) {
        let (value, error) = crate::numerics::gauss_kronrod_panel(f, a, b);
        (a, b, value, error)
    };
    let mut panels = vec![
        panel(a, a + (b - a) / 4.0),
        panel(a + (b - a) / 4.0, (a + b) / 2.0),
        panel((a + b) / 2.0, b - (b - a) / 4.0),
        panel(b - (b - a) / 4.0, b),
    ];
    while panels.len() < 64 {
        let total: f64 = panels.iter().map(|p| p.2).sum();
        let error: f64 = panels.iter().map(|p| p.3).sum();
        if !(error > relative * total.abs()) {
            break;
        }
        let worst = (0..panels.len()).max_by(|i, j| panels[*i].3.total_cmp(&panels[*j].3)).expect("panels");
        let (lo, hi, ..) = panels.swap_remove(worst);
        let mid = (lo + hi) / 2.0;
        panels.push(panel(lo, mid));
        panels.push(panel(mid, hi));
    }
    panels.iter().map(|p| p.2).sum()
}

/// The random-effects conditional model: the mean log odds ratio and tau's standard deviation by
/// `optimize::maximum_likelihood` from the common-effect fit (at tau² = 0 it is that fit).
#[doc(alias = "rma.glmm")]
pub fn conditional_random_effects(studies: &[StudyCounts], level: f64) -> Result<MixedFit, EngineError> {
    let common = likelihood_fit(studies, LikelihoodModel::Conditional, level)?;
    let tables: Vec<ConditionalTable> = studies.iter().filter_map(informative).map(ConditionalTable::new).collect();
    if tables.len() < 2 {
        return Err(EngineError::NotEnoughStudies { needed: 2, found: tables.len(), what: "a random-effects model" });
    }
    let log_likelihood = |p: &[f64]| tables.iter().map(|t| t.log_marginal(p[0], p[1] * p[1])).sum::<f64>();
    let (p, se) = maximum_likelihood(&log_likelihood, &[common.log_or.estimate, 0.1f64.sqrt()], 1)?;
    Ok(MixedFit::new(tables.len(), p[0], se, p[1] * p[1], log_likelihood(&p), level).or_common(&common))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_gives_the_conditional_and_the_unconditional_odds_ratio() {
        let table = [StudyCounts::new("A", 10, 50, 20, 50)];
        // The unconditional MLE of one table is its sample odds ratio.
        let um = likelihood_fit(&table, LikelihoodModel::UnconditionalFixedStudy, 0.95).unwrap();
        assert!((um.log_or.estimate - ((10.0 * 30.0) / (40.0 * 20.0f64)).ln()).abs() < 1e-10, "{}", um.log_or.estimate);
        let cm = likelihood_fit(&table, LikelihoodModel::Conditional, 0.95).unwrap();
        // The conditional MLE shrinks towards 1 a little.
        assert!(cm.log_or.estimate > um.log_or.estimate && cm.log_or.estimate < 0.0);
    }

    #[test]
    fn tables_without_information_are_left_out_and_one_sided_data_are_refused() {
        let tables = [StudyCounts::new("A", 0, 50, 0, 50), StudyCounts::new("B", 5, 40, 9, 41)];
        assert_eq!(likelihood_fit(&tables, LikelihoodModel::Conditional, 0.95).unwrap().k, 1);
        let one_sided = [StudyCounts::new("A", 0, 425, 1, 315)];
        assert!(likelihood_fit(&one_sided, LikelihoodModel::Conditional, 0.95).is_err());
    }

    #[test]
    fn the_exact_conditional_likelihood_sums_to_one_and_integrates_to_itself_without_spread() {
        let table = ConditionalTable::new((3.0, 20.0, 5.0, 18.0));
        let total: f64 = (0..table.log_weights.len())
            .map(|x| ConditionalTable { observed: x, log_weights: table.log_weights.clone() }.log_pmf(0.4).exp())
            .sum();
        assert!((total - 1.0).abs() < 1e-12);
        // With a tiny spread the marginal is the conditional likelihood at mu.
        assert!((table.log_marginal(0.4, 1e-12) - table.log_pmf(0.4)).abs() < 1e-9);
    }

    #[test]
    fn homogeneous_tables_put_the_random_effects_fit_at_the_common_one() {
        let tables = [
            StudyCounts::new("A", 10, 100, 20, 100),
            StudyCounts::new("B", 20, 200, 40, 200),
            StudyCounts::new("C", 15, 150, 30, 150),
        ];
        let fit = conditional_random_effects(&tables, 0.95).unwrap();
        let common = likelihood_fit(&tables, LikelihoodModel::Conditional, 0.95).unwrap();
        assert_eq!(fit.tau2, 0.0);
        assert!(
            (fit.log_or.estimate - common.log_or.estimate).abs() < 1e-8
                && (fit.log_or.se - common.log_or.se).abs() < 1e-6,
            "{fit:?} {common:?}"
        );
    }
}
