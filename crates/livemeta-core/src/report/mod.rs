//! What is shown and exported: number formatting, "explain this number" and the R code that
//! reproduces an analysis.
mod every_analysis;
mod explain;
mod format;
mod rcode;

pub use every_analysis::{every_analysis, result_json};
pub use explain::{explain, Explanation, Quantity};
pub use format::{count, effect, effect_with_ci, measure_heading, p_value, tau2_on_display_scale, tau2_text, tau_text};
pub use rcode::{metafor_script, r_string, view_script, ViewCode};
