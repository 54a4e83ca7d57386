//! The convention lens: each preset is one tool's defaults for 2x2 data, written as engine
//! options, and `compare` walks from one convention to another a rule at a time, so the page can
//! say how much each rule moves the pooled result. The sources for each preset are in the README
//! ("Convention presets"); where a source is silent the preset's `caveat` says what was chosen.
use super::coded::impl_coded;
use crate::error::EngineError;
use crate::model::Coded;
use crate::model::Tau2Method;
use crate::model::{analyze, Analysis, AnalysisOptions, CiMethod, I2From, Model, PredictionCritical, QCentre};
use crate::model::{CorrectionScope, Measure, ZeroCellPolicy};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    RevMan5,
    RevMan2025,
    Metafor,
    RMeta,
    Stata,
}

/// Every rule on which tools differ for 2x2 data, in the order `compare` applies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Correction,
    DoubleZero,
    QCentre,
    Model,
    I2,
    CiMethod,
    Prediction,
}

/// The choices that make a convention: the analysis options other than the measure and level,
/// and whether (and with which critical value) a prediction interval is shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Convention {
    pub model: Model,
    pub zero_cells: ZeroCellPolicy,
    pub q_centre: QCentre,
    pub i2_from: I2From,
    pub ci_method: CiMethod,
    pub prediction: Option<PredictionCritical>,
}

impl_coded!(
    Preset,
    [Preset::RevMan5, Preset::RevMan2025, Preset::Metafor, Preset::RMeta, Preset::Stata],
    case_sensitive: true
);

impl Preset {
    pub fn code(self) -> &'static str {
        match self {
            Preset::RevMan5 => "revman5",
            Preset::RevMan2025 => "revman2025",
            Preset::Metafor => "metafor",
            Preset::RMeta => "meta",
            Preset::Stata => "stata",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Preset::RevMan5 => "RevMan 5",
            Preset::RevMan2025 => "RevMan (2025 methods)",
            Preset::Metafor => "metafor",
            Preset::RMeta => "R meta",
            Preset::Stata => "Stata meta",
        }
    }

    pub fn convention(self) -> Convention {
        let reml = Model::Random(Tau2Method::Reml);
        let zero_cells =
            |drop_double_zero| ZeroCellPolicy { add: 0.5, scope: CorrectionScope::OnlyZero, drop_double_zero };
        let (q_centre, i2_from, ci_method) = (QCentre::InverseVariance, I2From::Tau2, CiMethod::Wald);
        let base =
            Convention { model: reml, zero_cells: zero_cells(false), q_centre, i2_from, ci_method, prediction: None };
        match self {
            Preset::RevMan5 => Convention {
                model: Model::RevManMhRandom,
                zero_cells: zero_cells(true),
                q_centre: QCentre::MantelHaenszel,
                i2_from: I2From::Q,
                ..base
            },
            Preset::RevMan2025 => Convention {
                zero_cells: zero_cells(true),
                ci_method: CiMethod::KnappHartung,
                prediction: Some(PredictionCritical::TKMinus2),
                ..base
            },
            Preset::Metafor => Convention { prediction: Some(PredictionCritical::Z), ..base },
            Preset::RMeta => Convention { zero_cells: zero_cells(true), i2_from: I2From::Q, ..base },
            Preset::Stata => base,
        }
    }

    /// What the preset is, and where it had to choose because its sources are silent.
    pub fn caveat(self) -> &'static str {
        match self {
            Preset::RevMan5 => "RevMan 5's M-H random effects: 0.5 added to tables with a zero cell, trials with no events in either arm left out, DerSimonian-Laird τ² from Q around the Mantel-Haenszel estimate, Wald CI, I² from Q; it shows no prediction interval.",
            Preset::RevMan2025 => "Cochrane's 2025 random-effects methods in RevMan: REML, Q-profile CI for τ², Hartung-Knapp-Sidik-Jonkman CI, I² from τ². Cochrane's pages say the prediction interval uses t or the normal distribution but not which df: t with k − 2 df (the Handbook's formula) is used here; double-zero trials are left out as in RevMan 5, which the pages do not state either.",
            Preset::Metafor => "metafor's rma() defaults: REML, Wald (z) CI, 0.5 added to tables with a zero cell (escalc), double-zero trials kept, I² from τ², predict()'s z-based prediction interval.",
            Preset::RMeta => "R meta 8's metabin() random effects: REML, classic (z) CI, Q around the inverse-variance estimate (Q.Cochrane applies to DerSimonian-Laird only), I² from Q, double-zero trials left out; no prediction interval unless asked (then t with k − 1 df). For the risk ratio meta adds 0.5 to the events and to N once (RR.Cochrane = FALSE), livemeta to all four cells: with a zero cell and the RR this preset differs from meta.",
            Preset::Stata => "Stata's meta esize and meta summarize: REML, z CI, zerocells(0.5, only0), I² from τ² under random effects; no prediction interval unless asked. Stata's help does not say whether double-zero trials are kept: kept here, as metafor does. Its default measure is the log odds ratio; the lens keeps your measure.",
        }
    }

    /// The preset the current choices amount to, if any.
    pub fn matching(current: &Convention) -> Option<Preset> {
        Preset::ALL.iter().copied().find(|p| p.convention().normalised() == current.normalised())
    }
}

