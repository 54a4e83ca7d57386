use crate::{ForestLayout, ForestPlot, ForestRow, PooledRow, RowKind, RowStatus, ENTERED_MARK};
use livemeta_core::data::{judgments, Dataset, TrialData, TrialRow};
use livemeta_core::model::{study_effects, Analysis, AnalysisOptions};
use livemeta_core::numerics::z_crit;
use livemeta_core::report::{count, p_value, p_value_jama};
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
    let plot_rows: Vec<ForestRow> = rows
        .iter()
        .map(|row| {
            let mut out = ForestRow {
                kind: RowKind::Study,
                label: row.label.clone(),
                treatment: None,
                control: None,
                weight_percent: None,
                estimate: None,
                status: if matches!(row.data, TrialData::Invalid { .. }) {
                    RowStatus::Invalid
                } else {
                    RowStatus::NotReported
                },
                emphasis: false,
                entered: row.is_entered(),
                extra: vec![],
                rob: [None; 6],
            };
            if let Some(counts) = row.counts() {
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
    let entered_note = entered_note(rows);
    let (pooled, footer) = pooled_and_footer(ok, ForestLayout::RevMan, entered_note.as_deref());
    ForestPlot {
        rows: plot_rows,
        pooled,
        footer,
        entered_note,
        prediction: ok.and_then(|a| a.prediction).map(|p| (p.lower, p.upper)),
        ..empty_plot(options, outcome_label, treatment_label, control_label)
    }
}

/// One refit's label and its pooled (estimate, lower, upper), if it could be pooled.
pub type RefitRow = (String, Option<(f64, f64, f64)>);

/// A forest-style plot of refits (leave-one-out, cumulative): one row per refit with its
/// pooled estimate, and the full analysis as the diamond. A refit whose estimate lies on the
/// other side of the null, or outside the full analysis's interval, is emphasised.
pub fn refit_plot(
    row_heading: &str,
    refits: Vec<RefitRow>,
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
            kind: RowKind::Study,
            label,
            treatment: None,
            control: None,
            weight_percent: None,
            emphasis: match (estimate, full_ok) {
                (Some((e, ..)), Some(a)) => {
                    (e > null) != (a.pooled.estimate > null) || e < a.pooled.ci_lower || e > a.pooled.ci_upper
                }
                _ => false,
            },
            status: if estimate.is_some() { RowStatus::Included } else { RowStatus::NotEstimable },
            estimate,
            entered: false,
            extra: vec![],
            rob: [None; 6],
        })
        .collect();
    let (mut pooled, footer) = pooled_and_footer(full_ok, ForestLayout::RevMan, None);
    for diamond in &mut pooled {
        diamond.label = "All trials in the pool".into();
    }
    ForestPlot {
        row_heading: row_heading.into(),
        rows,
        pooled,
        footer,
        prediction: None,
        ..empty_plot(options, outcome_label, treatment_label, control_label)
    }
}

fn empty_plot(
    options: &AnalysisOptions,
    outcome_label: &str,
    treatment_label: &str,
    control_label: &str,
) -> ForestPlot {
    ForestPlot {
        title: None,
        outcome_label: outcome_label.to_string(),
        model_label: options.label(),
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
        guess: None,
        threshold: None,
        absolute: None,
        layout: ForestLayout::RevMan,
        extra_headings: vec![],
        rob: false,
        reference_line: false,
        entered_note: None,
    }
}

