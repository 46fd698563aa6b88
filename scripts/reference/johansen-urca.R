#!/usr/bin/env Rscript
# Reference values for src/quant/stats/johansen.statistic.ts from R's urca (Pfaff), an
# implementation independent of statsmodels (test/stats-johansen-reference.spec.ts).
#
#   apt-get install r-cran-urca r-cran-jsonlite
#   Rscript scripts/reference/johansen-urca.R
#
# Correspondence with statsmodels' coint_johansen(endog, det_order, k_ar_diff):
# - urca's K counts lags in levels: K = k_ar_diff + 1, and ca.jo refuses K < 2, so
#   k_ar_diff = 0 has no urca counterpart.
# - ecdet = "none" regresses dx_t and the lagged level on [1, lagged differences]: an
#   unrestricted constant, which is what det_order = 0 does by demeaning dx, the lagged
#   differences and the lagged level (Frisch-Waugh-Lovell). urca has no model without any
#   constant (det_order = -1); ecdet = "const" restricts the constant to the cointegration space
#   and "trend" adds a restricted trend, neither of which is statsmodels' det_order = 1 (levels
#   detrended by a full-sample OLS line, then an unrestricted constant). So only det_order = 0,
#   k_ar_diff >= 1 is compared, and for it the algebra is the same.
# - spec = "transitory" uses x_{t-1}, "longrun" x_{t-K}; both differ from x_{t-1} by a sum of
#   the lagged differences they are regressed on, so both give the same eigenvalues and
#   eigenvectors. Both are recorded.
# - ca.jo's teststat and cval run from r <= P-1 down to r = 0; here they are reversed so r = 0
#   comes first, as in statsmodels. Its critical values are Osterwald-Lenum's (1992), rounded
#   to 2 decimals, and up to 11 variables: recorded for information, not compared (QuantDesk
#   uses statsmodels' MacKinnon-Haug-Michelis values).
# - V's columns are the eigenvectors divided by their first element ("normalised with respect
#   to the first variable"), as the QuantDesk result reports them.
#
# Data: the same columns of data/samples/dowjones30_daily.csv as johansen-reference.py, in
# levels and natural logs. Output: test/fixtures/stats/johansen-urca.json (digits = NA: 15
# significant digits, jsonlite's maximum).
suppressMessages({
  library(urca)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
root <- normalizePath(file.path(dirname(script), "..", ".."))
sample <- file.path(root, "data", "samples", "dowjones30_daily.csv")
out <- file.path(root, "test", "fixtures", "stats", "johansen-urca.json")

d <- read.csv(sample, check.names = FALSE, stringsAsFactors = FALSE)
systems <- list(
  list(cols = c("XOM", "KO", "PG"), log = FALSE),
  list(cols = c("XOM", "KO", "PG"), log = TRUE),
  list(cols = c("AA", "CAT", "DD", "IP"), log = FALSE),
  list(cols = c("AA", "CAT", "DD", "IP"), log = TRUE)
)

cases <- list()
for (s in systems) {
  x <- as.matrix(d[, s$cols])
  if (s$log) x <- log(x)
  P <- ncol(x)
  for (k in c(1, 2)) {
    for (spec in c("transitory", "longrun")) {
      tr <- ca.jo(x, type = "trace", ecdet = "none", K = k + 1, spec = spec)
      ev <- ca.jo(x, type = "eigen", ecdet = "none", K = k + 1, spec = spec)
      V <- tr@V
      cases[[length(cases) + 1]] <- list(
        name = sprintf("%s%s ecdet=none K=%d spec=%s", if (s$log) "log " else "", paste(s$cols, collapse = ","), k + 1, spec),
        columns = s$cols,
        log = s$log,
        detOrder = 0,
        kArDiff = k,
        K = k + 1,
        spec = spec,
        nobs = nrow(tr@Z0),
        eigenvalues = unname(tr@lambda[1:P]),
        traceStat = unname(rev(tr@teststat)),
        maxEigStat = unname(rev(ev@teststat)),
        eigenvectors = lapply(1:P, function(j) unname(V[, j])),
        osterwaldLenumTraceCrit = unname(tr@cval[P:1, , drop = FALSE]),
        osterwaldLenumMaxEigCrit = unname(ev@cval[P:1, , drop = FALSE])
      )
    }
  }
}

doc <- list(
  generator = sprintf("scripts/reference/johansen-urca.R (urca %s, %s)", as.character(packageVersion("urca")), R.version.string),
  sample = "data/samples/dowjones30_daily.csv",
  rows = nrow(d),
  cases = cases
)
writeLines(toJSON(doc, auto_unbox = TRUE, digits = NA, pretty = TRUE), out)
cat(sprintf("wrote %s: %d cases\n", out, length(cases)))
