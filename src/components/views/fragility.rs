//! Fragility: the fewest patients whose event status must change (within their arm, every N
//! fixed) for the pooled CI to cross the null (`livemeta_core::sensitivity`), the changed counts,
//! and a button that applies them to the user's copy of the data.
use super::shared::refit_plot_memo;
use super::what_if::WhatIf;
use crate::components::plot_canvas::PlotCanvas;
use crate::state::pooled_trials;
use crate::state::{AppState, DataSource};
use leptos::prelude::*;
use livemeta_core::data::{editable_copy, is_editable, set_table, DoseSelection};
use livemeta_core::report::{count, effect, effect_with_ci, measure_heading};
use livemeta_core::sensitivity::Significance;
use livemeta_core::sensitivity::{fragility, search_budget, Fragility};
use livemeta_core::{Measure, StudyCounts};
use livemeta_plot::in_sentence;

/// What the conclusion says, in words.
fn conclusion(side: Significance, treatment: &str) -> String {
    match side {
        Significance::Below => format!("significantly fewer events with {treatment}"),
        Significance::Above => format!("significantly more events with {treatment}"),
        Significance::Neither => "no significant difference".to_string(),
    }
}

/// "1 fewer event", "17 more events".
fn change_in_words(delta: i64) -> String {
    format!(
        "{} {} {}",
        delta.abs(),
        if delta > 0 { "more" } else { "fewer" },
        if delta.abs() == 1 { "event" } else { "events" }
    )
}