impl Convention {
    /// The convention of an analysis as chosen; `prediction` is `None` when none is shown.
    /// (A common-effect model's rules are set aside by `normalised`, where conventions meet.)
    pub fn of(options: &AnalysisOptions, prediction: Option<PredictionCritical>) -> Convention {
        let o = options;
        Convention {
            model: o.model,
            zero_cells: o.zero_cells,
            q_centre: o.q_centre,
            i2_from: o.i2_from,
            ci_method: o.ci_method,
            prediction,
        }
    }

    pub fn options(&self, measure: Measure) -> AnalysisOptions {
        AnalysisOptions {
            measure,
            model: self.model,
            zero_cells: self.zero_cells,
            ci_method: self.ci_method,
            prediction: self.prediction.unwrap_or(PredictionCritical::Z),
            level: 0.95,
            q_centre: self.q_centre,
            i2_from: self.i2_from,
        }
    }

    /// RevMan 5's model written as its rules (DerSimonian-Laird from Q around Mantel-Haenszel,
    /// I² from Q), which the engine computes identically; common-effect models have no Q or I²
    /// rule to choose. So conventions compare rule by rule.
    fn normalised(&self) -> Convention {
        match self.model {
            Model::RevManMhRandom => Convention {
                model: Model::Random(Tau2Method::DerSimonianLaird),
                q_centre: QCentre::MantelHaenszel,
                i2_from: I2From::Q,
                ..*self
            },
            Model::Random(_) => *self,
            _ => Convention {
                q_centre: QCentre::InverseVariance,
                i2_from: I2From::Q,
                ci_method: CiMethod::Wald,
                prediction: None,
                ..*self
            },
        }
    }

    /// Sets one rule to `target`'s.
    fn take(&mut self, rule: Rule, target: &Convention) {
        match rule {
            Rule::Correction => {
                self.zero_cells.add = target.zero_cells.add;
                self.zero_cells.scope = target.zero_cells.scope;
            }
            Rule::DoubleZero => self.zero_cells.drop_double_zero = target.zero_cells.drop_double_zero,
            Rule::QCentre => self.q_centre = target.q_centre,
            Rule::Model => self.model = target.model,
            Rule::I2 => self.i2_from = target.i2_from,
            Rule::CiMethod => self.ci_method = target.ci_method,
            Rule::Prediction => self.prediction = target.prediction,
        }
    }

    /// The rule's setting in words.
    pub fn describe(&self, rule: Rule) -> String {
        let z = self.zero_cells;
        match rule {
            Rule::Correction => match z.scope {
                CorrectionScope::None => "none".into(),
                CorrectionScope::OnlyZero => format!("{} to each cell of tables with a zero cell", z.add),
                CorrectionScope::All => format!("{} to each cell of every table", z.add),
                CorrectionScope::IfAnyZero => format!("{} to each cell of every table, if any has a zero", z.add),
            },
            Rule::DoubleZero => if z.drop_double_zero { "left out" } else { "kept" }.into(),
            Rule::QCentre => self.q_centre.label().into(),
            Rule::Model => match self.model {
                Model::Random(Tau2Method::DerSimonianLaird) => {
                    "random effects, DerSimonian-Laird τ² (from the Q above)".into()
                }
                Model::Random(m) => format!("random effects, {} τ²", m.name()),
                other => other.label(),
            },
            Rule::I2 => self.i2_from.label().into(),
            Rule::CiMethod => self.ci_method.label().into(),
            Rule::Prediction => match self.prediction {
                None => "not shown".into(),
                Some(PredictionCritical::Z) => "z".into(),
                Some(PredictionCritical::TKMinus1) => "t, k − 1 df".into(),
                Some(PredictionCritical::TKMinus2) => "t, k − 2 df".into(),
            },
        }
    }
}

