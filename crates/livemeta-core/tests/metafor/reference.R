# Reference values from metafor for the engine cross-check (tests/metafor_crosscheck/).
# Usage: Rscript reference.R OUTDIR
#   Writes metafor's binary datasets and generated edge cases to OUTDIR/datasets/*.csv
#   (livemeta's CSV format), then fits every case on every CSV found there (including
#   any the Rust test put there first) and writes OUTDIR/expected.csv:
#   dataset,case,quantity,value
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
dir.create(file.path(out, "datasets"), recursive = TRUE, showWarnings = FALSE)

write_study_csv <- function(name, study, ai, n1i, ci, n2i) {
  d <- data.frame(study = study, events_treatment = ai, total_treatment = n1i,
                  events_control = ci, total_control = n2i)
  d <- d[complete.cases(d), ]
  write.csv(d, file.path(out, "datasets", paste0(name, ".csv")), row.names = FALSE, quote = TRUE)
}

# metafor's binary datasets, exported at test time.
with(dat.bcg, write_study_csv("bcg", paste(author, year), tpos, tpos + tneg, cpos, cpos + cneg))
with(dat.egger2001, write_study_csv("egger2001", study, ai, n1i, ci, n2i))
with(dat.nielweise2007, write_study_csv("nielweise2007", paste(author, year), ai, n1i, ci, n2i))
yus <- dat.yusuf1985[complete.cases(dat.yusuf1985[, c("ai", "n1i", "ci", "n2i")]), ]
yus <- yus[yus$table == names(which.max(table(yus$table))), ]
with(yus, write_study_csv("yusuf1985", trial, ai, n1i, ci, n2i))
with(dat.hine1989, write_study_csv("hine1989", study, ai, n1i, ci, n2i))
with(dat.collins1985a, write_study_csv("collins1985a", trial, b.xti, nti, b.xci, nci))

# Generated edge cases (fixed seed, so every run sees the same data).
set.seed(20181)
gen <- function(k, n1, n2, p1, p2) {
  n1i <- rep_len(n1, k); n2i <- rep_len(n2, k)
  list(study = paste("S", seq_len(k)), ai = rbinom(k, n1i, p1), n1i = n1i, ci = rbinom(k, n2i, p2), n2i = n2i)
}
edge <- list(
  zero_cells   = list(study = paste("Z", 1:6), ai = c(0, 3, 5, 0, 7, 2), n1i = c(40, 55, 60, 38, 90, 30),
                      ci = c(4, 0, 9, 6, 12, 5), n2i = c(41, 50, 61, 40, 88, 29)),
  double_zero  = list(study = paste("D", 1:5), ai = c(0, 2, 0, 4, 6), n1i = c(30, 45, 25, 60, 80),
                      ci = c(0, 5, 0, 7, 9), n2i = c(31, 44, 26, 58, 79)),
  k1           = list(study = "only", ai = 7, n1i = 50, ci = 12, n2i = 51),
  k2           = list(study = c("A", "B"), ai = c(7, 15), n1i = c(50, 120), ci = c(12, 14), n2i = c(51, 118)),
  tau2_zero    = list(study = paste("H", 1:5), ai = c(10, 20, 30, 15, 25), n1i = c(100, 200, 300, 150, 250),
                      ci = c(10, 20, 30, 15, 25), n2i = c(100, 200, 300, 150, 250)),
  imbalance    = list(study = paste("I", 1:4), ai = c(1, 240, 3, 150), n1i = c(1000, 900, 12, 3000),
                      ci = c(2, 60, 1, 40), n2i = c(10, 950, 300, 2900)),
  k1000        = gen(1000, c(50, 120, 300), c(60, 100, 280), 0.12, 0.18)
)
for (name in names(edge)) with(edge[[name]], write_study_csv(name, study, ai, n1i, ci, n2i))

# ---- cases -------------------------------------------------------------------------
ctrl <- list(threshold = 1e-13, maxiter = 10000, tol = 1e-13, stepadj = 0.5)
ci_ctrl <- list(tol = 1e-13, maxiter = 10000, tau2.max = 1e8)
rows <- list()
emit <- function(dataset, case, quantity, value) {
  rows[[length(rows) + 1]] <<- data.frame(dataset = dataset, case = case, quantity = quantity,
                                          value = sprintf("%.17g", value))
}
# weights() leaves out studies that could not be estimated; put them back in place.
full_weights <- function(res) { w <- rep(NA_real_, length(res$not.na)); w[res$not.na] <- weights(res); w }
emit_common <- function(dataset, case, res, ratio, weights) {
  tr <- if (ratio) exp else identity
  emit(dataset, case, "beta", res$beta[1]); emit(dataset, case, "se", res$se)
  emit(dataset, case, "ci_lb", tr(res$ci.lb)); emit(dataset, case, "ci_ub", tr(res$ci.ub))
  emit(dataset, case, "zval", res$zval); emit(dataset, case, "pval", res$pval)
  emit(dataset, case, "QE", res$QE); emit(dataset, case, "k", res$k)
  if (!is.na(res$QEp)) emit(dataset, case, "QEp", res$QEp)
  if (!is.null(res$I2) && !is.na(res$I2)) emit(dataset, case, "I2", res$I2)
  if (!is.null(res$H2) && !is.na(res$H2)) emit(dataset, case, "H2", res$H2)
  emit(dataset, case, "tau2", if (is.null(res$tau2)) 0 else res$tau2)
  for (i in seq_along(weights)) if (!is.na(weights[i])) emit(dataset, case, paste0("w", i), weights[i])
}
case_name <- function(measure, method, test = "z", to = "only0", add = 0.5, drop00 = FALSE, pi = "z") {
  sprintf("measure=%s;method=%s;test=%s;to=%s;add=%s;drop00=%d;pi=%s", measure, method, test, to, add, drop00, pi)
}

