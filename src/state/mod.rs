//! The one place application state lives. Everything on screen derives from these signals
//! through memos; `link` mirrors the selection into the address bar. The parts are plain
//! types (`selection`, `data_source`, `history`, `changes`); this file wires them into signals.
mod changes;
mod data_source;
mod findings;
mod history;
mod paper_cells;
mod selection;

use changes::track_changes;
pub use changes::{describe_change, ChangeMarker};
pub use data_source::{entered_note, pooled_trials, rows_for, DataSource, Origin, Unreadable, BUNDLED};
pub use findings::{findings, OutcomeFinding};
use history::record_history;
pub use history::{History, Story};
use leptos::prelude::*;
use livemeta_core::data::{Dataset, DoseSelection, TrialRow};
use livemeta_core::interpret::AbsoluteEffect;
use livemeta_core::model::{analyze, Analysis};
use livemeta_core::report::{explain, Explanation, Quantity};
use livemeta_core::EngineError;
pub use paper_cells::{paper_outcomes, reproduces, two_decimals, PaperCell, PaperOutcome};
pub use selection::*;
use std::sync::Arc;

/// How many studies the screen shows at once; larger data is paged (drawing and laying out
/// thousands of rows on every change would make the page stutter). 25 rows of the forest
/// plot fit a 720 px screen, so a toggle draws nothing off screen: with 200 studies this
/// page size brought a toggle's main-thread work within one frame (README, speed).
pub const PAGE_ROWS: usize = 25;

/// One predict-then-reveal round: the group's guess for the new pooled estimate (display
/// scale), and whether the result is shown yet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    pub guess: Option<f64>,
    pub revealed: bool,
}

/// With predict-then-reveal on in presenter mode, every change to the pooled result starts a
/// round that hides it (an open explanation, which would give it away, is closed); switching
/// the option off ends the round. An effect, not a memo: a round is an event in the history of
/// the result, and a memo that kept that history from its previous value left a summary that
/// read the round before the analysis showing the old analysis.
fn start_rounds(
    selection: RwSignal<Selection>,
    analysis: Memo<Result<Analysis, EngineError>>,
    round: RwSignal<Option<Round>>,
    explained: RwSignal<Option<(Quantity, Option<String>)>>,
) {
    let on = Memo::new(move |_| selection.with(|s| s.display.presenter && s.display.predict));
    Effect::new(move |_| {
        if !on.get() {
            round.set(None);
        }
    });
    Effect::new(move |previous: Option<Option<(f64, f64, f64)>>| {
        let now = analysis.with(|a| a.as_ref().ok().map(|a| (a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper)));
        if previous.is_some_and(|p| p != now) && on.get_untracked() {
            round.set(Some(Round { guess: None, revealed: false }));
            explained.set(None);
        }
        now
    });
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub selection: RwSignal<Selection>,
    pub source: RwSignal<DataSource>,
    /// The user's own datasets, by slot, kept while another set is on screen so they can
    /// switch back.
    pub user_data: RwSignal<Vec<DataSource>>,
    /// Entries of this browser's storage that do not read as a set, kept until the user saves
    /// or discards them.
    pub unreadable: RwSignal<Vec<Unreadable>>,
    /// What kept the user's last paste or file from being analysed (line, study, field): the
    /// results make way for it, so no earlier result stands as if it answered.
    pub import_problems: RwSignal<Vec<String>>,
    pub rows: Memo<Vec<TrialRow>>,
    /// (id, label) of the listed trials; unlike `rows` it does not change when a trial is
    /// switched on or off, so lists keyed on it are not rebuilt on every toggle.
    pub trials: Memo<Vec<(String, String)>>,
    pub analysis: Memo<Result<Analysis, EngineError>>,
    pub comparison: Memo<Option<Result<Analysis, EngineError>>>,
    /// The control risk the absolute effects are read at, over the trials `analysis` pools.
    pub control_risk: Memo<Option<f64>>,
    /// The pooled result per 1,000 at that risk; the summary, the plot and the CSV read it.
    pub absolute: Memo<Option<AbsoluteEffect>>,
    pub change: RwSignal<Option<ChangeMarker>>,
    pub history: RwSignal<History>,
    /// The first study shown when there are more than `PAGE_ROWS` (table, toggles and plot
    /// page through them together; the analysis always uses every study).
    pub first_row: RwSignal<usize>,
    /// A sentence explaining a choice the app made for the user (a control that changed
    /// another, a link parameter that was ignored); shown beside the controls.
    pub notice: RwSignal<Option<String>>,
    /// The number the user asked to have explained: a pooled number, or a trial's (by id, so
    /// it follows the trial when others are switched off).
    pub explained: RwSignal<Option<(Quantity, Option<String>)>>,
    /// Its explanation on the current analysis (`None` when that number is not shown now).
    pub explanation: Memo<Option<Explanation>>,
    /// The trials it comes from, which the study table highlights.
    pub explained_trials: Memo<Vec<String>>,
    /// The current predict-then-reveal round, if a change started one.
    pub round: RwSignal<Option<Round>>,
    /// The story being replayed, if any.
    pub story: RwSignal<Option<Story>>,
    /// The trials switched off, apart from the rest of the selection (see `trial_on`).
    excluded: Memo<Vec<String>>,
    /// A slot for a new set of the user's that no set uses here or in this browser's storage;
    /// given by the storage module, so the state itself never touches the browser.
    free_slot: fn(&[DataSource]) -> u32,
}

