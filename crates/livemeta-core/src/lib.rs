//! livemeta-core: a pure meta-analysis engine for 2x2 data. No web dependencies, so it is
//! tested natively, driven by the `livemeta` CLI, and compiled to wasm for the app.
pub mod analysis;
pub mod bayes;
pub mod common;
pub mod counts;
pub mod csv_input;
pub mod dataset;
pub mod diagnostics;
pub mod dist;
pub mod edit;
pub mod effect;
pub mod error;
pub mod file_open;
pub mod format;
pub mod fragility;
pub mod glmm;
pub mod gosh;
pub mod link_data;
pub mod metareg;
pub mod profile;
pub mod moderators;
pub mod multiverse;
mod optimize;
pub mod rcode;
pub mod rm5;
pub mod rob;
pub mod selection;
pub mod sensitivity;
pub mod synthetic;
pub mod tau2;
pub mod tsa;
pub mod user_data;

pub use analysis::{analyze, Analysis, AnalysisOptions, CiMethod, Model, PredictionCritical};
pub use counts::StudyCounts;
pub use effect::{CorrectionScope, Measure, ZeroCellPolicy};
pub use error::EngineError;
pub use tau2::Tau2Method;
