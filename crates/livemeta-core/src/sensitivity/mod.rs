//! How much the answer depends on which trials, estimators and choices: refits, subgroups,
//! influence, GOSH, fragility, the multiverse, trial sequential analysis and per-trial diagnostics.
mod diagnostics;
mod fragility;
mod gosh;
mod influence;
mod multiverse;
mod refits;
mod subgroups;
mod trial_sequential;

pub use diagnostics::{normal_quantiles, trial_diagnostics, TrialDiagnostics};
pub use fragility::{fragility, search_budget, EventChange, Fragility, SEARCH_BUDGET};
pub use gosh::{
    gosh, gosh_points, GoshFitter, GoshPlan, GoshRequest, GoshSubsets, MAX_ALL_SUBSETS_K, SAMPLED_SUBSETS, SAMPLE_SEED,
};
pub use influence::{baujat, influence, Influence};
pub use multiverse::{
    poolings, run_multiverse, specifications, DataVariant, Multiverse, Significance, Specification,
    SpecificationResult, Tally,
};
pub use refits::{compare_estimators, cumulative, leave_one_out, Refit};
pub use subgroups::{subgroups, SubgroupAnalysis};
pub use trial_sequential::{
    diversity, information_size, lan_demets_boundaries, obrien_fleming_spent, required_information_size,
    trial_sequential, InformationSize, Look, TrialSequential, TsaAssumption, TsaAssumptions, LOOK_MIN_INCREMENT,
};
