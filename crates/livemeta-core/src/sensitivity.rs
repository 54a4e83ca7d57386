//! Sensitivity, influence and small-study analyses around one analysis, following metafor's
//! `leave1out`, `cumul`, `gosh`, `influence`, `baujat`, `regtest(model = "lm")`, `ranktest`
//! and `trimfill` for intercept-only models.
use crate::analysis::{analyze, Analysis, AnalysisOptions, Model};
use crate::counts::StudyCounts;
use crate::dist;
use crate::effect::{table_effect, EffectSize, Measure};
use crate::error::EngineError;
use crate::gosh::{GoshFitter, MAX_ALL_SUBSETS_K};
use crate::metareg::meta_regression;
use crate::tau2::{cochran_q, estimate_tau2, generalised_q, Tau2Method};
use serde::Serialize;

/// The refit without (or up to) one study, labelled by that study.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refit {
    pub label: String,
    pub analysis: Result<Analysis, String>,
}

/// Leave-one-out: the analysis refitted once without each study in turn.
pub fn leave_one_out(studies: &[StudyCounts], options: &AnalysisOptions) -> Vec<Refit> {
    (0..studies.len())
        .map(|i| {
            let rest: Vec<StudyCounts> =
                studies.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, s)| s.clone()).collect();
            Refit { label: studies[i].label.clone(), analysis: analyze(&rest, options).map_err(|e| e.to_string()) }
        })
        .collect()
}

/// Cumulative meta-analysis: the analysis of the first 1, 2, ..., k studies in the given order.
pub fn cumulative(studies: &[StudyCounts], options: &AnalysisOptions) -> Vec<Refit> {
    (1..=studies.len())
        .map(|n| Refit {
            label: studies[n - 1].label.clone(),
            analysis: analyze(&studies[..n], options).map_err(|e| e.to_string()),
        })
        .collect()
}

