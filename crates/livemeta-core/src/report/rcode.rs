//! "Copy R code": a metafor script that reproduces the current analysis on the current data.
//! Its last line prints the pooled estimate in a fixed form, so tests can compare it.
use crate::data::StudyCounts;
use crate::interpret::ControlRisk;
use crate::model::Measure;
use crate::model::Tau2Method;
use crate::model::{AnalysisOptions, I2From, Model, PredictionCritical, QCentre};

/// A double-quoted R string literal holding `s` exactly: backslashes, quotes and control
/// characters are escaped, so no study name can end the string or the line.
pub fn r_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // R strings cannot hold NUL; it becomes the replacement character.
            '\0' => out.push_str("\\ufffd"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn metafor_script(studies: &[StudyCounts], options: &AnalysisOptions) -> String {
    let column = |f: &dyn Fn(&StudyCounts) -> String| studies.iter().map(f).collect::<Vec<_>>().join(", ");
    let measure = metafor_measure(options.measure);
    let z = options.zero_cells;
    let (add, to, drop00) = (z.add, z.scope.code(), if z.drop_double_zero { "TRUE" } else { "FALSE" });
    let counts = "ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat";
    let mut out = format!(
        "# livemeta: {} , {}\n# install.packages(\"metafor\") if needed\nlibrary(metafor)\ndat <- data.frame(\n  study = c({}),\n  ai = c({}), n1i = c({}),\n  ci = c({}), n2i = c({}))\n",
        options.label(),
        options.measure.label(),
        column(&|s| r_string(&s.label)),
        column(&|s| s.events_treatment.to_string()),
        column(&|s| s.total_treatment.to_string()),
        column(&|s| s.events_control.to_string()),
        column(&|s| s.total_control.to_string()),
    );
    let mh_pools = Model::CommonMantelHaenszel.pools(options.measure);
    let q_around_mh = mh_pools
        && (options.model == Model::RevManMhRandom
            || (options.q_centre == QCentre::MantelHaenszel && matches!(options.model, Model::Random(_))));
    let i2_from_q = options.model == Model::RevManMhRandom
        || (options.i2_from == I2From::Q && matches!(options.model, Model::Random(_)));
    let mh_q = format!(
        "mh <- rma.mh({counts}, measure = \"{measure}\", add = c({add}, {add}), to = c(\"{to}\", \"{to}\"), drop00 = c({drop00}, {drop00}))\nes <- escalc(measure = \"{measure}\", {counts}, add = {add}, to = \"{to}\", drop00 = {drop00})\nok <- !is.na(es$yi); w <- 1 / es$vi[ok]\nQ <- sum(w * (es$yi[ok] - coef(mh))^2)\n"
    );
    let test = options.ci_method.code();
    let by_hand = options.model == Model::RevManMhRandom
        || (q_around_mh && options.model == Model::Random(Tau2Method::DerSimonianLaird));
    match model_call(options, "dat") {
        _ if by_hand => out.push_str(&format!(
            "# DerSimonian-Laird from Q around the Mantel-Haenszel estimate (RevMan 5 \"M-H, Random\"; R meta's\n# Q.Cochrane): MH estimate on the corrected tables, Q around it with inverse-variance weights,\n# tau^2 from that Q, then inverse-variance pooling.\n{mh_q}tau2 <- max(0, (Q - (sum(ok) - 1)) / (sum(w) - sum(w^2) / sum(w)))\nres <- rma(yi, vi, data = es, slab = study, tau2 = tau2, test = \"{test}\")\n"
        )),
        Some(call) if q_around_mh => out.push_str(&format!("res <- {call}\n# Cochran's Q around the Mantel-Haenszel estimate, as the page shows it.\n{mh_q}")),
        Some(call) => out.push_str(&format!("{}res <- {call}\n", model_comment(options.model))),
        None => unreachable!("RevMan's model is fitted by hand above"),
    }
    if i2_from_q {
        let q = if q_around_mh { "Q" } else { "res$QE" };
        out.push_str(&format!("# I^2 from Q, (Q - df) / Q, as the page shows it (metafor's print gives I^2 from tau^2).\ncat(sprintf(\"I^2 from Q: %.1f%%\\n\", max(0, 100 * ({q} - (res$k - 1)) / {q})))\n"));
    }
    out.push_str("print(res)\n");
    let back = if options.measure.is_ratio() { "exp" } else { "identity" };
    if options.model.is_random() {
        let pi = match options.prediction {
            PredictionCritical::Z => "predict(res, transf = ".to_string() + back + ")",
            _ => {
                let df = if options.prediction == PredictionCritical::TKMinus1 { "res$k - 1" } else { "res$k - 2" };
                format!("{back}(c(res$beta) + c(-1, 1) * qt(0.975, {df}) * sqrt(res$tau2 + res$se^2))")
            }
        };
        out.push_str(&format!("# prediction interval\nprint({pi})\n"));
    }
    out.push_str(&format!(
        "cat(sprintf(\"livemeta pooled %.10f %.10f %.10f\\n\", {back}(c(res$beta)), {back}(res$ci.lb), {back}(res$ci.ub)))\n"
    ));
    out
}

/// The absolute effect from the fit `res` of `metafor_script`, at `control_risk`, by the Cochrane
/// Handbook's formulas; its last line prints "livemeta absolute ACR risk lower upper". `None`
/// for the arcsine difference, which has no risk scale.
pub fn absolute_effect_script(measure: Measure, control_risk: ControlRisk) -> Option<String> {
    let acr = match control_risk {
        ControlRisk::Pooled => "sum(dat$ci[dat$n2i > 0]) / sum(dat$n2i[dat$n2i > 0])".to_string(),
        ControlRisk::Median => "median((dat$ci / dat$n2i)[dat$n2i > 0])".to_string(),
        ControlRisk::Assumed(risk) => format!("{risk}"),
    };
    let risk = match measure {
        Measure::RR => "acr * exp(e)",
        Measure::OR | Measure::PetoOR => "acr * exp(e) / (1 - acr + acr * exp(e))",
        Measure::RD => "acr + e",
        Measure::AS => return None,
    };
    let lines = [
        format!("# Absolute effect at {} (Cochrane Handbook, summary-of-findings chapter)", control_risk.label()),
        format!("acr <- {acr}"),
        "e <- c(c(res$beta), res$ci.lb, res$ci.ub)".to_string(),
        format!("risk <- pmin(1, pmax(0, {risk}))"),
        "print(round(1000 * c(control = acr, intervention = risk[1], lower = risk[2], upper = risk[3]), 1))"
            .to_string(),
        r#"cat(sprintf("livemeta absolute %.10f %.10f %.10f %.10f\n", acr, risk[1], risk[2], risk[3]))"#.to_string(),
    ];
    Some(lines.join("\n") + "\n")
}

fn metafor_measure(measure: Measure) -> &'static str {
    match measure {
        Measure::PetoOR => "PETO",
        m => m.code(),
    }
}

