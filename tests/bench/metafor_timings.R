# Times the same fits as crates/livemeta-core/examples/time_fits.rs with metafor, on the same
# CSV files. Prints `name k median_seconds`. Usage: Rscript metafor_timings.R DIR
suppressPackageStartupMessages(library(metafor))
dir <- commandArgs(trailingOnly = TRUE)[1]
load <- function(k) read.csv(file.path(dir, paste0("k", k, ".csv")))
median_seconds <- function(expr_fn, reps) {
  times <- replicate(reps, system.time(expr_fn())[["elapsed"]])
  median(times)
}
# metafor builds k x k matrices: at k = 10,000 one REML fit takes minutes, so one repetition.
reps_for <- function(k) if (k <= 100) 30 else 1
if (length(commandArgs(trailingOnly = TRUE)) > 1) {
  # Only REML at k = 10,000, for compare_metafor.sh to run under a hard timeout.
  d <- read.csv(file.path(dir, "k10000.csv"))
  s <- system.time(rma(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control,
                       n2i = d$total_control, measure = "RR", method = "REML"))[["elapsed"]]
  cat("REML 10000", sprintf("%.6e", s), "\n")
  quit(save = "no")
}
for (k in c(8, 100, 10000)) {
  d <- load(k)
  fit <- function(method) rma(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control,
                              n2i = d$total_control, measure = "RR", method = method)
  # Tiny fits are below system.time's resolution: time batches of 20 and divide.
  batch <- if (k <= 100) 20 else 1
  for (method in c("DL", "REML")) {
    # REML at k = 10,000 runs for many minutes in metafor (k x k matrix algebra inside C code,
    # out of reach of R's time limits); compare_metafor.sh times it in its own process.
    if (k > 1000 && method == "REML") next
    s <- median_seconds(function() for (i in seq_len(batch)) fit(method), reps_for(k)) / batch
    cat(method, k, sprintf("%.6e", s), "\n")
  }
  s <- median_seconds(function() for (i in seq_len(batch)) rma.mh(ai = d$events_treatment, n1i = d$total_treatment,
       ci = d$events_control, n2i = d$total_control, measure = "RR"), reps_for(k)) / batch
  cat("MH", k, sprintf("%.6e", s), "\n")
}
d <- load(100)
res <- rma(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control, n2i = d$total_control, measure = "RR")
cat("LOO-REML 100", sprintf("%.6e", median_seconds(function() leave1out(res), 3)), "\n")
for (k in c(16, 20)) {
  d <- load(k)
  res <- rma(ai = d$events_treatment, n1i = d$total_treatment, ci = d$events_control, n2i = d$total_control,
             measure = "RR", method = "DL")
  cat("GOSH-DL", k, sprintf("%.6e", median_seconds(function() gosh(res, progbar = FALSE, subsets = 2^k), 1)), "\n")
}
