//! Meta-regression on one trial attribute, as metafor's `rma(yi, vi, mods = ~ x, method,
//! test)`: the analysis's effect sizes, its tau² estimator and its test (z, Knapp-Hartung or
//! modified Knapp-Hartung). A numeric attribute (year, duration, latitude) is one slope; any
//! other is a factor, dummy-coded against its first level in sorted order as R's `factor()`.
//! Trials without a value are left out, and the result says how many.
use crate::data::Dataset;
use crate::error::EngineError;
use crate::model::effects_and_method;
use crate::model::estimate_tau2;
use crate::model::{Analysis, CiMethod, Estimate};
use crate::regression::{meta_regression, MetaRegression, OmnibusTest};
use serde::Serialize;

/// A moderator's value for each trial, in the order of the analysis's studies.
#[derive(Debug, Clone, PartialEq)]
pub enum ModeratorValues {
    Numeric(Vec<Option<f64>>),
    Categorical(Vec<Option<String>>),
}

impl ModeratorValues {
    /// Numeric when every given value reads as a number, else categorical; blanks are missing.
    pub fn from_text(values: Vec<Option<String>>) -> ModeratorValues {
        let values: Vec<Option<String>> =
            values.into_iter().map(|v| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())).collect();
        if values.iter().flatten().all(|v| v.parse::<f64>().is_ok_and(f64::is_finite)) {
            ModeratorValues::Numeric(values.iter().map(|v| v.as_ref().and_then(|s| s.parse().ok())).collect())
        } else {
            ModeratorValues::Categorical(values)
        }
    }

    fn len(&self) -> usize {
        match self {
            ModeratorValues::Numeric(v) => v.len(),
            ModeratorValues::Categorical(v) => v.len(),
        }
    }

    fn is_given(&self, i: usize) -> bool {
        match self {
            ModeratorValues::Numeric(v) => v[i].is_some(),
            ModeratorValues::Categorical(v) => v[i].is_some(),
        }
    }
}

/// The attributes a trial can be regressed on: year, duration, background therapy and phase
/// where the data gives them, then the data's own columns.
pub fn moderator_names(dataset: &Dataset) -> Vec<String> {
    let trials = &dataset.trials;
    let described = [
        ("year", trials.iter().any(|t| t.year.is_some())),
        ("duration (weeks)", trials.iter().any(|t| t.weeks.is_some())),
        ("background therapy", trials.iter().any(|t| !t.background.is_empty())),
        ("phase", trials.iter().any(|t| !t.phase.is_empty())),
    ];
    described
        .into_iter()
        .filter(|(_, given)| *given)
        .map(|(name, _)| name.to_string())
        .chain(dataset.attribute_names())
        .collect()
}

