//! Meta-regression: the model with moderators, and the moderators a dataset offers.
mod meta_regression;
mod moderators;

pub use meta_regression::{estimate_tau2_with_moderators, meta_regression, MetaRegression, OmnibusTest};
pub use moderators::{
    moderator_analysis, moderator_names, moderator_values, ModeratorAnalysis, ModeratorPoint, ModeratorTerm,
    ModeratorValues, NO_HETEROGENEITY,
};
