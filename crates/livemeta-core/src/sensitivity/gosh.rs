//! GOSH (graphical display of study heterogeneity): the model fitted to every non-empty subset
//! of the studies, or, when there are too many subsets, to a stated number drawn at random.
//! metafor's `gosh()` does the same: all 2^k - 1 subsets while that is at most `subsets`
//! (default 10^6), otherwise `subsets` random ones, each study in with probability 1/2.
//!
//! The plan is plain data, so the app's page and its worker enumerate the same subsets: a
//! sampled subset is a pure function of (seed, index), and a click on point i of the plot can
//! be mapped back onto its trials without storing a million masks.
use crate::error::EngineError;
use crate::model::Tau2Method;
use crate::model::{effects_and_method, quick_fit, Analysis, QuickFit};
use serde::{Deserialize, Serialize};

/// Up to this many studies every subset is fitted (2^20 - 1 = 1,048,575 fits).
pub const MAX_ALL_SUBSETS_K: usize = 20;
/// Above it, this many random subsets (metafor's default `subsets = 1e6`).
pub const SAMPLED_SUBSETS: usize = 1_000_000;
/// The seed of the random subsets; fixed, so a link or a reload shows the same plot.
pub const SAMPLE_SEED: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoshSubsets {
    /// Subset i holds study j when bit j of i + 1 is set.
    All,
    Sampled {
        count: usize,
        seed: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoshPlan {
    pub k: usize,
    pub subsets: GoshSubsets,
}

impl GoshPlan {
    pub fn for_studies(k: usize) -> GoshPlan {
        let subsets = if k <= MAX_ALL_SUBSETS_K {
            GoshSubsets::All
        } else {
            GoshSubsets::Sampled { count: SAMPLED_SUBSETS, seed: SAMPLE_SEED }
        };
        GoshPlan { k, subsets }
    }

    pub fn len(&self) -> usize {
        match self.subsets {
            GoshSubsets::All => (1usize << self.k) - 1,
            GoshSubsets::Sampled { count, .. } => count,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.k == 0
    }

    /// Which studies subset `index` holds, written into `members` (length k).
    pub fn members_into(&self, index: usize, members: &mut [bool]) {
        match self.subsets {
            GoshSubsets::All => {
                let mask = index + 1;
                for (j, m) in members.iter_mut().enumerate() {
                    *m = mask & (1 << j) != 0;
                }
            }
            GoshSubsets::Sampled { seed, .. } => {
                // An empty draw (probability 2^-k) is redrawn, deterministically.
                for attempt in 0u64.. {
                    for (chunk, block) in members.chunks_mut(64).enumerate() {
                        let bits = splitmix64(splitmix64(splitmix64(seed ^ index as u64) ^ attempt) ^ chunk as u64);
                        for (j, m) in block.iter_mut().enumerate() {
                            *m = bits & (1 << j) != 0;
                        }
                    }
                    if members.iter().any(|m| *m) {
                        return;
                    }
                }
            }
        }
    }

    pub fn members(&self, index: usize) -> Vec<bool> {
        let mut members = vec![false; self.k];
        self.members_into(index, &mut members);
        members
    }
}

/// A well-mixed 64-bit hash (Steele, Lea and Flood's SplitMix64 finaliser).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce5_e9b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What the app's worker is asked to fit: the effects and variances of the pooled studies and
/// the model's tau^2 method (None for the common-effect model). The plan follows from k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoshRequest {
    pub y: Vec<f64>,
    pub v: Vec<f64>,
    pub method: Option<Tau2Method>,
}

/// Fits the subsets of one plan, reusing its buffers from fit to fit.
pub struct GoshFitter<'a> {
    y: &'a [f64],
    v: &'a [f64],
    method: Option<Tau2Method>,
    plan: GoshPlan,
    members: Vec<bool>,
    ys: Vec<f64>,
    vs: Vec<f64>,
}

impl<'a> GoshFitter<'a> {
    pub fn new(y: &'a [f64], v: &'a [f64], method: Option<Tau2Method>) -> GoshFitter<'a> {
        let plan = GoshPlan::for_studies(y.len());
        GoshFitter {
            y,
            v,
            method,
            plan,
            members: vec![false; y.len()],
            ys: Vec::with_capacity(y.len()),
            vs: Vec::with_capacity(y.len()),
        }
    }

    pub fn plan(&self) -> GoshPlan {
        self.plan
    }

    /// The fit to subset `index` of the plan.
    pub fn fit(&mut self, index: usize) -> Result<QuickFit, EngineError> {
        self.plan.members_into(index, &mut self.members);
        self.fit_members()
    }

    /// The fit to all the studies, with GOSH's conventions (the plot marks it).
    pub fn fit_all(&mut self) -> Result<QuickFit, EngineError> {
        self.members.fill(true);
        self.fit_members()
    }

    fn fit_members(&mut self) -> Result<QuickFit, EngineError> {
        self.ys.clear();
        self.vs.clear();
        for ((y, v), _) in self.y.iter().zip(self.v).zip(&self.members).filter(|(_, m)| **m) {
            self.ys.push(*y);
            self.vs.push(*v);
        }
        let mut fit = quick_fit(&self.ys, &self.vs, self.method)?;
        if self.method == Some(Tau2Method::DerSimonianLaird) && self.ys.len() > 1 {
            // metafor's gosh() reports Q-based I^2 and H^2 for DL fits (its fast path); so do we.
            let df = (self.ys.len() - 1) as f64;
            fit.i2 = (100.0 * (fit.q - df) / fit.q).max(0.0);
            fit.h2 = fit.q / df;
        }
        Ok(fit)
    }
}

