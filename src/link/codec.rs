//! The link's query string: the selection written as parameters and read back, with a note
//! for each parameter that was ignored. Pure, so it is tested natively as well as in the browser.
use super::uri::{decode_component, encode_component};
use crate::state::SubgroupBy;
use crate::state::{
    CumulativeOrder, DataSource, EnteredCounts, GradeOverride, MultiverseFamily, Origin, Selection, SensitivityView,
    LENS_DEFAULT,
};
use livemeta_core::data::{pack, Packed};
use livemeta_core::data::{Dataset, DoseSelection};
use livemeta_core::interpret::{Concern, ControlRisk, Domain, Override, Threshold};
use livemeta_core::model::Preset;
use livemeta_core::model::{CiMethod, I2From, PredictionCritical, QCentre};
use livemeta_core::sensitivity::TsaAssumptions;
use livemeta_core::{Coded, CorrectionScope, Measure, Model, StudyCounts};
use livemeta_plot::ForestLayout;

pub fn encode(s: &Selection) -> String {
    let mut q = format!(
        "?outcome={}&dose={}&measure={}&model={}",
        s.scope.outcome,
        s.scope.dose.code(),
        s.method.measure.code(),
        s.method.model.code()
    );
    if let Some(definition) = &s.scope.definition {
        q.push_str(&format!("&def={definition}"));
    }
    if !s.scope.excluded.is_empty() {
        q.push_str(&format!("&off={}", s.scope.excluded.join(",")));
    }
    match s.method.ci_method {
        CiMethod::Wald => {}
        CiMethod::KnappHartung => q.push_str(&format!("&knha={KNAPP_HARTUNG_IN_LINKS}")),
        other => q.push_str(&format!("&knha={}", other.code())),
    }
    if let Some(p) = s.method.prediction {
        q.push_str(&format!("&pi={}", p.code()));
    }
    if s.views.lens != LENS_DEFAULT {
        let side = |p: Option<Preset>| p.map_or("current", Preset::code);
        q.push_str(&format!("&lens={},{}", side(s.views.lens[0]), side(s.views.lens[1])));
    }
    if s.method.q_centre != QCentre::InverseVariance {
        q.push_str(&format!("&q={}", s.method.q_centre.code()));
    }
    if s.method.i2_from != I2From::Tau2 {
        q.push_str(&format!("&i2={}", s.method.i2_from.code()));
    }
    if s.method.zero_cells != s.method.model.zero_cell_policy() {
        let z = s.method.zero_cells;
        q.push_str(&format!("&add={}&to={}&drop00={}", z.add, z.scope.code(), z.drop_double_zero as u8));
    }
    if s.views.compare_models {
        q.push_str("&both=1");
    }
    if s.display.presenter {
        q.push_str("&presenter=1");
    }
    if s.display.predict {
        q.push_str("&predict=1");
    }
    if s.display.all_methods {
        q.push_str("&methods=1");
    }
    if let Some(view) = s.display.view {
        q.push_str(&format!("&view={}", view.code()));
    }
    if s.views.cumulative_order != CumulativeOrder::Year {
        q.push_str(&format!("&order={}", s.views.cumulative_order.code()));
    }
    if s.views.subgroup_by != SubgroupBy::Background {
        q.push_str(&format!("&by={}", s.views.subgroup_by.code()));
    }
    if let Some(column) = &s.views.subgroup_column {
        q.push_str(&format!("&col={}", encode_component(column)));
    }
    if s.views.multiverse_family != MultiverseFamily::Ratio {
        q.push_str(&format!("&family={}", s.views.multiverse_family.code()));
    }
    if s.views.fit_mixed {
        q.push_str("&mixed=1");
    }
    if s.views.tau_prior != livemeta_core::likelihood::SENSITIVITY_PRIORS[0] {
        q.push_str(&format!("&prior={}", s.views.tau_prior.code()));
    }
    if let Some(moderator) = &s.views.moderator {
        q.push_str(&format!("&mod={}", encode_component(moderator)));
    }
    if s.views.control_risk != ControlRisk::Pooled {
        q.push_str(&format!("&acr={}", s.views.control_risk.code()));
    }
    if let Some(threshold) = s.views.threshold {
        q.push_str(&format!("&mcid={}", threshold.code()));
    }
    // The user's GRADE ratings: outcome:domain:levels:reason, the reason encoded.
    if !s.views.grade.is_empty() {
        let cells: Vec<String> = s
            .views
            .grade
            .iter()
            .map(|g| {
                let u = &g.user;
                format!("{}:{}:{}:{}", g.outcome, u.domain.code(), u.concern.code(), encode_component(&u.reason))
            })
            .collect();
        q.push_str(&format!("&grade={}", cells.join(",")));
    }
    let forest = &s.views.forest;
    if forest.layout != ForestLayout::default() {
        q.push_str(&format!("&layout={}", forest.layout.code()));
    }
    // The forest plot's columns: rob, weeks and each attribute's name, encoded.
    let columns: Vec<String> = [(forest.rob, "rob"), (forest.follow_up, "weeks")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, code)| code.to_string())
        .chain(forest.attributes.iter().map(|a| format!("a.{}", encode_component(a))))
        .collect();
    if !columns.is_empty() {
        q.push_str(&format!("&fcols={}", columns.join(",")));
    }
    if forest.reference_line {
        q.push_str("&refline=1");
    }
    // The trial sequential analysis's assumptions, where they differ from the defaults.
    for a in TsaAssumptions::ALL {
        let value = (a.get)(&s.views.tsa);
        if let Some(v) = value.filter(|_| value != (a.get)(&TsaAssumptions::default())) {
            q.push_str(&format!("&{}={v}", a.key));
        }
    }
    // Counts typed in from the paper travel with the link: outcome:dose:trial:a:n1:c:n2, then
    // the user's label for them, encoded, if they gave one.
    if !s.entered.cells.is_empty() {
        let cells: Vec<String> = s
            .entered
            .cells
            .iter()
            .map(|e| {
                let counts = e.counts.map(|c| c.to_string()).join(":");
                let label = if e.label.is_empty() { String::new() } else { format!(":{}", encode_component(&e.label)) };
                format!("{}:{}:{}:{counts}{label}", e.outcome, e.dose.code(), e.trial)
            })
            .collect();
        q.push_str(&format!("&typed={}", cells.join(",")));
    }
    if !s.entered.used {
        q.push_str("&typedoff=1");
    }
    q
}

