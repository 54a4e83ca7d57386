use crate::{ForestPlot, ForestRow, PooledRow, RowStatus};
use livemeta_core::analysis::{study_effects, Analysis, AnalysisOptions};
use livemeta_core::dataset::{TrialData, TrialRow};
use livemeta_core::dist::z_crit;
use livemeta_core::format::p_value;
use livemeta_core::EngineError;

/// Builds the plot description from the rows and the analysis; pure, so tests and the SVG
/// export use the same thing the screen shows.
pub fn forest_plot(
    rows: &[TrialRow],
    analysis: &Result<Analysis, EngineError>,
    options: &AnalysisOptions,
    outcome_label: &str,
    treatment_label: &str,
    control_label: &str,
) -> ForestPlot {
    let ok = analysis.as_ref().ok();
    let mut pooled_index = 0;
    let plot_rows = rows
        .iter()
        .map(|row| {
            let mut out = ForestRow {
                label: row.label.clone(),
                treatment: None,
                control: None,
                weight_percent: None,
                estimate: None,
                status: RowStatus::NotReported,
                emphasis: false,
            };
            if let TrialData::Reported { counts, .. } = &row.data {
                out.treatment = Some((counts.events_treatment, counts.total_treatment));
                out.control = Some((counts.events_control, counts.total_control));
                // Pooled trials take their estimate and weight from the engine; a switched-off
                // trial is estimated alone, the way the model estimates its rows, so the
                // audience still sees what was removed.
                let estimate = if row.enabled {
                    let study = ok.and_then(|a| a.studies.get(pooled_index));
                    pooled_index += 1;
                    out.weight_percent = study.and_then(|s| s.weight_percent);
                    study.and_then(|s| s.effect)
                } else {
                    study_effects(std::slice::from_ref(counts), options)[0].ok()
                };
                out.estimate = estimate.map(|e| e.display_interval(options.measure, z_crit(options.level)));
                out.status = match (row.enabled, out.estimate.is_some()) {
                    (false, _) => RowStatus::Excluded,
                    (true, true) => RowStatus::Included,
                    (true, false) => RowStatus::NotEstimable,
                };
            }
            out
        })
        .collect();
    let (pooled, footer) = pooled_and_footer(ok);
    ForestPlot {
        rows: plot_rows,
        pooled,
        footer,
        prediction: ok.and_then(|a| a.prediction).map(|p| (p.lower, p.upper)),
        ..empty_plot(options, outcome_label, treatment_label, control_label)
    }
}

/// A forest-style plot of refits (leave-one-out, cumulative): one row per refit with its
/// pooled estimate, and the full analysis as the diamond. A refit whose estimate lies on the
/// other side of the null, or outside the full analysis's interval, is emphasised.
pub fn refit_plot(
    row_heading: &str,
    refits: Vec<(String, Option<(f64, f64, f64)>)>,
    full: &Result<Analysis, EngineError>,
    options: &AnalysisOptions,
    outcome_label: &str,
    treatment_label: &str,
    control_label: &str,
) -> ForestPlot {
    let null = if options.measure.is_ratio() { 1.0 } else { 0.0 };
    let full_ok = full.as_ref().ok();
    let rows = refits
        .into_iter()
        .map(|(label, estimate)| ForestRow {
            label,
            treatment: None,
            control: None,
            weight_percent: None,
            emphasis: match (estimate, full_ok) {
                (Some((e, ..)), Some(a)) => (e > null) != (a.pooled.estimate > null) || e < a.pooled.ci_lower || e > a.pooled.ci_upper,
                _ => false,
            },
            status: if estimate.is_some() { RowStatus::Included } else { RowStatus::NotEstimable },
            estimate,
        })
        .collect();
    let (mut pooled, footer) = pooled_and_footer(full_ok);
    for diamond in &mut pooled {
        diamond.label = "All trials in the pool".into();
    }
    ForestPlot { row_heading: row_heading.into(), rows, pooled, footer, prediction: None, ..empty_plot(options, outcome_label, treatment_label, control_label) }
}

fn empty_plot(options: &AnalysisOptions, outcome_label: &str, treatment_label: &str, control_label: &str) -> ForestPlot {
    ForestPlot {
        title: None,
        outcome_label: outcome_label.to_string(),
        model_label: options.model.label(),
        row_heading: "Study".into(),
        measure: options.measure,
        measure_label: options.measure.label().to_string(),
        treatment_label: treatment_label.to_string(),
        control_label: control_label.to_string(),
        rows: vec![],
        pooled: vec![],
        prediction: None,
        previous: None,
        change_note: None,
        footer: vec![],
    }
}

/// The diamond of an analysis and the summary lines under the plot.
fn pooled_and_footer(analysis: Option<&Analysis>) -> (Vec<PooledRow>, Vec<String>) {
    let pooled_row = |a: &Analysis| PooledRow {
        label: format!("Total ({})", a.model_label),
        estimate: a.pooled.estimate,
        lower: a.pooled.ci_lower,
        upper: a.pooled.ci_upper,
    };
    match analysis {
        Some(a) => {
            let h = a.heterogeneity;
            let heterogeneity = if a.k < 2 {
                "Heterogeneity: not applicable with one trial".to_string()
            } else {
                format!(
                    "Heterogeneity: Tau² = {:.3}; Q = {:.2}, df = {} ({}); I² = {}",
                    h.tau2,
                    h.q,
                    h.df,
                    h.p_value.map_or("P not available".into(), p_value),
                    h.i2.map_or("n/a".into(), |i| format!("{i:.0}%"))
                )
            };
            let test = format!("Test for overall effect: {} = {:.2} ({})", if a.pooled.df.is_some() { "t" } else { "Z" }, a.pooled.statistic, p_value(a.pooled.p_value));
            let footer = vec![heterogeneity, test];
            (vec![pooled_row(a)], footer)
        }
        None => (vec![], vec![]),
    }
}

