//! "Complete the paper": one table of every trial and outcome the paper pooled that no public
//! source gives counts for. A journal club holding the paper types them in, or pastes them from
//! a spreadsheet; as an outcome's cells fill, it says whether the typed counts give the
//! published result to two decimals. The counts are the user's, marked as such everywhere, and
//! may carry a label ("test values") in place of "from the paper".
use crate::components::enter_counts::{cell_names, checked};
use crate::components::paste::{is_block, spread_block};
use crate::state::{paper_outcomes, reproduces, two_decimals, AppState, EnteredCounts, PaperOutcome};
use crate::storage::{keep_unfinished_rows, unfinished_rows, UnfinishedRow};
use leptos::prelude::*;
use livemeta_core::data::DoseSelection;
use livemeta_core::report::effect_with_ci;
use std::collections::HashMap;

/// One row of the table: the outcome, its dose arms as the paper pooled them, the trial.
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    outcome: String,
    outcome_label: String,
    dose: DoseSelection,
    trial: String,
    trial_label: String,
}

/// Where an outcome stands: how many cells are in, and once all are, whether they reproduce
/// the paper.
fn status(o: &PaperOutcome) -> String {
    let p = &o.published;
    let published = two_decimals(p.estimate, p.ci_lower, p.ci_upper);
    match &o.complete {
        None => format!("{}: {} of {} cells typed in.", o.label, o.filled(), o.cells.len()),
        Some(Err(why)) => format!("{}: every cell is in, but the trials cannot be pooled: {why}", o.label),
        Some(Ok(a)) => {
            let live = effect_with_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper, a.measure);
            let measure = a.measure.label();
            if reproduces(a, p) {
                format!("{}: every cell is in. Your counts reproduce the paper's result to two decimals: {measure} {live} (published {published}).", o.label)
            } else {
                format!("{}: every cell is in, but your counts do not reproduce the paper's result: {measure} {live}, published {published}.", o.label)
            }
        }
    }
}

