//! "Explain this number": for each number an analysis shows, its formula and the same formula
//! with the live values substituted, step by step, down to the number itself. The arithmetic
//! is done here, from the trials' tables and the analysis's tau², not copied from the
//! analysis, so a test can hold every explained number to the displayed one.
use crate::data::{StudyCounts, Table};
use crate::model::{corrected_tables, peto_terms, Measure, ZeroCellPolicy};
use crate::model::{generalised_q, Tau2Method};
use crate::model::{mantel_haenszel, peto, PooledCounts};
use crate::model::{Analysis, AnalysisOptions, CiMethod, I2From, Model, PredictionCritical, QCentre};
use crate::numerics::dist;
use crate::report;

/// A number the page shows. Trial numbers are indices into `Analysis::studies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    StudyEffect(usize),
    StudyLower(usize),
    StudyUpper(usize),
    StudyWeight(usize),
    Estimate,
    CiLower,
    CiUpper,
    Statistic,
    PValue,
    Q,
    I2,
    H2,
    Tau2,
    Tau2Lower,
    Tau2Upper,
    KnappHartungFactor,
    PredictionLower,
    PredictionUpper,
}

impl Quantity {
    /// The same kind of number for trial `index` (pooled numbers are left as they are).
    pub fn for_study(self, index: usize) -> Quantity {
        match self {
            Quantity::StudyEffect(_) => Quantity::StudyEffect(index),
            Quantity::StudyLower(_) => Quantity::StudyLower(index),
            Quantity::StudyUpper(_) => Quantity::StudyUpper(index),
            Quantity::StudyWeight(_) => Quantity::StudyWeight(index),
            other => other,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub title: String,
    pub formula: String,
    /// The formula with the live values, one line per step; the last ends in the number.
    pub steps: Vec<String>,
    /// The number as these steps compute it (display scale, as the page shows it).
    pub value: f64,
    /// The trials (indices into `Analysis::studies`) whose tables it comes from.
    pub inputs: Vec<usize>,
    /// Where the method is defined.
    pub reference: &'static str,
}

/// A value in a substituted formula: four decimals, or four significant digits when small.
fn num(x: f64) -> String {
    let text = if x != 0.0 && x.abs() < 1e-3 { format!("{x:.3e}") } else { format!("{x:.4}") };
    text.replace('-', "−")
}

/// A factor in a product: negative values in parentheses, "2·(−0.5)".
fn factor(x: f64) -> String {
    if x < 0.0 {
        format!("({})", num(x))
    } else {
        num(x)
    }
}

const HANDBOOK_EFFECTS: &str =
    "Cochrane Handbook, chapter 6 (effect measures for dichotomous outcomes); metafor escalc()";
const HANDBOOK_POOLING: &str =
    "Cochrane Handbook, section 10.3 (meta-analysis of dichotomous outcomes); metafor rma(), rma.mh(), rma.peto()";
const HANDBOOK_HETEROGENEITY: &str = "Cochrane Handbook, section 10.10 (heterogeneity); metafor rma() and confint()";

struct Context<'a> {
    options: &'a AnalysisOptions,
    a: &'a Analysis,
    measure: Measure,
    /// Estimable trials: (index, y, v).
    estimable: Vec<(usize, f64, f64)>,
    /// Each trial's table as its estimate sees it (corrected; raw for Peto's method).
    tables: Vec<Option<Table>>,
}

impl<'a> Context<'a> {
    fn new(studies: &[StudyCounts], options: &'a AnalysisOptions, a: &'a Analysis) -> Self {
        let estimable = a.studies.iter().enumerate().filter_map(|(i, s)| s.effect.map(|e| (i, e.yi, e.vi))).collect();
        let policy = match (options.model, options.measure) {
            (Model::CommonPeto, _) => ZeroCellPolicy { add: 0.0, ..options.zero_cells },
            (_, Measure::AS) => ZeroCellPolicy { add: 0.0, ..options.zero_cells },
            _ => options.zero_cells,
        };
        Context { options, a, measure: options.measure, estimable, tables: corrected_tables(studies, &policy) }
    }

    fn pooled_by_counts(&self) -> bool {
        matches!(self.a.model, Model::CommonMantelHaenszel | Model::CommonPeto)
    }

    /// The weights of inverse-variance pooling at the analysis's tau².
    fn weights(&self) -> Vec<(usize, f64)> {
        let tau2 = self.a.heterogeneity.tau2;
        self.estimable.iter().map(|&(i, _, v)| (i, 1.0 / (v + tau2))).collect()
    }

    fn display(&self, y: f64) -> f64 {
        self.measure.to_display(y)
    }

    /// "= exp(−0.1234) = 0.88" for ratios; nothing to add otherwise.
    fn back_transform(&self, y: f64) -> Option<String> {
        self.measure.is_ratio().then(|| format!("{} = exp({}) = {}", self.measure.label(), num(y), num(y.exp())))
    }

    /// The trials the pooled numbers come from: every table a Mantel-Haenszel or Peto pool
    /// holds (a table with no weight still adds to the sums), else the estimable ones.
    fn inputs(&self) -> Vec<usize> {
        if self.pooled_by_counts() {
            (0..self.tables.len()).filter(|&i| self.tables[i].is_some()).collect()
        } else {
            self.estimable.iter().map(|e| e.0).collect()
        }
    }

