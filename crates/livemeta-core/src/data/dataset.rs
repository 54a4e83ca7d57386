//! The bundled-dataset format (`livemeta-dataset`, version 1), documented in the README.
//! Every count carries its source. A trial without a count for the chosen outcome is
//! "not reported": it is shown, never pooled, and never filled in.
use crate::data::StudyCounts;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "livemeta-dataset";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub format: String,
    pub version: u32,
    pub id: String,
    pub title: String,
    pub treatment_label: String,
    pub control_label: String,
    pub outcomes: Vec<Outcome>,
    pub definitions: Vec<Definition>,
    pub trials: Vec<Trial>,
    #[serde(default)]
    pub published: Vec<PublishedResult>,
    /// The meta-analysis the published results come from.
    #[serde(default)]
    pub publication: Publication,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    pub citation: String,
    pub doi_url: String,
    pub pubmed_url: String,
}

impl Outcome {
    /// The outcome with `definition` tried first for every trial, then the usual order.
    pub fn preferring(&self, definition: &str) -> Outcome {
        let mut order = vec![definition.to_string()];
        order.extend(self.definition_preference.iter().filter(|d| *d != definition).cloned());
        Outcome { definition_preference: order, ..self.clone() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub id: String,
    pub label: String,
    /// Definition ids in order of preference; each trial uses the first it reports.
    pub definition_preference: Vec<String>,
    /// The measure and model code the published analysis used (e.g. "RR" and "REVMAN").
    pub default_measure: String,
    pub default_model: String,
    /// The trials this outcome lists, when not every trial of the dataset (a RevMan review lists
    /// under each outcome only the studies entered for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trials: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub id: String,
    pub outcome: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    pub id: String,
    pub label: String,
    // The descriptive fields below are optional: a user's file has study names and counts only.
    #[serde(default)]
    pub publication: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    #[serde(default)]
    pub registry: String,
    #[serde(default)]
    pub phase: String,
    /// "monotherapy" or "tcs" (with topical corticosteroids).
    #[serde(default)]
    pub background: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<u32>,
    #[serde(default)]
    pub link: String,
    /// Participants randomized in the whole trial.
    #[serde(default)]
    pub n_randomized_total: Sourced,
    pub arms: Vec<Arm>,
    #[serde(default)]
    pub counts: Vec<Count>,
    #[serde(default)]
    pub missing: Vec<Missing>,
    /// Further attributes to group or order trials by (a CSV's extra columns, a review's
    /// subgroup), as (name, value) in the order they were given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    /// A line of the user's file that could not be read: kept, with what is wrong with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    pub id: String,
    /// "control" or "treatment".
    pub role: String,
    pub regimen: String,
    pub n_randomized: Sourced,
    pub n_safety: Sourced,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub outcome: String,
    pub definition: String,
    pub arm: String,
    /// Patients with at least one event.
    pub events: Sourced,
    /// The denominator the count refers to.
    pub n: i64,
    pub window: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missing {
    pub outcome: String,
    pub searched: String,
}

/// A number with its provenance. `value: None` means "not reported". A number from the user's
/// own file has no `url` and the kind "user".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sourced {
    pub value: Option<i64>,
    /// The primary source (the registry record, the article) when `url` is a copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_url: Option<String>,
    /// Where the number was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What the copy at `url` is, when it is not the primary source itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// "direct" or "derived".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derivation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedResult {
    pub outcome: String,
    pub measure: String,
    pub model: String,
    pub estimate: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    /// The article, when `url` is a copy of its abstract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_url: Option<String>,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<String>,
    pub snippet: String,
}

/// Which dupilumab arms are compared with placebo.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DoseSelection {
    /// All treatment arms added together (the paper's choice).
    AllCombined,
    /// One regimen, by arm id (e.g. "d300q2w").
    Regimen(String),
}

impl DoseSelection {
    /// The code the command line, the link and typed-in counts use: "all", or the arm id.
    pub fn code(&self) -> &str {
        match self {
            DoseSelection::AllCombined => "all",
            DoseSelection::Regimen(id) => id,
        }
    }

    pub fn from_code(code: &str) -> DoseSelection {
        match code {
            "all" => DoseSelection::AllCombined,
            id => DoseSelection::Regimen(id.to_string()),
        }
    }

    /// "all arms", or the regimen in words ("300 mg every 2 weeks (approved dose)").
    pub fn label(&self) -> String {
        match self {
            DoseSelection::AllCombined => "all arms".to_string(),
            DoseSelection::Regimen(id) => dose_label(id),
        }
    }
}

/// Where one arm's count came from, for the provenance shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmSource {
    pub arm: String,
    pub regimen: String,
    pub role: String,
    pub events: Sourced,
    pub n: i64,
    pub window: String,
}

