//! Per-study effect sizes, following metafor's `escalc` for 2x2 tables.
use super::coded::impl_coded;
use crate::data::{StudyCounts, Table};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    /// Risk ratio, analysed as log RR.
    RR,
    /// Odds ratio, analysed as log OR.
    OR,
    /// Risk difference.
    RD,
    /// Peto's one-step odds ratio, analysed as log OR.
    PetoOR,
    /// Arcsine (square root) difference, asin(√p₁) − asin(√p₂) (Rücker et al. 2009): its
    /// variance does not depend on the risks, so zero cells need no correction.
    AS,
}

impl Measure {
    /// Ratio measures are analysed on the log scale and shown exponentiated.
    pub fn is_ratio(self) -> bool {
        !matches!(self, Measure::RD | Measure::AS)
    }
    /// No difference between the arms: 1 for ratios, 0 for the risk difference.
    pub fn null_value(self) -> f64 {
        if self.is_ratio() {
            1.0
        } else {
            0.0
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Measure::RR => "RR",
            Measure::OR => "OR",
            Measure::RD => "RD",
            Measure::PetoOR => "Peto OR",
            Measure::AS => "Arcsine difference",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Measure::RR => "RR",
            Measure::OR => "OR",
            Measure::RD => "RD",
            Measure::PetoOR => "PETO",
            Measure::AS => "AS",
        }
    }
    /// The value on the display scale (ratio measures are exponentiated).
    pub fn to_display(self, y: f64) -> f64 {
        if self.is_ratio() {
            y.exp()
        } else {
            y
        }
    }
    /// The inverse of `to_display`: a ratio's log.
    pub fn to_analysis(self, shown: f64) -> f64 {
        if self.is_ratio() {
            shown.ln()
        } else {
            shown
        }
    }
}

/// When to add the continuity correction: metafor's `to` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CorrectionScope {
    /// To every cell of tables that have a zero cell (metafor's default).
    OnlyZero,
    /// To every table.
    All,
    /// To every table, but only if at least one table has a zero cell.
    IfAnyZero,
    /// Never.
    None,
}

impl CorrectionScope {
    /// metafor's name for the option (`to = ...`).
    pub fn code(self) -> &'static str {
        match self {
            CorrectionScope::OnlyZero => "only0",
            CorrectionScope::All => "all",
            CorrectionScope::IfAnyZero => "if0all",
            CorrectionScope::None => "none",
        }
    }
}

impl_coded!(Measure, [Measure::RR, Measure::OR, Measure::RD, Measure::PetoOR, Measure::AS], case_sensitive: false);
impl_coded!(
    CorrectionScope,
    [CorrectionScope::OnlyZero, CorrectionScope::All, CorrectionScope::IfAnyZero, CorrectionScope::None],
    case_sensitive: false
);

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ZeroCellPolicy {
    pub add: f64,
    pub scope: CorrectionScope,
    /// Leave out studies with no events (or only events) in both arms.
    pub drop_double_zero: bool,
}

impl Default for ZeroCellPolicy {
    /// `escalc(add = 1/2, to = "only0", drop00 = FALSE)`.
    fn default() -> Self {
        ZeroCellPolicy { add: 0.5, scope: CorrectionScope::OnlyZero, drop_double_zero: false }
    }
}

/// Why a study has no estimate. It stays in the results, marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotEstimable {
    /// Dropped by the double-zero rule.
    DoubleZero,
    /// A zero cell with no correction makes the estimate or its variance infinite.
    ZeroCell,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EffectSize {
    pub yi: f64,
    pub vi: f64,
}

impl EffectSize {
    /// (estimate, lower, upper) on the display scale, with a normal interval of width `z`.
    pub fn display_interval(&self, measure: Measure, z: f64) -> (f64, f64, f64) {
        let half = z * self.vi.sqrt();
        (measure.to_display(self.yi), measure.to_display(self.yi - half), measure.to_display(self.yi + half))
    }
}

/// Each study's table as the per-study estimate sees it, continuity correction added;
/// `None` for a study the double-zero rule leaves out.
pub fn corrected_tables(studies: &[StudyCounts], policy: &ZeroCellPolicy) -> Vec<Option<Table>> {
    let dropped = |s: &StudyCounts| policy.drop_double_zero && s.is_double_zero();
    let any_zero = studies.iter().any(|s| !dropped(s) && s.has_zero_cell());
    studies
        .iter()
        .map(|s| {
            let add = match policy.scope {
                CorrectionScope::All => policy.add,
                CorrectionScope::OnlyZero if s.has_zero_cell() => policy.add,
                CorrectionScope::IfAnyZero if any_zero => policy.add,
                _ => 0.0,
            };
            (!dropped(s)).then(|| s.cells().plus(add))
        })
        .collect()
}

