//! The multiverse: every defensible analysis of the trials switched on (each measure, pooling,
//! CI, zero-cell rule and, where the data has several, dose), as a specification curve with
//! the choices marked underneath. Clicking a specification applies its choices.
use crate::components::choice::CodedChoice;
use crate::components::plot_canvas::PlotCanvas;
use crate::state::{pooled_trials, rows_for, AppState, MultiverseFamily};
use leptos::prelude::*;
use livemeta_core::data::DoseSelection;
use livemeta_core::model::{CiMethod, Model};
use livemeta_core::model::{CorrectionScope, Measure};
use livemeta_core::report::count;
use livemeta_core::sensitivity::{
    poolings, run_multiverse, DataVariant, Multiverse, Significance, SpecificationResult,
};
use livemeta_core::Coded;
use livemeta_plot::{in_sentence, CurveSpec, SpecificationCurve};
use std::sync::Arc;

const RATIOS: [Measure; 3] = [Measure::RR, Measure::OR, Measure::PetoOR];
const ZERO_RULES: [(CorrectionScope, &str); 3] = [
    (CorrectionScope::OnlyZero, "0.5 to zero-cell trials"),
    (CorrectionScope::IfAnyZero, "0.5 to all if any zero"),
    (CorrectionScope::None, "no correction"),
];

fn pooling_label(model: Model) -> String {
    match model {
        Model::CommonInverseVariance => "common, inverse variance".into(),
        Model::CommonMantelHaenszel => "common, Mantel-Haenszel".into(),
        Model::CommonPeto => "common, Peto".into(),
        Model::Random(m) => format!("random, {}", m.code()),
        Model::RevManMhRandom => "random, M-H (RevMan 5)".into(),
    }
}

fn ci_label(ci: CiMethod) -> &'static str {
    match ci {
        CiMethod::Wald => "Wald",
        CiMethod::KnappHartung => "HKSJ",
        CiMethod::KnappHartungAdhoc => "modified HKSJ",
    }
}

/// One way of taking the data: a dose choice and an outcome definition.
#[derive(Debug, Clone, PartialEq)]
struct DataChoice {
    dose: DoseSelection,
    dose_label: String,
    definition: Option<String>,
    definition_label: String,
    variant: DataVariant,
}

/// The data the multiverse runs on: each dose choice when the data has several regimens, else
/// the dose on screen; with each, every definition of the outcome some trial reports (a trial
/// without it keeps its usual one), the dataset's own order first. Choices that give the same
/// tables as an earlier one, or none, are left out.
fn variants(state: AppState) -> Vec<DataChoice> {
    let selection = state.selection.get();
    let doses = state.doses();
    let chosen: Vec<(DoseSelection, String)> = if doses.len() > 2 {
        doses
    } else {
        doses.into_iter().filter(|(dose, _)| *dose == selection.scope.dose).collect()
    };
    let dataset = state.dataset();
    let mut choices: Vec<DataChoice> = Vec::new();
    state.source.with(|source| {
        for (dose, dose_label) in chosen {
            let mut at_dose = selection.clone();
            at_dose.scope.dose = dose.clone();
            let outcome = dataset.outcome_or_first(&selection.scope.outcome);
            let definitions =
                std::iter::once(None).chain(dataset.reported_definitions(outcome, &dose).into_iter().map(Some));
            for definition in definitions {
                at_dose.scope.definition = definition.clone();
                let studies = pooled_trials(&rows_for(&at_dose, source)).1;
                if studies.is_empty() || choices.iter().any(|c| c.dose == dose && c.variant.studies == studies) {
                    continue;
                }
                // The ids are short and distinct where the labels share their first words.
                let definition_label = definition.clone().unwrap_or_else(|| "each trial's first".to_string());
                let variant = DataVariant { label: format!("{dose_label} · {definition_label}"), studies };
                choices.push(DataChoice {
                    dose: dose.clone(),
                    dose_label: dose_label.clone(),
                    definition,
                    definition_label,
                    variant,
                });
            }
        }
    });
    choices
}

fn percent(part: usize, total: usize) -> String {
    format!("{:.0}%", 100.0 * part as f64 / total.max(1) as f64)
}

