//! One concern per file; each component receives the shared `AppState`.
mod analysis_controls;
mod forest_plot_canvas;
mod pooled_summary;
mod study_table;
mod trial_toggles;

pub use analysis_controls::AnalysisControls;
pub use forest_plot_canvas::ForestPlotCanvas;
pub use pooled_summary::PooledSummary;
pub use study_table::StudyTable;
pub use trial_toggles::TrialToggles;
