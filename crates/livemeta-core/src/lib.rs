//! livemeta-core: a pure meta-analysis engine for 2x2 data. No web dependencies, so it is
//! tested natively, driven by the `livemeta` CLI, and compiled to wasm for the app.
//!
//! The modules follow the concepts of a review, and each function that metafor also has carries
//! metafor's name as a doc alias (`regtest`, `trimfill`, `leave1out`, ...).
pub mod bias;
pub mod data;
pub mod error;
pub mod interpret;
pub mod likelihood;
pub mod model;
pub mod numerics;
pub mod regression;
pub mod report;
pub mod sensitivity;

pub use data::StudyCounts;
pub use error::EngineError;
pub use model::{
    analyze, Analysis, AnalysisOptions, CiMethod, Coded, CorrectionScope, Measure, Model, PredictionCritical,
    Tau2Method, ZeroCellPolicy,
};
