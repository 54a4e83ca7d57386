//! Rare events: the common odds ratio of the trials switched on by the models that need no
//! continuity correction (conditional logistic regression with the exact hypergeometric
//! likelihood, and logistic regression with a fixed effect per trial, as metafor's
//! `rma.glmm(method = "EE")`) and the conditional model with a normal random effect on each
//! trial's log odds ratio (`rma.glmm(model = "CM.EL", method = "ML")`), beside the usual common-effect odds ratios (Mantel-Haenszel,
//! Peto, inverse variance) with the zero-cell rule on screen. With few events and zero cells,
//! where these differ is the lesson.
use crate::components::sensitivity::pooled_trials;
use crate::state::{AppState, Selection};
use leptos::prelude::*;
use livemeta_core::analysis::{analyze, Model};
use livemeta_core::format::effect_with_ci;
use livemeta_core::glmm::{conditional_random_effects, likelihood_fit, LikelihoodModel};
use livemeta_core::{CorrectionScope, Measure};

/// One row: (test id, method, trials used, odds ratio with CI or why not, correction, value).
type Row = (String, String, String, String, &'static str, String);

#[component]
pub fn RareEventsView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    // The random-effects conditional model integrates every trial's likelihood hundreds of
    // times per fit (a few hundred ms for 17 trials), so it runs when asked for. The choice is
    // the view's own and the link does not carry it.
    let with_random = RwSignal::new(false);
    let rows = Memo::new(move |_| {
        let (_, studies) = pooled_trials(&state);
        let options = selection.with(Selection::options);
        let level = options.level;
        let mut rows: Vec<Row> = LikelihoodModel::ALL
            .into_iter()
            .map(|model| match likelihood_fit(&studies, model, level) {
                Ok(f) => (
                    model.code().to_string(),
                    model.label().to_string(),
                    f.k.to_string(),
                    effect_with_ci(f.log_or.exp(), f.ci_lower.exp(), f.ci_upper.exp(), Measure::OR),
                    "none",
                    format!("{:e}", f.log_or.exp()),
                ),
                Err(why) => (model.code().to_string(), model.label().to_string(), String::new(), format!("not estimable: {why}"), "none", String::new()),
            })
            .collect();
        let random_label = "Conditional exact likelihood with random effects, by ML";
        rows.push(match with_random.get().then(|| conditional_random_effects(&studies, level)) {
            None => ("CM.EL-RE".to_string(), random_label.to_string(), String::new(), "not fitted: tick \"Fit it\" above the table".to_string(), "none", String::new()),
            Some(fit) => match fit {
            Ok(f) => (
                "CM.EL-RE".to_string(),
                format!("{random_label}, τ² = {:.4}", f.tau2),
                f.k.to_string(),
                effect_with_ci(f.log_or.exp(), f.ci_lower.exp(), f.ci_upper.exp(), Measure::OR),
                "none",
                format!("{:e}", f.log_or.exp()),
            ),
            Err(why) => ("CM.EL-RE".to_string(), random_label.to_string(), String::new(), format!("not estimable: {why}"), "none", String::new()),
            },
        });
        // The usual common-effect pools, with the zero-cell rule on screen where they use one.
        for (code, model, measure, correction) in [
            ("MH", Model::CommonMantelHaenszel, Measure::OR, "as on screen"),
            ("PETO", Model::CommonPeto, Measure::PetoOR, "none"),
            ("IV", Model::CommonInverseVariance, Measure::OR, "as on screen"),
        ] {
            let mut fixed = options.with_model(model).with_measure(measure);
            fixed.zero_cells = options.zero_cells;
            let row = match analyze(&studies, &fixed) {
                Ok(a) => (a.k.to_string(), effect_with_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper, measure), format!("{:e}", a.pooled.estimate)),
                Err(why) => (String::new(), format!("not estimable: {why}"), String::new()),
            };
            rows.push((code.to_string(), model.label(), row.0, row.1, correction, row.2));
        }
        rows
    });
    let zero_rule = move || selection.with(|s| {
        let z = s.options().zero_cells;
        let tables = match z.scope {
            CorrectionScope::OnlyZero => "tables with a zero cell",
            CorrectionScope::All => "every table",
            CorrectionScope::IfAnyZero => "every table when any has a zero cell",
            CorrectionScope::None => return "no correction".to_string(),
        };
        format!("{} added to {tables}", z.add)
    });
    view! {
        <div class="sensitivity-view" role="tabpanel" data-testid="rare-view">
            <p class="note-inline">{move || format!(
                "The odds ratio of the trials switched on. The first three models use the counts as they are, with no continuity correction, so a zero cell needs no invented half event (metafor's rma.glmm: method = \"EE\", then CM.EL with a normal random effect, method = \"ML\", whose odds ratio is the mean one); a trial with no events, or only events, carries no information about the odds ratio and is left out. The others use the zero-cell rule on screen ({}).",
                zero_rule()
            )}</p>
            <label class="desk-only">
                <input type="checkbox" data-testid="rare-random-toggle" prop:checked=move || with_random.get()
                    on:change=move |ev| with_random.set(event_target_checked(&ev)) />
                " Fit it: the conditional model with a random effect per trial (rma.glmm CM.EL, ML; slower, up to about a second)"
            </label>
            <div class="estimator-table">
                <table class="study-table" data-testid="rare-table">
                    <caption>"Common odds ratio, with and without continuity corrections"</caption>
                    <thead><tr><th scope="col">"Method"</th><th scope="col">"Trials used"</th><th scope="col">"OR (95% CI)"</th><th scope="col">"Correction"</th></tr></thead>
                    <tbody>
                        {move || rows.get().into_iter().map(|(code, label, k, or, correction, value)| view! {
                            <tr data-testid=format!("rare-{}", code.replace('.', "-").to_lowercase()) data-value=value.clone()>
                                <th scope="row">{format!("{label} ({code})")}</th><td>{k}</td><td>{or}</td><td>{correction}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
