//! The model: options, per-study effect sizes, common-effect pooling, tau^2, the analysis
//! itself, the intercept-only fit its refits use, and the conventions of other tools.
mod analysis;
mod coded;
mod common_effect;
mod conventions;
mod effect_size;
mod estimate;
mod intercept_only;
mod options;
mod tau2;

pub use analysis::{analyze, q_profile_tau2, study_effects, Analysis, Heterogeneity, Interval, Pooled, StudyResult};
pub(crate) use coded::impl_coded;
pub use coded::Coded;
pub use common_effect::{mantel_haenszel, peto, PooledCounts};
pub use conventions::{compare, Comparison, Convention, Followed, Preset, Rule, RuleStep};
pub use effect_size::{
    corrected_tables, effect_sizes, peto_terms, table_effect, CorrectionScope, EffectSize, Measure, NotEstimable,
    ZeroCellPolicy,
};
pub use estimate::Estimate;
pub use intercept_only::{effects_and_method, quick_fit, EffectsAndMethod, QuickFit};
pub use options::{AnalysisOptions, CiMethod, I2From, Model, PredictionCritical, QCentre};
pub use tau2::{cochran_q, estimate_tau2, generalised_q, Tau2Method, MAX_ITERATIONS, TOLERANCE};
pub(crate) use tau2::{scoring_iterations, solve_decreasing};
