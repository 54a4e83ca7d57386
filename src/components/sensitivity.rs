//! The sensitivity analyses under the main plot, one tab each; each follows the main controls.
use crate::components::bayesian::BayesianView;
use crate::components::conventions::ConventionsView;
use crate::components::cumulative::CumulativeView;
use crate::components::diagnostics::DiagnosticsView;
use crate::components::estimators::EstimatorsView;
use crate::components::forest_plot_canvas::plot_labels;
use crate::components::fragility::FragilityView;
use crate::components::gosh::GoshView;
use crate::components::influence::InfluenceView;
use crate::components::inverse_variance_needed::{is_inverse_variance, InverseVarianceNeeded};
use crate::components::leave_one_out::LeaveOneOutView;
use crate::components::meta_regression::MetaRegressionView;
use crate::components::multiverse::MultiverseView;
use crate::components::rare_events::RareEventsView;
use crate::components::risk_of_bias::RiskOfBiasView;
use crate::components::small_study::SmallStudyView;
use crate::components::subgroups::SubgroupsView;
use crate::components::trial_sequential::TrialSequentialView;
use crate::state::{entered_note, AppState, Coded, Selection, SensitivityView};
use leptos::prelude::*;
use livemeta_core::rcode::{view_script, ViewCode};
use livemeta_core::sensitivity::Refit;
use livemeta_core::StudyCounts;
use livemeta_plot::{refit_plot, ForestPlot};

#[component]
pub fn SensitivityPanel(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let tabs = SensitivityView::ALL
        .iter()
        .map(|&view| {
            let selected = move || selection.with(|s| s.view == Some(view));
            view! {
                <button type="button" role="tab" data-testid=format!("view-{}", view.code())
                    aria-selected=move || selected().to_string() class:selected=selected
                    on:click=move |_| selection.update(|s| s.view = if s.view == Some(view) { None } else { Some(view) })>{view.label()}</button>
            }
        })
        .collect_view();
    // A memo, so that a trial switched on or off refits the open view rather than mounting it
    // afresh (which would drop its own choices, such as the rare-events "Fit it" box).
    let open_view = Memo::new(move |_| selection.with(|s| s.view));
    // The views that refit an inverse-variance model say so under any other, and draw nothing.
    let refits_iv = Memo::new(move |_| selection.with(|s| is_inverse_variance(s.model)));
    view! {
        <section class="sensitivity" data-testid="sensitivity" aria-label="Sensitivity analyses">
            <h2>"Sensitivity analyses"</h2>
            <div class="tabs" role="tablist">{tabs}</div>
            {move || match open_view.get() {
                Some(SensitivityView::Influence | SensitivityView::Gosh | SensitivityView::MetaRegression | SensitivityView::Diagnostics) if !refits_iv.get() => {
                    view! { <div class="sensitivity-view" role="tabpanel"><InverseVarianceNeeded state=state what="This view" /></div> }.into_any()
                }
                None => view! { <p class="note-inline">"Choose an analysis to see how robust the pooled result is. Each one refits the model as trials are left out, added or grouped; click the open tab again to close it."</p> }.into_any(),
                Some(SensitivityView::LeaveOneOut) => view! { <LeaveOneOutView state=state /> }.into_any(),
                Some(SensitivityView::Cumulative) => view! { <CumulativeView state=state /> }.into_any(),
                Some(SensitivityView::Subgroups) => view! { <SubgroupsView state=state /> }.into_any(),
                Some(SensitivityView::SmallStudy) => view! { <SmallStudyView state=state /> }.into_any(),
                Some(SensitivityView::Influence) => view! { <InfluenceView state=state /> }.into_any(),
                Some(SensitivityView::Gosh) => view! { <GoshView state=state /> }.into_any(),
                Some(SensitivityView::Multiverse) => view! { <MultiverseView state=state /> }.into_any(),
                Some(SensitivityView::Fragility) => view! { <FragilityView state=state /> }.into_any(),
                Some(SensitivityView::Sequential) => view! { <TrialSequentialView state=state /> }.into_any(),
                Some(SensitivityView::Estimators) => view! { <EstimatorsView state=state /> }.into_any(),
                Some(SensitivityView::MetaRegression) => view! { <MetaRegressionView state=state /> }.into_any(),
                Some(SensitivityView::Bayesian) => view! { <BayesianView state=state /> }.into_any(),
                Some(SensitivityView::RareEvents) => view! { <RareEventsView state=state /> }.into_any(),
                Some(SensitivityView::Diagnostics) => view! { <DiagnosticsView state=state /> }.into_any(),
                Some(SensitivityView::RiskOfBias) => view! { <RiskOfBiasView state=state /> }.into_any(),
                Some(SensitivityView::Conventions) => view! { <ConventionsView state=state /> }.into_any(),
            }}
        </section>
    }
}

/// The trials in the pool, with their ids, in screen order.
pub fn pooled_trials(state: &AppState) -> (Vec<String>, Vec<StudyCounts>) {
    state
        .rows
        .with(|rows| rows.iter().filter_map(|r| r.pooled_counts().map(|c| (r.trial_id.clone(), c.clone()))).unzip())
}

/// A refit's pooled estimate and interval on the display scale, if it could be pooled.
pub fn refit_interval(refit: &Refit) -> Option<(f64, f64, f64)> {
    refit.analysis.as_ref().ok().map(|a| (a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper))
}

/// The refit plot for the current selection: one row per (label, interval), the main analysis
/// as the diamond.
pub fn refit_plot_memo(
    state: AppState,
    heading: &'static str,
    rows: Memo<Vec<(String, String, Option<(f64, f64, f64)>)>>,
) -> Memo<ForestPlot> {
    Memo::new(move |_| {
        let selection = state.selection.get();
        let (outcome, treatment, control) = state.source.with(|source| plot_labels(&selection, source));
        let refits = rows.with(|rows| rows.iter().map(|(_, label, interval)| (label.clone(), *interval)).collect());
        state
            .analysis
            .with(|full| refit_plot(heading, refits, full, &selection.options(), &outcome, &treatment, &control))
    })
}

/// "R code for this view": the metafor script that reproduces the view, or why there is none.
#[component]
pub fn ViewRCode(#[prop(into)] code: Signal<Result<String, String>>, testid: &'static str) -> impl IntoView {
    view! {
        <details class="r-code">
            <summary>"R code for this view"</summary>
            {move || match code.get() {
                Ok(text) => view! { <textarea readonly rows="10" data-testid=testid prop:value=text></textarea> }.into_any(),
                Err(why) => view! { <p class="note-inline" data-testid=testid>{why}</p> }.into_any(),
            }}
        </details>
    }
}

/// The view's R code for the trials in the pool and the current options.
pub fn view_code(
    state: AppState,
    view: impl Fn() -> ViewCode + Send + Sync + 'static,
) -> Signal<Result<String, String>> {
    Signal::derive(move || {
        let note = state.rows.with(|rows| entered_note(rows));
        view_script(&pooled_trials(&state).1, &state.selection.with(Selection::options), &view())
            .map(|script| note + &script)
    })
}
