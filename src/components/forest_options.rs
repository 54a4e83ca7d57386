//! The forest plot's layout (RevMan's, JAMA's or BMJ's) and the columns beside the trials. The
//! plot on screen and every export are drawn with them.
use crate::components::choice::{CodedChoice, Toggle};
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::data::{any_assessed, is_domain, OVERALL};

#[component]
pub fn ForestOptions(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let has_rob = move || state.source.with(|s| any_assessed(&s.dataset));
    let has_weeks = move || state.source.with(|s| s.dataset.trials.iter().any(|t| t.weeks.is_some()));
    // The risk-of-bias judgments have their dots; the other attributes can be columns.
    let attributes = move || {
        state.source.with(|s| {
            s.dataset.attribute_names().into_iter().filter(|a| !is_domain(a) && a != OVERALL).collect::<Vec<_>>()
        })
    };
    let attribute_boxes = move || {
        attributes()
            .into_iter()
            .map(|name| {
                let (shown, toggled) = (name.clone(), name.clone());
                view! {
                    <label class="check">
                        <input type="checkbox" data-testid="forest-attribute" data-attribute=name.clone()
                            prop:checked=move || selection.with(|s| s.views.forest.attributes.contains(&shown))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selection.update(|s| {
                                    let columns = &mut s.views.forest.attributes;
                                    columns.retain(|a| *a != toggled);
                                    if on {
                                        columns.push(toggled.clone());
                                    }
                                })
                            } />
                        {name}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <details class="controls forest-options" data-testid="forest-options">
            <summary>"Forest plot layout"</summary>
            <CodedChoice label="Layout" testid="forest-layout"
                current=Signal::derive(move || selection.with(|s| s.views.forest.layout))
                on_pick=move |layout| selection.update(|s| s.views.forest.layout = layout) />
            <p class="note" data-testid="forest-layout-note">{move || selection.with(|s| layout_note(s.views.forest.layout))}</p>
            <Toggle label="A line at the pooled estimate" testid="forest-refline"
                checked=Signal::derive(move || selection.with(|s| s.views.forest.reference_line))
                on_toggle=move |on| selection.update(|s| s.views.forest.reference_line = on) />
            <Show when=has_weeks>
                <Toggle label="Follow-up (weeks)" testid="forest-weeks"
                    checked=Signal::derive(move || selection.with(|s| s.views.forest.follow_up))
                    on_toggle=move |on| selection.update(|s| s.views.forest.follow_up = on) />
            </Show>
            <Show when=has_rob fallback=|| view! { <p class="note">"Risk-of-bias dots appear once the trials have RoB 2 judgments (the risk of bias view records them)."</p> }>
                <Toggle label="Risk-of-bias dots (RoB 2)" testid="forest-rob"
                    checked=Signal::derive(move || selection.with(|s| s.views.forest.rob))
                    on_toggle=move |on| selection.update(|s| s.views.forest.rob = on) />
            </Show>
            {attribute_boxes}
            <p class="note">"Narrow screens drop the extra columns first; exports keep them."</p>
        </details>
    }
}

/// What the layout changes, in a sentence.
fn layout_note(layout: livemeta_plot::ForestLayout) -> &'static str {
    use livemeta_plot::ForestLayout::*;
    match layout {
        RevMan => "Counts and weights, then the plot and the estimate with its interval in brackets, as RevMan draws it.",
        Jama => "JAMA's style: “Source”, the estimate before the plot, no counts or weights, “Favors” labels above, no τ², and P values without a leading zero.",
        Bmj => "BMJ's style: counts on the left, then the plot, the weight (%) and the estimate with its interval written “to”.",
    }
}
