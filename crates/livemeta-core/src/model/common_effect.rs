//! Common-effect (fixed-effect) pooling on the raw counts: Mantel-Haenszel and Peto,
//! as `metafor::rma.mh` and `rma.peto` do them by default (no continuity correction
//! inside the pooled estimate).
use crate::data::Table;
use crate::model::{peto_terms, Measure};

/// A pooled estimate on the analysis scale (log for ratios) with its standard error,
/// and each table's share of the weight.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledCounts {
    pub estimate: f64,
    pub se: f64,
    pub weights: Vec<f64>,
    /// The two sums the estimate is the ratio of (Mantel-Haenszel's R and S, or for the risk
    /// difference its numerator and denominator; Peto's Σ(O − E) and ΣV).
    pub sums: (f64, f64),
}

/// `measure` is RR, OR or RD (`Model::pools` keeps the others away).
#[doc(alias = "rma.mh")]
pub fn mantel_haenszel(tables: &[Table], measure: Measure) -> PooledCounts {
    let (mut r, mut s) = (0.0, 0.0);
    let mut weights = Vec::with_capacity(tables.len());
    match measure {
        Measure::OR | Measure::PetoOR => {
            // Robins-Breslow-Greenland variance.
            let (mut pr, mut ps_qr, mut qs) = (0.0, 0.0, 0.0);
            for t in tables {
                let n = t.n();
                let (ri, si) = (t.a * t.d / n, t.b * t.c / n);
                let (pi, qi) = ((t.a + t.d) / n, (t.b + t.c) / n);
                r += ri;
                s += si;
                pr += pi * ri;
                ps_qr += pi * si + qi * ri;
                qs += qi * si;
                weights.push(si);
            }
            let var = pr / (2.0 * r * r) + ps_qr / (2.0 * r * s) + qs / (2.0 * s * s);
            PooledCounts { estimate: (r / s).ln(), se: var.sqrt(), weights, sums: (r, s) }
        }
        Measure::RR => {
            // Greenland-Robins variance.
            let mut p = 0.0;
            for t in tables {
                let (n1, n2, n) = (t.n1(), t.n2(), t.n());
                r += t.a * n2 / n;
                s += t.c * n1 / n;
                p += (n1 * n2 * (t.a + t.c) - t.a * t.c * n) / (n * n);
                weights.push(t.c * n1 / n);
            }
            PooledCounts { estimate: (r / s).ln(), se: (p / (r * s)).sqrt(), weights, sums: (r, s) }
        }
        Measure::AS => unreachable!("Mantel-Haenszel does not pool the arcsine difference"),
        Measure::RD => {
            // Sato, Greenland and Robins (1989) variance.
            let (mut num, mut den, mut p, mut q) = (0.0, 0.0, 0.0, 0.0);
            for t in tables {
                let (n1, n2, n) = (t.n1(), t.n2(), t.n());
                num += (t.a * n2 - t.c * n1) / n;
                den += n1 * n2 / n;
                p += (n1 * n1 * t.c - n2 * n2 * t.a + n1 * n2 * (n2 - n1) / 2.0) / (n * n);
                q += (t.a * (n2 - t.c) + t.c * (n1 - t.a)) / (2.0 * n);
                weights.push(n1 * n2 / n);
            }
            let rd = num / den;
            PooledCounts { estimate: rd, se: ((rd * p + q) / (den * den)).sqrt(), weights, sums: (num, den) }
        }
    }
}

/// Peto's one-step estimate: sum(O - E) / sum(V), with its heterogeneity statistic.
#[doc(alias = "rma.peto")]
pub fn peto(tables: &[Table]) -> (PooledCounts, f64) {
    let (mut s_oe, mut s_v, mut s_oe2_v) = (0.0, 0.0, 0.0);
    let mut weights = Vec::with_capacity(tables.len());
    for t in tables {
        let (oe, v) = peto_terms(t);
        if v > 0.0 {
            s_oe += oe;
            s_v += v;
            s_oe2_v += oe * oe / v;
        }
        weights.push(v);
    }
    let q = s_oe2_v - s_oe * s_oe / s_v;
    (PooledCounts { estimate: s_oe / s_v, se: (1.0 / s_v).sqrt(), weights, sums: (s_oe, s_v) }, q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_tables_pool_to_their_own_ratio_with_equal_weights() {
        let t = Table { a: 10.0, b: 90.0, c: 20.0, d: 80.0 };
        for (measure, own) in [(Measure::RR, 0.5f64.ln()), (Measure::OR, (10.0f64 * 80.0 / (90.0 * 20.0)).ln())] {
            let pooled = mantel_haenszel(&[t, t], measure);
            assert!((pooled.estimate - own).abs() < 1e-12, "{measure:?}");
            assert!((pooled.weights[0] - pooled.weights[1]).abs() < 1e-12);
        }
    }

    #[test]
    fn peto_is_null_for_a_table_with_equal_arms() {
        let (pooled, _) = peto(&[Table { a: 5.0, b: 45.0, c: 5.0, d: 45.0 }]);
        assert!(pooled.estimate.abs() < 1e-12);
    }
}
