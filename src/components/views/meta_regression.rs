//! Meta-regression: the pooled trials' effects regressed on one trial attribute (year,
//! duration, background therapy, a column of the user's data), as metafor's
//! `rma(yi, vi, mods = ~ x)` with the model and test on screen. A numeric attribute gets a
//! bubble plot with the fitted line; every fit gets its coefficients, the test of the
//! moderator (QM), the residual heterogeneity and R².
use super::shared::{view_code, ViewRCode};
use crate::components::choice::Choice;
use crate::components::plot_canvas::PlotCanvas;
use crate::state::pooled_trials;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::model::CiMethod;
use livemeta_core::regression::{
    moderator_analysis, moderator_names, moderator_values, ModeratorAnalysis, ModeratorValues,
};
use livemeta_core::report::p_value;
use livemeta_core::report::ViewCode;
use livemeta_plot::bubble_plot;

/// The moderator's values as R code writes them (numbers as read, text as given).
fn values_for_r(values: &ModeratorValues) -> (Vec<Option<String>>, bool) {
    match values {
        ModeratorValues::Numeric(v) => (v.iter().map(|x| x.map(|x| x.to_string())).collect(), true),
        ModeratorValues::Categorical(v) => (v.clone(), false),
    }
}

/// "QM = 12.59 on 1 df, P = 0.0046", or with Knapp-Hartung "F(1, 11) = 12.59, P = 0.0046".
fn moderator_test_sentence(fit: &ModeratorAnalysis) -> String {
    let t = &fit.moderator_test;
    let statistic = match t.df_residual {
        Some(df) => format!("F({}, {}) = {:.2}", t.df, df, t.statistic),
        None => format!("QM = {:.2} on {} df", t.statistic, t.df),
    };
    format!("Test of the moderator: {statistic}, {}", p_value(t.p_value))
}