/// [estimate, I²] for every subset of the request's plan, in plan order (NaN where a subset
/// cannot be fitted); `progress` hears the number done after every `every` fits.
pub fn gosh_points(request: &GoshRequest, every: usize, mut progress: impl FnMut(usize)) -> Vec<[f64; 2]> {
    let mut fitter = GoshFitter::new(&request.y, &request.v, request.method);
    let total = fitter.plan().len();
    (0..total)
        .map(|index| {
            if index > 0 && index.is_multiple_of(every) {
                progress(index);
            }
            fitter.fit(index).map_or([f64::NAN; 2], |f| [f.estimate, f.i2])
        })
        .collect()
}

/// GOSH: the model fitted to every non-empty subset of the studies (2^k - 1 fits), in the
/// order of the subset's bit pattern (study i is in subset s when bit i of s is set).
pub fn gosh(analysis: &Analysis) -> Result<Vec<QuickFit>, EngineError> {
    let (y, v, method) = effects_and_method(analysis)?;
    if y.len() > MAX_ALL_SUBSETS_K {
        return Err(EngineError::Unsupported(format!(
            "GOSH over all subsets is limited to k <= {MAX_ALL_SUBSETS_K} (k = {})",
            y.len()
        )));
    }
    let mut fitter = GoshFitter::new(&y, &v, method);
    (0..fitter.plan().len()).map(|i| fitter.fit(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_subsets_follow_the_bit_pattern() {
        let plan = GoshPlan::for_studies(3);
        assert_eq!(plan.len(), 7);
        assert_eq!(plan.members(0), vec![true, false, false]);
        assert_eq!(plan.members(5), vec![false, true, true]);
        assert_eq!(plan.members(6), vec![true, true, true]);
    }

    #[test]
    fn sampled_subsets_are_reproducible_non_empty_and_about_half_full() {
        let plan = GoshPlan::for_studies(90);
        assert_eq!(plan.subsets, GoshSubsets::Sampled { count: SAMPLED_SUBSETS, seed: SAMPLE_SEED });
        let mut included = 0usize;
        for i in 0..2000 {
            let members = plan.members(i);
            assert_eq!(members, plan.members(i));
            assert!(members.iter().any(|m| *m));
            included += members.iter().filter(|m| **m).count();
        }
        let share = included as f64 / (2000.0 * 90.0);
        assert!((share - 0.5).abs() < 0.01, "share of studies included {share}");
        assert_ne!(plan.members(0), plan.members(1));
    }
}
