//! Trial sequential analysis (Wetterslev, Thorlund, Brok and Gluud 2008), with the conventions
//! of the Copenhagen Trial Unit's TSA software as its R port (RTSA) keeps them:
//! - the required information size (RIS) is the total number of participants a single trial
//!   would need to detect the assumed relative risk reduction with the given alpha and power,
//!   4 (z[1-alpha/2] + z[1-beta])^2 p(1-p) / (pC - pE)^2 with p = (pC + pE)/2, inflated by
//!   1/(1 - D^2) for heterogeneity (D^2, the diversity, of Wetterslev et al. 2009);
//! - each trial, in publication order, is an interim look at information fraction
//!   participants/RIS (capped at 1), except a trial that adds no more than 1% of the RIS;
//! - two-sided symmetric boundaries from the Lan-DeMets O'Brien-Fleming-type spending function,
//!   alpha/2 spent on each side: 2 - 2 Phi(z[1-alpha/4] / sqrt(t)) per side;
//! - the TSA-adjusted CI is the pooled estimate +- the boundary at the last look x its SE.
//!
//! The boundaries are found by recursive numerical integration (Armitage, McPherson and Rowe
//! 1969; Jennison and Turnbull 2000, ch. 19) on the score scale, with Simpson's rule on a grid
//! fine enough for 1e-7 (checked against a separate R integration and rpact in
//! tests/metafor_crosscheck/sensitivity.rs).
use crate::data::StudyCounts;
use crate::error::EngineError;
use crate::model::{analyze, Analysis, AnalysisOptions};
use crate::numerics::dist;
use serde::Serialize;
use statrs::function::erf::{erfc, erfc_inv};

/// A trial that adds no more than this share of the RIS is not a look (the TSA software's rule).
pub const LOOK_MIN_INCREMENT: f64 = 0.01;

/// What the RIS assumes. Defaults: alpha 5%, power 80%, a 20% relative risk reduction, the
/// control risk and the diversity of the trials analysed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TsaAssumptions {
    pub alpha: f64,
    pub power: f64,
    pub relative_risk_reduction: f64,
    /// `None`: the pooled control-arm risk of the trials analysed.
    pub control_risk: Option<f64>,
    /// `None`: D^2 of the analysis (0 for a common-effect model).
    pub diversity: Option<f64>,
}

impl Default for TsaAssumptions {
    fn default() -> Self {
        TsaAssumptions { alpha: 0.05, power: 0.8, relative_risk_reduction: 0.2, control_risk: None, diversity: None }
    }
}

/// One assumption of the required information size, defined once for the page's inputs and
/// the link: its key, its label and the shares it may take.
#[derive(Clone, Copy)]
pub struct TsaAssumption {
    pub key: &'static str,
    pub label: &'static str,
    /// The shares allowed lie above `low` (or at it, where `low_allowed`) and below `high`.
    pub low: f64,
    pub high: f64,
    pub low_allowed: bool,
    /// Whether it may be left to the data (`None`): the control risk and D².
    pub from_data: bool,
    pub get: fn(&TsaAssumptions) -> Option<f64>,
    /// Sets the value; `None` leaves it to the data, or changes nothing where that is not
    /// possible.
    pub set: fn(&mut TsaAssumptions, Option<f64>),
}

impl TsaAssumption {
    pub fn allows(&self, share: f64) -> bool {
        (share > self.low || (self.low_allowed && share == self.low)) && share < self.high
    }

    /// The allowed range in words, on a scale of `whole` (1 for shares, 100 for percentages):
    /// "above 50 and below 100", "from 0 and below 1".
    pub fn range_in_words(&self, whole: f64) -> String {
        let (low, high) = (self.low * whole, self.high * whole);
        let from = if self.low_allowed { "from" } else { "above" };
        format!("{from} {low} and below {high}")
    }
}

