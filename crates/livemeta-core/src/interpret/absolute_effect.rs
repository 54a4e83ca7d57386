//! Absolute effects, as the Cochrane Handbook's chapter on summary-of-findings tables computes
//! them from a relative effect and an assumed control risk (ACR): RR: ACR × RR; OR (and Peto's
//! OR): ACR × OR / (1 − ACR + ACR × OR); RD: ACR + RD. Risks are kept within 0 and 1. The number
//! needed to treat and its interval follow Altman (BMJ 1998;317:1309), with an event counted as
//! the harm the intervention should prevent.
use crate::data::StudyCounts;
use crate::model::{Analysis, Measure};
use serde::Serialize;

/// The control risk the absolute effect is computed at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum ControlRisk {
    /// Control-arm events over control-arm participants, over the pooled trials.
    Pooled,
    /// The median of the pooled trials' control-arm risks.
    Median,
    /// A risk the user gives, for a population at lower or higher risk than the trials'.
    Assumed(f64),
}

impl ControlRisk {
    /// The code the link and the CLI use: "pooled", "median", or the risk as a number.
    pub fn code(self) -> String {
        match self {
            ControlRisk::Pooled => "pooled".into(),
            ControlRisk::Median => "median".into(),
            ControlRisk::Assumed(risk) => risk.to_string(),
        }
    }

    /// Reads a code back; an assumed risk must lie strictly between 0 and 1.
    pub fn from_code(code: &str) -> Option<ControlRisk> {
        match code {
            "pooled" => Some(ControlRisk::Pooled),
            "median" => Some(ControlRisk::Median),
            number => number.parse::<f64>().ok().filter(|r| *r > 0.0 && *r < 1.0).map(ControlRisk::Assumed),
        }
    }

    /// The risk itself, over `studies` (the pooled trials); `None` when no trial has a control arm.
    pub fn of(self, studies: &[StudyCounts]) -> Option<f64> {
        let with_control: Vec<&StudyCounts> = studies.iter().filter(|s| s.total_control > 0).collect();
        match self {
            ControlRisk::Assumed(risk) => Some(risk),
            _ if with_control.is_empty() => None,
            ControlRisk::Pooled => {
                let events: i64 = with_control.iter().map(|s| s.events_control).sum();
                let total: i64 = with_control.iter().map(|s| s.total_control).sum();
                Some(events as f64 / total as f64)
            }
            ControlRisk::Median => {
                let mut risks: Vec<f64> = with_control.iter().map(|s| control_risk(s)).collect();
                risks.sort_by(f64::total_cmp);
                let mid = risks.len() / 2;
                Some(if risks.len() % 2 == 1 { risks[mid] } else { (risks[mid - 1] + risks[mid]) / 2.0 })
            }
        }
    }

    /// Where the risk comes from, as a sentence says it.
    pub fn label(self) -> &'static str {
        match self {
            ControlRisk::Pooled => "the pooled control-arm risk",
            ControlRisk::Median => "the median control-arm risk across trials",
            ControlRisk::Assumed(_) => "an assumed control risk",
        }
    }
}

fn control_risk(study: &StudyCounts) -> f64 {
    study.events_control as f64 / study.total_control as f64
}

/// The lowest and highest control-arm risk among `studies`, for the warning that one assumed
/// risk may not fit every trial's population.
pub fn control_risk_range(studies: &[StudyCounts]) -> Option<(f64, f64)> {
    studies.iter().filter(|s| s.total_control > 0).map(control_risk).fold(None, |range, r| match range {
        None => Some((r, r)),
        Some((lo, hi)) => Some((f64::min(lo, r), f64::max(hi, r))),
    })
}

/// The anticipated risks with control and with the intervention, with the intervention's 95% CI
/// carried from the pooled effect's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AbsoluteEffect {
    pub control_risk: f64,
    pub risk: f64,
    pub risk_lower: f64,
    pub risk_upper: f64,
}

impl AbsoluteEffect {
    /// The absolute effect of `analysis`'s pooled estimate at `control_risk`; `None` for the
    /// arcsine difference, which has no risk scale, or a control risk outside (0, 1).
    pub fn of(analysis: &Analysis, control_risk: f64) -> Option<AbsoluteEffect> {
        let pooled = &analysis.pooled;
        Self::at(analysis.measure, control_risk, pooled.estimate, pooled.ci_lower, pooled.ci_upper)
    }

    /// The same from a relative effect and its CI on the display scale.
    pub fn at(measure: Measure, control_risk: f64, estimate: f64, lower: f64, upper: f64) -> Option<AbsoluteEffect> {
        if !(control_risk > 0.0 && control_risk < 1.0) {
            return None;
        }
        let risk_with = |effect: f64| -> Option<f64> {
            let risk = match measure {
                Measure::RR => control_risk * effect,
                Measure::OR | Measure::PetoOR => control_risk * effect / (1.0 - control_risk + control_risk * effect),
                Measure::RD => control_risk + effect,
                Measure::AS => return None,
            };
            Some(risk.clamp(0.0, 1.0))
        };
        Some(AbsoluteEffect {
            control_risk,
            risk: risk_with(estimate)?,
            risk_lower: risk_with(lower)?,
            risk_upper: risk_with(upper)?,
        })
    }

    /// The difference in risk, intervention minus control, with its CI: (estimate, lower, upper).
    pub fn difference(&self) -> (f64, f64, f64) {
        (self.risk - self.control_risk, self.risk_lower - self.control_risk, self.risk_upper - self.control_risk)
    }