/// The random-effects analysis under every tau^2 estimator (`Tau2Method::COMPARED`), with the
/// measure, zero-cell rule and CI method of `options`; each labelled by metafor's code.
pub fn compare_estimators(studies: &[StudyCounts], options: &AnalysisOptions) -> Vec<Refit> {
    Tau2Method::COMPARED
        .iter()
        .map(|&m| Refit {
            label: m.code().to_string(),
            analysis: analyze(studies, &AnalysisOptions { model: Model::Random(m), ..*options })
                .map_err(|e| e.to_string()),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubgroupAnalysis {
    pub groups: Vec<(String, Analysis)>,
    /// Test for subgroup differences: Q between the subgroup estimates (inverse-variance
    /// common-effect weights on their standard errors), as RevMan reports it.
    pub q_between: f64,
    pub df: f64,
    pub p_value: f64,
}

/// Separate analyses per subgroup (each with its own tau^2) and the test for differences.
pub fn subgroups(
    studies: &[StudyCounts],
    groups: &[String],
    options: &AnalysisOptions,
) -> Result<SubgroupAnalysis, EngineError> {
    let mut names: Vec<&String> = Vec::new();
    for g in groups {
        if !names.contains(&g) {
            names.push(g);
        }
    }
    let mut fits = Vec::new();
    for name in names {
        let members: Vec<StudyCounts> =
            studies.iter().zip(groups).filter(|(_, g)| *g == name).map(|(s, _)| s.clone()).collect();
        fits.push((name.clone(), analyze(&members, options)?));
    }
    if fits.len() < 2 {
        return Err(EngineError::NotEnoughStudies {
            needed: 2,
            found: fits.len(),
            what: "a test for subgroup differences (subgroups)",
        });
    }
    let y: Vec<f64> = fits.iter().map(|(_, a)| a.pooled.y).collect();
    let v: Vec<f64> = fits.iter().map(|(_, a)| a.pooled.se * a.pooled.se).collect();
    let (q_between, _) = cochran_q(&y, &v);
    let df = (fits.len() - 1) as f64;
    Ok(SubgroupAnalysis { groups: fits, q_between, df, p_value: dist::chi2_sf(q_between, df) })
}

/// Estimable effect sizes and the tau^2 method of an inverse-variance model; the small-study
/// and influence analyses work on these, as metafor's do on `yi` and `vi`.
pub fn effects_and_method(analysis: &Analysis) -> Result<(Vec<f64>, Vec<f64>, Option<Tau2Method>), EngineError> {
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

/// GOSH: the model fitted to every non-empty subset of the studies (2^k - 1 fits), in the
/// order of the subset's bit pattern (study i is in subset s when bit i of s is set).
pub fn gosh(analysis: &Analysis) -> Result<Vec<QuickFit>, EngineError> {
    let (y, v, method) = effects_and_method(analysis)?;
    if y.len() > MAX_ALL_SUBSETS_K {
        return Err(EngineError::Unsupported(format!(
            "GOSH over all subsets is limited to k <= {MAX_ALL_SUBSETS_K} (k = {})",
            y.len()
        )));
    }
    let mut fitter = GoshFitter::new(&y, &v, method);
    (0..fitter.plan().len()).map(|i| fitter.fit(i)).collect()
}

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

/// Egger's regression test: the effects regressed on their standard errors; the slope's test
/// says whether small studies show different effects.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EggerTest {
    /// t, or z for the mixed-effects form without Knapp-Hartung.
    pub statistic: f64,
    /// Degrees of freedom of a t test.
    pub df: Option<f64>,
    pub p_value: f64,
    /// The intercept: the estimate as the standard error goes to zero ("limit estimate").
    pub limit_estimate: f64,
    pub limit_ci_lower: f64,
    pub limit_ci_upper: f64,
    /// The two-sided P value of the intercept being 0.
    pub limit_p_value: f64,
}

/// Classic form (`regtest(model = "lm")`): weighted least squares of y on its standard error
/// with weights 1/v; the slope's t test with k - 2 df.
pub fn egger(analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    let (x, w): (Vec<f64>, Vec<f64>) = v.iter().map(|vi| (vi.sqrt(), 1.0 / vi)).unzip();
    weighted_slope_test(&y, &x, &w, level, "Egger's regression test")
}

/// Weighted least squares of y on [1, x] with weights w and a residual variance estimated from
/// the data (a multiplicative error, as `lm`); the slope's t test with k - 2 df. The intercept
/// is the "limit estimate" where x is 0.
fn weighted_slope_test(
    y: &[f64],
    x: &[f64],
    w: &[f64],
    level: f64,
    what: &'static str,
) -> Result<EggerTest, EngineError> {
    let k = y.len();
    if k < 3 {
        return Err(EngineError::NotEnoughStudies { needed: 3, found: k, what });
    }
    let (mut s0, mut s1, mut s2, mut t0, mut t1) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for ((yi, xi), wi) in y.iter().zip(x).zip(w) {
        s0 += wi;
        s1 += wi * xi;
        s2 += wi * xi * xi;
        t0 += wi * yi;
        t1 += wi * xi * yi;
    }
    let det = s0 * s2 - s1 * s1;
    let (b0, b1) = ((s2 * t0 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det);
    let df = (k - 2) as f64;
    let rss: f64 = y.iter().zip(x).zip(w).map(|((yi, xi), wi)| wi * (yi - b0 - b1 * xi).powi(2)).sum();
    let sigma2 = rss / df;
    let (se0, se1) = ((sigma2 * s2 / det).sqrt(), (sigma2 * s0 / det).sqrt());
    let t = b1 / se1;
    let crit = dist::t_crit(level, df);
    Ok(EggerTest {
        statistic: t,
        df: Some(df),
        p_value: dist::t_two_sided_p(t, df),
        limit_estimate: b0,
        limit_ci_lower: b0 - crit * se0,
        limit_ci_upper: b0 + crit * se0,
        limit_p_value: dist::t_two_sided_p(b0 / se0, df),
    })
}

/// PET-PEESE (Stanley and Doucouliagos 2014): the effect corrected for small-study effects as
/// the intercept of a weighted regression (weights 1/v) on the standard error (PET) or on the
/// variance (PEESE). PEESE is the answer when PET's intercept is significant at 5% one-sided in
/// its own direction (two-sided P < 0.10), PET otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PetPeese {
    pub pet: EggerTest,
    pub peese: EggerTest,
    pub uses_peese: bool,
}

pub fn pet_peese(analysis: &Analysis, level: f64) -> Result<PetPeese, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    let w: Vec<f64> = v.iter().map(|vi| 1.0 / vi).collect();
    let se: Vec<f64> = v.iter().map(|vi| vi.sqrt()).collect();
    let pet = weighted_slope_test(&y, &se, &w, level, "PET-PEESE")?;
    let peese = weighted_slope_test(&y, &v, &w, level, "PET-PEESE")?;
    Ok(PetPeese { pet, peese, uses_peese: pet.limit_p_value < 0.10 })
}

/// Peters et al. (JAMA 2006): each trial's effect (the measure analysed) regressed on 1/N,
/// weighted by 1 / (1/events + 1/non-events) of both arms together; the slope's t test. A trial
/// with no events or no non-events has no weight and is left out. `studies` are the tables the
/// analysis pooled, in its order.
pub fn peters(studies: &[StudyCounts], analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for (s, r) in studies.iter().zip(&analysis.studies) {
        let (Some(e), Some(_)) = (r.effect, r.weight_percent) else { continue };
        let events = (s.events_treatment + s.events_control) as f64;
        let non_events = (s.total_treatment + s.total_control) as f64 - events;
        if events > 0.0 && non_events > 0.0 {
            rows.0.push(e.yi);
            rows.1.push(1.0 / (s.total_treatment + s.total_control) as f64);
            rows.2.push(1.0 / (1.0 / events + 1.0 / non_events));
        }
    }
    weighted_slope_test(&rows.0, &rows.1, &rows.2, level, "Peters' test")
}

/// Harbord et al. (Stat Med 2006): the efficient score Z = O - E and its hypergeometric variance
/// V of each trial's log odds ratio; Z/V regressed on 1/sqrt(V) with weights V (Egger's test on
/// the score), the slope's t test. The score is the odds ratio's whatever the measure analysed.
pub fn harbord(studies: &[StudyCounts], analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for (s, r) in studies.iter().zip(&analysis.studies) {
        if r.weight_percent.is_none() {
            continue;
        }
        let (z, v) = crate::effect::peto_terms(&s.cells());
        if v > 0.0 {
            rows.0.push(z / v);
            rows.1.push(1.0 / v.sqrt());
            rows.2.push(v);
        }
    }
    weighted_slope_test(&rows.0, &rows.1, &rows.2, level, "Harbord's test")
}

/// Rücker et al. (Stat Med 2008): Egger's regression on the arcsine difference
/// asin(sqrt(a/n1)) - asin(sqrt(c/n2)), whose variance 1/(4 n1) + 1/(4 n2) does not depend on
/// the effect, so zero cells need no correction and the test holds its size for binary data;
/// the trials of the analysis, the slope's t test (metafor: `regtest(rma(measure = "AS"),
/// model = "lm")`).
pub fn ruecker(studies: &[StudyCounts], analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let mut rows = (Vec::new(), Vec::new(), Vec::new());
    for (s, r) in studies.iter().zip(&analysis.studies) {
        if r.weight_percent.is_none() {
            continue;
        }
        let EffectSize { yi, vi } = table_effect(&s.cells(), Measure::AS);
        rows.0.push(yi);
        rows.1.push(vi.sqrt());
        rows.2.push(1.0 / vi);
    }
    weighted_slope_test(&rows.0, &rows.1, &rows.2, level, "Rücker's arcsine test")
}

/// metafor's default form (`regtest(res)`): the analysis's own model (its tau^2 estimator, and
/// (modified) Knapp-Hartung if it used it) with the standard error as a moderator.
pub fn egger_mixed(analysis: &Analysis, level: f64) -> Result<EggerTest, EngineError> {
    let (y, v, method) = effects_and_method(analysis)?;
    if y.len() < 3 {
        return Err(EngineError::NotEnoughStudies { needed: 3, found: y.len(), what: "Egger's regression test" });
    }
    let x: Vec<Vec<f64>> = v.iter().map(|vi| vec![1.0, vi.sqrt()]).collect();
    let fit = meta_regression(&y, &v, &x, method, analysis.ci_method, level)?;
    let (intercept, slope) = (fit.coefficients[0], fit.coefficients[1]);
    Ok(EggerTest {
        statistic: slope.statistic,
        df: fit.df,
        p_value: slope.p_value,
        limit_estimate: intercept.estimate,
        limit_ci_lower: intercept.ci_lower,
        limit_ci_upper: intercept.ci_upper,
        limit_p_value: intercept.p_value,
    })
}

/// Begg and Mazumdar's rank correlation test (`ranktest`): Kendall's tau between the
/// standardised effects and their variances; exact p-value without ties, normal otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BeggTest {
    pub tau: f64,
    pub p_value: f64,
    pub exact: bool,
}

/// Fail-safe N, as metafor's `fsn` with alpha = 0.05, on the analysis's study effects.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FailSafeN {
    /// Rosenthal (Stouffer's method): studies averaging a null result that would raise the
    /// one-sided combined P to 0.05; `rosenthal_p` is that combined P now.
    pub rosenthal: f64,
    pub rosenthal_p: f64,
    /// Orwin: null studies that would halve the unweighted mean effect (metafor's default
    /// target, so always k), with that mean.
    pub orwin: f64,
    pub orwin_mean: f64,
    /// Rosenberg: null studies that would make the common-effect (inverse-variance) estimate
    /// non-significant at 0.05, two-sided; `rosenberg_p` is its P now.
    pub rosenberg: f64,
    pub rosenberg_p: f64,
}

