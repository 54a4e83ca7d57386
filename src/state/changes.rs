//! The change marker: the pooled result before the last change, and that change in words.
use super::{DataSource, Labelled, Selection};
use leptos::prelude::*;
use livemeta_core::data::{Dataset, TrialData};
use livemeta_core::model::Analysis;
use livemeta_core::{EngineError, Measure};
use std::sync::Arc;

/// What the last change did to the pooled estimate, for the change marker.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeMarker {
    /// Previous pooled (estimate, lower, upper) on the display scale, same measure as now.
    pub before: Option<(f64, f64, f64)>,
    pub description: String,
}

/// Remembers the pooled result before each change, and says in words what changed. Only
/// changes to the analysis count: presenter mode or the comparison diamond leave it alone.
pub(super) fn track_changes(
    selection: RwSignal<Selection>,
    source: RwSignal<DataSource>,
    analysis: Memo<Result<Analysis, EngineError>>,
    change: RwSignal<Option<ChangeMarker>>,
) {
    type Snapshot = (Selection, Option<(Measure, f64, f64, f64)>, Arc<Dataset>);
    Effect::new(move |previous: Option<Snapshot>| {
        let dataset = source.with(|s| s.dataset.clone());
        let now = selection.get();
        let pooled = analysis
            .with(|a| a.as_ref().ok().map(|a| (a.measure, a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper)));
        if let Some((before, before_pooled, before_dataset)) = previous {
            let result_moved = before_pooled != pooled;
            if !Arc::ptr_eq(&before_dataset, &dataset) {
                // Other data: the old diamond is no reference point for the new one.
                change.set(Some(ChangeMarker { before: None, description: format!("data: {}", dataset.title) }));
                return (now, pooled, dataset);
            }
            if !before.same_analysis(&now) || result_moved {
                let same_measure = matches!((before_pooled, pooled), (Some(b), Some(n)) if b.0 == n.0);
                if let Some(description) = describe_change(&dataset, &before, &now, result_moved) {
                    change.set(Some(ChangeMarker {
                        before: before_pooled.filter(|_| same_measure).map(|(_, e, l, u)| (e, l, u)),
                        description,
                    }));
                }
            }
        }
        (now, pooled, dataset)
    });
}

/// "SOLO 1 excluded", "model: Random effects, REML", ... A zero-cell setting is named only
/// when it moved the result (with no zero cells in the pooled tables it changes nothing).
/// `None` when nothing in the analysis changed.
pub fn describe_change(dataset: &Dataset, before: &Selection, now: &Selection, result_moved: bool) -> Option<String> {
    let label = |id: &str| dataset.trial(id).map_or(id.to_string(), |t| t.label.clone());
    // A trial with no count for this outcome changes no number when it is switched.
    let outcome = dataset.outcome_or_first(&now.scope.outcome);
    let has_data = |id: &&String| {
        dataset.trial(id).is_none_or(|t| {
            !matches!(t.data_for(outcome, &now.scope.dose), TrialData::NotReported | TrialData::NoSuchArm)
        })
    };
    let mut parts = Vec::new();
    for id in now.scope.excluded.iter().filter(|id| !before.scope.excluded.contains(id)).filter(has_data) {
        parts.push(format!("{} excluded", label(id)));
    }
    for id in before.scope.excluded.iter().filter(|id| !now.scope.excluded.contains(id)).filter(has_data) {
        parts.push(format!("{} included", label(id)));
    }
    if before.scope.outcome != now.scope.outcome {
        parts.push(format!(
            "outcome: {}",
            dataset.outcome(&now.scope.outcome).map_or(now.scope.outcome.as_str(), |o| o.label.as_str())
        ));
    }
    if before.scope.dose != now.scope.dose {
        parts.push(format!("dose: {}", now.scope.dose.label()));
    }
    let (b, n) = (before.method.options(), now.method.options());
    if b.measure != n.measure {
        parts.push(format!("measure: {}", n.measure.label()));
    }
    if b.model != n.model {
        parts.push(format!("model: {}", n.model.label()));
    }
    if b.ci_method != n.ci_method {
        parts.push(format!("CI: {}", n.ci_method.label()));
    }
    if b.q_centre != n.q_centre {
        parts.push(format!("Q {}", n.q_centre.label()));
    }
    if b.i2_from != n.i2_from {
        parts.push(format!("I² {}", n.i2_from.label()));
    }
    for e in now.entered.cells.iter().filter(|e| !before.entered.cells.contains(e) && e.outcome == now.scope.outcome) {
        parts.push(format!("counts entered for {}", label(&e.trial)));
    }
    for e in before.entered.cells.iter().filter(|e| !now.entered.cells.iter().any(|n| n.same_cell(e))) {
        parts.push(format!("entered counts for {} removed", label(&e.trial)));
    }
    if before.entered.used != now.entered.used {
        parts.push(format!("entered counts {}", if now.entered.used { "used" } else { "set aside" }));
    }
    // A zero-cell rule matters only where a trial switched on has a zero cell.
    let any_zero_cell = || {
        dataset.trials.iter().filter(|t| !now.scope.excluded.contains(&t.id)).any(|t| {
            match t.data_for(outcome, &now.scope.dose) {
                TrialData::Reported { counts, .. } => counts.has_zero_cell(),
                _ => false,
            }
        })
    };
    if b.zero_cells != n.zero_cells && result_moved && any_zero_cell() {
        parts.push("zero-cell handling changed".into());
    }
    if before.scope.definition != now.scope.definition {
        parts.push(format!(
            "outcome definition: {}",
            now.scope
                .definition
                .as_deref()
                .map_or("the dataset's order of preference", |d| dataset.definition_label(d))
        ));
    }
    // Each view's own options are steps of their own (a story replays them too).
    if before.views.compare_models != now.views.compare_models {
        parts.push(format!("other model's diamond {}", if now.views.compare_models { "shown" } else { "hidden" }));
    }
    if before.views.tau_prior != now.views.tau_prior {
        parts.push(format!("prior on τ: {}", now.views.tau_prior.label()));
    }
    if before.views.cumulative_order != now.views.cumulative_order {
        parts.push(format!("cumulative order: {}", now.views.cumulative_order.label()));
    }
    if before.views.subgroup_by != now.views.subgroup_by || before.views.subgroup_column != now.views.subgroup_column {
        parts.push(format!(
            "subgroups by {}",
            now.views.subgroup_column.as_deref().unwrap_or(now.views.subgroup_by.label())
        ));
    }
    if before.views.moderator != now.views.moderator {
        parts.push(format!("moderator: {}", now.views.moderator.as_deref().unwrap_or("the first")));
    }
    if before.views.multiverse_family != now.views.multiverse_family {
        parts.push(format!("specification curve: {}", now.views.multiverse_family.label()));
    }
    if before.views.fit_mixed != now.views.fit_mixed {
        parts.push(format!("mixed models {}", if now.views.fit_mixed { "fitted" } else { "not fitted" }));
    }
    if before.views.tsa != now.views.tsa {
        parts.push("trial sequential assumptions changed".into());
    }
    if before.views.control_risk != now.views.control_risk {
        parts.push(format!("absolute effect at {}", now.views.control_risk.label()));
    }
    if before.views.threshold != now.views.threshold {
        parts.push(
            if now.views.threshold.is_some() {
                "clinically important effect set"
            } else {
                "clinically important effect removed"
            }
            .into(),
        );
    }
    if before.views.lens != now.views.lens {
        parts.push("convention lens compares other conventions".into());
    }
    if parts.is_empty() && result_moved {
        parts.push("data changed".into());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
