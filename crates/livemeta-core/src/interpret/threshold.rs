//! Thresholds of clinical importance: how likely it is that the mean effect, and a new trial's
//! true effect, lie beyond an effect the user judges important. The mean's probability reads the
//! pooled estimate's own distribution (normal, or t under Knapp-Hartung), the one its CI comes
//! from; a new trial's reads the prediction distribution, with the prediction interval's τ² and
//! degrees of freedom.
use crate::model::{Analysis, AnalysisOptions, Measure};
use crate::numerics::Reference;
use serde::Serialize;

/// A threshold of clinical importance, as the user gives it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Threshold {
    /// On the effect measure's display scale (an RR of 0.8, a risk difference of -0.05).
    Effect(f64),
    /// As a difference in risk per 1,000 patients (-50 for 50 fewer per 1,000), at a control risk.
    PerThousand(f64),
}

impl Threshold {
    /// The code the link uses: "effect:0.8" or "per1000:-50".
    pub fn code(self) -> String {
        match self {
            Threshold::Effect(v) => format!("effect:{v}"),
            Threshold::PerThousand(v) => format!("per1000:{v}"),
        }
    }

    pub fn from_code(code: &str) -> Option<Threshold> {
        let (kind, value) = code.split_once(':')?;
        let value: f64 = value.parse().ok().filter(|v: &f64| v.is_finite())?;
        match kind {
            "effect" => Some(Threshold::Effect(value)),
            "per1000" => Some(Threshold::PerThousand(value)),
            _ => None,
        }
    }

    /// The threshold on `measure`'s display scale; a difference per 1,000 is read at
    /// `control_risk`. `None` when it has no value there: a ratio not above 0, a risk outside
    /// (0, 1), or the arcsine difference.
    pub fn on_measure(self, measure: Measure, control_risk: Option<f64>) -> Option<f64> {
        let value = match self {
            Threshold::Effect(v) => v,
            Threshold::PerThousand(per_thousand) => {
                let control = control_risk.filter(|r| *r > 0.0 && *r < 1.0)?;
                let risk = control + per_thousand / 1000.0;
                if !(risk > 0.0 && risk < 1.0) {
                    return None;
                }
                match measure {
                    Measure::RR => risk / control,
                    Measure::OR | Measure::PetoOR => (risk / (1.0 - risk)) / (control / (1.0 - control)),
                    Measure::RD => risk - control,
                    Measure::AS => return None,
                }
            }
        };
        (value.is_finite() && (!measure.is_ratio() || value > 0.0)).then_some(value)
    }
}

/// The probabilities that the effect lies beyond a threshold, on the side of it away from no
/// effect (below an RR of 0.8; above an RR of 1.25).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Beyond {
    /// The threshold on the display scale.
    pub threshold: f64,
    /// Whether "beyond" means below the threshold.
    pub below: bool,
    /// That the mean effect lies beyond it.
    pub mean: f64,
    /// That a new trial's true effect does; random-effects models with a prediction interval only.
    pub new_trial: Option<f64>,
}

/// The probabilities for `analysis` (fitted under `options`) beyond `threshold`, given on its
/// display scale; `None` when the threshold is no effect itself, so that it has no side.
pub fn beyond(analysis: &Analysis, options: &AnalysisOptions, threshold: f64) -> Option<Beyond> {
    let measure = analysis.measure;
    let null = measure.null_value();
    if threshold == null || !threshold.is_finite() || (measure.is_ratio() && threshold <= 0.0) {
        return None;
    }
    let below = threshold < null;
    let at = measure.to_analysis(threshold);
    let pooled = &analysis.pooled;
    let tail = |reference: Reference, sd: f64| {
        let p = reference.cdf((at - pooled.y) / sd);
        if below {
            p
        } else {
            1.0 - p
        }
    };
    let mean = tail(pooled.df.map_or(Reference::Normal, Reference::StudentT), pooled.se);
    let new_trial = analysis
        .prediction
        .and(options.prediction.reference(analysis.k))
        .map(|reference| tail(reference, (analysis.heterogeneity.tau2 + pooled.se * pooled.se).sqrt()));
    Some(Beyond { threshold, below, mean, new_trial })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::StudyCounts;
    use crate::model::analyze;

    #[test]
    fn thresholds_read_and_convert() {
        for code in ["effect:0.8", "per1000:-50"] {
            assert_eq!(Threshold::from_code(code).unwrap().code(), code);
        }
        assert_eq!(Threshold::from_code("effect:x"), None);
        assert_eq!(Threshold::from_code("0.8"), None);
        let fifty_fewer = Threshold::PerThousand(-50.0);
        assert!((fifty_fewer.on_measure(Measure::RR, Some(0.2)).unwrap() - 0.75).abs() < 1e-12);
        assert!((fifty_fewer.on_measure(Measure::RD, Some(0.2)).unwrap() + 0.05).abs() < 1e-12);
        let or = fifty_fewer.on_measure(Measure::OR, Some(0.2)).unwrap();
        assert!((or - (0.15 / 0.85) / 0.25).abs() < 1e-12);
        assert_eq!(Threshold::PerThousand(-300.0).on_measure(Measure::RR, Some(0.2)), None);
        assert_eq!(fifty_fewer.on_measure(Measure::RR, None), None);
        assert_eq!(Threshold::Effect(-0.5).on_measure(Measure::RR, None), None);
    }

    #[test]
    fn the_two_sides_add_to_one_at_the_estimate() {
        let studies = [
            StudyCounts::new("a", 10, 100, 20, 100),
            StudyCounts::new("b", 15, 120, 25, 118),
            StudyCounts::new("c", 5, 90, 14, 95),
        ];
        let options = AnalysisOptions::default();
        let analysis = analyze(&studies, &options).unwrap();
        let at = beyond(&analysis, &options, analysis.pooled.estimate * 0.999_999).unwrap();
        assert!(at.below && (at.mean - 0.5).abs() < 1e-3);
        let at_upper = beyond(&analysis, &options, analysis.pooled.ci_upper).unwrap();
        assert!(at_upper.below && (at_upper.mean - 0.975).abs() < 1e-9);
        assert_eq!(beyond(&analysis, &options, 1.0), None);
    }
}