/// metafor rounds a fail-safe N up, unless it is an integer within floating-point noise.
fn fail_safe_count(n: f64) -> f64 {
    if n.is_finite() && (n - n.round()).abs() >= f64::EPSILON.sqrt() {
        n.ceil()
    } else {
        n.round()
    }
}

pub fn fail_safe_n(analysis: &Analysis) -> Result<FailSafeN, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    if y.is_empty() {
        return Err(EngineError::NoStudies);
    }
    let k = y.len() as f64;
    // One-sided 5%: the 95th percentile, which z_crit gives for a two-sided 90%.
    let z_one_sided = dist::z_crit(0.90);
    let z_avg = (y.iter().zip(&v).map(|(yi, vi)| yi / vi.sqrt()).sum::<f64>() / k.sqrt()).abs();
    let rosenthal = (k * (z_avg / z_one_sided).powi(2) - k).max(0.0);
    let mean = y.iter().sum::<f64>() / k;
    let target = mean / 2.0;
    let orwin = if target == 0.0 { f64::INFINITY } else { (k * (mean - target) / target).max(0.0) };
    let w: f64 = v.iter().map(|vi| 1.0 / vi).sum();
    let wy: f64 = y.iter().zip(&v).map(|(yi, vi)| yi / vi).sum();
    let rosenberg = (k * ((wy / dist::z_crit(0.95)).powi(2) - w) / w).max(0.0);
    Ok(FailSafeN {
        rosenthal: fail_safe_count(rosenthal),
        rosenthal_p: dist::z_two_sided_p(z_avg) / 2.0,
        orwin: fail_safe_count(orwin),
        orwin_mean: mean,
        rosenberg: fail_safe_count(rosenberg),
        rosenberg_p: dist::z_two_sided_p(wy / w * w.sqrt()),
    })
}

