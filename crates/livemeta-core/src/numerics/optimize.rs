//! Small numerical optimisation for the likelihood models with a few parameters (the selection
//! model, the mixed models of `glmm.rs` and `glmer.rs`): Nelder-Mead to get close, Newton steps on
//! Richardson-extrapolated central differences to finish, and the observed information.
use crate::error::EngineError;
use crate::numerics::invert;

/// Nelder-Mead minimisation from `start`, to a simplex whose values agree to 1e-12.
pub(crate) fn nelder_mead(f: impl Fn(&[f64]) -> f64, start: Vec<f64>) -> Vec<f64> {
    let n = start.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = (0..=n)
        .map(|i| {
            let mut x = start.clone();
            if i > 0 {
                x[i - 1] += if x[i - 1].abs() > 0.1 { 0.2 * x[i - 1].abs() } else { 0.2 };
            }
            let fx = f(&x);
            (x, fx)
        })
        .collect();
    for _ in 0..5000 {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        if (simplex[n].1 - simplex[0].1).abs() <= 1e-12 * (1.0 + simplex[0].1.abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n).map(|d| simplex[..n].iter().map(|p| p.0[d]).sum::<f64>() / n as f64).collect();
        let towards =
            |t: f64| -> Vec<f64> { (0..n).map(|d| centroid[d] + t * (simplex[n].0[d] - centroid[d])).collect() };
        let reflected = towards(-1.0);
        let fr = f(&reflected);
        if fr < simplex[0].1 {
            let expanded = towards(-2.0);
            let fe = f(&expanded);
            simplex[n] = if fe < fr { (expanded, fe) } else { (reflected, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (reflected, fr);
        } else {
            let contracted = if fr < simplex[n].1 { towards(-0.5) } else { towards(0.5) };
            let fc = f(&contracted);
            if fc < simplex[n].1.min(fr) {
                simplex[n] = (contracted, fc);
            } else {
                let best = simplex[0].0.clone();
                for p in simplex.iter_mut().skip(1) {
                    p.0 = (0..n).map(|d| best[d] + 0.5 * (p.0[d] - best[d])).collect();
                    p.1 = f(&p.0);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0).0
}

/// Below this standard deviation (variance 1e-8) a random effect is at its boundary: zero.
const SD_BOUNDARY: f64 = 1e-4;

/// Maximum likelihood over (beta, further fixed effects, `sds` standard deviations), the
/// standard deviations searched on the log scale by Nelder-Mead; one that reaches its boundary
/// is fixed at zero, and the rest are finished by Newton steps. Returns the estimates and the
/// standard error of beta from the observed information in the natural parameters.
pub(crate) fn maximum_likelihood(
    log_likelihood: &dyn Fn(&[f64]) -> f64,
    start: &[f64],
    sds: usize,
) -> Result<(Vec<f64>, f64), EngineError> {
    let fixed = start.len() - sds;
    let natural =
        |x: &[f64]| -> Vec<f64> { x.iter().enumerate().map(|(i, v)| if i < fixed { *v } else { v.exp() }).collect() };
    let searched: Vec<f64> = start.iter().enumerate().map(|(i, v)| if i < fixed { *v } else { v.ln() }).collect();
    let found = natural(&nelder_mead(
        |x| {
            let ll = log_likelihood(&natural(x));
            if ll.is_finite() {
                -ll
            } else {
                f64::INFINITY
            }
        },
        searched,
    ));
    let free: Vec<usize> = (0..found.len()).filter(|&i| i < fixed || found[i] > SD_BOUNDARY).collect();
    let embed = |q: &[f64]| -> Vec<f64> {
        let mut p = vec![0.0; found.len()];
        for (i, v) in free.iter().zip(q) {
            p[*i] = *v;
        }
        p
    };
    let objective = |q: &[f64]| -log_likelihood(&embed(q));
    let q = newton_polish(objective, free.iter().map(|i| found[*i]).collect());
    let covariance = invert(&hessian(objective, &q))
        .ok_or_else(|| EngineError::Unsupported("the model's information matrix is singular".into()))?;
    let se = covariance[0].sqrt();
    if !se.is_finite() || !q.iter().all(|v| v.is_finite()) {
        return Err(EngineError::Unsupported("the model could not be fitted".into()));
    }
    // A standard deviation and its negative give the same likelihood.
    Ok((embed(&q).into_iter().enumerate().map(|(i, v)| if i < fixed { v } else { v.abs() }).collect(), se))
}

/// Newton steps on the numerical gradient and Hessian, halving a step that does not descend,
/// until a step moves no coordinate by more than 1e-10.
pub(crate) fn newton_polish(f: impl Fn(&[f64]) -> f64, mut x: Vec<f64>) -> Vec<f64> {
    for _ in 0..50 {
        let g = gradient(&f, &x);
        // The direction needs no extrapolated curvature: the gradient fixes where the steps end.
        let Some(inverse) = invert(&hessian_by(&f, &x, |d, h| d(h))) else { break };
        let n = x.len();
        let step: Vec<f64> = (0..n).map(|i| -(0..n).map(|j| inverse[i * n + j] * g[j]).sum::<f64>()).collect();
        let f0 = f(&x);
        let mut t = 1.0;
        let mut moved = false;
        while t > 1e-6 {
            let candidate: Vec<f64> = x.iter().zip(&step).map(|(xi, si)| xi + t * si).collect();
            if f(&candidate) <= f0 {
                // Steps below 1e-10 are the gradient's rounding, not progress.
                moved = step.iter().any(|s| (t * s).abs() > 1e-10 * (1.0 + x[0].abs()));
                x = candidate;
                break;
            }
            t *= 0.5;
        }
        if !moved {
            break;
        }
    }
    x
}

/// Central differences at steps h, h/2 and h/4 combined by Richardson extrapolation (error
/// O(h⁶)): the likelihood can be flat, and the standard errors are held to 1e-6.
fn richardson(d: &dyn Fn(f64) -> f64, h: f64) -> f64 {
    let (d1, d2, d4) = (d(h), d(h / 2.0), d(h / 4.0));
    (64.0 * d4 - 20.0 * d2 + d1) / 45.0
}

fn step_for(x: f64) -> f64 {
    1e-3 * x.abs().max(0.1)
}

fn shifted(x: &[f64], moves: &[(usize, f64)]) -> Vec<f64> {
    let mut y = x.to_vec();
    for (i, d) in moves {
        y[*i] += d;
    }
    y
}

fn gradient(f: &impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    (0..x.len())
        .map(|i| richardson(&|h| (f(&shifted(x, &[(i, h)])) - f(&shifted(x, &[(i, -h)]))) / (2.0 * h), step_for(x[i])))
        .collect()
}

pub(crate) fn hessian(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<Vec<f64>> {
    hessian_by(&f, x, richardson)
}

/// Second differences, each estimated from its step function by `estimate`.
fn hessian_by(f: &impl Fn(&[f64]) -> f64, x: &[f64], estimate: fn(&dyn Fn(f64) -> f64, f64) -> f64) -> Vec<Vec<f64>> {
    let n = x.len();
    let f0 = f(x);
    let mut h = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let second = |s: f64| {
                if i == j {
                    (f(&shifted(x, &[(i, s)])) - 2.0 * f0 + f(&shifted(x, &[(i, -s)]))) / (s * s)
                } else {
                    let (si, sj) = (s, s * step_for(x[j]) / step_for(x[i]));
                    (f(&shifted(x, &[(i, si), (j, sj)]))
                        - f(&shifted(x, &[(i, si), (j, -sj)]))
                        - f(&shifted(x, &[(i, -si), (j, sj)]))
                        + f(&shifted(x, &[(i, -si), (j, -sj)])))
                        / (4.0 * si * sj)
                }
            };
            h[i][j] = estimate(&second, step_for(x[i]));
            h[j][i] = h[i][j];
        }
    }
    h
}
