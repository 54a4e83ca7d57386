//! Subgroups: separate pools per value of a trial attribute (background therapy, duration,
//! phase, publication, or a column of the user's CSV) in RevMan's subgroup forest layout, and
//! the test for subgroup differences.
use super::shared::{per_thousand_at_summary_risk, view_code, ViewRCode};
use crate::components::choice::{Choice, CodedChoice};
use crate::components::forest_plot_canvas::plot_of;
use crate::components::plot_canvas::PlotCanvas;
use crate::state::pooled_trials;
use crate::state::{AppState, SubgroupBy};
use leptos::prelude::*;
use livemeta_core::data::Trial;
use livemeta_core::report::ViewCode;
use livemeta_core::report::{effect_with_ci, p_value};
use livemeta_core::sensitivity::subgroups;
use livemeta_plot::subgroup_forest_plot;

/// A trial's subgroup under an attribute, in words.
fn subgroup_of(t: &Trial, by: SubgroupBy) -> String {
    match by {
        SubgroupBy::Background => {
            if t.background == "tcs" {
                "with topical corticosteroids".into()
            } else {
                "monotherapy".into()
            }
        }
        SubgroupBy::Duration => t.weeks.map_or("duration not given".into(), |w| format!("{w} weeks")),
        SubgroupBy::Phase => format!("phase {}", t.phase),
        SubgroupBy::Publication => t.publication.clone(),
    }
}

/// Each row's subgroup, in screen order: the chosen attribute of the trial (a CSV column, a
/// review's subgroup; a blank is its own group), or else a described trial's field.
fn row_groups(state: &AppState, by: SubgroupBy, column: Option<&str>) -> Vec<String> {
    let dataset = state.dataset();
    state.rows.with(|rows| {
        rows.iter()
            .map(|r| match (dataset.trial(&r.trial_id), column) {
                (Some(t), Some(name)) => {
                    t.attribute(name).filter(|v| !v.is_empty()).map_or_else(|| "(blank)".to_string(), String::from)
                }
                (Some(t), None) => subgroup_of(t, by),
                (None, _) => "unknown".into(),
            })
            .collect()
    })
}

#[component]
pub fn SubgroupsView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    // Trials described by background, duration and phase (the dupilumab set) group by those.
    let described = move || state.source.with(|s| s.dataset.trials.iter().any(|t| !t.background.is_empty()));
    // The attributes to group by otherwise (the data's first until one is chosen).
    let columns = Memo::new(move |_| state.source.with(|s| s.dataset.attribute_names()));
    let column = Memo::new(move |_| {
        let chosen = selection.with(|s| s.views.subgroup_column.clone());
        columns.with(|c| chosen.filter(|chosen| c.contains(chosen)).or_else(|| c.first().cloned()))
    });
    let groups = Memo::new(move |_| {
        let by = selection.with(|s| s.views.subgroup_by);
        column.with(|c| row_groups(&state, by, c.as_deref()))
    });
    // The pooled trials' subgroups, in the order the engine sees the trials.
    let pooled_groups = Memo::new(move |_| {
        groups.with(|g| {
            state.rows.with(|rows| {
                rows.iter()
                    .zip(g)
                    .filter(|(r, _)| r.pooled_counts().is_some())
                    .map(|(_, g)| g.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    // The subgroups' own analyses, and the test for differences as RevMan words it.
    let result = Memo::new(move |_| {
        let studies = state.rows.with(|rows| pooled_trials(rows)).1;
        pooled_groups
            .with(|g| subgroups(&studies, g, &selection.with(|s| s.method.options())))
            .map(|fit| {
                let i2 =
                    if fit.q_between > 0.0 { (100.0 * (fit.q_between - fit.df) / fit.q_between).max(0.0) } else { 0.0 };
                let test = format!(
                    "Test for subgroup differences: Chi² = {:.2}, df = {} ({}), I² = {i2:.1}%",
                    fit.q_between,
                    fit.df,
                    p_value(fit.p_value)
                );
                (fit.groups, test, fit.q_between)
            })
            .map_err(|e| e.to_string())
    });
    // RevMan's layout: every trial under its subgroup's heading, switched off or not.
    let plot = Memo::new(move |_| {
        let s = selection.get();
        result.with(|r| {
            let (fits, test) = r.as_ref().map_or((&[][..], None), |(fits, test, _)| (&fits[..], Some(test.clone())));
            // The main plot's layout and columns, regrouped.
            let studies = state
                .source
                .with(|source| state.rows.with(|rows| state.analysis.with(|full| plot_of(&s, source, rows, full))));
            groups.with(|g| subgroup_forest_plot(studies, g, fits, test))
        })
    });
    let presenter = state.presenter();
    let summary = move || {
        let measure = selection.with(|s| s.method.measure);
        result.with(|r| match r {
            Ok((fits, test, q)) => view! {
                <ul class="readings in-plot">
                    {fits.iter().enumerate().map(|(i, (name, a))| {
                        let trials = if a.k == 1 { "trial" } else { "trials" };
                        let absolute = per_thousand_at_summary_risk(state, a.pooled.estimate).map_or(String::new(), |d| format!("; {d} per 1,000"));
                        let text = format!("{name} ({} {trials}): {} {}{absolute}", a.k, measure.label(), effect_with_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper, measure));
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
        <>
            <Show when=move || described() || columns.with(|c| !c.is_empty())
                fallback=|| view! { <p class="note-inline" data-testid="subgroup-test">"To group your studies, add a column to the CSV (for example subgroup, year or risk of bias) and analyse it again."</p> }>
                <div class="controls">
                    <Show when=move || columns.with(Vec::is_empty) fallback=move || view! {
                        <Choice label="Group studies by" testid="subgroup-column"
                            options=Signal::derive(move || columns.get().into_iter().map(|name| (name.clone(), name)).collect())
                            current=Signal::derive(move || column.get().unwrap_or_default())
                            on_pick=move |name| selection.update(|s| s.views.subgroup_column = Some(name)) />
                    }>
                        <CodedChoice label="Group trials by" testid="subgroup-by"
                            current=Signal::derive(move || selection.with(|s| s.views.subgroup_by))
                            on_pick=move |by| selection.update(|s| s.views.subgroup_by = by) />
                    </Show>
                </div>
                <PlotCanvas plot=plot presenter=presenter export_as="subgroups" testid="subgroups-plot"
                    label="Subgroup forest plot: the trials under each subgroup with its subtotal, then the total; the subgroup results are listed below" />
                {summary}
                <ViewRCode code=view_code(state, move || ViewCode::Subgroups(pooled_groups.get())) testid="r-code-subgroups" />
            </Show>
        </>
    }
}
