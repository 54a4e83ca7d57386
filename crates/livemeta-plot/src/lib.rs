//! livemeta-plot: the forest plot as data (`ForestPlot`) and one drawing routine over any plotters
//! backend, so the canvas on screen and the SVG export come from the same code.
mod build;
mod draw;
mod export;
mod scale;
mod scatter;
mod spec_curve;
mod traffic_light;
mod tsa_plot;

pub use build::{forest_plot, in_layout, refit_plot, subgroup_forest_plot, window_rows, with_trial_columns, ROB_KEY};
pub use draw::{draw_forest, forest_axis_value, forest_export_width, forest_height, text_width, SMALL_TEXT};
pub use export::forest_csv;
use livemeta_core::data::Judgment;
use livemeta_core::interpret::AbsoluteEffect;
pub use livemeta_core::report::in_sentence;
use livemeta_core::{Coded, Measure};
pub use scale::AxisScale;
pub use scatter::{
    baujat_plot, bubble_plot, draw_scatter, funnel, gosh_plot, labbe_plot, nearest_point, scatter_height, Scatter,
    ScatterPoint, Swatch,
};
pub use spec_curve::{CurveSpec, SpecificationCurve};
pub use traffic_light::TrafficLight;
pub use tsa_plot::{SequentialChart, SequentialPoint};

#[derive(Debug, Clone, PartialEq)]
pub enum RowStatus {
    Included,
    /// Switched off by the user: greyed out, marked "excluded".
    Excluded,
    NotReported,
    NotEstimable,
    /// A row of the user's file with problems (named in the table), left out.
    Invalid,
}

impl RowStatus {
    /// The words shown in the plot and written in exports.
    pub fn label(&self) -> &'static str {
        match self {
            RowStatus::Included => "included",
            RowStatus::Excluded => "excluded",
            RowStatus::NotReported => "not reported",
            RowStatus::NotEstimable => "not estimable",
            RowStatus::Invalid => "invalid row",
        }
    }
}

/// Follows counts entered by the user, in the plot and its footnote.
pub const ENTERED_MARK: &str = "*";

/// What a row of the forest plot is. RevMan's subgroup layout interleaves a heading, the
/// subgroup's studies, its subtotal diamond and note lines under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowKind {
    #[default]
    Study,
    Heading,
    Subtotal,
    /// A line of text under a subtotal (its heterogeneity and test for overall effect).
    Note,
}

impl RowKind {
    /// The row type as written in the CSV export.
    pub fn code(self) -> &'static str {
        match self {
            RowKind::Study => "study",
            RowKind::Heading => "subgroup",
            RowKind::Subtotal => "subtotal",
            RowKind::Note => "note",
        }
    }
}

/// The forest plot's layout, after the conventions R meta's `forest(layout = ...)` follows.
/// RevMan: counts, weight, the plot, then the estimate. JAMA: "Source", the estimate left of the
/// plot, no counts or weights, "Favors" labels above the plot, no τ², P values without a leading
/// zero. BMJ: counts on the left; weight (%) and the estimate right of the plot, intervals
/// written "to".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForestLayout {
    #[default]
    RevMan,
    Jama,
    Bmj,
}

impl Coded for ForestLayout {
    const ALL: &'static [ForestLayout] = &[ForestLayout::RevMan, ForestLayout::Jama, ForestLayout::Bmj];
    fn code(self) -> &'static str {
        match self {
            ForestLayout::RevMan => "revman",
            ForestLayout::Jama => "jama",
            ForestLayout::Bmj => "bmj",
        }
    }
}