impl TsaAssumptions {
    /// Every assumption, in the order the page lists them.
    pub const ALL: [TsaAssumption; 5] = [
        TsaAssumption {
            key: "rrr",
            label: "Relative risk reduction",
            low: 0.0,
            high: 1.0,
            low_allowed: false,
            from_data: false,
            get: |a| Some(a.relative_risk_reduction),
            set: |a, v| a.relative_risk_reduction = v.unwrap_or(a.relative_risk_reduction),
        },
        TsaAssumption {
            key: "pc",
            label: "Control risk",
            low: 0.0,
            high: 1.0,
            low_allowed: false,
            from_data: true,
            get: |a| a.control_risk,
            set: |a, v| a.control_risk = v,
        },
        TsaAssumption {
            key: "alpha",
            label: "Alpha",
            low: 0.0,
            high: 0.5,
            low_allowed: false,
            from_data: false,
            get: |a| Some(a.alpha),
            set: |a, v| a.alpha = v.unwrap_or(a.alpha),
        },
        TsaAssumption {
            key: "power",
            label: "Power",
            low: 0.5,
            high: 1.0,
            low_allowed: false,
            from_data: false,
            get: |a| Some(a.power),
            set: |a, v| a.power = v.unwrap_or(a.power),
        },
        TsaAssumption {
            key: "d2",
            label: "Diversity D²",
            low: 0.0,
            high: 1.0,
            low_allowed: true,
            from_data: true,
            get: |a| a.diversity,
            set: |a, v| a.diversity = v,
        },
    ];
}

/// The required number of participants (both arms together).
pub fn required_information_size(
    control_risk: f64,
    relative_risk_reduction: f64,
    alpha: f64,
    power: f64,
    diversity: f64,
) -> f64 {
    let treated_risk = control_risk * (1.0 - relative_risk_reduction);
    let mean = (control_risk + treated_risk) / 2.0;
    let z = dist::z_crit(1.0 - alpha) + dist::z_crit(2.0 * power - 1.0);
    4.0 * z * z * mean * (1.0 - mean) / (control_risk - treated_risk).powi(2) / (1.0 - diversity)
}

/// D^2 = 1 - V_F / V_R: the share of the random-effects variance of the pooled estimate that
/// is due to heterogeneity, from the analysis's own study variances and tau^2.
pub fn diversity(analysis: &Analysis) -> f64 {
    let tau2 = if analysis.model.is_random() { analysis.heterogeneity.tau2 } else { 0.0 };
    let variances =
        analysis.studies.iter().filter(|s| s.weight_percent.is_some()).filter_map(|s| s.effect.map(|e| e.vi));
    let (fixed, random) = variances.fold((0.0, 0.0), |(f, r), v| (f + 1.0 / v, r + 1.0 / (v + tau2)));
    if fixed > 0.0 {
        (1.0 - random / fixed).max(0.0)
    } else {
        0.0
    }
}

/// Two-sided alpha spent by information fraction `t` (alpha/2 on each side).
pub fn obrien_fleming_spent(alpha: f64, t: f64) -> f64 {
    2.0 * 2.0 * upper_tail(dist::z_crit(1.0 - alpha / 2.0) / t.sqrt())
}

fn upper_tail(x: f64) -> f64 {
    0.5 * erfc(x / std::f64::consts::SQRT_2)
}