/// The footnote on counts the user entered among `rows`, saying where they came from.
fn entered_note(rows: &[TrialRow]) -> Option<String> {
    let mut origins: Vec<String> = Vec::new();
    for origin in rows.iter().filter_map(TrialRow::entered_origin) {
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    (!origins.is_empty()).then(|| {
        format!("{ENTERED_MARK} Counts entered by you {}; livemeta has no source for them.", origins.join(" and "))
    })
}

/// The plot in `layout`, its summary lines written as that layout writes them. `analysis` is
/// the one the plot was built from.
pub fn in_layout(mut plot: ForestPlot, layout: ForestLayout, analysis: &Result<Analysis, EngineError>) -> ForestPlot {
    plot.layout = layout;
    plot.footer = pooled_and_footer(analysis.as_ref().ok(), layout, plot.entered_note.as_deref()).1;
    plot
}

/// The columns the user asked for beside the trials, from the dataset: follow-up in weeks,
/// trial attributes, and the RoB 2 judgments as dots. `rows` are the ones the plot was built
/// from, in its order.
pub fn with_trial_columns(
    mut plot: ForestPlot,
    rows: &[TrialRow],
    dataset: &Dataset,
    follow_up: bool,
    attributes: &[String],
    rob: bool,
) -> ForestPlot {
    let ids: Vec<String> = rows.iter().map(|r| r.trial_id.clone()).collect();
    // Read only when drawn: the plot is rebuilt on every change.
    let judgments = if rob { judgments(dataset, &ids) } else { vec![[None; 6]; ids.len()] };
    plot.extra_headings =
        follow_up.then(|| "Weeks".to_string()).into_iter().chain(attributes.iter().cloned()).collect();
    plot.rob = rob;
    for ((row, id), judgments) in plot.rows.iter_mut().zip(&ids).zip(judgments) {
        let trial = dataset.trial(id);
        let weeks = trial.and_then(|t| t.weeks).map_or("–".to_string(), |w| w.to_string());
        row.extra = follow_up
            .then_some(weeks)
            .into_iter()
            .chain(attributes.iter().map(|a| trial.and_then(|t| t.attribute(a)).unwrap_or("–").to_string()))
            .collect();
        row.rob = judgments;
    }
    plot
}

/// The key to the risk-of-bias dots, printed under a plot that draws them.
pub const ROB_KEY: &str = "Risk of bias (RoB 2): D1 randomisation process; D2 deviations from intended interventions; D3 missing outcome data; D4 measurement of the outcome; D5 selection of the reported result; O overall. + low, − some concerns, × high; no dot: not assessed.";

/// A P value as the layout writes it: JAMA's without a leading zero.
fn layout_p(p: f64, layout: ForestLayout) -> String {
    if layout == ForestLayout::Jama {
        p_value_jama(p)
    } else {
        p_value(p)
    }
}

/// The heterogeneity line for an analysis: RevMan's, or without τ² (JAMA).
fn heterogeneity_line(a: &Analysis, layout: ForestLayout) -> String {
    let h = a.heterogeneity;
    if a.k < 2 {
        return "Heterogeneity: not applicable with one trial".to_string();
    }
    let tau2 = match layout {
        ForestLayout::Jama => String::new(),
        _ => format!("Tau² = {}; ", livemeta_core::report::tau2_text(h.tau2, a.measure, 3)),
    };
    format!(
        "Heterogeneity: {tau2}Q = {:.2}, df = {} ({}); I² = {}",
        h.q,
        h.df,
        h.p_value.map_or("P not available".into(), |p| layout_p(p, layout)),
        h.i2.map_or("n/a".into(), |i| format!("{i:.0}%"))
    )
}

fn overall_effect_line(a: &Analysis, layout: ForestLayout) -> String {
    format!(
        "Test for overall effect: {} = {:.2} ({})",
        if a.pooled.df.is_some() { "t" } else { "Z" },
        a.pooled.statistic,
        layout_p(a.pooled.p_value, layout)
    )
}

/// The diamond of an analysis and the summary lines under the plot, then the note on counts
/// the user entered.
fn pooled_and_footer(
    analysis: Option<&Analysis>,
    layout: ForestLayout,
    entered_note: Option<&str>,
) -> (Vec<PooledRow>, Vec<String>) {
    let (pooled, mut footer) = match analysis {
        Some(a) => {
            let diamond = PooledRow {
                label: format!("Total ({})", a.model_label),
                estimate: a.pooled.estimate,
                lower: a.pooled.ci_lower,
                upper: a.pooled.ci_upper,
            };
            (vec![diamond], vec![heterogeneity_line(a, layout), overall_effect_line(a, layout)])
        }
        None => (vec![], vec![]),
    };
    footer.extend(entered_note.map(String::from));
    (pooled, footer)
}

/// RevMan's subgroup forest plot, made from the main plot of the same analysis: under each
/// subgroup's heading its trials (as in the main plot, weights relative to the total), its
/// subtotal diamond with summed counts, and its heterogeneity and test for overall effect; then
/// the total and the test for subgroup differences. `groups` names each row's subgroup; `fits`
/// are the subgroups' own analyses.
pub fn subgroup_forest_plot(
    mut plot: ForestPlot,
    groups: &[String],
    fits: &[(String, Analysis)],
    difference_line: Option<String>,
) -> ForestPlot {
    let study_rows = std::mem::take(&mut plot.rows);
    let mut names: Vec<&String> = Vec::new();
    for g in groups {
        if !names.contains(&g) {
            names.push(g);
        }
    }
    for name in names {
        let members: Vec<&ForestRow> =
            study_rows.iter().zip(groups).filter(|(_, g)| *g == name).map(|(r, _)| r).collect();
        plot.rows.push(text_row(RowKind::Heading, name.clone()));
        plot.rows.extend(members.iter().map(|r| (*r).clone()));
        let pooled: Vec<&&ForestRow> = members.iter().filter(|r| r.status == RowStatus::Included).collect();
        let sum = |arm: fn(&ForestRow) -> Option<(i64, i64)>| {
            pooled.iter().filter_map(|r| arm(r)).fold((0, 0), |(e, n), (re, rn)| (e + re, n + rn))
        };
        let fit = fits.iter().find(|(g, _)| g == name).map(|(_, a)| a);
        plot.rows.push(ForestRow {
            kind: RowKind::Subtotal,
            label: "Subtotal".into(),
            treatment: (!pooled.is_empty()).then(|| sum(|r| r.treatment)),
            control: (!pooled.is_empty()).then(|| sum(|r| r.control)),
            weight_percent: (!pooled.is_empty()).then(|| pooled.iter().filter_map(|r| r.weight_percent).sum()),
            estimate: fit.map(|a| (a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper)),
            status: if fit.is_some() { RowStatus::Included } else { RowStatus::NotEstimable },
            emphasis: false,
            entered: pooled.iter().any(|r| r.entered),
            extra: vec![],
            rob: [None; 6],
        });
        if let Some(a) = fit {
            plot.rows.push(text_row(RowKind::Note, heterogeneity_line(a, plot.layout)));
            plot.rows.push(text_row(RowKind::Note, overall_effect_line(a, plot.layout)));
        }
    }
    plot.footer.extend(difference_line);
    // RevMan's subgroup plot has no prediction interval; the main plot shows it when asked.
    plot.prediction = None;
    plot
}

fn text_row(kind: RowKind, label: String) -> ForestRow {
    ForestRow {
        kind,
        label,
        treatment: None,
        control: None,
        weight_percent: None,
        estimate: None,
        status: RowStatus::Included,
        emphasis: false,
        entered: false,
        extra: vec![],
        rob: [None; 6],
    }
}

/// The plot with only the studies from `first` (0-based) to `first + count`, for the screen
/// when there are more than fit: the totals still pool every study, and a note says which
/// studies are shown. Exports use the whole plot.
pub fn window_rows(mut plot: ForestPlot, first: usize, shown: usize) -> ForestPlot {
    let total = plot.rows.iter().filter(|r| r.kind == RowKind::Study).count();
    if total <= shown {
        return plot;
    }
    let first = first.min(total.saturating_sub(1));
    let last = (first + shown).min(total);
    let mut index = 0;
    plot.rows.retain(|r| {
        if r.kind != RowKind::Study {
            return true;
        }
        index += 1;
        (first..last).contains(&(index - 1))
    });
    let note =
        format!("Studies {}-{} of {} shown; the total pools all of them", count(first + 1), count(last), count(total));
    plot.rows.push(text_row(RowKind::Note, note));
    plot
}
