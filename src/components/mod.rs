//! One concern per file; each component receives the shared `AppState`.
mod analysis_controls;
mod choice;
mod cumulative;
mod data_import;
mod export_panel;
mod forest_plot_canvas;
pub mod keyboard;
mod leave_one_out;
mod model_options;
mod plot_canvas;
mod pooled_summary;
mod results_panel;
mod sensitivity;
mod small_study;
mod study_table;
mod subgroups;
mod trial_toggles;

pub use analysis_controls::AnalysisControls;
pub use data_import::DataImport;
pub use export_panel::ExportPanel;
pub use forest_plot_canvas::{plot_of, ForestPlotCanvas};
pub use model_options::ModelOptions;
pub use pooled_summary::PooledSummary;
pub use results_panel::ResultsPanel;
pub use sensitivity::SensitivityPanel;
pub use study_table::StudyTable;
pub use trial_toggles::TrialToggles;