/// One cell of `typed=`, if it names a known outcome, dose and trial and holds a valid table.
fn entered_cell(cell: &str, dataset: &Dataset) -> Option<EnteredCounts> {
    let parts: Vec<&str> = cell.split(':').collect();
    let [outcome, dose, trial, a, n1, c, n2, label @ ..] = parts.as_slice() else { return None };
    let counts: Vec<i64> = [a, n1, c, n2].iter().map(|n| n.parse().ok()).collect::<Option<_>>()?;
    let counts: [i64; 4] = counts.try_into().ok()?;
    let label = match label {
        [] => String::new(),
        [label] => decode_component(label)?,
        _ => return None,
    };
    let dose = known_dose(dose, dataset)?;
    let known = dataset.outcome(outcome).is_some() && dataset.trial(trial).is_some();
    let valid = StudyCounts::new(*trial, counts[0], counts[1], counts[2], counts[3]).validate().is_ok();
    (known && valid).then(|| EnteredCounts {
        outcome: outcome.to_string(),
        dose,
        trial: trial.to_string(),
        counts,
        label,
    })
}

/// One rating of `grade=`, if it names a known outcome and domain and 0, 1 or 2 levels down.
fn grade_cell(cell: &str, dataset: &Dataset) -> Option<GradeOverride> {
    let parts: Vec<&str> = cell.split(':').collect();
    let [outcome, domain, concern, reason] = parts.as_slice() else { return None };
    let user = Override {
        domain: Domain::from_code(domain)?,
        concern: Concern::from_code(concern)?,
        reason: decode_component(reason)?,
    };
    dataset.outcome(outcome).is_some().then(|| GradeOverride { outcome: outcome.to_string(), user })
}

/// A dose code of the link: "all", or an arm id of the data.
fn known_dose(code: &str, dataset: &Dataset) -> Option<DoseSelection> {
    let dose = DoseSelection::from_code(code);
    let known = match &dose {
        DoseSelection::AllCombined => true,
        DoseSelection::Regimen(arm) => dataset.regimens().iter().any(|(id, _)| id == arm),
    };
    known.then_some(dose)
}

/// Knapp-Hartung's value of `knha=` in the link: "1", from before the link shared the
/// engine's codes, so that links already shared still open with it.
const KNAPP_HARTUNG_IN_LINKS: &str = "1";

/// The continuity corrections the controls offer; a link may set only these, so the select
/// always shows the value the analysis uses.
pub const OFFERED_ADD: [f64; 4] = [0.5, 0.25, 0.1, 1.0];

/// A link's parameters, and a note for each one that was ignored.
struct Query<'a> {
    params: Vec<(&'a str, &'a str)>,
    notes: Vec<String>,
}

