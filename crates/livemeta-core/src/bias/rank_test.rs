//! Begg and Mazumdar's rank correlation test, as metafor's `ranktest`.
use crate::error::EngineError;
use crate::model::Analysis;
use crate::numerics::dist;
use serde::Serialize;

/// Begg and Mazumdar's rank correlation test (`ranktest`): Kendall's tau between the
/// standardised effects and their variances; exact p-value without ties, normal otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BeggTest {
    pub tau: f64,
    pub p_value: f64,
    pub exact: bool,
}

#[doc(alias = "ranktest")]
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
