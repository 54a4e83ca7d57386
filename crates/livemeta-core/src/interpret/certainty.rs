//! The certainty of the evidence (GRADE), suggested from the analysis. Evidence from randomised
//! trials starts high and each of five domains may rate it down one or two levels. Four
//! domains are suggested from numbers the analysis already has, each with its rule and this
//! analysis's numbers in words; indirectness is the user's judgment alone. Every suggestion is
//! a suggestion: the user may override it with a reason, and an override is shown as theirs.
//! The rules and the GRADE guidance each follows are listed in the README.
use crate::bias::egger;
use crate::data::Judgment;
use crate::model::{impl_coded, Analysis, Measure};
use crate::report::{count, effect, p_value};
use serde::Serialize;

/// I² (percent) at and above which inconsistency is suggested as serious, when Q's P value is
/// below `Q_P_BELOW`; at and above `I2_VERY_SERIOUS`, very serious.
pub const I2_SERIOUS: f64 = 50.0;
pub const I2_VERY_SERIOUS: f64 = 75.0;
pub const Q_P_BELOW: f64 = 0.10;
/// Fewer trials than this and the small-study tests are not assessable.
pub const SMALL_STUDY_MIN_TRIALS: usize = 10;
/// Egger's test P value below which publication bias is suggested.
pub const EGGER_P_BELOW: f64 = 0.10;
/// The share of the weight at and above which trials at risk of bias rate the evidence down.
pub const WEIGHT_SHARE: f64 = 0.5;
/// The relative change GRADE takes as appreciable when no threshold is set (a 25% relative
/// risk reduction or increase).
pub const APPRECIABLE_RELATIVE: f64 = 0.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Domain {
    RiskOfBias,
    Inconsistency,
    Indirectness,
    Imprecision,
    PublicationBias,
}

impl Domain {
    pub fn code(self) -> &'static str {
        match self {
            Domain::RiskOfBias => "rob",
            Domain::Inconsistency => "inconsistency",
            Domain::Indirectness => "indirectness",
            Domain::Imprecision => "imprecision",
            Domain::PublicationBias => "publication",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Domain::RiskOfBias => "Risk of bias",
            Domain::Inconsistency => "Inconsistency",
            Domain::Indirectness => "Indirectness",
            Domain::Imprecision => "Imprecision",
            Domain::PublicationBias => "Publication bias",
        }
    }
}

impl_coded!(
    Domain,
    [Domain::RiskOfBias, Domain::Inconsistency, Domain::Indirectness, Domain::Imprecision, Domain::PublicationBias],
    case_sensitive: true
);

/// How far a domain rates the evidence down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Concern {
    NotSerious,
    Serious,
    VerySerious,
}

impl Concern {
    pub fn code(self) -> &'static str {
        match self {
            Concern::NotSerious => "0",
            Concern::Serious => "1",
            Concern::VerySerious => "2",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Concern::NotSerious => "not serious",
            Concern::Serious => "serious (−1)",
            Concern::VerySerious => "very serious (−2)",
        }
    }

    pub fn levels(self) -> u8 {
        self as u8
    }
}

impl_coded!(Concern, [Concern::NotSerious, Concern::Serious, Concern::VerySerious], case_sensitive: true);

/// The certainty of the evidence, GRADE's four levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Certainty {
    High,
    Moderate,
    Low,
    VeryLow,
}

impl Certainty {
    /// Randomised trials start high; each level down moves one step, and very low is the floor.
    pub fn rated_down(levels: u8) -> Certainty {
        match levels {
            0 => Certainty::High,
            1 => Certainty::Moderate,
            2 => Certainty::Low,
            _ => Certainty::VeryLow,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Certainty::High => "High",
            Certainty::Moderate => "Moderate",
            Certainty::Low => "Low",
            Certainty::VeryLow => "Very low",
        }
    }

