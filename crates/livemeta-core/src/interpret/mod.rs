//! What a pooled result means for patients: absolute effects at a chosen control risk, the
//! number needed to treat, how likely the effect is to pass a threshold of clinical
//! importance, and how certain the evidence is (GRADE, suggested from the analysis), row by row
//! of a summary-of-findings table.
mod absolute_effect;
mod certainty;
mod summary_of_findings;
mod threshold;

pub use absolute_effect::{control_risk_range, AbsoluteEffect, ControlRisk, NumberNeeded};
pub use certainty::{
    appreciable_effects, rate, suggest, Certainty, Concern, Domain, Evidence, Override, Rating, Suggestion,
};
pub use summary_of_findings::{finding, Choices, Finding};
pub use threshold::{beyond, Beyond, Threshold};
