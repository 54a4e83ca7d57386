//! Meta-regression with study-level moderators, as `metafor::rma(yi, vi, mods = X, intercept =
//! FALSE, method, test)` fits it: tau^2 by the same estimators as the intercept-only model
//! (generalised to k - p residual degrees of freedom), then weighted least squares with
//! weights 1 / (v + tau^2), and z tests or Knapp-Hartung t tests on k - p df.
//!
//! The moderators are few (Egger's test has two columns), so the p x p algebra is done by
//! hand and the k x k hat matrix of metafor is never formed: its traces are sums over studies.
use crate::error::EngineError;
use crate::model::{scoring_iterations, solve_decreasing, Tau2Method};
use crate::model::{CiMethod, Estimate};
use crate::numerics::dist;
use crate::numerics::Square;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetaRegression {
    pub coefficients: Vec<Estimate>,
    pub tau2: f64,
    /// Degrees of freedom of the t tests (Knapp-Hartung), None for z tests.
    pub df: Option<f64>,
    /// The test for residual heterogeneity: QE on k - p df.
    pub q_residual: f64,
    /// I² of the residual heterogeneity: tau² / (tau² + the typical within-study variance
    /// (k - p) / tr(P)), as metafor reports for models with moderators.
    pub i2_residual: f64,
    /// The coefficients' covariance matrix, p x p row-major (scaled with Knapp-Hartung).
    pub vcov: Vec<f64>,
}

/// The omnibus test that several coefficients are all zero (metafor's QM): chi² on m df, or
/// with Knapp-Hartung F on (m, k - p) df.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OmnibusTest {
    pub statistic: f64,
    pub df: f64,
    /// The denominator df of the F test; None for chi².
    pub df_residual: Option<f64>,
    pub p_value: f64,
}

impl MetaRegression {
    /// The test that the coefficients `columns` (e.g. all but the intercept) are zero.
    pub fn omnibus(&self, columns: std::ops::Range<usize>) -> Result<OmnibusTest, EngineError> {
        let p = self.coefficients.len();
        let m = columns.len();
        let sub = Square {
            p: m,
            cells: columns.clone().flat_map(|a| columns.clone().map(move |b| self.vcov[a * p + b])).collect(),
        };
        let inverse =
            sub.inverse().ok_or_else(|| EngineError::Unsupported("the moderators' covariance is singular".into()))?;
        let b: Vec<f64> = columns.map(|a| self.coefficients[a].estimate).collect();
        let quadratic: f64 = (0..m).map(|a| (0..m).map(|c| b[a] * inverse.cells[a * m + c] * b[c]).sum::<f64>()).sum();
        Ok(match self.df {
            None => OmnibusTest {
                statistic: quadratic,
                df: m as f64,
                df_residual: None,
                p_value: dist::chi2_sf(quadratic, m as f64),
            },
            Some(df) => {
                let f = quadratic / m as f64;
                OmnibusTest { statistic: f, df: m as f64, df_residual: Some(df), p_value: dist::f_sf(f, m as f64, df) }
            }
        })
    }
}

/// Weighted least squares of y on x: coefficients, (X'WX)^-1 and the weighted residual sum
/// of squares sum w e^2, with the residuals.
struct Wls {
    b: Vec<f64>,
    inverse: Square,
    rss: f64,
    residuals: Vec<f64>,
}

fn wls(y: &[f64], x: &[Vec<f64>], w: &[f64]) -> Result<Wls, EngineError> {
    let inverse = Square::cross(x, |i| w[i]).inverse().ok_or_else(|| {
        EngineError::Unsupported("the moderators are collinear (the model matrix is not of full rank)".into())
    })?;
    let p = inverse.p;
    let mut xty = vec![0.0; p];
    for ((row, yi), wi) in x.iter().zip(y).zip(w) {
        for a in 0..p {
            xty[a] += wi * row[a] * yi;
        }
    }
    let b: Vec<f64> = (0..p).map(|a| (0..p).map(|c| inverse.cells[a * p + c] * xty[c]).sum()).collect();
    let residuals: Vec<f64> =
        x.iter().zip(y).map(|(row, yi)| yi - row.iter().zip(&b).map(|(xa, ba)| xa * ba).sum::<f64>()).collect();
    let rss = residuals.iter().zip(w).map(|(e, wi)| wi * e * e).sum();
    Ok(Wls { b, inverse, rss, residuals })
}