impl Rule {
    pub const ALL: [Rule; 7] =
        [Rule::Correction, Rule::DoubleZero, Rule::QCentre, Rule::Model, Rule::I2, Rule::CiMethod, Rule::Prediction];
    pub fn label(self) -> &'static str {
        match self {
            Rule::Correction => "Continuity correction",
            Rule::DoubleZero => "Trials with no events in either arm",
            Rule::QCentre => "Cochran's Q around",
            Rule::Model => "Model and τ² estimator",
            Rule::I2 => "I² and H²",
            Rule::CiMethod => "CI and test for the pooled effect",
            Rule::Prediction => "Prediction interval",
        }
    }
}

/// One rule switched on the way from one convention to the other, and the analysis after it.
pub struct RuleStep {
    pub rule: Rule,
    pub from: String,
    pub to: String,
    /// The convention after this step (its prediction interval may be one not shown).
    pub convention: Convention,
    pub after: Result<Analysis, EngineError>,
}

pub struct Comparison {
    pub start_convention: Convention,
    pub start: Result<Analysis, EngineError>,
    /// Only the rules that differ, applied one after another in `Rule::ALL`'s order.
    pub steps: Vec<RuleStep>,
    /// The rules both conventions share, in words.
    pub shared: Vec<(Rule, String)>,
}

/// A number the lens follows along the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followed {
    Estimate,
    CiLower,
    CiUpper,
}

impl Followed {
    pub const ALL: [Followed; 3] = [Followed::Estimate, Followed::CiLower, Followed::CiUpper];
    pub fn label(self) -> &'static str {
        match self {
            Followed::Estimate => "pooled estimate",
            Followed::CiLower => "lower CI",
            Followed::CiUpper => "upper CI",
        }
    }
    /// On the analysis scale (log for ratios), where shares of a change add up.
    fn of(self, a: &Analysis) -> f64 {
        let shown = self.shown(a);
        if a.measure.is_ratio() {
            shown.ln()
        } else {
            shown
        }
    }
    pub fn shown(self, a: &Analysis) -> f64 {
        let p = &a.pooled;
        match self {
            Followed::Estimate => p.estimate,
            Followed::CiLower => p.ci_lower,
            Followed::CiUpper => p.ci_upper,
        }
    }
}

/// Walks from `from` to `to` on the same trials and measure, one differing rule at a time.
pub fn compare(studies: &[crate::StudyCounts], measure: Measure, from: &Convention, to: &Convention) -> Comparison {
    let (mut at, target) = (from.normalised(), to.normalised());
    let start = analyze(studies, &at.options(measure));
    let mut steps = Vec::new();
    let mut shared = Vec::new();
    for rule in Rule::ALL {
        let before = at.describe(rule);
        at.take(rule, &target);
        let after = at.describe(rule);
        if before == after {
            shared.push((rule, after));
        } else {
            steps.push(RuleStep {
                rule,
                from: before,
                to: after,
                convention: at,
                after: analyze(studies, &at.options(measure)),
            });
        }
    }
    Comparison { start_convention: from.normalised(), start, steps, shared }
}

impl Comparison {
    pub fn end(&self) -> Option<&Result<Analysis, EngineError>> {
        self.steps.last().map(|s| &s.after)
    }

    /// Each step's share of the whole change in `followed` (on the analysis scale), or `None`
    /// where the whole change is nil or an analysis failed.
    pub fn shares(&self, followed: Followed) -> Vec<Option<f64>> {
        let value = |r: &Result<Analysis, EngineError>| r.as_ref().ok().map(|a| followed.of(a));
        let mut previous = value(&self.start);
        let total = match (previous, self.end().and_then(value)) {
            (Some(a), Some(b)) if (b - a).abs() > 1e-12 => Some(b - a),
            _ => None,
        };
        self.steps
            .iter()
            .map(|s| {
                let now = value(&s.after);
                let share = match (previous, now, total) {
                    (Some(p), Some(n), Some(t)) => Some((n - p) / t),
                    _ => None,
                };
                previous = now;
                share
            })
            .collect()
    }

