//! The choices that define one analysis: the model, its CI and prediction rules, and where Q
//! and I² come from.
use super::coded::{impl_coded, Coded};
use super::effect_size::{Measure, ZeroCellPolicy};
use super::tau2::Tau2Method;
use crate::numerics::Reference;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Model {
    /// Inverse-variance common effect (`rma(method = "EE")`).
    CommonInverseVariance,
    /// Mantel-Haenszel common effect (`rma.mh`).
    CommonMantelHaenszel,
    /// Peto common effect (`rma.peto`).
    CommonPeto,
    /// Inverse-variance random effects with the given tau^2 estimator (`rma(method = ...)`).
    Random(Tau2Method),
    /// RevMan 5's "M-H, Random": DerSimonian-Laird tau^2 from Q around the MH estimate.
    RevManMhRandom,
}

impl Model {
    /// The model's own zero-cell convention: metafor's `rma.mh` and `rma.peto` (drop00 = TRUE
    /// for the per-study estimates) and RevMan leave double-zero studies out; `rma.uni` keeps them.
    pub fn zero_cell_policy(self) -> ZeroCellPolicy {
        ZeroCellPolicy {
            drop_double_zero: matches!(self, Model::CommonMantelHaenszel | Model::CommonPeto | Model::RevManMhRandom),
            ..ZeroCellPolicy::default()
        }
    }
    pub fn is_random(self) -> bool {
        matches!(self, Model::Random(_) | Model::RevManMhRandom)
    }
    /// Short code used by the CLI and the URL: a tau^2 code (REML, DL, ...) for random
    /// effects, or IV, MH, PETO, REVMAN.
    pub fn code(self) -> &'static str {
        match self {
            Model::CommonInverseVariance => "IV",
            Model::CommonMantelHaenszel => "MH",
            Model::CommonPeto => "PETO",
            Model::Random(m) => m.code(),
            Model::RevManMhRandom => "REVMAN",
        }
    }
    /// Whether this model can pool `measure`: Mantel-Haenszel pools RR, OR or RD, and Peto's
    /// method pools only its own odds ratio.
    pub fn pools(self, measure: Measure) -> bool {
        match self {
            Model::CommonMantelHaenszel | Model::RevManMhRandom => !matches!(measure, Measure::PetoOR | Measure::AS),
            Model::CommonPeto => measure == Measure::PetoOR,
            Model::CommonInverseVariance | Model::Random(_) => true,
        }
    }
    pub fn label(self) -> String {
        match self {
            Model::CommonInverseVariance => "Common effect, inverse variance".into(),
            Model::CommonMantelHaenszel => "Common effect, Mantel-Haenszel".into(),
            Model::CommonPeto => "Common effect, Peto".into(),
            Model::Random(m) => format!("Random effects, {}", m.code()),
            Model::RevManMhRandom => "Random effects, M-H (RevMan 5)".into(),
        }
    }
}

/// How the pooled estimate is tested and its CI formed: metafor's `test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CiMethod {
    /// Normal (Wald) test and CI.
    Wald,
    /// Knapp-Hartung (Hartung-Knapp-Sidik-Jonkman): the variance scaled by the weighted
    /// residual variance, with t(k - 1).
    KnappHartung,
    /// Knapp-Hartung with its factor kept at least 1, so the CI is never narrower than Wald's
    /// (Röver et al. 2015; metafor `test = "adhoc"`).
    KnappHartungAdhoc,
}

impl CiMethod {
    /// metafor's name for it, also the CLI's and the link's.
    pub fn code(self) -> &'static str {
        match self {
            CiMethod::Wald => "z",
            CiMethod::KnappHartung => "knha",
            CiMethod::KnappHartungAdhoc => "adhoc",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CiMethod::Wald => "Wald (z)",
            CiMethod::KnappHartung => "Knapp-Hartung (HKSJ)",
            CiMethod::KnappHartungAdhoc => "modified Knapp-Hartung (at least Wald)",
        }
    }
}

/// Critical value for the prediction interval; the conventions differ between tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PredictionCritical {
    /// Standard normal quantile (metafor's default with z tests).
    Z,
    /// t with k - 2 df (Cochrane Handbook, Riley 2011, meta <= 7).
    TKMinus2,
    /// t with k - 1 df (meta >= 8; metafor with Knapp-Hartung).
    TKMinus1,
}

impl PredictionCritical {
    /// Short code used by the CLI and the URL: "z", "t1" or "t2".
    pub fn code(self) -> &'static str {
        match self {
            PredictionCritical::Z => "z",
            PredictionCritical::TKMinus1 => "t1",
            PredictionCritical::TKMinus2 => "t2",
        }
    }

    /// The distribution the prediction interval of a pool of `k` trials is read from; `None`
    /// when t on k - 2 df has fewer than one df.
    pub fn reference(self, k: usize) -> Option<Reference> {
        match self {
            PredictionCritical::Z => Some(Reference::Normal),
            PredictionCritical::TKMinus1 if k < 2 => Some(Reference::Normal),
            PredictionCritical::TKMinus1 => Some(Reference::StudentT((k - 1) as f64)),
            PredictionCritical::TKMinus2 if k >= 3 => Some(Reference::StudentT((k - 2) as f64)),
            PredictionCritical::TKMinus2 => None,
        }
    }
}

/// What Cochran's Q measures the trials' spread around under a random-effects model. RevMan 5
/// and R's meta (`Q.Cochrane = TRUE`) use the Mantel-Haenszel estimate; metafor the
/// inverse-variance one. DerSimonian-Laird's tau^2 is computed from this Q.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QCentre {
    InverseVariance,
    /// Where Mantel-Haenszel pools the measure (RR, OR, RD); inverse variance otherwise.
    MantelHaenszel,
}

