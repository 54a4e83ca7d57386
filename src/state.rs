//! The one place application state lives. Everything on screen derives from these signals
//! through memos; `url_state` mirrors the selection into the address bar.
use leptos::prelude::*;
use livemeta_core::analysis::{analyze, Analysis, AnalysisOptions, Model, PredictionCritical};
use livemeta_core::dataset::{trial_rows, Dataset, DoseSelection, TrialData, TrialRow};
use livemeta_core::{EngineError, Measure, StudyCounts, ZeroCellPolicy};
use livemeta_core::csv_input::{distinguish_duplicates, extra_columns, no_studies, parse_rows};
use std::sync::LazyLock;

pub static DATASET: LazyLock<Dataset> =
    LazyLock::new(|| Dataset::from_json(include_str!("../assets/dupilumab.json")).expect("bundled dataset is valid"));

/// The user's choices: the whole analysis is a function of these (and of the data source).
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub outcome: String,
    /// "all" or a treatment arm id such as "d300q2w".
    pub dose: String,
    pub measure: Measure,
    pub model: Model,
    /// Trial ids the user switched off.
    pub excluded: Vec<String>,
    pub knapp_hartung: bool,
    /// `None` hides the prediction interval.
    pub prediction: Option<PredictionCritical>,
    pub zero_cells: ZeroCellPolicy,
    /// Overlay the common-effect diamond on a random-effects analysis (or vice versa).
    pub compare_models: bool,
    pub presenter: bool,
    /// The sensitivity analysis shown under the main plot (none until one is chosen: each
    /// refits the model many times), and the cumulative order.
    pub view: Option<SensitivityView>,
    pub cumulative_order: CumulativeOrder,
    pub subgroup_by: SubgroupBy,
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
    }
);

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
    /// The order in which a cumulative meta-analysis adds trials.
    CumulativeOrder {
        Year = "year", "by year (how the evidence grew)";
        Size = "size", "largest first";
        Precision = "precision", "most precise first";
        Listed = "listed", "as listed";
    }
);


