//! Predict, then reveal (presenter mode): after each change the new pooled result is hidden;
//! the presenter drags a marker on the plot's axis (or types a value) to the group's guess,
//! then reveals. The guess stays on the plot beside the diamond, with the distance stated.
use crate::state::{AppState, Round};
use leptos::prelude::*;
use livemeta_core::report::{effect, measure_heading};
use livemeta_core::Measure;

/// How far the guess was from the pooled estimate, in words: as a ratio for ratio measures
/// (the plot's log axis), as a difference otherwise; and whether it fell inside the CI.
pub fn distance_sentence(guess: f64, estimate: f64, lower: f64, upper: f64, measure: Measure) -> String {
    let inside = if (lower..=upper).contains(&guess) { "inside the 95% CI" } else { "outside the 95% CI" };
    let off = if measure.is_ratio() {
        let ratio = guess / estimate;
        let percent = 100.0 * (ratio - 1.0).abs();
        match ratio {
            r if (r - 1.0).abs() < 0.005 => "the guess was right to two decimals".to_string(),
            r if r > 1.0 => format!("the guess was {percent:.0}% too high ({r:.2} times the pooled value)"),
            r => format!("the guess was {percent:.0}% too low ({r:.2} times the pooled value)"),
        }
    } else {
        let points = effect((guess - estimate).abs(), measure);
        let unit = if measure == Measure::RD { " percentage points" } else { "" };
        format!("the guess was {points}{unit} {}", if guess > estimate { "too high" } else { "too low" })
    };
    format!("{off}; {inside}")
}

#[component]
pub fn PredictReveal(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let round = state.round;
    let measure = move || selection.with(|s| s.method.measure);
    let status = move || {
        let m = measure();
        match round.get() {
            None => view! { <span data-testid="predict-status">"The next change hides the new result until you reveal it."</span> }.into_any(),
            Some(Round { revealed: false, guess }) => {
                let guess_text = guess.map_or("no guess yet".to_string(), |g| format!("guess: {}", effect(g, m)));
                view! {
                    <span data-testid="predict-status">{format!("What will the new pooled {} be? Drag on the plot's axis to the group's guess ({guess_text}), then reveal.", measure_heading(m))}</span>
                    <label class="guess-input">"Guess "
                        <input type="number" step="0.01" data-testid="predict-guess-input" prop:value=move || round.with(|r| r.and_then(|r| r.guess).map_or(String::new(), |g| format!("{g:.2}")))
                            on:change=move |ev| {
                                // Typed on the display scale; risk differences in percentage points.
                                let typed = event_target_value(&ev).parse::<f64>().ok().filter(|g| g.is_finite());
                                let value = typed.map(|g| if m == Measure::RD { g / 100.0 } else { g }).filter(|g| !m.is_ratio() || *g > 0.0);
                                state.guess(value);
                            } />
                    </label>
                    <button type="button" data-testid="predict-reveal" on:click=move |_| state.reveal()>"Reveal"</button>
                }.into_any()
            }
            Some(Round { revealed: true, guess }) => {
                let sentence = state.analysis.with(|a| match (a, guess) {
                    (Ok(a), Some(g)) => {
                        let p = &a.pooled;
                        format!("Guess {}, pooled {} {}: {}.", effect(g, m), measure_heading(m), effect(p.estimate, m), distance_sentence(g, p.estimate, p.ci_lower, p.ci_upper, m))
                    }
                    (Ok(a), None) => format!("Pooled {} {} (no guess was made).", measure_heading(m), effect(a.pooled.estimate, m)),
                    (Err(e), _) => format!("No pooled result: {e}"),
                });
                view! { <span data-testid="predict-result">{sentence}</span> }.into_any()
            }
        }
    };
    view! {
        <Show when=move || selection.with(|s| s.display.presenter && s.display.predict)>
            <p class="predict-bar" role="group" aria-label="Predict, then reveal">{status}</p>
        </Show>
    }
}

/// The masthead's switch for predict-then-reveal, shown in presenter mode.
#[component]
pub fn PredictToggle(state: AppState) -> impl IntoView {
    let selection = state.selection;
    view! {
        <Show when=move || selection.with(|s| s.display.presenter)>
            <label class="presenter-toggle">
                <input type="checkbox" data-testid="predict-toggle" prop:checked=move || selection.with(|s| s.display.predict)
                    on:change=move |ev| selection.update(|s| s.display.predict = event_target_checked(&ev)) />
                "Predict, then reveal"
            </label>
        </Show>
    }
}
