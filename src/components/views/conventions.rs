//! The convention lens: one click takes a tool's defaults for 2x2 data, and a table walks from
//! one convention to another on the trials switched on, a rule at a time, saying how far each
//! rule moves the pooled result (`conventions::compare`).
use crate::components::choice::Choice;
use crate::state::pooled_trials;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::model::Analysis;
use livemeta_core::model::{compare, Comparison, Convention, Preset};
use livemeta_core::report::{effect, effect_with_ci, measure_heading};
use livemeta_core::Coded;
use livemeta_core::EngineError;

fn side_label(side: Option<Preset>) -> &'static str {
    side.map_or("your analysis", Preset::label)
}

/// One row's readings: the pooled estimate with its CI, I², and the prediction interval where
/// the convention shows one.
fn readings(result: &Result<Analysis, EngineError>, convention: &Convention) -> (String, String, String, String) {
    match result {
        Ok(a) => {
            let m = a.measure;
            let pi = match (convention.prediction, a.prediction) {
                (Some(_), Some(pi)) => format!("{} to {}", effect(pi.lower, m), effect(pi.upper, m)),
                (Some(_), None) => "not defined (k < 3)".into(),
                (None, _) => "not shown".into(),
            };
            let i2 = a.heterogeneity.i2.map_or("–".into(), |i| format!("{i:.0}%"));
            (
                effect_with_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper, m),
                i2,
                pi,
                format!("{:e}", a.pooled.ci_upper),
            )
        }
        Err(e) => (format!("not estimable: {e}"), String::new(), String::new(), String::new()),
    }
}

#[component]
pub fn ConventionsView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let current = Memo::new(move |_| selection.with(|s| s.method.convention()));
    let matching = move || match Preset::matching(&current.get()) {
        Some(p) => format!("Your analysis follows {}'s defaults.", p.label()),
        None => {
            "Your analysis follows none of these presets; compare it with one below to see which rules differ.".into()
        }
    };
    let presets = Preset::ALL
        .iter()
        .copied()
        .map(|preset| {
            let on = move || Preset::matching(&current.get()) == Some(preset);
            view! {
                <button type="button" data-testid=format!("preset-use-{}", preset.code()) class:selected=on aria-pressed=move || on().to_string()
                    title=preset.caveat() on:click=move |_| selection.update(|s| state.notice.set(s.method.use_convention(preset)))>{preset.label()}</button>
            }
        })
        .collect_view();
    let comparison = move || -> Comparison {
        let (_, studies) = state.rows.with(|rows| pooled_trials(rows));
        let (measure, lens, here) = selection.with(|s| (s.method.measure, s.views.lens, s.method.convention()));
        let side = |p: Option<Preset>| p.map_or(here, Preset::convention);
        compare(&studies, measure, &side(lens[0]), &side(lens[1]))
    };
    let side_options = move || {
        std::iter::once(("current".to_string(), "your analysis".to_string()))
            .chain(Preset::ALL.iter().map(|p| (p.code().to_string(), p.label().to_string())))
            .collect::<Vec<_>>()
    };
    let side_choice = move |index: usize, label: &'static str, testid: &'static str| {
        view! {
            <Choice label=label testid=testid options=Signal::derive(side_options)
                current=Signal::derive(move || selection.with(|s| s.views.lens[index].map_or("current", Preset::code).to_string()))
                on_pick=move |code| selection.update(|s| s.views.lens[index] = Preset::from_code(&code)) />
        }
    };
    let table = move || {
        let c = comparison();
        let lens = selection.with(|s| s.views.lens);
        let (from, to) = (side_label(lens[0]), side_label(lens[1]));
        if c.steps.is_empty() {
            let same = format!("{from} and {to} follow the same rules here: nothing to compare.");
            let same = same[..1].to_uppercase() + &same[1..];
            return view! { <p class="lens-headline" data-testid="lens-headline">{same}</p> }.into_any();
        }
        let followed = c.most_moved();
        let shares = followed.map(|f| c.shares(f)).unwrap_or_default();
        let headline = c.headline().map_or_else(
            || format!("Switching {from} → {to} leaves the pooled estimate and its CI where they are; the rules below change only what the table shows beside them."),
            |h| format!("Switching {from} → {to} {h}"),
        );
        let share_heading =
            followed.map_or("Share of the change".to_string(), |f| format!("Share of the change in the {}", f.label()));
        let heading = c.start.as_ref().map(|a| measure_heading(a.measure)).unwrap_or_default();
        let (start, start_i2, start_pi, start_value) = readings(&c.start, &c.start_convention);
        let rows = c
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let (pooled, i2, pi, value) = readings(&step.after, &step.convention);
                // "0%", never "-0%", for a rule that moves the number by rounding only.
                let share = shares
                    .get(i)
                    .copied()
                    .flatten()
                    .map_or("–".to_string(), |s| format!("{:.0}%", (100.0 * s).round() + 0.0));
                view! {
                    <tr data-testid=format!("lens-step-{i}") data-value=value>
                        <th scope="row">{step.rule.label()}</th>
                        <td>{step.from.clone()}" → "<strong>{step.to.clone()}</strong></td>
                        <td class="effect">{pooled}</td><td>{i2}</td><td>{pi}</td>
                        <td data-testid=format!("lens-share-{i}")>{share}</td>
                    </tr>
                }
            })
            .collect_view();
        let shared =
            c.shared.iter().map(|(rule, how)| format!("{}: {how}", rule.label())).collect::<Vec<_>>().join("; ");
        view! {
            <p class="lens-headline" data-testid="lens-headline">{headline}</p>
            <div class="lens-table">
                <table class="study-table" data-testid="lens-table">
                    <caption>{format!("From {from} to {to}, one rule at a time in this order; each row is the analysis after its rule changes (the last row is {to}'s).")}</caption>
                    <thead><tr><th scope="col">"Rule"</th><th scope="col">"Change"</th><th scope="col">{heading}" (95% CI)"</th><th scope="col">"I²"</th><th scope="col">"Prediction interval"</th><th scope="col">{share_heading}</th></tr></thead>
                    <tbody>
                        <tr data-testid="lens-start" data-value=start_value>
                            <th scope="row">{format!("Start: {from}")}</th><td></td><td class="effect">{start}</td><td>{start_i2}</td><td>{start_pi}</td><td></td>
                        </tr>
                        {rows}
                    </tbody>
                </table>
            </div>
            <p class="note-inline desk-only" data-testid="lens-shared">{format!("The same in both: {shared}.")}</p>
        }
        .into_any()
    };
    let caveats = move || {
        let lens = selection.with(|s| s.views.lens);
        lens.into_iter()
            .flatten()
            .map(|p| view! { <li><strong>{p.label()}": "</strong>{p.caveat()}</li> })
            .collect_view()
    };
    view! {
        <>
            <p class="note-inline">"Tools pool the same trials with different defaults. Take one tool's defaults with a click (your effect measure is kept), or compare two conventions on the trials switched on: each rule where they differ is switched in turn."</p>
            <div class="lens-top">
                <div class="preset-buttons" role="group" aria-label="Use a tool's defaults">{presets}</div>
                <p class="lens-match" data-testid="convention-match">{matching}</p>
                <div class="controls lens-sides">
                    {side_choice(0, "Compare", "lens-from")}
                    {side_choice(1, "with", "lens-to")}
                </div>
            </div>
            {table}
            <details class="desk-only">
                <summary>"What each preset assumes, and where its sources are silent"</summary>
                <ul data-testid="lens-caveats">{caveats}</ul>
            </details>
        </>
    }
}
