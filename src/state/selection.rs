//! The selection: every choice the analysis and the page are a function of, with the data.
//! Pure (no signals), so it is tested natively.
use livemeta_core::data::{Dataset, DoseSelection};
use livemeta_core::interpret::{Concern, ControlRisk, Domain, Override, Threshold};
use livemeta_core::likelihood::{TauPrior, SENSITIVITY_PRIORS};
use livemeta_core::model::{AnalysisOptions, CiMethod, I2From, Model, PredictionCritical, QCentre};
use livemeta_core::model::{Convention, Preset};
use livemeta_core::sensitivity::TsaAssumptions;
use livemeta_core::{Coded, Measure, ZeroCellPolicy};
use livemeta_plot::ForestLayout;

/// The user's choices: the whole analysis is a function of these (and of the data source).
/// Each kind is a type of its own, so what undo, the link and a data switch do with a kind
/// is decided once: undo and a story keep the display as it is; other data starts from its
/// own scope, method and view options and keeps the typed-in counts and the display.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub scope: Scope,
    pub method: Method,
    pub entered: Entered,
    pub views: ViewOptions,
    pub display: Display,
}

/// What is pooled: the outcome, the arms, the trials.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub outcome: String,
    pub dose: DoseSelection,
    /// A definition of the outcome to use wherever a trial reports it (else the dataset's
    /// order of preference).
    pub definition: Option<String>,
    /// Trial ids the user switched off.
    pub excluded: Vec<String>,
}

/// How it is pooled. The measure and model always go together: the `pick_*` methods and the
/// link's decoder keep them so, and nothing else overrides them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Method {
    pub measure: Measure,
    pub model: Model,
    /// Wald, Knapp-Hartung or its modified form; random-effects models only.
    pub ci_method: CiMethod,
    /// `None` hides the prediction interval.
    pub prediction: Option<PredictionCritical>,
    pub zero_cells: ZeroCellPolicy,
    /// Random-effects models other than RevMan 5's, which fixes both.
    pub q_centre: QCentre,
    pub i2_from: I2From,
}

/// Counts the user typed in for cells no source gave, and whether the analysis uses them.
#[derive(Debug, Clone, PartialEq)]
pub struct Entered {
    pub cells: Vec<EnteredCounts>,
    pub used: bool,
}

impl Default for Entered {
    fn default() -> Entered {
        Entered { cells: Vec::new(), used: true }
    }
}

/// Each view's own options. They change numbers on screen, so each change is a step of the
/// undo history, but not the pooled result.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewOptions {
    /// Overlay the common-effect diamond on a random-effects analysis (or vice versa).
    pub compare_models: bool,
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
    /// The control risk the absolute effect is read at.
    pub control_risk: ControlRisk,
    /// The effect the user judges clinically important, if any.
    pub threshold: Option<Threshold>,
    /// The user's own GRADE ratings, each for one outcome and domain.
    pub grade: Vec<GradeOverride>,
    pub forest: ForestStyle,
}

/// How the forest plot is drawn: a journal's layout and the columns beside the trials.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForestStyle {
    pub layout: ForestLayout,
    /// Each trial's RoB 2 judgments as dots.
    pub rob: bool,
    /// Each trial's follow-up in weeks.
    pub follow_up: bool,
    /// Trial attributes shown as columns, in the order chosen.
    pub attributes: Vec<String>,
    /// A dashed line at the pooled estimate.
    pub reference_line: bool,
}

/// The user's rating of one GRADE domain for one outcome, in place of the suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeOverride {
    pub outcome: String,
    pub user: Override,
}

impl Default for ViewOptions {
    fn default() -> ViewOptions {
        ViewOptions {
            compare_models: false,
            cumulative_order: CumulativeOrder::Year,
            subgroup_by: SubgroupBy::Background,
            subgroup_column: None,
            multiverse_family: MultiverseFamily::Ratio,
            fit_mixed: false,
            moderator: None,
            tau_prior: SENSITIVITY_PRIORS[0],
            tsa: TsaAssumptions::default(),
            lens: LENS_DEFAULT,
            control_risk: ControlRisk::Pooled,
            threshold: None,
            grade: Vec::new(),
            forest: ForestStyle::default(),
        }
    }
}