pub fn begg(analysis: &Analysis) -> Result<BeggTest, EngineError> {
    let (y, v): (Vec<f64>, Vec<f64>) = analysis.studies.iter().filter_map(|s| s.effect).map(|e| (e.yi, e.vi)).unzip();
    let n = y.len();
    if n < 3 {
        return Err(EngineError::NotEnoughStudies { needed: 3, found: n, what: "the rank correlation test" });
    }
    let sw: f64 = v.iter().map(|vi| 1.0 / vi).sum();
    let theta = y.iter().zip(&v).map(|(yi, vi)| yi / vi).sum::<f64>() / sw;
    let vb = 1.0 / sw;
    let ystar: Vec<f64> = y.iter().zip(&v).map(|(yi, vi)| (yi - theta) / (vi - vb).sqrt()).collect();
    Ok(kendall_test(&ystar, &v))
}

/// Kendall's tau-b with R's `cor.test(method = "kendall", exact = TRUE)` p-value.
pub fn kendall_test(x: &[f64], y: &[f64]) -> BeggTest {
    let n = x.len();
    let (mut concordant, mut discordant, mut ties_x, mut ties_y) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        for j in (i + 1)..n {
            let (dx, dy) = (x[i] - x[j], y[i] - y[j]);
            match (dx == 0.0, dy == 0.0) {
                (true, true) => {
                    ties_x += 1;
                    ties_y += 1;
                }
                (true, false) => ties_x += 1,
                (false, true) => ties_y += 1,
                _ if dx * dy > 0.0 => concordant += 1,
                _ => discordant += 1,
            }
        }
    }
    let n0 = (n * (n - 1) / 2) as f64;
    let s = (concordant - discordant) as f64;
    let tau = s / ((n0 - ties_x as f64) * (n0 - ties_y as f64)).sqrt();
    let nf = n as f64;
    if ties_x == 0 && ties_y == 0 {
        // Exact: T = number of concordant pairs; R's two-sided rule on pkendall.
        let q = ((tau + 1.0) * nf * (nf - 1.0) / 4.0).round() as usize;
        let cdf = kendall_cdf(n);
        let p = if q as f64 > nf * (nf - 1.0) / 4.0 { 1.0 - cdf[q - 1] } else { cdf[q] };
        return BeggTest { tau, p_value: (2.0 * p).min(1.0), exact: true };
    }
    let tie_groups = |z: &[f64]| {
        let mut sorted = z.to_vec();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        let mut groups = Vec::new();
        let mut run = 1.0;
        for w in sorted.windows(2) {
            if w[0] == w[1] {
                run += 1.0;
            } else {
                if run > 1.0 {
                    groups.push(run);
                }
                run = 1.0;
            }
        }
        if run > 1.0 {
            groups.push(run);
        }
        groups
    };
    let (gx, gy) = (tie_groups(x), tie_groups(y));
    let sum = |g: &[f64], f: &dyn Fn(f64) -> f64| g.iter().map(|t| f(*t)).sum::<f64>();
    let v0 = nf * (nf - 1.0) * (2.0 * nf + 5.0);
    let vt = sum(&gx, &|t| t * (t - 1.0) * (2.0 * t + 5.0));
    let vu = sum(&gy, &|t| t * (t - 1.0) * (2.0 * t + 5.0));
    let v1 = sum(&gx, &|t| t * (t - 1.0)) * sum(&gy, &|t| t * (t - 1.0));
    let v2 = sum(&gx, &|t| t * (t - 1.0) * (t - 2.0)) * sum(&gy, &|t| t * (t - 1.0) * (t - 2.0));
    let var_s = (v0 - vt - vu) / 18.0 + v1 / (2.0 * nf * (nf - 1.0)) + v2 / (9.0 * nf * (nf - 1.0) * (nf - 2.0));
    BeggTest { tau, p_value: dist::z_two_sided_p(s / var_s.sqrt()), exact: false }
}