impl AppState {
    pub fn new(
        initial: Selection,
        data: DataSource,
        notice: Option<String>,
        free_slot: fn(&[DataSource]) -> u32,
    ) -> AppState {
        let selection = RwSignal::new(initial);
        let user_data = RwSignal::new(Vec::new());
        let unreadable = RwSignal::new(Vec::new());
        let import_problems = RwSignal::new(Vec::new());
        let source = RwSignal::new(data);
        let rows = Memo::new(move |_| source.with(|source| selection.with(|s| rows_for(s, source))));
        // From the data and the outcome, not from the rows, so a toggle does not recompute it.
        let outcome = Memo::new(move |_| selection.with(|s| s.scope.outcome.clone()));
        let trials = Memo::new(move |_| {
            source.with(|s| {
                outcome.with(|o| {
                    s.dataset
                        .trials_of(s.dataset.outcome_or_first(o))
                        .map(|t| (t.id.clone(), t.label.clone()))
                        .collect()
                })
            })
        });
        // Every toggle reruns this: the tables only, without copying the trial ids.
        let studies =
            move || rows.with(|rows| rows.iter().filter_map(TrialRow::pooled_counts).cloned().collect::<Vec<_>>());
        let analysis = Memo::new(move |_| analyze(&studies(), &selection.with(|s| s.method.options())));
        let comparison = Memo::new(move |_| {
            selection
                .with(|s| s.views.compare_models)
                .then(|| analyze(&studies(), &selection.with(|s| s.method.comparison_options())))
        });
        let control_risk = Memo::new(move |_| selection.with(|s| s.views.control_risk).of(&studies()));
        let absolute = Memo::new(move |_| {
            let risk = control_risk.get()?;
            analysis.with(|a| a.as_ref().ok().and_then(|a| AbsoluteEffect::of(a, risk)))
        });
        let change = RwSignal::new(None);
        track_changes(selection, source, analysis, change);
        let history = RwSignal::new(History::default());
        record_history(selection, source, history);
        let first_row = RwSignal::new(0);
        let excluded = Memo::new(move |_| selection.with(|s| s.scope.excluded.clone()));
        let explained = RwSignal::new(None::<(Quantity, Option<String>)>);
        let pooled_ids = move || rows.with(|rows| pooled_trials(rows).0);
        let explanation = Memo::new(move |_| {
            let (quantity, trial) = explained.get()?;
            let quantity = match trial {
                Some(id) => quantity.for_study(pooled_ids().iter().position(|t| *t == id)?),
                None => quantity,
            };
            analysis.with(|a| explain(&studies(), &selection.with(|s| s.method.options()), a.as_ref().ok()?, quantity))
        });
        let explained_trials = Memo::new(move |_| {
            let ids = pooled_ids();
            explanation.with(|e| {
                e.as_ref().map_or(Vec::new(), |e| e.inputs.iter().filter_map(|&i| ids.get(i).cloned()).collect())
            })
        });
        let round = RwSignal::new(None);
        start_rounds(selection, analysis, round, explained);
        AppState {
            selection,
            source,
            user_data,
            unreadable,
            import_problems,
            rows,
            trials,
            analysis,
            comparison,
            control_risk,
            absolute,
            change,
            history,
            first_row,
            notice: RwSignal::new(notice),
            explained,
            explanation,
            explained_trials,
            round,
            story: RwSignal::new(None),
            excluded,
            free_slot,
        }
    }

