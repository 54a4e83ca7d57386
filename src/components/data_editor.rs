//! The data as an editable table, like RevMan's data entry: rename, add, remove and reorder
//! studies, edit each arm's events and N and the attributes that group studies. Enter and the
//! arrow keys move between rows, Tab between cells; a block copied from a spreadsheet pastes
//! into several cells at once. Each edit is one undo step. A bundled set is edited as the
//! user's copy; "Reset to the original" brings the bundled set back, never overwritten.
use crate::components::paste::{is_block, spread_block};
use crate::state::{AppState, DataSource, BUNDLED};
use leptos::prelude::*;
use livemeta_core::data::Dataset;
use livemeta_core::data::{
    add_attribute, add_trial, apply_cells, is_editable, move_trial, remove_trial, table_of, CellProblem, Column,
};
use wasm_bindgen::JsCast;

/// The columns in screen order: name, four counts, then the dataset's attributes.
fn columns(dataset: &Dataset) -> Vec<(Column, String)> {
    let (t, c) = (&dataset.treatment_label, &dataset.control_label);
    let mut all = vec![(Column::Name, "Study".to_string())];
    all.extend(
        [format!("{t} events"), format!("{t} N"), format!("{c} events"), format!("{c} N")]
            .into_iter()
            .enumerate()
            .map(|(i, name)| (Column::Count(i), name)),
    );
    all.push((Column::Year, "Year".to_string()));
    all.extend(dataset.attribute_names().into_iter().map(|name| (Column::Attribute(name.clone()), name)));
    all
}

fn cell_id(row: usize, col: usize) -> String {
    format!("edit-{row}-{col}")
}

fn focus_cell(row: usize, col: usize) {
    focus_id(&cell_id(row, col));
}

fn focus_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok()) {
        let _ = el.focus();
        el.select();
    }
}