fn normal_density(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Grid points per standard deviation of the narrowest kernel the grid meets.
const POINTS_PER_SD: f64 = 12.0;

/// The two-sided Lan-DeMets O'Brien-Fleming boundaries (on the Z scale) at increasing
/// information fractions in (0, 1].
pub fn lan_demets_boundaries(fractions: &[f64], alpha: f64) -> Vec<f64> {
    let mut bounds = Vec::with_capacity(fractions.len());
    // The sub-density of the score S = Z sqrt(t) on the previous look's continuation region,
    // as evenly spaced quadrature nodes (s, Simpson weight x density); none before the first.
    let mut nodes: Vec<(f64, f64)> = Vec::new();
    let mut previous_t = 0.0;
    for (k, &t) in fractions.iter().enumerate() {
        let sd = (t - previous_t).sqrt();
        let spent = obrien_fleming_spent(alpha, t) - if k == 0 { 0.0 } else { obrien_fleming_spent(alpha, previous_t) };
        let b = boundary_spending(&nodes, spent, t, sd);
        bounds.push(b);
        if let Some(&next) = fractions.get(k + 1) {
            let edge = b * t.sqrt();
            let h_max = sd.min((next - t).sqrt()) / POINTS_PER_SD;
            let intervals = (((2.0 * edge / h_max).ceil() as usize).max(2) + 1) & !1;
            let h = 2.0 * edge / intervals as f64;
            nodes = (0..=intervals)
                .map(|i| {
                    let simpson = if i == 0 || i == intervals {
                        1.0
                    } else if i % 2 == 1 {
                        4.0
                    } else {
                        2.0
                    };
                    let s = -edge + h * i as f64;
                    (s, simpson * h / 3.0 * carried_density(&nodes, s, sd))
                })
                .collect();
        }
        previous_t = t;
    }
    bounds
}

/// The boundary b at information `t` whose crossing (either side, not crossed before) has
/// probability `spent`, given the previous look's sub-density `nodes` (empty at the first look)
/// and the increment's standard deviation `sd`. Newton's method on log P (the increments can be
/// as small as 1e-110), kept inside a bracket that bisection narrows when a step would leave it.
fn boundary_spending(nodes: &[(f64, f64)], spent: f64, t: f64, sd: f64) -> f64 {
    let root_t = t.sqrt();
    // P(b) and its derivative.
    let crossing = |b: f64| -> (f64, f64) {
        if nodes.is_empty() {
            (2.0 * upper_tail(b), -2.0 * normal_density(b))
        } else {
            nodes.iter().fold((0.0, 0.0), |(p, dp), &(u, w)| {
                let (above, below) = ((b * root_t - u) / sd, (b * root_t + u) / sd);
                (
                    p + w * (upper_tail(above) + upper_tail(below)),
                    dp - w * (normal_density(above) + normal_density(below)) * root_t / sd,
                )
            })
        }
    };
    let target = spent.ln();
    // Starting from the boundary that would spend it at a first look (2 Q(b) = spent).
    let start = std::f64::consts::SQRT_2 * erfc_inv(spent);
    let (mut lo, mut hi, mut b) = (0.0_f64, 40.0_f64, if start.is_finite() { start.clamp(0.1, 39.0) } else { 3.0 });
    for _ in 0..100 {
        let (p, dp) = crossing(b);
        let f = p.ln() - target;
        let step = f / (dp / p);
        if step.abs() < 1e-12 {
            return b - step;
        }
        if f > 0.0 {
            lo = b
        } else {
            hi = b
        }
        b = if step.is_finite() && b - step > lo && b - step < hi { b - step } else { 0.5 * (lo + hi) };
        if hi - lo < 1e-13 {
            break;
        }
    }
    b
}

/// The density of S at `s` after an increment of standard deviation `sd` from the sub-density
/// `nodes` (the first look's: a plain normal). The nodes are evenly spaced, so the kernel
/// exp(-(s - u)^2 / 2 sd^2) follows from its neighbour's by two multiplications, outward from
/// the node nearest s until it underflows: the far tails are kept (a look spending 1e-26
/// depends on them), and each side costs one exponential.
fn carried_density(nodes: &[(f64, f64)], s: f64, sd: f64) -> f64 {
    if nodes.is_empty() {
        return normal_density(s / sd) / sd;
    }
    let spacing = if nodes.len() > 1 { nodes[1].0 - nodes[0].0 } else { 1.0 };
    let shrink = (-spacing * spacing / (sd * sd)).exp();
    let nearest = ((s - nodes[0].0) / spacing).round().clamp(0.0, (nodes.len() - 1) as f64) as usize;
    let d = s - nodes[nearest].0;
    let peak = (-0.5 * d * d / (sd * sd)).exp();
    let mut total = nodes[nearest].1 * peak;
    // Upward u grows by `spacing`, so s - u shrinks by it; downward it grows.
    let two_var = 2.0 * sd * sd;
    total += outward(
        nodes[nearest + 1..].iter().map(|n| n.1),
        peak,
        ((2.0 * d * spacing - spacing * spacing) / two_var).exp(),
        shrink,
    );
    total += outward(
        nodes[..nearest].iter().rev().map(|n| n.1),
        peak,
        ((-2.0 * d * spacing - spacing * spacing) / two_var).exp(),
        shrink,
    );
    total / (sd * (2.0 * std::f64::consts::PI).sqrt())
}

/// The weighted sum of the kernel over `weights` walking away from the nearest node: each
/// kernel value from the last one's (times `factor`, which shrinks by `shrink` each step),
/// until it underflows.
fn outward(weights: impl Iterator<Item = f64>, peak: f64, mut factor: f64, shrink: f64) -> f64 {
    let (mut kernel, mut sum) = (peak, 0.0);
    for w in weights {
        kernel *= factor;
        factor *= shrink;
        if kernel == 0.0 {
            break;
        }
        sum += w * kernel;
    }
    sum
}

/// The required information size of a pool and what it was read at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InformationSize {
    pub control_risk: f64,
    pub diversity: f64,
    pub required: f64,
}