/// One trial's contribution to an analysis of one outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum TrialData {
    Reported {
        counts: StudyCounts,
        definition: String,
        sources: Vec<ArmSource>,
    },
    /// Counts the user typed in (from the paper's figures) where no source gave them: analysed
    /// like reported counts, and marked "entered by you" wherever they appear. `label` is what
    /// the user called them ("test values"); empty means typed in from the paper.
    Entered {
        counts: StudyCounts,
        label: String,
    },
    /// A row of the user's file that could not be read: kept and shown with its problems, left
    /// out of the analysis.
    Invalid {
        problems: String,
    },
    /// The trial does not run the chosen regimen.
    NoSuchArm,
    NotReported,
}

impl Dataset {
    pub fn from_json(text: &str) -> Result<Dataset, String> {
        let dataset: Dataset = serde_json::from_str(text).map_err(|e| format!("dataset is not valid: {e}"))?;
        if dataset.format != FORMAT || dataset.version != VERSION {
            return Err(format!(
                "dataset format {} version {} is not supported (expected {FORMAT} version {VERSION})",
                dataset.format, dataset.version
            ));
        }
        if dataset.outcomes.is_empty() {
            return Err("dataset is not valid: it has no outcomes".into());
        }
        let mut ids = std::collections::HashSet::new();
        if let Some(trial) = dataset.trials.iter().find(|t| !ids.insert(t.id.as_str())) {
            return Err(format!("dataset is not valid: two trials have the id \"{}\"", trial.id));
        }
        Ok(dataset)
    }

    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.id == id)
    }

    pub fn definition_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.definitions.iter().find(|d| d.id == id).map_or(id, |d| d.label.as_str())
    }

    /// The trials an outcome lists, in the dataset's order.
    /// The definitions of `outcome` that at least one trial reports for `dose`, in the
    /// outcome's order of preference: the choices a reader has for what the outcome means.
    pub fn reported_definitions(&self, outcome: &Outcome, dose: &DoseSelection) -> Vec<String> {
        outcome
            .definition_preference
            .iter()
            .filter(|d| {
                let first = outcome.preferring(d);
                self.trials_of(outcome).any(
                    |t| matches!(t.data_for(&first, dose), TrialData::Reported { definition, .. } if definition == **d),
                )
            })
            .cloned()
            .collect()
    }

    pub fn trials_of<'a>(&'a self, outcome: &'a Outcome) -> impl Iterator<Item = &'a Trial> + 'a {
        let listed: Option<std::collections::HashSet<&str>> =
            outcome.trials.as_ref().map(|ids| ids.iter().map(String::as_str).collect());
        self.trials.iter().filter(move |t| listed.as_ref().is_none_or(|ids| ids.contains(t.id.as_str())))
    }

    pub fn trial(&self, id: &str) -> Option<&Trial> {
        self.trials.iter().find(|t| t.id == id)
    }

    /// The outcome a selection names, or the first.
    pub fn outcome_or_first(&self, id: &str) -> &Outcome {
        self.outcome(id).unwrap_or(&self.outcomes[0])
    }

    /// The names of the trials' further attributes, in the order first given.
    pub fn attribute_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for (name, _) in self.trials.iter().flat_map(|t| &t.attributes) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }

    /// The dataset as JSON; `from_json` reads it back to an equal dataset.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a dataset always serialises")
    }

    /// Treatment regimens that occur in any trial, as (arm id, regimen label).
    pub fn regimens(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for arm in self.trials.iter().flat_map(|t| &t.arms).filter(|a| a.role == "treatment") {
            if !out.iter().any(|(id, _)| *id == arm.id) {
                out.push((arm.id.clone(), arm.regimen.clone()));
            }
        }
        out
    }
}

