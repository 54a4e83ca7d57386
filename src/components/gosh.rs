//! GOSH (graphical display of study heterogeneity): the model fitted to every subset of the
//! pooled trials, the estimate against I². Clicking a point analyses that subset on the main
//! screen.
use crate::components::plot_canvas::PlotCanvas;
use crate::components::sensitivity::pooled_trials;
use crate::state::AppState;
use leptos::prelude::*;
use livemeta_core::sensitivity::gosh;
use livemeta_plot::gosh_plot;

/// The most trials whose 2^k - 1 subsets are fitted on the page's own thread (4,095 fits take
/// a few milliseconds); more would freeze the page until the fits move to a worker.
const MAX_TRIALS: usize = 12;

#[component]
pub fn GoshView(state: AppState) -> impl IntoView {
    // The subsets' (estimate, I²) in bit-pattern order, and the ids of the estimable trials.
    let fits = Memo::new(move |_| {
        state.analysis.with(|a| {
            let a = a.as_ref().map_err(|e| e.to_string())?;
            if a.k > MAX_TRIALS {
                return Err(format!("GOSH on the page is limited to {MAX_TRIALS} trials for now ({} pooled)", a.k));
            }
            let fits = gosh(a).map_err(|e| e.to_string())?;
            let ids = pooled_trials(&state).0;
            let estimable: Vec<String> = ids.into_iter().zip(&a.studies).filter(|(_, s)| s.effect.is_some()).map(|(id, _)| id).collect();
            Ok((fits.iter().map(|f| (f.estimate, f.i2)).collect::<Vec<_>>(), estimable, a.measure))
        })
    });
    let plot = Memo::new(move |_| {
        fits.with(|f| match f {
            Ok((points, _, measure)) => gosh_plot(points, measure.is_ratio(), measure.label()),
            Err(_) => gosh_plot(&[], true, ""),
        })
    });
    // Subset i (0-based) holds trial j when bit j of i + 1 is set; the rest are switched off.
    let apply = move |index: usize| {
        let Some(trials) = fits.with_untracked(|f| f.as_ref().ok().map(|f| f.1.clone())) else { return };
        let mask = index + 1;
        state.selection.update(|s| {
            for (j, id) in trials.iter().enumerate() {
                let on = mask & (1 << j) != 0;
                let off = s.excluded.contains(id);
                if on && off {
                    s.excluded.retain(|x| x != id);
                } else if !on && !off {
                    s.excluded.push(id.clone());
                }
            }
        });
    };
    let presenter = Signal::derive(move || state.selection.with(|s| s.presenter));
    view! {
        <div class="sensitivity-view" role="tabpanel" data-testid="gosh-view">
            {move || fits.with(|f| match f {
                Ok((points, trials, _)) => view! {
                    <p class="note-inline" data-testid="gosh-count">{format!(
                        "{} subsets of {} trials, each fitted with the current model. The orange point is the current selection; click any point to analyse that subset.",
                        points.len(), trials.len()
                    )}</p>
                }.into_any(),
                Err(e) => view! { <p class="note-inline" data-testid="gosh-count">{format!("No GOSH plot: {e}.")}</p> }.into_any(),
            })}
            <PlotCanvas plot=plot presenter=presenter export_as="gosh-plot" testid="gosh-plot" on_pick=Callback::new(apply)
                label="GOSH plot: the pooled estimate against I² for every subset of the trials; click a point to analyse that subset" />
        </div>
    }
}