impl Selection {
    /// Reproduces the published method for the outcome.
    pub fn for_outcome(outcome: &str) -> Selection {
        let o = DATASET.outcome(outcome).unwrap_or(&DATASET.outcomes[0]);
        let model = Model::from_code(&o.default_model).unwrap_or(Model::RevManMhRandom);
        Selection {
            outcome: o.id.clone(),
            dose: "all".into(),
            measure: Measure::from_code(&o.default_measure).unwrap_or(Measure::RR),
            model,
            excluded: Vec::new(),
            knapp_hartung: false,
            prediction: None,
            zero_cells: ZeroCellPolicy::for_model(model),
            compare_models: false,
            presenter: false,
            view: None,
            cumulative_order: CumulativeOrder::Year,
            subgroup_by: SubgroupBy::Background,
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
        self.entered.push(EnteredCounts { outcome: self.outcome.clone(), dose: self.dose.clone(), trial: trial.to_string(), counts });
    }

    pub fn forget_entered(&mut self, trial: &str) {
        let (outcome, dose) = (&self.outcome, &self.dose);
        self.entered.retain(|e| !e.is_at(outcome, dose, trial));
    }

    pub fn dose_selection(&self) -> DoseSelection {
        if self.dose == "all" { DoseSelection::AllCombined } else { DoseSelection::Regimen(self.dose.clone()) }
    }

    /// The analysis these choices ask for. The measure and model always go together: the
    /// `pick_*` methods and the URL decoder keep them so, and nothing here overrides them.
    pub fn options(&self) -> AnalysisOptions {
        AnalysisOptions {
            measure: self.measure,
            model: self.model,
            zero_cells: self.zero_cells,
            knapp_hartung: self.knapp_hartung && self.model.is_random(),
            prediction: self.prediction.unwrap_or(PredictionCritical::Z),
            level: 0.95,
        }
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
        let why = format!("{} cannot pool the {}, so the model changed to {}.", before.label(), measure.label(), needed.label());
        Some(join_sentences(Some(why), convention))
    }

    /// Sets the model. A measure it cannot pool changes with it, and the returned sentence
    /// says why; so does a change of zero-cell convention.
    pub fn pick_model(&mut self, model: Model) -> Option<String> {
        let convention = self.set_model(model);
        let needed = self.options().with_model(model).measure;
        let why = (needed != self.measure).then(|| {
            let before = std::mem::replace(&mut self.measure, needed);
            format!("{} cannot pool the {}, so the effect measure changed to {}.", model.label(), before.label(), needed.label())
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
        let model = if model.pools(self.measure) { model } else { Model::Random(livemeta_core::Tau2Method::DerSimonianLaird) };
        other.set_model(model);
        other.options()
    }
}

fn join_sentences(a: Option<String>, b: Option<String>) -> String {
    [a, b].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

/// Where the 2x2 tables come from: the bundled flagship dataset, or a CSV the user imported
/// with any columns besides the counts (name, one value per study) to group studies by. A line
/// of the CSV that could not be read stays, as its problems, so nothing the user gave is lost.
/// The CSV is kept as given: the link and the browser's storage carry it.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSource {
    Bundled,
    Imported { studies: Vec<Result<StudyCounts, InvalidRow>>, columns: Vec<(String, Vec<String>)>, csv: String },
}

/// A line of the user's file that could not be read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidRow {
    pub label: String,
    pub problems: String,
}

impl DataSource {
    /// The user's CSV as a data source, with a warning (renamed duplicates, lines left out), or
    /// every problem found (line, study, field) when nothing in it can be analysed.
    pub fn from_csv(csv: &str) -> Result<(DataSource, Option<String>), Vec<String>> {
        let rows = parse_rows(csv).map_err(|problems| problems.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
        let mut valid: Vec<StudyCounts> = rows.iter().filter_map(|r| r.counts.as_ref().ok().cloned()).collect();
        let problems: Vec<String> = rows.iter().filter_map(|r| r.counts.as_ref().err()).flatten().map(|e| e.to_string()).collect();
        if valid.is_empty() {
            return Err(if problems.is_empty() { vec![no_studies().to_string()] } else { problems });
        }
        let duplicates = distinguish_duplicates(&mut valid);
        let mut renamed = valid.into_iter();
        let studies = rows
            .into_iter()
            .map(|r| match r.counts {
                Ok(_) => Ok(renamed.next().expect("one per valid row")),
                Err(errors) => Err(InvalidRow {
                    label: if r.study.is_empty() { format!("line {}", r.line) } else { r.study },
                    problems: errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "),
                }),
            })
            .collect::<Vec<_>>();
        let left_out = (!problems.is_empty()).then(|| {
            format!("{} with problems {} left out of the analysis and flagged in the table: {}.", plural_lines(problems.len()), if problems.len() == 1 { "is" } else { "are" }, problems.join("; "))
        });
        let warning = [duplicates, left_out].into_iter().flatten().collect::<Vec<_>>();
        Ok((DataSource::Imported { studies, columns: extra_columns(csv), csv: csv.to_string() }, (!warning.is_empty()).then(|| warning.join(" "))))
    }
}

fn plural_lines(n: usize) -> String {
    if n == 1 { "1 problem".into() } else { format!("{n} problems") }
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
    pub rows: Memo<Vec<TrialRow>>,
    /// (id, label) of the listed trials; unlike `rows` it does not change when a trial is
    /// switched on or off, so lists keyed on it are not rebuilt on every toggle.
    pub trials: Memo<Vec<(String, String)>>,
    pub analysis: Memo<Result<Analysis, EngineError>>,
    pub comparison: Memo<Option<Result<Analysis, EngineError>>>,
    pub change: RwSignal<Option<ChangeMarker>>,
    /// A sentence explaining a choice the app made for the user (a control that changed
    /// another, a link parameter that was ignored); shown beside the controls.
    pub notice: RwSignal<Option<String>>,
}

impl AppState {
    pub fn new(initial: Selection, data: DataSource, notice: Option<String>) -> AppState {
        let selection = RwSignal::new(initial);
        let source = RwSignal::new(data);
        let rows = Memo::new(move |_| source.with(|source| selection.with(|s| rows_for(s, source))));
        let trials = Memo::new(move |_| rows.with(|rows| rows.iter().map(|r| (r.trial_id.clone(), r.label.clone())).collect()));
        let studies = move || rows.with(|rows| pooled_studies(rows));
        let analysis = Memo::new(move |_| analyze(&studies(), &selection.with(Selection::options)));
        let comparison = Memo::new(move |_| {
            selection.with(|s| s.compare_models).then(|| analyze(&studies(), &selection.with(Selection::comparison_options)))
        });
        let change = RwSignal::new(None);
        track_changes(selection, source, analysis, change);
        AppState { selection, source, rows, trials, analysis, comparison, change, notice: RwSignal::new(notice) }
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
    match source {
        DataSource::Bundled => {
            let outcome = DATASET.outcome(&selection.outcome).unwrap_or(&DATASET.outcomes[0]);
            let mut rows = trial_rows(&DATASET, outcome, &selection.dose_selection(), &|id| !selection.excluded.iter().any(|x| x == id));
            // A cell no source gave takes the counts the user typed in, marked as theirs.
            for row in rows.iter_mut().filter(|r| r.data == TrialData::NotReported && selection.use_entered) {
                if let Some(e) = selection.entered_for(&row.trial_id) {
                    let [a, b, c, d] = e.counts;
                    row.data = TrialData::Entered { counts: StudyCounts::new(row.label.clone(), a, b, c, d) };
                }
            }
            rows
        }
        DataSource::Imported { studies, .. } => imported_rows(studies, &selection.excluded),
    }
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

pub fn imported_rows(studies: &[Result<StudyCounts, InvalidRow>], excluded: &[String]) -> Vec<TrialRow> {
    studies
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let id = format!("row{}", i + 1);
            let (label, data) = match s {
                Ok(s) => (s.label.clone(), TrialData::Reported { counts: s.clone(), definition: "imported".into(), sources: vec![] }),
                Err(bad) => (bad.label.clone(), TrialData::Invalid { problems: bad.problems.clone() }),
            };
            TrialRow { enabled: !excluded.contains(&id), trial_id: id, label, data }
        })
        .collect()
}

/// Remembers the pooled result before each change, and says in words what changed. Only
/// changes to the analysis count: presenter mode or the comparison diamond leave it alone.
fn track_changes(
    selection: RwSignal<Selection>,
    source: RwSignal<DataSource>,
    analysis: Memo<Result<Analysis, EngineError>>,
    change: RwSignal<Option<ChangeMarker>>,
) {
    type Snapshot = (Selection, Option<(Measure, f64, f64, f64)>);
    Effect::new(move |previous: Option<Snapshot>| {
        source.track();
        let now = selection.get();
        let pooled = analysis.with(|a| a.as_ref().ok().map(|a| (a.measure, a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper)));
        if let Some((before, before_pooled)) = previous {
            let result_moved = before_pooled != pooled;
            if !before.same_analysis(&now) || result_moved {
                let same_measure = matches!((before_pooled, pooled), (Some(b), Some(n)) if b.0 == n.0);
                if let Some(description) = describe_change(&before, &now, result_moved) {
                    change.set(Some(ChangeMarker {
                        before: before_pooled.filter(|_| same_measure).map(|(_, e, l, u)| (e, l, u)),
                        description,
                    }));
                }
            }
        }
        (now, pooled)
    });
}

/// "SOLO 1 excluded", "model: Random effects, REML", ... A zero-cell setting is named only
/// when it moved the result (with no zero cells in the pooled tables it changes nothing).
/// `None` when nothing in the analysis changed.
pub fn describe_change(before: &Selection, now: &Selection, result_moved: bool) -> Option<String> {
    let label = |id: &str| DATASET.trials.iter().find(|t| t.id == id).map_or(id.to_string(), |t| t.label.clone());
    let mut parts = Vec::new();
    for id in now.excluded.iter().filter(|id| !before.excluded.contains(id)) {
        parts.push(format!("{} excluded", label(id)));
    }
    for id in before.excluded.iter().filter(|id| !now.excluded.contains(id)) {
        parts.push(format!("{} included", label(id)));
    }
    if before.outcome != now.outcome {
        parts.push(format!("outcome: {}", DATASET.outcome(&now.outcome).map_or(now.outcome.as_str(), |o| o.label.as_str())));
    }
    if before.dose != now.dose {
        parts.push(format!("dose: {}", if now.dose == "all" { "all arms".to_string() } else { livemeta_core::dataset::dose_label(&now.dose) }));
    }
    let (b, n) = (before.options(), now.options());
    if b.measure != n.measure {
        parts.push(format!("measure: {}", n.measure.label()));
    }
    if b.model != n.model {
        parts.push(format!("model: {}", n.model.label()));
    }
    if b.knapp_hartung != n.knapp_hartung {
        parts.push(format!("Knapp-Hartung {}", if n.knapp_hartung { "on" } else { "off" }));
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
    if b.zero_cells != n.zero_cells && result_moved {
        parts.push("zero-cell handling changed".into());
    }
    if parts.is_empty() && result_moved {
        parts.push("data changed".into());
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}