    /// Replays `steps` from the first.
    pub fn start_story(&self, steps: Vec<Selection>) {
        if !steps.is_empty() {
            self.story.set(Some(Story { steps, at: 0 }));
            self.show_story_step();
        }
    }

    /// The next step of the story (`forward`) or the one before; nothing past either end.
    pub fn story_step(&self, forward: bool) {
        let moved = self.story.try_update(|story| {
            let Some(story) = story else { return false };
            let at = if forward { (story.at + 1).min(story.steps.len() - 1) } else { story.at.saturating_sub(1) };
            std::mem::replace(&mut story.at, at) != at
        });
        if moved == Some(true) {
            self.show_story_step();
        }
    }

    /// Shows the story's current step; display choices stay as they are.
    fn show_story_step(&self) {
        let Some(step) = self.story.with_untracked(|s| s.as_ref().map(|s| s.steps[s.at].clone())) else { return };
        self.selection.update(|s| {
            *s = step.keeping_display(s);
        });
    }

    /// Whether presenter mode is on: the figures draw larger.
    pub fn presenter(&self) -> Signal<bool> {
        let selection = self.selection;
        Signal::derive(move || selection.with(|s| s.display.presenter))
    }

    /// Whether the pooled result is hidden, waiting for a guess to be revealed.
    pub fn pooled_hidden(&self) -> bool {
        self.round.with(|r| r.is_some_and(|r| !r.revealed))
    }

    /// Records the group's guess for the round on screen.
    pub fn guess(&self, value: Option<f64>) {
        self.round.update(|r| {
            if let Some(r) = r {
                r.guess = value
            }
        });
    }

    /// Shows the result the round on screen hid.
    pub fn reveal(&self) {
        self.round.update(|r| {
            if let Some(r) = r {
                r.revealed = true
            }
        });
    }

    /// Whether trial `id` is switched on, as a signal of its own. A checkbox or table row that
    /// read the whole selection would re-run on every change, and with 200 studies those
    /// re-runs (and their resubscriptions) cost more than the analysis; this one changes only
    /// when its trial is switched.
    /// (Reference-counted, so it lives as long as the row that holds it.)
    pub fn trial_on(&self, id: &str) -> ArcMemo<bool> {
        let (excluded, id) = (self.excluded, id.to_string());
        ArcMemo::new(move |_| excluded.with(|off| !off.contains(&id)))
    }

    /// The dose choices, each with its label: every treatment arm combined, then each regimen.
    pub fn doses(&self) -> Vec<(DoseSelection, String)> {
        let dataset = self.dataset();
        let mut doses =
            vec![(DoseSelection::AllCombined, format!("All {} arms combined", dataset.treatment_label.to_lowercase()))];
        doses.extend(dataset.regimens().into_iter().map(|(id, _)| {
            let label = livemeta_core::data::dose_label(&id);
            (DoseSelection::Regimen(id), label)
        }));
        doses
    }

    /// The definitions of the outcome on screen that some trial reports for the dose on
    /// screen, as (id, short label); a choice only when there are two or more.
    pub fn definitions(&self) -> Vec<(String, String)> {
        let dataset = self.dataset();
        let (outcome, dose) = self.selection.with(|s| (s.scope.outcome.clone(), s.scope.dose.clone()));
        let outcome = dataset.outcome_or_first(&outcome);
        dataset
            .reported_definitions(outcome, &dose)
            .into_iter()
            .map(|id| {
                let label = dataset.definition_label(&id);
                let short: String = label.chars().take(60).collect();
                let short = if short.len() < label.len() { format!("{}…", short.trim_end()) } else { short };
                (id, short)
            })
            .collect()
    }

    /// The dataset on screen (tracked: a reactive caller reruns when the data changes).
    pub fn dataset(&self) -> Arc<Dataset> {
        self.source.with(|s| s.dataset.clone())
    }