/// Computes y_i and v_i for every study; `Err` marks a study that cannot be estimated.
/// The arcsine difference takes no continuity correction (its variance needs none, and
/// metafor's `escalc("AS")` adds nothing unless `add` is given); the double-zero rule holds.
#[doc(alias = "escalc")]
pub fn effect_sizes(
    studies: &[StudyCounts],
    measure: Measure,
    policy: &ZeroCellPolicy,
) -> Vec<Result<EffectSize, NotEstimable>> {
    let policy = if measure == Measure::AS { ZeroCellPolicy { add: 0.0, ..*policy } } else { *policy };
    corrected_tables(studies, &policy)
        .into_iter()
        .map(|table| {
            let es = table_effect(&table.ok_or(NotEstimable::DoubleZero)?, measure);
            if es.yi.is_finite() && es.vi.is_finite() && es.vi > 0.0 {
                Ok(es)
            } else {
                Err(NotEstimable::ZeroCell)
            }
        })
        .collect()
}

pub fn table_effect(t: &Table, measure: Measure) -> EffectSize {
    let (n1, n2) = (t.n1(), t.n2());
    match measure {
        Measure::RR => {
            EffectSize { yi: (t.a / n1).ln() - (t.c / n2).ln(), vi: 1.0 / t.a - 1.0 / n1 + 1.0 / t.c - 1.0 / n2 }
        }
        Measure::OR => {
            EffectSize { yi: (t.a * t.d / (t.b * t.c)).ln(), vi: 1.0 / t.a + 1.0 / t.b + 1.0 / t.c + 1.0 / t.d }
        }
        Measure::RD => {
            let (p1, p2) = (t.a / n1, t.c / n2);
            EffectSize { yi: p1 - p2, vi: p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2 }
        }
        Measure::PetoOR => {
            let (o_minus_e, v) = peto_terms(t);
            EffectSize { yi: o_minus_e / v, vi: 1.0 / v }
        }
        Measure::AS => EffectSize {
            yi: (t.a / n1).sqrt().asin() - (t.c / n2).sqrt().asin(),
            vi: 1.0 / (4.0 * n1) + 1.0 / (4.0 * n2),
        },
    }
}

/// Observed minus expected treatment events, and the hypergeometric variance.
pub fn peto_terms(t: &Table) -> (f64, f64) {
    let (n1, n2, n) = (t.n1(), t.n2(), t.n());
    let events = t.a + t.c;
    let non_events = t.b + t.d;
    let expected = n1 * events / n;
    let variance = n1 * n2 * events * non_events / (n * n * (n - 1.0));
    (t.a - expected, variance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn log_risk_ratio_and_its_variance_from_the_cells() {
        // 10/100 against 20/100: RR 0.5, var 1/10 - 1/100 + 1/20 - 1/100.
        let e = table_effect(&Table { a: 10.0, b: 90.0, c: 20.0, d: 80.0 }, Measure::RR);
        assert!(close(e.yi, 0.5f64.ln()) && close(e.vi, 0.13));
    }

    #[test]
    fn only_a_table_with_a_zero_cell_is_corrected_by_default() {
        let studies = [StudyCounts::new("zero", 0, 10, 2, 10), StudyCounts::new("full", 1, 10, 2, 10)];
        let tables = corrected_tables(&studies, &ZeroCellPolicy::default());
        let (zero, full) = (tables[0].unwrap(), tables[1].unwrap());
        assert_eq!((zero.a, zero.b, zero.c, zero.d), (0.5, 10.5, 2.5, 8.5));
        assert_eq!((full.a, full.b, full.c, full.d), (1.0, 9.0, 2.0, 8.0));
    }

    #[test]
    fn a_double_zero_study_is_dropped_only_when_the_rule_says_so() {
        let studies = [StudyCounts::new("none", 0, 10, 0, 10)];
        let keep = ZeroCellPolicy::default();
        let drop = ZeroCellPolicy { drop_double_zero: true, ..keep };
        assert!(corrected_tables(&studies, &keep)[0].is_some());
        assert!(corrected_tables(&studies, &drop)[0].is_none());
    }
}
