//! Likelihood models for 2x2 tables that need no continuity correction, as metafor's
//! `rma.glmm(measure = "OR", method = "EE")` fits them:
//!
//! - conditional logistic regression (`model = "CM.EL"`): each trial's treatment events given
//!   its total events follow Fisher's noncentral hypergeometric distribution with odds ratio
//!   psi; the common log psi maximises the product (the exact conditional likelihood);
//! - unconditional logistic regression with a fixed intercept per trial (`model = "UM.FS"`):
//!   logit P(event) = alpha_i + beta in the treatment arm and alpha_i in the control arm.
//!
//! Both are exponential families in the log odds ratio, so Newton's method with the
//! (profile) information converges quickly, and the standard error is 1 / sqrt(information).
//! A trial with no events, or only events, carries no information about the odds ratio and is
//! left out (as rma.glmm's `drop00`).
use crate::counts::StudyCounts;
use crate::dist;
use crate::error::EngineError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LikelihoodModel {
    /// Conditional, exact likelihood (metafor CM.EL).
    Conditional,
    /// Unconditional, fixed study intercepts (metafor UM.FS).
    UnconditionalFixedStudy,
}

impl LikelihoodModel {
    pub const ALL: [LikelihoodModel; 2] = [LikelihoodModel::Conditional, LikelihoodModel::UnconditionalFixedStudy];

    pub fn code(self) -> &'static str {
        match self {
            LikelihoodModel::Conditional => "CM.EL",
            LikelihoodModel::UnconditionalFixedStudy => "UM.FS",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LikelihoodModel::Conditional => "Conditional logistic (exact hypergeometric likelihood)",
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
    pub log_or: f64,
    pub se: f64,
    pub z: f64,
    pub p_value: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
}

/// A trial's counts as (treatment events, treatment N, control events, control N), if it has
/// information about the odds ratio.
fn informative(s: &StudyCounts) -> Option<(f64, f64, f64, f64)> {
    let (a, n1, c, n2) = (s.events_treatment, s.total_treatment, s.events_control, s.total_control);
    let events = a + c;
    (events > 0 && events < n1 + n2).then_some((a as f64, n1 as f64, c as f64, n2 as f64))
}

/// Mean and variance of the treatment events given the total, under Fisher's noncentral
/// hypergeometric distribution with log odds ratio theta.
fn hypergeometric_moments(n1: f64, n2: f64, events: f64, theta: f64) -> (f64, f64) {
    let (lo, hi) = ((events - n2).max(0.0), n1.min(events));
    // log weights by the ratio of successive terms, then normalised from their maximum.
    let mut logs = Vec::with_capacity((hi - lo) as usize + 1);
    let mut log_w = 0.0;
    let mut x = lo;
    while x <= hi {
        logs.push(log_w);
        // C(n1, x+1)/C(n1, x) = (n1 - x)/(x + 1); C(n2, m-x-1)/C(n2, m-x) = (m - x)/(n2 - m + x + 1).
        log_w += ((n1 - x) / (x + 1.0)).ln() + ((events - x) / (n2 - events + x + 1.0)).ln() + theta;
        x += 1.0;
    }
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

fn expit(x: f64) -> f64 {
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
        if value > 0.0 { hi = alpha } else { lo = alpha }
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
pub fn likelihood_fit(studies: &[StudyCounts], model: LikelihoodModel, level: f64) -> Result<LikelihoodFit, EngineError> {
    let tables: Vec<_> = studies.iter().filter_map(informative).collect();
    if tables.is_empty() {
        return Err(EngineError::Unsupported("no trial has events in one arm or the other, so there is no odds ratio to estimate".into()));
    }
    // Score and information for the log odds ratio at theta.
    let terms = |theta: f64| -> (f64, f64) {
        tables.iter().fold((0.0, 0.0), |(u, i), &(a, n1, c, n2)| {
            let (du, di) = match model {
                LikelihoodModel::Conditional => {
                    let (mean, var) = hypergeometric_moments(n1, n2, a + c, theta);
                    (a - mean, var)
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
        return Err(EngineError::Unsupported("the odds ratio has no finite estimate: every event is in one arm".into()));
    }
    let mut theta = 0.0;
    for _ in 0..200 {
        let (u, info) = terms(theta);
        if u > 0.0 { lo = theta } else { hi = theta }
        let newton = theta + u / info;
        let next = if newton > lo && newton < hi && newton.is_finite() { newton } else { 0.5 * (lo + hi) };
        if (next - theta).abs() < 1e-14 * theta.abs().max(1.0) {
            theta = next;
            break;
        }
        theta = next;
    }
    let se = terms(theta).1.recip().sqrt();
    let z = theta / se;
    let crit = dist::z_crit(level);
    Ok(LikelihoodFit { model, k: tables.len(), log_or: theta, se, z, p_value: dist::z_two_sided_p(z), ci_lower: theta - crit * se, ci_upper: theta + crit * se })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_gives_the_conditional_and_the_unconditional_odds_ratio() {
        let table = [StudyCounts::new("A", 10, 50, 20, 50)];
        // The unconditional MLE of one table is its sample odds ratio.
        let um = likelihood_fit(&table, LikelihoodModel::UnconditionalFixedStudy, 0.95).unwrap();
        assert!((um.log_or - ((10.0 * 30.0) / (40.0 * 20.0f64)).ln()).abs() < 1e-10, "{}", um.log_or);
        let cm = likelihood_fit(&table, LikelihoodModel::Conditional, 0.95).unwrap();
        // The conditional MLE shrinks towards 1 a little.
        assert!(cm.log_or > um.log_or && cm.log_or < 0.0);
    }

    #[test]
    fn tables_without_information_are_left_out_and_one_sided_data_are_refused() {
        let tables = [StudyCounts::new("A", 0, 50, 0, 50), StudyCounts::new("B", 5, 40, 9, 41)];
        assert_eq!(likelihood_fit(&tables, LikelihoodModel::Conditional, 0.95).unwrap().k, 1);
        let one_sided = [StudyCounts::new("A", 0, 425, 1, 315)];
        assert!(likelihood_fit(&one_sided, LikelihoodModel::Conditional, 0.95).is_err());
    }
}
