# Reference values for the trial sequential analysis (src/tsa.rs), computed independently of
# the engine: the boundaries by a recursive integration written here with a different
# quadrature (composite Gauss-Legendre on the Z-score's sub-density, against the engine's
# Simpson rule) and, where it is precise, by rpact; the cumulative z and D^2 by metafor; and
# the required information size and the looks by the TSA rules written out again here.
# Usage: Rscript tsa_reference.R OUTDIR   (after reference.R has written OUTDIR/datasets)
# Writes OUTDIR/tsa_boundaries.csv (case,alpha,index,fraction,boundary,rpact) and
# OUTDIR/tsa.csv (dataset,method,quantity,index,value).
suppressPackageStartupMessages({ library(metafor); library(rpact) })
out <- commandArgs(trailingOnly = TRUE)[1]

# Gauss-Legendre nodes and weights on [-1, 1] (Golub-Welsch).
gauss_legendre <- function(n) {
  i <- seq_len(n - 1); off <- i / sqrt(4 * i^2 - 1)
  J <- matrix(0, n, n); J[cbind(i, i + 1)] <- off; J[cbind(i + 1, i)] <- off
  e <- eigen(J, symmetric = TRUE)
  list(x = e$values, w = 2 * e$vectors[1, ]^2)
}
GL <- gauss_legendre(10)
# Nodes and weights on [a, b] in panels no wider than `width`.
panels <- function(a, b, width) {
  m <- ceiling((b - a) / width); edges <- seq(a, b, length.out = m + 1)
  mid <- (edges[-1] + edges[-(m + 1)]) / 2; half <- diff(edges) / 2
  list(x = as.vector(outer(GL$x, seq_len(m), function(g, j) mid[j] + g * half[j])),
       w = rep(GL$w, m) * rep(half, each = length(GL$x)))
}
log_sum_exp <- function(l) { m <- max(l); if (!is.finite(m)) m else m + log(sum(exp(l - m))) }

# Two-sided Lan-DeMets O'Brien-Fleming boundaries, alpha/2 spent on each side:
# per side 2 - 2 Phi(z[1 - alpha/4] / sqrt(t)). S = Z sqrt(t) has independent increments; the
# sub-density of S on the continuation region is carried from look to look.
ld_reference <- function(fractions, alpha) {
  spent <- 4 * pnorm(qnorm(1 - alpha / 4) / sqrt(fractions), lower.tail = FALSE)
  incr <- diff(c(0, spent))
  sds <- sqrt(diff(c(0, fractions)))
  b <- numeric(length(fractions)); nodes <- NULL
  for (k in seq_along(fractions)) {
    sd <- sds[k]; rt <- sqrt(fractions[k])
    log_cross <- function(z) {
      if (k == 1) return(log(2) + pnorm(z, lower.tail = FALSE, log.p = TRUE))
      lw <- log(nodes$w)
      log_sum_exp(c(lw + pnorm((z * rt - nodes$x) / sd, lower.tail = FALSE, log.p = TRUE),
                    lw + pnorm((z * rt + nodes$x) / sd, lower.tail = FALSE, log.p = TRUE)))
    }
    b[k] <- uniroot(function(z) log_cross(z) - log(incr[k]), c(0, 40), tol = 1e-13)$root
    if (k < length(fractions)) {
      edge <- b[k] * rt
      q <- panels(-edge, edge, min(sd, sds[k + 1]) / 2)
      density <- if (k == 1) dnorm(q$x, sd = sd) else as.vector(dnorm(outer(q$x, nodes$x, "-"), sd = sd) %*% nodes$w)
      nodes <- list(x = q$x, w = q$w * density)
    }
  }
  b
}

# rpact's answer, where it is precise: it reports Inf for a look whose spending is below its
# absolute tolerance (1e-8) and is then off at the later looks too (by up to 3e-1), so a case
# with an Inf look, or with more than its 20 looks, is left to the reference above.
rpact_bounds <- function(fractions, alpha) {
  if (length(fractions) > 20) return(rep(NA, length(fractions)))
  # rpact warns that more than 10 looks are "not validated"; they are compared all the same.
  b <- suppressWarnings(getDesignGroupSequential(kMax = length(fractions), alpha = alpha, sided = 2,
                        typeOfDesign = "asOF", informationRates = fractions))$criticalValues
  if (all(is.finite(b))) b else rep(NA, length(b))
}

