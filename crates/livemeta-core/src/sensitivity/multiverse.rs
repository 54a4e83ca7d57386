//! The multiverse of defensible analyses: every combination of the analysis choices that
//! tools and guidelines accept for 2x2 data, run on the same trials, so a reader sees how much
//! the conclusion rests on choices rather than data (Voracek et al. 2019; Steegen et al. 2016).
//!
//! The choices: the measure (RR, OR, RD; the Peto OR with Peto's method), the pooling (inverse
//! variance or Mantel-Haenszel common effect, Peto, random effects with each tau² estimator,
//! RevMan 5's M-H random), the CI (Wald, Knapp-Hartung, modified Knapp-Hartung; random effects
//! only, and not for RevMan 5, which had neither), the zero-cell rule (0.5 added to tables with
//! a zero cell, to every table when any has one, or none; varied only when some table has a
//! zero cell) and the data (for example each dose arm, supplied by the caller).
use crate::data::StudyCounts;
use crate::model::Coded;
use crate::model::Tau2Method;
use crate::model::{analyze, Analysis, AnalysisOptions, CiMethod, Model};
use crate::model::{CorrectionScope, Measure, ZeroCellPolicy};
use serde::Serialize;

/// One version of the data the analysis may use, such as one dose arm.
#[derive(Debug, Clone, PartialEq)]
pub struct DataVariant {
    pub label: String,
    pub studies: Vec<StudyCounts>,
}

/// One combination of choices: the analysis options and the data variant (an index).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Specification {
    pub options: AnalysisOptions,
    pub variant: usize,
}

/// Where a specification's CI lies against the null.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Significance {
    /// The whole CI below the null (RR or OR below 1, RD below 0).
    Below,
    Above,
    /// The CI contains the null.
    Neither,
}

