//! An estimate with its standard error, test and confidence interval: the block metafor reports
//! for every model (`beta`, `se`, `zval`, `pval`, `ci.lb`, `ci.ub`), declared once.
use crate::numerics::dist;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// On the analysis scale (log for ratio measures).
    pub estimate: f64,
    pub se: f64,
    /// z, or t where the interval is Knapp-Hartung's.
    pub statistic: f64,
    pub p_value: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
}

impl Estimate {
    /// The z test and Wald interval at `level`.
    pub fn wald(estimate: f64, se: f64, level: f64) -> Estimate {
        let (z, crit) = (estimate / se, dist::z_crit(level));
        Estimate {
            estimate,
            se,
            statistic: z,
            p_value: dist::z_two_sided_p(z),
            ci_lower: estimate - crit * se,
            ci_upper: estimate + crit * se,
        }
    }
}
