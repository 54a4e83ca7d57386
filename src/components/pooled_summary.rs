use crate::components::absolute_effect::AbsoluteEffectLine;
use crate::components::clinical_threshold::ClinicalThreshold;
use crate::components::defined_term::DefinedTerm;
use crate::components::explain_panel::ExplainableNumber;
use crate::state::{reproduces, two_decimals, AppState};
use leptos::prelude::*;
use livemeta_core::data::TrialData;
use livemeta_core::report::Quantity;
use livemeta_core::report::{effect, effect_with_ci, measure_heading, p_value, result_in_words};
use std::collections::BTreeSet;

/// A number as people read it, with the full-precision value in `data-value` for scripts.
#[component]
fn Number(testid: &'static str, value: Option<f64>, text: String) -> impl IntoView {
    let data_value = value.map_or(String::new(), |v| format!("{v:e}"));
    view! { <span data-testid=testid data-value=data_value>{text}</span> }
}

/// An effect-scale number: two decimals for ratios, percentage points for differences.
fn effect_number(testid: &'static str, value: f64, measure: livemeta_core::Measure) -> impl IntoView {
    view! { <Number testid=testid value=Some(value) text=effect(value, measure) /> }
}

/// An effect-scale number of the live analysis, which explains itself when clicked.
fn explained_effect(
    state: AppState,
    testid: &'static str,
    value: f64,
    measure: livemeta_core::Measure,
    quantity: Quantity,
) -> impl IntoView {
    view! { <ExplainableNumber state=state testid=testid value=Some(value) text=effect(value, measure) quantity=quantity /> }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "trial"
    } else {
        "trials"
    }
}

