//! One row of a summary-of-findings table in the Cochrane layout: the outcome, the anticipated
//! absolute effects, the relative effect, participants and trials, and the certainty of the
//! evidence with each domain's suggestion and the user's overrides.
use super::certainty::{rate, suggest, Certainty, Evidence, Override, Rating};
use super::{AbsoluteEffect, ControlRisk, Threshold};
use crate::data::{Judgment, StudyCounts};
use crate::model::{Analysis, Measure};
use crate::sensitivity::{information_size, TsaAssumptions};
use serde::Serialize;

/// The choices a row is read at, shared by every outcome of the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choices {
    pub control_risk: ControlRisk,
    pub threshold: Option<Threshold>,
    /// The trial sequential analysis's assumptions, whose required information size is the
    /// optimal information size.
    pub information: TsaAssumptions,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub measure: Measure,
    /// The pooled effect and its 95% CI on the display scale.
    pub relative: (f64, f64, f64),
    pub absolute: Option<AbsoluteEffect>,
    pub participants: u64,
    pub trials: usize,
    pub ratings: Vec<Rating>,
    pub certainty: Certainty,
}

/// The row for `analysis`, the pool of `studies`. `risk_of_bias` holds each study's overall
/// judgment in the same order; `overrides` the user's ratings for this outcome.
pub fn finding(
    studies: &[StudyCounts],
    analysis: &Analysis,
    risk_of_bias: &[Option<Judgment>],
    choices: &Choices,
    overrides: &[Override],
) -> Finding {
    let measure = analysis.measure;
    let control_risk = choices.control_risk.of(studies);
    let participants: u64 = studies.iter().map(|s| (s.total_treatment + s.total_control) as u64).sum();
    let information = information_size(studies, analysis, choices.information).ok();
    let assumptions = information.map(|i| information_assumptions(&choices.information, i.diversity));
    let evidence = Evidence {
        risk_of_bias,
        threshold: choices.threshold.and_then(|t| t.on_measure(measure, control_risk)),
        control_risk,
        participants,
        information_size: information.map(|i| i.required).zip(assumptions.as_deref()),
    };
    let (ratings, certainty) = rate(suggest(analysis, &evidence), overrides);
    let pooled = &analysis.pooled;
    Finding {
        measure,
        relative: (pooled.estimate, pooled.ci_lower, pooled.ci_upper),
        absolute: control_risk.and_then(|r| AbsoluteEffect::of(analysis, r)),
        participants,
        trials: analysis.k,
        ratings,
        certainty,
    }
}

/// "a 20% relative risk reduction, alpha 5%, power 80%, D² 12%".
fn information_assumptions(a: &TsaAssumptions, diversity: f64) -> String {
    let percent = |share: f64| format!("{}%", (share * 1000.0).round() / 10.0);
    format!(
        "a {} relative risk reduction, alpha {}, power {}, D² {}, as the trial sequential analysis assumes",
        percent(a.relative_risk_reduction),
        percent(a.alpha),
        percent(a.power),
        percent(diversity)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpret::{Concern, Domain};
    use crate::model::{analyze, AnalysisOptions};

    #[test]
    fn a_row_reads_the_analysis_and_the_overrides() {
        let studies = [
            StudyCounts::new("a", 10, 100, 20, 100),
            StudyCounts::new("b", 12, 110, 25, 105),
            StudyCounts::new("c", 8, 90, 15, 95),
        ];
        let analysis = analyze(&studies, &AnalysisOptions::default()).unwrap();
        let choices =
            Choices { control_risk: ControlRisk::Pooled, threshold: None, information: TsaAssumptions::default() };
        let row = finding(&studies, &analysis, &[], &choices, &[]);
        assert_eq!((row.trials, row.participants), (3, 600));
        assert_eq!(row.relative.0, analysis.pooled.estimate);
        assert!((row.absolute.unwrap().control_risk - 60.0 / 300.0).abs() < 1e-12);
        let imprecision = &row.ratings[3].suggestion;
        assert_eq!(imprecision.domain, Domain::Imprecision);
        assert!(imprecision.why.contains("600 participants against an optimal information size of"));
        assert!(imprecision.why.contains("a 20% relative risk reduction, alpha 5%, power 80%"));
        let user = Override { domain: Domain::Imprecision, concern: Concern::NotSerious, reason: "wide enough".into() };
        let overridden = finding(&studies, &analysis, &[], &choices, &[user]);
        assert_eq!(overridden.ratings[3].concern(), Concern::NotSerious);
    }
}
