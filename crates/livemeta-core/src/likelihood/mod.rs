//! Fits by likelihood on the 2x2 counts or the effect sizes: the binomial-normal and
//! hypergeometric-normal GLMMs, the Bayesian random-effects model and profile likelihoods.
mod bayes;
mod glmer;
mod glmm;
mod profile;

pub use bayes::{
    bayes_for, bayes_random_effects, mu_density, posterior_below, sensitivity_priors, BayesResult, Posterior, TauPrior,
    SENSITIVITY_PRIORS, TURNER_PRIORS,
};
pub use glmer::{approximate_conditional_random_effects, random_study_effects};
pub use glmm::{conditional_random_effects, likelihood_fit, LikelihoodFit, LikelihoodModel, MixedFit};
pub(crate) use glmm::{expit, informative};
pub use profile::{mu_profile_interval, tau2_profile_interval};
