//! Small-study effects and publication bias: the regression tests, the rank test, fail-safe N,
//! trim-and-fill and the selection model.
mod fail_safe_n;
mod rank_test;
mod regression_tests;
mod selection_model;
mod trim_and_fill;

pub use fail_safe_n::{fail_safe_n, FailSafeN};
pub use rank_test::{begg, kendall_test, BeggTest};
pub use regression_tests::{egger, egger_mixed, harbord, pet_peese, peters, ruecker, EggerTest, PetPeese};
pub use selection_model::{selection_model_for, step_selection_model, SelectionModel, STEPS_3PSM};
pub use trim_and_fill::{trim_and_fill, TrimAndFill, TrimFillEstimator};