impl Significance {
    /// Where the analysis's pooled CI lies against its measure's null.
    pub fn of(a: &Analysis) -> Significance {
        let (null, p) = (a.measure.null_value(), &a.pooled);
        if p.ci_upper < null {
            Significance::Below
        } else if p.ci_lower > null {
            Significance::Above
        } else {
            Significance::Neither
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecificationResult {
    pub spec: Specification,
    pub estimate: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    pub p_value: f64,
    pub k: usize,
    pub significance: Significance,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Multiverse {
    /// Every specification that could be fitted, in the order `specifications` gives.
    pub results: Vec<SpecificationResult>,
    /// Specifications that could not be fitted, with the reason.
    pub failed: Vec<(Specification, String)>,
}

/// How many specifications fall on each side of the null.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Tally {
    pub below: usize,
    pub above: usize,
    pub neither: usize,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.below + self.above + self.neither
    }
}

/// The zero-cell rules worth varying: with no zero cell anywhere they all give the same
/// analysis, so only metafor's default is run.
fn zero_cell_rules(variants: &[DataVariant]) -> Vec<CorrectionScope> {
    let any_zero = variants.iter().flat_map(|v| &v.studies).any(StudyCounts::has_zero_cell);
    if any_zero {
        vec![CorrectionScope::OnlyZero, CorrectionScope::IfAnyZero, CorrectionScope::None]
    } else {
        vec![CorrectionScope::OnlyZero]
    }
}

/// Every pooling the multiverse varies, in the order the curve lists them.
pub fn poolings() -> Vec<Model> {
    let mut models = vec![Model::CommonInverseVariance, Model::CommonMantelHaenszel, Model::CommonPeto];
    models.extend(Tau2Method::ALL.iter().copied().map(Model::Random));
    models.push(Model::RevManMhRandom);
    models
}

/// Every specification for these data variants, at the given confidence level.
pub fn specifications(variants: &[DataVariant], level: f64) -> Vec<Specification> {
    let rules = zero_cell_rules(variants);
    // Peto's method is added once per variant below: it has one measure and no zero-cell rule.
    let models: Vec<Model> = poolings().into_iter().filter(|m| *m != Model::CommonPeto).collect();
    let mut specs = Vec::new();
    for variant in 0..variants.len() {
        for measure in [Measure::RR, Measure::OR, Measure::RD] {
            for &model in &models {
                let ci_methods: &[CiMethod] =
                    if matches!(model, Model::Random(_)) { CiMethod::ALL } else { &[CiMethod::Wald] };
                for &ci_method in ci_methods {
                    for &scope in &rules {
                        let zero_cells = ZeroCellPolicy { scope, ..model.zero_cell_policy() };
                        let options = AnalysisOptions {
                            measure,
                            model,
                            zero_cells,
                            ci_method,
                            level,
                            ..AnalysisOptions::default()
                        };
                        specs.push(Specification { options, variant });
                    }
                }
            }
        }
        let peto = AnalysisOptions { level, ..AnalysisOptions::default() }.with_model(Model::CommonPeto);
        specs.push(Specification { options: peto, variant });
    }
    specs
}

/// Runs every specification.
pub fn run_multiverse(variants: &[DataVariant], level: f64) -> Multiverse {
    let mut multiverse = Multiverse { results: Vec::new(), failed: Vec::new() };
    for spec in specifications(variants, level) {
        match analyze(&variants[spec.variant].studies, &spec.options) {
            Ok(a) => {
                let (significance, p) = (Significance::of(&a), &a.pooled);
                multiverse.results.push(SpecificationResult {
                    spec,
                    estimate: p.estimate,
                    ci_lower: p.ci_lower,
                    ci_upper: p.ci_upper,
                    p_value: p.p_value,
                    k: a.k,
                    significance,
                });
            }
            Err(e) => multiverse.failed.push((spec, e.to_string())),
        }
    }
    multiverse
}

impl Multiverse {
    /// The tally of the results `keep` selects.
    pub fn tally(&self, keep: impl Fn(&SpecificationResult) -> bool) -> Tally {
        self.results.iter().filter(|r| keep(r)).fold(Tally::default(), |mut t, r| {
            match r.significance {
                Significance::Below => t.below += 1,
                Significance::Above => t.above += 1,
                Significance::Neither => t.neither += 1,
            }
            t
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(rows: &[[i64; 4]]) -> DataVariant {
        let studies =
            rows.iter().enumerate().map(|(i, r)| StudyCounts::new(format!("S{i}"), r[0], r[1], r[2], r[3])).collect();
        DataVariant { label: "all".into(), studies }
    }

    #[test]
    fn every_combination_once_and_the_zero_rule_only_when_it_matters() {
        let no_zero = [variant(&[[3, 50, 9, 50], [5, 60, 12, 61], [8, 70, 10, 72]])];
        // 3 measures x (IV, MH, RevMan + 7 estimators x 3 CIs) + Peto.
        assert_eq!(specifications(&no_zero, 0.95).len(), 3 * (3 + 7 * 3) + 1);
        let with_zero = [variant(&[[0, 50, 9, 50], [5, 60, 12, 61]])];
        assert_eq!(specifications(&with_zero, 0.95).len(), 3 * (3 + 7 * 3) * 3 + 1);
        let specs = specifications(&with_zero, 0.95);
        for (i, a) in specs.iter().enumerate() {
            assert!(specs[..i].iter().all(|b| b != a), "{a:?} twice");
            assert!(a.options.model.pools(a.options.measure));
        }
    }

    #[test]
    fn results_are_the_analyses_and_the_tally_counts_every_side() {
        let data = [
            variant(&[[3, 50, 9, 50], [5, 60, 12, 61], [8, 70, 10, 72]]),
            variant(&[[13, 50, 9, 50], [15, 60, 12, 61]]),
        ];
        let multiverse = run_multiverse(&data, 0.95);
        assert!(multiverse.failed.is_empty());
        assert_eq!(multiverse.results.len(), specifications(&data, 0.95).len());
        for r in &multiverse.results {
            let a = analyze(&data[r.spec.variant].studies, &r.spec.options).unwrap();
            assert_eq!((r.estimate, r.ci_lower, r.ci_upper), (a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper));
        }
        let all = multiverse.tally(|_| true);
        assert_eq!(all.total(), multiverse.results.len());
        assert!(all.below > 0, "the first variant favours treatment in some specifications");
    }
}