#[component]
pub fn FragilityView(state: AppState) -> impl IntoView {
    let pooled = Memo::new(move |_| state.rows.with(|rows| pooled_trials(rows)));
    let result = Memo::new(move |_| {
        let options = state.selection.with(|s| s.method.options());
        pooled.with(|(_, studies)| fragility(studies, &options, search_budget(studies.len())))
    });
    // The figure: the analysis on screen as the diamond, and the pool with the changes.
    let refit = Memo::new(move |_| {
        result.get().map_or_else(Vec::new, |f| {
            vec![(
                "changed".to_string(),
                format!("With {} {} changed", count(f.total), if f.total == 1 { "patient" } else { "patients" }),
                Some((f.estimate, f.ci_lower, f.ci_upper)),
            )]
        })
    });
    let plot = refit_plot_memo(state, "Fragility", refit);
    let presenter = state.presenter();
    let labels = move || {
        let d = state.dataset();
        (in_sentence(&d.treatment_label), in_sentence(&d.control_label))
    };
    let measure = move || state.selection.with(|s| s.method.measure);
    let summary = move || {
        let (treatment, _) = labels();
        let m = measure();
        match result.get() {
            None => "No change of event counts flips this result (or no trial switched on can be pooled).".to_string(),
            Some(f) => {
                let mut after =
                    format!("{} {}", measure_heading(m), effect_with_ci(f.estimate, f.ci_lower, f.ci_upper, m));
                // A bound that crossed the null by less than the rounding shows its digits.
                let null = m.null_value();
                let crossed = if (f.ci_upper - null).abs() < (f.ci_lower - null).abs() {
                    ("upper", f.ci_upper)
                } else {
                    ("lower", f.ci_lower)
                };
                if effect(crossed.1, m) == effect(null, m) {
                    let digits = if m == Measure::RD {
                        format!("{:.3}", crossed.1 * 100.0)
                    } else {
                        format!("{:.5}", crossed.1)
                    };
                    after.push_str(&format!(", its {} bound {digits} before rounding", crossed.0));
                }
                let proof = if f.exact {
                    if f.total == 1 {
                        "One patient is the fewest possible.".to_string()
                    } else {
                        format!("Exact: every combination of changes to {} patients or fewer was analysed and none flips it.", count(f.total - 1))
                    }
                } else {
                    format!("At most this many: every combination of up to {} was analysed without a flip before the search stopped ({} analyses); Atal's one-patient-at-a-time iteration needed {}.", count(f.searched_below - 1), count(f.analyses), count(f.greedy))
                };
                format!(
                    "The conclusion ({}) becomes {} when {} {} event status changes; the pool becomes {after}. {proof}",
                    conclusion(f.before, &treatment),
                    conclusion(f.after, &treatment),
                    count(f.total),
                    if f.total == 1 { "patient's" } else { "patients'" },
                )
            }
        }
    };
    let rows = move || {
        let (treatment, control) = labels();
        let Some(f): Option<Fragility> = result.get() else { return vec![] };
        let (ids, studies) = pooled.get();
        f.changes
            .iter()
            .map(|c| {
                let s: &StudyCounts = &studies[c.study];
                let (arm, before, n) = if c.treatment {
                    (treatment.clone(), s.events_treatment, s.total_treatment)
                } else {
                    (control.clone(), s.events_control, s.total_control)
                };
                let what = change_in_words(c.delta);
                view! {
                    <tr data-testid=format!("fragility-change-{}", ids[c.study])>
                        <th scope="row">{s.label.clone()}</th>
                        <td>{arm}</td>
                        <td>{what}</td>
                        <td>{format!("{before}/{n} → {}/{n}", before + c.delta)}</td>
                    </tr>
                }
            })
            .collect::<Vec<_>>()
    };
    // The changed counts become the user's data (a copy of a bundled set), one undo step.
    let apply = move |_| {
        let Some(f) = result.get_untracked() else { return };
        let (ids, studies) = pooled.get_untracked();
        let (outcome, dose) = state.selection.with_untracked(|s| (s.scope.outcome.clone(), s.scope.dose.clone()));
        let dataset = state.dataset();
        let editable = is_editable(&dataset);
        let mut edited = if editable { (*dataset).clone() } else { editable_copy(&dataset, &dose) };
        // A trial may change in both arms: each changed trial's table is set once.
        let mut tables: Vec<[i64; 4]> = studies
            .iter()
            .map(|s| [s.events_treatment, s.total_treatment, s.events_control, s.total_control])
            .collect();
        for c in &f.changes {
            tables[c.study][if c.treatment { 0 } else { 2 }] += c.delta;
        }
        let mut changed: Vec<usize> = f.changes.iter().map(|c| c.study).collect();
        changed.dedup();
        for study in changed {
            match set_table(&edited, &outcome, &ids[study], tables[study]) {
                Ok(next) => edited = next,
                Err(why) => return state.notice.set(Some(format!("The changes could not be applied: {why}"))),
            }
        }
        if editable {
            state.edit_data(edited);
        } else {
            state.selection.update(|s| s.scope.dose = DoseSelection::AllCombined);
            state.show_data(DataSource::from_file(edited));
        }
    };
    view! {
        <>
            <p data-testid="fragility-summary" data-value=move || result.get().map_or(String::new(), |f| format!("{},{}", f.total, f.exact))>{summary}</p>
            <Show when=move || result.with(Option::is_some)>
                // Not in a table-scroll: the few changed rows stay on a projector too.
                <div class="fragility-changes">
                    <table class="study-table" data-testid="fragility-table">
                        <caption>"The changes, within each arm; every N stays as it is"</caption>
                        <thead><tr><th scope="col">"Trial"</th><th scope="col">"Arm"</th><th scope="col">"Change"</th><th scope="col">"Events/N"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <button type="button" data-testid="fragility-apply" on:click=apply
                    title="Puts the changed counts into your copy of the data, marked as yours; Undo brings the original back">"Apply these changes"</button>
                <WhatIf state=state />
                <PlotCanvas plot=plot presenter=presenter export_as="fragility-plot" testid="fragility-plot"
                    label="The pooled result as analysed (the diamond) and with the changed counts" />
            </Show>
            <p class="note">"The search: Atal et al. (2019)'s iteration, one patient at a time in whichever arm moves the CI furthest, then every combination of changes with fewer patients in total, both ways in every arm, smallest first (up to 75,000 analyses for 8 trials, fewer for more, so the page answers within about a second)."</p>
        </>
    }
}