    /// The circles of GRADE's tables, so the level is not told by colour or words alone.
    pub fn symbols(self) -> &'static str {
        match self {
            Certainty::High => "⊕⊕⊕⊕",
            Certainty::Moderate => "⊕⊕⊕◯",
            Certainty::Low => "⊕⊕◯◯",
            Certainty::VeryLow => "⊕◯◯◯",
        }
    }
}

/// One domain's suggestion: how serious, whether the data could tell, and why in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub domain: Domain,
    pub concern: Concern,
    /// False when the data cannot tell (no risk-of-bias judgments, fewer than 10 trials for the
    /// small-study tests, indirectness): the suggestion is then "not serious" and asks the user.
    pub assessable: bool,
    /// The rule and this analysis's numbers, in a sentence or two.
    pub why: String,
}

/// The user's own rating of a domain, with their reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Override {
    pub domain: Domain,
    pub concern: Concern,
    pub reason: String,
}

/// A domain as rated: the suggestion and the user's override of it, if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    pub suggestion: Suggestion,
    pub user: Option<Override>,
}

impl Rating {
    pub fn concern(&self) -> Concern {
        self.user.as_ref().map_or(self.suggestion.concern, |o| o.concern)
    }
}

/// What the suggestions read besides the analysis.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// Each pooled trial's overall risk-of-bias judgment, in the analysis's study order.
    pub risk_of_bias: &'a [Option<Judgment>],
    /// The user's threshold of clinical importance on the display scale.
    pub threshold: Option<f64>,
    /// The control risk for the appreciable effects of a risk difference.
    pub control_risk: Option<f64>,
    /// Participants in the pooled trials, both arms.
    pub participants: u64,
    /// The optimal information size (the trial sequential analysis's required information
    /// size, with its assumptions in words), when it could be computed.
    pub information_size: Option<(f64, &'a str)>,
}

/// Every domain's suggestion, in GRADE's order.
pub fn suggest(analysis: &Analysis, evidence: &Evidence) -> Vec<Suggestion> {
    vec![
        risk_of_bias(analysis, evidence.risk_of_bias),
        inconsistency(analysis),
        Suggestion {
            domain: Domain::Indirectness,
            concern: Concern::NotSerious,
            assessable: false,
            why: "Your judgment: do the trials' patients, interventions, comparisons and outcomes answer your \
                  question? The analysis cannot tell."
                .into(),
        },
        imprecision(analysis, evidence),
        publication_bias(analysis),
    ]
}

/// The suggestions with the user's overrides, and the certainty they give.
pub fn rate(suggestions: Vec<Suggestion>, overrides: &[Override]) -> (Vec<Rating>, Certainty) {
    let ratings: Vec<Rating> = suggestions
        .into_iter()
        .map(|suggestion| {
            let user = overrides.iter().find(|o| o.domain == suggestion.domain).cloned();
            Rating { suggestion, user }
        })
        .collect();
    let levels = ratings.iter().map(|r| r.concern().levels()).sum();
    (ratings, Certainty::rated_down(levels))
}

fn suggestion(domain: Domain, concern: Concern, why: String) -> Suggestion {
    Suggestion { domain, concern, assessable: true, why }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", 100.0 * share)
}

