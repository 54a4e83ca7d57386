//! GOSH (graphical display of study heterogeneity): the model fitted to every subset of the
//! pooled trials, the estimate against I². Clicking a point analyses that subset on the main
//! screen. Up to 12 trials the fits run on the page's thread; above, in a Web Worker
//! (`crates/livemeta-worker`) with progress and a cancel button, so the page never freezes.
use super::shared::{view_code, ViewRCode};
use crate::components::plot_canvas::PlotCanvas;
use crate::state::pooled_trials;
use crate::state::AppState;
use crate::worker::BackgroundJob;
use js_sys::Float64Array;
use leptos::prelude::*;
use livemeta_core::model::effects_and_method;
use livemeta_core::report::count;
use livemeta_core::report::ViewCode;
use livemeta_core::sensitivity::{gosh_points, GoshFitter, GoshPlan, GoshRequest, GoshSubsets};
use livemeta_plot::gosh_plot;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The most trials whose 2^k - 1 subsets are fitted on the page's own thread (4,095 fits take
/// a few milliseconds).
const MAX_TRIALS_ON_PAGE: usize = 12;

/// What GOSH fits: the pooled trials' effects, their ids and the fit to all of them.
#[derive(Clone, PartialEq)]
struct GoshInput {
    request: GoshRequest,
    plan: GoshPlan,
    trials: Vec<String>,
    current: Option<(f64, f64)>,
    ratio: bool,
    measure_label: &'static str,
}

#[derive(Clone, PartialEq)]
enum GoshRun {
    Running { done: usize },
    Done(Arc<Vec<[f64; 2]>>),
    Cancelled { done: usize },
    Failed(String),
}

/// Starts the worker; it reports progress and the fits into `run`.
fn spawn_worker(request: &GoshRequest, run: RwSignal<GoshRun>) -> Result<BackgroundJob, String> {
    let request = serde_json::to_string(request).map_err(|e| e.to_string())?;
    let on_reply = move |data: JsValue| {
        if let Some(done) = data.as_f64() {
            run.set(GoshRun::Running { done: done as usize });
        } else if let Some(why) = data.as_string() {
            run.set(GoshRun::Failed(why));
        } else if let Some(fits) = data.dyn_ref::<Float64Array>() {
            let mut pairs = vec![[0.0; 2]; fits.length() as usize / 2];
            fits.copy_to(pairs.as_flattened_mut());
            run.set(GoshRun::Done(Arc::new(pairs)));
        }
    };
    BackgroundJob::start(JsValue::from_str(&request), js_sys::Array::new(), on_reply, move || {
        run.set(GoshRun::Failed("the GOSH worker stopped with an error".into()))
    })
}