fn weights(v: &[f64], tau2: f64) -> Vec<f64> {
    v.iter().map(|vi| 1.0 / (vi + tau2)).collect()
}

/// tau^2 for the model with moderators x, by metafor's formulas for `rma.uni(mods = X)`.
pub fn estimate_tau2_with_moderators(
    y: &[f64],
    v: &[f64],
    x: &[Vec<f64>],
    method: Tau2Method,
) -> Result<f64, EngineError> {
    let (k, p) = (y.len(), x.first().map_or(0, Vec::len));
    if k <= p {
        return Err(EngineError::NotEnoughStudies {
            needed: p + 1,
            found: k,
            what: "a meta-regression with these moderators",
        });
    }
    let residual_df = (k - p) as f64;
    // Generalised Q with moderators minus its expectation under the model, for PM and EB.
    let q_excess = |t: f64| wls(y, x, &weights(v, t)).map_or(f64::NAN, |f| f.rss - residual_df);
    let tau2 = match method {
        Tau2Method::DerSimonianLaird => (wls(y, x, &weights(v, 0.0))?.rss - residual_df) / trace_p(v, x)?,
        Tau2Method::Hedges => hedges(y, v, x)?,
        Tau2Method::SidikJonkman => {
            let mean = y.iter().sum::<f64>() / k as f64;
            let tau2_0 = y.iter().map(|yi| (yi - mean).powi(2)).sum::<f64>() / k as f64;
            tau2_0 * wls(y, x, &weights(v, tau2_0))?.rss / residual_df
        }
        // EB's scoring step is zero exactly where PM's equation holds: QE(tau^2) = k - p.
        Tau2Method::PauleMandel | Tau2Method::EmpiricalBayes => solve_decreasing(q_excess, method.code())?,
        Tau2Method::Reml => fisher_scoring(y, v, x, true)?,
        Tau2Method::MaximumLikelihood => fisher_scoring(y, v, x, false)?,
        other => {
            return Err(EngineError::Unsupported(format!(
                "{} is compared with the other estimators but not used with moderators",
                other.code()
            )))
        }
    };
    Ok(tau2.max(0.0))
}

/// tr(P) for P = W - W X (X'WX)^-1 X'W with W = diag(1/v), from p x p products.
fn trace_p(v: &[f64], x: &[Vec<f64>]) -> Result<f64, EngineError> {
    let w = weights(v, 0.0);
    let fit_inverse = Square::cross(x, |i| w[i]).inverse().ok_or_else(|| {
        EngineError::Unsupported("the moderators are collinear (the model matrix is not of full rank)".into())
    })?;
    Ok(w.iter().sum::<f64>() - fit_inverse.trace_product(&Square::cross(x, |i| w[i] * w[i])))
}

fn hedges(y: &[f64], v: &[f64], x: &[Vec<f64>]) -> Result<f64, EngineError> {
    let ones = vec![1.0; y.len()];
    let fit = wls(y, x, &ones)?;
    let tr_pv = v.iter().sum::<f64>() - fit.inverse.trace_product(&Square::cross(x, |i| v[i]));
    Ok((fit.rss - tr_pv) / (y.len() - fit.b.len()) as f64)
}

/// Fisher scoring from the Hedges estimate, with the same step control as the intercept-only fit.
fn fisher_scoring(y: &[f64], v: &[f64], x: &[Vec<f64>], restricted: bool) -> Result<f64, EngineError> {
    scoring_iterations(hedges(y, v, x)?, if restricted { "REML" } else { "ML" }, |tau2| {
        let w = weights(v, tau2);
        let fit = wls(y, x, &w)?;
        // y'PPy = sum (w e)^2; tr(P) and tr(PP) from p x p products.
        let ypy2: f64 = fit.residuals.iter().zip(&w).map(|(e, wi)| (wi * e).powi(2)).sum();
        let sw: f64 = w.iter().sum();
        let sw2: f64 = w.iter().map(|wi| wi * wi).sum();
        Ok(if restricted {
            let b2 = Square::cross(x, |i| w[i] * w[i]);
            let b3 = Square::cross(x, |i| w[i].powi(3));
            let ab2 = fit.inverse.product(&b2);
            let tr_p = sw - ab2.trace();
            let tr_pp = sw2 - 2.0 * fit.inverse.trace_product(&b3) + ab2.product(&ab2).trace();
            (ypy2 - tr_p, tr_pp)
        } else {
            (ypy2 - sw, sw2)
        })
    })
}

