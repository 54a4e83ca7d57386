//! What is shown and exported: number formatting, "explain this number" and the R code that
//! reproduces an analysis.
mod absolute;
mod document;
mod every_analysis;
mod explain;
mod format;
mod glossary;
mod rcode;

pub use absolute::{
    absolute_sentence, control_risk_spread, difference_per_thousand, follow_up_spread, number_needed_text,
    per_thousand, result_in_words,
};
pub use document::{to_docx, to_html, Block, Document};
pub use every_analysis::{every_analysis, result_json};
pub use explain::{explain, Explanation, Quantity};
pub use format::{
    count, effect, effect_with_ci, in_sentence, measure_heading, p_value, p_value_jama, tau2_on_display_scale,
    tau2_text, tau_text,
};
pub use glossary::{define, define_all_in, Term, GLOSSARY};
pub use rcode::{absolute_effect_script, metafor_script, r_string, view_script, ViewCode};
