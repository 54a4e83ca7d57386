//! Small-study effects: a contour-enhanced funnel plot with trim-and-fill's imputed studies,
//! Egger's regression test in both of metafor's forms, Begg's rank test, Peters' and Harbord's
//! tests for binary data, PET-PEESE, a step-function selection model, fail-safe N and
//! trim-and-fill.
use super::shared::{view_code, ViewRCode};
use crate::components::inverse_variance_needed::{is_inverse_variance, InverseVarianceNeeded};
use crate::components::plot_canvas::PlotCanvas;
use crate::state::pooled_trials;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::bias::selection_model_for;
use livemeta_core::bias::{
    begg, egger, egger_mixed, fail_safe_n, harbord, pet_peese, peters, ruecker, trim_and_fill, EggerTest,
    TrimFillEstimator,
};
use livemeta_core::numerics::z_crit;
use livemeta_core::report::ViewCode;
use livemeta_core::report::{effect_with_ci, p_value};
use livemeta_plot::funnel;

#[component]
pub fn SmallStudyView(state: AppState) -> impl IntoView {
    // Each test once per analysis: the funnel and the readings share them.
    let tests = Memo::new(move |_| {
        state.analysis.with(|a| {
            a.as_ref().ok().map(|a| {
                ((egger(a, 0.95), egger_mixed(a, 0.95)), begg(a), TrimFillEstimator::ALL.map(|e| trim_and_fill(a, e)))
            })
        })
    });
    let plot = Memo::new(move |_| {
        state.analysis.with(|a| {
            let a = a.as_ref().ok()?;
            let studies: Vec<(String, f64, f64)> =
                a.studies.iter().filter_map(|s| s.effect.map(|e| (s.label.clone(), e.yi, e.vi))).collect();
            // L0 (metafor's default) fills the funnel; R0 and Q0 are listed beside it.
            let filled = tests
                .with(|t| t.as_ref().and_then(|t| t.2[0].as_ref().ok()).map(|t| t.filled.clone()))
                .unwrap_or_default();
            Some(funnel(&studies, a.pooled.y, &filled, a.measure.is_ratio(), a.measure.label()))
        })
    });
    let presenter = state.presenter();
    let readings = move || {
        let measure = state.analysis.with(|a| a.as_ref().ok().map(|a| (a.measure, a.k)));
        tests.with(|t| {
            let (Some((eg, rk, trims)), Some((m, k))) = (t, measure) else {
                return view! { <p class="note-inline">"No pooled analysis to test."</p> }.into_any();
            };
            let back = |y: f64| m.to_display(y);
            let z = z_crit(0.95);
            let egger_reading = |test: &Result<EggerTest, _>, form: &str| match test {
                Ok(e) => (
                    format!(
                        "Egger's regression test ({form}): {}, {}; limit estimate {} {}.",
                        match e.df {
                            Some(df) => format!("t = {:.2}, df = {df}", e.statistic),
                            None => format!("z = {:.2}", e.statistic),
                        },
                        p_value(e.p_value),
                        m.label(),
                        effect_with_ci(back(e.limit_estimate), back(e.limit_ci_lower), back(e.limit_ci_upper), m)
                    ),
                    format!("{:e}", e.p_value),
                ),
                Err(e) => (format!("Egger's regression test ({form}): {e}."), String::new()),
            };
            let (egger_text, egger_p) = egger_reading(&eg.0, "classic: weighted regression, metafor regtest(model = \"lm\")");
            let (mixed_text, mixed_p) = egger_reading(&eg.1, "mixed-effects: the model itself with the standard error as moderator, metafor's default regtest()");
            let (begg_text, begg_p) = match rk {
                Ok(b) => (
                    format!("Begg's rank correlation test: Kendall's τ = {:.3}, {}{}.", b.tau, p_value(b.p_value), if b.exact { " (exact)" } else { "" }),
                    format!("{:e}", b.p_value),
                ),
                Err(e) => (format!("Begg's test: {e}."), String::new()),
            };
            // The tests designed for binary data: both need the tables, not only the effects.
            let studies = state.rows.with(|rows| pooled_trials(rows)).1;
            let binary = state.analysis.with(|a| a.as_ref().ok().map(|a| (peters(&studies, a, 0.95), harbord(&studies, a, 0.95), ruecker(&studies, a, 0.95))));
            let slope_reading = |test: &Result<EggerTest, livemeta_core::EngineError>, name: &str, how: &str| match test {
                Ok(t) => (format!("{name} ({how}): t = {:.2}, df = {}, {}.", t.statistic, t.df.unwrap_or(f64::NAN), p_value(t.p_value)), format!("{:e}", t.p_value)),
                Err(e) => (format!("{name}: {e}."), String::new()),
            };
            let (peters_text, peters_p, harbord_text, harbord_p, ruecker_text, ruecker_p) = match &binary {
                Some((p, h, r)) => {
                    let (pt, pp) = slope_reading(p, "Peters' test", "the effect regressed on 1/N, weighted by events and non-events; Peters et al. 2006");
                    let (ht, hp) = slope_reading(h, "Harbord's test", "the odds ratio's score, Egger's regression on it; Harbord et al. 2006");
                    let (rt, rp) = slope_reading(r, "Rücker's arcsine test", "Egger's regression on the arcsine difference, which needs no zero-cell correction; Rücker et al. 2008");
                    (pt, pp, ht, hp, rt, rp)
                }
                None => Default::default(),
            };
            let corrected = state.analysis.with(|a| a.as_ref().ok().map(|a| pet_peese(a, 0.95)));
            let (pet_peese_text, pet_peese_value) = match corrected {
                Some(Ok(pp)) => {
                    let shown = |e: &EggerTest| format!("{} {}", m.label(), effect_with_ci(back(e.limit_estimate), back(e.limit_ci_lower), back(e.limit_ci_upper), m));
                    let chosen = if pp.uses_peese { &pp.peese } else { &pp.pet };
                    (
                        format!(
                            "PET-PEESE: PET {} (its intercept {}), PEESE {}; the corrected estimate is {}'s, {} (PEESE when PET's intercept is significant at 5% one-sided, P < 0.10 two-sided; Stanley & Doucouliagos 2014).",
                            shown(&pp.pet),
                            p_value(pp.pet.limit_p_value),
                            shown(&pp.peese),
                            if pp.uses_peese { "PEESE" } else { "PET" },
                            shown(chosen),
                        ),
                        format!("{:e}", back(chosen.limit_estimate)),
                    )
                }
                Some(Err(e)) => (format!("PET-PEESE: {e}."), String::new()),
                None => Default::default(),
            };
            let selection = state.analysis.with(|a| a.as_ref().ok().map(|a| selection_model_for(a, 0.95)));
            let (selection_text, selection_value) = match selection {
                Some(Ok(s)) => (
                    format!(
                        "Selection model (Vevea-Hedges, three parameters; metafor selmodel, type = \"stepfun\", steps 0.025 and 1, fitted by ML): adjusted {} {}, τ² = {}. Trials with one-sided P > 0.025 towards {} {} ({} of {}) are published with {:.2} times the probability of those below it; likelihood-ratio test of no selection χ² = {:.2}, df = {}, {}.",
                        m.label(),
                        effect_with_ci(back(s.mu.estimate), back(s.mu.ci_lower), back(s.mu.ci_upper), m),
                        livemeta_core::report::tau2_text(s.tau2, m, 4),
                        m.label(),
                        if s.favours_lower { format!("< {}", m.null_value()) } else { format!("> {}", m.null_value()) },
                        s.trials_per_interval[1],
                        s.trials_per_interval.iter().sum::<usize>(),
                        s.delta[1],
                        s.lrt,
                        s.lrt_df,
                        p_value(s.lrt_p),
                    ),
                    format!("{:e}", back(s.mu.estimate)),
                ),
                Some(Err(e)) => (format!("Selection model (Vevea-Hedges): {e}."), String::new()),
                None => Default::default(),
            };
            let fsn = state.analysis.with(|a| a.as_ref().ok().map(fail_safe_n));
            let (fsn_text, fsn_value) = match fsn {
                Some(Ok(f)) => (
                    format!(
                        "Fail-safe N (metafor fsn): Rosenthal {} (null studies to lift the combined one-sided {} to 0.05), Rosenberg {} (weighted), Orwin {} (to halve the mean effect).",
                        f.rosenthal, p_value(f.rosenthal_p), f.rosenberg, f.orwin
                    ),
                    format!("{},{},{}", f.rosenthal, f.rosenberg, f.orwin),
                ),
                _ => ("Fail-safe N: no study effects to count.".to_string(), String::new()),
            };
            let trims = trims.iter().zip(TrimFillEstimator::ALL).map(|(trim, estimator)| match trim {
                Ok(t) => (
                    format!(
                        "Trim-and-fill ({}): {} {} imputed on the {}; adjusted {} {}.",
                        estimator.code(),
                        t.k0,
                        if t.k0 == 1 { "study" } else { "studies" },
                        t.side,
                        m.label(),
                        effect_with_ci(back(t.fit.estimate), back(t.fit.estimate - z * t.fit.se), back(t.fit.estimate + z * t.fit.se), m)
                    ),
                    format!("{:e}", back(t.fit.estimate)),
                    estimator,
                ),
                Err(e) => (format!("Trim-and-fill ({}): {e}.", estimator.code()), String::new(), estimator),
            });
            let few = (k < 10).then(|| format!("With {k} trials these tests have little power: a non-significant result says little."));
            view! {
                <ul class="readings">
                    <li data-testid="egger-result" data-value=egger_p>{egger_text}</li>
                    <li data-testid="egger-mixed-result" data-value=mixed_p>{mixed_text}</li>
                    <li data-testid="begg-result" data-value=begg_p>{begg_text}</li>
                    <li data-testid="peters-result" data-value=peters_p>{peters_text}</li>
                    <li data-testid="harbord-result" data-value=harbord_p>{harbord_text}</li>
                    <li class="desk-only" data-testid="ruecker-result" data-value=ruecker_p>{ruecker_text}</li>
                    // At the desk only: with it the readings no longer fit a projector.
                    <li class="desk-only" data-testid="pet-peese-result" data-value=pet_peese_value>{pet_peese_text}</li>
                    <li class="desk-only" data-testid="selection-model-result" data-value=selection_value>{selection_text}</li>
                    <li data-testid="fsn-result" data-value=fsn_value>{fsn_text}</li>
                    {trims.map(|(text, value, e)| view! {
                        <li data-testid=format!("trimfill-{}", e.code()) data-value=value>{text}</li>
                    }).collect_view()}
                </ul>
                {few.map(|f| view! { <p class="warning" data-testid="small-study-warning">{f}</p> })}
            }
            .into_any()
        })
    };
    view! {
        <>
            <div>
                {move || plot.get().map(|_| {
                    let shown = Memo::new(move |_| plot.get().unwrap_or_else(|| funnel(&[], 0.0, &[], true, "")));
                    view! { <PlotCanvas plot=shown presenter=presenter export_as="funnel-plot" testid="funnel-plot"
                        label="Contour-enhanced funnel plot: each trial's effect against its standard error; shaded where a trial alone would be significant at 10%, 5% and 1%" /> }
                })}
            </div>
            <div>
                <Show when=move || state.selection.with(|s| !is_inverse_variance(s.method.model))>
                    <InverseVarianceNeeded state=state what="Trim-and-fill and the mixed-effects Egger test" />
                </Show>
                {readings}
            </div>
            <ViewRCode code=view_code(state, || ViewCode::SmallStudy) testid="r-code-smallstudy" />
        </>
    }
}
