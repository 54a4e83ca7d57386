//! Live cross-check against R's metafor. Runs `tests/metafor/reference.R`, which exports
//! metafor's datasets and generated edge cases, fits every case with metafor, and writes the
//! results; every number is then compared with the engine to 1e-6 (relative above 1).
//! Needs Rscript with metafor (`./x test` installs Debian's r-cran-metafor).
//!
//! One test binary, so that reference.R runs once for all of them; the tests are grouped by
//! topic in the modules below, and `common` holds what they share.

mod bias;
mod common;
mod interpret;
mod likelihood;
mod pooling;
mod regression;
mod sensitivity;