impl Trial {
    /// The value of a further attribute, if the trial has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The 2x2 table for an outcome, using the first preferred definition for which every
    /// needed arm has a count. Combined arms add events and denominators.
    pub fn data_for(&self, outcome: &Outcome, dose: &DoseSelection) -> TrialData {
        if let Some(problems) = &self.problems {
            return TrialData::Invalid { problems: problems.clone() };
        }
        let treatment_arms: Vec<&Arm> = self
            .arms
            .iter()
            .filter(|a| match dose {
                DoseSelection::AllCombined => a.role == "treatment",
                DoseSelection::Regimen(r) => *r == a.id,
            })
            .collect();
        if treatment_arms.is_empty() {
            return TrialData::NoSuchArm;
        }
        let Some(control) = self.arms.iter().find(|a| a.role == "control") else {
            return TrialData::NotReported;
        };
        for definition in &outcome.definition_preference {
            let count_of = |arm: &Arm| {
                self.counts.iter().find(|c| {
                    c.outcome == outcome.id
                        && c.definition == *definition
                        && c.arm == arm.id
                        && c.events.value.is_some()
                })
            };
            let Some(control_count) = count_of(control) else { continue };
            let treated: Option<Vec<&Count>> = treatment_arms.iter().map(|a| count_of(a)).collect();
            let Some(treated) = treated else { continue };
            let events_treatment = treated.iter().filter_map(|c| c.events.value).sum();
            let total_treatment = treated.iter().map(|c| c.n).sum();
            let source = |arm: &Arm, c: &Count| ArmSource {
                arm: arm.id.clone(),
                regimen: arm.regimen.clone(),
                role: arm.role.clone(),
                events: c.events.clone(),
                n: c.n,
                window: c.window.clone(),
            };
            let mut sources: Vec<ArmSource> = treatment_arms.iter().zip(&treated).map(|(a, c)| source(a, c)).collect();
            sources.push(source(control, control_count));
            let counts = StudyCounts::new(
                self.label.clone(),
                events_treatment,
                total_treatment,
                control_count.events.value.unwrap_or_default(),
                control_count.n,
            );
            // A dataset file may hold impossible counts; they are shown as such, not pooled.
            if let Err(problem) = counts.validate() {
                return TrialData::Invalid { problems: problem.to_string() };
            }
            return TrialData::Reported { counts, definition: definition.clone(), sources };
        }
        TrialData::NotReported
    }
}

/// A row of the forest plot before analysis: the trial, whether the user switched it on,
/// and what the dataset holds for it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialRow {
    pub trial_id: String,
    pub label: String,
    pub enabled: bool,
    pub data: TrialData,
}

impl TrialRow {
    pub fn pooled_counts(&self) -> Option<&StudyCounts> {
        match (&self.data, self.enabled) {
            (TrialData::Reported { counts, .. } | TrialData::Entered { counts, .. }, true) => Some(counts),
            _ => None,
        }
    }

    /// The counts shown for the row, pooled or switched off.
    pub fn counts(&self) -> Option<&StudyCounts> {
        match &self.data {
            TrialData::Reported { counts, .. } | TrialData::Entered { counts, .. } => Some(counts),
            _ => None,
        }
    }

    pub fn is_entered(&self) -> bool {
        matches!(self.data, TrialData::Entered { .. })
    }

    /// Where the counts the user entered came from (`entered_origin`); None for other rows.
    pub fn entered_origin(&self) -> Option<String> {
        match &self.data {
            TrialData::Entered { label, .. } => Some(entered_origin(label)),
            _ => None,
        }
    }
}

/// Where counts the user entered came from, as the page and exports say it: "from the paper",
/// or the label they gave them ("labelled “test values”"), on one line whatever was typed, so
/// that it stays inside an R comment or a CSV cell.
pub fn entered_origin(label: &str) -> String {
    let label: String = label.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match label.trim() {
        "" => "from the paper".into(),
        label => format!("labelled “{label}”"),
    }
}

pub fn trial_rows(
    dataset: &Dataset,
    outcome: &Outcome,
    dose: &DoseSelection,
    enabled: &dyn Fn(&str) -> bool,
) -> Vec<TrialRow> {
    dataset
        .trials_of(outcome)
        .map(|t| TrialRow {
            trial_id: t.id.clone(),
            label: t.label.clone(),
            enabled: enabled(&t.id),
            data: t.data_for(outcome, dose),
        })
        .collect()
}

/// A readable name for a regimen id such as "d300q2w" (dose in mg, then qw / q2w / q4w).
pub fn dose_label(id: &str) -> String {
    let Some(rest) = id.strip_prefix('d') else { return id.to_string() };
    let split = rest.find('q').unwrap_or(rest.len());
    let (mg, interval) = rest.split_at(split);
    let every = match interval {
        "qw" => "weekly".to_string(),
        "q2w" => "every 2 weeks".to_string(),
        "q4w" => "every 4 weeks".to_string(),
        other => other.to_string(),
    };
    let approved = if id == "d300q2w" { " (approved dose)" } else { "" };
    format!("{mg} mg {every}{approved}")
}
