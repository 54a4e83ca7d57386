use crate::components::enter_counts::EnterCounts;
use crate::components::row_pager::RowPager;
use crate::state::{AppState, PAGE_ROWS};
use leptos::prelude::*;
use livemeta_core::data::{ArmSource, TrialData};
use std::sync::Arc;

/// One count with its provenance, shown on hover and on keyboard focus: first a plain
/// sentence ("Placebo: 56 of 315"), then the verbatim snippet, then the links: the primary
/// source first (the registry record, the article), then the copy the number was read from,
/// said for what it is.
#[component]
fn SourcedCount(testid: String, sources: Vec<ArmSource>, registry: String) -> impl IntoView {
    let events: i64 = sources.iter().filter_map(|s| s.events.value).sum();
    let n: i64 = sources.iter().map(|s| s.n).sum();
    let primaries: Vec<String> = sources
        .iter()
        .map(|s| s.events.primary_url.clone().or_else(|| s.events.url.clone()).unwrap_or_default())
        .collect();
    let details = sources
        .into_iter()
        .map(|s| {
            let how = match s.events.kind.as_deref() {
                Some("derived") => format!("derived from a percentage: {}", s.events.derivation.clone().unwrap_or_default()),
                _ => "read directly".to_string(),
            };
            let read_at = s.events.url.clone().unwrap_or_default();
            let links = match s.events.primary_url.clone() {
                Some(primary) => view! {
                    <a class="primary-source" href=primary.clone() target="_blank" rel="noopener">{format!("Source: {}", primary.trim_start_matches("https://"))}</a>
                    <a class="copy-read" href=read_at target="_blank" rel="noopener">"Copy read"</a>
                    <span class="copy-what">{s.events.copy.clone().unwrap_or_default()}</span>
                }
                .into_any(),
                None => view! {
                    <a class="primary-source" href=read_at.clone() target="_blank" rel="noopener">{format!("Source: {}", read_at.trim_start_matches("https://"))}</a>
                }
                .into_any(),
            };
            view! {
                <span class="provenance-arm">
                    <strong>{format!("{}: {} of {}", s.regimen, s.events.value.unwrap_or_default(), s.n)}</strong>
                    <span class="provenance-how">{format!("{} · {how}", s.window)}</span>
                    <span class="provenance-snippet">"Verbatim from the source: " <q>{s.events.snippet.clone().unwrap_or_default()}</q></span>
                    {links}
                </span>
            }
        })
        .collect_view();
    // The trial's registry record, unless every arm's source already is it.
    let registry_link = (!registry.is_empty() && primaries.iter().any(|p| *p != registry)).then(|| {
        view! {
            <a class="registry" href=registry.clone() target="_blank" rel="noopener">{format!("Registry record: {}", registry.trim_start_matches("https://"))}</a>
        }
    });
    view! {
        <span class="count" tabindex="0" data-testid=testid>
            {format!("{events}/{n}")}
            <span class="provenance" role="tooltip">
                {details}
                {registry_link}
            </span>
        </span>
    }
}

/// One table row as displayed; its key changes exactly when its rendering would.
#[derive(Debug, Clone, PartialEq)]
struct TableRow {
    key: String,
    id: String,
    label: String,
    publication: Option<String>,
    registry: String,
    definition: Option<String>,
    /// Where we looked for a number that was not found.
    searched: Option<String>,
    data: TrialData,
}

