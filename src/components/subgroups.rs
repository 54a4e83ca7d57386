//! Subgroups: separate pools per value of a trial attribute (background therapy, duration,
//! phase, publication) and the test for subgroup differences, as RevMan reports it.
use crate::components::choice::CodedChoice;
use crate::components::forest_plot_canvas::plot_labels;
use crate::components::plot_canvas::PlotCanvas;
use crate::components::sensitivity::{pooled_trials, view_code, ViewRCode};
use crate::state::{AppState, DataSource, Selection, SubgroupBy, DATASET};
use leptos::prelude::*;
use livemeta_core::format::{effect_with_ci, p_value};
use livemeta_core::rcode::ViewCode;
use livemeta_core::sensitivity::subgroups;
use livemeta_plot::refit_plot;

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
    // (subgroup label with its trial count, interval) per subgroup, and the test for differences.
    let result = Memo::new(move |_| {
        let (ids, studies) = pooled_trials(&state);
        let by = selection.with(|s| s.subgroup_by);
        let groups: Vec<String> = ids.iter().map(|id| subgroup_of(id, by)).collect();
        subgroups(&studies, &groups, &selection.with(Selection::options)).map(|fit| {
            let rows: Vec<(String, Option<(f64, f64, f64)>)> = fit
                .groups
                .iter()
                .map(|(name, a)| (format!("{name} ({} {})", a.k, if a.k == 1 { "trial" } else { "trials" }), Some((a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper))))
                .collect();
            let test = format!("Test for subgroup differences: Chi² = {:.2}, df = {} ({})", fit.q_between, fit.df, p_value(fit.p_value));
            (rows, test, fit.q_between)
        })
        .map_err(|e| e.to_string())
    });
    let plot = Memo::new(move |_| {
        let s = selection.get();
        let (outcome, treatment, control) = state.source.with(|source| plot_labels(&s, source));
        let (rows, test) = result.with(|r| r.as_ref().map_or((vec![], None), |(rows, test, _)| (rows.clone(), Some(test.clone()))));
        let mut plot = state.analysis.with(|full| refit_plot("Subgroup", rows, full, &s.options(), outcome, treatment, control));
        plot.footer.extend(test);
        plot
    });
    let presenter = Signal::derive(move || selection.with(|s| s.presenter));
    let summary = move || {
        let measure = selection.with(|s| s.measure);
        result.with(|r| match r {
            Ok((rows, test, q)) => view! {
                <ul class="readings">
                    {rows.iter().enumerate().map(|(i, (label, interval))| {
                        let text = interval.map_or(String::new(), |(e, l, u)| format!("{label}: {} {}", measure.label(), effect_with_ci(e, l, u, measure)));
                        let value = interval.map_or(String::new(), |(e, _, _)| format!("{e:e}"));
                        view! { <li data-testid=format!("subgroup-row-{i}") data-value=value>{text}</li> }
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
                    label="Subgroup plot: the pooled estimate in each subgroup; the same numbers are listed below" />
                {summary}
                <ViewRCode code=view_code(state, move || ViewCode::Subgroups(pooled_trials(&state).0.iter().map(|id| subgroup_of(id, selection.with(|s| s.subgroup_by))).collect())) testid="r-code-subgroups" />
            </Show>
        </div>
    }
}
