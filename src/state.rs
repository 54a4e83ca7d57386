//! The one place application state lives. Everything on screen derives from these signals
//! through memos; `url_state` mirrors the selection into the address bar.
use leptos::prelude::*;
use livemeta_core::analysis::{
    analyze, Analysis, AnalysisOptions, CiMethod, I2From, Model, PredictionCritical, QCentre,
};
use livemeta_core::bayes::{TauPrior, SENSITIVITY_PRIORS};
use livemeta_core::conventions::{Convention, Preset};
use livemeta_core::dataset::{trial_rows, Dataset, DoseSelection, TrialData, TrialRow};
use livemeta_core::explain::{explain, Explanation, Quantity};
use livemeta_core::file_open::OpenedFile;
use livemeta_core::tsa::TsaAssumptions;
use livemeta_core::user_data::read_csv;
use livemeta_core::{EngineError, Measure, StudyCounts, ZeroCellPolicy};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

/// The user's choices: the whole analysis is a function of these (and of the data source).
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub outcome: String,
    /// "all" or a treatment arm id such as "d300q2w".
    pub dose: String,
    /// A definition of the outcome to use wherever a trial reports it (else the dataset's
    /// order of preference).
    pub definition: Option<String>,
    pub measure: Measure,
    pub model: Model,
    /// Trial ids the user switched off.
    pub excluded: Vec<String>,
    /// Wald, Knapp-Hartung or its modified form; random-effects models only.
    pub ci_method: CiMethod,
    /// `None` hides the prediction interval.
    pub prediction: Option<PredictionCritical>,
    pub zero_cells: ZeroCellPolicy,
    /// Random-effects models other than RevMan 5's, which fixes both.
    pub q_centre: QCentre,
    pub i2_from: I2From,
    /// Overlay the common-effect diamond on a random-effects analysis (or vice versa).
    pub compare_models: bool,
    pub presenter: bool,
    /// Presenter mode's predict-then-reveal: each change hides the new result until revealed.
    pub predict: bool,
    /// The sensitivity analysis shown under the main plot (none until one is chosen: each
    /// refits the model many times), and the cumulative order.
    pub view: Option<SensitivityView>,
    pub cumulative_order: CumulativeOrder,
    pub subgroup_by: SubgroupBy,
    /// The trial attribute the subgroups of the user's data group by (None: the data's first).
    pub subgroup_column: Option<String>,
    /// Which measures the multiverse's specification curve shows.
    pub multiverse_family: MultiverseFamily,
    /// Whether the rare-events view fits the mixed models too (they take a while).
    pub fit_mixed: bool,
    /// The trial attribute of the meta-regression (None: the data's first).
    pub moderator: Option<String>,
    /// The prior on tau of the Bayesian view.
    pub tau_prior: TauPrior,
    /// What the trial sequential analysis's required information size assumes.
    pub tsa: TsaAssumptions,
    /// The two conventions the lens compares; `None` is the analysis as chosen.
    pub lens: [Option<Preset>; 2],
    /// Counts the user typed in for cells no source gave, and whether the analysis uses them.
    pub entered: Vec<EnteredCounts>,
    pub use_entered: bool,
}

/// A 2x2 table the user typed in from the paper for one trial, outcome and dose selection.
#[derive(Debug, Clone, PartialEq)]
pub struct EnteredCounts {
    pub outcome: String,
    pub dose: String,
    pub trial: String,
    /// Events and total, treatment then control.
    pub counts: [i64; 4],
}

impl EnteredCounts {
    /// Whether these counts fill the same cell (trial, outcome and dose) as `other`.
    pub fn same_cell(&self, other: &EnteredCounts) -> bool {
        self.is_at(&other.outcome, &other.dose, &other.trial)
    }

    fn is_at(&self, outcome: &str, dose: &str, trial: &str) -> bool {
        self.trial == trial && self.outcome == outcome && self.dose == dose
    }
}

/// A small choice with a code for the URL and a label for the page.
pub trait Coded: Copy + PartialEq + Send + Sync + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }
}

/// Defines a `Coded` enum from its variants' codes and labels.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }
        impl Coded for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];
            fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
        }
    };
}

choice!(
    /// Which sensitivity analysis is on screen.
    SensitivityView {
        LeaveOneOut = "loo", "Leave one out";
        Cumulative = "cumulative", "Cumulative";
        Subgroups = "subgroups", "Subgroups";
        SmallStudy = "smallstudy", "Small-study effects";
        Influence = "influence", "Influence";
        Gosh = "gosh", "GOSH";
        Multiverse = "multiverse", "Multiverse";
        Fragility = "fragility", "Fragility";
        Sequential = "tsa", "Trial sequential";
        Estimators = "tau2", "τ² estimators";
        MetaRegression = "metareg", "Meta-regression";
        Bayesian = "bayes", "Bayesian";
        RareEvents = "rare", "Rare events";
        Diagnostics = "blup", "BLUPs & residuals";
        RiskOfBias = "rob", "Risk of bias";
        Conventions = "lens", "Why tools differ";
    }
);

