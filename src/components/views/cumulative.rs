//! Cumulative meta-analysis: the pool as trials are added one by one, by default in
//! publication order, so the audience sees how the evidence grew.
use super::shared::{per_thousand_at_summary_risk, refit_interval, refit_plot_memo, view_code, ViewRCode};
use crate::components::choice::CodedChoice;
use crate::components::plot_canvas::PlotCanvas;
use crate::state::pooled_trials;
use crate::state::{AppState, CumulativeOrder};
use leptos::prelude::*;
use livemeta_core::report::effect_with_ci;
use livemeta_core::report::ViewCode;
use livemeta_core::sensitivity::cumulative;

/// A trial's publication year, where the data gives one (a CSV's `year` column).
fn trial_year(state: &AppState, id: &str) -> Option<u32> {
    state.source.with(|s| s.dataset.trial(id).and_then(|t| t.year))
}

/// Indices of `ids` in publication order: by year where the data gives one, ties (and trials
/// without a year, last) as listed.
pub fn publication_order(state: &AppState, ids: &[String]) -> Vec<usize> {
    let mut index: Vec<usize> = (0..ids.len()).collect();
    index.sort_by_key(|&i| trial_year(state, &ids[i]).unwrap_or(u32::MAX));
    index
}

#[component]
pub fn CumulativeView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    // The pooled trials and the order in which they are added (indices into them).
    let ordered = Memo::new(move |_| {
        let (ids, studies) = state.rows.with(|rows| pooled_trials(rows));
        let order = selection.with(|s| s.views.cumulative_order);
        // Each trial's variance in the main analysis, for "most precise first".
        let variance: Vec<f64> = state.analysis.with(|a| match a {
            Ok(a) => a.studies.iter().map(|s| s.effect.map_or(f64::INFINITY, |e| e.vi)).collect(),
            Err(_) => vec![f64::INFINITY; studies.len()],
        });
        let mut index: Vec<usize> = (0..studies.len()).collect();
        match order {
            CumulativeOrder::Year => index = publication_order(&state, &ids),
            CumulativeOrder::Size => {
                index.sort_by_key(|&i| std::cmp::Reverse(studies[i].total_treatment + studies[i].total_control))
            }
            CumulativeOrder::Precision => index.sort_by(|&a, &b| variance[a].total_cmp(&variance[b])),
            CumulativeOrder::Listed => {}
        }
        (ids, studies, index)
    });
    let refits = Memo::new(move |_| {
        let (ids, studies, index) = ordered.get();
        let year = |id: &str| trial_year(&state, id);
        let ordered: Vec<_> = index.iter().map(|&i| studies[i].clone()).collect();
        let fits = cumulative(&ordered, &selection.with(|s| s.method.options()));
        index
            .into_iter()
            .zip(fits)
            .map(|(i, fit)| {
                let when = year(&ids[i]).map_or(String::new(), |y| format!(" ({y})"));
                (ids[i].clone(), format!("+ {}{when}", fit.label), refit_interval(&fit))
            })
            .collect::<Vec<_>>()
    });
    let plot = refit_plot_memo(state, "Trials added", refits);
    let presenter = state.presenter();
    view! {
        <>
            <div class="controls">
                <CodedChoice label="Add trials" testid="cumulative-order"
                    current=Signal::derive(move || selection.with(|s| s.views.cumulative_order))
                    on_pick=move |order| selection.update(|s| s.views.cumulative_order = order) />
            </div>
            <PlotCanvas plot=plot presenter=presenter export_as="cumulative" testid="cumulative-plot"
                label="Cumulative plot: the pooled estimate as each trial is added; the same numbers are listed below" />
            <ViewRCode code=view_code(state, move || ViewCode::Cumulative(ordered.with(|o| o.2.clone()))) testid="r-code-cumulative" />
            <ol class="readings">
                {move || {
                    let measure = selection.with(|s| s.method.measure);
                    refits.get().into_iter().map(|(id, label, interval)| {
                        let value = interval.map_or(String::new(), |(e, ..)| format!("{e:e}"));
                        let result = interval.map_or("nothing to pool yet".to_string(), |(e, l, u)| {
                            let absolute = per_thousand_at_summary_risk(state, e).map_or(String::new(), |d| format!("; {d} per 1,000"));
                            format!("{} {}{absolute}", measure.label(), effect_with_ci(e, l, u, measure))
                        });
                        view! { <li data-testid=format!("cumulative-row-{id}") data-value=value>{format!("{label}: {result}")}</li> }
                    }).collect_view()
                }}
            </ol>
        </>
    }
}