fit_dataset <- function(name, d) {
  k <- nrow(d)
  # metafor's REML and ML take seconds per fit at k = 1000 (k x k matrices), so the large
  # dataset gets the main estimators only.
  large <- k > 100
  for (measure in if (large) c("RR", "OR") else c("RR", "OR", "RD", "PETO", "AS")) {
    ratio <- !(measure %in% c("RD", "AS"))
    # livemeta adds nothing to arcsine differences whatever the rule (escalc's default for AS).
    add <- if (measure == "AS") 0 else 0.5
    tr <- if (ratio) exp else identity
    for (method in if (large) c("EE", "DL", "REML", "PM") else c("EE", "DL", "REML", "PM", "ML", "HE", "SJ", "EB")) {
      for (test in c("z", "knha", "adhoc")) {
        knha <- test != "z"
        if (knha && (large || !(method %in% c("DL", "REML")))) next
        for (to in c("only0", "all", "if0all", "none")) {
          if (to != "only0" && (large || !(method %in% c("DL", "EE")))) next
          for (drop00 in c(FALSE, TRUE)) {
            if (drop00 && (large || method != "DL")) next
            case <- case_name(measure, method, test, to, 0.5, drop00, if (knha) "t1" else "z")
            res <- tryCatch(suppressWarnings(rma(ai = d$events_treatment, n1i = d$total_treatment,
                       ci = d$events_control, n2i = d$total_control, measure = measure, method = method,
                       test = test, add = add, to = to, drop00 = drop00, control = ctrl)),
                     error = function(e) NULL)
            if (is.null(res)) { emit(name, case, "error", 1); next }
            emit_common(name, case, res, ratio, full_weights(res))
            es <- escalc(measure = measure, ai = d$events_treatment, n1i = d$total_treatment,
                         ci = d$events_control, n2i = d$total_control, add = add, to = to, drop00 = drop00)
            for (i in seq_len(k)) if (!is.na(es$yi[i])) { emit(name, case, paste0("yi", i), es$yi[i]); emit(name, case, paste0("vi", i), es$vi[i]) }
            if (method != "EE" && res$k > 1) {
              ci <- tryCatch(suppressWarnings(confint(res, control = ci_ctrl)), error = function(e) NULL)
              if (!is.null(ci)) {
                emit(name, case, "tau2_lb", ci$random["tau^2", "ci.lb"]); emit(name, case, "tau2_ub", ci$random["tau^2", "ci.ub"])
                emit(name, case, "I2_lb", ci$random["I^2(%)", "ci.lb"]); emit(name, case, "I2_ub", ci$random["I^2(%)", "ci.ub"])
                emit(name, case, "H2_lb", ci$random["H^2", "ci.lb"]); emit(name, case, "H2_ub", ci$random["H^2", "ci.ub"])
              }
              p <- predict(res)
              emit(name, case, "pi_lb", tr(p$pi.lb)); emit(name, case, "pi_ub", tr(p$pi.ub))
              if (!knha && res$k > 2) {
                # Prediction interval with t(k-2), as the Cochrane Handbook gives it.
                case2 <- case_name(measure, method, test, to, 0.5, drop00, "t2")
                half <- qt(0.975, res$k - 2) * sqrt(res$tau2 + res$se^2)
                emit(name, case2, "pi_lb", tr(res$beta[1] - half)); emit(name, case2, "pi_ub", tr(res$beta[1] + half))
              }
            }
          }
        }
      }
    }
    # Mantel-Haenszel pools the corrected tables its rows show (metafor's second add/to/drop00
    # element; to = "none" is rma.mh's default raw-count pool). Peto pools raw counts, and its
    # rows are (O - E)/V from raw counts, computed here by hand.
    if (measure != "PETO") {
      for (to in c("only0", "all", "if0all", "none")) {
        case <- case_name(measure, "MH", to = to, drop00 = TRUE)
        res <- tryCatch(suppressWarnings(rma.mh(ai = d$events_treatment, n1i = d$total_treatment,
                   ci = d$events_control, n2i = d$total_control, measure = measure,
                   add = c(0.5, 0.5), to = c(to, to), drop00 = c(TRUE, TRUE))), error = function(e) NULL)
        if (is.null(res) || !is.finite(res$beta[1]) || !is.finite(res$se)) emit(name, case, "error", 1) else emit_common(name, case, res, ratio, full_weights(res))
      }
    } else {
      case <- case_name("PETO", "PETO", drop00 = TRUE)
      res <- tryCatch(suppressWarnings(rma.peto(ai = d$events_treatment, n1i = d$total_treatment,
                 ci = d$events_control, n2i = d$total_control)), error = function(e) NULL)
      if (is.null(res) || !is.finite(res$beta[1])) emit(name, case, "error", 1) else {
        emit_common(name, case, res, TRUE, full_weights(res))
        n1 <- as.numeric(d$total_treatment); n2 <- as.numeric(d$total_control); n <- n1 + n2
        ev <- as.numeric(d$events_treatment + d$events_control)
        V <- ev * (n - ev) * n1 * n2 / (n^2 * (n - 1)); OE <- d$events_treatment - ev * n1 / n
        for (i in seq_len(k)) if (V[i] > 0) { emit(name, case, paste0("yi", i), OE[i] / V[i]); emit(name, case, paste0("vi", i), 1 / V[i]) }
      }
    }
  }
}

for (f in sort(list.files(file.path(out, "datasets"), pattern = "\\.csv$", full.names = TRUE))) {
  d <- read.csv(f, stringsAsFactors = FALSE)
  fit_dataset(sub("\\.csv$", "", basename(f)), d)
}
write.csv(do.call(rbind, rows), file.path(out, "expected.csv"), row.names = FALSE)

# ---- sensitivity, influence and small-study analyses ---------------------------------
# OUTDIR/sensitivity.csv: dataset,case,analysis,index,quantity,value
srows <- list()
semit <- function(dataset, case, analysis, index, quantity, value) {
  if (length(value) == 1 && !is.na(value))
    srows[[length(srows) + 1]] <<- data.frame(dataset = dataset, case = case, analysis = analysis, index = index,
                                              quantity = quantity, value = sprintf("%.17g", value))
}
write.csv(transform(dat.bcg, study = paste(author, year), events_treatment = tpos, total_treatment = tpos + tneg,
                    events_control = cpos, total_control = cpos + cneg, subgroup = alloc)[,
          c("study", "events_treatment", "total_treatment", "events_control", "total_control", "subgroup")],
          file.path(out, "bcg_subgroups.csv"), row.names = FALSE)
