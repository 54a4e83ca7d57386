//! Risk of bias: the user's RoB 2 judgments for each trial (five domains and overall), entered
//! here and drawn as robvis's traffic-light plot in the forest plot's order. The judgments are
//! attributes of the user's copy of the data (`livemeta_core::data`), so Subgroups and
//! Meta-regression can use them and the link carries them.
use crate::components::plot_canvas::PlotCanvas;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::data::{any_assessed, judgments, Judgment, DOMAINS, OVERALL};
use livemeta_core::data::{is_editable, set_attribute};
use livemeta_plot::TrafficLight;

#[component]
pub fn RiskOfBiasView(state: AppState) -> impl IntoView {
    let presenter = state.presenter();
    let editable = Memo::new(move |_| state.source.with(|s| is_editable(&s.dataset)));
    // The trials of the outcome in the forest plot's order, with their judgments.
    let table = Memo::new(move |_| {
        let dataset = state.dataset();
        let (ids, labels): (Vec<String>, Vec<String>) =
            state.rows.with(|rows| rows.iter().map(|r| (r.trial_id.clone(), r.label.clone())).unzip());
        let judged = judgments(&dataset, &ids);
        ids.into_iter().zip(labels).zip(judged).map(|((id, label), j)| (id, label, j)).collect::<Vec<_>>()
    });
    let figure = Memo::new(move |_| TrafficLight {
        rows: table.with(|t| t.iter().map(|(_, label, j)| (label.clone(), *j)).collect()),
    });
    let summary = move || {
        table.with(|t| {
            let count = |want: Option<Judgment>| t.iter().filter(|(_, _, j)| j[5] == want).count();
            let parts: Vec<String> = Judgment::ALL
                .into_iter()
                .map(|j| format!("{} {}", count(Some(j)), j.label()))
                .chain([format!("{} not assessed", count(None))])
                .collect();
            format!("Overall risk of bias of the {} trials: {}.", t.len(), parts.join(", "))
        })
    };
    let judge = move |id: String, attribute: &'static str, value: String| {
        let edited = state.source.with_untracked(|s| set_attribute(&s.dataset, &id, attribute, &value));
        state.edit_data(edited);
    };
    let grid = move || {
        let disabled = !editable.get();
        table.get().into_iter().enumerate().map(|(i, (id, label, judged))| {
            let cells = DOMAINS.iter().enumerate().map(|(d, (code, attribute))| {
                let id = id.clone();
                let current = judged[d];
                view! {
                    <td>
                        <select data-testid=format!("rob-{i}-{code}") aria-label=format!("{label}: {attribute}") disabled=disabled
                            on:change=move |ev| judge(id.clone(), attribute, event_target_value(&ev))>
                            <option value="" selected=current.is_none()>"not assessed"</option>
                            {Judgment::ALL.into_iter().map(|j| view! { <option value=j.label() selected=current == Some(j)>{j.label()}</option> }).collect_view()}
                        </select>
                    </td>
                }
            }).collect_view();
            view! { <tr data-testid=format!("rob-row-{i}") data-value=judged[5].map_or("", Judgment::label)><th scope="row">{label}</th>{cells}</tr> }
        }).collect_view()
    };
    view! {
        <>
            <p class="note-inline desk-only">{move || if state.source.with(|s| any_assessed(&s.dataset)) {
                format!("RoB 2 judgments (Sterne et al., BMJ 2019) entered by you, one set per trial for every outcome of this data; they are columns of your copy (the \"{OVERALL}\" column groups trials in Subgroups and is a moderator in Meta-regression), and the link keeps them.")
            } else {
                "No risk-of-bias judgments: no source of this data states RoB 2 judgments, so none are bundled. Enter your own below (RoB 2: Sterne et al., BMJ 2019); they become columns of your copy of the data, usable in Subgroups and Meta-regression and kept in the link.".to_string()
            }}</p>
            <p class="note-inline" data-testid="rob-summary">{summary}</p>
            <PlotCanvas plot=figure presenter=presenter export_as="risk-of-bias" testid="rob-plot"
                label="Risk-of-bias traffic-light plot: each trial's RoB 2 judgment for each domain and overall; the table below lists the same judgments" />
            <Show when=move || editable.get()
                fallback=move || view! {
                    <p class="note-inline desk-only">"The bundled data is never changed: judgments go into your own copy of it."</p>
                    <button type="button" class="desk-only" data-testid="rob-copy" on:click=move |_| state.edit_a_copy()>"Enter judgments in a copy of this data"</button>
                }>
                ""
            </Show>
            <div class="table-scroll"><table class="study-table" data-testid="rob-table">
                <caption>"RoB 2 judgments by domain (D1 randomisation, D2 deviations from intended interventions, D3 missing outcome data, D4 measurement of the outcome, D5 selection of the reported result)"</caption>
                <thead><tr><th scope="col">"Trial"</th>{DOMAINS.iter().map(|(code, _)| view! { <th scope="col">{*code}</th> }).collect_view()}</tr></thead>
                <tbody>{grid}</tbody>
            </table></div>
        </>
    }
}