impl ForestLayout {
    pub fn label(self) -> &'static str {
        match self {
            ForestLayout::RevMan => "RevMan",
            ForestLayout::Jama => "JAMA",
            ForestLayout::Bmj => "BMJ",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    pub kind: RowKind,
    pub label: String,
    /// (events, total) per arm, when reported.
    pub treatment: Option<(i64, i64)>,
    pub control: Option<(i64, i64)>,
    pub weight_percent: Option<f64>,
    /// (estimate, lower, upper) on the display scale.
    pub estimate: Option<(f64, f64, f64)>,
    pub status: RowStatus,
    /// Drawn in the accent colour: a refit whose estimate crosses the null or leaves the full
    /// analysis's interval.
    pub emphasis: bool,
    /// Counts entered by the user, not from a source: drawn in their own colour with a mark.
    pub entered: bool,
    /// The cells of the plot's extra columns, in `ForestPlot::extra_headings` order.
    pub extra: Vec<String>,
    /// The study's RoB 2 judgments in `DOMAINS` order, drawn as dots when the plot asks.
    pub rob: [Option<Judgment>; 6],
}

#[derive(Debug, Clone, PartialEq)]
pub struct PooledRow {
    pub label: String,
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForestPlot {
    /// A title line drawn above the plot: exports carry one, the screen does not need it.
    pub title: Option<String>,
    /// What was analysed: the outcome, and the model as the engine names it.
    pub outcome_label: String,
    pub model_label: String,
    /// The heading over the row names: "Study", or what the rows of a refit plot are.
    pub row_heading: String,
    pub measure: Measure,
    pub measure_label: String,
    pub treatment_label: String,
    pub control_label: String,
    pub rows: Vec<ForestRow>,
    /// One diamond per model shown (the first is the main analysis).
    pub pooled: Vec<PooledRow>,
    /// Prediction interval of the main analysis, drawn as a line through its diamond.
    pub prediction: Option<(f64, f64)>,
    /// The main diamond before the last change, drawn as a faint outline, and what changed.
    pub previous: Option<(f64, f64, f64)>,
    pub change_note: Option<String>,
    /// Summary lines printed under the plot (heterogeneity, overall effect).
    pub footer: Vec<String>,
    /// Predict, then reveal: the audience's guess for the pooled estimate, and whether the
    /// pooled result is still hidden (no diamond, "?" for its numbers, no summary lines).
    pub guess: Option<Guess>,
    /// A threshold of clinical importance (display scale), drawn as a band from it to the
    /// axis's end away from no effect.
    pub threshold: Option<f64>,
    /// The absolute effect of the main analysis, and where its control risk comes from; the
    /// CSV lists it per 1,000.
    pub absolute: Option<(String, AbsoluteEffect)>,
    pub layout: ForestLayout,
    /// Text columns after the study name (follow-up, the user's attributes).
    pub extra_headings: Vec<String>,
    /// Each study's risk-of-bias judgments as dots at the right, with their key under the plot.
    pub rob: bool,
    /// A dashed line down the plot at the main pooled estimate.
    pub reference_line: bool,
    /// The footnote on counts the user entered, kept for a change of layout.
    pub entered_note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guess {
    pub value: Option<f64>,
    pub hidden: bool,
}

impl ForestPlot {
    /// The plot as exported: a title line naming outcome, measure and model, and none of the
    /// screen's transient markers (the outline of the previous result and its note).
    pub fn for_export(&self) -> ForestPlot {
        ForestPlot {
            title: Some(format!("{} · {} · {}", self.outcome_label, self.measure_label, self.model_label)),
            previous: None,
            change_note: None,
            guess: None,
            ..self.clone()
        }
    }
}

/// Anything the app draws on a canvas or exports as SVG: it knows its height at a width and
/// draws itself on any plotters backend.
pub trait Figure: Clone {
    fn height(&self, width: f64) -> f64;
    /// The figure as exported to SVG or PNG.
    fn exported(&self) -> Self {
        self.clone()
    }
    /// The width to export at, from the page's usual `base`: wider where the figure's columns
    /// would otherwise give way.
    fn export_width(&self, base: f64) -> f64 {
        base
    }
    /// The index of the element at (x, y) in CSS pixels on a figure `width` wide, for figures
    /// whose elements can be clicked.
    fn pick(&self, _width: f64, _x: f64, _y: f64) -> Option<usize> {
        None
    }
    /// Whether there is nothing to draw but axes: such a figure is neither shown nor offered
    /// for export (the view says why instead).
    fn is_empty(&self) -> bool {
        false
    }
    fn draw<DB: plotters::prelude::DrawingBackend>(
        &self,
        root: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        px: f64,
    ) -> Result<(), plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>>;
}

impl Figure for ForestPlot {
    fn height(&self, width: f64) -> f64 {
        forest_height(self, width)
    }
    fn exported(&self) -> Self {
        self.for_export()
    }
    fn export_width(&self, base: f64) -> f64 {
        forest_export_width(self, base)
    }
    /// A refit plot with no refit and no pool; a plot of trials that are all unreported still
    /// says which trials they are.
    fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.pooled.is_empty()
    }
    fn draw<DB: plotters::prelude::DrawingBackend>(
        &self,
        root: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        px: f64,
    ) -> Result<(), plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>> {
        draw_forest(root, self, px)
    }
}

impl Figure for Scatter {
    fn height(&self, width: f64) -> f64 {
        scatter_height(width)
    }
    fn draw<DB: plotters::prelude::DrawingBackend>(
        &self,
        root: &plotters::prelude::DrawingArea<DB, plotters::coord::Shift>,
        px: f64,
    ) -> Result<(), plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>> {
        draw_scatter(root, self, px)
    }
    fn pick(&self, width: f64, x: f64, y: f64) -> Option<usize> {
        nearest_point(self, width, x, y)
    }
    fn is_empty(&self) -> bool {
        self.points.is_empty() && self.cloud.is_empty()
    }
}

/// A figure as an SVG document: the same drawing code as the canvas, for export.
pub fn figure_svg(figure: &impl Figure, width: u32) -> String {
    let width = figure.export_width(width as f64).ceil() as u32;
    use plotters::prelude::{IntoDrawingArea, SVGBackend};
    let height = figure.height(width as f64).ceil() as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        figure.draw(&root, 1.0).expect("drawing into a string cannot fail");
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use livemeta_core::data::{TrialData, TrialRow};
    use livemeta_core::model::{analyze, AnalysisOptions};
    use livemeta_core::StudyCounts;

    fn rows() -> Vec<TrialRow> {
        let reported = |id: &str, counts: StudyCounts, enabled: bool| TrialRow {
            trial_id: id.into(),
            label: counts.label.clone(),
            enabled,
            data: TrialData::Reported { counts, definition: "d".into(), sources: vec![] },
        };
        vec![
            reported("a", StudyCounts::new("Trial A", 2, 55, 14, 54), true),
            reported("b", StudyCounts::new("Trial B", 38, 425, 56, 315), true),
            reported("c", StudyCounts::new("Trial C", 10, 100, 12, 100), false),
            TrialRow { trial_id: "d".into(), label: "Trial D".into(), enabled: true, data: TrialData::NotReported },
        ]
    }

    fn plot() -> ForestPlot {
        let rows = rows();
        let options = AnalysisOptions::default();
        let studies: Vec<_> = rows.iter().filter_map(|r| r.pooled_counts().cloned()).collect();
        forest_plot(&rows, &analyze(&studies, &options), &options, "Skin infections", "Dupilumab", "Placebo")
    }

    #[test]
    fn plot_marks_excluded_and_unreported_trials_and_weights_the_pooled_ones() {
        let plot = plot();
        let status: Vec<_> = plot.rows.iter().map(|r| r.status.clone()).collect();
        assert_eq!(status, vec![RowStatus::Included, RowStatus::Included, RowStatus::Excluded, RowStatus::NotReported]);
        let total: f64 = plot.rows.iter().filter_map(|r| r.weight_percent).sum();
        assert!((total - 100.0).abs() < 1e-9);
        assert!(plot.rows[2].estimate.is_some(), "an excluded trial keeps its own estimate");
        assert_eq!(plot.pooled.len(), 1);
    }

    #[test]
    fn svg_export_is_a_complete_document_with_the_rows() {
        let svg = figure_svg(&plot(), 900);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        for text in ["Trial A", "excluded", "not reported", "Favours dupilumab"] {
            assert!(svg.contains(text), "SVG lacks {text}");
        }
    }
}