#[component]
pub fn CompletePaper(state: AppState) -> impl IntoView {
    let selection = state.selection;
    // The table depends on the typed counts only, not on which trials are switched on.
    let entered = Memo::new(move |_| selection.with(|s| s.entered.cells.clone()));
    let outcomes = Memo::new(move |_| state.source.with(|source| entered.with(|e| paper_outcomes(e, source))));
    let cells = Memo::new(move |_| {
        outcomes.with(|outcomes| {
            outcomes
                .iter()
                .flat_map(|o| {
                    o.cells.iter().map(|c| Cell {
                        outcome: o.outcome.clone(),
                        outcome_label: o.label.clone(),
                        dose: o.as_published.scope.dose.clone(),
                        trial: c.trial.clone(),
                        trial_label: c.label.clone(),
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    // What is typed and not yet a valid table, by (outcome, trial): kept until it is, across a
    // reload too.
    let dataset_id = state.dataset().id.clone();
    let drafts = RwSignal::new(
        unfinished_rows(&dataset_id).into_iter().map(|(o, t, cells)| ((o, t), cells)).collect::<HashMap<_, _>>(),
    );
    Effect::new(move |_| {
        let rows: Vec<UnfinishedRow> =
            drafts.with(|d| d.iter().map(|((o, t), cells)| (o.clone(), t.clone(), cells.clone())).collect());
        keep_unfinished_rows(&dataset_id, &rows);
    });
    let error = RwSignal::new(None::<String>);
    let label = RwSignal::new(selection.with_untracked(|s| {
        s.entered.cells.iter().map(|e| e.label.clone()).find(|l| !l.is_empty()).unwrap_or_default()
    }));
    let names = cell_names(&state.dataset());
    let entered_at = move |cell: &Cell| {
        entered.with(|e| {
            e.iter().find(|x| x.outcome == cell.outcome && x.dose == cell.dose && x.trial == cell.trial).cloned()
        })
    };
    let shown = move |cell: &Cell| -> [String; 4] {
        let key = (cell.outcome.clone(), cell.trial.clone());
        drafts
            .with(|d| d.get(&key).cloned())
            .unwrap_or_else(|| entered_at(cell).map_or_else(Default::default, |e| e.counts.map(|n| n.to_string())))
    };
    // Writes the rows of `touched` whose four cells make a valid table into the analysis, in
    // one step; a row with a problem keeps what was typed and is named.
    let commit = {
        let names = names.clone();
        move |touched: Vec<usize>, typed: HashMap<usize, [String; 4]>| {
            let all = cells.get_untracked();
            let mut problems = Vec::new();
            let mut accepted = Vec::new();
            let mut cleared = Vec::new();
            for row in touched {
                let (Some(cell), Some(text)) = (all.get(row), typed.get(&row)) else { continue };
                let key = (cell.outcome.clone(), cell.trial.clone());
                if text.iter().all(|t| t.trim().is_empty()) {
                    drafts.update(|d| {
                        d.remove(&key);
                    });
                    cleared.push(cell.clone());
                    continue;
                }
                match checked(text, &cell.trial_label, &names) {
                    Ok(counts) => {
                        drafts.update(|d| {
                            d.remove(&key);
                        });
                        accepted.push((cell.clone(), counts));
                    }
                    Err(why) => {
                        drafts.update(|d| {
                            d.insert(key, text.clone());
                        });
                        problems.push(format!("{}, {}: {why}", cell.outcome_label, cell.trial_label));
                    }
                }
            }
            if !accepted.is_empty() || !cleared.is_empty() {
                let label = label.get_untracked();
                selection.update(|s| {
                    for cell in &cleared {
                        s.forget_entered_at(&cell.outcome, &cell.dose, &cell.trial);
                    }
                    for (cell, counts) in accepted {
                        let Cell { outcome, dose, trial, .. } = cell;
                        s.enter_at(EnteredCounts { outcome, dose, trial, counts, label: label.clone() });
                    }
                });
            }
            error.set((!problems.is_empty()).then(|| problems.join(" ")));
        }
    };
    let relabel = move |text: String| {
        label.set(text.clone());
        let listed = cells.get_untracked();
        selection.update(|s| {
            for e in s.entered.cells.iter_mut() {
                if listed.iter().any(|c| c.outcome == e.outcome && c.dose == e.dose && c.trial == e.trial) {
                    e.label = text.clone();
                }
            }
        });
    };
    let headings = names.clone();
    let body = move || {
        let all = cells.get();
        let statuses: Vec<(String, String)> =
            outcomes.with(|o| o.iter().map(|o| (o.outcome.clone(), status(o))).collect());
        let mut out = Vec::new();
        for (row, cell) in all.iter().enumerate() {
            let inputs = (0..4)
                .map(|col| {
                    let (for_value, for_input) = (cell.clone(), cell.clone());
                    let name = names[col].clone();
                    let (commit_change, commit_paste) = (commit.clone(), commit.clone());
                    view! {
                        <td>
                            <input type="text" inputmode="numeric" size="5"
                                data-testid=format!("paper-{}-{}-{col}", cell.outcome, cell.trial)
                                aria-label=format!("{name}, {}, {}", cell.trial_label, cell.outcome_label)
                                prop:value=move || shown(&for_value)[col].clone()
                                on:input=move |ev| {
                                    let mut text = shown(&for_input);
                                    text[col] = event_target_value(&ev);
                                    drafts.update(|d| {
                                        d.insert((for_input.outcome.clone(), for_input.trial.clone()), text);
                                    });
                                }
                                on:change=move |_| {
                                    let text = shown(&cells.get_untracked()[row]);
                                    commit_change(vec![row], HashMap::from([(row, text)]));
                                }
                                on:paste=move |ev: web_sys::ClipboardEvent| {
                                    let text = ev.clipboard_data().and_then(|d| d.get_data("text").ok()).unwrap_or_default();
                                    if !is_block(&text) {
                                        return;
                                    }
                                    ev.prevent_default();
                                    let listed = cells.get_untracked();
                                    let mut typed: HashMap<usize, [String; 4]> = HashMap::new();
                                    for (r, c, value) in spread_block(&text, row, col) {
                                        if let (Some(target), true) = (listed.get(r), c < 4) {
                                            typed.entry(r).or_insert_with(|| shown(target))[c] = value.trim().to_string();
                                        }
                                    }
                                    let mut touched: Vec<usize> = typed.keys().copied().collect();
                                    touched.sort_unstable();
                                    commit_paste(touched, typed);
                                } />
                        </td>
                    }
                })
                .collect_view();
            let filled = entered_at(cell).is_some();
            if row == 0 || all[row - 1].outcome != cell.outcome {
                out.push(
                    view! { <tr class="paper-outcome"><th colspan="5" scope="colgroup">{cell.outcome_label.clone()}</th></tr> }
                        .into_any(),
                );
            }
            out.push(
                view! {
                    <tr data-testid="paper-row" data-outcome=cell.outcome.clone() data-trial=cell.trial.clone() class:filled=filled>
                        <td>{cell.trial_label.clone()}</td>
                        {inputs}
                    </tr>
                }
                .into_any(),
            );
            let last_of_outcome = all.get(row + 1).is_none_or(|next| next.outcome != cell.outcome);
            if last_of_outcome {
                let text =
                    statuses.iter().find(|(o, _)| *o == cell.outcome).map(|(_, t)| t.clone()).unwrap_or_default();
                out.push(
                    view! {
                        <tr class="paper-status"><td colspan="5" data-testid="paper-status" data-outcome=cell.outcome.clone()>{text}</td></tr>
                    }
                    .into_any(),
                );
            }
        }
        out
    };
    let summary = move || {
        let (total, filled) = outcomes.with(|o| {
            (o.iter().map(|o| o.cells.len()).sum::<usize>(), o.iter().map(PaperOutcome::filled).sum::<usize>())
        });
        format!("Complete the paper: {total} cells the paper pooled have no public counts ({filled} typed in)")
    };
    let (t_head, c_head) = {
        let dataset = state.dataset();
        (dataset.treatment_label.clone(), dataset.control_label.clone())
    };
    view! {
        <Show when=move || outcomes.with(|o| !o.is_empty())>
            <details class="complete-paper" data-testid="complete-paper">
                <summary data-testid="complete-paper-summary">{summary}</summary>
                <p class="note">{format!("The paper pooled these trials, but no public source gives their counts. If you hold the paper, type each trial's events and totals from its figures or tables, or paste rows copied from a spreadsheet into the first cell (four columns: {}). Each outcome is pooled as the paper did: its published method, every trial.", headings.join(", "))}</p>
                <label class="paper-label">"Label these counts (optional) "
                    <input type="text" data-testid="paper-label" placeholder="for example: test values"
                        prop:value=move || label.get() on:change=move |ev| relabel(event_target_value(&ev)) />
                </label>
                <p class="note">"With a label, every footnote and export says “entered by you, labelled …” instead of “from the paper”."</p>
                <div class="table-scroll">
                    <table class="paper-cells">
                        <thead>
                            <tr><th rowspan="2" scope="col">"Trial"</th><th colspan="2" scope="colgroup">{t_head.clone()}</th><th colspan="2" scope="colgroup">{c_head.clone()}</th></tr>
                            <tr><th scope="col">"events"</th><th scope="col">"total"</th><th scope="col">"events"</th><th scope="col">"total"</th></tr>
                        </thead>
                        <tbody>{body.clone()}</tbody>
                    </table>
                </div>
                <p class="import-errors" role="alert" data-testid="paper-error">{move || error.get()}</p>
            </details>
        </Show>
    }
}