#[component]
pub fn GoshView(state: AppState) -> impl IntoView {
    let input = Memo::new(move |_| {
        state.analysis.with(|a| {
            let a = a.as_ref().map_err(|e| e.to_string())?;
            let (y, v, method) = effects_and_method(a).map_err(|e| e.to_string())?;
            if y.is_empty() {
                return Err("no trial could be pooled".to_string());
            }
            let trials = state
                .rows
                .with(|rows| pooled_trials(rows))
                .0
                .into_iter()
                .zip(&a.studies)
                .filter(|(_, s)| s.effect.is_some())
                .map(|(id, _)| id)
                .collect();
            let current = GoshFitter::new(&y, &v, method).fit_all().ok().map(|f| (f.estimate, f.i2));
            let plan = GoshPlan::for_studies(y.len());
            Ok(GoshInput {
                request: GoshRequest { y, v, method },
                plan,
                trials,
                current,
                ratio: a.measure.is_ratio(),
                measure_label: a.measure.label(),
            })
        })
    });
    let run = RwSignal::new(GoshRun::Running { done: 0 });
    let worker = StoredValue::new_local(None::<BackgroundJob>);
    let start = move || {
        worker.set_value(None);
        let Ok(input) = input.get_untracked() else { return };
        if input.plan.k <= MAX_TRIALS_ON_PAGE {
            run.set(GoshRun::Done(Arc::new(gosh_points(&input.request, usize::MAX, |_| {}))));
            return;
        }
        run.set(GoshRun::Running { done: 0 });
        match spawn_worker(&input.request, run) {
            Ok(handle) => worker.set_value(Some(handle)),
            Err(why) => run.set(GoshRun::Failed(why)),
        }
    };
    Effect::new(move |_| {
        input.track();
        start();
    });
    Effect::new(move |_| {
        if matches!(run.get(), GoshRun::Done(_) | GoshRun::Failed(_)) {
            worker.set_value(None);
        }
    });
    on_cleanup(move || worker.set_value(None));
    let cancel = move |_| {
        worker.set_value(None);
        run.update(|r| {
            if let GoshRun::Running { done } = *r {
                *r = GoshRun::Cancelled { done };
            }
        });
    };

    let plot = Memo::new(move |_| {
        let fits = run.with(|r| if let GoshRun::Done(fits) = r { fits.clone() } else { Arc::default() });
        input.with(|i| match i {
            Ok(i) => {
                let mut plot = gosh_plot(fits, i.current, i.ratio, i.measure_label);
                if let GoshSubsets::Sampled { count: n, seed } = i.plan.subsets {
                    plot.x_label =
                        format!("{} ({} random subsets of {} trials, seed {seed})", plot.x_label, count(n), i.plan.k);
                }
                plot
            }
            Err(_) => gosh_plot(fits, None, true, ""),
        })
    });
    // Point 0 is the fit to all trials (nothing to apply); point 1 + i is subset i of the plan.
    let apply = move |index: usize| {
        let Some((plan, trials, offset)) =
            input.with_untracked(|i| i.as_ref().ok().map(|i| (i.plan, i.trials.clone(), i.current.is_some() as usize)))
        else {
            return;
        };
        let Some(subset) = index.checked_sub(offset) else { return };
        let members = plan.members(subset);
        state.selection.update(|s| {
            for (id, on) in trials.iter().zip(members) {
                let off = s.scope.excluded.contains(id);
                if on && off {
                    s.scope.excluded.retain(|x| x != id);
                } else if !on && !off {
                    s.scope.excluded.push(id.clone());
                }
            }
        });
    };
    let presenter = state.presenter();
    let status = move || {
        let (plan, k) = match input.with(|i| i.as_ref().map(|i| (i.plan, i.plan.k)).map_err(Clone::clone)) {
            Ok(found) => found,
            Err(e) => {
                return view! { <p class="note-inline" data-testid="gosh-count">{format!("No GOSH plot: {e}.")}</p> }
                    .into_any()
            }
        };
        let what = match plan.subsets {
            GoshSubsets::All => format!("{} subsets of {k} trials", count(plan.len())),
            GoshSubsets::Sampled { count: n, seed } => format!(
                "{} random subsets of {k} trials (too many to fit all 2^{k} − 1; each trial is in a subset with probability ½, as in metafor's gosh(); seed {seed})",
                count(n)
            ),
        };
        let total = plan.len();
        match run.get() {
            GoshRun::Done(_) => view! {
                <p class="note-inline" data-testid="gosh-count" data-value=total.to_string()>{format!(
                    "{what}, each fitted with the current model. The orange point is the current selection; click any point to analyse that subset."
                )}</p>
            }.into_any(),
            GoshRun::Running { done } => view! {
                <div class="gosh-progress">
                    <p class="note-inline" data-testid="gosh-count">{format!("Fitting {what} in the background: {} of {} done.", count(done), count(total))}</p>
                    <progress data-testid="gosh-progress" max=total.to_string() value=done.to_string() aria-label="GOSH fits done"></progress>
                    <button type="button" data-testid="gosh-cancel" on:click=cancel>"Cancel"</button>
                </div>
            }.into_any(),
            GoshRun::Cancelled { done } => view! {
                <div class="gosh-progress">
                    <p class="note-inline" data-testid="gosh-count">{format!("Cancelled after {} of {} subsets; nothing is plotted.", count(done), count(total))}</p>
                    <button type="button" data-testid="gosh-run" on:click=move |_| start()>"Fit them again"</button>
                </div>
            }.into_any(),
            GoshRun::Failed(why) => view! { <p class="note-inline" data-testid="gosh-count">{format!("No GOSH plot: {why}.")}</p> }.into_any(),
        }
    };
    view! {
        <>
            {status}
            <PlotCanvas plot=plot presenter=presenter export_as="gosh-plot" testid="gosh-plot" on_pick=Callback::new(apply)
                label="GOSH plot: the pooled estimate against I² for every subset of the trials; click a point to analyse that subset" />
            <ViewRCode code=view_code(state, || ViewCode::Gosh) testid="r-code-gosh" />
        </>
    }
}