#[component]
pub fn MetaRegressionView(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let names = Memo::new(move |_| state.source.with(|s| moderator_names(&s.dataset)));
    // The selection's moderator where this data has it, else the data's first.
    let moderator = Memo::new(move |_| {
        let chosen = selection.with(|s| s.views.moderator.clone());
        names.with(|n| chosen.filter(|c| n.contains(c)).or_else(|| n.first().cloned()))
    });
    let values = Memo::new(move |_| {
        let name = moderator.get()?;
        let (ids, _) = state.rows.with(|rows| pooled_trials(rows));
        Some((name.clone(), state.source.with(|s| moderator_values(&s.dataset, &ids, &name))))
    });
    let level = move || selection.with(|s| s.method.options().level);
    let result = Memo::new(move |_| {
        let (name, values) = values.get()?;
        Some(state.analysis.with(|a| match a {
            Ok(a) => moderator_analysis(a, &name, &values, level()).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        }))
    });
    let plot = Memo::new(move |_| {
        let measure = selection.with(|s| s.method.measure);
        let name = moderator.get().unwrap_or_default();
        result.with(|r| {
            let Some(Ok(fit)) = r else { return bubble_plot(&[], &[], measure.is_ratio(), &name, measure.label()) };
            let points: Vec<_> = fit.points.iter().map(|q| (String::new(), q.x, q.yi, q.weight)).collect();
            let (lo, hi) =
                fit.points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), q| (a.min(q.x), b.max(q.x)));
            let fitted: Vec<_> = (0..=40)
                .filter(|_| lo < hi)
                .filter_map(|i| {
                    let x = lo + (hi - lo) * f64::from(i) / 40.0;
                    fit.fitted(x, level()).map(|(y, l, u)| (x, y, l, u))
                })
                .collect();
            bubble_plot(&points, &fitted, measure.is_ratio(), &name, measure.label())
        })
    });
    // The bubble plot is for a numeric moderator that could be fitted.
    let plotted = move || {
        values.with(|v| matches!(v, Some((_, ModeratorValues::Numeric(_)))))
            && result.with(|r| matches!(r, Some(Ok(_))))
    };
    let presenter = state.presenter();
    let model_line = move || {
        let options = selection.with(|s| s.method.options());
        let test = match options.ci_method {
            CiMethod::Wald => "z tests",
            CiMethod::KnappHartung => "Knapp-Hartung t and F tests",
            CiMethod::KnappHartungAdhoc => "modified Knapp-Hartung t and F tests",
        };
        format!(
            "{}, {test}; metafor's rma(yi, vi, mods = ~ {}). Effects on the {} scale.",
            options.model.label(),
            moderator.get().unwrap_or_default(),
            if options.measure.is_ratio() { "log" } else { "natural" }
        )
    };
    // The answer first, so that in presenter mode the plot is fitted under it (there the
    // model line and the residual heterogeneity stay at the desk, to leave the plot room).
    let readings = move || {
        result.with(|r| match r {
            None => ().into_any(),
            Some(Err(why)) => view! { <p class="note-inline" data-testid="metareg-error">{format!("No meta-regression: {why}.")}</p> }.into_any(),
            Some(Ok(fit)) => {
                let residual = format!(
                    "Residual heterogeneity: QE = {:.2} on {} df, {}; τ² = {}{}",
                    fit.q_residual, fit.q_residual_df, p_value(fit.q_residual_p), livemeta_core::report::tau2_text(fit.tau2, selection.with(|s| s.method.measure), 4),
                    fit.i2_residual.map_or(String::new(), |i2| format!(", I² = {i2:.1}%"))
                );
                let r2 = fit.r2.map(|r2| format!("R² = {r2:.1}%: the share of the between-trial variance τ² that {} accounts for", fit.moderator));
                let left_out = (fit.left_out > 0).then(|| format!(
                    "{} pooled {} no value for {} and {} left out ({} used).",
                    fit.left_out, if fit.left_out == 1 { "trial has" } else { "trials have" }, fit.moderator, if fit.left_out == 1 { "is" } else { "are" }, fit.k
                ));
                view! {
                    <ul class="readings">
                        <li data-testid="metareg-qm" data-value=format!("{:e}", fit.moderator_test.statistic)>{moderator_test_sentence(fit)}</li>
                        {r2.map(|text| view! { <li data-testid="metareg-r2" data-value=format!("{:e}", fit.r2.unwrap_or_default())>{text}</li> })}
                        <li class="desk-only" data-testid="metareg-qe" data-value=format!("{:e}", fit.q_residual)>{residual}</li>
                        {left_out.map(|text| view! { <li data-testid="metareg-left-out">{text}</li> })}
                    </ul>
                }
                .into_any()
            }
        })
    };
    let coefficients = move || {
        let ratio = selection.with(|s| s.method.measure.is_ratio());
        result.with(|r| {
            let Some(Ok(fit)) = r else { return None };
            let terms = fit.terms.iter().enumerate().map(|(i, t)| {
                let c = t.coefficient;
                let name = match (&fit.reference_level, i) {
                    (Some(reference), 0) => format!("intercept ({reference})"),
                    _ => t.name.clone(),
                };
                view! {
                    <tr data-testid=format!("metareg-term-{i}") data-value=format!("{:e}", c.estimate)>
                        <th scope="row">{name}</th>
                        <td>{format!("{:.4}", c.estimate)}</td>
                        <td>{format!("{:.4} to {:.4}", c.ci_lower, c.ci_upper)}</td>
                        <td>{p_value(c.p_value)}</td>
                        {ratio.then(|| view! { <td>{format!("{:.3}", c.estimate.exp())}</td> })}
                    </tr>
                }
            }).collect_view();
            Some(view! {
                <div class="table-scroll"><table class="study-table" data-testid="metareg-table">
                    <caption>"Coefficients (analysis scale)"</caption>
                    <thead><tr>
                        <th scope="col">"Term"</th><th scope="col">"Estimate"</th><th scope="col">"95% CI"</th><th scope="col">"P"</th>
                        {ratio.then(|| view! { <th scope="col">"exp(estimate)"</th> })}
                    </tr></thead>
                    <tbody>{terms}</tbody>
                </table></div>
            })
        })
    };
    let r_code = view_code(state, move || {
        let (moderator, values) = values.get().unwrap_or_else(|| (String::new(), ModeratorValues::Numeric(Vec::new())));
        let (values, numeric) = values_for_r(&values);
        ViewCode::MetaRegression { moderator, values, numeric }
    });
    view! {
        <>
            <Show when=move || names.with(|n| !n.is_empty())
                fallback=|| view! { <p class="note-inline" data-testid="metareg-error">"To regress the effects on a trial attribute, add a column to the CSV (for example year, dose or risk of bias) and analyse it again."</p> }>
                <div class="controls">
                    <Choice label="Moderator" testid="metareg-moderator"
                        options=Signal::derive(move || names.get().into_iter().map(|name| (name.clone(), name)).collect())
                        current=Signal::derive(move || moderator.get().unwrap_or_default())
                        on_pick=move |name| selection.update(|s| s.views.moderator = Some(name)) />
                </div>
                <p class="note-inline desk-only" data-testid="metareg-model">{model_line}</p>
                {readings}
                <Show when=plotted>
                    <PlotCanvas plot=plot presenter=presenter export_as="meta-regression" testid="metareg-plot" drawn_mark="metareg-drawn"
                        label="Bubble plot: each pooled trial's effect against the moderator, bubble area by its weight, with the fitted line and its 95% confidence band; the coefficients are listed below" />
                </Show>
                {coefficients}
                <ViewRCode code=r_code testid="r-code-metareg" />
            </Show>
        </>
    }
}