/// The required information size for `studies` pooled as `full`: the assumptions, with the
/// pooled control-arm risk and the analysis's D² where they leave them to the data.
pub fn information_size(
    studies: &[StudyCounts],
    full: &Analysis,
    assumptions: TsaAssumptions,
) -> Result<InformationSize, EngineError> {
    let (events, total) =
        studies.iter().fold((0u64, 0u64), |(e, n), s| (e + s.events_control as u64, n + s.total_control as u64));
    let control_risk = assumptions.control_risk.unwrap_or(events as f64 / total.max(1) as f64);
    let diversity = assumptions.diversity.unwrap_or_else(|| diversity(full));
    let required = required_information_size(
        control_risk,
        assumptions.relative_risk_reduction,
        assumptions.alpha,
        assumptions.power,
        diversity,
    );
    if !(required.is_finite() && required > 0.0) {
        return Err(EngineError::Unsupported("the required information size cannot be computed: the control risk must be above 0 and the risk reduction between 0 and 100%".into()));
    }
    Ok(InformationSize { control_risk, diversity, required })
}

/// One trial of the cumulative meta-analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Look {
    pub label: String,
    /// Participants so far, both arms.
    pub participants: u64,
    /// Participants / RIS, not capped.
    pub fraction: f64,
    /// The cumulative z statistic (t under Knapp-Hartung); `None` when nothing could be pooled.
    pub z: Option<f64>,
    /// The monitoring boundary (|Z|) at this trial; `None` when the trial is not a look.
    pub boundary: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialSequential {
    pub assumptions: TsaAssumptions,
    pub control_risk: f64,
    pub diversity: f64,
    pub required_information_size: f64,
    pub looks: Vec<Look>,
    /// The boundary at the RIS when it has not been reached (where the curve is heading).
    pub boundary_at_ris: Option<f64>,
    /// The first look whose |Z| reaches its boundary.
    pub crossed_at: Option<usize>,
    /// The pooled estimate's CI widened to the last look's boundary (display scale).
    pub adjusted_ci: Option<(f64, f64)>,
    pub adjusted_ci_boundary: Option<f64>,
}

impl TrialSequential {
    pub fn participants(&self) -> u64 {
        self.looks.last().map_or(0, |l| l.participants)
    }
    pub fn information_fraction(&self) -> f64 {
        self.participants() as f64 / self.required_information_size
    }
}

