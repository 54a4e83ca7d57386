//! What a pooled result means for patients: absolute effects at a chosen control risk, the
//! number needed to treat, and how likely the effect is to pass a threshold of clinical
//! importance.
mod absolute_effect;
mod threshold;

pub use absolute_effect::{control_risk_range, AbsoluteEffect, ControlRisk, NumberNeeded};
pub use threshold::{beyond, Beyond, Threshold};