    fn pooled_tables(&self) -> Vec<Table> {
        self.inputs().iter().filter_map(|&i| self.tables[i]).collect()
    }

    /// The Mantel-Haenszel or Peto pool of the tables, as the analysis computed it: its
    /// weights and sums are the ones explained.
    fn pool_of_counts(&self) -> PooledCounts {
        if self.a.model == Model::CommonPeto {
            peto(&self.pooled_tables()).0
        } else {
            mantel_haenszel(&self.pooled_tables(), self.measure)
        }
    }

    /// The pooled estimate's standard error and how it was found.
    fn standard_error(&self) -> (f64, Vec<String>) {
        let p = &self.a.pooled;
        match self.a.model {
            Model::CommonMantelHaenszel => {
                let variance = match self.measure {
                    Measure::RR => "Greenland-Robins",
                    Measure::RD => "Sato, Greenland and Robins",
                    _ => "Robins-Breslow-Greenland",
                };
                let se = self.pool_of_counts().se;
                (se, vec![format!("SE = √(the {variance} variance of the Mantel-Haenszel estimate) = {}", num(se))])
            }
            Model::CommonPeto => {
                let sv = self.pool_of_counts().sums.1;
                (1.0 / sv.sqrt(), vec![format!("SE = √(1/ΣV) = √(1/{}) = {}", num(sv), num(1.0 / sv.sqrt()))])
            }
            _ => {
                let sw: f64 = self.weights().iter().map(|w| w.1).sum();
                match p.df {
                    Some(df) => {
                        let (factor, mut steps) = self.knapp_hartung_factor(df);
                        let se = (factor / sw).sqrt();
                        steps.push(format!("SE = √(q/Σw) = √({}/{}) = {}", num(factor), num(sw), num(se)));
                        (se, steps)
                    }
                    None => {
                        (1.0 / sw.sqrt(), vec![format!("SE = √(1/Σw) = √(1/{}) = {}", num(sw), num(1.0 / sw.sqrt()))])
                    }
                }
            }
        }
    }

    fn knapp_hartung_factor(&self, df: f64) -> (f64, Vec<String>) {
        let mu = self.a.pooled.y;
        let terms: Vec<f64> =
            self.weights().iter().zip(&self.estimable).map(|((_, w), &(_, y, _))| w * (y - mu).powi(2)).collect();
        let raw = terms.iter().sum::<f64>() / df;
        let mut steps = vec![format!("q = Σwᵢ(yᵢ − μ)²/(k − 1) = {}/{} = {}", num(terms.iter().sum()), df, num(raw))];
        let factor = if self.a.ci_method == CiMethod::KnappHartungAdhoc {
            steps.push(format!("modified: q = max(1, {}) = {}", num(raw), num(raw.max(1.0))));
            raw.max(1.0)
        } else {
            raw
        };
        (factor, steps)
    }

    fn critical(&self) -> (f64, String) {
        let level = self.options.level;
        match self.a.pooled.df {
            Some(df) => (dist::t_crit(level, df), format!("t({df}) quantile {}", num(dist::t_crit(level, df)))),
            None => (dist::z_crit(level), format!("z quantile {}", num(dist::z_crit(level)))),
        }
    }

    /// Q as this analysis computes it, and how.
    fn cochran_q(&self) -> (f64, Vec<String>, &'static str) {
        if self.a.model == Model::CommonPeto {
            let terms: Vec<(f64, f64)> = self.pooled_tables().iter().map(peto_terms).filter(|t| t.1 > 0.0).collect();
            let (s_oe, s_v, s_oe2) =
                terms.iter().fold((0.0, 0.0, 0.0), |(a, b, c), (oe, v)| (a + oe, b + v, c + oe * oe / v));
            let q = if self.estimable.len() < 2 { 0.0 } else { s_oe2 - s_oe * s_oe / s_v };
            return (
                q,
                vec![format!("Q = {} − {}²/{} = {}", num(s_oe2), num(s_oe), num(s_v), num(q))],
                "Q = Σ(O − E)²/V − (Σ(O − E))²/ΣV",
            );
        }
        let mh_centre = match self.a.model {
            Model::CommonMantelHaenszel | Model::RevManMhRandom => true,
            Model::Random(_) => {
                self.options.q_centre == QCentre::MantelHaenszel && Model::CommonMantelHaenszel.pools(self.measure)
            }
            _ => false,
        };
        let (centre, name) = if mh_centre {
            // The common Mantel-Haenszel model's own estimate; RevMan's from the estimable trials.
            let tables: Vec<Table> = if self.pooled_by_counts() {
                self.pooled_tables()
            } else {
                self.estimable.iter().filter_map(|&(i, ..)| self.tables[i]).collect()
            };
            (mantel_haenszel(&tables, self.measure).estimate, "the Mantel-Haenszel estimate")
        } else {
            let (sw, swy) = self.estimable.iter().fold((0.0, 0.0), |(a, b), &(_, y, v)| (a + 1.0 / v, b + y / v));
            (swy / sw, "the inverse-variance common estimate")
        };
        let terms: Vec<f64> = self.estimable.iter().map(|&(_, y, v)| (y - centre).powi(2) / v).collect();
        let q = if self.estimable.len() < 2 { 0.0 } else { terms.iter().sum() };
        let shown: Vec<String> = terms.iter().take(8).map(|t| num(*t)).collect();
        let more = if terms.len() > 8 { format!(" + … ({} terms)", terms.len()) } else { String::new() };
        let steps = vec![
            format!("centre ȳ = {name} = {}", num(centre)),
            format!("Q = {}{more} = {}", shown.join(" + "), num(q)),
        ];
        (q, steps, "Q = Σ(yᵢ − ȳ)²/vᵢ")
    }