    /// Shows other data: its first outcome with that outcome's method (the published one, or
    /// the review's), keeping the counts typed in and the display (presenter mode, the open
    /// view); each view's options start afresh, as they name the old data's attributes. A
    /// pasted CSV states no method, so it keeps the method chosen.
    pub fn switch_data(&self, source: DataSource) {
        self.import_problems.set(Vec::new());
        let keeps_method = matches!(source.origin, Origin::Csv(_));
        let fresh = Selection::for_outcome(&source.dataset, "");
        self.selection.update(|s| {
            let method = if keeps_method { s.method } else { fresh.method };
            *s = Selection { method, entered: std::mem::take(&mut s.entered), display: s.display, ..fresh };
        });
        self.show_data(source);
    }

    /// Puts `source` on screen, from its first study, and among the user's sets if it is theirs.
    pub fn show_data(&self, source: DataSource) {
        let source = self.keep_user_set(source);
        self.source.set(source);
        self.first_row.set(0);
    }

    /// Steps back to the analysis before the last change (`forward` false), or forward again.
    /// Display choices stay as they are.
    pub fn step(&self, forward: bool) {
        let now = (self.selection.get_untracked(), self.source.get_untracked());
        let step = self.history.try_update(|h| {
            let (from, to) = if forward { (&mut h.future, &mut h.past) } else { (&mut h.past, &mut h.future) };
            let step = from.pop()?;
            to.push(now.clone());
            h.restoring = true;
            Some(step)
        });
        let Some((selection, source)) = step.flatten() else { return };
        if source != now.1 {
            self.show_data(source);
        }
        self.selection.set(selection.keeping_display(&now.0));
    }

    /// Shows `source` with `selection` as though the page had opened with them, with no undo
    /// step: a set read from this browser after the start, which the link asked for.
    pub fn open_with(&self, selection: Selection, source: DataSource) {
        self.history.update(|h| h.restoring = true);
        self.show_data(source);
        self.selection.set(selection);
    }

    /// Prefers an outcome definition, and says which trials' counts it changed (a definition is
    /// a preference, not a filter: a trial that does not report it keeps its own).
    pub fn pick_definition(&self, definition: Option<String>) {
        let rows = |s: &Selection| self.source.with_untracked(|source| rows_for(s, source));
        let before = self.selection.with_untracked(rows);
        self.selection.update(|s| s.scope.definition = definition);
        let after = self.selection.with_untracked(rows);
        let changed: Vec<&str> =
            before.iter().zip(&after).filter(|(b, a)| b.data != a.data).map(|(_, a)| a.label.as_str()).collect();
        self.notice.set(Some(if changed.is_empty() {
            "This definition changes no trial's counts: the trials that report it already used it, and the others keep their own.".to_string()
        } else {
            format!("This definition changes the counts of {}; the other trials keep their own.", changed.join(", "))
        }));
    }

    /// Records the user's data among their sets: in its own slot, or a new one. Bundled data is
    /// returned as it is.
    pub fn keep_user_set(&self, mut source: DataSource) -> DataSource {
        if source.is_bundled() {
            return source;
        }
        self.user_data.update(|sets| {
            if source.slot == 0 {
                // The same data again (a link reopened, a reload) is the set already kept.
                let same =
                    sets.iter().find(|s| s.origin == source.origin && s.dataset == source.dataset).map(|s| s.slot);
                source.slot = same.unwrap_or_else(|| (self.free_slot)(sets));
            }
            match sets.iter_mut().find(|s| s.slot == source.slot) {
                Some(kept) => *kept = source.clone(),
                None => sets.push(source.clone()),
            }
        });
        source
    }

    /// Puts the user's copy of the data on screen (all doses combined), to edit: a copy is a
    /// new set of the user's, not an edit of the bundled one.
    pub fn edit_a_copy(&self) {
        let copy = self.source.with_untracked(|s| {
            livemeta_core::data::editable_copy(&s.dataset, &self.selection.with_untracked(|sel| sel.scope.dose.clone()))
        });
        self.selection.update(|s| s.scope.dose = DoseSelection::AllCombined);
        self.show_data(DataSource::from_file(copy));
    }

    /// Shows an edit of the data on screen (one undo step; the set keeps its slot).
    pub fn edit_data(&self, dataset: Dataset) {
        self.show_data(self.source.with_untracked(|s| s.edited(dataset)));
    }

    pub fn toggle_trial(&self, id: &str) {
        self.selection.update(|s| {
            if let Some(pos) = s.scope.excluded.iter().position(|x| x == id) {
                s.scope.excluded.remove(pos);
            } else {
                s.scope.excluded.push(id.to_string());
            }
        });
    }
}