impl<'a> Query<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.params.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
    fn flag(&self, key: &str) -> bool {
        self.get(key) == Some("1")
    }
    fn ignore(&mut self, key: &str, value: &str, why: &str) {
        self.notes.push(format!("{key}={value} ({why})"));
    }
    /// The value of a coded choice; one that is not among its codes is ignored, and said so.
    fn coded<T: Coded>(&mut self, key: &str) -> Option<T> {
        self.parse(key, T::from_code, &format!("not {}", T::codes_in_words()))
    }
    /// The parsed value of `key`; a value that does not parse is ignored, and said so.
    fn parse<T>(&mut self, key: &str, parse: impl Fn(&str) -> Option<T>, why: &str) -> Option<T> {
        let raw = self.get(key)?;
        let value = parse(raw);
        if value.is_none() {
            self.ignore(key, raw, why);
        }
        value
    }
}

/// Reads a link for a dataset. Unknown or malformed parameters fall back to the outcome's
/// defaults, and each one that was ignored or changed is named in the returned notes, so the
/// page can say so.
pub fn decode(query: &str, dataset: &Dataset) -> (Selection, Vec<String>) {
    let mut q = Query {
        params: query.trim_start_matches('?').split('&').filter_map(|p| p.split_once('=')).collect(),
        notes: Vec::new(),
    };
    let outcome = q.get("outcome").unwrap_or("");
    if !outcome.is_empty() && dataset.outcome(outcome).is_none() {
        q.ignore("outcome", outcome, "no such outcome");
    }
    let mut s = Selection::for_outcome(dataset, outcome);
    if let Some(dose) = q.parse("dose", |d| known_dose(d, dataset), "no such dose arm") {
        s.scope.dose = dose;
    }
    let definitions = dataset.outcome_or_first(&s.scope.outcome).definition_preference.clone();
    if let Some(definition) =
        q.parse("def", |d| definitions.iter().find(|x| *x == d).cloned(), "not a definition of this outcome")
    {
        s.scope.definition = Some(definition);
    }
    if let Some(m) = q.coded::<Measure>("measure") {
        s.method.measure = m;
    }
    if let Some(m) = q.coded::<Model>("model") {
        s.method.model = m;
        s.method.zero_cells = m.zero_cell_policy();
    }
    if !s.method.model.pools(s.method.measure) {
        let picked = s.method.measure;
        s.method.pick_model(s.method.model);
        q.ignore(
            "measure",
            picked.code(),
            &format!("{} cannot pool it; {} used", s.method.model.label(), s.method.measure.label()),
        );
    }
    if let Some(off) = q.get("off") {
        let known = |id: &str| dataset.trial(id).is_some();
        let (kept, unknown): (Vec<&str>, Vec<&str>) =
            off.split(',').filter(|id| !id.is_empty()).partition(|id| known(id));
        s.scope.excluded = kept.into_iter().map(String::from).collect();
        if !unknown.is_empty() {
            q.ignore("off", &unknown.join(","), "no such trial");
        }
    }
    let knha = |v: &str| match v {
        KNAPP_HARTUNG_IN_LINKS => Some(CiMethod::KnappHartung),
        v => CiMethod::from_code(v).filter(|ci| *ci != CiMethod::Wald),
    };
    if let Some(ci) =
        q.parse("knha", knha, &format!("not {KNAPP_HARTUNG_IN_LINKS} or {}", CiMethod::KnappHartungAdhoc.code()))
    {
        s.method.ci_method = ci;
    }
    if let Some(p) = q.coded::<PredictionCritical>("pi") {
        s.method.prediction = Some(p);
    }
    let lens_side = |code: &str| if code == "current" { Some(None) } else { Preset::from_code(code).map(Some) };
    if let Some(lens) = q.parse(
        "lens",
        |v| v.split_once(',').and_then(|(a, b)| Some([lens_side(a)?, lens_side(b)?])),
        &format!("not two of current, {}", Preset::codes_in_words()),
    ) {
        s.views.lens = lens;
    }
    if let Some(centre) = q.coded::<QCentre>("q") {
        s.method.q_centre = centre;
    }
    if let Some(i2) = q.coded::<I2From>("i2") {
        s.method.i2_from = i2;
    }
    let offered = |a: &str| a.parse::<f64>().ok().filter(|a| OFFERED_ADD.contains(a));
    let kept_add = format!("the correction must be 0.1, 0.25, 0.5 or 1; {} used", s.method.zero_cells.add);
    if let Some(add) = q.parse("add", offered, &kept_add) {
        s.method.zero_cells.add = add;
    }
    if let Some(scope) = q.coded::<CorrectionScope>("to") {
        s.method.zero_cells.scope = scope;
    }
    if let Some(drop) = q.get("drop00") {
        s.method.zero_cells.drop_double_zero = drop == "1";
    }
    if let Some(view) = q.coded::<SensitivityView>("view") {
        s.display.view = Some(view);
    }
    if let Some(order) = q.coded::<CumulativeOrder>("order") {
        s.views.cumulative_order = order;
    }
    if let Some(by) = q.coded::<SubgroupBy>("by") {
        s.views.subgroup_by = by;
    }
    let moderators = livemeta_core::regression::moderator_names(dataset);
    let known_moderator = |m: &str| decode_component(m).filter(|m| moderators.contains(m));
    if let Some(moderator) = q.parse("mod", known_moderator, "not an attribute of these trials") {
        s.views.moderator = Some(moderator);
    }
    let attributes = dataset.attribute_names();
    let known_column = |c: &str| decode_component(c).filter(|c| attributes.contains(c));
    if let Some(column) = q.parse("col", known_column, "not an attribute of these trials") {
        s.views.subgroup_column = Some(column);
    }
    if let Some(family) = q.coded::<MultiverseFamily>("family") {
        s.views.multiverse_family = family;
    }
    s.views.fit_mixed = q.flag("mixed");
    if let Some(prior) =
        q.parse("prior", livemeta_core::likelihood::TauPrior::from_code, "not a prior such as hn:0.5 or hc:1")
    {
        s.views.tau_prior = prior;
    }
    if let Some(risk) = q.parse("acr", ControlRisk::from_code, "not pooled, median or a risk between 0 and 1") {
        s.views.control_risk = risk;
    }
    if let Some(threshold) = q.parse("mcid", Threshold::from_code, "not a threshold such as effect:0.8 or per1000:-50")
    {
        s.views.threshold = Some(threshold);
    }
    for a in TsaAssumptions::ALL {
        let share = |v: &str| v.parse::<f64>().ok().filter(|v| a.allows(*v));
        if let Some(v) = q.parse(a.key, share, &format!("not a share {}", a.range_in_words(1.0))) {
            (a.set)(&mut s.views.tsa, Some(v));
        }
    }
    if let Some(grade) = q.get("grade") {
        for cell in grade.split(',').filter(|c| !c.is_empty()) {
            match grade_cell(cell, dataset) {
                Some(g) if !s.views.grade.iter().any(|x| x.outcome == g.outcome && x.user.domain == g.user.domain) => {
                    s.views.grade.push(g)
                }
                Some(_) => q.ignore("grade", cell, "the same domain twice; the first kept"),
                None => q.ignore(
                    "grade",
                    cell,
                    "not outcome:domain:levels:reason with a known outcome, a GRADE domain and 0, 1 or 2 levels",
                ),
            }
        }
    }
    if let Some(typed) = q.get("typed") {
        for cell in typed.split(',').filter(|c| !c.is_empty()) {
            match entered_cell(cell, dataset) {
                Some(e) if !s.entered.cells.iter().any(|x| x.same_cell(&e)) => s.entered.cells.push(e),
                Some(_) => q.ignore("typed", cell, "the same cell twice; the first kept"),
                None => q.ignore("typed", cell, "not outcome:dose:trial:events:total:events:total (and a label) of a known trial, with events between 0 and the total"),
            }
        }
    }
    s.entered.used = !q.flag("typedoff");
    if let Some(layout) = q.coded::<ForestLayout>("layout") {
        s.views.forest.layout = layout;
    }
    if let Some(columns) = q.get("fcols") {
        for column in columns.split(',').filter(|c| !c.is_empty()) {
            let attribute = column.strip_prefix("a.").and_then(decode_component).filter(|a| attributes.contains(a));
            match (column, attribute) {
                ("rob", _) => s.views.forest.rob = true,
                ("weeks", _) => s.views.forest.follow_up = true,
                (_, Some(a)) if !s.views.forest.attributes.contains(&a) => s.views.forest.attributes.push(a),
                _ => q.ignore("fcols", column, "not rob, weeks or a. and an attribute of these trials"),
            }
        }
    }
    s.views.forest.reference_line = q.flag("refline");
    s.views.compare_models = q.flag("both");
    s.display.presenter = q.flag("presenter");
    s.display.predict = q.flag("predict");
    // A link to a view opens the methods it belongs to.
    s.display.all_methods = q.flag("methods") || s.display.view.is_some();
    (s, q.notes)
}