/// Where the results are shown. Not a step of the undo history: undo, redo and a story's
/// steps change what the numbers are, not where they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Display {
    pub presenter: bool,
    /// Presenter mode's predict-then-reveal: each change hides the new result until revealed.
    pub predict: bool,
    /// The sensitivity analysis shown under the main plot (none until one is chosen: each
    /// refits the model many times).
    pub view: Option<SensitivityView>,
    /// The methodologist's controls and views; the clinician's view (false) shows the result,
    /// its absolute effect and its caveats only.
    pub all_methods: bool,
}

/// A 2x2 table the user typed in from the paper for one trial, outcome and dose selection.
#[derive(Debug, Clone, PartialEq)]
pub struct EnteredCounts {
    pub outcome: String,
    pub dose: DoseSelection,
    pub trial: String,
    /// Events and total, treatment then control.
    pub counts: [i64; 4],
    /// What the user called these counts ("test values"); empty: typed in from the paper.
    pub label: String,
}

impl EnteredCounts {
    /// Whether these counts fill the same cell (trial, outcome and dose) as `other`.
    pub fn same_cell(&self, other: &EnteredCounts) -> bool {
        self.is_at(&other.outcome, &other.dose, &other.trial)
    }

    fn is_at(&self, outcome: &str, dose: &DoseSelection, trial: &str) -> bool {
        self.trial == trial && self.outcome == outcome && self.dose == *dose
    }
}

/// A choice of the page: one of the engine's coded choices, with a label for its control.
pub trait Labelled: Coded + Send + Sync {
    fn label(self) -> &'static str;
}

