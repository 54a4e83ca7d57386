//! Rare events: the odds ratio of the trials switched on by metafor's `rma.glmm` models, which
//! need no continuity correction: the common odds ratio (`method = "EE"`) by conditional
//! logistic regression (exact and binomial-approximate likelihood, CM.EL and CM.AL) and by
//! logistic regression with a fixed or a random intercept per trial (UM.FS, UM.RS); and, when
//! asked for, the mean odds ratio with a normal random effect on each trial's log odds ratio
//! (`method = "ML"`: CM.EL, CM.AL, UM.RS). Beside them the usual common-effect odds ratios
//! (Mantel-Haenszel, Peto, inverse variance) with the zero-cell rule on screen. With few events
//! and zero cells, where these differ is the lesson.
use super::shared::{view_code, ViewRCode};
use crate::state::pooled_trials;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::likelihood::{approximate_conditional_random_effects, random_study_effects};
use livemeta_core::likelihood::{conditional_random_effects, likelihood_fit, LikelihoodModel, MixedFit};
use livemeta_core::model::{analyze, Model};
use livemeta_core::report::effect_with_ci;
use livemeta_core::report::ViewCode;
use livemeta_core::{CorrectionScope, Measure};
use livemeta_core::{EngineError, StudyCounts};

/// One row: (test id, method, trials used, odds ratio with CI or why not, correction, value).
type Row = (String, String, String, String, &'static str, String);

/// A mixed model's row, with tau² in the label when the model has a random effect on the odds ratio.
fn mixed_row(code: &str, label: &str, fit: Result<MixedFit, EngineError>) -> Row {
    match fit {
        Ok(f) => (
            code.to_string(),
            if code.ends_with("-RE") { format!("{label}, τ² = {:.4}", f.tau2) } else { label.to_string() },
            f.k.to_string(),
            effect_with_ci(f.log_or.estimate.exp(), f.log_or.ci_lower.exp(), f.log_or.ci_upper.exp(), Measure::OR),
            "none",
            format!("{:e}", f.log_or.estimate.exp()),
        ),
        Err(why) => {
            (code.to_string(), label.to_string(), String::new(), format!("not estimable: {why}"), "none", String::new())
        }
    }
}

#[component]
pub fn RareEventsView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    // The mixed models integrate every trial's likelihood hundreds of times per fit (CM.EL with
    // random effects: a few hundred ms when trials have dozens of events), so they run when
    // asked for.
    let with_random = Signal::derive(move || selection.with(|s| s.views.fit_mixed));
    let rows = Memo::new(move |_| {
        let (_, studies) = state.rows.with(|rows| pooled_trials(rows));
        let options = selection.with(|s| s.method.options());
        let level = options.level;
        let mut rows: Vec<Row> = LikelihoodModel::ALL
            .into_iter()
            .map(|model| match likelihood_fit(&studies, model, level) {
                Ok(f) => (
                    model.code().to_string(),
                    model.label().to_string(),
                    f.k.to_string(),
                    effect_with_ci(
                        f.log_or.estimate.exp(),
                        f.log_or.ci_lower.exp(),
                        f.log_or.ci_upper.exp(),
                        Measure::OR,
                    ),
                    "none",
                    format!("{:e}", f.log_or.estimate.exp()),
                ),
                Err(why) => (
                    model.code().to_string(),
                    model.label().to_string(),
                    String::new(),
                    format!("not estimable: {why}"),
                    "none",
                    String::new(),
                ),
            })
            .collect();
        // The mixed models, when asked for.
        let mixed: [(&str, &str, fn(&[StudyCounts], f64) -> Result<MixedFit, EngineError>); 4] = [
            ("UM.RS", "Logistic regression with a random intercept per trial", |s, level| {
                random_study_effects(s, false, level)
            }),
            ("CM.EL-RE", "Conditional exact likelihood with random effects, by ML", conditional_random_effects),
            (
                "CM.AL-RE",
                "Conditional binomial approximation with random effects, by ML",
                approximate_conditional_random_effects,
            ),
            ("UM.RS-RE", "Logistic regression with random intercepts and random effects, by ML", |s, level| {
                random_study_effects(s, true, level)
            }),
        ];
        for (code, label, fit) in mixed {
            rows.push(if with_random.get() {
                mixed_row(code, label, fit(&studies, level))
            } else {
                (
                    code.to_string(),
                    label.to_string(),
                    String::new(),
                    "not fitted: tick \"Fit it\" above the table".to_string(),
                    "none",
                    String::new(),
                )
            });
        }
        // The usual common-effect pools, with the zero-cell rule on screen where they use one.
        for (code, model, measure, correction) in [
            ("MH", Model::CommonMantelHaenszel, Measure::OR, "as on screen"),
            ("PETO", Model::CommonPeto, Measure::PetoOR, "none"),
            ("IV", Model::CommonInverseVariance, Measure::OR, "as on screen"),
        ] {
            let mut fixed = options.with_model(model).with_measure(measure);
            fixed.zero_cells = options.zero_cells;
            let row = match analyze(&studies, &fixed) {
                Ok(a) => (
                    a.k.to_string(),
                    effect_with_ci(a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper, measure),
                    format!("{:e}", a.pooled.estimate),
                ),
                Err(why) => (String::new(), format!("not estimable: {why}"), String::new()),
            };
            rows.push((code.to_string(), model.label(), row.0, row.1, correction, row.2));
        }
        rows
    });
    let zero_rule = move || {
        selection.with(|s| {
            let z = s.method.options().zero_cells;
            let tables = match z.scope {
                CorrectionScope::OnlyZero => "tables with a zero cell",
                CorrectionScope::All => "every table",
                CorrectionScope::IfAnyZero => "every table when any has a zero cell",
                CorrectionScope::None => return "no correction".to_string(),
            };
            format!("{} added to {tables}", z.add)
        })
    };
    view! {
        <>
            <p class="note-inline">{move || format!(
                "The odds ratio of the trials switched on. The rma.glmm models (metafor) use the counts as they are, with no continuity correction: the common odds ratio (method = \"EE\"), then the mean odds ratio with a normal random effect per trial (method = \"ML\"), CM.AL and UM.RS integrated as lme4's glmer does for rma.glmm (7-node adaptive Gauss-Hermite; Laplace for UM.RS with random effects). Trials with no events, or only events, are left out. The others use the zero-cell rule on screen ({}).",
                zero_rule()
            )}</p>
            <label>
                <input type="checkbox" data-testid="rare-random-toggle" prop:checked=move || with_random.get()
                    on:change=move |ev| selection.update(|s| s.views.fit_mixed = event_target_checked(&ev)) />
                " Fit it: the mixed models (UM.RS, and CM.EL, CM.AL and UM.RS with a random effect per trial by ML; slower)"
            </label>
            <div class="estimator-table">
                <table class="study-table" data-testid="rare-table">
                    <caption>"The odds ratio by each model, with and without continuity corrections"</caption>
                    <thead><tr><th scope="col">"Method"</th><th scope="col">"Trials used"</th><th scope="col">"OR (95% CI)"</th><th scope="col">"Correction"</th></tr></thead>
                    <tbody>
                        {move || rows.get().into_iter().map(|(code, label, k, or, correction, value)| {
                            // An unfitted row stays at the desk: on a projector it only takes room.
                            let class = if or.starts_with("not fitted") { "desk-only" } else { "" };
                            view! {
                                <tr data-testid=format!("rare-{}", code.replace('.', "-").to_lowercase()) data-value=value.clone() class=class>
                                    <th scope="row">{format!("{label} ({code})")}</th><td>{k}</td><td>{or}</td><td>{correction}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <ViewRCode code=view_code(state, move || ViewCode::RareEvents { mixed: with_random.get() }) testid="r-code-rare" />
        </>
    }
}