#[component]
pub fn DataEditor(state: AppState) -> impl IntoView {
    let editable = Memo::new(move |_| state.source.with(|s| is_editable(&s.dataset)));
    // Cells typed but not (yet) applied, with why; shown in place of the data's value.
    let problems = RwSignal::new(Vec::<CellProblem>::new());
    let commit = move |edited: Dataset| state.edit_data(edited);
    let apply = move |cells: Vec<(String, Column, String)>| {
        let outcome = outcome_now(state);
        let (edited, mut pending) = state.source.with_untracked(|s| apply_cells(&s.dataset, &outcome, &cells));
        // Earlier pending cells of other places stay; those retyped now are replaced.
        problems.update(|p| {
            p.retain(|old| !cells.iter().any(|(t, c, _)| *t == old.trial && *c == old.column));
            p.append(&mut pending);
        });
        // A cell left as it was is not an edit (and not an undo step).
        if state.source.with_untracked(|s| *s.dataset != edited) {
            commit(edited);
        }
    };
    let original = move || {
        state.source.with(|s| {
            s.dataset.id.strip_suffix("-copy").and_then(|id| BUNDLED.iter().any(|d| d.id == id).then(|| id.to_string()))
        })
    };
    let grid = move || {
        // An edit redraws the table; the cell the user moved to keeps the focus.
        if let Some(active) = document().active_element().map(|e| e.id()).filter(|id| id.starts_with("edit-")) {
            request_animation_frame(move || focus_id(&active));
        }
        let dataset = state.source.with(|s| s.dataset.clone());
        let outcome = outcome_now(state);
        let columns = columns(&dataset);
        // The listed trials, not the rows: switching a trial on or off does not redraw the grid.
        let ids: Vec<String> = state.trials.with(|trials| trials.iter().map(|(id, _)| id.clone()).collect());
        let header = columns.iter().map(|(_, name)| view! { <th scope="col">{name.clone()}</th> }).collect_view();
        let body = ids
            .iter()
            .enumerate()
            .map(|(row, id)| {
                let trial = dataset.trial(id);
                let table = table_of(&dataset, &outcome, id);
                let cells = columns
                    .iter()
                    .enumerate()
                    .map(|(col, (column, name))| {
                        let stored = match column {
                            Column::Name => trial.map(|t| t.label.clone()).unwrap_or_default(),
                            Column::Count(i) => table.map(|t| t[*i].to_string()).unwrap_or_default(),
                            Column::Year => trial.and_then(|t| t.year).map(|y| y.to_string()).unwrap_or_default(),
                            Column::Attribute(a) => trial.and_then(|t| t.attribute(a)).unwrap_or("").to_string(),
                        };
                        let (id_for_value, column_for_value) = (id.clone(), column.clone());
                        let pending = move || problems.with(|p| p.iter().find(|x| x.trial == id_for_value && x.column == column_for_value).map(|x| x.text.clone()));
                        let pending_flag = pending.clone();
                        let (trial_id, column) = (id.clone(), column.clone());
                        let (paste_id, paste_column) = (id.clone(), col);
                        let ids_for_paste = ids.clone();
                        let columns_for_paste: Vec<Column> = columns.iter().map(|(c, _)| c.clone()).collect();
                        view! {
                            <td>
                                <input type="text" id=cell_id(row, col) data-testid=cell_id(row, col) aria-label=format!("{name}, row {}", row + 1)
                                    class:pending=move || pending_flag().is_some()
                                    prop:value=move || pending().unwrap_or_else(|| stored.clone())
                                    on:change={
                                        let (trial_id, column) = (trial_id.clone(), column.clone());
                                        move |ev| apply(vec![(trial_id.clone(), column.clone(), event_target_value(&ev))])
                                    }
                                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                                        let target = match ev.key().as_str() {
                                            "Enter" | "ArrowDown" => Some(row + 1),
                                            "ArrowUp" => row.checked_sub(1),
                                            _ => return,
                                        };
                                        ev.prevent_default();
                                        // The cell is applied here: on the last row there is no next
                                        // cell to move to, so no change event would come.
                                        apply(vec![(trial_id.clone(), column.clone(), event_target_value(&ev))]);
                                        if let Some(next) = target {
                                            focus_cell(next, col);
                                        }
                                    }
                                    on:paste=move |ev: web_sys::ClipboardEvent| {
                                        let text = ev.clipboard_data().and_then(|d| d.get_data("text").ok()).unwrap_or_default();
                                        if !is_block(&text) {
                                            return;
                                        }
                                        ev.prevent_default();
                                        paste_block(state, &text, &paste_id, paste_column, &ids_for_paste, &columns_for_paste, apply);
                                    } />
                            </td>
                        }
                    })
                    .collect_view();
                let (up, down, remove) = (id.clone(), id.clone(), id.clone());
                view! {
                    <tr data-testid=format!("edit-row-{id}")>
                        {cells}
                        <td class="row-actions">
                            <button type="button" class="link-button" title="Move up" aria-label=format!("Move row {} up", row + 1)
                                on:click=move |_| commit(move_trial(&state.source.get_untracked().dataset, &outcome_now(state), &up, true))>"↑"</button>
                            <button type="button" class="link-button" title="Move down" aria-label=format!("Move row {} down", row + 1)
                                on:click=move |_| commit(move_trial(&state.source.get_untracked().dataset, &outcome_now(state), &down, false))>"↓"</button>
                            <button type="button" class="link-button" data-testid=format!("edit-remove-{id}") aria-label=format!("Remove row {}", row + 1)
                                on:click=move |_| commit(remove_trial(&state.source.get_untracked().dataset, &remove))>"Remove"</button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="editor-grid" data-testid="editor-grid">
                <thead><tr>{header}<th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
    };
    let add = move |_| {
        let (edited, _) = state.source.with_untracked(|s| add_trial(&s.dataset, &outcome_now(state), ""));
        let row = state.trials.with_untracked(Vec::len);
        commit(edited);
        request_animation_frame(move || focus_cell(row, 0));
    };
    let problem_list = move || {
        let dataset = state.source.with(|s| s.dataset.clone());
        let names = columns(&dataset);
        let ids: Vec<String> = state.trials.with(|trials| trials.iter().map(|(id, _)| id.clone()).collect());
        problems.with(|p| {
            p.iter()
                .map(|x| {
                    let row =
                        ids.iter().position(|id| *id == x.trial).map_or(String::new(), |i| format!("row {}", i + 1));
                    let study = dataset
                        .trial(&x.trial)
                        .map(|t| t.label.clone())
                        .filter(|l| !l.is_empty())
                        .map_or(String::new(), |l| format!(" ({l})"));
                    let field = names.iter().find(|(c, _)| *c == x.column).map_or("", |(_, n)| n.as_str());
                    view! { <li>{format!("{row}{study}, {field}: {}", x.message)}</li> }
                })
                .collect_view()
        })
    };
    let column_name = RwSignal::new(String::new());
    // The grid exists only while the section is open: a closed editor costs nothing per change.
    let open = RwSignal::new(false);
    view! {
        <details class="editor" data-testid="editor" on:toggle=move |ev| {
            open.set(ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok()).is_some_and(|d| d.open()));
        }>
            <summary>"Edit the data as a table"</summary>
            <Show when=move || open.get()>
            <Show when=move || editable.get() fallback=move || view! {
                <p class="note-inline">"The bundled data is never changed: edit your own copy of it (its counts become yours, marked as such; the original stays one click away)."</p>
                <button type="button" data-testid="editor-copy" on:click=move |_| state.edit_a_copy()>"Edit a copy of this data"</button>
            }>
                <p class="note-inline">"Enter and the arrow keys move between rows, Tab between cells; paste a block copied from a spreadsheet into any cell. Each edit recomputes at once and can be undone."</p>
                <div class="table-scroll">{grid}</div>
                <div class="bulk">
                    <button type="button" data-testid="editor-add" on:click=add>"Add a study"</button>
                    <label class="add-column">"New column (a subgroup, risk of bias...) "
                        <input type="text" size="14" data-testid="editor-column-name" prop:value=move || column_name.get()
                            on:input=move |ev| column_name.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" data-testid="editor-add-column" on:click=move |_| {
                        let name = column_name.get_untracked();
                        if !name.trim().is_empty() {
                            commit(state.source.with_untracked(|s| add_attribute(&s.dataset, &name)));
                            column_name.set(String::new());
                        }
                    }>"Add the column"</button>
                    {move || original().map(|id| view! {
                        <button type="button" data-testid="editor-reset" on:click=move |_| {
                            problems.set(vec![]);
                            if let Some(source) = DataSource::bundled(&id) {
                                state.show_data(source);
                            }
                        }>"Reset to the original"</button>
                    })}
                </div>
                <ul class="import-errors" data-testid="editor-problems" role="alert">{problem_list}</ul>
            </Show>
            </Show>
        </details>
    }
}