/// RevMan 5 against the methods Cochrane brought into RevMan in 2025.
pub const LENS_DEFAULT: [Option<Preset>; 2] = [Some(Preset::RevMan5), Some(Preset::RevMan2025)];

choice!(
    /// The trial attribute that forms subgroups.
    SubgroupBy {
        Background = "background", "background therapy";
        Duration = "duration", "duration";
        Phase = "phase", "phase";
        Publication = "publication", "publication";
    }
);

choice!(
    /// The measures a specification curve shows: ratios and differences have no common axis.
    MultiverseFamily {
        Ratio = "ratio", "ratio measures (RR, OR, Peto OR)";
        Difference = "rd", "risk differences";
    }
);

choice!(
    /// The order in which a cumulative meta-analysis adds trials.
    CumulativeOrder {
        Year = "year", "by year (how the evidence grew)";
        Size = "size", "largest first";
        Precision = "precision", "most precise first";
        Listed = "listed", "as listed";
    }
);

impl Selection {
    /// Reproduces the published method for the outcome (the dataset's first when it has no
    /// such outcome).
    pub fn for_outcome(dataset: &Dataset, outcome: &str) -> Selection {
        let o = dataset.outcome_or_first(outcome);
        let model = Model::from_code(&o.default_model).unwrap_or(Model::RevManMhRandom);
        Selection {
            outcome: o.id.clone(),
            dose: "all".into(),
            definition: None,
            measure: Measure::from_code(&o.default_measure).unwrap_or(Measure::RR),
            model,
            excluded: Vec::new(),
            ci_method: CiMethod::Wald,
            prediction: None,
            zero_cells: ZeroCellPolicy::for_model(model),
            q_centre: QCentre::InverseVariance,
            i2_from: I2From::Tau2,
            compare_models: false,
            presenter: false,
            predict: false,
            view: None,
            cumulative_order: CumulativeOrder::Year,
            subgroup_by: SubgroupBy::Background,
            subgroup_column: None,
            multiverse_family: MultiverseFamily::Ratio,
            fit_mixed: false,
            moderator: None,
            tau_prior: SENSITIVITY_PRIORS[0],
            tsa: TsaAssumptions::default(),
            lens: LENS_DEFAULT,
            entered: Vec::new(),
            use_entered: true,
        }
    }

    /// The counts the user entered for a trial under the current outcome and dose.
    pub fn entered_for(&self, trial: &str) -> Option<&EnteredCounts> {
        self.entered.iter().find(|e| e.is_at(&self.outcome, &self.dose, trial))
    }

    /// Records (or replaces) the user's counts for a trial under the current outcome and dose.
    pub fn enter(&mut self, trial: &str, counts: [i64; 4]) {
        self.forget_entered(trial);
        self.entered.push(EnteredCounts {
            outcome: self.outcome.clone(),
            dose: self.dose.clone(),
            trial: trial.to_string(),
            counts,
        });
    }

    pub fn forget_entered(&mut self, trial: &str) {
        let (outcome, dose) = (&self.outcome, &self.dose);
        self.entered.retain(|e| !e.is_at(outcome, dose, trial));
    }

    pub fn dose_selection(&self) -> DoseSelection {
        if self.dose == "all" {
            DoseSelection::AllCombined
        } else {
            DoseSelection::Regimen(self.dose.clone())
        }
    }

    /// The analysis these choices ask for. The measure and model always go together: the
    /// `pick_*` methods and the URL decoder keep them so, and nothing here overrides them.
    pub fn options(&self) -> AnalysisOptions {
        AnalysisOptions {
            measure: self.measure,
            model: self.model,
            zero_cells: self.zero_cells,
            ci_method: if self.model.is_random() { self.ci_method } else { CiMethod::Wald },
            prediction: self.prediction.unwrap_or(PredictionCritical::Z),
            level: 0.95,
            q_centre: self.q_centre,
            i2_from: self.i2_from,
        }
    }

    /// This selection with `display`'s display choices (presenter mode, predict-then-reveal,
    /// the open view): undo, redo and a story's steps change what the numbers are, not where
    /// they are shown.
    pub fn keeping_display(self, display: &Selection) -> Selection {
        Selection { presenter: display.presenter, predict: display.predict, view: display.view, ..self }
    }

    /// Whether `other` differs from this selection in its display choices only. Every other
    /// choice (the analysis and each view's own options) changes a number on screen, so each
    /// change of one is a step of the undo history.
    pub fn same_step(&self, other: &Selection) -> bool {
        self.clone().keeping_display(other) == *other
    }