/// P(T <= q) for q = 0..=n(n-1)/2, T the number of inversions of a random permutation.
fn kendall_cdf(n: usize) -> Vec<f64> {
    let max = n * (n - 1) / 2;
    let mut counts = vec![0f64; max + 1];
    counts[0] = 1.0;
    for m in 2..=n {
        // Adding element m can create 0..m-1 new inversions: a sliding-window sum.
        let mut next = vec![0f64; max + 1];
        let mut window = 0.0;
        for q in 0..=max {
            window += counts[q];
            if q >= m {
                window -= counts[q - m];
            }
            next[q] = window;
        }
        counts = next;
    }
    let total: f64 = counts.iter().sum();
    let mut acc = 0.0;
    counts
        .iter()
        .map(|c| {
            acc += c;
            acc / total
        })
        .collect()
}

/// Slope of a meta-regression of y on x (intercept + x), with tau^2 from the same estimator
/// as the main model: `rma(yi, vi, mods = x, method = ...)`. Trim-and-fill uses its sign.
fn meta_regression_slope(y: &[f64], x: &[f64], v: &[f64], method: Option<Tau2Method>) -> Result<f64, EngineError> {
    let k = y.len() as f64;
    // Weighted least squares at a given tau^2: (slope, intercept, residual Q, tr(P), tr(PP), y'PPy).
    let wls = |tau2: f64| {
        let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau2)).collect();
        let (mut s0, mut s1, mut s2, mut t0, mut t1) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for i in 0..y.len() {
            s0 += w[i];
            s1 += w[i] * x[i];
            s2 += w[i] * x[i] * x[i];
            t0 += w[i] * y[i];
            t1 += w[i] * x[i] * y[i];
        }
        let det = s0 * s2 - s1 * s1;
        let (b0, b1) = ((s2 * t0 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det);
        // Hat-like terms h_i = w_i x_i' (X'WX)^-1 x_i give tr(P) = sum w_i (1 - h_i).
        let h: Vec<f64> = (0..y.len()).map(|i| w[i] * (s2 - 2.0 * s1 * x[i] + s0 * x[i] * x[i]) / det).collect();
        let q: f64 = (0..y.len()).map(|i| w[i] * (y[i] - b0 - b1 * x[i]).powi(2)).sum();
        let tr_p: f64 = (0..y.len()).map(|i| w[i] * (1.0 - h[i])).sum();
        // P = W - W X (X'WX)^-1 X' W; tr(PP) computed from its entries (k is small here).
        let inv = [s2 / det, -s1 / det, s0 / det];
        let p_entry = |i: usize, j: usize| {
            let m = inv[0] + inv[1] * (x[i] + x[j]) + inv[2] * x[i] * x[j];
            (if i == j { w[i] } else { 0.0 }) - w[i] * w[j] * m
        };
        let mut tr_pp = 0.0;
        for i in 0..y.len() {
            for j in 0..y.len() {
                tr_pp += p_entry(i, j) * p_entry(j, i);
            }
        }
        let ypp_y: f64 = (0..y.len()).map(|i| (w[i] * (y[i] - b0 - b1 * x[i])).powi(2)).sum();
        (b1, q, tr_p, tr_pp, ypp_y, w)
    };
    let tau2 = match method {
        None => 0.0,
        Some(Tau2Method::DerSimonianLaird) => {
            let (_, q, tr_p, ..) = wls(0.0);
            ((q - (k - 2.0)) / tr_p).max(0.0)
        }
        Some(Tau2Method::Hedges) => he_with_moderator(y, x, v),
        Some(Tau2Method::SidikJonkman) => {
            let mean = y.iter().sum::<f64>() / k;
            let tau0 = y.iter().map(|yi| (yi - mean).powi(2)).sum::<f64>() / k;
            let (_, q, ..) = wls(tau0);
            tau0 * q / (k - 2.0)
        }
        Some(Tau2Method::PauleMandel | Tau2Method::EmpiricalBayes) => {
            crate::tau2::solve_decreasing(|t| wls(t).1 - (k - 2.0), "PM")?
        }
        Some(m @ (Tau2Method::Reml | Tau2Method::MaximumLikelihood)) => {
            let mut tau2 = he_with_moderator(y, x, v);
            let mut converged = false;
            for _ in 0..crate::tau2::MAX_ITERATIONS {
                let (_, _, tr_p, tr_pp, ypp_y, w) = wls(tau2);
                let mut step = if m == Tau2Method::Reml {
                    (ypp_y - tr_p) / tr_pp
                } else {
                    (ypp_y - w.iter().sum::<f64>()) / w.iter().map(|w| w * w).sum::<f64>()
                };
                if tau2 == 0.0 && step <= 0.0 {
                    converged = true;
                    break;
                }
                while tau2 + step < 0.0 {
                    step /= 2.0;
                }
                tau2 += step;
                if step.abs() <= crate::tau2::TOLERANCE * (1.0 + tau2) {
                    converged = true;
                    break;
                }
            }
            if !converged {
                return Err(EngineError::NotConverged {
                    method: m.code(),
                    iterations: crate::tau2::MAX_ITERATIONS,
                    tolerance: crate::tau2::TOLERANCE,
                });
            }
            tau2
        }
        Some(other) => {
            return Err(EngineError::Unsupported(format!(
                "{} is compared with the other estimators but not used with moderators",
                other.code()
            )))
        }
    };
    Ok(wls(tau2).0)
}