pdf(NULL)
for (name in c("bcg", "egger2001", "nielweise2007", "hine1989", "collins1985a", "zero_cells")) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (measure in c("RR", "OR")) for (method in c("EE", "DL", "REML", "PM")) {
    case <- case_name(measure, method)
    res <- rma(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control, n2i = d$total_control,
               measure = measure, method = method, control = ctrl)
    l1 <- leave1out(res)
    for (i in seq_along(l1$estimate)) for (q in c("estimate", "se", "pval", "ci.lb", "ci.ub", "Q", "tau2", "I2"))
      semit(name, case, "leave1out", i, q, l1[[q]][i])
    cu <- cumul(res)
    for (i in seq_along(cu$estimate)) for (q in c("estimate", "se", "pval", "ci.lb", "ci.ub", "Q", "tau2", "I2"))
      semit(name, case, "cumul", i, q, cu[[q]][i])
    inf <- influence(res)
    for (q in c("rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight"))
      for (i in seq_along(inf$inf[[q]])) semit(name, case, "influence", i, q, inf$inf[[q]][i])
    for (i in seq_along(inf$dfbs$intrcpt)) semit(name, case, "influence", i, "dfbs", inf$dfbs$intrcpt[i])
    bj <- baujat(res)
    for (i in seq_len(nrow(bj))) { semit(name, case, "baujat", i, "x", bj$x[i]); semit(name, case, "baujat", i, "y", bj$y[i]) }
    eg <- regtest(res, model = "lm")
    semit(name, case, "egger", 0, "zval", eg$zval); semit(name, case, "egger", 0, "pval", eg$pval)
    semit(name, case, "egger", 0, "est", eg$est); semit(name, case, "egger", 0, "ci.lb", eg$ci.lb); semit(name, case, "egger", 0, "ci.ub", eg$ci.ub)
    rk <- suppressWarnings(ranktest(res))
    semit(name, case, "begg", 0, "tau", rk$tau); semit(name, case, "begg", 0, "pval", rk$pval)
    # Fail-safe N on the same study effects (escalc's defaults, as the model's rows).
    es <- escalc(measure = measure, ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control, n2i = d$total_control)
    for (type in c("Rosenthal", "Orwin", "Rosenberg")) {
      fs <- fsn(es$yi, es$vi, type = type)
      semit(name, case, "fsn", 0, paste0(type, "_n"), fs$fsnum)
      if (type == "Orwin") semit(name, case, "fsn", 0, "Orwin_mean", fs$meanes) else semit(name, case, "fsn", 0, paste0(type, "_p"), fs$pval)
    }
    tf <- trimfill(res, control = ctrl)
    semit(name, case, "trimfill", 0, "k0", tf$k0); semit(name, case, "trimfill", 0, "right", as.numeric(tf$side == "right"))
    semit(name, case, "trimfill", 0, "beta", tf$beta[1]); semit(name, case, "trimfill", 0, "se", tf$se); semit(name, case, "trimfill", 0, "tau2", tf$tau2)
    for (est in c("R0", "Q0")) {
      tf <- tryCatch(suppressWarnings(trimfill(res, estimator = est, control = ctrl)), error = function(e) NULL)
      if (is.null(tf)) next
      a <- paste0("trimfill_", est)
      semit(name, case, a, 0, "k0", tf$k0); semit(name, case, a, 0, "right", as.numeric(tf$side == "right"))
      semit(name, case, a, 0, "beta", tf$beta[1]); semit(name, case, a, 0, "se", tf$se); semit(name, case, a, 0, "tau2", tf$tau2)
    }
    if (res$k <= 10) {
      g <- gosh(res, progbar = FALSE)
      for (r in seq_len(nrow(g$res))) {
        mask <- sum(2^(which(g$incl[r, ]) - 1))
        for (q in c("QE", "I2", "H2", "tau2", "estimate")) if (!is.null(g$res[[q]])) semit(name, case, "gosh", mask, q, g$res[[q]][r])
      }
    }
  }
}
# Egger's test in metafor's default form: the model itself with sei as a moderator, for every
# estimator, and with Knapp-Hartung for DL and REML.
for (name in c("bcg", "egger2001", "nielweise2007", "hine1989", "collins1985a", "zero_cells")) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (measure in c("RR", "OR")) for (method in c("EE", "DL", "REML", "PM", "ML", "HE", "SJ", "EB")) for (test in c("z", "knha", "adhoc")) {
    knha <- test != "z"
    if (knha && !(method %in% c("DL", "REML"))) next
    case <- case_name(measure, method, test, pi = if (knha) "t1" else "z")
    res <- tryCatch(suppressWarnings(rma(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control,
                    n2i = d$total_control, measure = measure, method = method, test = test, control = ctrl)),
                    error = function(e) NULL)
    if (is.null(res)) next
    eg <- tryCatch(suppressWarnings(regtest(res)), error = function(e) NULL)
    if (is.null(eg)) next
    semit(name, case, "regtest", 0, "zval", eg$zval); semit(name, case, "regtest", 0, "pval", eg$pval)
    semit(name, case, "regtest", 0, "est", eg$est); semit(name, case, "regtest", 0, "ci.lb", eg$ci.lb); semit(name, case, "regtest", 0, "ci.ub", eg$ci.ub)
  }
}
# Subgroups: separate fits per allocation method, then the test for subgroup differences.
sg <- read.csv(file.path(out, "bcg_subgroups.csv"), stringsAsFactors = FALSE)
for (method in c("EE", "DL", "REML")) {
  fits <- lapply(unique(sg$subgroup), function(g) { s <- sg[sg$subgroup == g, ]
    rma(ai = s$events_treatment, n1i = s$total_treatment, ci = s$events_control, n2i = s$total_control,
        measure = "RR", method = method, control = ctrl) })
  est <- sapply(fits, function(f) f$beta[1]); se <- sapply(fits, function(f) f$se)
  qb <- rma(yi = est, sei = se, method = "EE")
  case <- case_name("RR", method)
  for (i in seq_along(fits)) semit("bcg_subgroups", case, "subgroup", i, "estimate", est[i])
  semit("bcg_subgroups", case, "subgroup", 0, "QM", qb$QE); semit("bcg_subgroups", case, "subgroup", 0, "QMp", qb$QEp)
}
write.csv(do.call(rbind, srows), file.path(out, "sensitivity.csv"), row.names = FALSE)
# The multiverse (src/multiverse.rs): every measure x pooling x CI x zero-cell rule, fitted
# here call by call, to OUTDIR/multiverse.csv. RevMan 5's M-H random has no metafor call: DL's
# tau² from Q around the M-H estimate, then rma() with that tau² fixed.
mrows <- list()
memit <- function(dataset, case, res, ratio) {
  tr <- if (ratio) exp else identity
  for (q in list(c("estimate", tr(res$beta[1])), c("ci_lb", tr(res$ci.lb)), c("ci_ub", tr(res$ci.ub)), c("pval", res$pval), c("k", res$k)))
    mrows[[length(mrows) + 1]] <<- data.frame(dataset = dataset, case = case, quantity = q[1], value = sprintf("%.17g", as.numeric(q[2])))
}
merror <- function(dataset, case) mrows[[length(mrows) + 1]] <<- data.frame(dataset = dataset, case = case, quantity = "error", value = "1")
revman_mh_random <- function(d, measure, to) {
  es <- escalc(measure = measure, ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control,
               n2i = d$total_control, add = 0.5, to = to, drop00 = TRUE)
  ok <- is.finite(es$yi) & is.finite(es$vi)
  if (!any(ok)) return(NULL)
  mh <- rma.mh(ai = d$events_treatment[ok], n1i = d$total_treatment[ok], ci = d$events_control[ok], n2i = d$total_control[ok],
               measure = measure, add = c(0.5, 0.5), to = c(to, to), drop00 = c(TRUE, TRUE))
  yi <- as.numeric(es$yi[ok]); vi <- es$vi[ok]; k <- length(yi); w <- 1 / vi
  q <- sum((yi - mh$beta[1])^2 / vi)
  tau2 <- if (k > 1) max(0, (q - (k - 1)) / (sum(w) - sum(w^2) / sum(w))) else 0
  rma(yi, vi, tau2 = tau2)
}
multiverse_sets <- c("bcg", "zero_cells", "k2", sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))
for (name in multiverse_sets) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")), stringsAsFactors = FALSE)
  any_zero <- any(d$events_treatment == 0 | d$events_control == 0 | d$events_treatment == d$total_treatment | d$events_control == d$total_control)
  rules <- if (any_zero) c("only0", "if0all", "none") else "only0"
  for (measure in c("RR", "OR", "RD")) for (method in c("EE", "MH", "DL", "REML", "PM", "ML", "HE", "SJ", "EB", "REVMAN")) {
    random <- !(method %in% c("EE", "MH", "REVMAN"))
    for (test in if (random) c("z", "knha", "adhoc") else "z") for (to in rules) {
      drop00 <- method %in% c("MH", "REVMAN")
      case <- case_name(measure, method, test, to, 0.5, drop00, "z")
      res <- tryCatch(suppressWarnings(
        if (method == "MH") rma.mh(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control, n2i = d$total_control,
                                   measure = measure, add = c(0.5, 0.5), to = c(to, to), drop00 = c(TRUE, TRUE))
        else if (method == "REVMAN") revman_mh_random(d, measure, to)
        else rma(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control, n2i = d$total_control,
                 measure = measure, method = method, test = test, add = 0.5, to = to, drop00 = FALSE, control = ctrl)),
        error = function(e) NULL)
      if (is.null(res) || !is.finite(res$beta[1]) || !is.finite(res$se)) merror(name, case) else memit(name, case, res, measure != "RD")
    }
  }
  res <- tryCatch(suppressWarnings(rma.peto(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control, n2i = d$total_control)), error = function(e) NULL)
  case <- case_name("PETO", "PETO", "z", "only0", 0.5, TRUE, "z")
  if (is.null(res) || !is.finite(res$beta[1])) merror(name, case) else memit(name, case, res, TRUE)
}
write.csv(do.call(rbind, mrows), file.path(out, "multiverse.csv"), row.names = FALSE)
# Fragility (src/fragility.rs), by brute force with metafor: the smallest total number of
# patients whose event status changes (any arms, either way, N fixed) for the RR's 95% CI to
# cross 1, searched up to 7; to OUTDIR/fragility.csv (m = NA: none up to 7).
fragility_sets <- list(
  fragility_skin  = list(ai = c(2, 38), n1i = c(55, 425), ci = c(14, 56), n2i = c(54, 315)),
  fragility_two   = list(ai = c(10, 12), n1i = c(100, 120), ci = c(25, 24), n2i = c(100, 118)),
  fragility_three = list(ai = c(4, 7, 3), n1i = c(60, 80, 50), ci = c(12, 10, 9), n2i = c(61, 79, 52)))
for (name in names(fragility_sets)) with(fragility_sets[[name]], write_study_csv(name, paste0("S", seq_along(ai)), ai, n1i, ci, n2i))
fragility_side <- function(ai, n1i, ci, n2i, method) {
  res <- tryCatch(suppressWarnings(
    if (method == "MH") rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = "RR", add = c(0.5, 0.5), to = c("only0", "only0"), drop00 = c(TRUE, TRUE))
    else rma(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = "RR", method = method, control = ctrl)), error = function(e) NULL)
  if (is.null(res)) NA else if (res$ci.ub < 0) -1 else if (res$ci.lb > 0) 1 else 0
}
# Every integer vector of length d whose absolute values sum to m, one per row.
changes_of_total <- function(d, m) {
  if (d == 1) return(if (m == 0) matrix(0, 1, 1) else matrix(c(m, -m), 2, 1))
  do.call(rbind, lapply(-m:m, function(x) { rest <- changes_of_total(d - 1, m - abs(x)); cbind(rep(x, nrow(rest)), rest) }))
}
frows <- list()
for (name in names(fragility_sets)) for (method in c("EE", "MH", "DL", "REML")) {
  s <- fragility_sets[[name]]; k <- length(s$ai)
  before <- fragility_side(s$ai, s$n1i, s$ci, s$n2i, method)
  found <- NA
  for (m in 1:7) {
    v <- changes_of_total(2 * k, m)
    for (r in seq_len(nrow(v))) {
      ai <- s$ai + v[r, seq(1, 2 * k, 2)]; ci <- s$ci + v[r, seq(2, 2 * k, 2)]
      if (any(ai < 0 | ai > s$n1i | ci < 0 | ci > s$n2i)) next
      side <- fragility_side(ai, s$n1i, ci, s$n2i, method)
      if (!is.na(side) && side != before) { found <- m; break }
    }
    if (!is.na(found)) break
  }
  frows[[length(frows) + 1]] <- data.frame(dataset = name, method = method, m = found)
}
write.csv(do.call(rbind, frows), file.path(out, "fragility.csv"), row.names = FALSE)

