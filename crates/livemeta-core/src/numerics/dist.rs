//! Thin wrappers over statrs so the rest of the engine reads like the formulas. statrs
//! panics on NaN arguments, so every wrapper answers NaN (or the limit) itself first.
use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor, Normal, StudentsT};
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    /// Quantiles depend only on (distribution, p, df) and statrs inverts them iteratively,
    /// which costs more than a whole k = 8 fit; an analysis asks for the same few each time.
    static QUANTILES: RefCell<HashMap<(u8, u64, u64), f64>> = RefCell::new(HashMap::new());
}

fn cached(kind: u8, p: f64, df: f64, compute: impl FnOnce() -> f64) -> f64 {
    let key = (kind, p.to_bits(), df.to_bits());
    if let Some(q) = QUANTILES.with(|c| c.borrow().get(&key).copied()) {
        return q;
    }
    let q = compute();
    QUANTILES.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() > 4096 {
            cache.clear();
        }
        cache.insert(key, q);
    });
    q
}

pub(crate) fn standard_normal() -> Normal {
    Normal::new(0.0, 1.0).expect("valid normal")
}

fn students_t(df: f64) -> Option<StudentsT> {
    (df > 0.0 && df.is_finite()).then(|| StudentsT::new(0.0, 1.0, df).expect("df > 0"))
}

/// Two-sided critical value, e.g. 1.959964 for level 0.95.
pub fn z_crit(level: f64) -> f64 {
    cached(0, level, 0.0, || standard_normal().inverse_cdf(1.0 - (1.0 - level) / 2.0))
}

pub fn t_crit(level: f64, df: f64) -> f64 {
    cached(1, level, df, || students_t(df).map_or(f64::NAN, |t| t.inverse_cdf(1.0 - (1.0 - level) / 2.0)))
}

/// The distribution a statistic is referred to: the standard normal, or t with its df.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reference {
    Normal,
    StudentT(f64),
}

impl Reference {
    /// Two-sided critical value at `level`.
    pub fn critical(self, level: f64) -> f64 {
        match self {
            Reference::Normal => z_crit(level),
            Reference::StudentT(df) => t_crit(level, df),
        }
    }

    /// Probability of a value at most `x`.
    pub fn cdf(self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        match self {
            Reference::Normal => standard_normal().cdf(x),
            Reference::StudentT(df) => students_t(df).map_or(f64::NAN, |t| t.cdf(x)),
        }
    }
}

pub fn z_two_sided_p(z: f64) -> f64 {
    match z {
        z if z.is_nan() => f64::NAN,
        z if z.is_infinite() => 0.0,
        z => 2.0 * standard_normal().sf(z.abs()),
    }
}

pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    match (t, students_t(df)) {
        (t, Some(_)) if t.is_infinite() => 0.0,
        (t, Some(dist)) if t.is_finite() => 2.0 * dist.sf(t.abs()),
        _ => f64::NAN,
    }
}

/// Upper-tail probability of a chi-squared statistic; NaN when df = 0.
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if !(df > 0.0) || x.is_nan() {
        return f64::NAN;
    }
    ChiSquared::new(df).expect("df > 0").sf(x.max(0.0))
}

/// Upper-tail probability of an F statistic on (df1, df2); NaN when a df is not positive.
pub fn f_sf(x: f64, df1: f64, df2: f64) -> f64 {
    if !(df1 > 0.0 && df2 > 0.0) || x.is_nan() {
        return f64::NAN;
    }
    FisherSnedecor::new(df1, df2).expect("df > 0").sf(x.max(0.0))
}

pub fn chi2_quantile(p: f64, df: f64) -> f64 {
    if !(df > 0.0) || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    cached(2, p, df, || ChiSquared::new(df).expect("df > 0").inverse_cdf(p))
}