/// Trials at high risk carrying at least half the weight: very serious; at high risk or with
/// some concerns carrying at least half: serious. Weights are the analysis's own; trials not
/// judged count as neither.
fn risk_of_bias(analysis: &Analysis, judgments: &[Option<Judgment>]) -> Suggestion {
    let domain = Domain::RiskOfBias;
    let weighted: Vec<(f64, Option<Judgment>)> = analysis
        .studies
        .iter()
        .zip(judgments.iter().copied().chain(std::iter::repeat(None)))
        .filter_map(|(s, j)| s.weight_percent.map(|w| (w / 100.0, j)))
        .collect();
    if weighted.iter().all(|(_, j)| j.is_none()) {
        return Suggestion {
            domain,
            concern: Concern::NotSerious,
            assessable: false,
            why: "No risk-of-bias judgments are recorded for these trials: add them (RoB 2) or judge it yourself."
                .into(),
        };
    }
    let share = |keep: &dyn Fn(Judgment) -> bool| -> f64 {
        weighted.iter().filter(|(_, j)| j.is_some_and(keep)).map(|(w, _)| w).sum()
    };
    let high = share(&|j| j == Judgment::High);
    let concerns = share(&|j| j == Judgment::SomeConcerns);
    let unjudged: f64 = weighted.iter().filter(|(_, j)| j.is_none()).map(|(w, _)| w).sum();
    let concern = if high >= WEIGHT_SHARE {
        Concern::VerySerious
    } else if high + concerns >= WEIGHT_SHARE {
        Concern::Serious
    } else {
        Concern::NotSerious
    };
    let unjudged_text =
        if unjudged > 0.0 { format!(", and trials not judged {}", percent(unjudged)) } else { String::new() };
    suggestion(
        domain,
        concern,
        format!(
            "Trials at high risk of bias carry {} of the weight and trials with some concerns {}{unjudged_text}. \
             Rule: half the weight or more at high risk is very serious; at high risk or with some concerns, serious.",
            percent(high),
            percent(concerns)
        ),
    )
}

/// I² of 75% or more with Q's P below 0.10: very serious; I² of 50% or more with Q's P below
/// 0.10, or a prediction interval that includes no effect while the CI does not: serious.
fn inconsistency(analysis: &Analysis) -> Suggestion {
    let domain = Domain::Inconsistency;
    let het = &analysis.heterogeneity;
    let (Some(i2), Some(q_p), true) = (het.i2, het.p_value, analysis.k >= 2) else {
        return Suggestion {
            domain,
            concern: Concern::NotSerious,
            assessable: false,
            why: "One trial: there is no inconsistency between trials to assess.".into(),
        };
    };
    let measure = analysis.measure;
    let null = measure.null_value();
    let pooled = &analysis.pooled;
    let ci_excludes = !(pooled.ci_lower <= null && null <= pooled.ci_upper);
    let pi_includes =
        analysis.prediction.filter(|_| analysis.model.is_random()).filter(|p| p.lower <= null && null <= p.upper);
    let concern = if i2 >= I2_VERY_SERIOUS && q_p < Q_P_BELOW {
        Concern::VerySerious
    } else if (i2 >= I2_SERIOUS && q_p < Q_P_BELOW) || (ci_excludes && pi_includes.is_some()) {
        Concern::Serious
    } else {
        Concern::NotSerious
    };
    let pi_text = match (ci_excludes, pi_includes) {
        (true, Some(p)) => format!(
            " The CI excludes no effect but the prediction interval ({} to {}) includes it.",
            effect(p.lower, measure),
            effect(p.upper, measure)
        ),
        _ => String::new(),
    };
    suggestion(
        domain,
        concern,
        format!(
            "I² = {i2:.0}%, Q's {}.{pi_text} Rule: I² of 75% or more with Q's P below 0.10 is very serious; I² of \
             50% or more with Q's P below 0.10, or a prediction interval that includes no effect while the CI does \
             not, serious.",
            p_value(q_p)
        ),
    )
}

/// The effects taken as appreciable on either side of no effect, on the display scale: the
/// user's threshold and its mirror (1/t for a ratio), or else GRADE's 25% relative risk
/// reduction or increase (0.75 and 1.25; for a risk difference, 25% of the control risk).
pub fn appreciable_effects(measure: Measure, threshold: Option<f64>, control_risk: Option<f64>) -> Option<(f64, f64)> {
    let null = measure.null_value();
    let pair = |t: f64| -> (f64, f64) {
        if measure.is_ratio() {
            (t.min(1.0 / t), t.max(1.0 / t))
        } else {
            (-(t - null).abs(), (t - null).abs())
        }
    };
    match (threshold, measure) {
        (Some(t), _) if t != null => Some(pair(t)),
        (_, Measure::AS) => None,
        (_, Measure::RD) => control_risk.filter(|r| *r > 0.0).map(|r| pair(APPRECIABLE_RELATIVE * r)),
        _ => Some((1.0 - APPRECIABLE_RELATIVE, 1.0 + APPRECIABLE_RELATIVE)),
    }
}

