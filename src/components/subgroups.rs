//! Subgroups: separate pools per value of a trial attribute (background therapy, duration,
//! phase, publication) in RevMan's subgroup forest layout, and the test for subgroup differences.
use crate::components::choice::CodedChoice;
use crate::components::forest_plot_canvas::plot_labels;
use crate::components::plot_canvas::PlotCanvas;
use crate::components::sensitivity::{pooled_trials, view_code, ViewRCode};
use crate::state::{AppState, DataSource, Selection, SubgroupBy, DATASET};
use leptos::prelude::*;
use livemeta_core::format::{effect_with_ci, p_value};
use livemeta_core::rcode::ViewCode;
use livemeta_core::sensitivity::subgroups;
use livemeta_plot::subgroup_forest_plot;

/// A trial's subgroup under an attribute, in words.
fn subgroup_of(id: &str, by: SubgroupBy) -> String {
    let Some(t) = DATASET.trials.iter().find(|t| t.id == id) else { return "unknown".into() };
    match by {
        SubgroupBy::Background => if t.background == "tcs" { "with topical corticosteroids".into() } else { "monotherapy".into() },
        SubgroupBy::Duration => format!("{} weeks", t.weeks),
        SubgroupBy::Phase => format!("phase {}", t.phase),
        SubgroupBy::Publication => t.publication.clone(),
    }
}

#[component]
pub fn SubgroupsView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let bundled = move || state.source.with(|s| matches!(s, DataSource::Bundled));
    // The subgroups' own analyses, and the test for differences as RevMan words it.
    let result = Memo::new(move |_| {
        let (ids, studies) = pooled_trials(&state);
        let by = selection.with(|s| s.subgroup_by);
        let groups: Vec<String> = ids.iter().map(|id| subgroup_of(id, by)).collect();
        subgroups(&studies, &groups, &selection.with(Selection::options))
            .map(|fit| {
                let i2 = if fit.q_between > 0.0 { (100.0 * (fit.q_between - fit.df) / fit.q_between).max(0.0) } else { 0.0 };
                let test = format!("Test for subgroup differences: Chi² = {:.2}, df = {} ({}), I² = {i2:.1}%", fit.q_between, fit.df, p_value(fit.p_value));
                (fit.groups, test, fit.q_between)
            })
            .map_err(|e| e.to_string())
    });
    // RevMan's layout: every trial under its subgroup's heading, switched off or not.
    let plot = Memo::new(move |_| {
        let s = selection.get();
        let (outcome, treatment, control) = state.source.with(|source| plot_labels(&s, source));
        let groups: Vec<String> = state.rows.with(|rows| rows.iter().map(|r| subgroup_of(&r.trial_id, s.subgroup_by)).collect());
        result.with(|r| {
            let (fits, test) = r.as_ref().map_or((&[][..], None), |(fits, test, _)| (&fits[..], Some(test.clone())));
            state.rows.with(|rows| state.analysis.with(|full| subgroup_forest_plot(rows, &groups, fits, test, full, &s.options(), outcome, treatment, control)))
        })
    });
    let presenter = Signal::derive(move || selection.with(|s| s.presenter));
    let summary = move || {
        let measure = selection.with(|s| s.measure);
        result.with(|r| match r {
            Ok((fits, test, q)) => view! {
                <ul class="readings in-plot">
                    {fits.iter().enumerate().map(|(i, (name, a))| {
                        let trials = if a.k == 1 { "trial" } else { "trials" };
                        let text = format!("{name} ({} {trials}): {} {}", a.k, measure.label(), effect_with_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper, measure));
                        view! { <li data-testid=format!("subgroup-row-{i}") data-value=format!("{:e}", a.pooled.estimate)>{text}</li> }
                    }).collect_view()}
                    <li data-testid="subgroup-test" data-value=format!("{q:e}")>{test.clone()}</li>
                </ul>
            }
            .into_any(),
            Err(e) => view! { <p class="note-inline" data-testid="subgroup-test">{format!("No subgroup comparison: {e}.")}</p> }.into_any(),
        })
    };
    view! {
        <div class="sensitivity-view" role="tabpanel" data-testid="subgroups-view">
            <Show when=bundled fallback=|| view! { <p class="note-inline">"Subgroups use the bundled trials' attributes; imported data has none yet."</p> }>
                <div class="controls">
                    <CodedChoice label="Group trials by" testid="subgroup-by"
                        current=Signal::derive(move || selection.with(|s| s.subgroup_by))
                        on_pick=move |by| selection.update(|s| s.subgroup_by = by) />
                </div>
                <PlotCanvas plot=plot presenter=presenter export_as="subgroups" testid="subgroups-plot"
                    label="Subgroup forest plot: the trials under each subgroup with its subtotal, then the total; the subgroup results are listed below" />
                {summary}
                <ViewRCode code=view_code(state, move || ViewCode::Subgroups(pooled_trials(&state).0.iter().map(|id| subgroup_of(id, selection.with(|s| s.subgroup_by))).collect())) testid="r-code-subgroups" />
            </Show>
        </div>
    }
}