# Boundaries alone, on information fractions of every kind: one look, equal steps, a tiny
# first look, uneven steps, 20 looks (rpact's most), 60 looks, and alpha 1%.
boundary_cases <- list(
  one = list(f = 1, alpha = 0.05),
  two = list(f = c(0.5, 1), alpha = 0.05),
  quarters = list(f = c(0.25, 0.5, 0.75, 1), alpha = 0.05),
  early = list(f = c(0.02, 0.1, 0.35, 0.6), alpha = 0.05),
  uneven = list(f = c(0.12, 0.13, 0.5, 0.51, 0.9, 1), alpha = 0.05),
  twenty = list(f = seq(0.05, 1, length.out = 20), alpha = 0.05),
  sixty = list(f = seq(0.04, 0.63, by = 0.01), alpha = 0.05),
  strict = list(f = c(0.3, 0.45, 0.9, 1), alpha = 0.01))
rows <- list()
for (name in names(boundary_cases)) {
  case <- boundary_cases[[name]]
  rows[[name]] <- data.frame(case = name, alpha = case$alpha, index = seq_along(case$f), fraction = case$f,
                             boundary = sprintf("%.17g", ld_reference(case$f, case$alpha)),
                             rpact = sprintf("%.17g", rpact_bounds(case$f, case$alpha)))
}
write.csv(do.call(rbind, rows), file.path(out, "tsa_boundaries.csv"), row.names = FALSE)

# Whole analyses on the cross-check's datasets, in their listed order, with the default
# assumptions (alpha 5%, power 80%, RRR 20%, control risk and D^2 from the data).
alpha <- 0.05; power <- 0.8; rrr <- 0.2
trows <- list()
emit <- function(dataset, method, quantity, index, value) {
  trows[[length(trows) + 1]] <<- data.frame(dataset = dataset, method = method, quantity = quantity,
                                            index = index, value = sprintf("%.17g", value))
}
datasets <- c("bcg", "egger2001", "hine1989", "collins1985a", "k2", "imbalance", "zero_cells",
              sub("\\.csv$", "", list.files(file.path(out, "datasets"), pattern = "^dupilumab_")))
for (name in datasets) {
  d <- read.csv(file.path(out, "datasets", paste0(name, ".csv")))
  k <- nrow(d)
  fit <- function(n, method) rma(measure = "RR", ai = events_treatment, n1i = total_treatment,
                                 ci = events_control, n2i = total_control, data = d[seq_len(n), ],
                                 method = method, control = list(threshold = 1e-13, maxiter = 10000, stepadj = 0.5))
  for (method in c("EE", "DL", "REML")) {
    full <- fit(k, method)
    d2 <- if (method == "EE") 0 else 1 - vcov(fit(k, "EE"))[1, 1] / vcov(full)[1, 1]
    pc <- sum(d$events_control) / sum(d$total_control)
    pe <- pc * (1 - rrr); p <- (pc + pe) / 2
    ris <- 4 * (qnorm(1 - alpha / 2) + qnorm(power))^2 * p * (1 - p) / (pc - pe)^2 / (1 - d2)
    t <- pmin(cumsum(d$total_treatment + d$total_control) / ris, 1)
    look <- which(diff(c(0, t)) > 0.01)
    fractions <- t[look]
    reached <- length(fractions) > 0 && fractions[length(fractions)] >= 1
    if (!reached) fractions <- c(fractions, 1)
    b <- ld_reference(fractions, alpha)
    emit(name, method, "diversity", 0, d2)
    emit(name, method, "ris", 0, ris)
    emit(name, method, "control_risk", 0, pc)
    for (n in seq_len(k)) emit(name, method, "z", n, fit(n, method)$zval)
    for (i in seq_along(look)) emit(name, method, "boundary", look[i], b[i])
    if (!reached) emit(name, method, "boundary_at_ris", 0, b[length(b)])
    if (length(look) > 0) {
      last <- b[length(look)]
      emit(name, method, "adjusted_lower", 0, exp(full$beta[1] - last * full$se))
      emit(name, method, "adjusted_upper", 0, exp(full$beta[1] + last * full$se))
    }
  }
}
write.csv(do.call(rbind, trows), file.path(out, "tsa.csv"), row.names = FALSE)