#[component]
pub fn MultiverseView(state: AppState) -> impl IntoView {
    let presenter = state.presenter();
    // Recomputed on every change, but equal data leaves the multiverse alone.
    let data = Memo::new(move |_| variants(state));
    let multiverse = Memo::new(move |_| {
        data.with(|d| Arc::new(run_multiverse(&d.iter().map(|c| c.variant.clone()).collect::<Vec<_>>(), 0.95)))
    });
    let show_ratio =
        Signal::derive(move || state.selection.with(|s| s.views.multiverse_family == MultiverseFamily::Ratio));
    // The specifications of the family shown, sorted by estimate.
    let shown = Memo::new(move |_| {
        let ratio = show_ratio.get();
        let m: Arc<Multiverse> = multiverse.get();
        let mut specs: Vec<SpecificationResult> =
            m.results.iter().filter(|r| r.spec.options.measure.is_ratio() == ratio).cloned().collect();
        specs.sort_by(|a, b| a.estimate.total_cmp(&b.estimate));
        specs
    });
    let curve = Memo::new(move |_| {
        let ratio = show_ratio.get();
        let (options, dose) = state.selection.with(|s| (s.method.options(), s.scope.dose.clone()));
        let choices = data.get();
        // The data on screen is the choice at this dose with the same tables.
        let on_screen = state.rows.with(|rows| pooled_trials(rows).1);
        let current_variant = choices.iter().position(|c| c.dose == dose && c.variant.studies == on_screen);
        // The distinct doses and definitions, each a row of marks under the curve.
        let mut doses: Vec<String> = Vec::new();
        let mut definitions: Vec<String> = Vec::new();
        for c in &choices {
            if !doses.contains(&c.dose_label) {
                doses.push(c.dose_label.clone());
            }
            if !definitions.contains(&c.definition_label) {
                definitions.push(c.definition_label.clone());
            }
        }
        let measures: Vec<Measure> = if ratio { RATIOS.to_vec() } else { vec![Measure::RD] };
        let rules: Vec<(CorrectionScope, &str)> = ZERO_RULES
            .into_iter()
            .filter(|(scope, _)| shown.with(|s| s.iter().any(|r| r.spec.options.zero_cells.scope == *scope)))
            .collect();
        let models = poolings();
        let mut grid = vec![
            (
                "Measure".to_string(),
                measures
                    .iter()
                    .map(|m| if *m == Measure::PetoOR { "Peto OR".to_string() } else { m.code().to_string() })
                    .collect::<Vec<_>>(),
            ),
            ("Pooling".to_string(), models.iter().map(|&m| pooling_label(m)).collect()),
            ("CI".to_string(), CiMethod::ALL.iter().map(|&c| ci_label(c).to_string()).collect()),
        ];
        if rules.len() > 1 {
            grid.push(("Zero cells".to_string(), rules.iter().map(|(_, label)| label.to_string()).collect()));
        }
        if doses.len() > 1 {
            grid.push(("Dose".to_string(), doses.clone()));
        }
        if definitions.len() > 1 {
            grid.push(("Definition".to_string(), definitions.clone()));
        }
        let specs = shown.with(|specs| {
            specs
                .iter()
                .map(|r| {
                    let o = &r.spec.options;
                    let mut marks = vec![
                        measures.iter().position(|m| *m == o.measure).unwrap_or(0),
                        models.iter().position(|m| *m == o.model).unwrap_or(0),
                        CiMethod::ALL.iter().position(|c| *c == o.ci_method).unwrap_or(0),
                    ];
                    if rules.len() > 1 {
                        marks.push(rules.iter().position(|(scope, _)| *scope == o.zero_cells.scope).unwrap_or(0));
                    }
                    let choice = &choices[r.spec.variant];
                    if doses.len() > 1 {
                        marks.push(doses.iter().position(|d| *d == choice.dose_label).unwrap_or(0));
                    }
                    if definitions.len() > 1 {
                        marks.push(definitions.iter().position(|d| *d == choice.definition_label).unwrap_or(0));
                    }
                    let side = match r.significance {
                        Significance::Below => -1,
                        Significance::Above => 1,
                        Significance::Neither => 0,
                    };
                    CurveSpec {
                        estimate: r.estimate,
                        lower: r.ci_lower,
                        upper: r.ci_upper,
                        side,
                        marks,
                        current: *o == options && Some(r.spec.variant) == current_variant,
                    }
                })
                .collect()
        });
        let measure_label = if ratio { "Risk or odds ratio".to_string() } else { Measure::RD.label().to_string() };
        SpecificationCurve { measure_label, ratio, specs, choices: grid, show_choices: !presenter.get() }
    });
    let apply = move |i: usize| {
        let Some(spec) = shown.with(|s| s.get(i).map(|r| r.spec)) else { return };
        let choice = data.with(|d| d.get(spec.variant).cloned());
        state.selection.update(|s| {
            let o = spec.options;
            (s.method.measure, s.method.model, s.method.ci_method, s.method.zero_cells) =
                (o.measure, o.model, o.ci_method, o.zero_cells);
            if let Some(choice) = choice {
                (s.scope.dose, s.scope.definition) = (choice.dose, choice.definition);
            }
        });
    };
    let treatment = move || in_sentence(&state.dataset().treatment_label);
    let summary = move || {
        let m = multiverse.get();
        let all = m.tally(|_| true);
        if all.total() == 0 && m.failed.is_empty() {
            return "No trial switched on reports this outcome, so there is no analysis to vary.".to_string();
        }
        let dimensions = data.with(|d| {
            let doses = d.iter().map(|c| &c.dose).collect::<std::collections::HashSet<_>>().len();
            let definitions = d.iter().map(|c| &c.definition_label).collect::<std::collections::HashSet<_>>().len();
            match (doses > 1, definitions > 1) {
                (true, true) => {
                    format!(", and {} ways of taking the data: {doses} dose choices by outcome definitions", d.len())
                }
                (true, false) => format!(", and {doses} dose choices"),
                (false, true) => format!(", and {definitions} outcome definitions"),
                (false, false) => String::new(),
            }
        });
        let failed = if m.failed.is_empty() {
            String::new()
        } else {
            format!(" {} could not be fitted (for example a measure with no events to compare).", count(m.failed.len()))
        };
        format!(
            "{} specifications run (each measure, pooling, CI and zero-cell rule{dimensions}). Significantly fewer events with {}: {} ({}); significantly more: {} ({}); neither: {} ({}).{failed}",
            count(all.total()),
            treatment(),
            count(all.below),
            percent(all.below, all.total()),
            count(all.above),
            percent(all.above, all.total()),
            count(all.neither),
            percent(all.neither, all.total()),
        )
    };
    let position = move || {
        let total = curve.with(|c| c.specs.len());
        match curve.with(|c| c.specs.iter().position(|s| s.current)) {
            Some(i) => format!("The analysis on screen is specification {} of {total} shown (highlighted). Click any specification to apply it.", i + 1),
            None => format!("The analysis on screen is not among the {total} shown (another measure family, or its zero-cell rule is not varied here). Click any specification to apply it."),
        }
    };
    view! {
        <>
            <p data-testid="multiverse-summary" data-value=move || { let t = multiverse.get().tally(|_| true); format!("{},{},{}", t.below, t.above, t.neither) }>{summary}</p>
            <div class="controls">
                <CodedChoice label="Show " testid="multiverse-family"
                    current=Signal::derive(move || state.selection.with(|s| s.views.multiverse_family))
                    on_pick=move |family| state.selection.update(|s| s.views.multiverse_family = family) />
            </div>
            <Show when=move || shown.with(|s| !s.is_empty())
                fallback=|| view! { <p class="note-inline" data-testid="multiverse-position">"No specification of this family could be fitted: no trial switched on reports this outcome, or none has events to compare."</p> }>
                <p class="note-inline" data-testid="multiverse-position">{position}</p>
                <PlotCanvas plot=curve presenter=presenter export_as="multiverse-plot" testid="multiverse-plot" drawn_mark="multiverse-drawn"
                    label="Specification curve: the pooled estimate and CI of every specification, sorted, with its choices marked underneath"
                    on_pick=Callback::new(apply) />
            </Show>
        </>
    }
}