fn model_comment(model: Model) -> &'static str {
    match model {
        Model::CommonMantelHaenszel => "# Mantel-Haenszel on the same corrected tables as the study rows (RevMan 5, R meta).\n",
        Model::CommonPeto => "# Peto pools raw counts; livemeta's study rows are (O - E)/V from raw counts too\n# (RevMan's convention), where metafor's forest() would show 0.5-corrected rows.\n",
        _ => "",
    }
}

/// The metafor call that fits the analysis to the 2x2 columns of data frame `data`; None for
/// RevMan's M-H random model, which metafor has no single call for.
fn model_call(options: &AnalysisOptions, data: &str) -> Option<String> {
    let measure = metafor_measure(options.measure);
    let z = options.zero_cells;
    let (add, to, drop00) = (z.add, z.scope.code(), if z.drop_double_zero { "TRUE" } else { "FALSE" });
    let counts = format!("ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = {data}");
    let tight = "control = list(threshold = 1e-10, tol = 1e-10, maxiter = 1000)";
    Some(match options.model {
        Model::Random(method) => format!(
            "rma({counts}, slab = study, measure = \"{measure}\", method = \"{}\", test = \"{}\",\n           add = {add}, to = \"{to}\", drop00 = {drop00}, {tight})",
            method.code(),
            options.ci_method.code()
        ),
        Model::CommonInverseVariance => format!("rma({counts}, slab = study, measure = \"{measure}\", method = \"EE\", add = {add}, to = \"{to}\", drop00 = {drop00})"),
        Model::CommonMantelHaenszel => format!(
            "rma.mh({counts}, slab = study, measure = \"{measure}\", add = c({add}, {add}), to = c(\"{to}\", \"{to}\"), drop00 = c({drop00}, {drop00}))"
        ),
        Model::CommonPeto => format!("rma.peto({counts}, slab = study, add = 0, to = \"none\")"),
        Model::RevManMhRandom => return None,
    })
}

/// A sensitivity view whose metafor function can follow the analysis in the script.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewCode {
    LeaveOneOut,
    /// The order in which trials are added, as 0-based indices into the studies.
    Cumulative(Vec<usize>),
    SmallStudy,
    Influence,
    /// Each study's subgroup, in the order of the studies.
    Subgroups(Vec<String>),
    Gosh,
    /// A moderator's name and each study's value (None: missing), in the order of the studies.
    MetaRegression {
        moderator: String,
        values: Vec<Option<String>>,
        numeric: bool,
    },
    /// The rare-events view's `rma.glmm` odds ratios, with the mixed models when they are fitted.
    RareEvents {
        mixed: bool,
    },
}