    /// The analysis's conventions (model, zero cells, Q and I² rules, CI, prediction interval).
    pub fn convention(&self) -> Convention {
        Convention::of(&self.options(), self.prediction)
    }

    /// Takes every rule of a tool's defaults and keeps the measure, unless the preset's model
    /// cannot pool it (RevMan 5 and the arcsine difference); the sentence then says so.
    pub fn use_convention(&mut self, preset: Preset) -> Option<String> {
        let c = preset.convention();
        let needed = self.options().with_model(c.model).measure;
        let why = (needed != self.measure).then(|| {
            format!(
                "{} cannot pool the {}, so the effect measure changed to {}.",
                c.model.label(),
                self.measure.label(),
                needed.label()
            )
        });
        (self.model, self.measure, self.zero_cells, self.q_centre, self.i2_from, self.prediction) =
            (c.model, needed, c.zero_cells, c.q_centre, c.i2_from, c.prediction);
        self.ci_method = c.ci_method;
        why
    }

    /// Sets the effect measure. A model that cannot pool it changes with it, visibly, and the
    /// returned sentence says why.
    pub fn pick_measure(&mut self, measure: Measure) -> Option<String> {
        let needed = self.options().with_measure(measure).model;
        self.measure = measure;
        if needed == self.model {
            return None;
        }
        let before = self.model;
        let convention = self.set_model(needed);
        let why = format!(
            "{} cannot pool the {}, so the model changed to {}.",
            before.label(),
            measure.label(),
            needed.label()
        );
        Some(join_sentences(Some(why), convention))
    }

    /// Sets the model. A measure it cannot pool changes with it, and the returned sentence
    /// says why; so does a change of zero-cell convention.
    pub fn pick_model(&mut self, model: Model) -> Option<String> {
        let convention = self.set_model(model);
        let needed = self.options().with_model(model).measure;
        let why = (needed != self.measure).then(|| {
            let before = std::mem::replace(&mut self.measure, needed);
            format!(
                "{} cannot pool the {}, so the effect measure changed to {}.",
                model.label(),
                before.label(),
                needed.label()
            )
        });
        (why.is_some() || convention.is_some()).then(|| join_sentences(why, convention))
    }

    /// The model's own zero-cell convention comes with it, unless the user chose other
    /// settings: those are kept. Returns a sentence when the convention changed them.
    fn set_model(&mut self, model: Model) -> Option<String> {
        let (old, new) = (ZeroCellPolicy::for_model(self.model), ZeroCellPolicy::for_model(model));
        self.model = model;
        (self.zero_cells == old && new != old).then(|| {
            self.zero_cells = new;
            let double_zero = if new.drop_double_zero { "left out" } else { "kept" };
            format!("Zero cells follow this model's convention: trials with no events in either arm are {double_zero}.")
        })
    }

    /// Another outcome of `dataset`, keeping every choice that applies to it: the trials
    /// switched off, the counts typed in, the CI and prediction rules, the open view and its
    /// options. The measure and model follow the new outcome's published method only when they
    /// were the old outcome's (the user had not chosen others); a definition belongs to its
    /// outcome and is dropped. The returned sentence says what changed and why.
    pub fn switch_outcome(&mut self, dataset: &Dataset, outcome: &str) -> Option<String> {
        let (old, new) = (Selection::for_outcome(dataset, &self.outcome), Selection::for_outcome(dataset, outcome));
        let label = dataset.outcome_or_first(outcome).label.clone();
        self.outcome = new.outcome.clone();
        self.definition = None;
        if (self.measure, self.model) == (new.measure, new.model) {
            return None;
        }
        if (self.measure, self.model) == (old.measure, old.model) {
            self.measure = new.measure;
            let convention = self.set_model(new.model);
            let why = format!("{label}: the published method, {} by {}.", new.measure.label(), new.model.label());
            return Some(join_sentences(Some(why), convention));
        }
        // The user's own measure and model stay, as far as the new outcome allows.
        (!self.model.pools(self.measure)).then(|| self.pick_model(self.model)).flatten()
    }

    /// Whether the analysis (not just the display) differs between two selections.
    pub fn same_analysis(&self, other: &Selection) -> bool {
        self.outcome == other.outcome
            && self.dose == other.dose
            && self.excluded == other.excluded
            && self.options() == other.options()
            && self.entered == other.entered
            && self.use_entered == other.use_entered
    }

    /// The model drawn as a second diamond when comparing: the common-effect counterpart of
    /// a random-effects model, and the outcome's random-effects method otherwise.
    pub fn comparison_model(&self) -> Model {
        match self.model {
            Model::RevManMhRandom => Model::CommonMantelHaenszel,
            Model::Random(_) => Model::CommonInverseVariance,
            Model::CommonPeto => Model::Random(livemeta_core::Tau2Method::DerSimonianLaird),
            _ => Model::RevManMhRandom,
        }
    }

