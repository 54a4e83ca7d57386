//! Trial sequential analysis: the cumulative Z-curve in publication order against the
//! Lan-DeMets O'Brien-Fleming monitoring boundaries and the required information size
//! (`livemeta_core::sensitivity`), with the assumptions the RIS rests on as inputs.
use super::cumulative::publication_order;
use crate::components::plot_canvas::PlotCanvas;
use crate::state::pooled_trials;
use crate::state::{AppState, Selection};
use leptos::prelude::*;
use livemeta_core::numerics::z_crit;
use livemeta_core::report::{count, effect_with_ci, measure_heading};
use livemeta_core::sensitivity::{
    trial_sequential, TrialSequential, TsaAssumption, TsaAssumptions, LOOK_MIN_INCREMENT,
};
use livemeta_core::StudyCounts;
use livemeta_plot::{in_sentence, SequentialChart, SequentialPoint};

fn percent(share: f64) -> String {
    let text = format!("{:.2}", share * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One assumption, typed as a percentage. A value outside its range keeps its text, is named
/// in a message and changes nothing; an empty box means "from the data" where that exists.
#[component]
fn AssumptionInput(
    selection: RwSignal<Selection>,
    assumption: TsaAssumption,
    /// What an empty box means, where the data gives a value.
    from_data: Signal<String>,
) -> impl IntoView {
    let TsaAssumption { key, label, get, set, .. } = assumption;
    let value = move || selection.with(|s| get(&s.views.tsa));
    let problem = RwSignal::new(None::<String>);
    let on_change = move |ev: web_sys::Event| {
        let text = event_target_value(&ev);
        let text = text.trim().trim_end_matches('%').trim();
        if text.is_empty() && assumption.from_data {
            problem.set(None);
            return selection.update(|s| set(&mut s.views.tsa, None));
        }
        match text.replace(',', ".").parse::<f64>() {
            Ok(v) if assumption.allows(v / 100.0) => {
                problem.set(None);
                selection.update(|s| set(&mut s.views.tsa, Some(v / 100.0)));
            }
            _ => problem.set(Some(format!(
                "{label}: \"{text}\" is not a percentage {}; the analysis keeps the previous value.",
                assumption.range_in_words(100.0)
            ))),
        }
    };
    let testid = format!("tsa-{key}");
    view! {
        <label class="assumption">{label}" (%) "
            <input type="text" inputmode="decimal" data-testid=testid
                prop:value=move || value().map(percent).unwrap_or_default()
                placeholder=move || if assumption.from_data { from_data.get() } else { String::new() }
                aria-invalid=move || problem.with(Option::is_some).to_string()
                on:change=on_change />
        </label>
        <Show when=move || problem.with(Option::is_some)>
            <p class="import-errors" role="alert" data-testid=format!("tsa-{key}-error")>{move || problem.get()}</p>
        </Show>
    }
}

#[component]
pub fn TrialSequentialView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    // The pooled trials in publication order.
    let ordered = Memo::new(move |_| {
        let (ids, studies) = state.rows.with(|rows| pooled_trials(rows));
        let order = publication_order(&state, &ids);
        order.into_iter().map(|i| (ids[i].clone(), studies[i].clone())).collect::<Vec<(String, StudyCounts)>>()
    });
    let result = Memo::new(move |_| {
        let (options, assumptions) = selection.with(|s| (s.method.options(), s.views.tsa));
        ordered.with(|trials| {
            let studies: Vec<StudyCounts> = trials.iter().map(|(_, s)| s.clone()).collect();
            trial_sequential(&studies, &options, assumptions).map_err(|e| e.to_string())
        })
    });
    let treatment = move || in_sentence(&state.dataset().treatment_label);
    let chart = Memo::new(move |_| {
        let treatment = treatment();
        let alpha = selection.with(|s| s.views.tsa.alpha);
        match result.get() {
            Ok(t) => SequentialChart {
                points: t
                    .looks
                    .iter()
                    .map(|l| SequentialPoint { participants: l.participants as f64, z: l.z, boundary: l.boundary })
                    .collect(),
                required: t.required_information_size,
                boundary_at_ris: t.boundary_at_ris,
                conventional: z_crit(1.0 - alpha),
                above_label: format!("more events with {treatment}"),
                below_label: format!("fewer events with {treatment}"),
                crossed_at: t.crossed_at,
            },
            Err(_) => SequentialChart {
                points: vec![],
                required: 1.0,
                boundary_at_ris: None,
                conventional: 1.96,
                above_label: String::new(),
                below_label: String::new(),
                crossed_at: None,
            },
        }
    });
    let presenter = state.presenter();
    let summary = move || -> String {
        let t: TrialSequential = match result.get() {
            Ok(t) => t,
            Err(why) => return format!("No trial sequential analysis: {why}."),
        };
        let reached = t.information_fraction();
        let size = format!(
            "The information size reached is {} participants, {}% of the required {}",
            count(t.participants() as usize),
            if (0.995..1.0).contains(&reached) {
                format!("{:.1}", reached * 100.0)
            } else {
                format!("{:.0}", reached * 100.0)
            },
            count(t.required_information_size.round() as usize)
        );
        let curve = match t.crossed_at {
            Some(i) => {
                let look = &t.looks[i];
                format!(
                    "the Z-curve crossed the monitoring boundary at {} (Z = {:.2} against ±{:.2}): firm evidence under these assumptions",
                    look.label,
                    look.z.unwrap_or(f64::NAN),
                    look.boundary.unwrap_or(f64::NAN)
                )
            }
            None if reached >= 1.0 => "the Z-curve did not cross the monitoring boundary before the required information size was reached: an effect of the size assumed is unlikely".to_string(),
            None => "the Z-curve has not crossed the monitoring boundary".to_string(),
        };
        format!("{size}; {curve}.")
    };
    let details = move || -> String {
        let Ok(t) = result.get() else { return String::new() };
        let a = t.assumptions;
        let measure = selection.with(|s| s.method.measure);
        let model = state.analysis.with(|a| a.as_ref().map(|a| a.model_label.clone()).unwrap_or_default());
        let pc = format!(
            "control risk {}%{}",
            percent(t.control_risk),
            if a.control_risk.is_none() { " (the pooled control arms)" } else { "" }
        );
        let d2 =
            format!("D² {}%{}", percent(t.diversity), if a.diversity.is_none() { " (from the analysis)" } else { "" });
        let adjusted = match (t.adjusted_ci, t.adjusted_ci_boundary) {
            (Some((lo, hi)), Some(b)) => {
                let estimate = state.analysis.with(|a| a.as_ref().map(|a| a.pooled.estimate).unwrap_or(f64::NAN));
                format!(" TSA-adjusted CI: {} {} (the boundary ±{b:.2} at the last look in place of the conventional critical value).", measure_heading(measure), effect_with_ci(estimate, lo, hi, measure))
            }
            _ => " No TSA-adjusted CI: no trial adds more than 1% of the required information size.".to_string(),
        };
        format!(
            "Required information size: {pc}, relative risk reduction {}%, alpha {}% two-sided, power {}%, {d2}. Each look pools the trials so far with the analysis on screen ({model}); Z is its test statistic.{adjusted}",
            percent(a.relative_risk_reduction),
            percent(a.alpha),
            percent(a.power),
        )
    };
    let rows = move || {
        let Ok(t) = result.get() else { return vec![] };
        let ids: Vec<String> = ordered.with(|o| o.iter().map(|(id, _)| id.clone()).collect());
        t.looks
            .iter()
            .zip(ids)
            .map(|(look, id)| {
                let z = look.z.map_or("nothing to pool yet".to_string(), |z| format!("Z = {z:.2}"));
                let boundary = match look.boundary {
                    Some(b) => format!("boundary ±{b:.2}"),
                    None => format!("not a look (adds no more than {}% of the RIS)", percent(LOOK_MIN_INCREMENT)),
                };
                let text = format!("+ {}: {} participants ({:.1}% of the RIS), {z}, {boundary}", look.label, count(look.participants as usize), look.fraction * 100.0);
                view! { <li data-testid=format!("tsa-row-{id}") data-z=look.z.map_or(String::new(), |z| format!("{z:e}")) data-boundary=look.boundary.map_or(String::new(), |b| format!("{b:e}"))>{text}</li> }
            })
            .collect::<Vec<_>>()
    };
    let control_from_data = Signal::derive(move || {
        result.get().map_or("from the data".into(), |t| format!("data: {}", percent(t.control_risk)))
    });
    let diversity_from_data = Signal::derive(move || {
        result.get().map_or("from the analysis".into(), |t| format!("analysis: {}", percent(t.diversity)))
    });
    let from_data = move |key: &str| match key {
        "pc" => control_from_data,
        _ => diversity_from_data,
    };
    let inputs = TsaAssumptions::ALL
        .map(|assumption| view! { <AssumptionInput selection=selection assumption=assumption from_data=from_data(assumption.key) /> });
    view! {
        <>
            <p data-testid="tsa-summary" data-value=move || result.get().map_or(String::new(), |t| format!("{},{},{}", t.required_information_size, t.participants(), t.crossed_at.map_or(-1, |i| i as i64)))>{summary}</p>
            <div class="controls assumptions">
                {inputs}
            </div>
            <Show when=move || result.with(Result::is_ok)>
                <p class="note-inline tsa-details" data-testid="tsa-details">{details}</p>
                <PlotCanvas plot=chart presenter=presenter export_as="trial-sequential" testid="tsa-plot" drawn_mark="tsa-drawn"
                    label="Trial sequential analysis: the cumulative Z-curve against the monitoring boundaries and the required information size; the same numbers are listed below" />
                <ol class="readings tsa-readings">{rows}</ol>
            </Show>
            <p class="note">"As the Copenhagen TSA software: the RIS is 4 (z₁₋α/₂ + z₁₋β)² p̄(1 − p̄) / (pC − pE)², divided by 1 − D²; each trial in publication order is a look unless it adds no more than 1% of the RIS; the boundaries are Lan-DeMets O'Brien-Fleming, α/2 spent on each side, by recursive numerical integration; the TSA-adjusted CI uses the last look's boundary. Futility boundaries are not drawn."</p>
        </>
    }
}