/// The model `rma(yi, vi, mods = x, intercept = FALSE, method, test)`: `method` None is the
/// common-effect model (tau^2 = 0).
#[doc(alias = "rma")]
pub fn meta_regression(
    y: &[f64],
    v: &[f64],
    x: &[Vec<f64>],
    method: Option<Tau2Method>,
    ci_method: CiMethod,
    level: f64,
) -> Result<MetaRegression, EngineError> {
    let (k, p) = (y.len(), x.first().map_or(0, Vec::len));
    if k <= p {
        return Err(EngineError::NotEnoughStudies {
            needed: p + 1,
            found: k,
            what: "a meta-regression with these moderators",
        });
    }
    let tau2 = match method {
        Some(m) => estimate_tau2_with_moderators(y, v, x, m)?,
        None => 0.0,
    };
    let fit = wls(y, x, &weights(v, tau2))?;
    let q_residual = wls(y, x, &weights(v, 0.0))?.rss;
    let residual_df = (k - p) as f64;
    // Knapp and Hartung scale the covariance by the weighted residual variance (metafor's
    // test = "knha"); "adhoc" keeps that factor at least 1.
    let (scale, df) = match ci_method {
        CiMethod::Wald => (1.0, None),
        CiMethod::KnappHartung => (fit.rss / residual_df, Some(residual_df)),
        CiMethod::KnappHartungAdhoc => ((fit.rss / residual_df).max(1.0), Some(residual_df)),
    };
    let crit = df.map_or_else(|| dist::z_crit(level), |df| dist::t_crit(level, df));
    let typical_variance = residual_df / trace_p(v, x)?;
    let i2_residual = 100.0 * tau2 / (typical_variance + tau2);
    let vcov = fit.inverse.cells.iter().map(|c| scale * c).collect();
    let coefficients = (0..p)
        .map(|a| {
            let (estimate, se) = (fit.b[a], (scale * fit.inverse.cells[a * p + a]).sqrt());
            let statistic = estimate / se;
            Estimate {
                estimate,
                se,
                statistic,
                p_value: df.map_or_else(|| dist::z_two_sided_p(statistic), |df| dist::t_two_sided_p(statistic, df)),
                ci_lower: estimate - crit * se,
                ci_upper: estimate + crit * se,
            }
        })
        .collect();
    Ok(MetaRegression { coefficients, tau2, df, q_residual, i2_residual, vcov })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::estimate_tau2;
    use crate::model::Coded;

    #[test]
    fn an_intercept_only_model_gives_the_intercept_only_estimators() {
        let y = [-0.9, -1.6, -1.4, -0.2, 0.1, -0.7, -1.1, 0.3];
        let v = [0.3, 0.2, 0.4, 0.05, 0.01, 0.1, 0.3, 0.02];
        let x: Vec<Vec<f64>> = y.iter().map(|_| vec![1.0]).collect();
        for &method in Tau2Method::ALL {
            let general = estimate_tau2_with_moderators(&y, &v, &x, method).unwrap();
            let plain = estimate_tau2(&y, &v, method).unwrap();
            assert!((general - plain).abs() < 1e-9, "{method:?}: {general} vs {plain}");
        }
    }

    #[test]
    fn collinear_moderators_are_named_not_fitted() {
        let x = vec![vec![1.0, 2.0], vec![1.0, 2.0], vec![1.0, 2.0]];
        let err = meta_regression(&[0.1, 0.2, 0.3], &[0.1, 0.1, 0.1], &x, None, CiMethod::Wald, 0.95).unwrap_err();
        assert!(err.to_string().contains("collinear"), "{err}");
    }
}