/// The script for the analysis followed by the view's metafor call. Its last line prints
/// "livemeta view" and the view's numbers as the page shows them, so tests can compare.
/// `Err` says why there is no script: RevMan's M-H random model is fitted by hand (metafor's
/// refits would keep its tau² fixed), and the small-study and influence functions need
/// `rma()`'s inverse-variance models.
pub fn view_script(studies: &[StudyCounts], options: &AnalysisOptions, view: &ViewCode) -> Result<String, String> {
    let inverse_variance = matches!(options.model, Model::Random(_) | Model::CommonInverseVariance);
    let refits = !matches!(view, ViewCode::RareEvents { .. });
    if (refits && options.model == Model::RevManMhRandom)
        || (!inverse_variance
            && matches!(
                view,
                ViewCode::SmallStudy | ViewCode::Influence | ViewCode::Gosh | ViewCode::MetaRegression { .. }
            ))
    {
        return Err(format!(
            "metafor has no refits for {}; choose an inverse-variance model (IV or a tau² estimator) for R code",
            options.model.label()
        ));
    }
    let back = if options.measure.is_ratio() { "exp" } else { "identity" };
    let numbers = |expr: &str| format!("cat(\"livemeta view\", sprintf(\"%.10f\", {expr}), \"\\n\")\n");
    let mut out = metafor_script(studies, options);
    match view {
        ViewCode::LeaveOneOut => {
            out.push_str("l1 <- leave1out(res)\nprint(l1)\n");
            out.push_str(&numbers(&format!("{back}(l1$estimate)")));
        }
        ViewCode::Cumulative(order) => {
            let order = order.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", ");
            out.push_str(&format!("cu <- cumul(res, order = c({order}))\nprint(cu)\n"));
            out.push_str(&numbers(&format!("{back}(cu$estimate)")));
        }
        ViewCode::SmallStudy => {
            out.push_str("eg <- regtest(res, model = \"lm\")\nprint(eg)\neg2 <- regtest(res)\nprint(eg2)\nrk <- ranktest(res)\nprint(rk)\n");
            out.push_str("for (e in c(\"L0\", \"R0\", \"Q0\")) print(tryCatch(trimfill(res, estimator = e), error = function(err) conditionMessage(err)))\n");
            out.push_str(&numbers("c(eg$pval, eg2$pval, rk$pval)"));
        }
        ViewCode::Influence => {
            out.push_str("inf <- influence(res)\nprint(inf)\n");
            out.push_str(&numbers("inf$inf$cook.d"));
        }
        ViewCode::Subgroups(groups) => {
            let call = model_call(options, "dat[dat$group == g, ]").expect("RevMan's model returned above");
            out.push_str(&format!(
                "dat$group <- c({})\n# One model per subgroup, each with its own tau^2.\nsub <- lapply(unique(dat$group), function(g) {call})\nnames(sub) <- unique(dat$group)\nprint(sub)\n",
                groups.iter().map(|g| r_string(g)).collect::<Vec<_>>().join(", ")
            ));
            out.push_str("est <- sapply(sub, function(f) c(f$beta)); se <- sapply(sub, function(f) f$se)\n");
            out.push_str("# RevMan's test for subgroup differences: Q between the subgroup estimates.\nqb <- rma(yi = est, sei = se, method = \"EE\")\nprint(qb)\n");
            out.push_str(&numbers(&format!("c({back}(est), qb$QE)")));
        }
        ViewCode::MetaRegression { moderator, values, numeric } => {
            let value = |v: &Option<String>| match v {
                None => "NA".to_string(),
                Some(v) if *numeric => v.clone(),
                Some(v) => r_string(v),
            };
            let term = if *numeric { "mod" } else { "factor(mod)" };
            out.push_str(&format!(
                "# Meta-regression on {}; trials without a value (NA) are left out.\ndat$mod <- c({})\nmr <- update(res, mods = ~ {term})\nprint(mr)\n",
                moderator.replace('\n', " "),
                values.iter().map(value).collect::<Vec<_>>().join(", ")
            ));
            out.push_str(&numbers("c(coef(mr), mr$QM)"));
        }
        ViewCode::RareEvents { mixed } => {
            let models = if *mixed {
                r#"c("CM.EL", "EE"), c("CM.AL", "EE"), c("UM.FS", "EE"), c("UM.RS", "EE"), c("CM.EL", "ML"), c("CM.AL", "ML"), c("UM.RS", "ML")"#
            } else {
                r#"c("CM.EL", "EE"), c("CM.AL", "EE"), c("UM.FS", "EE")"#
            };
            out.push_str(&format!(
                "# The odds ratio by rma.glmm's models, on the counts as they are (CM.EL needs the BiasedUrn\n# package, CM.AL and UM.RS need lme4); NA where a model has no estimate.\nglmm <- function(m) tryCatch(exp(c(rma.glmm(measure = \"OR\", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat,\n  model = m[1], method = m[2])$beta)), error = function(e) NA)\nor <- sapply(list({models}), glmm)\nprint(or)\n"
            ));
            out.push_str(&numbers("or"));
        }
        ViewCode::Gosh => {
            out.push_str("# Every subset up to 10^6 of them; above that metafor samples its own random subsets.\ng <- gosh(res, subsets = 1e6)\nplot(g)\n");
            out.push_str(&numbers("nrow(g$res)"));
        }
    }
    Ok(out)
}
