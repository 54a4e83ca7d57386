//! Leave-one-out: the pool refitted without each trial in turn. Each row says in words how far
//! leaving that trial out moves the result, and a button applies that exclusion.
use super::shared::{per_thousand_at_summary_risk, refit_interval, refit_plot_memo, view_code, ViewRCode};
use crate::components::plot_canvas::PlotCanvas;
use crate::state::pooled_trials;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::report::ViewCode;
use livemeta_core::report::{effect, effect_with_ci};
use livemeta_core::sensitivity::leave_one_out;

#[component]
pub fn LeaveOneOutView(state: AppState) -> impl IntoView {
    // (trial id, "Omitting X", refit interval) for each pooled trial.
    let refits = Memo::new(move |_| {
        let (ids, studies) = state.rows.with(|rows| pooled_trials(rows));
        let fits = leave_one_out(&studies, &state.selection.with(|s| s.method.options()));
        ids.into_iter()
            .zip(fits)
            .map(|(id, fit)| (id, format!("Omitting {}", fit.label), refit_interval(&fit)))
            .collect::<Vec<_>>()
    });
    let plot = refit_plot_memo(state, "Refit", refits);
    let presenter = state.presenter();
    let readings = move || {
        let measure = state.selection.with(|s| s.method.measure);
        let full = state.analysis.with(|a| a.as_ref().ok().map(|a| a.pooled.estimate));
        let label = measure.label();
        let per_thousand = |estimate: f64| per_thousand_at_summary_risk(state, estimate);
        refits
            .get()
            .into_iter()
            .map(|(id, omitting, interval)| {
                let trial = omitting.trim_start_matches("Omitting ").to_string();
                let text = match (full, interval) {
                    (Some(full), Some((e, l, u))) => {
                        let absolute = match (per_thousand(full), per_thousand(e)) {
                            (Some(before), Some(after)) => format!("; per 1,000, from {before} to {after}"),
                            _ => String::new(),
                        };
                        format!(
                            "Leaving out {trial} moves the {label} from {} to {}{absolute}.",
                            effect(full, measure),
                            effect_with_ci(e, l, u, measure).replacen(" (", " (95% CI ", 1)
                        )
                    }
                    (_, None) => format!("Without {trial} nothing can be pooled."),
                    (None, Some((e, l, u))) => {
                        format!("Without {trial}: {label} {}.", effect_with_ci(e, l, u, measure))
                    }
                };
                let value = interval.map_or(String::new(), |(e, ..)| format!("{e:e}"));
                let apply_id = id.clone();
                view! {
                    <li data-testid=format!("loo-row-{id}") data-value=value>
                        {text} " "
                        <button type="button" data-testid=format!("loo-apply-{id}")
                            on:click=move |_| state.selection.update(|s| {
                                if !s.scope.excluded.contains(&apply_id) {
                                    s.scope.excluded.push(apply_id.clone());
                                }
                            })>{format!("Switch {trial} off")}</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <>
            <PlotCanvas plot=plot presenter=presenter export_as="leave-one-out" testid="loo-plot"
                label="Leave-one-out plot: the pooled estimate with each trial left out; the same numbers are listed below" />
            <ul class="readings">{readings}</ul>
            <ViewRCode code=view_code(state, || ViewCode::LeaveOneOut) testid="r-code-loo" />
        </>
    }
}
