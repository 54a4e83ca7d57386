//! The summary-of-findings table in the Cochrane layout, one row per outcome, with the
//! certainty of the evidence suggested from each analysis (GRADE). Each row opens onto its five
//! domains: the suggestion, its rule and numbers, and the user's own rating with a reason.
use crate::components::defined_term::DefinedTerm;
use crate::state::{findings, AppState, Display, OutcomeFinding, Selection};
use leptos::prelude::*;
use livemeta_core::interpret::{Concern, Domain, Finding, Rating};
use livemeta_core::report::{count, effect_with_ci, per_thousand};
use livemeta_core::Coded;

/// The risks with the control and with the intervention per 1,000, as the table and the report
/// write them.
pub fn absolute_cells(finding: &Finding) -> (String, String) {
    match finding.absolute {
        Some(a) => (
            format!("{} per 1,000", per_thousand(a.control_risk)),
            format!(
                "{} per 1,000 ({} to {})",
                per_thousand(a.risk),
                per_thousand(a.risk_lower),
                per_thousand(a.risk_upper)
            ),
        ),
        None => ("—".into(), "—".into()),
    }
}

fn comments(row: &OutcomeFinding) -> String {
    let mut notes = Vec::new();
    if row.not_reported > 0 {
        let trials = if row.not_reported == 1 { "trial has" } else { "trials have" };
        notes.push(format!("{} listed {trials} no public counts for this outcome.", row.not_reported));
    }
    if row.entered > 0 {
        notes.push(format!("Counts of {} pooled trials typed in by you.", row.entered));
    }
    if let Ok(f) = &row.finding {
        if f.ratings.iter().any(|r| r.user.is_some()) {
            notes.push("Certainty includes your own ratings.".into());
        }
    }
    notes.join(" ")
}

#[component]
pub fn SummaryOfFindings(state: AppState) -> impl IntoView {
    let selection = state.selection;
    // Where the results are shown (presenter mode, the open view) changes no row: the rows are
    // refitted only when the rest of the selection changes.
    let pooled_as = Memo::new(move |_| selection.with(|s| Selection { display: Display::default(), ..s.clone() }));
    let table = Memo::new(move |_| {
        state.source.with(|source| pooled_as.with(|s| state.analysis.with(|shown| findings(s, source, shown))))
    });
    let open = RwSignal::new(None::<String>);
    let (treatment, control) = {
        let dataset = state.dataset();
        (dataset.treatment_label.clone(), dataset.control_label.clone())
    };
    // A row per outcome, kept across changes: a toggle rewrites the numbers, not the table.
    let outcomes = Memo::new(move |_| table.with(|t| t.iter().map(|r| r.outcome.clone()).collect::<Vec<_>>()));
    view! {
        <Show when=move || !state.pooled_hidden()>
            <section class="summary-of-findings" data-testid="summary-of-findings" aria-labelledby="sof-heading">
                <h2 id="sof-heading">"Summary of findings"</h2>
                <div class="table-scroll">
                    <table class="study-table sof-table">
                        <thead>
                            <tr>
                                <th scope="col">"Outcome"</th>
                                <th scope="col">{format!("Risk with {control}")}</th>
                                <th scope="col">{format!("Risk with {treatment} (95% CI)")}</th>
                                <th scope="col">"Relative effect (95% CI)"</th>
                                <th scope="col">"Participants (trials)"</th>
                                <th scope="col">"Certainty of the evidence (" <DefinedTerm text="GRADE" />")"</th>
                                <th scope="col">"Comments"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || outcomes.get() key=|outcome| outcome.clone() let:outcome>
                                <FindingRow state=state table=table open=open outcome=outcome />
                            </For>
                        </tbody>
                    </table>
                </div>
                <p class="note">
                    "Each outcome is pooled as the outcome on screen would be, with the same trials and rules. Certainty starts high for randomised trials; each domain's rating is suggested from the analysis, with its rule, until you give your own. The control risk, threshold and assumed risk you set apply to the outcome on screen; the others use their pooled control-arm risk."
                </p>
            </section>
        </Show>
    }
}

