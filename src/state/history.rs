//! Undo and redo, and the story a session's steps make.
use super::{DataSource, Selection};
use leptos::prelude::*;

/// The steps undo and redo walk through: each is the selection and data before or after one
/// change. Display choices (presenter mode, predict-then-reveal, the open view) are not steps.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub(super) past: Vec<(Selection, DataSource)>,
    pub(super) future: Vec<(Selection, DataSource)>,
    /// Set while undo or redo applies a step, so the step is not recorded again.
    pub(super) restoring: bool,
}

impl History {
    /// Enough for a session's editing; the oldest steps go first.
    const LIMIT: usize = 500;

    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }

    /// The session's analyses in order, ending with `now`: the steps on `data`, the data on
    /// screen (a story replays on one dataset).
    pub fn story(&self, now: &Selection, data: &DataSource) -> Vec<Selection> {
        self.steps_on(data).cloned().chain(std::iter::once(now.clone())).collect()
    }

    pub fn story_len(&self, data: &DataSource) -> usize {
        self.steps_on(data).count() + 1
    }

    fn steps_on<'a>(&'a self, data: &'a DataSource) -> impl Iterator<Item = &'a Selection> + 'a {
        self.past.iter().filter(move |(_, d)| d == data).map(|(s, _)| s)
    }
}

/// A replay of a session's analyses, step by step, and the step on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub steps: Vec<Selection>,
    pub at: usize,
}

/// Records each change to the analysis or the data as a step for undo; a new change after an
/// undo drops the steps that could have been redone, as editors do.
pub(super) fn record_history(selection: RwSignal<Selection>, source: RwSignal<DataSource>, history: RwSignal<History>) {
    Effect::new(move |previous: Option<(Selection, DataSource)>| {
        let now = (selection.get(), source.get());
        if let Some(before) = previous {
            let changed = before.1 != now.1 || !before.0.same_step(&now.0);
            let restoring = history.with_untracked(|h| h.restoring);
            if restoring {
                history.update(|h| h.restoring = false);
            } else if changed {
                history.update(|h| {
                    h.past.push(before);
                    if h.past.len() > History::LIMIT {
                        h.past.remove(0);
                    }
                    h.future.clear();
                });
            }
        }
        now
    });
}