/// Hedges' estimator with one moderator: OLS residuals against the trace of P V.
fn he_with_moderator(y: &[f64], x: &[f64], v: &[f64]) -> f64 {
    let k = y.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / k, y.iter().sum::<f64>() / k);
    let sxx: f64 = x.iter().map(|xi| (xi - mx).powi(2)).sum();
    let b1 = x.iter().zip(y).map(|(xi, yi)| (xi - mx) * (yi - my)).sum::<f64>() / sxx;
    let rss: f64 = x.iter().zip(y).map(|(xi, yi)| (yi - my - b1 * (xi - mx)).powi(2)).sum();
    let trace: f64 = x.iter().zip(v).map(|(xi, vi)| vi * (1.0 - 1.0 / k - (xi - mx).powi(2) / sxx)).sum();
    ((rss - trace) / (k - 2.0)).max(0.0)
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
pub fn trim_and_fill(analysis: &Analysis, estimator: TrimFillEstimator) -> Result<TrimAndFill, EngineError> {
    let (y, v, method) = effects_and_method(analysis)?;
    let k = y.len();
    if k < 3 {
        return Err(EngineError::NotEnoughStudies { needed: 3, found: k, what: "trim-and-fill" });
    }
    let se: Vec<f64> = v.iter().map(|vi| vi.sqrt()).collect();
    let side = if meta_regression_slope(&y, &se, &v, method)? < 0.0 { "right" } else { "left" };
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
