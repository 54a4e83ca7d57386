use crate::components::row_pager::RowPager;
use crate::state::{AppState, PAGE_ROWS};
use leptos::prelude::*;

/// One checkbox per trial, plus bulk choices. Unchecking removes the trial from the pool; it
/// stays in the plot, greyed out. Keys 1-9 toggle the first nine trials.
#[component]
pub fn TrialToggles(state: AppState) -> impl IntoView {
    let selection = state.selection;
    let set_excluded = move |keep_on: &dyn Fn(&str) -> bool| {
        let ids = state.trials.get_untracked();
        selection.update(|s| s.scope.excluded = ids.into_iter().map(|(id, _)| id).filter(|id| !keep_on(id)).collect());
    };
    let background_is = move |id: &str, background: &str| {
        state.source.with_untracked(|s| s.dataset.trial(id).is_some_and(|t| t.background == background))
    };
    // Trials described by background therapy (the dupilumab set) can be picked by it.
    let has_background = move || state.source.with(|s| s.dataset.trials.iter().any(|t| !t.background.is_empty()));
    // Presenter mode shows the name only; a registry number stays in the label, but a
    // "(row 2)" that tells two rows apart stays in the name, and so does a registry number
    // where two trials share a name (Beck 2014's two M4 trials).
    let split = |label: &str| match label.split_once(" (NCT") {
        Some((name, rest)) => (name.to_string(), format!(" (NCT{rest}")),
        None => (label.to_string(), String::new()),
    };
    let rows = move || {
        let first = state.first_row.get();
        let trials = state.trials.get();
        let shared = |name: &str| trials.iter().filter(|(_, l)| split(l).0 == name).count() > 1;
        trials
            .iter()
            .cloned()
            .enumerate()
            .skip(first)
            .take(PAGE_ROWS)
            .map(|(i, (id, label))| {
                let meta = state.source.with_untracked(|s| s.dataset.trial(&id).map(trial_meta)).filter(|m| !m.is_empty());
                let on = state.trial_on(&id);
                let is_on = move || on.get();
                let key = (i < 9).then(|| format!("{}", i + 1));
                let (name, detail) = match split(&label) {
                    (name, _) if shared(&name) => (label.clone(), String::new()),
                    parts => parts,
                };
                view! {
                    <li>
                        <label>
                            <input type="checkbox" data-testid=format!("trial-toggle-{id}") prop:checked=is_on aria-label=label.clone()
                                on:change=move |_| state.toggle_trial(&id) />
                            <span class="trial-label">{name}<span class="trial-detail">{detail}</span>{key.map(|k| view! { <kbd class="shortcut" aria-hidden="true" title=format!("Key {k} switches this trial")>{k.clone()}</kbd> })}</span>
                            <span class="trial-meta">{meta}</span>
                        </label>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="trials">
            <legend>"Trials"</legend>
            <div class="bulk" role="group" aria-label="Select trials">
                <button type="button" data-testid="trials-all" on:click=move |_| set_excluded(&|_| true)>"All"</button>
                <button type="button" data-testid="trials-none" on:click=move |_| set_excluded(&|_| false)>"None"</button>
                <button type="button" data-testid="trials-invert" on:click=move |_| {
                    let off = selection.with(|s| s.scope.excluded.clone());
                    set_excluded(&|id| off.iter().any(|x| x == id));
                }>"Invert"</button>
                <Show when=has_background>
                    <button type="button" data-testid="trials-monotherapy" on:click=move |_| set_excluded(&|id| background_is(id, "monotherapy"))>"Only monotherapy"</button>
                    <button type="button" data-testid="trials-tcs" on:click=move |_| set_excluded(&|id| background_is(id, "tcs"))>"Only with TCS"</button>
                </Show>
            </div>
            <RowPager state=state testid="pager-trials" />
            <ul>{rows}</ul>
        </fieldset>
    }
}

/// "Thaçi 2016, Lancet · 16 wk · with TCS": what the data says about a trial, in brief.
fn trial_meta(t: &livemeta_core::data::Trial) -> String {
    let weeks = t.weeks.map(|w| format!("{w} wk"));
    let background = match t.background.as_str() {
        "" => None,
        "tcs" => Some("with TCS".to_string()),
        other => Some(other.to_string()),
    };
    // A publication or year the label already says is not repeated.
    let publication = Some(t.publication.clone()).filter(|p| !p.is_empty() && !t.label.starts_with(p.as_str()));
    let year = t.year.map(|y| y.to_string()).filter(|y| t.publication.is_empty() && !t.label.contains(y.as_str()));
    let attributes = t
        .attributes
        .iter()
        .filter(|(n, v)| !v.is_empty() && !livemeta_core::data::is_domain(n))
        .map(|(n, v)| format!("{n}: {v}"));
    [publication, year, weeks, background].into_iter().flatten().chain(attributes).collect::<Vec<_>>().join(" · ")
}