/// One outcome's row and, opened, its five domains. Each cell reads the row from the table, so
/// a change rewrites the text of the cells and keeps the elements.
#[component]
fn FindingRow(
    state: AppState,
    table: Memo<Vec<OutcomeFinding>>,
    open: RwSignal<Option<String>>,
    outcome: String,
) -> impl IntoView {
    let row = {
        let outcome = outcome.clone();
        Memo::new(move |_| table.with(|t| t.iter().find(|r| r.outcome == outcome).cloned()))
    };
    // The cells read one copy of the finding per change, not one each.
    let finding = Memo::new(move |_| row.with(|r| r.as_ref().and_then(|r| r.finding.as_ref().ok().cloned())));
    let finding = move || finding.get();
    let is_open = {
        let outcome = outcome.clone();
        Memo::new(move |_| open.with(|o| o.as_deref() == Some(outcome.as_str())))
    };
    let toggle = {
        let outcome = outcome.clone();
        move |_| open.update(|o| *o = if o.as_deref() == Some(outcome.as_str()) { None } else { Some(outcome.clone()) })
    };
    let relative = move || match row.with(|r| r.as_ref().map(|r| r.finding.clone())) {
        Some(Ok(f)) => {
            let (e, l, u) = f.relative;
            format!("{} {}", f.measure.label(), effect_with_ci(e, l, u, f.measure))
        }
        Some(Err(e)) => format!("Not pooled: {e}."),
        None => String::new(),
    };
    let relative_value = move || finding().map(|f| format!("{:e},{:e},{:e}", f.relative.0, f.relative.1, f.relative.2));
    let certainty = move || finding().map(|f| f.certainty);
    let domains = move || finding().map(|f| f.ratings).unwrap_or_default();
    let outcome_for_domains = outcome.clone();
    view! {
        <tr data-testid="sof-row" data-outcome=outcome.clone() class:shown=move || row.with(|r| r.as_ref().is_some_and(|r| r.shown))>
            <th scope="row">{move || row.with(|r| r.as_ref().map(|r| r.label.clone()))}</th>
            <td data-label="With the control">{move || finding().map_or("—".into(), |f| absolute_cells(&f).0)}</td>
            <td data-label="With the intervention">{move || finding().map_or("—".into(), |f| absolute_cells(&f).1)}</td>
            <td data-label="Relative effect" data-testid="sof-relative" data-value=relative_value>{relative}</td>
            <td data-label="Participants (trials)">{move || finding().map_or("—".into(), |f| format!("{} ({})", count(f.participants as usize), f.trials))}</td>
            <td data-label="Certainty" data-testid="sof-certainty" data-value=move || certainty().map(|c| c.label())>
                <span class="grade-symbols" aria-hidden="true">{move || certainty().map(|c| c.symbols())}</span>" "{move || certainty().map_or("—", |c| c.label())}
                <Show when=move || certainty().is_some()>
                    " "<button type="button" class="link-button" data-testid="sof-why" aria-expanded=move || is_open.get().to_string() on:click=toggle.clone()>
                        {move || if is_open.get() { "Hide why" } else { "Why?" }}
                    </button>
                </Show>
            </td>
            <td class="sof-comments">{move || row.with(|r| r.as_ref().map(comments))}</td>
        </tr>
        <Show when=move || is_open.get()>
            <tr class="grade-detail">
                <td colspan="7">
                    <ul class="grade-domains">
                        {
                            let outcome = outcome_for_domains.clone();
                            move || domains().into_iter().map(|r| view! { <DomainRating state=state outcome=outcome.clone() rating=r /> }).collect_view()
                        }
                    </ul>
                </td>
            </tr>
        </Show>
    }
}

/// One GRADE domain of one outcome: the suggestion and why, and the user's rating.
#[component]
fn DomainRating(state: AppState, outcome: String, rating: Rating) -> impl IntoView {
    let Rating { suggestion, user } = rating;
    let domain: Domain = suggestion.domain;
    let suggested = if suggestion.assessable {
        format!("suggested: {}", suggestion.concern.label())
    } else {
        format!("suggested: {} (not assessable from the data)", suggestion.concern.label())
    };
    let current = user.as_ref().map_or("suggested".to_string(), |u| u.concern.code().to_string());
    let reason = user.as_ref().map(|u| u.reason.clone());
    let set = {
        let outcome = outcome.clone();
        move |rating: Option<(Concern, String)>| state.selection.update(|s| s.rate(&outcome, domain, rating))
    };
    let on_pick = {
        let set = set.clone();
        let reason = reason.clone().unwrap_or_default();
        move |ev: web_sys::Event| {
            let picked = Concern::from_code(&event_target_value(&ev));
            set(picked.map(|c| (c, reason.clone())));
        }
    };
    let on_reason = {
        let concern = user.as_ref().map(|u| u.concern);
        move |ev: web_sys::Event| {
            if let Some(c) = concern {
                set(Some((c, event_target_value(&ev).trim().to_string())));
            }
        }
    };
    let overridden = user.is_some();
    let no_reason = reason.as_deref().is_some_and(str::is_empty);
    view! {
        <li data-testid="grade-domain" data-domain=domain.code() data-concern=user.as_ref().map_or(suggestion.concern, |u| u.concern).code()>
            <strong>{domain.label()}</strong>" "
            <span data-testid="grade-suggestion">{suggested}</span>
            <p class="grade-why">{suggestion.why.clone()}</p>
            <label>"Your rating "
                <select data-testid="grade-override" on:change=on_pick>
                    <option value="suggested" selected=current == "suggested">"as suggested"</option>
                    {Concern::ALL.iter().map(|c| view! { <option value=c.code() selected=current == c.code()>{c.label()}</option> }).collect_view()}
                </select>
            </label>
            <Show when=move || overridden>
                <label>" Reason "
                    <input type="text" size="40" data-testid="grade-reason" prop:value=reason.clone().unwrap_or_default() on:change=on_reason.clone() />
                </label>
                <span class="user-mark" data-testid="grade-user">
                    {if no_reason { "your judgment; give a reason so readers can follow it" } else { "your judgment" }}
                </span>
            </Show>
        </li>
    }
}