impl QCentre {
    pub fn code(self) -> &'static str {
        match self {
            QCentre::InverseVariance => "iv",
            QCentre::MantelHaenszel => "mh",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            QCentre::InverseVariance => "around the inverse-variance estimate",
            QCentre::MantelHaenszel => "around the Mantel-Haenszel estimate",
        }
    }
}

/// How I² and H² are computed under a random-effects model: from tau^2 with metafor's typical
/// within-study variance (metafor, Stata, RevMan since 2024), or from Q (RevMan 5, R's meta).
/// Common-effect models always use Q.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum I2From {
    Tau2,
    Q,
}

impl I2From {
    pub fn code(self) -> &'static str {
        match self {
            I2From::Tau2 => "tau2",
            I2From::Q => "q",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            I2From::Tau2 => "from τ²: τ²/(τ² + s²)",
            I2From::Q => "from Q: (Q − df)/Q",
        }
    }
}

impl Coded for Model {
    const ALL: &'static [Model] = &[
        Model::CommonInverseVariance,
        Model::CommonMantelHaenszel,
        Model::CommonPeto,
        Model::RevManMhRandom,
        Model::Random(Tau2Method::DerSimonianLaird),
        Model::Random(Tau2Method::Reml),
        Model::Random(Tau2Method::PauleMandel),
        Model::Random(Tau2Method::MaximumLikelihood),
        Model::Random(Tau2Method::Hedges),
        Model::Random(Tau2Method::SidikJonkman),
        Model::Random(Tau2Method::EmpiricalBayes),
    ];
    fn code(self) -> &'static str {
        Model::code(self)
    }
    /// Also metafor's names of the common-effect model, EE and FE.
    fn from_code(code: &str) -> Option<Model> {
        match code.to_ascii_uppercase().as_str() {
            "IV" | "EE" | "FE" => Some(Model::CommonInverseVariance),
            "MH" => Some(Model::CommonMantelHaenszel),
            "PETO" => Some(Model::CommonPeto),
            "REVMAN" => Some(Model::RevManMhRandom),
            other => Tau2Method::from_code(other).map(Model::Random),
        }
    }
}

impl_coded!(CiMethod, [CiMethod::Wald, CiMethod::KnappHartung, CiMethod::KnappHartungAdhoc], case_sensitive: true);
impl_coded!(
    PredictionCritical,
    [PredictionCritical::Z, PredictionCritical::TKMinus1, PredictionCritical::TKMinus2],
    case_sensitive: true
);
impl_coded!(QCentre, [QCentre::InverseVariance, QCentre::MantelHaenszel], case_sensitive: true);
impl_coded!(I2From, [I2From::Tau2, I2From::Q], case_sensitive: true);

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnalysisOptions {
    pub measure: Measure,
    pub model: Model,
    pub zero_cells: ZeroCellPolicy,
    /// Random-effects models only; common-effect models use Wald.
    pub ci_method: CiMethod,
    pub prediction: PredictionCritical,
    pub level: f64,
    /// Random-effects models only (RevMan 5's model fixes both: Mantel-Haenszel, Q).
    pub q_centre: QCentre,
    pub i2_from: I2From,
}

impl Default for AnalysisOptions {
    /// metafor's defaults: `rma(measure = "RR", method = "REML")`.
    fn default() -> Self {
        AnalysisOptions {
            measure: Measure::RR,
            model: Model::Random(Tau2Method::Reml),
            zero_cells: ZeroCellPolicy::default(),
            ci_method: CiMethod::Wald,
            prediction: PredictionCritical::Z,
            level: 0.95,
            q_centre: QCentre::InverseVariance,
            i2_from: I2From::Tau2,
        }
    }
}

impl AnalysisOptions {
    /// RevMan 5 "M-H, Random" as Fleming 2018 most likely ran it.
    pub fn revman_mh_random(measure: Measure) -> Self {
        AnalysisOptions { measure, ..AnalysisOptions::default() }.with_model(Model::RevManMhRandom)
    }
    /// The model as people name it, with the CI method when it is not Wald's.
    pub fn label(&self) -> String {
        match self.ci_method {
            CiMethod::KnappHartung | CiMethod::KnappHartungAdhoc if self.model.is_random() => {
                format!("{}, {}", self.model.label(), self.ci_method.label())
            }
            _ => self.model.label(),
        }
    }
    /// Switches model and takes that model's zero-cell convention with it. A measure the
    /// model cannot pool gives way: Peto's method takes the Peto OR, Mantel-Haenszel the OR.
    pub fn with_model(mut self, model: Model) -> Self {
        self.model = model;
        self.zero_cells = model.zero_cell_policy();
        if !model.pools(self.measure) {
            self.measure = if model == Model::CommonPeto { Measure::PetoOR } else { Measure::OR };
        }
        self
    }
    /// Switches measure. A model that cannot pool it gives way: the Peto OR goes to Peto's
    /// method; the arcsine difference, which only inverse variance pools, to DerSimonian-Laird
    /// from a random-effects model and to common-effect inverse variance otherwise; any other
    /// measure from Peto's method to Mantel-Haenszel.
    pub fn with_measure(mut self, measure: Measure) -> Self {
        self.measure = measure;
        if !self.model.pools(measure) {
            let model = match measure {
                Measure::PetoOR => Model::CommonPeto,
                Measure::AS if self.model.is_random() => Model::Random(Tau2Method::DerSimonianLaird),
                Measure::AS => Model::CommonInverseVariance,
                _ => Model::CommonMantelHaenszel,
            };
            self = self.with_model(model);
        }
        self
    }
}