/// The numbers behind the plot, each with its source: also the text alternative to the canvas.
/// Rows are keyed by what they show; switching a trial on or off only restyles its row, so a
/// toggle does not rebuild a row (with 200 studies, rebuilt rows cost more than the plot).
#[component]
pub fn StudyTable(state: AppState) -> impl IntoView {
    let rows = Memo::new(move |_| {
        let dataset = state.dataset();
        let trial = |id: &str| dataset.trial(id);
        let (outcome, dose) = state.selection.with(|s| (s.scope.outcome.clone(), s.scope.dose.clone()));
        let first = state.first_row.get();
        state.rows.with(|rows| {
            rows.iter()
                .skip(first)
                .take(PAGE_ROWS)
                .map(|row| TableRow {
                    // What the row shows: its data changes only with the outcome, the dose, the
                    // data or typed-in counts, which the key names without formatting sources.
                    key: format!(
                        "{:p}|{}|{}|{}|{:?}",
                        Arc::as_ptr(&dataset),
                        row.trial_id,
                        outcome,
                        dose.code(),
                        row.counts()
                    ),
                    id: row.trial_id.clone(),
                    label: row.label.clone(),
                    publication: trial(&row.trial_id).map(|t| t.publication.clone()),
                    registry: trial(&row.trial_id).map_or(String::new(), |t| t.link.clone()),
                    searched: trial(&row.trial_id)
                        .and_then(|t| t.missing.iter().find(|m| m.outcome == outcome).map(|m| m.searched.clone())),
                    definition: match &row.data {
                        TrialData::Reported { definition, .. } => {
                            Some(dataset.definition_label(definition).to_string())
                        }
                        _ => None,
                    },
                    data: row.data.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    // The trial whose counts are being typed in, if any.
    let editing = RwSignal::new(None::<String>);
    let render = move |row: TableRow| {
        let id = row.id.clone();
        let open = move |_| editing.set(Some(id.clone()));
        let (treatment, control, definition) = match &row.data {
            TrialData::Entered { counts, label } => {
                let origin = livemeta_core::data::entered_origin(label);
                let shown = |e: i64, n: i64, arm: &str| view! {
                    <span class="count entered" tabindex="0" data-testid=format!("count-{}-{arm}", row.id)>
                        {format!("{e}/{n}")}
                        <span class="provenance" role="tooltip">{format!("Entered by you {origin}; livemeta has no source for this number.")}</span>
                    </span>
                };
                let id = row.id.clone();
                (
                    view! {
                        {shown(counts.events_treatment, counts.total_treatment, "treatment")}
                        " " <span class="entered-badge">"entered by you"</span>
                        <button type="button" class="link-button" data-testid=format!("enter-open-{}", row.id) on:click=open>"Edit"</button>
                        <button type="button" class="link-button" data-testid=format!("enter-remove-{}", row.id)
                            on:click=move |_| state.selection.update(|s| s.forget_entered(&id))>"Remove"</button>
                    }.into_any(),
                    shown(counts.events_control, counts.total_control, "control").into_any(),
                    "entered by you".to_string(),
                )
            }
            // The user's own table: the counts as given, and no source to show.
            TrialData::Reported { counts, sources, .. } if sources.iter().all(|s| s.events.url.is_none()) => (
                view! { <span class="count" data-testid=format!("count-{}-treatment", row.id)>{format!("{}/{}", counts.events_treatment, counts.total_treatment)}</span> }.into_any(),
                view! { <span class="count" data-testid=format!("count-{}-control", row.id)>{format!("{}/{}", counts.events_control, counts.total_control)}</span> }.into_any(),
                "your data".to_string(),
            ),
            TrialData::Reported { sources, .. } => {
                let (t, c): (Vec<_>, Vec<_>) = sources.iter().cloned().partition(|s| s.role == "treatment");
                (
                    view! { <SourcedCount testid=format!("count-{}-treatment", row.id) sources=t registry=row.registry.clone() /> }.into_any(),
                    view! { <SourcedCount testid=format!("count-{}-control", row.id) sources=c registry=row.registry.clone() /> }.into_any(),
                    row.definition.clone().unwrap_or_default(),
                )
            }
            TrialData::Invalid { problems } => (
                view! { <span class="invalid-row" data-testid=format!("invalid-{}", row.id)>{format!("invalid: {problems}")}</span> }.into_any(),
                "–".into_any(),
                "your data".to_string(),
            ),
            TrialData::NoSuchArm => ("no such arm".into_any(), "–".into_any(), String::new()),
            TrialData::NotReported => {
                // Say which "not reported" this is: here it always means no public source with
                // the number was found, and where we looked is one click away.
                let why = match &row.searched {
                    Some(searched) => view! {
                        <details class="searched" data-testid=format!("searched-{}", row.id)>
                            <summary>"no public source found: where we looked"</summary>
                            <p>{searched.clone()}</p>
                        </details>
                    }
                    .into_any(),
                    None => view! { <span class="searched">"no count in the sources read"</span> }.into_any(),
                };
                let enter = view! {
                    <button type="button" class="link-button" data-testid=format!("enter-open-{}", row.id) on:click=open>"Enter counts from the paper"</button>
                };
                (view! { "not reported" {why} {enter} }.into_any(), "not reported".into_any(), String::new())
            }
        };
        let on = state.trial_on(&row.id);
        let (invalid, pooled) = (
            matches!(row.data, TrialData::Invalid { .. }),
            matches!(row.data, TrialData::Reported { .. } | TrialData::Entered { .. }),
        );
        let status = {
            let on = on.clone();
            move || match (invalid, on.get(), pooled) {
                (true, ..) => "left out",
                (_, false, _) => "excluded",
                (_, _, true) => "pooled",
                _ => "–",
            }
        };
        let (form_id, form_label) = (row.id.clone(), row.label.clone());
        let explained_id = row.id.clone();
        let current = match &row.data {
            TrialData::Entered { counts, .. } => {
                Some([counts.events_treatment, counts.total_treatment, counts.events_control, counts.total_control])
            }
            _ => None,
        };
        let form = move || {
            (editing.get().as_deref() == Some(form_id.as_str())).then(|| view! {
                <tr class="enter-row"><td colspan="5">
                    <EnterCounts state=state trial=form_id.clone() label=form_label.clone() current=current on_close=Callback::new(move |_| editing.set(None)) />
                </td></tr>
            })
        };
        view! {
            <tr class:excluded=move || !on.get() class:explain-input=move || state.explained_trials.with(|ids| ids.contains(&explained_id)) data-testid=format!("study-row-{}", row.id)>
                <th scope="row">{row.label.clone()}<br /><small>{row.publication.clone()}</small></th>
                <td>{treatment}</td>
                <td class="control-count">{control}</td>
                <td class="definition">{definition}</td>
                <td>{status}</td>
            </tr>
            {form}
        }
    };
    let entered_total = move || state.selection.with(|s| s.entered.cells.len());
    let any_entered = move || entered_total() != 0;
    view! {
        <Show when=any_entered>
            <label class="use-entered">
                <input type="checkbox" data-testid="use-entered" prop:checked=move || state.selection.with(|s| s.entered.used)
                    on:change=move |ev| state.selection.update(|s| s.entered.used = event_target_checked(&ev)) />
                {move || format!("Use the counts entered by you ({} {})", entered_total(), if entered_total() == 1 { "cell" } else { "cells" })}
            </label>
        </Show>
        <RowPager state=state testid="pager-table" />
        <div class="table-scroll study-table-section">
        // Paged data lays its columns out at fixed widths, so restyling one row does not lay
        // out the whole table again (README, speed: the 200-study toggle).
        <table class="study-table" class:fixed-columns=move || { state.trials.with(Vec::len) > PAGE_ROWS } data-testid="study-table">
            <caption>"Data behind the plot. Hover over or tab to a count to see its source."</caption>
            <thead>
                <tr>
                    <th scope="col">"Trial"</th>
                    <th scope="col">{move || format!("{} events/N", state.dataset().treatment_label)}</th>
                    <th scope="col">{move || format!("{} events/N", state.dataset().control_label)}</th>
                    <th scope="col">"Definition"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || rows.get() key=|row| row.key.clone() children=render />
            </tbody>
        </table>
        </div>
    }
}