/// The trial sequential analysis of `studies`, taken in the order given (publication order),
/// each look pooled with `options`.
pub fn trial_sequential(
    studies: &[StudyCounts],
    options: &AnalysisOptions,
    assumptions: TsaAssumptions,
) -> Result<TrialSequential, EngineError> {
    let full = analyze(studies, options)?;
    let InformationSize { control_risk, diversity, required: ris } = information_size(studies, &full, assumptions)?;
    let mut participants = 0u64;
    let mut looks: Vec<Look> = studies
        .iter()
        .enumerate()
        .map(|(i, s)| {
            participants += (s.total_treatment + s.total_control) as u64;
            let z = analyze(&studies[..=i], options).ok().map(|a| a.pooled.statistic).filter(|z| z.is_finite());
            Look { label: s.label.clone(), participants, fraction: participants as f64 / ris, z, boundary: None }
        })
        .collect();
    // Which trials are looks, at which capped fraction.
    let mut look_at: Vec<(usize, f64)> = Vec::new();
    let mut last_fraction = 0.0;
    for (i, look) in looks.iter().enumerate() {
        let t = look.fraction.min(1.0);
        if t - last_fraction > LOOK_MIN_INCREMENT {
            look_at.push((i, t));
        }
        last_fraction = t;
    }
    let reached = look_at.last().is_some_and(|&(_, t)| t >= 1.0);
    let mut fractions: Vec<f64> = look_at.iter().map(|&(_, t)| t).collect();
    if !reached {
        fractions.push(1.0);
    }
    let bounds = lan_demets_boundaries(&fractions, assumptions.alpha);
    for (&(i, _), &b) in look_at.iter().zip(&bounds) {
        looks[i].boundary = Some(b);
    }
    let crossed_at = looks.iter().position(|l| matches!((l.z, l.boundary), (Some(z), Some(b)) if z.abs() >= b));
    let adjusted_ci_boundary = (!look_at.is_empty()).then(|| bounds[look_at.len() - 1]);
    let adjusted_ci = adjusted_ci_boundary.map(|b| {
        let p = &full.pooled;
        (full.measure.to_display(p.y - b * p.se), full.measure.to_display(p.y + b * p.se))
    });
    Ok(TrialSequential {
        assumptions,
        control_risk,
        diversity,
        required_information_size: ris,
        looks,
        boundary_at_ris: (!reached).then(|| *bounds.last().expect("at least the RIS")),
        crossed_at,
        adjusted_ci,
        adjusted_ci_boundary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_look_at_full_information_is_the_conventional_test() {
        let b = lan_demets_boundaries(&[1.0], 0.05);
        assert!((b[0] - 1.959963984540054).abs() < 1e-9, "{b:?}");
    }

    #[test]
    fn boundaries_spend_exactly_the_alpha_of_the_spending_function() {
        // Two looks: rpact's getDesignGroupSequential(kMax = 2, sided = 2, typeOfDesign = "asOF",
        // informationRates = c(0.5, 1)) gives 2.96258804273 and 1.96859564632.
        let b = lan_demets_boundaries(&[0.5, 1.0], 0.05);
        assert!((b[0] - 2.96258804273).abs() < 1e-8 && (b[1] - 1.96859564632).abs() < 1e-6, "{b:?}");
    }

    #[test]
    fn the_ris_follows_the_sample_size_formula() {
        // pC 10%, RRR 20%: pE 8%, p 9%; 4 (1.96 + 0.8416)^2 x 0.09 x 0.91 / 0.02^2 = 6,428.2.
        let ris = required_information_size(0.1, 0.2, 0.05, 0.8, 0.0);
        assert!((ris - 6428.2).abs() < 0.1, "{ris}");
        assert!((required_information_size(0.1, 0.2, 0.05, 0.8, 0.5) - 2.0 * ris).abs() < 1e-6);
    }
}
