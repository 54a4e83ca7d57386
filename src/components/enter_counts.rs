//! Typing in a trial's counts from the paper where no source gave them. The four cells keep
//! whatever was typed; a problem is named by its cell, and nothing enters the analysis until
//! the table is valid. Entered counts are the user's, marked as such everywhere.
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::data::Dataset;
use livemeta_core::StudyCounts;

/// The four cells, in the order of `EnteredCounts::counts`.
pub(crate) fn cell_names(dataset: &Dataset) -> [String; 4] {
    let (t, c) = (&dataset.treatment_label, &dataset.control_label);
    [format!("{t} events"), format!("{t} total"), format!("{c} events"), format!("{c} total")]
}

/// Parses and checks the typed cells; the error names the cell.
pub(crate) fn checked(cells: &[String; 4], label: &str, names: &[String; 4]) -> Result<[i64; 4], String> {
    let mut counts = [0i64; 4];
    for ((slot, text), name) in counts.iter_mut().zip(cells).zip(names) {
        *slot = text.trim().parse().map_err(|_| {
            if text.trim().is_empty() {
                format!("{name}: empty; type a whole number")
            } else {
                format!("{name}: \"{}\" is not a whole number", text.trim())
            }
        })?;
    }
    let [a, n1, c, n2] = counts;
    StudyCounts::new(label, a, n1, c, n2).validate().map_err(|e| match e {
        livemeta_core::EngineError::InvalidInput { field, message, .. } => {
            let index = ["events_treatment", "total_treatment", "events_control", "total_control"]
                .iter()
                .position(|f| *f == field)
                .unwrap_or(0);
            format!("{}: {message}", names[index])
        }
        other => other.to_string(),
    })?;
    Ok(counts)
}

/// The form for one trial of the current outcome and dose; `current` pre-fills an edit.
#[component]
pub fn EnterCounts(
    state: AppState,
    trial: String,
    label: String,
    current: Option<[i64; 4]>,
    on_close: Callback<()>,
) -> impl IntoView {
    let cells = RwSignal::new(current.map_or_else(Default::default, |c| c.map(|n| n.to_string())));
    let error = RwSignal::new(None::<String>);
    let names = cell_names(&state.dataset());
    let inputs = (0..4)
        .map(|i| {
            let name = names[i].clone();
            view! {
                <label class="enter-cell">{name.clone()}
                    <input type="text" inputmode="numeric" size="5" data-testid=format!("enter-{trial}-{i}") aria-label=format!("{name}, {label}")
                        prop:value=move || cells.with(|c| c[i].clone())
                        on:input=move |ev| cells.update(|c| c[i] = event_target_value(&ev)) />
                </label>
            }
        })
        .collect_view();
    let (trial_id, label_for_check) = (trial.clone(), label.clone());
    let save = move |_| match cells.with(|c| checked(c, &label_for_check, &names)) {
        Ok(counts) => {
            error.set(None);
            state.selection.update(|s| s.enter(&trial_id, counts, ""));
            on_close.run(());
        }
        Err(why) => error.set(Some(why)),
    };
    view! {
        <div class="enter-counts" data-testid=format!("enter-{trial}")>
            <p class="note-inline">"From the paper's figures or tables. Your counts are marked “entered by you” in the table, the plot and every export, never as sourced."</p>
            <div class="enter-cells">{inputs}</div>
            <div class="bulk">
                <button type="button" data-testid=format!("enter-{trial}-save") on:click=save>"Use these counts"</button>
                <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
            </div>
            <p class="import-errors" role="alert" data-testid=format!("enter-{trial}-error")>{move || error.get()}</p>
        </div>
    }
}
