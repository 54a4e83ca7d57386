//! "What if": drag any pooled trial's event counts (each N fixed) and watch the pool move,
//! without changing the data. Beside the fragility answer, so the audience can try their own.
use crate::state::pooled_trials;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::model::analyze;
use livemeta_core::report::{effect_with_ci, measure_heading};
use livemeta_core::sensitivity::Significance;
use livemeta_core::StudyCounts;

#[component]
pub fn WhatIf(state: AppState) -> impl IntoView {
    let pooled = Memo::new(move |_| state.rows.with(|rows| pooled_trials(rows)));
    // Events per pooled trial (treatment, control) as dragged; back to the data whenever it
    // changes. An effect: the reset is an event in the data's history (the same tables again
    // are not the dragged ones), which a memo of the data alone cannot tell.
    let events = RwSignal::new(Vec::<[i64; 2]>::new());
    let reset = move || {
        events.set(pooled.with_untracked(|(_, s)| s.iter().map(|c| [c.events_treatment, c.events_control]).collect()))
    };
    Effect::new(move |_| {
        pooled.track();
        reset();
    });
    let outcome = move || {
        let options = state.selection.with(|s| s.method.options());
        let dragged = events.get();
        let studies: Vec<StudyCounts> = pooled.with(|(_, s)| {
            if dragged.len() != s.len() {
                return s.clone();
            }
            s.iter()
                .zip(&dragged)
                .map(|(c, [t, k])| StudyCounts { events_treatment: *t, events_control: *k, ..c.clone() })
                .collect()
        });
        analyze(&studies, &options).ok().map(|a| {
            let p = &a.pooled;
            let verdict = if Significance::of(&a) == Significance::Neither { "not significant" } else { "significant" };
            (
                format!(
                    "With these counts: {} {}, {verdict}.",
                    measure_heading(a.measure),
                    effect_with_ci(p.estimate, p.ci_lower, p.ci_upper, a.measure)
                ),
                format!("{:e}", p.estimate),
            )
        })
    };
    let sliders = move || {
        let d = state.dataset();
        let (ids, studies) = pooled.get();
        ids.into_iter()
            .zip(studies)
            .enumerate()
            .map(|(i, (id, s))| {
                let trial = s.label.clone();
                let arm = move |label: String, arm: usize, total: i64, testid: String| {
                    let name = format!("{trial}: {label} events");
                    let value = move || events.with(|e| e.get(i).map_or(0, |v| v[arm]));
                    view! {
                        <label class="what-if-arm">{label}
                            <input type="range" min="0" max=total.to_string() data-testid=testid aria-label=name prop:value=move || value().to_string()
                                on:input=move |ev| {
                                    if let Ok(n) = event_target_value(&ev).parse::<i64>() {
                                        events.update(|e| if let Some(v) = e.get_mut(i) { v[arm] = n.clamp(0, total) });
                                    }
                                } />
                            {move || format!("{}/{total}", value())}
                        </label>
                    }
                };
                view! {
                    <div class="what-if-trial">
                        <span class="what-if-label">{s.label.clone()}</span>
                        {arm(d.treatment_label.clone(), 0, s.total_treatment, format!("whatif-{id}-treatment"))}
                        {arm(d.control_label.clone(), 1, s.total_control, format!("whatif-{id}-control"))}
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <details class="what-if" data-testid="what-if">
            <summary>"What if: drag a trial's event counts"</summary>
            {sliders}
            <p data-testid="whatif-result" data-value=move || outcome().map(|o| o.1)>{move || outcome().map(|o| o.0)}</p>
            <button type="button" data-testid="whatif-reset" on:click=move |_| reset()>"Back to the data"</button>
        </details>
    }
}