/// A CI that includes appreciable effects on both sides: very serious; one that includes no
/// effect or the user's threshold, or fewer participants than the optimal information size:
/// serious; both of those together: very serious.
fn imprecision(analysis: &Analysis, evidence: &Evidence) -> Suggestion {
    let measure = analysis.measure;
    let null = measure.null_value();
    let (lower, upper) = (analysis.pooled.ci_lower, analysis.pooled.ci_upper);
    let includes = |v: f64| lower <= v && v <= upper;
    let crosses_null = includes(null);
    let crosses_threshold = evidence.threshold.is_some_and(|t| t != null && lower < t && t < upper);
    let appreciable = appreciable_effects(measure, evidence.threshold, evidence.control_risk);
    let both_sides = appreciable.is_some_and(|(low, high)| lower <= low && upper >= high);
    let below_ois = evidence.information_size.is_some_and(|(ois, _)| (evidence.participants as f64) < ois);
    let concern = if both_sides || ((crosses_null || crosses_threshold) && below_ois) {
        Concern::VerySerious
    } else if crosses_null || crosses_threshold || below_ois {
        Concern::Serious
    } else {
        Concern::NotSerious
    };
    let ci = format!("The 95% CI ({} to {})", effect(lower, measure), effect(upper, measure));
    let mut parts = vec![format!("{ci} {} no effect", if crosses_null { "includes" } else { "excludes" })];
    if let Some(t) = evidence.threshold.filter(|t| *t != null) {
        parts.push(format!(
            "{} your threshold of {}",
            if crosses_threshold { "includes" } else { "does not include" },
            effect(t, measure)
        ));
    }
    if let Some((low, high)) = appreciable {
        parts.push(format!(
            "{} appreciable effects on both sides ({} and {})",
            if both_sides { "and spans" } else { "and does not span" },
            effect(low, measure),
            effect(high, measure)
        ));
    }
    let information = match evidence.information_size {
        Some((ois, assumptions)) => format!(
            " {} participants against an optimal information size of {} ({assumptions}).",
            count(evidence.participants as usize),
            count(ois.ceil() as usize)
        ),
        None => " The optimal information size could not be computed.".into(),
    };
    suggestion(
        Domain::Imprecision,
        concern,
        format!(
            "{}.{information} Rule: a CI that spans appreciable effects on both sides, or one that includes no \
             effect or the threshold with fewer participants than the optimal information size, is very serious; \
             either of those alone, serious.",
            parts.join(", ")
        ),
    )
}

