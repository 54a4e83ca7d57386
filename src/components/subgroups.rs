//! Subgroups: separate pools per value of a trial attribute (background therapy, duration,
//! phase, publication, or a column of the user's CSV) in RevMan's subgroup forest layout, and
//! the test for subgroup differences.
use crate::components::choice::CodedChoice;
use crate::components::forest_plot_canvas::plot_labels;
use crate::components::plot_canvas::PlotCanvas;
use crate::components::sensitivity::{pooled_trials, view_code, ViewRCode};
use crate::state::{AppState, DataSource, Selection, SubgroupBy, DATASET};
use leptos::prelude::*;
use livemeta_core::format::{effect_with_ci, p_value};
use livemeta_core::rcode::ViewCode;
use livemeta_core::sensitivity::subgroups;
use livemeta_plot::{forest_plot, subgroup_forest_plot};

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

/// Each row's subgroup, in screen order: a bundled trial's attribute, or the chosen column of
/// the user's CSV (a blank cell is its own group).
fn row_groups(state: &AppState, by: SubgroupBy, column: Option<&str>) -> Vec<String> {
    state.source.with(|source| match source {
        DataSource::Bundled => state.rows.with(|rows| rows.iter().map(|r| subgroup_of(&r.trial_id, by)).collect()),
        DataSource::Imported { columns, .. } => {
            let values = columns.iter().find(|(name, _)| Some(name.as_str()) == column).map(|(_, v)| v.clone()).unwrap_or_default();
            state.rows.with(|rows| (0..rows.len()).map(|i| values.get(i).filter(|v| !v.is_empty()).cloned().unwrap_or_else(|| "(blank)".into())).collect())
        }
    })
}

#[component]
pub fn SubgroupsView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let bundled = move || state.source.with(|s| matches!(s, DataSource::Bundled));
    // The columns of imported data to group by; the choice is the view's own, like the data,
    // which links do not carry.
    let columns = Memo::new(move |_| state.source.with(|s| match s {
        DataSource::Imported { columns, .. } => columns.iter().map(|(name, _)| name.clone()).collect(),
        DataSource::Bundled => Vec::<String>::new(),
    }));
    let column = RwSignal::new(None::<String>);
    Effect::new(move |_| columns.with(|c| column.set(c.first().cloned())));
    let groups = Memo::new(move |_| {
        let by = selection.with(|s| s.subgroup_by);
        column.with(|c| row_groups(&state, by, c.as_deref()))
    });
    // The pooled trials' subgroups, in the order the engine sees the trials.
    let pooled_groups = Memo::new(move |_| {
        groups.with(|g| state.rows.with(|rows| rows.iter().zip(g).filter(|(r, _)| r.pooled_counts().is_some()).map(|(_, g)| g.clone()).collect::<Vec<_>>()))
    });
    // The subgroups' own analyses, and the test for differences as RevMan words it.
    let result = Memo::new(move |_| {
        let studies = pooled_trials(&state).1;
        pooled_groups
            .with(|g| subgroups(&studies, g, &selection.with(Selection::options)))
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
        result.with(|r| {
            let (fits, test) = r.as_ref().map_or((&[][..], None), |(fits, test, _)| (&fits[..], Some(test.clone())));
            let studies = state.rows.with(|rows| state.analysis.with(|full| forest_plot(rows, full, &s.options(), outcome, treatment, control)));
            groups.with(|g| subgroup_forest_plot(studies, g, fits, test))
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
            <Show when=move || bundled() || columns.with(|c| !c.is_empty())
                fallback=|| view! { <p class="note-inline" data-testid="subgroup-test">"To group your studies, add a column to the CSV (for example subgroup, year or risk of bias) and analyse it again."</p> }>
                <div class="controls">
                    <Show when=bundled fallback=move || view! {
                        <label>"Group studies by"
                            <select data-testid="subgroup-column" on:change=move |ev| column.set(Some(event_target_value(&ev)))>
                                {move || columns.get().into_iter().map(|name| {
                                    let selected = column.with(|c| c.as_deref() == Some(name.as_str()));
                                    view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }>
                        <CodedChoice label="Group trials by" testid="subgroup-by"
                            current=Signal::derive(move || selection.with(|s| s.subgroup_by))
                            on_pick=move |by| selection.update(|s| s.subgroup_by = by) />
                    </Show>
                </div>
                <PlotCanvas plot=plot presenter=presenter export_as="subgroups" testid="subgroups-plot"
                    label="Subgroup forest plot: the trials under each subgroup with its subtotal, then the total; the subgroup results are listed below" />
                {summary}
                <ViewRCode code=view_code(state, move || ViewCode::Subgroups(pooled_groups.get())) testid="r-code-subgroups" />
            </Show>
        </div>
    }
}