/// The live pooled result, the published reference beside it, and heterogeneity.
#[component]
pub fn PooledSummary(state: AppState) -> impl IntoView {
    // One pass over the rows serves both the count line and the definitions warning.
    let coverage = Memo::new(move |_| {
        state.rows.with(|rows| {
            let reported = rows.iter().filter(|r| matches!(r.data, TrialData::Reported { .. })).count();
            let entered = rows.iter().filter(|r| r.is_entered()).count();
            let asked = rows.iter().filter(|r| r.pooled_counts().is_some()).count();
            let definitions: BTreeSet<&str> = rows
                .iter()
                .filter(|r| r.enabled)
                .filter_map(|r| match &r.data {
                    TrialData::Reported { definition, .. } => Some(definition.as_str()),
                    _ => None,
                })
                .collect();
            let mixed = (definitions.len() > 1).then(|| {
                let dataset = state.dataset();
                definitions.iter().map(|d| dataset.definition_label(d).to_string()).collect::<Vec<_>>()
            });
            // What was actually pooled comes from the analysis, not from the rows asked for.
            let (pooled, not_estimable) = state.analysis.with(|a| match a {
                Ok(a) => (a.k, a.studies.iter().filter(|s| s.weight_percent.is_none()).count()),
                Err(_) => (0, asked),
            });
            let off = reported + entered - asked;
            let invalid = rows.iter().filter(|r| matches!(r.data, TrialData::Invalid { .. })).count();
            let typed = if entered > 0 { format!(", {entered} entered by you") } else { String::new() };
            let typed =
                if invalid > 0 { format!("{typed}, {invalid} with problems left out (see the table)") } else { typed };
            let mut line = format!(
                "{reported} of {} {} reported this outcome{typed}; {pooled} pooled",
                rows.len(),
                plural(rows.len())
            );
            if off > 0 {
                line.push_str(&format!(", {off} switched off"));
            }
            if not_estimable > 0 {
                line.push_str(&format!(", {not_estimable} not estimable"));
            }
            line.push('.');
            (line, mixed)
        })
    });
    let published = move || {
        let dataset = state.dataset();
        state.selection.with(|s| {
            dataset.published.iter().find(|p| p.outcome == s.scope.outcome).map(|p| {
                let label = if p.measure == "PETO" { "Peto OR" } else { p.measure.as_str() };
                let published = format!("{label} {}", two_decimals(p.estimate, p.ci_lower, p.ci_upper));
                let article = dataset.publication.clone();
                // The difference is stated, never hidden: the live pool rarely has all eight trials.
                let difference = state.analysis.with(|a| match a {
                    Ok(a) if a.measure.label() == label => {
                        let same = reproduces(a, p);
                        // With every missing cell typed in, say plainly whether the typed counts
                        // give the paper's pooled result.
                        let (entered, missing) = state.rows.with(|rows| {
                            (rows.iter().filter(|r| r.is_entered()).count(), rows.iter().filter(|r| r.data == TrialData::NotReported).count())
                        });
                        let live_text = effect_with_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper, a.measure);
                        match (entered > 0 && missing == 0, same) {
                            (true, true) => format!("With the counts entered by you, no cell is missing: they reproduce the paper's pooled result to two decimals ({label} {live_text})."),
                            (true, false) => format!("With the counts entered by you, no cell is missing, but they do not reproduce the paper's pooled result: live {label} {live_text}, published {published}."),
                            (false, true) => "The live result matches the published one.".to_string(),
                            (false, false) => format!("The live result, {label} {live_text} from {} {}, differs from the published one.", a.k, plural(a.k)),
                        }
                    }
                    Ok(a) => format!("The live analysis uses {}, the paper used {label}.", a.measure.label()),
                    Err(_) => "No live result to compare.".to_string(),
                });
                // A review file carries its own pooled result, as RevMan computed it.
                let reference = if p.url.is_empty() {
                    view! { "The review file's own result (as RevMan computed it): " {published} }.into_any()
                } else {
                    view! {
                        "Published (Fleming 2018): " {published}
                        " · " <a href=article.doi_url target="_blank" rel="noopener">"article (DOI)"</a>
                        " · " <a href=article.pubmed_url target="_blank" rel="noopener">"PubMed"</a>
                        " · " <a href=p.url.clone() target="_blank" rel="noopener" title=p.copy.clone().unwrap_or_default()>"copy read"</a>
                    }.into_any()
                };
                view! {
                    <p class="published" data-testid="published-reference">{reference}</p>
                    <p class="difference" data-testid="published-difference">{difference}</p>
                }
            })
        })
    };
    let result = move || {
        if state.pooled_hidden() {
            // Predict, then reveal: the numbers wait for the group's guess.
            let heading = state.selection.with(|s| measure_heading(s.method.measure));
            return view! {
                <p class="pooled hidden-result" aria-live="polite">
                    <span class="pooled-label">{format!("Pooled {heading} ")}</span>
                    <span data-testid="pooled-estimate" data-value="">"?"</span>
                    " (95% CI " <span data-testid="pooled-ci-lower" data-value="">"?"</span> " to " <span data-testid="pooled-ci-upper" data-value="">"?"</span> ")"
                    <span class="model">" · make a guess, then reveal"</span>
                </p>
            }
            .into_any();
        }
        state.analysis.with(|analysis| match analysis {
            Ok(a) => {
                let p = a.pooled;
                let h = a.heterogeneity;
                let m = a.measure;
                let heterogeneity = if a.k < 2 {
                    view! { <p class="heterogeneity" data-testid="heterogeneity">"Heterogeneity: not applicable with one trial."</p> }.into_any()
                } else {
                    view! {
                        <p class="heterogeneity" data-testid="heterogeneity">
                            "Heterogeneity: " <DefinedTerm text="I²" />" = " <ExplainableNumber state=state testid="heterogeneity-i2" value=h.i2 text=h.i2.map_or("–".into(), |i| format!("{i:.0}%")) quantity=Quantity::I2 />
                            ", " <DefinedTerm text="τ²" />" = " <ExplainableNumber state=state testid="heterogeneity-tau2" value=Some(h.tau2) text=livemeta_core::report::tau2_text(h.tau2, a.measure, 3) quantity=Quantity::Tau2 />
                            ", " <DefinedTerm text="Q" />" = " <ExplainableNumber state=state testid="heterogeneity-q" value=Some(h.q) text=format!("{:.2}", h.q) quantity=Quantity::Q />
                            {format!(" (df = {}), ", h.df)}
                            <Number testid="heterogeneity-p" value=h.p_value text=h.p_value.map_or("P not available".into(), p_value) />
                        </p>
                    }
                    .into_any()
                };
                view! {
                    <p class="pooled" aria-live="polite">
                        <span class="pooled-label">"Pooled " <DefinedTerm text=measure_heading(m) />" "</span>
                        {explained_effect(state, "pooled-estimate", p.estimate, m, Quantity::Estimate)}
                        " (" <DefinedTerm text="95% CI" />" "
                        {explained_effect(state, "pooled-ci-lower", p.ci_lower, m, Quantity::CiLower)}
                        " to "
                        {explained_effect(state, "pooled-ci-upper", p.ci_upper, m, Quantity::CiUpper)}
                        ")"
                        <span class="model" data-testid="pooled-model">" · " <DefinedTerm text=a.model_label.clone() />{format!(" · {} {}", a.k, plural(a.k))}</span>
                    </p>
                    {heterogeneity}
                }
                .into_any()
            }
            Err(e) => view! { <p class="pooled error" data-testid="pooled-estimate" data-value="">{format!("No pooled estimate: {e}")}</p> }.into_any(),
        })
    };
    let in_words = move || {
        if state.pooled_hidden() {
            return None;
        }
        let dataset = state.dataset();
        let outcome = state.selection.with(|s| dataset.outcome_or_first(&s.scope.outcome).label.clone());
        state.analysis.with(|a| {
            a.as_ref().ok().map(|a| {
                view! { <p class="in-words" data-testid="result-in-words">{result_in_words(a, &dataset.treatment_label, &outcome)}</p> }
            })
        })
    };
    let comparison = move || {
        state.comparison.get().filter(|_| !state.pooled_hidden()).map(|c| match c {
            Ok(a) => view! {
                <p class="comparison">
                    {format!("{}: {} ", a.model_label, measure_heading(a.measure))}
                    {effect_number("comparison-estimate", a.pooled.estimate, a.measure)}
                    {format!(" ({} to {})", effect(a.pooled.ci_lower, a.measure), effect(a.pooled.ci_upper, a.measure))}
                </p>
            }
            .into_any(),
            Err(e) => view! { <p class="comparison">{format!("Other model: {e}")}</p> }.into_any(),
        })
    };
    view! {
        <section class="summary">
            {in_words}
            {result}
            <AbsoluteEffectLine state=state />
            <ClinicalThreshold state=state />
            {comparison}
            {published}
            <p class="coverage" data-testid="coverage">{move || coverage.with(|c| c.0.clone())}</p>
            {move || coverage.with(|c| c.1.clone()).map(|definitions| view! {
                <details class="warning" data-testid="definition-warning">
                    <summary>"The trials counted this outcome in different ways, so the pool mixes definitions."</summary>
                    <ul>{definitions.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                </details>
            })}
        </section>
    }
}