    /// The number of the three that moves most (on the analysis scale), if any moves.
    pub fn most_moved(&self) -> Option<Followed> {
        let (Ok(start), Some(Ok(end))) = (&self.start, self.end()) else { return None };
        let change = |f: &Followed| (f.of(end) - f.of(start)).abs();
        Followed::ALL.into_iter().max_by(|a, b| change(a).total_cmp(&change(b))).filter(|f| change(f) > 1e-12)
    }

    /// The number that moves most between the two conventions, where it goes, and the rule
    /// that moves it most: "moves the upper CI from 1.08 to 3.41; 92% of that is ...".
    pub fn headline(&self) -> Option<String> {
        let (Ok(start), Some(Ok(end))) = (&self.start, self.end()) else { return None };
        let followed = self.most_moved()?;
        let shares = self.shares(followed);
        let (step, share) = self
            .steps
            .iter()
            .zip(&shares)
            .filter_map(|(s, share)| share.map(|x| (s, x)))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let m = start.measure;
        Some(format!(
            "moves the {} from {} to {}; {:.0}% of that is the rule \"{}\" ({} → {}).",
            followed.label(),
            crate::report::effect(followed.shown(start), m),
            crate::report::effect(followed.shown(end), m),
            100.0 * share,
            step.rule.label(),
            step.from,
            step.to
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StudyCounts;

    fn trials() -> Vec<StudyCounts> {
        [[12, 100, 20, 98], [3, 40, 9, 42], [30, 210, 28, 205], [0, 25, 4, 26], [0, 30, 0, 31], [8, 60, 19, 61]]
            .iter()
            .enumerate()
            .map(|(i, r)| StudyCounts::new(format!("T{i}"), r[0], r[1], r[2], r[3]))
            .collect()
    }

    #[test]
    fn walking_from_one_preset_to_another_ends_at_the_other() {
        let studies = trials();
        for measure in [Measure::RR, Measure::OR, Measure::RD] {
            for &a in Preset::ALL {
                for &b in Preset::ALL {
                    let c = compare(&studies, measure, &a.convention(), &b.convention());
                    let direct = analyze(&studies, &b.convention().options(measure)).unwrap();
                    let end = c.end().map(|e| e.as_ref().unwrap().clone()).unwrap_or_else(|| c.start.clone().unwrap());
                    assert_eq!(
                        (end.pooled, end.heterogeneity.i2, end.heterogeneity.q),
                        (direct.pooled, direct.heterogeneity.i2, direct.heterogeneity.q),
                        "{a:?} -> {b:?} {measure:?}"
                    );
                    for f in Followed::ALL {
                        let sum: f64 = c.shares(f).iter().flatten().sum();
                        assert!(
                            c.shares(f).iter().all(Option::is_none) || (sum - 1.0).abs() < 1e-9,
                            "{a:?} -> {b:?}: shares sum to {sum}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn revman5_written_as_its_rules_is_revman5() {
        let studies = trials();
        let revman = Preset::RevMan5.convention();
        let as_rules = revman.normalised();
        assert_ne!(revman.model, as_rules.model);
        for measure in [Measure::RR, Measure::OR, Measure::RD] {
            let a = analyze(&studies, &revman.options(measure)).unwrap();
            let b = analyze(&studies, &as_rules.options(measure)).unwrap();
            assert_eq!(
                (a.pooled, a.heterogeneity.q, a.heterogeneity.i2, a.heterogeneity.tau2),
                (b.pooled, b.heterogeneity.q, b.heterogeneity.i2, b.heterogeneity.tau2)
            );
        }
    }

    #[test]
    fn each_preset_is_recognised_and_the_headline_names_the_rule() {
        for &p in Preset::ALL {
            assert_eq!(Preset::matching(&p.convention()), Some(p));
        }
        let c = compare(&trials(), Measure::RR, &Preset::RevMan5.convention(), &Preset::RevMan2025.convention());
        let rules: Vec<Rule> = c.steps.iter().map(|s| s.rule).collect();
        assert_eq!(rules, [Rule::QCentre, Rule::Model, Rule::I2, Rule::CiMethod, Rule::Prediction]);
        assert!(c.headline().unwrap().contains("% of that is the rule"));
    }
}