# The estimator comparison (sensitivity::compare_estimators): every tau^2 estimator, including
# those only compared (HS, HSk, PMM), fitted with rma on each dataset's RR with the default
# zero-cell rule; Wald and Knapp-Hartung. To OUTDIR/estimators.csv.
erows <- list()
for (name in c("bcg", "egger2001", "hine1989", "collins1985a", "nielweise2007", "zero_cells", "k2",
               sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  for (method in c("DL", "REML", "PM", "PMM", "ML", "HE", "HS", "HSk", "SJ", "EB")) for (test in c("z", "knha")) {
    res <- tryCatch(suppressWarnings(rma(measure = "RR", ai = events_treatment, n1i = total_treatment, ci = events_control,
                                         n2i = total_control, data = d, method = method, test = test, control = ctrl)),
                    error = function(e) NULL)
    if (is.null(res)) next
    erows[[length(erows) + 1]] <- data.frame(dataset = name, method = method, test = test,
      tau2 = sprintf("%.17g", res$tau2), estimate = sprintf("%.17g", exp(res$beta[1])),
      ci_lower = sprintf("%.17g", exp(res$ci.lb)), ci_upper = sprintf("%.17g", exp(res$ci.ub)), i2 = sprintf("%.17g", res$I2))
  }
}
write.csv(do.call(rbind, erows), file.path(out, "estimators.csv"), row.names = FALSE)

# Peters' and Harbord's tests (sensitivity::peters, sensitivity::harbord), written out here with
# lm(): Peters regresses each trial's effect (escalc's defaults) on 1/N with weights
# 1/(1/events + 1/non-events), Harbord the score Z/V on 1/sqrt(V) with weights V; each tests the
# slope. To OUTDIR/smallstudy_binary.csv.
brows <- list()
for (name in c("bcg", "egger2001", "hine1989", "collins1985a", "nielweise2007", "yusuf1985", "zero_cells",
               "double_zero", "imbalance", sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  d[] <- lapply(d, function(col) if (is.numeric(col)) as.numeric(col) else col)  # no integer overflow
  ev <- d$events_treatment + d$events_control; N <- d$total_treatment + d$total_control; ne <- N - ev
  slope_row <- function(test, measure, f) {
    co <- summary(f)$coefficients
    brows[[length(brows) + 1]] <<- data.frame(dataset = name, measure = measure, test = test, df = f$df.residual,
      statistic = sprintf("%.17g", co[2, "t value"]), p = sprintf("%.17g", co[2, "Pr(>|t|)"]), intercept = sprintf("%.17g", co[1, "Estimate"]))
  }
  for (measure in c("RR", "OR")) {
    es <- escalc(measure, ai = events_treatment, n1i = total_treatment, ci = events_control, n2i = total_control, data = d)
    keep <- is.finite(es$yi) & ev > 0 & ne > 0
    if (sum(keep) >= 3) slope_row("peters", measure, lm(yi ~ I(1 / N), weights = 1 / (1 / ev + 1 / ne), data = data.frame(yi = es$yi, N = N, ev = ev, ne = ne)[keep, ]))
    Z <- d$events_treatment - ev * d$total_treatment / N
    V <- d$total_treatment * d$total_control * ev * ne / (N^2 * (N - 1))
    keep <- V > 0
    if (sum(keep) >= 3) slope_row("harbord", measure, lm(score ~ I(1 / sqrt(V)), weights = V, data = data.frame(score = Z / V, V = V)[keep, ]))
    # Rücker: Egger's regression (yi on its SE, weights 1/vi) on the arcsine difference, over the
    # trials the measure's analysis uses.
    asd <- escalc("AS", ai = events_treatment, n1i = total_treatment, ci = events_control, n2i = total_control, data = d)
    keep <- is.finite(es$yi)
    if (sum(keep) >= 3) slope_row("ruecker", measure, lm(yi ~ sqrt(vi), weights = 1 / vi, data = as.data.frame(asd)[keep, ]))
  }
}
write.csv(do.call(rbind, brows), file.path(out, "smallstudy_binary.csv"), row.names = FALSE)

# PET-PEESE (sensitivity::pet_peese): the intercepts of lm(yi ~ sei) and lm(yi ~ vi), weights
# 1/vi, with their 95% CIs and P values. To OUTDIR/petpeese.csv.
prows <- list()
for (name in c("bcg", "egger2001", "hine1989", "collins1985a", "nielweise2007", "yusuf1985", "zero_cells",
               "imbalance", sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  for (measure in c("RR", "OR")) {
    es <- escalc(measure, ai = events_treatment, n1i = total_treatment, ci = events_control, n2i = total_control, data = d)
    es <- es[is.finite(es$yi), ]
    if (nrow(es) < 3) next
    for (form in c("pet", "peese")) {
      f <- if (form == "pet") lm(yi ~ sqrt(vi), weights = 1 / vi, data = es) else lm(yi ~ vi, weights = 1 / vi, data = es)
      co <- summary(f)$coefficients; ci <- confint(f, level = 0.95)
      prows[[length(prows) + 1]] <- data.frame(dataset = name, measure = measure, form = form,
        estimate = sprintf("%.17g", co[1, "Estimate"]), p = sprintf("%.17g", co[1, "Pr(>|t|)"]),
        lower = sprintf("%.17g", ci[1, 1]), upper = sprintf("%.17g", ci[1, 2]))
    }
  }
}
write.csv(do.call(rbind, prows), file.path(out, "petpeese.csv"), row.names = FALSE)

# Meta-regression on one moderator (moderators::moderator_analysis): rma(mods = ~ x) with each
# estimator and test; a text moderator as factor(), trials with NA left out as rma does. The
# moderators go to OUTDIR/datasets/<name>_moderators.csv, the fits to OUTDIR/metareg.csv
# (dataset, moderator, measure, method, test, quantity, value).
write.csv(data.frame(ablat = dat.bcg$ablat, year = dat.bcg$year, alloc = dat.bcg$alloc,
                     ablat_gaps = replace(dat.bcg$ablat, c(3, 7), NA)),
          file.path(out, "datasets", "bcg_moderators.csv"), row.names = FALSE)
write.csv(data.frame(dose = 1:6, arm = c("a", "b", "a", "b", "a", "c")),
          file.path(out, "datasets", "zero_cells_moderators.csv"), row.names = FALSE)
mrows <- list()
for (name in c("bcg", "zero_cells")) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  m <- read.csv(file.path(out, "datasets", paste0(name, "_moderators.csv")), stringsAsFactors = FALSE)
  for (moderator in names(m)) for (measure in c("RR", "OR", "RD")) for (method in c("EE", "DL", "REML", "PM", "ML", "HE", "SJ", "EB")) for (test in c("z", "knha", "adhoc")) {
    if (method == "EE" && test != "z") next
    dx <- cbind(d, x = m[[moderator]])
    f <- if (is.character(dx$x)) ~ factor(x) else ~ x
    res <- tryCatch(suppressWarnings(rma(measure = measure, ai = events_treatment, n1i = total_treatment, ci = events_control,
                                         n2i = total_control, mods = f, data = dx, method = method, test = test, control = ctrl)),
                    error = function(e) NULL)
    if (is.null(res)) next
    q <- c(k = res$k, tau2 = res$tau2, QE = res$QE, QEp = res$QEp, QM = res$QM, QMp = res$QMp)
    if (method != "EE") q <- c(q, I2 = res$I2)
    # R2 compares two tau^2 fits; where the one without the moderator is at rounding level
    # (1e-14) both tools' ratios are noise, and the engine says 0 (NO_HETEROGENEITY).
    tau2_without <- rma(res$yi, res$vi, method = method, control = ctrl)$tau2
    if (method != "EE" && tau2_without > 1e-8) q["R2"] <- res$R2
    for (i in seq_along(res$beta)) q[paste0(c("b", "se", "p", "lb", "ub"), i)] <- c(res$beta[i], res$se[i], res$pval[i], res$ci.lb[i], res$ci.ub[i])
    mrows[[length(mrows) + 1]] <- data.frame(dataset = name, moderator = moderator, measure = measure, method = method, test = test,
                                             quantity = names(q), value = sprintf("%.17g", q))
  }
}
write.csv(do.call(rbind, mrows), file.path(out, "metareg.csv"), row.names = FALSE)

# Bayesian random effects (bayes::bayes_random_effects), by a quadrature written separately
# here: flat prior on mu, so mu | tau is normal with the inverse-variance mean and variance and
# p(tau | y) is one-dimensional; R's integrate() (QUADPACK) over tau for the normalising
# constant and every summary, uniroot() for the quantiles. To OUTDIR/bayes.csv.
bayes_summaries <- function(y, v, logprior, scale) {
  cond <- function(t) { w <- 1 / (v + t^2); c(sum(w * y) / sum(w), 1 / sum(w)) }
  logpost <- function(t) { w <- 1 / (v + t^2); m <- sum(w * y) / sum(w)
    logprior(t) - 0.5 * log(sum(w)) - 0.5 * sum(log(v + t^2)) - 0.5 * sum(w * (y - m)^2) }
  grid <- seq(0, 20 * max(scale, sd(y), 1e-3, na.rm = TRUE), length.out = 4001)
  peak <- max(sapply(grid, logpost))
  dens <- function(t) sapply(t, function(ti) exp(logpost(ti) - peak))
  split <- 3 * max(scale, sd(y), 1e-3, na.rm = TRUE)
  integral <- function(f, upper = Inf) {
    if (upper <= split) return(integrate(f, 0, upper, rel.tol = 1e-10, abs.tol = 0, subdivisions = 5000)$value)
    integrate(f, 0, split, rel.tol = 1e-10, abs.tol = 0, subdivisions = 5000)$value +
      integrate(f, split, upper, rel.tol = 1e-10, abs.tol = 0, subdivisions = 5000)$value
  }
  Z <- integral(dens)
  mix_cdf <- function(x, predictive) integral(function(t) dens(t) * sapply(t, function(ti) {
    cm <- cond(ti); pnorm((x - cm[1]) / sqrt(cm[2] + if (predictive) ti^2 else 0)) })) / Z
  mu_mean <- integral(function(t) dens(t) * sapply(t, function(ti) cond(ti)[1])) / Z
  solve_q <- function(f, q, lo, hi) uniroot(function(x) f(x) - q, c(lo, hi), extendInt = "upX", tol = 1e-13)$root
  sd0 <- sqrt(1 / sum(1 / v))  # a step for the bracket only
  mu_q <- function(q, pred) solve_q(function(x) mix_cdf(x, pred), q, mu_mean - 3 * sd0, mu_mean + 3 * sd0)
  tau_cdf <- function(t) if (t <= 0) 0 else integral(dens, t) / Z
  tau_q <- function(q) uniroot(function(t) tau_cdf(t) - q, c(0, split), extendInt = "upX", tol = 1e-13)$root
  c(mu_mean = mu_mean, mu_median = mu_q(0.5, FALSE), mu_lower = mu_q(0.025, FALSE), mu_upper = mu_q(0.975, FALSE),
    pred_lower = mu_q(0.025, TRUE), pred_upper = mu_q(0.975, TRUE),
    tau_median = tau_q(0.5), tau_lower = tau_q(0.025), tau_upper = tau_q(0.975), p_below0 = mix_cdf(0, FALSE),
    # Beyond thresholds of clinical importance (ratios of 0.8 and 1.25), for mu and a new trial.
    p_below_0.8 = mix_cdf(log(0.8), FALSE), p_pred_below_0.8 = mix_cdf(log(0.8), TRUE),
    p_below_1.25 = mix_cdf(log(1.25), FALSE), p_pred_below_1.25 = mix_cdf(log(1.25), TRUE))
}
# Named by livemeta's prior codes (TauPrior::code); `a` is a typical tau, to size the grid.
# Log-normal tau^2 (Turner et al. 2015): log tau^2 ~ N(m, s^2), so p(tau) is proportional to
# exp(-((2 log tau - m) / s)^2 / 2) / tau.
lognormal_tau2 <- function(m, s) list(name = sprintf("lnt2:%s:%s", m, s), a = exp(m / 2),
  f = function(t) ifelse(t > 0, -log(t) - 0.5 * ((2 * log(t) - m) / s)^2, -Inf))
priors <- list(
  list(name = "hn:0.5", a = 0.5, f = function(t) -0.5 * (t / 0.5)^2),
  list(name = "hn:1", a = 1.0, f = function(t) -0.5 * (t / 1.0)^2),
  list(name = "hc:0.5", a = 0.5, f = function(t) -log(1 + (t / 0.5)^2)),
  list(name = "hc:1", a = 1.0, f = function(t) -log(1 + (t / 1.0)^2)),
  lognormal_tau2(-2.56, 1.74), lognormal_tau2(-2.49, 1.52), lognormal_tau2(-1.87, 1.52))
yrows <- list()
for (name in c("bcg", "egger2001", "hine1989", "nielweise2007", "k1", "k2", "zero_cells", "tau2_zero",
               sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  for (measure in c("RR", "OR")) {
    es <- escalc(measure, ai = events_treatment, n1i = total_treatment, ci = events_control, n2i = total_control, data = d)
    es <- es[is.finite(es$yi), ]
    for (p in priors) {
      s <- bayes_summaries(es$yi, es$vi, p$f, p$a)
      yrows[[length(yrows) + 1]] <- data.frame(dataset = name, measure = measure, prior = p$name, scale = p$a,
                                               quantity = names(s), value = sprintf("%.17g", s))
    }
  }
}
write.csv(do.call(rbind, yrows), file.path(out, "bayes.csv"), row.names = FALSE)

# Profile-likelihood intervals (profile::tau2_profile_interval, profile::mu_profile_interval):
# tau^2 by metafor's confint(res, type = "PL") for ML and REML fits; mu under ML by the
# likelihood maximised over tau^2 at each mu, written here with optimize() and uniroot().
# To OUTDIR/profile.csv.
lrows <- list()
for (name in c("bcg", "egger2001", "hine1989", "nielweise2007", "collins1985a", "k2", "zero_cells", "tau2_zero",
               sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  for (measure in c("RR", "OR")) {
    es <- escalc(measure, ai = events_treatment, n1i = total_treatment, ci = events_control, n2i = total_control, data = d)
    es <- es[is.finite(es$yi), ]
    if (nrow(es) < 2) next
    for (method in c("ML", "REML")) {
      res <- rma(yi, vi, data = es, method = method, control = ctrl)
      ci <- tryCatch(suppressWarnings(confint(res, type = "PL", control = ci_ctrl))$random[1, 2:3], error = function(e) c(NA, NA))
      q <- c(tau2_lower = ci[[1]], tau2_upper = ci[[2]])
      if (method == "ML") {
        ll <- function(mu, t2) sum(dnorm(es$yi, mu, sqrt(es$vi + t2), log = TRUE))
        top <- 100 * max(var(es$yi), es$vi)
        pl <- function(mu) { at0 <- ll(mu, 0); o <- optimize(function(t2) ll(mu, t2), c(0, top), maximum = TRUE, tol = 1e-14); max(at0, o$objective) }
        peak <- ll(res$beta[1], res$tau2); crit <- qchisq(0.95, 1) / 2
        f <- function(mu) peak - pl(mu) - crit
        q["mu_lower"] <- uniroot(f, c(res$beta[1] - res$se, res$beta[1]), extendInt = "downX", tol = 1e-14)$root
        q["mu_upper"] <- uniroot(f, c(res$beta[1], res$beta[1] + res$se), extendInt = "upX", tol = 1e-14)$root
      }
      q <- q[!is.na(q)]
      lrows[[length(lrows) + 1]] <- data.frame(dataset = name, measure = measure, method = method,
                                               quantity = names(q), value = sprintf("%.17g", q))
    }
  }
}
write.csv(do.call(rbind, lrows), file.path(out, "profile.csv"), row.names = FALSE)

# Likelihood models without continuity correction (glmm::likelihood_fit): metafor's
# rma.glmm(measure = "OR", method = "EE") with the conditional exact likelihood (CM.EL, needs
# BiasedUrn, whose moments also give the exact root of the score), its binomial approximation
# (CM.AL, a logistic regression that glm solves exactly) and logistic regression with fixed study
# intercepts (UM.FS). Cases where metafor's
# estimate is not finite (|log OR| > 15: every event in one arm) are left out; the engine
# refuses those. To OUTDIR/glmm.csv.
grows <- list()
glm_ctrl <- list(glmCtrl = list(epsilon = 1e-14, maxit = 200), optCtrl = list(reltol = 1e-14, maxit = 10000), hessianCtrl = list(r = 8))
for (name in c("bcg", "egger2001", "hine1989", "nielweise2007", "collins1985a", "yusuf1985", "k2", "zero_cells", "double_zero",
               sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  for (model in c("CM.EL", "CM.AL", "UM.FS")) {
    res <- tryCatch(suppressWarnings(rma.glmm(measure = "OR", ai = events_treatment, n1i = total_treatment, ci = events_control,
                                              n2i = total_control, data = d, model = model, method = "EE", control = glm_ctrl)),
                    error = function(e) NULL)
    if (is.null(res) || abs(res$beta[1]) > 15) next
    q <- c(k = res$k, beta = res$beta[1], se = res$se, ci_lb = res$ci.lb, ci_ub = res$ci.ub, pval = res$pval)
    if (model == "CM.EL") {
      # rma.glmm maximises the conditional likelihood numerically and stops up to 2e-6 from
      # the maximum (its score there is of order 1e-4); the exact root of the score, with
      # BiasedUrn's moments at full precision, is the reference to 1e-6.
      di <- d[(d$events_treatment + d$events_control) > 0 & (d$events_treatment + d$events_control) < (d$total_treatment + d$total_control), ]
      moments <- function(theta) sapply(seq_len(nrow(di)), function(i) with(di[i, ], {
        m <- events_treatment + events_control
        c(events_treatment - BiasedUrn::meanFNCHypergeo(total_treatment, total_control, m, exp(theta), precision = 1e-15),
          BiasedUrn::varFNCHypergeo(total_treatment, total_control, m, exp(theta), precision = 1e-15)) }))
      root <- uniroot(function(t) sum(moments(t)[1, ]), res$beta[1] + c(-0.1, 0.1), extendInt = "downX", tol = 1e-15)$root
      q <- c(q, beta_exact = root, se_exact = 1 / sqrt(sum(moments(root)[2, ])))
    }
    grows[[length(grows) + 1]] <- data.frame(dataset = name, model = model, quantity = names(q), value = sprintf("%.17g", q))
  }
}
write.csv(do.call(rbind, grows), file.path(out, "glmm.csv"), row.names = FALSE)

# Per-trial diagnostics (diagnostics::trial_diagnostics): blup() (predictions, SE, interval),
# rstandard()'s z, radial()'s x and y, and qqnorm's theoretical quantiles qnorm(ppoints(k)).
# To OUTDIR/diagnostics.csv.
drows <- list()
for (name in c("bcg", "egger2001", "hine1989", "nielweise2007", "collins1985a", "k2", "zero_cells", "tau2_zero",
               sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  for (method in c("DL", "REML")) for (test in c("z", "knha")) {
    res <- tryCatch(rma(measure = "RR", ai = events_treatment, n1i = total_treatment, ci = events_control, n2i = total_control,
                        data = d, method = method, test = test, control = ctrl), error = function(e) NULL)
    if (is.null(res) || res$k < 2) next
    b <- blup(res); z <- rstandard(res)$z; rd <- radial(res)
    ok <- !is.na(b$pred)
    q <- c(blup = b$pred[ok], se = b$se[ok], lower = b$pi.lb[ok], upper = b$pi.ub[ok], z = z[ok], rx = rd$x, ry = rd$y,
           qq = qnorm(ppoints(res$k)))
    drows[[length(drows) + 1]] <- data.frame(dataset = name, method = method, test = test, quantity = names(q), value = sprintf("%.17g", q))
  }
}
write.csv(do.call(rbind, drows), file.path(out, "diagnostics.csv"), row.names = FALSE)

# Step-function selection model (selection::step_selection_model): metafor's selmodel(type =
# "stepfun", steps = c(0.025, 1)) on an ML or EE fit, in the direction of the REML pooled estimate;
# and the same likelihood written out here, maximised to the root of its gradient by Newton
# steps on numDeriv's derivatives from selmodel's estimate. A dataset with an empty P-value
# interval is marked "empty". To OUTDIR/selection.csv.
step_ll <- function(p, y, v, steps, free_tau2) {
  mu <- p[1]; tau2 <- if (free_tau2) p[2] else 0; delta <- c(1, p[-(1:(1 + free_tau2))])
  s <- sqrt(v + tau2)
  pv <- pnorm(y / sqrt(v), lower.tail = FALSE)
  grp <- sapply(pv, function(x) which(x <= steps)[1])
  edges <- cbind(Inf, sapply(steps[steps < 1], function(st) sqrt(v) * qnorm(1 - st)), -Inf)
  prob <- sapply(seq_along(steps), function(j) pnorm((edges[, j] - mu) / s) - pnorm((edges[, j + 1] - mu) / s))
  sum(log(delta[grp]) + dnorm(y, mu, s, log = TRUE) - log(as.vector(prob %*% delta)))
}
srows <- list()
for (name in c("bcg", "egger2001", "hine1989", "nielweise2007", "collins1985a", "zero_cells",
               sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  for (measure in c("RR", "OR", "AS")) for (method in c("ML", "EE")) {
    es <- escalc(measure, ai = events_treatment, n1i = total_treatment, ci = events_control, n2i = total_control, data = d)
    es <- es[is.finite(es$yi), ]
    if (nrow(es) < 4) next
    lower <- rma(yi, vi, data = es)$beta[1] < 0
    alt <- if (lower) "less" else "greater"
    y <- if (lower) -es$yi else es$yi
    grp <- sapply(pnorm(y / sqrt(es$vi), lower.tail = FALSE), function(x) which(x <= c(0.025, 1))[1])
    q <- if (length(unique(grp)) < 2) c(empty = 1) else {
      res <- rma(yi, vi, data = es, method = method, control = ctrl)
      # optim's default reltol (1e-8) stops up to 1e-3 short on flat likelihoods; 1e-14 does not.
      sel <- selmodel(res, type = "stepfun", steps = c(0.025, 1), alternative = alt, control = list(reltol = 1e-14))
      free <- method == "ML" && sel$tau2 > 1e-10
      p <- c(if (lower) -sel$beta[1] else sel$beta[1], if (free) sel$tau2, sel$delta[2])
      f <- function(p) step_ll(p, y, es$vi, c(0.025, 1), free)
      for (it in 1:30) { p <- p - solve(numDeriv::hessian(f, p), numDeriv::grad(f, p)) }
      cov <- solve(-numDeriv::hessian(f, p))
      c(mu = sel$beta[1], se_mu = sel$se, tau2 = sel$tau2, delta2 = sel$delta[2], ll = as.numeric(logLik(sel)),
        lrt = sel$LRT, lrt_p = sel$LRTp, ci_lb = sel$ci.lb, ci_ub = sel$ci.ub,
        mu_exact = if (lower) -p[1] else p[1], se_mu_exact = sqrt(cov[1, 1]), tau2_exact = if (free) p[2] else 0,
        delta2_exact = p[length(p)], se_delta2_exact = sqrt(cov[length(p), length(p)]), ll_exact = f(p))
    }
    srows[[length(srows) + 1]] <- data.frame(dataset = name, measure = measure, method = method, alternative = alt, quantity = names(q), value = sprintf("%.17g", q))
  }
}
write.csv(do.call(rbind, srows), file.path(out, "selection.csv"), row.names = FALSE)

# The conditional model with random effects (glmm::conditional_random_effects): rma.glmm(model =
# "CM.EL", method = "ML"), whose integrate() runs at its default precision (about 1e-4), and the
# same marginal likelihood written here (the noncentral hypergeometric from lchoose(), integrated
# over the normal random effect at 1e-12), maximised by Newton steps on numDeriv's derivatives
# from rma.glmm's estimate. Fits at tau^2 = 0 are the common-effect model, compared above. To
# OUTDIR/glmm_random.csv.
cond_log_marginal <- function(x, n1, n2, m, mu, tau2) {
  u <- max(0, m - n2):min(n1, m)
  lw <- lchoose(n1, u) + lchoose(n2, m - u)
  pmf <- function(theta) sapply(theta, function(t) { l <- lw + t * u; exp(lw[u == x] + t * x - max(l) - log(sum(exp(l - max(l))))) })
  log(integrate(function(z) pmf(mu + sqrt(tau2) * z) * dnorm(z), -Inf, Inf, rel.tol = 1e-12, subdivisions = 1000)$value)
}
rrows <- list()
for (name in c("egger2001", "zero_cells", "nielweise2007")) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  m <- d$events_treatment + d$events_control
  d <- d[m > 0 & m < d$total_treatment + d$total_control, ]
  res <- tryCatch(suppressWarnings(rma.glmm(measure = "OR", ai = events_treatment, n1i = total_treatment, ci = events_control,
                                            n2i = total_control, data = d, model = "CM.EL", method = "ML")), error = function(e) NULL)
  if (is.null(res) || res$tau2 < 1e-4) next
  f <- function(p) sum(mapply(cond_log_marginal, d$events_treatment, d$total_treatment, d$total_control,
                              d$events_treatment + d$events_control, MoreArgs = list(mu = p[1], tau2 = p[2])))
  p <- c(res$beta[1], res$tau2)
  for (it in 1:8) p <- p - solve(numDeriv::hessian(f, p), numDeriv::grad(f, p))
  se <- sqrt(solve(-numDeriv::hessian(f, p))[1, 1])
  q <- c(k = res$k, beta = res$beta[1], se = res$se, tau2 = res$tau2, ll = as.numeric(logLik(res)),
         beta_exact = p[1], se_exact = se, tau2_exact = p[2], ll_exact = f(p))
  rrows[[length(rrows) + 1]] <- data.frame(dataset = name, quantity = names(q), value = sprintf("%.17g", q))
}
write.csv(do.call(rbind, rrows), file.path(out, "glmm_random.csv"), row.names = FALSE)

# The models rma.glmm fits through lme4::glmer (glmer::approximate_conditional_random_effects,
# glmer::random_study_effects): CM.AL with method = "ML", UM.RS with "EE" and "ML". glmer's
# optimiser stops when the deviance changes by about 1e-7, which on these flat likelihoods is
# 1e-4 in the log odds ratio, and its standard errors come from a finite-difference Hessian, so
# rma.glmm's numbers are the loose reference. The exact one: glmer's own approximation (adaptive
# Gauss-Hermite with GHrule(7) nodes for one random effect per trial, Laplace for two) written
# out here, checked against glmer's deviance function (devFunOnly) at two points, and maximised to the root of its gradient by Newton steps on numDeriv's
# derivatives. Variance components at zero are fixed there. To OUTDIR/glmer.csv.
glmer_trial_ll <- function(y, n, eta, Z, nodes) {
  d <- ncol(Z); u <- rep(0, d)
  joint <- function(u) { e <- eta + Z %*% u; sum(y * e - n * log1p(exp(e)) + lchoose(n, y)) - sum(u^2) / 2 }
  curvature <- function(u) { p <- as.vector(plogis(eta + Z %*% u)); t(Z) %*% (Z * (n * p * (1 - p))) + diag(d) }
  for (it in 1:100) {
    step <- solve(curvature(u), t(Z) %*% (y - n * plogis(eta + Z %*% u)) - u)
    while (max(abs(step)) > 1e-10 && joint(u + step) < joint(u)) step <- step / 2
    u <- u + step
    if (max(abs(step)) < 1e-14) break
  }
  H <- curvature(u)
  if (is.null(nodes)) return(joint(u) - 0.5 * log(det(H)))
  s <- 1 / sqrt(H[1, 1])
  log(s) + log(sum(nodes[, "w"] * exp(sapply(nodes[, "z"], function(z) joint(u + s * z)) - nodes[, "ldnorm"]))) - 0.5 * log(2 * pi)
}
gh7 <- lme4::GHrule(7)
# Tighter than glmer's defaults (which stop 5e-4 short on egger2001's UM.RS); a flat likelihood
# still leaves its estimates 1e-4 from the maximum.
glmer_ctrl <- list(glmerCtrl = list(optimizer = "nloptwrap", tolPwrss = 1e-10,
                                    optCtrl = list(xtol_abs = 1e-12, ftol_abs = 1e-14, xtol_rel = 1e-12, maxeval = 1e5)))
grows2 <- list()
for (name in c("egger2001", "nielweise2007", "bcg", "zero_cells", sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  m <- d$events_treatment + d$events_control
  d <- d[m > 0 & m < d$total_treatment + d$total_control, ]
  a <- d$events_treatment; c <- d$events_control; n1 <- d$total_treatment; n2 <- d$total_control; k <- nrow(d)
  arms <- list(y = cbind(c(rbind(a, c)), c(rbind(n1 - a, n2 - c))), g1 = rep(c(1, 0), k), g = rep(c(1, -1) / 2, k), st = factor(rep(seq_len(k), each = 2)))
  for (model in c("CM.AL-ML", "UM.RS-EE", "UM.RS-ML")) {
    fit <- function(control) tryCatch(suppressWarnings(rma.glmm(measure = "OR", ai = events_treatment, n1i = total_treatment, ci = events_control,
      n2i = total_control, data = d, model = sub("-.*", "", model), method = sub(".*-", "", model), control = control)), error = function(e) NULL)
    res <- fit(glmer_ctrl)
    if (is.null(res)) res <- fit(list())
    if (is.null(res) || k < 2) next
    # Parameters (beta, [control intercept, sigma], [tau]), standard deviations last, and
    # glmer's deviance function for the same model, whose arguments are (theta, intercept, beta).
    if (model == "CM.AL-ML") {
      f <- function(p) sum(sapply(seq_len(k), function(i) glmer_trial_ll(a[i], a[i] + c[i], log(n1[i] / n2[i]) + p[1], matrix(p[2]), gh7)))
      dev <- lme4::glmer(cbind(a, c) ~ 1 + (1 | study), data = data.frame(a, c, study = factor(seq_len(k))), offset = log(n1 / n2),
                         family = binomial, nAGQ = 7, devFunOnly = TRUE)
      lme4_dev <- function(p) dev(c(p[2], p[1]))
      p <- c(res$beta[1], sqrt(res$tau2))
    } else {
      random <- model == "UM.RS-ML"
      f <- function(p) sum(sapply(seq_len(k), function(i) glmer_trial_ll(c(a[i], c[i]), c(n1[i], n2[i]), p[2] + c(p[1], 0),
        if (random) cbind(c(p[3], p[3]), c(p[4], -p[4]) / 2) else cbind(c(p[3], p[3])), if (random) NULL else gh7)))
      dev <- if (random) lme4::glmer(y ~ g1 + (g || st), data = arms, family = binomial, nAGQ = 1, devFunOnly = TRUE)
             else lme4::glmer(y ~ g1 + (1 | st), data = arms, family = binomial, nAGQ = 7, devFunOnly = TRUE)
      lme4_dev <- function(p) dev(c(p[-(1:2)], p[2], p[1]))
      p <- optim(c(res$beta[1], qlogis(sum(c) / sum(n2)), 1, if (random) sqrt(res$tau2)), function(p) -f(p), method = "BFGS", control = list(reltol = 1e-12, maxit = 1000))$par
    }
    p[-(1:(1 + (model != "CM.AL-ML")))] <- abs(p[-(1:(1 + (model != "CM.AL-ML")))])
    free <- p > 1e-4 | seq_along(p) <= 1 + (model != "CM.AL-ML")
    # glmer's deviance differs from -2 f by a constant (binomial terms it leaves out); its inner
    # iterations are asked for 1e-13, or less where they cannot get there.
    shift <- p + 0.05 * free
    for (tol in c(1e-13, 1e-11, 1e-9)) {
      environment(dev)$tolPwrss <- tol
      gap <- tryCatch(abs((-2 * f(p) - lme4_dev(p)) - (-2 * f(shift) - lme4_dev(shift))), error = function(e) NA)
      if (!is.na(gap)) break
    }
    stopifnot(gap < 1e-6)
    g <- function(q) { x <- p; x[free] <- q; x[!free] <- 0; f(x) }
    q <- p[free]
    for (it in 1:12) q <- q - solve(numDeriv::hessian(g, q), numDeriv::grad(g, q))
    se <- sqrt(solve(-numDeriv::hessian(g, q))[1, 1])
    tau2_exact <- if (model == "UM.RS-EE") 0 else { x <- p; x[free] <- q; x[!free] <- 0; x[length(x)]^2 }
    v <- c(k = res$k, beta = res$beta[1], se = res$se, tau2 = res$tau2, beta_exact = q[1], se_exact = se, tau2_exact = tau2_exact, ll_exact = g(q))
    grows2[[length(grows2) + 1]] <- data.frame(dataset = name, model = model, quantity = names(v), value = sprintf("%.17g", v))
  }
}
write.csv(do.call(rbind, grows2), file.path(out, "glmer.csv"), row.names = FALSE)
# Convention presets (conventions.rs): each tool's defaults for 2x2 data, reproduced here with
# metafor calls (README, "Convention presets"). Every preset adds 0.5 to the cells of tables
# with a zero cell; RevMan 5, RevMan 2025 and R meta leave out double-zero trials.
#   RevMan 5:    DL tau² from Q around rma.mh's estimate, rma(yi, vi, tau2 = tau2); I² = (Q - df)/Q
#   RevMan 2025: rma(yi, vi, method = "REML", test = "knha"); PI with t on k - 2 df
#   metafor:     rma(yi, vi, method = "REML"); predict()
#   R meta:      rma(yi, vi, method = "REML"); I² = (QE - df)/QE
#   Stata:       rma(yi, vi, method = "REML")
# The tau² CI is the Q-profile one, confint() of the REML fit. To OUTDIR/presets.csv.
prows <- list()
preset_sets <- c("bcg", "zero_cells", "double_zero", "k2", "egger2001", sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))
for (name in preset_sets) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (measure in c("RR", "OR", "RD")) for (preset in c("revman5", "revman2025", "metafor", "meta", "stata")) {
    drop00 <- preset %in% c("revman5", "revman2025", "meta")
    es <- escalc(measure = measure, ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control,
                 n2i = d$total_control, add = 0.5, to = "only0", drop00 = drop00)
    ok <- is.finite(es$yi) & is.finite(es$vi) & es$vi > 0
    yi <- as.numeric(es$yi[ok]); vi <- es$vi[ok]; k <- length(yi); w <- 1 / vi; df <- k - 1
    if (k < 2) next
    if (preset == "revman5") {
      mh <- rma.mh(ai = d$events_treatment[ok], n1i = d$total_treatment[ok], ci = d$events_control[ok], n2i = d$total_control[ok],
                   measure = measure, add = c(0.5, 0.5), to = c("only0", "only0"), drop00 = c(TRUE, TRUE))
      q <- sum((yi - mh$beta[1])^2 / vi)
      res <- rma(yi, vi, tau2 = max(0, (q - df) / (sum(w) - sum(w^2) / sum(w))))
    } else {
      res <- rma(yi, vi, method = "REML", test = if (preset == "revman2025") "knha" else "z", control = ctrl)
      q <- res$QE
    }
    back <- if (measure == "RD") identity else exp
    from_q <- preset %in% c("revman5", "meta")
    qp <- confint(rma(yi, vi, method = "REML", control = ctrl), control = ci_ctrl)$random[1, 2:3]
    v <- c(beta = res$beta[1], se = res$se, ci_lb = back(res$ci.lb), ci_ub = back(res$ci.ub), QE = q, tau2 = res$tau2,
           I2 = if (from_q) max(0, 100 * (q - df) / q) else res$I2, H2 = if (from_q) q / df else res$H2,
           tau2_lb = qp[[1]], tau2_ub = qp[[2]])
    if (preset == "metafor") { p <- predict(res); v <- c(v, pi_lb = back(p$pi.lb), pi_ub = back(p$pi.ub)) }
    if (preset == "revman2025" && k >= 3) {
      half <- qt(0.975, k - 2) * sqrt(res$tau2 + res$se^2)
      v <- c(v, pi_lb = back(res$beta[1] - half), pi_ub = back(res$beta[1] + half))
    }
    prows[[length(prows) + 1]] <- data.frame(dataset = name, preset = preset, measure = measure, quantity = names(v), value = sprintf("%.17g", v))
  }
}
write.csv(do.call(rbind, prows), file.path(out, "presets.csv"), row.names = FALSE)

# Absolute effects and thresholds of clinical importance (interpret/), from rma() REML fits
# with z and Knapp-Hartung tests. The anticipated risk at a control risk (ACR) by the Cochrane
# Handbook's formulas, within [0, 1], and 1/|risk - ACR| at the estimate and at each CI limit,
# to OUTDIR/absolute.csv. The probability that the mean effect (the pooled estimate's normal or
# t distribution) and a new trial's effect (sqrt(tau^2 + se^2), with the prediction interval's
# df) lie beyond a threshold, on its side away from no effect; a threshold per 1,000 is read at
# the ACR. To OUTDIR/threshold.csv.
arows <- list(); trows <- list()
risk_at <- function(measure, acr, e) pmin(1, pmax(0, switch(measure, RR = acr * e, OR = acr * e / (1 - acr + acr * e), RD = acr + e)))
effect_of_risk <- function(measure, acr, r) switch(measure, RR = r / acr, OR = (r / (1 - r)) / (acr / (1 - acr)), RD = r - acr)
for (name in c("bcg", "egger2001", "hine1989", "collins1985a", "nielweise2007", "zero_cells",
               sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  arm <- d[d$total_control > 0, ]
  acrs <- c(pooled = sum(arm$events_control) / sum(arm$total_control),
            median = median(arm$events_control / arm$total_control), "0.1" = 0.1)
  for (measure in c("RR", "OR", "RD")) for (test in c("z", "knha")) {
    res <- tryCatch(suppressWarnings(rma(measure = measure, ai = events_treatment, n1i = total_treatment,
                                         ci = events_control, n2i = total_control, data = d, method = "REML",
                                         test = test, control = ctrl)), error = function(e) NULL)
    if (is.null(res)) next
    ratio <- measure != "RD"
    back <- if (ratio) exp else identity
    e <- back(c(res$beta[1], res$ci.lb, res$ci.ub))
    for (a in names(acrs)) {
      acr <- acrs[[a]]
      r <- risk_at(measure, acr, e)
      v <- c(acr = acr, risk = r[1], lower = r[2], upper = r[3], nnt = 1 / abs(r[1] - acr),
             nnt_lower_end = 1 / abs(r[2] - acr), nnt_upper_end = 1 / abs(r[3] - acr))
      arows[[length(arows) + 1]] <- data.frame(dataset = name, measure = measure, test = test, acr = a,
                                               quantity = names(v), value = sprintf("%.17g", v))
    }
    thresholds <- list()
    for (t in if (ratio) c(0.8, 1.25) else c(-0.02, 0.02)) thresholds[[paste0("effect:", t)]] <- c(none = t)
    for (per in c(-20, 30)) {
      at <- sapply(acrs, function(acr) { r <- acr + per / 1000; if (r > 0 && r < 1) effect_of_risk(measure, acr, r) else NA })
      thresholds[[paste0("per1000:", per)]] <- at[!is.na(at)]
    }
    null <- if (ratio) 1 else 0
    for (code in names(thresholds)) for (a in names(thresholds[[code]])) {
      t <- thresholds[[code]][[a]]
      side <- function(p) if (t < null) p else 1 - p
      at <- if (ratio) log(t) else t
      # Knapp-Hartung applies to a pool of two or more (as the engine's analysis does).
      mean_cdf <- if (test == "z" || res$k < 2) pnorm else function(x) pt(x, res$k - 1)
      for (pi in c("z", "t1", "t2")) {
        v <- c(mean = side(mean_cdf((at - res$beta[1]) / res$se)))
        sd <- sqrt(res$tau2 + res$se^2)
        new_cdf <- switch(pi, z = pnorm, t1 = function(x) pt(x, res$k - 1), t2 = if (res$k >= 3) function(x) pt(x, res$k - 2))
        if (!is.null(new_cdf) && res$k >= 2) v <- c(v, new = side(new_cdf((at - res$beta[1]) / sd)))
        trows[[length(trows) + 1]] <- data.frame(dataset = name, measure = measure, test = test, pi = pi, threshold = code,
                                                 acr = a, quantity = names(v), value = sprintf("%.17g", v))
      }
    }
  }
}
write.csv(do.call(rbind, arows), file.path(out, "absolute.csv"), row.names = FALSE)
write.csv(do.call(rbind, trows), file.path(out, "threshold.csv"), row.names = FALSE)
