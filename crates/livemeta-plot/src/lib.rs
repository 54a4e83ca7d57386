//! livemeta-plot: the forest plot as data (`ForestPlot`) and one drawing routine over any plotters
//! backend, so the canvas on screen and the SVG export come from the same code.
mod build;
mod draw;
mod scale;

pub use build::forest_plot;
pub use draw::{draw_forest, forest_height};
pub use scale::AxisScale;

#[derive(Debug, Clone, PartialEq)]
pub enum RowStatus {
    Included,
    /// Switched off by the user: greyed out, marked "excluded".
    Excluded,
    NotReported,
    NotEstimable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    pub label: String,
    /// (events, total) per arm, when reported.
    pub treatment: Option<(i64, i64)>,
    pub control: Option<(i64, i64)>,
    pub weight_percent: Option<f64>,
    /// (estimate, lower, upper) on the display scale.
    pub estimate: Option<(f64, f64, f64)>,
    pub status: RowStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForestPlot {
    pub measure_label: String,
    pub is_ratio: bool,
    pub treatment_label: String,
    pub control_label: String,
    pub rows: Vec<ForestRow>,
    /// (label, estimate, lower, upper) of the pooled diamond.
    pub pooled: Option<(String, f64, f64, f64)>,
    /// Summary lines printed under the plot (heterogeneity, overall effect).
    pub footer: Vec<String>,
}
