//! The sensitivity analyses under the main plot, one tab each, grouped by the question they answer (`views/`, a file per view, and
//! `views/shared.rs`, what the views share); each follows the main controls.
mod bayesian;
mod conventions;
mod cumulative;
mod diagnostics;
mod estimators;
mod fragility;
mod gosh;
mod influence;
mod leave_one_out;
mod meta_regression;
mod multiverse;
mod rare_events;
mod risk_of_bias;
mod shared;
mod small_study;
mod subgroups;
mod trial_sequential;
mod what_if;

use crate::components::inverse_variance_needed::{is_inverse_variance, InverseVarianceNeeded};
use crate::state::{AppState, Labelled, SensitivityView, VIEW_QUESTIONS};
use bayesian::BayesianView;
use conventions::ConventionsView;
use cumulative::CumulativeView;
use diagnostics::DiagnosticsView;
use estimators::EstimatorsView;
use fragility::FragilityView;
use gosh::GoshView;
use influence::InfluenceView;
use leave_one_out::LeaveOneOutView;
use leptos::prelude::*;
use livemeta_core::Coded;
use meta_regression::MetaRegressionView;
use multiverse::MultiverseView;
use rare_events::RareEventsView;
use risk_of_bias::RiskOfBiasView;
use small_study::SmallStudyView;
use subgroups::SubgroupsView;
use trial_sequential::TrialSequentialView;

/// The open view's content; the tab panel around it is the panel's.
fn open_view(state: AppState, view: SensitivityView, refits_iv: bool) -> AnyView {
    match view {
        SensitivityView::Influence
        | SensitivityView::Gosh
        | SensitivityView::MetaRegression
        | SensitivityView::Diagnostics
            if !refits_iv =>
        {
            view! { <InverseVarianceNeeded state=state what="This view" /> }.into_any()
        }
        SensitivityView::LeaveOneOut => view! { <LeaveOneOutView state=state /> }.into_any(),
        SensitivityView::Cumulative => view! { <CumulativeView state=state /> }.into_any(),
        SensitivityView::Subgroups => view! { <SubgroupsView state=state /> }.into_any(),
        SensitivityView::SmallStudy => view! { <SmallStudyView state=state /> }.into_any(),
        SensitivityView::Influence => view! { <InfluenceView state=state /> }.into_any(),
        SensitivityView::Gosh => view! { <GoshView state=state /> }.into_any(),
        SensitivityView::Multiverse => view! { <MultiverseView state=state /> }.into_any(),
        SensitivityView::Fragility => view! { <FragilityView state=state /> }.into_any(),
        SensitivityView::Sequential => view! { <TrialSequentialView state=state /> }.into_any(),
        SensitivityView::Estimators => view! { <EstimatorsView state=state /> }.into_any(),
        SensitivityView::MetaRegression => view! { <MetaRegressionView state=state /> }.into_any(),
        SensitivityView::Bayesian => view! { <BayesianView state=state /> }.into_any(),
        SensitivityView::RareEvents => view! { <RareEventsView state=state /> }.into_any(),
        SensitivityView::Diagnostics => view! { <DiagnosticsView state=state /> }.into_any(),
        SensitivityView::RiskOfBias => view! { <RiskOfBiasView state=state /> }.into_any(),
        SensitivityView::Conventions => view! { <ConventionsView state=state /> }.into_any(),
    }
}

#[component]
pub fn SensitivityPanel(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let tab = move |view: SensitivityView| {
        let selected = move || selection.with(|s| s.display.view == Some(view));
        view! {
            <button type="button" role="tab" data-testid=format!("view-{}", view.code())
                aria-selected=move || selected().to_string() class:selected=selected
                on:click=move |_| selection.update(|s| s.display.view = if s.display.view == Some(view) { None } else { Some(view) })>{view.label()}</button>
        }
    };
    let tabs = VIEW_QUESTIONS
        .iter()
        .map(|&(question, views)| {
            view! {
                <div class="tab-group">
                    <span class="tab-question" aria-hidden="true">{question}</span>
                    <div class="tabs" role="tablist" aria-label=question>{views.iter().map(|&v| tab(v)).collect_view()}</div>
                </div>
            }
        })
        .collect_view();
    // A memo, so that a trial switched on or off refits the open view rather than mounting it
    // afresh (which would drop its own choices, such as the rare-events "Fit it" box).
    let open = Memo::new(move |_| selection.with(|s| s.display.view));
    // The views that refit an inverse-variance model say so under any other, and draw nothing.
    let refits_iv = Memo::new(move |_| selection.with(|s| is_inverse_variance(s.method.model)));
    view! {
        <section class="sensitivity" data-testid="sensitivity" aria-label="Questions to ask of the result">
            <h2>"Questions to ask of the result"</h2>
            <div class="tab-groups">{tabs}</div>
            {move || match open.get() {
                None => view! { <p class="note-inline">"Choose an analysis to see how robust the pooled result is. Each one refits the model as trials are left out, added or grouped; click the open tab again to close it."</p> }.into_any(),
                Some(view) => {
                    let class = match view {
                        SensitivityView::SmallStudy => "sensitivity-view side-readings",
                        SensitivityView::Conventions => "sensitivity-view lens",
                        _ => "sensitivity-view",
                    };
                    view! { <div class=class role="tabpanel" data-testid=format!("{}-view", view.code())>{open_view(state, view, refits_iv.get())}</div> }.into_any()
                }
            }}
        </section>
    }
}
