//! Separate analyses per subgroup and the test for subgroup differences, as RevMan reports it.
use crate::data::StudyCounts;
use crate::error::EngineError;
use crate::model::{analyze, cochran_q, Analysis, AnalysisOptions};
use crate::numerics::dist;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubgroupAnalysis {
    pub groups: Vec<(String, Analysis)>,
    /// Test for subgroup differences: Q between the subgroup estimates (inverse-variance
    /// common-effect weights on their standard errors), as RevMan reports it.
    pub q_between: f64,
    pub df: f64,
    pub p_value: f64,
}

/// Separate analyses per subgroup (each with its own tau^2) and the test for differences.
pub fn subgroups(
    studies: &[StudyCounts],
    groups: &[String],
    options: &AnalysisOptions,
) -> Result<SubgroupAnalysis, EngineError> {
    let mut names: Vec<&String> = Vec::new();
    for g in groups {
        if !names.contains(&g) {
            names.push(g);
        }
    }
    let mut fits = Vec::new();
    for name in names {
        let members: Vec<StudyCounts> =
            studies.iter().zip(groups).filter(|(_, g)| *g == name).map(|(s, _)| s.clone()).collect();
        fits.push((name.clone(), analyze(&members, options)?));
    }
    if fits.len() < 2 {
        return Err(EngineError::NotEnoughStudies {
            needed: 2,
            found: fits.len(),
            what: "a test for subgroup differences (subgroups)",
        });
    }
    let y: Vec<f64> = fits.iter().map(|(_, a)| a.pooled.y).collect();
    let v: Vec<f64> = fits.iter().map(|(_, a)| a.pooled.se * a.pooled.se).collect();
    let (q_between, _) = cochran_q(&y, &v);
    let df = (fits.len() - 1) as f64;
    Ok(SubgroupAnalysis { groups: fits, q_between, df, p_value: dist::chi2_sf(q_between, df) })
}