/// The outcome on screen (tracked when read while rendering).
fn outcome_now(state: AppState) -> String {
    state.selection.with(|s| state.source.with(|d| d.dataset.outcome_or_first(&s.scope.outcome).id.clone()))
}

/// Spreads a pasted block (rows by line, cells by tab) from a cell rightwards and downwards;
/// rows beyond the last study become new studies. The whole block is one edit.
fn paste_block(
    state: AppState,
    text: &str,
    trial: &str,
    col: usize,
    ids: &[String],
    columns: &[Column],
    apply: impl Fn(Vec<(String, Column, String)>),
) {
    let Some(first_row) = ids.iter().position(|id| id == trial) else { return };
    let block = spread_block(text, first_row, col);
    let mut ids = ids.to_vec();
    // New rows first (one edit), then the cells (applied to the data with those rows).
    let missing = block.iter().map(|(r, ..)| r + 1).max().unwrap_or(0).saturating_sub(ids.len());
    if missing > 0 {
        let mut dataset = state.source.get_untracked().dataset.as_ref().clone();
        let outcome = outcome_now(state);
        for _ in 0..missing {
            let (next, id) = add_trial(&dataset, &outcome, "");
            dataset = next;
            ids.push(id);
        }
        state.edit_data(dataset);
    }
    let cells = block
        .into_iter()
        .filter_map(|(r, c, value)| columns.get(c).map(|column| (ids[r].clone(), column.clone(), value)))
        .collect();
    apply(cells);
}