/// Defines a coded, labelled enum from its variants' codes and labels.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }
        impl Coded for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];
            fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
        }
        impl Labelled for $name {
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

/// The views grouped by the question they answer, in the order the panel shows them.
pub const VIEW_QUESTIONS: [(&str, &[SensitivityView]); 5] = {
    use SensitivityView::*;
    [
        ("Is it robust?", &[LeaveOneOut, Cumulative, Subgroups, Fragility]),
        ("Is it biased?", &[SmallStudy, RiskOfBias]),
        ("Does the model matter?", &[Estimators, Bayesian, RareEvents, Multiverse, Conventions]),
        ("Which trials drive it?", &[Influence, Gosh, Diagnostics]),
        ("Is there enough evidence?", &[Sequential, MetaRegression]),
    ]
};

/// RevMan 5 against the methods Cochrane brought into RevMan in 2025.
pub const LENS_DEFAULT: [Option<Preset>; 2] = [Some(Preset::RevMan5), Some(Preset::RevMan2025)];

impl Labelled for ForestLayout {
    fn label(self) -> &'static str {
        ForestLayout::label(self)
    }
}

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
            scope: Scope {
                outcome: o.id.clone(),
                dose: DoseSelection::AllCombined,
                definition: None,
                excluded: Vec::new(),
            },
            method: Method {
                measure: Measure::from_code(&o.default_measure).unwrap_or(Measure::RR),
                model,
                ci_method: CiMethod::Wald,
                prediction: None,
                zero_cells: model.zero_cell_policy(),
                q_centre: QCentre::InverseVariance,
                i2_from: I2From::Tau2,
            },
            entered: Entered::default(),
            views: ViewOptions::default(),
            display: Display::default(),
        }
    }

    /// The counts the user entered for a trial under the current outcome and dose.
    pub fn entered_for(&self, trial: &str) -> Option<&EnteredCounts> {
        self.entered.cells.iter().find(|e| e.is_at(&self.scope.outcome, &self.scope.dose, trial))
    }

    /// Records (or replaces) the user's counts for a trial under the current outcome and dose.
    pub fn enter(&mut self, trial: &str, counts: [i64; 4], label: &str) {
        let (outcome, dose) = (self.scope.outcome.clone(), self.scope.dose.clone());
        self.enter_at(EnteredCounts { outcome, dose, trial: trial.to_string(), counts, label: label.to_string() });
    }

    /// Records (or replaces) the user's counts for the cell they name.
    pub fn enter_at(&mut self, cell: EnteredCounts) {
        self.entered.cells.retain(|e| !e.same_cell(&cell));
        self.entered.cells.push(cell);
    }

    /// Forgets the user's counts for the cell of `outcome`, `dose` and `trial`.
    pub fn forget_entered_at(&mut self, outcome: &str, dose: &DoseSelection, trial: &str) {
        self.entered.cells.retain(|e| !e.is_at(outcome, dose, trial));
    }

    /// The user's ratings for `outcome`.
    pub fn grade_overrides(&self, outcome: &str) -> Vec<Override> {
        self.views.grade.iter().filter(|g| g.outcome == outcome).map(|g| g.user.clone()).collect()
    }

    /// Rates `domain` of `outcome` as the user judges it, or (`None`) goes back to the suggestion.
    pub fn rate(&mut self, outcome: &str, domain: Domain, rating: Option<(Concern, String)>) {
        self.views.grade.retain(|g| !(g.outcome == outcome && g.user.domain == domain));
        if let Some((concern, reason)) = rating {
            let user = Override { domain, concern, reason };
            self.views.grade.push(GradeOverride { outcome: outcome.to_string(), user });
        }
    }

    pub fn forget_entered(&mut self, trial: &str) {
        let (outcome, dose) = (self.scope.outcome.clone(), self.scope.dose.clone());
        self.forget_entered_at(&outcome, &dose, trial);
    }

    /// This selection shown as `shown` is: undo, redo and a story's steps keep the display.
    pub fn keeping_display(self, shown: &Selection) -> Selection {
        Selection { display: shown.display, ..self }
    }

    /// Whether `other` differs from this selection in its display only. Every other choice
    /// (the analysis and each view's own options) changes a number on screen, so each change
    /// of one is a step of the undo history.
    pub fn same_step(&self, other: &Selection) -> bool {
        self.scope == other.scope
            && self.method == other.method
            && self.entered == other.entered
            && self.views == other.views
    }

    /// Whether the pooled analysis (not just a view or the display) is the same in two
    /// selections. A definition is a preference, not a filter: it changes the analysis only
    /// where a trial's counts change, which the result shows.
    pub fn same_analysis(&self, other: &Selection) -> bool {
        let (a, b) = (&self.scope, &other.scope);
        (&a.outcome, &a.dose, &a.excluded) == (&b.outcome, &b.dose, &b.excluded)
            && self.method.options() == other.method.options()
            && self.entered == other.entered
    }

    /// Another outcome of `dataset`, keeping every choice that applies to it: the trials
    /// switched off, the counts typed in, the CI and prediction rules, the open view and its
    /// options. The measure and model follow the new outcome's published method only when they
    /// were the old outcome's (the user had not chosen others); a definition belongs to its
    /// outcome and is dropped. The returned sentence says what changed and why.
    pub fn switch_outcome(&mut self, dataset: &Dataset, outcome: &str) -> Option<String> {
        let old = Selection::for_outcome(dataset, &self.scope.outcome).method;
        let new = Selection::for_outcome(dataset, outcome);
        let label = dataset.outcome_or_first(outcome).label.clone();
        self.scope.outcome = new.scope.outcome;
        self.scope.definition = None;
        let (new, method) = (new.method, &mut self.method);
        if (method.measure, method.model) == (new.measure, new.model) {
            return None;
        }
        if (method.measure, method.model) == (old.measure, old.model) {
            method.measure = new.measure;
            let convention = method.set_model(new.model);
            let why = format!("{label}: the published method, {} by {}.", new.measure.label(), new.model.label());
            return Some(join_sentences(Some(why), convention));
        }
        // The user's own measure and model stay, as far as the new outcome allows.
        (!method.model.pools(method.measure)).then(|| method.pick_model(method.model)).flatten()
    }
}

impl Method {
    /// The analysis these choices ask for.
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
        *self = Method {
            measure: needed,
            model: c.model,
            ci_method: c.ci_method,
            prediction: c.prediction,
            zero_cells: c.zero_cells,
            q_centre: c.q_centre,
            i2_from: c.i2_from,
        };
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
        let (old, new) = (self.model.zero_cell_policy(), model.zero_cell_policy());
        self.model = model;
        (self.zero_cells == old && new != old).then(|| {
            self.zero_cells = new;
            let double_zero = if new.drop_double_zero { "left out" } else { "kept" };
            format!("Zero cells follow this model's convention: trials with no events in either arm are {double_zero}.")
        })
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
        let mut other = *self;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_answers_one_question() {
        let grouped: Vec<SensitivityView> =
            VIEW_QUESTIONS.iter().flat_map(|(_, views)| views.iter().copied()).collect();
        assert_eq!(grouped.len(), SensitivityView::ALL.len());
        assert!(SensitivityView::ALL.iter().all(|v| grouped.contains(v)));
    }
}
