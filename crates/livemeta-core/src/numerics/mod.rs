//! Shared numerics: distributions, optimisation, quadrature and small matrices.
pub(crate) mod dist;
mod matrix;
mod optimize;
mod quadrature;

pub use dist::{chi2_quantile, chi2_sf, f_sf, t_crit, t_two_sided_p, z_crit, z_two_sided_p, Reference};
pub(crate) use matrix::{invert, Square};
pub(crate) use optimize::{hessian, maximum_likelihood, nelder_mead, newton_polish};
pub(crate) use quadrature::{gauss_kronrod_adaptive, gauss_kronrod_panel};