/// The notes from `decode` as one sentence for the page.
pub fn ignored_sentence(notes: &[String]) -> Option<String> {
    (!notes.is_empty()).then(|| format!("Ignored from the link: {}.", notes.join("; ")))
}

/// Steps a story link may hold at most.
pub const STORY_STEPS: usize = 200;

/// The story as a link parameter: each step's query, URI-encoded, comma-separated.
pub fn story_param(steps: &[Selection]) -> String {
    let steps: Vec<String> = steps.iter().map(|s| encode_component(encode(s).trim_start_matches('?'))).collect();
    format!("&story={}", steps.join(","))
}

/// The link's data parameters: a bundled set by id (none for the flagship), the user's CSV or
/// dataset compressed (`pack=`) while it fits, else a pointer to this browser's copy.
pub(super) fn data_param(source: &DataSource) -> String {
    let packed = match &source.origin {
        Origin::Bundled if source.dataset.id == DataSource::flagship().dataset.id => return String::new(),
        Origin::Bundled => return format!("&set={}", source.dataset.id),
        Origin::Csv(csv) => pack(&Packed::Csv(csv.to_string())),
        Origin::File => pack(&Packed::DatasetJson(source.dataset.to_json())),
    };
    packed.map_or_else(|| "&data=local".to_string(), |p| format!("&pack={p}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{DataSource, ForestStyle};

    #[test]
    fn a_link_reads_back_as_the_selection_it_was_written_from() {
        let data = DataSource::flagship();
        let mut s = Selection::for_outcome(&data.dataset, "herpes_infections");
        s.method.measure = Measure::OR;
        s.method.model = Model::Random(livemeta_core::Tau2Method::PauleMandel);
        s.method.ci_method = CiMethod::KnappHartung;
        s.method.prediction = Some(PredictionCritical::TKMinus1);
        s.scope.excluded = vec![data.dataset.trials[0].id.clone()];
        s.display.view = Some(SensitivityView::Cumulative);
        s.display.all_methods = true;
        s.views.cumulative_order = CumulativeOrder::Precision;
        s.views.control_risk = ControlRisk::Assumed(0.05);
        s.views.threshold = Some(Threshold::PerThousand(-20.0));
        s.rate(
            "herpes_infections",
            Domain::Indirectness,
            Some((Concern::Serious, "adults only: 50%, not 5,0; ok?".into())),
        );
        s.rate("skin_infections", Domain::Imprecision, Some((Concern::NotSerious, String::new())));
        s.views.forest = ForestStyle {
            layout: ForestLayout::Jama,
            rob: true,
            follow_up: true,
            attributes: data.dataset.attribute_names().into_iter().take(1).collect(),
            reference_line: true,
        };
        let (back, notes) = decode(&encode(&s), &data.dataset);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, s);
    }

    #[test]
    fn a_grade_rating_that_does_not_read_is_named() {
        let data = DataSource::flagship();
        let (s, notes) =
            decode("?grade=skin_infections:tone:1:x,nosuch:rob:1:x,skin_infections:rob:3:x", &data.dataset);
        assert!(s.views.grade.is_empty());
        assert_eq!(notes.len(), 3);
        assert!(notes[0].starts_with("grade=skin_infections:tone:1:x (not outcome:domain:levels:reason"));
    }

    #[test]
    fn every_assumption_and_ci_method_reads_back() {
        let data = DataSource::flagship();
        let mut s = Selection::for_outcome(&data.dataset, "");
        s.method.model = Model::Random(livemeta_core::Tau2Method::Reml);
        s.method.ci_method = CiMethod::KnappHartungAdhoc;
        s.views.tsa = TsaAssumptions {
            alpha: 0.01,
            power: 0.9,
            relative_risk_reduction: 0.3,
            control_risk: Some(0.1),
            diversity: Some(0.0),
        };
        let (back, notes) = decode(&encode(&s), &data.dataset);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(back, s);
        let (_, notes) = decode("?power=0.4&d2=1&knha=z", &data.dataset);
        assert_eq!(
            notes,
            [
                "knha=z (not 1 or adhoc)",
                "power=0.4 (not a share above 0.5 and below 1)",
                "d2=1 (not a share from 0 and below 1)"
            ]
        );
    }

    #[test]
    fn a_code_that_is_not_known_is_ignored_and_the_note_lists_the_codes() {
        let data = DataSource::flagship();
        let (s, notes) = decode("?measure=XX&pi=t9", &data.dataset);
        assert_eq!(s.method.measure, Selection::for_outcome(&data.dataset, "").method.measure);
        assert_eq!(notes, ["measure=XX (not RR, OR, RD, PETO or AS)", "pi=t9 (not z, t1 or t2)"]);
    }
}