/// The moderator `name` for the trials `ids` (unknown trials and blanks are missing).
pub fn moderator_values(dataset: &Dataset, ids: &[String], name: &str) -> ModeratorValues {
    let value = |id: &String| {
        let t = dataset.trial(id)?;
        let given = match name {
            "year" => t.year.map(|y| y.to_string()),
            "duration (weeks)" => t.weeks.map(|w| w.to_string()),
            "background therapy" => Some(t.background.clone()),
            "phase" => Some(t.phase.clone()),
            other => t.attribute(other).map(String::from),
        };
        given.filter(|v| !v.trim().is_empty())
    };
    ModeratorValues::from_text(ids.iter().map(value).collect())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModeratorTerm {
    /// "intercept", the moderator's name, or "name: level" for a level of a factor.
    pub name: String,
    pub coefficient: Estimate,
}

/// A study as the bubble plot shows it: moderator value, effect (analysis scale), weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModeratorPoint {
    pub x: f64,
    pub yi: f64,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModeratorAnalysis {
    pub moderator: String,
    pub terms: Vec<ModeratorTerm>,
    /// The level the others are compared with, for a factor.
    pub reference_level: Option<String>,
    pub k: usize,
    /// Trials pooled in the analysis but left out here: no value for the moderator.
    pub left_out: usize,
    pub tau2: f64,
    /// Share of tau² the moderator accounts for, in percent: max(0, (tau²₀ - tau²) / tau²₀),
    /// tau²₀ from the model without it on the same trials (0 when tau²₀ is below
    /// `NO_HETEROGENEITY`). Random effects only.
    pub r2: Option<f64>,
    /// Random effects only.
    pub i2_residual: Option<f64>,
    pub q_residual: f64,
    pub q_residual_df: f64,
    pub q_residual_p: f64,
    /// QM: chi² on the moderator's df, or F with Knapp-Hartung.
    pub moderator_test: OmnibusTest,
    pub ci_method: CiMethod,
    /// A numeric moderator's studies, for the bubble plot; empty for a factor.
    pub points: Vec<ModeratorPoint>,
    /// The fit's covariance matrix (intercept and slope for a numeric moderator).
    pub vcov: Vec<f64>,
}

impl ModeratorAnalysis {
    /// The fitted effect (analysis scale) and its CI at moderator value x; numeric moderators.
    pub fn fitted(&self, x: f64, level: f64) -> Option<(f64, f64, f64)> {
        let [a, b] = [self.terms.first()?, self.terms.get(1)?].map(|t| t.coefficient.estimate);
        let var = self.vcov.first()? + 2.0 * x * self.vcov.get(1)? + x * x * self.vcov.get(3)?;
        let crit = match self.moderator_test.df_residual {
            Some(df) => crate::numerics::dist::t_crit(level, df),
            None => crate::numerics::dist::z_crit(level),
        };
        let fit = a + b * x;
        Some((fit, fit - crit * var.sqrt(), fit + crit * var.sqrt()))
    }
}

/// tau² below this is taken as none for R².
pub const NO_HETEROGENEITY: f64 = 1e-10;

/// Meta-regression of the analysis's studies on one moderator (`values` in the order of
/// `analysis.studies`).
pub fn moderator_analysis(
    analysis: &Analysis,
    moderator: &str,
    values: &ModeratorValues,
    level: f64,
) -> Result<ModeratorAnalysis, EngineError> {
    if values.len() != analysis.studies.len() {
        return Err(EngineError::Unsupported(format!(
            "{} moderator values for {} studies",
            values.len(),
            analysis.studies.len()
        )));
    }
    let (_, _, method) = effects_and_method(analysis)?;
    // The studies the model can use: estimable, with a value.
    let used: Vec<usize> =
        (0..values.len()).filter(|&i| analysis.studies[i].effect.is_some() && values.is_given(i)).collect();
    let estimable = analysis.studies.iter().filter(|s| s.effect.is_some()).count();
    let (y, v): (Vec<f64>, Vec<f64>) =
        used.iter().map(|&i| analysis.studies[i].effect.map(|e| (e.yi, e.vi)).expect("estimable")).unzip();
    let (columns, names, reference_level) = design(values, &used, moderator)?;
    let x: Vec<Vec<f64>> = (0..used.len()).map(|r| columns.iter().map(|c| c[r]).collect()).collect();
    let fit: MetaRegression = meta_regression(&y, &v, &x, method, analysis.ci_method, level)?;
    let p = names.len();
    let moderator_test = fit.omnibus(1..p)?;
    let r2 = match method {
        Some(m) => {
            let without = estimate_tau2(&y, &v, m)?;
            // A tau²₀ at rounding level (the iterative estimators stop near 1e-14 when the
            // truth is 0) leaves nothing to account for; a ratio of two such numbers is noise.
            Some(if without > NO_HETEROGENEITY { (100.0 * (without - fit.tau2) / without).max(0.0) } else { 0.0 })
        }
        None => None,
    };
    let points = match values {
        ModeratorValues::Numeric(_) => {
            (0..used.len()).map(|r| ModeratorPoint { x: x[r][1], yi: y[r], weight: 1.0 / (v[r] + fit.tau2) }).collect()
        }
        ModeratorValues::Categorical(_) => Vec::new(),
    };
    let q_residual_df = (y.len() - p) as f64;
    Ok(ModeratorAnalysis {
        moderator: moderator.to_string(),
        terms: names
            .into_iter()
            .zip(&fit.coefficients)
            .map(|(name, c)| ModeratorTerm { name, coefficient: *c })
            .collect(),
        reference_level,
        k: y.len(),
        left_out: estimable - used.len(),
        tau2: fit.tau2,
        r2,
        i2_residual: method.map(|_| fit.i2_residual),
        q_residual: fit.q_residual,
        q_residual_df,
        q_residual_p: crate::numerics::dist::chi2_sf(fit.q_residual, q_residual_df),
        moderator_test,
        ci_method: analysis.ci_method,
        points,
        vcov: fit.vcov,
    })
}

/// The model matrix's rows, its columns' names and a factor's reference level.
type Design = (Vec<Vec<f64>>, Vec<String>, Option<String>);

/// The model matrix's columns (intercept first) for the studies `used`, their names, and a
/// factor's reference level.
fn design(values: &ModeratorValues, used: &[usize], moderator: &str) -> Result<Design, EngineError> {
    let intercept = vec![1.0; used.len()];
    match values {
        ModeratorValues::Numeric(v) => {
            let column = used.iter().map(|&i| v[i].expect("given")).collect();
            Ok((vec![intercept, column], vec!["intercept".into(), moderator.to_string()], None))
        }
        ModeratorValues::Categorical(v) => {
            let mut levels: Vec<&str> = used.iter().map(|&i| v[i].as_deref().expect("given")).collect();
            levels.sort_unstable();
            levels.dedup();
            if levels.len() < 2 {
                return Err(EngineError::Unsupported(format!(
                    "every pooled trial has the same {moderator} ({})",
                    levels.first().unwrap_or(&"none")
                )));
            }
            let mut columns = vec![intercept];
            let mut names = vec!["intercept".to_string()];
            for level in &levels[1..] {
                columns.push(used.iter().map(|&i| f64::from(u8::from(v[i].as_deref() == Some(level)))).collect());
                names.push(format!("{moderator}: {level}"));
            }
            Ok((columns, names, Some(levels[0].to_string())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, AnalysisOptions, Measure, Model, StudyCounts, Tau2Method};

    fn studies() -> Vec<StudyCounts> {
        [
            (4, 123, 11, 139),
            (6, 306, 29, 303),
            (3, 231, 11, 220),
            (62, 13598, 248, 12867),
            (33, 5069, 47, 5808),
            (180, 1541, 372, 1451),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(a, n1, c, n2))| StudyCounts::new(format!("S{i}"), a, n1, c, n2))
        .collect()
    }

    #[test]
    fn text_values_are_numeric_only_when_every_given_value_is_a_number() {
        let text = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect();
        assert_eq!(
            ModeratorValues::from_text(text(&["44", " 55 ", ""])),
            ModeratorValues::Numeric(vec![Some(44.0), Some(55.0), None])
        );
        assert!(matches!(ModeratorValues::from_text(text(&["44", "high"])), ModeratorValues::Categorical(_)));
    }

    #[test]
    fn trials_without_a_value_are_left_out_and_counted() {
        let options = AnalysisOptions {
            measure: Measure::RR,
            model: Model::Random(Tau2Method::Reml),
            ..AnalysisOptions::default()
        };
        let analysis = analyze(&studies(), &options).unwrap();
        let values = ModeratorValues::Numeric(vec![Some(44.0), Some(55.0), None, Some(13.0), Some(33.0), Some(18.0)]);
        let fit = moderator_analysis(&analysis, "latitude", &values, 0.95).unwrap();
        assert_eq!((fit.k, fit.left_out, fit.terms.len()), (5, 1, 2));
        assert_eq!(fit.points.len(), 5);
        let same = ModeratorValues::Categorical(vec![Some("a".into()); 6]);
        assert!(moderator_analysis(&analysis, "allocation", &same, 0.95)
            .unwrap_err()
            .to_string()
            .contains("same allocation"));
    }
}