    /// The typical within-trial variance s² of Higgins and Thompson, as metafor computes it.
    fn typical_variance(&self) -> (f64, String) {
        let (sw, sw2) = self.estimable.iter().fold((0.0, 0.0), |(a, b), &(.., v)| (a + 1.0 / v, b + 1.0 / (v * v)));
        let k = self.estimable.len() as f64;
        let s2 = (k - 1.0) * sw / (sw * sw - sw2);
        (
            s2,
            format!(
                "s² = (k − 1)Σwᵢ/((Σwᵢ)² − Σwᵢ²) = {}·{}/({}² − {}) = {}",
                k - 1.0,
                num(sw),
                num(sw),
                num(sw2),
                num(s2)
            ),
        )
    }

    fn i2_from_q(&self) -> bool {
        !self.a.model.is_random() || self.a.model == Model::RevManMhRandom || self.options.i2_from == I2From::Q
    }
}

/// The explanation of one number of `analysis`, which `analyze(studies, options)` returned;
/// `None` when the analysis does not show that number.
pub fn explain(
    studies: &[StudyCounts],
    options: &AnalysisOptions,
    analysis: &Analysis,
    quantity: Quantity,
) -> Option<Explanation> {
    let cx = Context::new(studies, options, analysis);
    let a = analysis;
    let m = cx.measure;
    let k = cx.estimable.len();
    let h = &a.heterogeneity;
    let explained =
        |title: String, formula: &str, steps: Vec<String>, value: f64, inputs: Vec<usize>, reference: &'static str| {
            Some(Explanation { title, formula: formula.to_string(), steps, value, inputs, reference })
        };
    match quantity {
        Quantity::StudyEffect(i) | Quantity::StudyLower(i) | Quantity::StudyUpper(i) => {
            let s = a.studies.get(i)?;
            let e = s.effect?;
            let t = cx.tables[i]?;
            let (formula, mut steps) = study_effect_steps(&t, m, a.model == Model::CommonPeto);
            let (title, value) = if let Quantity::StudyEffect(_) = quantity {
                steps.extend(cx.back_transform(e.yi));
                (format!("{}: {}", s.label, m.label()), cx.display(e.yi))
            } else {
                let lower = quantity == Quantity::StudyLower(i);
                let z = dist::z_crit(options.level);
                steps.push(variance_step(&t, m, a.model == Model::CommonPeto, e.vi));
                let (sign, bound) = if lower { ("−", e.yi - z * e.vi.sqrt()) } else { ("+", e.yi + z * e.vi.sqrt()) };
                steps.push(format!(
                    "{} {sign} {}·√v = {} {sign} {}·{} = {}",
                    num(e.yi),
                    num(z),
                    num(e.yi),
                    num(z),
                    num(e.vi.sqrt()),
                    num(bound)
                ));
                steps.extend(cx.back_transform(bound));
                (format!("{}: {} CI bound", s.label, if lower { "lower" } else { "upper" }), cx.display(bound))
            };
            let formula = if matches!(quantity, Quantity::StudyEffect(_)) {
                formula
            } else {
                format!("y ± z·√v, with {formula}")
            };
            explained(title, &formula, steps, value, vec![i], HANDBOOK_EFFECTS)
        }
        Quantity::StudyWeight(i) => {
            let s = a.studies.get(i)?;
            s.weight_percent?;
            let (formula, w, total, steps) = match a.model {
                Model::CommonMantelHaenszel | Model::CommonPeto => {
                    let t = cx.tables[i]?;
                    let weights = cx.pool_of_counts().weights;
                    let w = weights[cx.inputs().iter().position(|&j| j == i)?];
                    let formula = match (a.model, m) {
                        (Model::CommonPeto, _) => "wᵢ = Vᵢ = n₁n₂(a + c)(b + d)/(N²(N − 1))",
                        (_, Measure::RR) => "wᵢ = cᵢn₁ᵢ/Nᵢ (Mantel-Haenszel)",
                        (_, Measure::RD) => "wᵢ = n₁ᵢn₂ᵢ/Nᵢ (Mantel-Haenszel)",
                        _ => "wᵢ = bᵢcᵢ/Nᵢ (Mantel-Haenszel)",
                    };
                    (formula, w, weights.iter().sum(), vec![format!("{} = {}", table_text(&t), num(w))])
                }
                _ => {
                    let e = s.effect?;
                    let tau2 = h.tau2;
                    let w = 1.0 / (e.vi + tau2);
                    let total: f64 = cx.weights().iter().map(|w| w.1).sum();
                    let (formula, step) = if a.model.is_random() {
                        ("wᵢ = 1/(vᵢ + τ²)", format!("w = 1/({} + {}) = {}", num(e.vi), num(tau2), num(w)))
                    } else {
                        ("wᵢ = 1/vᵢ", format!("w = 1/{} = {}", num(e.vi), num(w)))
                    };
                    (formula, w, total, vec![step])
                }
            };
            let mut steps = steps;
            let percent = 100.0 * w / total;
            steps.push(format!("{} / Σw = {} / {} = {}%", num(w), num(w), num(total), num(percent)));
            explained(format!("{}: weight", s.label), formula, steps, percent, vec![i], HANDBOOK_POOLING)
        }
        Quantity::Estimate | Quantity::CiLower | Quantity::CiUpper | Quantity::Statistic | Quantity::PValue => {
            let (mu, formula, mut steps) = pooled_steps(&cx);
            if quantity == Quantity::Estimate {
                steps.extend(cx.back_transform(mu));
                return explained(
                    format!("Pooled {}", m.label()),
                    &formula,
                    steps,
                    cx.display(mu),
                    cx.inputs(),
                    HANDBOOK_POOLING,
                );
            }
            let (se, se_steps) = cx.standard_error();
            steps.extend(se_steps);
            let statistic = mu / se;
            let name = if a.pooled.df.is_some() { "t" } else { "z" };
            match quantity {
                Quantity::Statistic => {
                    steps.push(format!("{name} = μ/SE = {}/{} = {}", num(mu), num(se), num(statistic)));
                    explained(
                        format!("Test statistic {name}"),
                        &format!("{name} = μ/SE"),
                        steps,
                        statistic,
                        cx.inputs(),
                        HANDBOOK_POOLING,
                    )
                }
                Quantity::PValue => {
                    let p = match a.pooled.df {
                        Some(df) => dist::t_two_sided_p(statistic, df),
                        None => dist::z_two_sided_p(statistic),
                    };
                    steps.push(format!("{name} = μ/SE = {}/{} = {}", num(mu), num(se), num(statistic)));
                    let dist_name =
                        a.pooled.df.map_or("the standard normal".to_string(), |df| format!("t with {df} df"));
                    steps.push(format!(
                        "P = 2 × P({} > |{}|) under {dist_name} = {}",
                        name,
                        num(statistic),
                        report::p_value(p)
                    ));
                    explained(
                        "P value of the pooled effect".into(),
                        "P = 2(1 − F(|statistic|))",
                        steps,
                        p,
                        cx.inputs(),
                        HANDBOOK_POOLING,
                    )
                }
                _ => {
                    let (crit, crit_text) = cx.critical();
                    let lower = quantity == Quantity::CiLower;
                    let (sign, bound) = if lower { ("−", mu - crit * se) } else { ("+", mu + crit * se) };
                    steps.push(format!(
                        "μ {sign} {crit_text} × SE = {} {sign} {}·{} = {}",
                        num(mu),
                        num(crit),
                        num(se),
                        num(bound)
                    ));
                    steps.extend(cx.back_transform(bound));
                    let title =
                        format!("{} bound of the pooled {}'s 95% CI", if lower { "Lower" } else { "Upper" }, m.label());
                    explained(title, "μ ± critical value × SE", steps, cx.display(bound), cx.inputs(), HANDBOOK_POOLING)
                }
            }
        }
        Quantity::Q => {
            let (q, steps, formula) = cx.cochran_q();
            explained("Cochran's Q".into(), formula, steps, q, cx.inputs(), HANDBOOK_HETEROGENEITY)
        }
        Quantity::I2 | Quantity::H2 if k < 2 => None,
        Quantity::I2 | Quantity::H2 => {
            let i2 = quantity == Quantity::I2;
            let (title, formula, steps, value) = if cx.i2_from_q() {
                let (q, steps, _) = cx.cochran_q();
                let df = (k - 1) as f64;
                let value = if i2 { (100.0 * (q - df) / q).max(0.0) } else { q / df };
                let last = if i2 {
                    format!("I² = max(0, ({} − {df})/{}) = {}%", num(q), num(q), num(value))
                } else {
                    format!("H² = Q/df = {}/{df} = {}", num(q), num(value))
                };
                let formula = if i2 { "I² = max(0, (Q − df)/Q), from Q" } else { "H² = Q/df" };
                (if i2 { "I²" } else { "H²" }, formula, [steps, vec![last]].concat(), value)
            } else {
                let (s2, step) = cx.typical_variance();
                let tau2 = h.tau2;
                let value = if i2 { 100.0 * tau2 / (tau2 + s2) } else { (tau2 + s2) / s2 };
                let last = if i2 {
                    format!("I² = τ²/(τ² + s²) = {}/({} + {}) = {}%", num(tau2), num(tau2), num(s2), num(value))
                } else {
                    format!("H² = (τ² + s²)/s² = ({} + {})/{} = {}", num(tau2), num(s2), num(s2), num(value))
                };
                let formula = if i2 {
                    "I² = τ²/(τ² + s²), from τ² with the typical within-trial variance s²"
                } else {
                    "H² = (τ² + s²)/s²"
                };
                (if i2 { "I²" } else { "H²" }, formula, vec![step, last], value)
            };
            explained(title.into(), formula, steps, value, cx.inputs(), HANDBOOK_HETEROGENEITY)
        }
        Quantity::Tau2 if !a.model.is_random() => None,
        Quantity::Tau2 => {
            let (formula, steps, value) = tau2_steps(&cx)?;
            explained(
                "τ², the between-trial variance".into(),
                &formula,
                steps,
                value,
                cx.inputs(),
                HANDBOOK_HETEROGENEITY,
            )
        }
        Quantity::Tau2Lower | Quantity::Tau2Upper => {
            let ci = h.tau2_ci?;
            let lower = quantity == Quantity::Tau2Lower;
            let bound = if lower { ci.lower } else { ci.upper };
            let df = (k - 1) as f64;
            let p = if lower { 1.0 - (1.0 - options.level) / 2.0 } else { (1.0 - options.level) / 2.0 };
            let target = dist::chi2_quantile(p, df);
            let (y, v): (Vec<f64>, Vec<f64>) = cx.estimable.iter().map(|&(_, y, v)| (y, v)).unzip();
            let at = generalised_q(&y, &v, bound).1;
            let steps = if bound == 0.0 && at < target {
                vec![
                    format!("χ²({df}) quantile {p} = {}", num(target)),
                    format!("Q(0) = {} is below it already, so the bound is 0", num(at)),
                ]
            } else {
                vec![
                    format!("χ²({df}) quantile {} = {}", num(p), num(target)),
                    format!("Q(τ²) = Σ(yᵢ − μ(τ²))²/(vᵢ + τ²) = {} at τ² = {}", num(at), num(bound)),
                ]
            };
            let title = format!("{} bound of τ²'s 95% CI (Q-profile)", if lower { "Lower" } else { "Upper" });
            explained(
                title,
                "the τ² at which the generalised Q equals a χ²(k − 1) quantile",
                steps,
                bound,
                cx.inputs(),
                "Viechtbauer 2007; Cochrane Handbook 10.10.4; metafor confint(type = \"QP\")",
            )
        }
        Quantity::KnappHartungFactor => {
            let df = a.pooled.df?;
            let (factor, steps) = cx.knapp_hartung_factor(df);
            explained(
                "Knapp-Hartung factor q".into(),
                "q = Σwᵢ(yᵢ − μ)²/(k − 1)",
                steps,
                factor,
                cx.inputs(),
                "Hartung & Knapp 2001; Cochrane Handbook 10.10.4.2; metafor rma(test = \"knha\")",
            )
        }
        Quantity::PredictionLower | Quantity::PredictionUpper => {
            a.prediction?;
            let (se, _) = cx.standard_error();
            let mu = a.pooled.y;
            let (crit, crit_name) = match options.prediction {
                PredictionCritical::Z => (dist::z_crit(options.level), "z".to_string()),
                PredictionCritical::TKMinus1 if k >= 2 => {
                    (dist::t_crit(options.level, (k - 1) as f64), format!("t({})", k - 1))
                }
                PredictionCritical::TKMinus1 => (dist::z_crit(options.level), "z".to_string()),
                PredictionCritical::TKMinus2 => (dist::t_crit(options.level, (k - 2) as f64), format!("t({})", k - 2)),
            };
            let half = crit * (h.tau2 + se * se).sqrt();
            let lower = quantity == Quantity::PredictionLower;
            let (sign, bound) = if lower { ("−", mu - half) } else { ("+", mu + half) };
            let mut steps = vec![format!(
                "μ {sign} {crit_name} quantile × √(τ² + SE²) = {} {sign} {}·√({} + {}²) = {}",
                num(mu),
                num(crit),
                num(h.tau2),
                num(se),
                num(bound)
            )];
            steps.extend(cx.back_transform(bound));
            let title = format!("{} bound of the 95% prediction interval", if lower { "Lower" } else { "Upper" });
            explained(
                title,
                "μ ± critical value × √(τ² + SE²)",
                steps,
                cx.display(bound),
                cx.inputs(),
                "Higgins, Thompson & Spiegelhalter 2009; Cochrane Handbook 10.10.4.3; metafor predict()",
            )
        }
    }
}