    /// The comparison diamond's analysis: the other model on the same measure, where it can
    /// pool it (a Peto OR compared under RevMan's M-H is compared under DerSimonian-Laird).
    pub fn comparison_options(&self) -> AnalysisOptions {
        let mut other = self.clone();
        let model = self.comparison_model();
        let model =
            if model.pools(self.measure) { model } else { Model::Random(livemeta_core::Tau2Method::DerSimonianLaird) };
        other.set_model(model);
        other.options()
    }
}

fn join_sentences(a: Option<String>, b: Option<String>) -> String {
    [a, b].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

/// Where the 2x2 tables come from: always a dataset in the one `livemeta-dataset` model (a
/// bundled set, the user's CSV, a RevMan review or a saved dataset file), and how it came, which
/// decides what the link and this browser keep of it.
#[derive(Debug, Clone)]
pub struct DataSource {
    pub dataset: Arc<Dataset>,
    pub origin: Origin,
    /// Which of the user's sets this is (1, 2, ...; 0 for a bundled set or one not yet kept):
    /// an edit keeps its set's slot, an import takes a new one.
    pub slot: u32,
}

impl PartialEq for DataSource {
    /// The same shared dataset (and CSV text) is equal without comparing it trial by trial
    /// (every step of the undo history is compared on every change).
    fn eq(&self, other: &DataSource) -> bool {
        let same_origin = match (&self.origin, &other.origin) {
            (Origin::Csv(a), Origin::Csv(b)) => Arc::ptr_eq(a, b) || a == b,
            (a, b) => a == b,
        };
        self.slot == other.slot
            && same_origin
            && (Arc::ptr_eq(&self.dataset, &other.dataset) || self.dataset == other.dataset)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Ships with the app; the link names it by id.
    Bundled,
    /// The user's CSV, kept as given: the link (while small) and this browser carry the text.
    /// Shared, because every step of the undo history holds the data source.
    Csv(Arc<str>),
    /// A file the user opened (.rm5 or dataset JSON), kept in this browser as dataset JSON.
    File,
}

/// The datasets that ship with the app, the flagship first.
pub static BUNDLED: LazyLock<Vec<Arc<Dataset>>> = LazyLock::new(|| {
    [include_str!("../assets/dupilumab.json"), include_str!("../assets/bcg.json")]
        .into_iter()
        .map(|json| Arc::new(Dataset::from_json(json).expect("bundled dataset is valid")))
        .collect()
});

impl DataSource {
    /// The flagship dupilumab dataset.
    pub fn flagship() -> DataSource {
        DataSource { dataset: BUNDLED[0].clone(), origin: Origin::Bundled, slot: 0 }
    }

    pub fn bundled(id: &str) -> Option<DataSource> {
        BUNDLED.iter().find(|d| d.id == id).map(|d| DataSource { dataset: d.clone(), origin: Origin::Bundled, slot: 0 })
    }

    pub fn is_bundled(&self) -> bool {
        self.origin == Origin::Bundled
    }

    /// The user's CSV as a data source, with a warning (renamed duplicates, lines left out), or
    /// every problem found (line, study, field) when nothing in it can be analysed.
    pub fn from_csv(csv: &str) -> Result<(DataSource, Option<String>), Vec<String>> {
        let data = read_csv(csv, "Your data")
            .map_err(|problems| problems.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
        Ok((DataSource { dataset: Arc::new(data.dataset), origin: Origin::Csv(csv.into()), slot: 0 }, data.warning))
    }

    /// A file the user opened: a small CSV keeps its text (for the paste box and the link).
    pub fn from_opened(opened: OpenedFile) -> DataSource {
        match opened.csv {
            Some(csv) => DataSource { dataset: Arc::new(opened.dataset), origin: Origin::Csv(csv.into()), slot: 0 },
            None => DataSource::from_file(opened.dataset),
        }
    }

    /// A dataset the user opened from a file.
    pub fn from_file(dataset: Dataset) -> DataSource {
        DataSource { dataset: Arc::new(dataset), origin: Origin::File, slot: 0 }
    }

    /// The user's data as an edit of this set: same slot.
    pub fn edited(&self, dataset: Dataset) -> DataSource {
        DataSource { slot: self.slot, ..DataSource::from_file(dataset) }
    }
}

/// How many studies the screen shows at once; larger data is paged (drawing and laying out
/// thousands of rows on every change would make the page stutter). 25 rows of the forest
/// plot fit a 720 px screen, so a toggle draws nothing off screen: with 200 studies this
/// page size brought a toggle's main-thread work within one frame (README, speed).
pub const PAGE_ROWS: usize = 25;

/// The steps undo and redo walk through: each is the selection and data before or after one
/// change. Display choices (presenter mode, predict-then-reveal, the open view) are not steps.
#[derive(Debug, Clone, Default)]
pub struct History {
    past: Vec<(Selection, DataSource)>,
    future: Vec<(Selection, DataSource)>,
    /// Set while undo or redo applies a step, so the step is not recorded again.
    restoring: bool,
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

/// One predict-then-reveal round: the group's guess for the new pooled estimate (display
/// scale), and whether the result is shown yet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    pub guess: Option<f64>,
    pub revealed: bool,
}

/// With predict-then-reveal on in presenter mode, every change to the pooled result starts a
/// round that hides it (an open explanation, which would give it away, is closed); switching
/// the option off ends the round.
fn start_rounds(
    selection: RwSignal<Selection>,
    analysis: Memo<Result<Analysis, EngineError>>,
    round: RwSignal<Option<Round>>,
    explained: RwSignal<Option<(Quantity, Option<String>)>>,
) {
    let on = Memo::new(move |_| selection.with(|s| s.presenter && s.predict));
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

/// What the last change did to the pooled estimate, for the change marker.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeMarker {
    /// Previous pooled (estimate, lower, upper) on the display scale, same measure as now.
    pub before: Option<(f64, f64, f64)>,
    pub description: String,
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
    pub unreadable: RwSignal<Vec<crate::storage::Unreadable>>,
    /// What kept the user's last paste or file from being analysed (line, study, field): the
    /// results make way for it, so no earlier result stands as if it answered.
    pub import_problems: RwSignal<Vec<String>>,
    pub rows: Memo<Vec<TrialRow>>,
    /// (id, label) of the listed trials; unlike `rows` it does not change when a trial is
    /// switched on or off, so lists keyed on it are not rebuilt on every toggle.
    pub trials: Memo<Vec<(String, String)>>,
    pub analysis: Memo<Result<Analysis, EngineError>>,
    pub comparison: Memo<Option<Result<Analysis, EngineError>>>,
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
    /// Whether each trial is switched on, one signal per trial (see `trial_on`).
    switches: StoredValue<HashMap<String, ArcRwSignal<bool>>>,
}

impl AppState {
    pub fn new(initial: Selection, data: DataSource, notice: Option<String>) -> AppState {
        let selection = RwSignal::new(initial);
        let user_data = RwSignal::new(Vec::new());
        let unreadable = RwSignal::new(Vec::new());
        let import_problems = RwSignal::new(Vec::new());
        let source = RwSignal::new(data);
        let rows = Memo::new(move |_| source.with(|source| selection.with(|s| rows_for(s, source))));
        // From the data and the outcome, not from the rows, so a toggle does not recompute it.
        let outcome = Memo::new(move |_| selection.with(|s| s.outcome.clone()));
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
        let studies = move || rows.with(|rows| pooled_studies(rows));
        let analysis = Memo::new(move |_| analyze(&studies(), &selection.with(Selection::options)));
        let comparison = Memo::new(move |_| {
            selection
                .with(|s| s.compare_models)
                .then(|| analyze(&studies(), &selection.with(Selection::comparison_options)))
        });
        let change = RwSignal::new(None);
        track_changes(selection, source, analysis, change);
        let history = RwSignal::new(History::default());
        record_history(selection, source, history);
        let first_row = RwSignal::new(0);
        // Other data starts at its first study.
        Effect::new(move |_| {
            source.track();
            first_row.set(0);
        });
        let switches = StoredValue::new(HashMap::<String, ArcRwSignal<bool>>::new());
        Effect::new(move |_| {
            selection.with(|s| {
                let off: HashSet<&str> = s.excluded.iter().map(String::as_str).collect();
                switches.with_value(|switches| {
                    for (id, on) in switches {
                        let now = !off.contains(id.as_str());
                        if on.get_untracked() != now {
                            on.set(now);
                        }
                    }
                });
            })
        });
        let explained = RwSignal::new(None::<(Quantity, Option<String>)>);
        let pooled_ids = move || rows.with(|rows| pooled_ids(rows));
        let explanation = Memo::new(move |_| {
            let (quantity, trial) = explained.get()?;
            let quantity = match trial {
                Some(id) => quantity.for_study(pooled_ids().iter().position(|t| *t == id)?),
                None => quantity,
            };
            analysis.with(|a| explain(&studies(), &selection.with(Selection::options), a.as_ref().ok()?, quantity))
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
            change,
            history,
            first_row,
            notice: RwSignal::new(notice),
            explained,
            explanation,
            explained_trials,
            round,
            story: RwSignal::new(None),
            switches,
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

    /// Whether the pooled result is hidden, waiting for a guess to be revealed.
    pub fn pooled_hidden(&self) -> bool {
        self.round.with(|r| r.is_some_and(|r| !r.revealed))
    }

    /// Whether trial `id` is switched on, as a signal of its own. A checkbox or table row that
    /// read the whole selection would re-run on every change, and with 200 studies those
    /// re-runs (and their resubscriptions) cost more than the analysis; this one changes only
    /// when its trial is switched.
    /// (Reference-counted, so a row that goes away does not take the signal with it.)
    pub fn trial_on(&self, id: &str) -> ArcRwSignal<bool> {
        if let Some(on) = self.switches.with_value(|m| m.get(id).cloned()) {
            return on;
        }
        let on = ArcRwSignal::new(self.selection.with_untracked(|s| !s.excluded.iter().any(|x| x == id)));
        self.switches.update_value(|m| {
            m.insert(id.to_string(), on.clone());
        });
        on
    }

    /// The dataset on screen (tracked: a reactive caller reruns when the data changes).
    /// The dose choices: every treatment arm combined ("all"), then each regimen by arm id.
    pub fn doses(&self) -> Vec<(String, String)> {
        let dataset = self.dataset();
        let mut doses =
            vec![("all".to_string(), format!("All {} arms combined", dataset.treatment_label.to_lowercase()))];
        doses.extend(
            dataset.regimens().into_iter().map(|(id, _)| (id.clone(), livemeta_core::dataset::dose_label(&id))),
        );
        doses
    }

    /// The definitions of the outcome on screen that some trial reports for the dose on
    /// screen, as (id, short label); a choice only when there are two or more.
    pub fn definitions(&self) -> Vec<(String, String)> {
        let dataset = self.dataset();
        let (outcome, dose) = self.selection.with(|s| (s.outcome.clone(), s.dose_selection()));
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

    pub fn dataset(&self) -> Arc<Dataset> {
        self.source.with(|s| s.dataset.clone())
    }

    /// Shows other data: its first outcome with that outcome's method (the published one, or
    /// the review's), keeping the display choices (presenter mode, the open view, the
    /// comparison diamond). A pasted CSV states no method, so it keeps the analysis chosen.
    pub fn switch_data(&self, source: DataSource) {
        self.import_problems.set(Vec::new());
        let source = self.keep_user_set(source);
        let keeps_method = matches!(source.origin, Origin::Csv(_));
        let fresh = Selection::for_outcome(&source.dataset, "");
        self.selection.update(|s| {
            let method = if keeps_method {
                Selection {
                    measure: s.measure,
                    model: s.model,
                    ci_method: s.ci_method,
                    prediction: s.prediction,
                    zero_cells: s.zero_cells,
                    q_centre: s.q_centre,
                    i2_from: s.i2_from,
                    ..fresh
                }
            } else {
                fresh
            };
            *s = Selection { entered: std::mem::take(&mut s.entered), use_entered: s.use_entered, ..method }
                .keeping_display(s);
        });
        self.source.set(source);
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
            let source = self.keep_user_set(source);
            self.source.set(source);
        }
        self.selection.set(selection.keeping_display(&now.0));
    }

    /// Records the user's data among their sets: in its own slot, or a new one. Bundled data is
    /// returned as it is.
    /// Shows `source` with `selection` as though the page had opened with them, with no undo
    /// step: a set read from this browser after the start, which the link asked for.
    pub fn open_with(&self, selection: Selection, source: DataSource) {
        self.history.update(|h| h.restoring = true);
        let source = self.keep_user_set(source);
        self.source.set(source);
        self.selection.set(selection);
    }

    /// Prefers an outcome definition, and says which trials' counts it changed (a definition is
    /// a preference, not a filter: a trial that does not report it keeps its own).
    pub fn pick_definition(&self, definition: Option<String>) {
        let rows = |s: &Selection| self.source.with_untracked(|source| rows_for(s, source));
        let before = self.selection.with_untracked(rows);
        self.selection.update(|s| s.definition = definition);
        let after = self.selection.with_untracked(rows);
        let changed: Vec<&str> =
            before.iter().zip(&after).filter(|(b, a)| b.data != a.data).map(|(_, a)| a.label.as_str()).collect();
        self.notice.set(Some(if changed.is_empty() {
            "This definition changes no trial's counts: the trials that report it already used it, and the others keep their own.".to_string()
        } else {
            format!("This definition changes the counts of {}; the other trials keep their own.", changed.join(", "))
        }));
    }

    pub fn keep_user_set(&self, mut source: DataSource) -> DataSource {
        if source.is_bundled() {
            return source;
        }
        self.user_data.update(|sets| {
            if source.slot == 0 {
                // The same data again (a link reopened, a reload) is the set already kept.
                let same =
                    sets.iter().find(|s| s.origin == source.origin && s.dataset == source.dataset).map(|s| s.slot);
                source.slot = same.unwrap_or_else(|| crate::storage::free_slot(sets));
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
            livemeta_core::edit::editable_copy(&s.dataset, &self.selection.with_untracked(|sel| sel.dose_selection()))
        });
        self.selection.update(|s| s.dose = "all".into());
        let copy = self.keep_user_set(DataSource::from_file(copy));
        self.source.set(copy);
    }

    /// Shows an edit of the data on screen (one undo step; the set keeps its slot).
    pub fn edit_data(&self, dataset: Dataset) {
        let edited = self.source.with_untracked(|s| s.edited(dataset));
        let edited = self.keep_user_set(edited);
        self.source.set(edited);
    }

    pub fn toggle_trial(&self, id: &str) {
        self.selection.update(|s| {
            if let Some(pos) = s.excluded.iter().position(|x| x == id) {
                s.excluded.remove(pos);
            } else {
                s.excluded.push(id.to_string());
            }
        });
    }
}

/// The rows on screen for a selection: every trial of the data source, switched on or off,
/// with its 2x2 table for the outcome and dose, or "not reported".
pub fn rows_for(selection: &Selection, source: &DataSource) -> Vec<TrialRow> {
    let dataset = &source.dataset;
    let outcome = dataset.outcome_or_first(&selection.outcome);
    let preferred = selection
        .definition
        .as_deref()
        .filter(|d| outcome.definition_preference.iter().any(|x| x == d))
        .map(|d| outcome.preferring(d));
    let outcome = preferred.as_ref().unwrap_or(outcome);
    let mut rows =
        trial_rows(dataset, outcome, &selection.dose_selection(), &|id| !selection.excluded.iter().any(|x| x == id));
    // A cell no source gave takes the counts the user typed in, marked as theirs.
    for row in rows.iter_mut().filter(|r| r.data == TrialData::NotReported && selection.use_entered) {
        if let Some(e) = selection.entered_for(&row.trial_id) {
            let [a, b, c, d] = e.counts;
            row.data = TrialData::Entered { counts: StudyCounts::new(row.label.clone(), a, b, c, d) };
        }
    }
    rows
}

/// An R comment naming the pooled trials whose counts the user entered, so a script never
/// passes them off as sourced; empty when there are none.
pub fn entered_note(rows: &[TrialRow]) -> String {
    let entered: Vec<&str> = rows.iter().filter(|r| r.is_entered() && r.enabled).map(|r| r.label.as_str()).collect();
    if entered.is_empty() {
        String::new()
    } else {
        format!("# Counts entered by you from the paper (livemeta has no source for them): {}\n", entered.join(", "))
    }
}

/// The tables that go into the pool: reported rows that are switched on.
pub fn pooled_studies(rows: &[TrialRow]) -> Vec<StudyCounts> {
    rows.iter().filter_map(|r| r.pooled_counts().cloned()).collect()
}

/// The ids of those trials, in the same order: the analysis's study indices map onto them.
pub fn pooled_ids(rows: &[TrialRow]) -> Vec<String> {
    rows.iter().filter(|r| r.pooled_counts().is_some()).map(|r| r.trial_id.clone()).collect()
}

/// Records each change to the analysis or the data as a step for undo; a new change after an
/// undo drops the steps that could have been redone, as editors do.
fn record_history(selection: RwSignal<Selection>, source: RwSignal<DataSource>, history: RwSignal<History>) {
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

/// Remembers the pooled result before each change, and says in words what changed. Only
/// changes to the analysis count: presenter mode or the comparison diamond leave it alone.
fn track_changes(
    selection: RwSignal<Selection>,
    source: RwSignal<DataSource>,
    analysis: Memo<Result<Analysis, EngineError>>,
    change: RwSignal<Option<ChangeMarker>>,
) {
    type Snapshot = (Selection, Option<(Measure, f64, f64, f64)>, Arc<Dataset>);
    Effect::new(move |previous: Option<Snapshot>| {
        let dataset = source.with(|s| s.dataset.clone());
        let now = selection.get();
        let pooled = analysis
            .with(|a| a.as_ref().ok().map(|a| (a.measure, a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper)));
        if let Some((before, before_pooled, before_dataset)) = previous {
            let result_moved = before_pooled != pooled;
            if !Arc::ptr_eq(&before_dataset, &dataset) {
                // Other data: the old diamond is no reference point for the new one.
                change.set(Some(ChangeMarker { before: None, description: format!("data: {}", dataset.title) }));
                return (now, pooled, dataset);
            }
            if !before.same_analysis(&now) || result_moved {
                let same_measure = matches!((before_pooled, pooled), (Some(b), Some(n)) if b.0 == n.0);
                if let Some(description) = describe_change(&dataset, &before, &now, result_moved) {
                    change.set(Some(ChangeMarker {
                        before: before_pooled.filter(|_| same_measure).map(|(_, e, l, u)| (e, l, u)),
                        description,
                    }));
                }
            }
        }
        (now, pooled, dataset)
    });
}

/// "SOLO 1 excluded", "model: Random effects, REML", ... A zero-cell setting is named only
/// when it moved the result (with no zero cells in the pooled tables it changes nothing).
/// `None` when nothing in the analysis changed.
pub fn describe_change(dataset: &Dataset, before: &Selection, now: &Selection, result_moved: bool) -> Option<String> {
    let label = |id: &str| dataset.trial(id).map_or(id.to_string(), |t| t.label.clone());
    // A trial with no count for this outcome changes no number when it is switched.
    let outcome = dataset.outcome_or_first(&now.outcome);
    let has_data = |id: &&String| {
        dataset.trial(id).is_none_or(|t| {
            !matches!(t.data_for(outcome, &now.dose_selection()), TrialData::NotReported | TrialData::NoSuchArm)
        })
    };
    let mut parts = Vec::new();
    for id in now.excluded.iter().filter(|id| !before.excluded.contains(id)).filter(has_data) {
        parts.push(format!("{} excluded", label(id)));
    }
    for id in before.excluded.iter().filter(|id| !now.excluded.contains(id)).filter(has_data) {
        parts.push(format!("{} included", label(id)));
    }
    if before.outcome != now.outcome {
        parts.push(format!(
            "outcome: {}",
            dataset.outcome(&now.outcome).map_or(now.outcome.as_str(), |o| o.label.as_str())
        ));
    }
    if before.dose != now.dose {
        parts.push(format!(
            "dose: {}",
            if now.dose == "all" { "all arms".to_string() } else { livemeta_core::dataset::dose_label(&now.dose) }
        ));
    }
    let (b, n) = (before.options(), now.options());
    if b.measure != n.measure {
        parts.push(format!("measure: {}", n.measure.label()));
    }
    if b.model != n.model {
        parts.push(format!("model: {}", n.model.label()));
    }
    if b.ci_method != n.ci_method {
        parts.push(format!("CI: {}", n.ci_method.label()));
    }
    if b.q_centre != n.q_centre {
        parts.push(format!("Q {}", n.q_centre.label()));
    }
    if b.i2_from != n.i2_from {
        parts.push(format!("I² {}", n.i2_from.label()));
    }
    for e in now.entered.iter().filter(|e| !before.entered.contains(e) && e.outcome == now.outcome) {
        parts.push(format!("counts entered for {}", label(&e.trial)));
    }
    for e in before.entered.iter().filter(|e| !now.entered.iter().any(|n| n.same_cell(e))) {
        parts.push(format!("entered counts for {} removed", label(&e.trial)));
    }
    if before.use_entered != now.use_entered {
        parts.push(format!("entered counts {}", if now.use_entered { "used" } else { "set aside" }));
    }
    // A zero-cell rule matters only where a trial switched on has a zero cell.
    let any_zero_cell = || {
        dataset.trials.iter().filter(|t| !now.excluded.contains(&t.id)).any(|t| {
            match t.data_for(outcome, &now.dose_selection()) {
                TrialData::Reported { counts, .. } => counts.has_zero_cell(),
                _ => false,
            }
        })
    };
    if b.zero_cells != n.zero_cells && result_moved && any_zero_cell() {
        parts.push("zero-cell handling changed".into());
    }
    if before.definition != now.definition {
        parts.push(format!(
            "outcome definition: {}",
            now.definition.as_deref().map_or("the dataset's order of preference", |d| dataset.definition_label(d))
        ));
    }
    // Each view's own options are steps of their own (a story replays them too).
    if before.compare_models != now.compare_models {
        parts.push(format!("other model's diamond {}", if now.compare_models { "shown" } else { "hidden" }));
    }
    if before.tau_prior != now.tau_prior {
        parts.push(format!("prior on τ: {}", now.tau_prior.label()));
    }
    if before.cumulative_order != now.cumulative_order {
        parts.push(format!("cumulative order: {}", now.cumulative_order.label()));
    }
    if before.subgroup_by != now.subgroup_by || before.subgroup_column != now.subgroup_column {
        parts.push(format!("subgroups by {}", now.subgroup_column.as_deref().unwrap_or(now.subgroup_by.label())));
    }
    if before.moderator != now.moderator {
        parts.push(format!("moderator: {}", now.moderator.as_deref().unwrap_or("the first")));
    }
    if before.multiverse_family != now.multiverse_family {
        parts.push(format!("specification curve: {}", now.multiverse_family.label()));
    }
    if before.fit_mixed != now.fit_mixed {
        parts.push(format!("mixed models {}", if now.fit_mixed { "fitted" } else { "not fitted" }));
    }
    if before.tsa != now.tsa {
        parts.push("trial sequential assumptions changed".into());
    }
    if before.lens != now.lens {
        parts.push("convention lens compares other conventions".into());
    }
    if parts.is_empty() && result_moved {
        parts.push("data changed".into());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