/// With 10 trials or more, Egger's test P below 0.10: serious; with fewer, not assessable.
fn publication_bias(analysis: &Analysis) -> Suggestion {
    let domain = Domain::PublicationBias;
    if analysis.k < SMALL_STUDY_MIN_TRIALS {
        return Suggestion {
            domain,
            concern: Concern::NotSerious,
            assessable: false,
            why: format!(
                "Not assessable: {} {}, and the tests for small-study effects need at least {SMALL_STUDY_MIN_TRIALS}. \
                 Judge it yourself (unpublished trials, registries).",
                analysis.k,
                if analysis.k == 1 { "trial" } else { "trials" }
            ),
        };
    }
    match egger(analysis, 0.95) {
        Ok(test) => suggestion(
            domain,
            if test.p_value < EGGER_P_BELOW { Concern::Serious } else { Concern::NotSerious },
            format!(
                "Egger's regression test, {}. Rule: P below 0.10 with at least {SMALL_STUDY_MIN_TRIALS} trials is serious.",
                p_value(test.p_value)
            ),
        ),
        Err(_) => Suggestion {
            domain,
            concern: Concern::NotSerious,
            assessable: false,
            why: "Egger's test could not be computed for these trials.".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::StudyCounts;
    use crate::model::{analyze, AnalysisOptions, Model};

    fn analysis_of(studies: &[StudyCounts]) -> Analysis {
        analyze(
            studies,
            &AnalysisOptions { model: Model::Random(crate::model::Tau2Method::DerSimonianLaird), ..Default::default() },
        )
        .unwrap()
    }

    fn evidence(judgments: &[Option<Judgment>]) -> Evidence<'_> {
        Evidence {
            risk_of_bias: judgments,
            threshold: None,
            control_risk: None,
            participants: 0,
            information_size: None,
        }
    }

    fn two_trials() -> Analysis {
        analysis_of(&[StudyCounts::new("a", 10, 100, 20, 100), StudyCounts::new("b", 12, 100, 22, 100)])
    }

    #[test]
    fn risk_of_bias_at_half_the_weight() {
        let a = two_trials();
        let w = a.studies[0].weight_percent.unwrap() / 100.0;
        let rob = |j: [Option<Judgment>; 2]| risk_of_bias(&a, &j);
        assert!(!rob([None, None]).assessable);
        assert_eq!(rob([Some(Judgment::Low), Some(Judgment::Low)]).concern, Concern::NotSerious);
        // Each trial carries about half: the first alone is below half, with the second at or above.
        let first = if w < 0.5 {
            [Some(Judgment::High), Some(Judgment::Low)]
        } else {
            [Some(Judgment::Low), Some(Judgment::High)]
        };
        assert_eq!(rob(first).concern, Concern::NotSerious);
        let heavier = if w < 0.5 {
            [Some(Judgment::Low), Some(Judgment::High)]
        } else {
            [Some(Judgment::High), Some(Judgment::Low)]
        };
        assert_eq!(rob(heavier).concern, Concern::VerySerious);
        let concerns = if w < 0.5 {
            [Some(Judgment::Low), Some(Judgment::SomeConcerns)]
        } else {
            [Some(Judgment::SomeConcerns), Some(Judgment::Low)]
        };
        assert_eq!(rob(concerns).concern, Concern::Serious);
        assert!(rob([Some(Judgment::High), None]).why.contains("trials not judged"));
    }

    #[test]
    fn inconsistency_boundaries() {
        let mut a = two_trials();
        a.heterogeneity.p_value = Some(0.05);
        for (i2, concern) in [
            (49.9, Concern::NotSerious),
            (50.0, Concern::Serious),
            (74.9, Concern::Serious),
            (75.0, Concern::VerySerious),
        ] {
            a.heterogeneity.i2 = Some(i2);
            a.prediction = None;
            assert_eq!(inconsistency(&a).concern, concern, "I² {i2}");
        }
        a.heterogeneity.i2 = Some(80.0);
        a.heterogeneity.p_value = Some(0.10);
        assert_eq!(inconsistency(&a).concern, Concern::NotSerious, "Q's P at 0.10 is not below it");
        // A prediction interval across no effect while the CI excludes it.
        a.heterogeneity.i2 = Some(10.0);
        a.pooled.ci_lower = 0.4;
        a.pooled.ci_upper = 0.9;
        a.prediction = Some(crate::model::Interval { lower: 0.2, upper: 1.3 });
        let s = inconsistency(&a);
        assert_eq!(s.concern, Concern::Serious);
        assert!(s.why.contains("prediction interval (0.20 to 1.30) includes it"));
        a.k = 1;
        assert!(!inconsistency(&a).assessable);
    }

    #[test]
    fn imprecision_boundaries() {
        let mut a = two_trials();
        let none = evidence(&[]);
        let set = |a: &mut Analysis, lower: f64, upper: f64| {
            a.pooled.ci_lower = lower;
            a.pooled.ci_upper = upper;
        };
        set(&mut a, 0.5, 0.9);
        assert_eq!(imprecision(&a, &none).concern, Concern::NotSerious);
        set(&mut a, 0.5, 1.0);
        assert_eq!(imprecision(&a, &none).concern, Concern::Serious, "a CI reaching 1 includes no effect");
        set(&mut a, 0.75, 1.25);
        assert_eq!(imprecision(&a, &none).concern, Concern::VerySerious, "both appreciable effects, at the boundary");
        set(&mut a, 0.76, 1.25);
        assert_eq!(imprecision(&a, &none).concern, Concern::Serious);
        // The threshold, and the information size.
        set(&mut a, 0.5, 0.9);
        let with_threshold = Evidence { threshold: Some(0.8), ..none };
        assert_eq!(imprecision(&a, &with_threshold).concern, Concern::Serious);
        set(&mut a, 0.5, 0.8);
        assert_eq!(imprecision(&a, &with_threshold).concern, Concern::NotSerious, "the threshold at the CI's end");
        let small = Evidence { participants: 999, information_size: Some((1000.0, "assumed")), ..none };
        assert_eq!(imprecision(&a, &small).concern, Concern::Serious);
        assert_eq!(imprecision(&a, &Evidence { participants: 1000, ..small }).concern, Concern::NotSerious);
        set(&mut a, 0.5, 1.1);
        assert_eq!(imprecision(&a, &small).concern, Concern::VerySerious);
        assert!(imprecision(&a, &small).why.contains("999 participants against an optimal information size of 1,000"));
    }

    #[test]
    fn appreciable_effects_on_each_measure() {
        assert_eq!(appreciable_effects(Measure::RR, None, None), Some((0.75, 1.25)));
        assert_eq!(appreciable_effects(Measure::OR, Some(1.25), None), Some((0.8, 1.25)));
        assert_eq!(appreciable_effects(Measure::RD, Some(-0.05), None), Some((-0.05, 0.05)));
        let rd = appreciable_effects(Measure::RD, None, Some(0.2)).unwrap();
        assert!((rd.0 + 0.05).abs() < 1e-12 && (rd.1 - 0.05).abs() < 1e-12);
        assert_eq!(appreciable_effects(Measure::RD, None, None), None);
        assert_eq!(appreciable_effects(Measure::AS, None, None), None);
    }

    #[test]
    fn publication_bias_needs_ten_trials() {
        let studies: Vec<StudyCounts> =
            (0..9).map(|i| StudyCounts::new(format!("t{i}"), 5 + i, 100 + 10 * i, 10 + i, 100 + 10 * i)).collect();
        assert!(!publication_bias(&analysis_of(&studies)).assessable);
        let mut ten = studies.clone();
        ten.push(StudyCounts::new("t9", 3, 40, 12, 40));
        let s = publication_bias(&analysis_of(&ten));
        assert!(s.assessable && s.why.starts_with("Egger's regression test, P"));
    }

    #[test]
    fn overrides_rate_the_certainty() {
        let a = two_trials();
        let suggestions = suggest(&a, &evidence(&[]));
        let (_, suggested) = rate(suggestions.clone(), &[]);
        let concern = Concern::VerySerious;
        let user = Override { domain: Domain::Indirectness, concern, reason: "adults only".into() };
        let (ratings, overridden) = rate(suggestions, std::slice::from_ref(&user));
        assert_eq!(ratings[2].user.as_ref(), Some(&user));
        let levels = |c: Certainty| Certainty::rated_down(0) as u8 + c as u8;
        assert_eq!(levels(overridden), (levels(suggested) + 2).min(3));
        assert_eq!(Certainty::rated_down(7), Certainty::VeryLow);
    }
}