fn table_text(t: &Table) -> String {
    format!("a = {}, b = {}, c = {}, d = {}", num_count(t.a), num_count(t.b), num_count(t.c), num_count(t.d))
}

/// Counts as whole numbers, corrected counts with their half.
fn num_count(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

fn study_effect_steps(t: &Table, m: Measure, peto: bool) -> (String, Vec<String>) {
    let (n1, n2) = (t.n1(), t.n2());
    let mut steps = vec![format!("{} (n₁ = {}, n₂ = {})", table_text(t), num_count(n1), num_count(n2))];
    let formula = if peto || m == Measure::PetoOR {
        let (oe, v) = peto_terms(t);
        steps.push(format!(
            "O − E = a − n₁(a + c)/N = {} − {}·{}/{} = {}",
            num_count(t.a),
            num_count(n1),
            num_count(t.a + t.c),
            num_count(t.n()),
            num(oe)
        ));
        steps.push(format!("V = {}; y = (O − E)/V = {}", num(v), num(oe / v)));
        "ln OR = (O − E)/V (Peto)".to_string()
    } else {
        match m {
            Measure::RR => {
                let y = (t.a / n1).ln() - (t.c / n2).ln();
                steps.push(format!(
                    "y = ln[(a/n₁)/(c/n₂)] = ln[({}/{})/({}/{})] = {}",
                    num_count(t.a),
                    num_count(n1),
                    num_count(t.c),
                    num_count(n2),
                    num(y)
                ));
                "ln RR = ln[(a/n₁)/(c/n₂)]".into()
            }
            Measure::OR => {
                let y = (t.a * t.d / (t.b * t.c)).ln();
                steps.push(format!(
                    "y = ln[(a·d)/(b·c)] = ln[({}·{})/({}·{})] = {}",
                    num_count(t.a),
                    num_count(t.d),
                    num_count(t.b),
                    num_count(t.c),
                    num(y)
                ));
                "ln OR = ln[(a·d)/(b·c)]".into()
            }
            Measure::RD => {
                let y = t.a / n1 - t.c / n2;
                steps.push(format!(
                    "RD = a/n₁ − c/n₂ = {}/{} − {}/{} = {}",
                    num_count(t.a),
                    num_count(n1),
                    num_count(t.c),
                    num_count(n2),
                    num(y)
                ));
                "RD = a/n₁ − c/n₂".into()
            }
            Measure::AS | Measure::PetoOR => {
                let y = (t.a / n1).sqrt().asin() - (t.c / n2).sqrt().asin();
                steps.push(format!(
                    "AS = asin√(a/n₁) − asin√(c/n₂) = asin√({}/{}) − asin√({}/{}) = {}",
                    num_count(t.a),
                    num_count(n1),
                    num_count(t.c),
                    num_count(n2),
                    num(y)
                ));
                "AS = arcsin√(a/n₁) − arcsin√(c/n₂)".into()
            }
        }
    };
    (formula, steps)
}

fn variance_step(t: &Table, m: Measure, peto: bool, vi: f64) -> String {
    let (n1, n2) = (t.n1(), t.n2());
    if peto || m == Measure::PetoOR {
        return format!("v = 1/V = {}", num(vi));
    }
    match m {
        Measure::RR => format!(
            "v = 1/a − 1/n₁ + 1/c − 1/n₂ = 1/{} − 1/{} + 1/{} − 1/{} = {}",
            num_count(t.a),
            num_count(n1),
            num_count(t.c),
            num_count(n2),
            num(vi)
        ),
        Measure::OR => format!("v = 1/a + 1/b + 1/c + 1/d = {}", num(vi)),
        Measure::RD => format!("v = p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂ = {}", num(vi)),
        _ => format!("v = 1/(4n₁) + 1/(4n₂) = 1/{} + 1/{} = {}", num_count(4.0 * n1), num_count(4.0 * n2), num(vi)),
    }
}

/// The pooled estimate on the analysis scale, its formula and the substituted steps.
fn pooled_steps(cx: &Context) -> (f64, String, Vec<String>) {
    let m = cx.measure;
    match cx.a.model {
        Model::CommonMantelHaenszel => {
            let (r, s) = cx.pool_of_counts().sums;
            let formula = match m {
                Measure::RR => "ln RR_MH = ln[Σ(aᵢn₂ᵢ/Nᵢ) / Σ(cᵢn₁ᵢ/Nᵢ)]",
                Measure::RD => "RD_MH = Σ((aᵢn₂ᵢ − cᵢn₁ᵢ)/Nᵢ) / Σ(n₁ᵢn₂ᵢ/Nᵢ)",
                _ => "ln OR_MH = ln[Σ(aᵢdᵢ/Nᵢ) / Σ(bᵢcᵢ/Nᵢ)]",
            };
            let mu = if m == Measure::RD { r / s } else { (r / s).ln() };
            let step = if m == Measure::RD {
                format!("= {}/{} = {}", num(r), num(s), num(mu))
            } else {
                format!("= ln({}/{}) = {}", num(r), num(s), num(mu))
            };
            (mu, formula.into(), vec![format!("{} tables", cx.inputs().len()), step])
        }
        Model::CommonPeto => {
            let (s_oe, s_v) = cx.pool_of_counts().sums;
            (
                s_oe / s_v,
                "ln OR = Σ(Oᵢ − Eᵢ)/ΣVᵢ (Peto)".into(),
                vec![format!("= {}/{} = {}", num(s_oe), num(s_v), num(s_oe / s_v))],
            )
        }
        _ => {
            let weights = cx.weights();
            let (sw, swy) =
                weights.iter().zip(&cx.estimable).fold((0.0, 0.0), |(a, b), ((_, w), &(_, y, _))| (a + w, b + w * y));
            let mu = swy / sw;
            let weight = if cx.a.model.is_random() {
                format!("wᵢ = 1/(vᵢ + τ²), τ² = {}", num(cx.a.heterogeneity.tau2))
            } else {
                "wᵢ = 1/vᵢ".into()
            };
            let terms: Vec<String> = weights
                .iter()
                .zip(&cx.estimable)
                .take(6)
                .map(|((_, w), &(_, y, _))| format!("{}·{}", num(*w), factor(y)))
                .collect();
            let more = if weights.len() > 6 { " + …" } else { "" };
            (
                mu,
                "μ = Σwᵢyᵢ / Σwᵢ".into(),
                vec![
                    weight,
                    format!("= ({}{more}) / {} = {}/{} = {}", terms.join(" + "), num(sw), num(swy), num(sw), num(mu)),
                ],
            )
        }
    }
}

/// τ² by the analysis's estimator: the closed forms substituted; for the iterative estimators,
/// the equation the estimate solves, evaluated at it.
fn tau2_steps(cx: &Context) -> Option<(String, Vec<String>, f64)> {
    let k = cx.estimable.len() as f64;
    let (y, v): (Vec<f64>, Vec<f64>) = cx.estimable.iter().map(|&(_, y, v)| (y, v)).unzip();
    let tau2 = cx.a.heterogeneity.tau2;
    if k < 2.0 {
        return Some((
            "τ² = 0 with one trial".into(),
            vec!["one trial carries no information on heterogeneity: τ² = 0".into()],
            0.0,
        ));
    }
    let method = match cx.a.model {
        Model::Random(m) => m,
        _ => Tau2Method::DerSimonianLaird,
    };
    let truncated = |raw: f64, mut steps: Vec<String>| {
        steps.push(if raw < 0.0 { format!("{} < 0, so τ² = 0", num(raw)) } else { format!("τ² = {}", num(raw)) });
        (steps, raw.max(0.0))
    };
    Some(match method {
        Tau2Method::DerSimonianLaird => {
            let (q, mut steps, _) = cx.cochran_q();
            let (sw, sw2) = v.iter().fold((0.0, 0.0), |(a, b), v| (a + 1.0 / v, b + 1.0 / (v * v)));
            let c = sw - sw2 / sw;
            let raw = (q - (k - 1.0)) / c;
            steps.push(format!("C = Σwᵢ − Σwᵢ²/Σwᵢ = {} − {}/{} = {}", num(sw), num(sw2), num(sw), num(c)));
            steps.push(format!("(Q − (k − 1))/C = ({} − {})/{} = {}", num(q), k - 1.0, num(c), num(raw)));
            let (steps, value) = truncated(raw, steps);
            ("τ² = max(0, (Q − (k − 1))/C) (DerSimonian-Laird)".into(), steps, value)
        }
        Tau2Method::Hedges => {
            let mean = y.iter().sum::<f64>() / k;
            let s2 = y.iter().map(|yi| (yi - mean).powi(2)).sum::<f64>() / (k - 1.0);
            let mean_v = v.iter().sum::<f64>() / k;
            let raw = s2 - mean_v;
            let (steps, value) = truncated(
                raw,
                vec![format!("Σ(yᵢ − ȳ)²/(k − 1) − Σvᵢ/k = {} − {} = {}", num(s2), num(mean_v), num(raw))],
            );
            ("τ² = max(0, Σ(yᵢ − ȳ)²/(k − 1) − Σvᵢ/k) (Hedges)".into(), steps, value)
        }
        Tau2Method::SidikJonkman => {
            let mean = y.iter().sum::<f64>() / k;
            let start = y.iter().map(|yi| (yi - mean).powi(2)).sum::<f64>() / k;
            let q = generalised_q(&y, &v, start).1;
            let value = start * q / (k - 1.0);
            let steps = vec![
                format!("τ₀² = Σ(yᵢ − ȳ)²/k = {}", num(start)),
                format!("τ² = τ₀²·Q(τ₀²)/(k − 1) = {}·{}/{} = {}", num(start), num(q), k - 1.0, num(value)),
            ];
            ("τ² = τ₀²·Σ(yᵢ − μ)²/(vᵢ + τ₀²)/(k − 1) (Sidik-Jonkman)".into(), steps, value)
        }
        Tau2Method::PauleMandel | Tau2Method::EmpiricalBayes => {
            let q = generalised_q(&y, &v, tau2).1;
            let steps = if tau2 == 0.0 {
                vec![format!("Q(0) = {} ≤ k − 1 = {}, so τ² = 0", num(q), k - 1.0)]
            } else {
                vec![format!(
                    "solved iteratively: at τ² = {}, Q(τ²) = Σ(yᵢ − μ)²/(vᵢ + τ²) = {} = k − 1",
                    num(tau2),
                    num(q)
                )]
            };
            (format!("τ² solves Σ(yᵢ − μ(τ²))²/(vᵢ + τ²) = k − 1 ({})", method.name()), steps, tau2)
        }
        Tau2Method::Reml | Tau2Method::MaximumLikelihood => {
            // At the estimate, tau² = Σwᵢ²((yᵢ − μ)² − vᵢ)/Σwᵢ² (+ 1/Σwᵢ for REML).
            let reml = method == Tau2Method::Reml;
            let w: Vec<f64> = v.iter().map(|vi| 1.0 / (vi + tau2)).collect();
            let sw: f64 = w.iter().sum();
            let mu = w.iter().zip(&y).map(|(w, y)| w * y).sum::<f64>() / sw;
            let sw2: f64 = w.iter().map(|w| w * w).sum();
            let num_sum: f64 = w.iter().zip(&y).zip(&v).map(|((w, y), v)| w * w * ((y - mu).powi(2) - v)).sum();
            let raw = num_sum / sw2 + if reml { 1.0 / sw } else { 0.0 };
            let formula = if reml {
                "τ² = Σwᵢ²((yᵢ − μ)² − vᵢ)/Σwᵢ² + 1/Σwᵢ, wᵢ = 1/(vᵢ + τ²) (REML, solved iteratively)"
            } else {
                "τ² = Σwᵢ²((yᵢ − μ)² − vᵢ)/Σwᵢ², wᵢ = 1/(vᵢ + τ²) (ML, solved iteratively)"
            };
            let extra = if reml { format!(" + 1/{}", num(sw)) } else { String::new() };
            let mut steps = vec![format!(
                "at τ² = {}: μ = {}; {}/{}{extra} = {}",
                num(tau2),
                num(mu),
                num(num_sum),
                num(sw2),
                num(raw)
            )];
            if raw <= 0.0 || tau2 < 1e-10 {
                // The likelihood is largest at the boundary; the iterations stop at (or within
                // 1e-12 of) zero.
                steps.push(format!(
                    "the equation gives {} ≤ 0 near τ² = 0: the estimate is at the boundary, τ² = {}",
                    num(raw),
                    num(tau2)
                ));
                (formula.into(), steps, tau2)
            } else {
                steps.push(format!("the equation returns the τ² it was given: τ² = {}", num(raw)));
                (formula.into(), steps, raw)
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::analyze;
    use crate::model::Coded;

    fn trials() -> Vec<StudyCounts> {
        [
            [12, 100, 20, 98],
            [3, 40, 9, 42],
            [30, 210, 28, 205],
            [0, 25, 4, 26],
            [0, 30, 0, 31],
            [8, 60, 19, 61],
            [40, 90, 38, 88],
        ]
        .iter()
        .enumerate()
        .map(|(i, r)| StudyCounts::new(format!("T{i}"), r[0], r[1], r[2], r[3]))
        .collect()
    }

    /// Every number the analysis shows, with the value the page displays.
    fn shown_numbers(a: &Analysis, pi_shown: bool) -> Vec<(Quantity, f64)> {
        let mut out = Vec::new();
        for (i, s) in a.studies.iter().enumerate() {
            if let Some((e, l, u)) = s.estimate_with_ci() {
                out.extend([(Quantity::StudyEffect(i), e), (Quantity::StudyLower(i), l), (Quantity::StudyUpper(i), u)]);
            }
            if let Some(w) = s.weight_percent {
                out.push((Quantity::StudyWeight(i), w));
            }
        }
        let (p, h) = (&a.pooled, &a.heterogeneity);
        out.extend([
            (Quantity::Estimate, p.estimate),
            (Quantity::CiLower, p.ci_lower),
            (Quantity::CiUpper, p.ci_upper),
            (Quantity::Statistic, p.statistic),
            (Quantity::PValue, p.p_value),
            (Quantity::Q, h.q),
        ]);
        if a.k >= 2 {
            out.extend([(Quantity::I2, h.i2.unwrap()), (Quantity::H2, h.h2.unwrap())]);
        }
        if a.model.is_random() {
            out.push((Quantity::Tau2, h.tau2));
        }
        if let Some(ci) = h.tau2_ci {
            out.extend([(Quantity::Tau2Lower, ci.lower), (Quantity::Tau2Upper, ci.upper)]);
        }
        if let Some(factor) = a.knapp_hartung_factor() {
            out.push((Quantity::KnappHartungFactor, factor));
        }
        if let (true, Some(pi)) = (pi_shown, a.prediction) {
            out.extend([(Quantity::PredictionLower, pi.lower), (Quantity::PredictionUpper, pi.upper)]);
        }
        out
    }

    #[test]
    fn every_explained_number_equals_the_displayed_one_for_every_model_and_measure() {
        use crate::model::{CiMethod, I2From, QCentre};
        let sets = [trials(), trials()[..2].to_vec(), trials()[3..5].to_vec(), trials()[2..3].to_vec()];
        let mut models =
            vec![Model::CommonInverseVariance, Model::CommonMantelHaenszel, Model::CommonPeto, Model::RevManMhRandom];
        models.extend(Tau2Method::ALL.iter().copied().map(Model::Random));
        let mut checked = 0;
        for studies in &sets {
            for model in &models {
                for measure in Measure::ALL.iter().copied().filter(|m| model.pools(*m)) {
                    for (ci_method, prediction, q_centre, i2_from) in [
                        (CiMethod::Wald, PredictionCritical::Z, QCentre::InverseVariance, I2From::Tau2),
                        (CiMethod::KnappHartung, PredictionCritical::TKMinus2, QCentre::MantelHaenszel, I2From::Q),
                        (
                            CiMethod::KnappHartungAdhoc,
                            PredictionCritical::TKMinus1,
                            QCentre::InverseVariance,
                            I2From::Q,
                        ),
                    ] {
                        let options = AnalysisOptions {
                            measure,
                            model: *model,
                            ci_method,
                            prediction,
                            q_centre,
                            i2_from,
                            ..AnalysisOptions::default()
                        }
                        .with_model(*model);
                        let options = AnalysisOptions {
                            ci_method: if model.is_random() { ci_method } else { CiMethod::Wald },
                            ..options
                        };
                        let Ok(a) = analyze(studies, &options) else { continue };
                        for (quantity, shown) in shown_numbers(&a, true) {
                            let e = explain(studies, &options, &a, quantity)
                                .unwrap_or_else(|| panic!("{quantity:?} not explained under {options:?}"));
                            let agrees = (e.value - shown).abs() <= 1e-9 * shown.abs().max(1.0)
                                || (e.value.is_nan() && shown.is_nan());
                            assert!(
                                agrees,
                                "{quantity:?} under {options:?}: explained {}, shown {shown}\n{:#?}",
                                e.value, e
                            );
                            assert!(!e.steps.is_empty() && !e.formula.is_empty());
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 5_000, "only {checked} numbers");
    }

    #[test]
    fn a_random_effects_weight_is_spelled_out() {
        let studies = trials();
        let options =
            AnalysisOptions { model: Model::Random(Tau2Method::DerSimonianLaird), ..AnalysisOptions::default() };
        let a = analyze(&studies, &options).unwrap();
        let e = explain(&studies, &options, &a, Quantity::StudyWeight(0)).unwrap();
        assert_eq!(e.formula, "wᵢ = 1/(vᵢ + τ²)");
        assert!(e.steps[0].starts_with("w = 1/(0.1"), "{:?}", e.steps);
        assert!((e.value - a.studies[0].weight_percent.unwrap()).abs() < 1e-9);
        assert_eq!(e.inputs, vec![0]);
    }
}