    pub fn number_needed(&self) -> NumberNeeded {
        let (d, lower, upper) = self.difference();
        let nnt = 1.0 / d.abs();
        if d == 0.0 || d.is_nan() {
            NumberNeeded::NoDifference
        } else if upper < 0.0 {
            NumberNeeded::Benefit { nnt, lower: 1.0 / lower.abs(), upper: 1.0 / upper.abs() }
        } else if lower > 0.0 {
            NumberNeeded::Harm { nnt, lower: 1.0 / upper, upper: 1.0 / lower }
        } else {
            NumberNeeded::Crosses { nnt, favours_benefit: d < 0.0, benefit: 1.0 / lower.abs(), harm: 1.0 / upper }
        }
    }
}

/// The number needed to treat for one patient fewer (benefit) or more (harm) with the event,
/// unrounded; a bound on no difference is infinite.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NumberNeeded {
    /// Fewer events with the intervention, and the CI agrees: NNTB `nnt` (`lower` to `upper`).
    Benefit { nnt: f64, lower: f64, upper: f64 },
    /// More events with the intervention, and the CI agrees: NNTH `nnt` (`lower` to `upper`).
    Harm { nnt: f64, lower: f64, upper: f64 },
    /// The CI includes no difference: NNTB `benefit` to infinity to NNTH `harm` (Altman 1998);
    /// `nnt` is a benefit when `favours_benefit`.
    Crosses { nnt: f64, favours_benefit: bool, benefit: f64, harm: f64 },
    /// The estimate is exactly no difference.
    NoDifference,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn the_handbook_formulas() {
        let rr = AbsoluteEffect::at(Measure::RR, 0.2, 0.5, 0.25, 1.0).unwrap();
        assert!(close(rr.risk, 0.1) && close(rr.risk_lower, 0.05) && close(rr.risk_upper, 0.2));
        // OR 0.5 at 20%: 0.2 × 0.5 / (0.8 + 0.1) = 1/9.
        let or = AbsoluteEffect::at(Measure::OR, 0.2, 0.5, 0.5, 0.5).unwrap();
        assert!(close(or.risk, 1.0 / 9.0));
        let rd = AbsoluteEffect::at(Measure::RD, 0.2, -0.05, -0.3, 0.01).unwrap();
        assert!(close(rd.risk, 0.15) && rd.risk_lower == 0.0 && close(rd.risk_upper, 0.21));
        assert_eq!(AbsoluteEffect::at(Measure::AS, 0.2, 0.1, 0.0, 0.2), None);
        assert_eq!(AbsoluteEffect::at(Measure::RR, 0.0, 0.5, 0.25, 1.0), None);
        assert_eq!(AbsoluteEffect::at(Measure::RR, 0.5, 3.0, 2.5, 4.0).unwrap().risk, 1.0);
    }

    #[test]
    fn altman_s_number_needed() {
        let benefit = AbsoluteEffect::at(Measure::RR, 0.2, 0.5, 0.25, 0.75).unwrap().number_needed();
        assert!(matches!(benefit, NumberNeeded::Benefit { nnt, lower, upper }
            if close(nnt, 10.0) && close(lower, 1.0 / 0.15) && close(upper, 20.0)));
        let harm = AbsoluteEffect::at(Measure::RD, 0.2, 0.1, 0.05, 0.2).unwrap().number_needed();
        assert!(
            matches!(harm, NumberNeeded::Harm { nnt, lower, upper } if close(nnt, 10.0) && close(lower, 5.0) && close(upper, 20.0))
        );
        let crosses = AbsoluteEffect::at(Measure::RD, 0.2, -0.1, -0.15, 0.05).unwrap().number_needed();
        assert!(matches!(crosses, NumberNeeded::Crosses { nnt, favours_benefit: true, benefit, harm }
            if close(nnt, 10.0) && close(benefit, 1.0 / 0.15) && close(harm, 20.0)));
        let on_the_line = AbsoluteEffect::at(Measure::RR, 0.2, 0.5, 0.25, 1.0).unwrap().number_needed();
        assert!(matches!(on_the_line, NumberNeeded::Crosses { harm, .. } if harm.is_infinite()));
        assert_eq!(
            AbsoluteEffect::at(Measure::RR, 0.2, 1.0, 0.5, 2.0).unwrap().number_needed(),
            NumberNeeded::NoDifference
        );
    }

    #[test]
    fn control_risks_from_the_trials() {
        let studies = [
            StudyCounts::new("a", 1, 10, 2, 10),
            StudyCounts::new("b", 1, 10, 1, 20),
            StudyCounts::new("c", 1, 10, 6, 20),
            StudyCounts::new("d", 1, 10, 0, 0),
        ];
        assert!(close(ControlRisk::Pooled.of(&studies).unwrap(), 9.0 / 50.0));
        assert!(close(ControlRisk::Median.of(&studies).unwrap(), 0.2));
        assert!(close(ControlRisk::Median.of(&studies[..2]).unwrap(), 0.125));
        assert_eq!(ControlRisk::Pooled.of(&studies[3..]), None);
        assert_eq!(control_risk_range(&studies), Some((0.05, 0.3)));
        for code in ["pooled", "median", "0.15"] {
            assert_eq!(ControlRisk::from_code(code).unwrap().code(), code);
        }
        assert_eq!(ControlRisk::from_code("1.5"), None);
        assert_eq!(ControlRisk::from_code("0"), None);
    }
}
