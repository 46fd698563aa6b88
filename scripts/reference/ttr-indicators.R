#!/usr/bin/env Rscript
# Reference fixtures for src/quant/indicators, made with R TTR (Debian: apt-get install r-cran-ttr).
# Run from the repository root:  Rscript scripts/reference/ttr-indicators.R
#
# Inputs (committed):
#   data/samples/nyse_composite_daily.csv   date,close            -> SMA, EMA, RSI, MACD, BBands
#   data/samples/usdchf_30min.csv           timestamp,close       -> aggregated here, per UTC day, to
#   test/fixtures/ttr/usdchf_daily_ohlc.csv date,open,high,low,close (first, max, min, last 30-minute
#                                            close of the day)    -> ATR, ADX
# Outputs: test/fixtures/ttr/nyse_close_indicators.csv, test/fixtures/ttr/usdchf_daily_hlc_indicators.csv,
# one column per indicator output, empty cell for NA, numbers as %.17g (full double precision).
# Column names are <indicator>_<params>_<output>, e.g. macd_12_26_9_signal.
suppressPackageStartupMessages(library(TTR))

out_dir <- "test/fixtures/ttr"
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

fmt <- function(v) ifelse(is.na(v), "", sprintf("%.17g", v))
write_fixture <- function(df, path) {
  cols <- lapply(df, function(col) if (is.numeric(col)) fmt(col) else as.character(col))
  write.table(as.data.frame(cols, stringsAsFactors = FALSE, check.names = FALSE), path,
              sep = ",", quote = FALSE, row.names = FALSE, col.names = TRUE)
}

# --- Closes: NYSE composite, daily ---------------------------------------------------------
nyse <- read.csv("data/samples/nyse_composite_daily.csv", stringsAsFactors = FALSE)
x <- as.numeric(nyse$close)
res <- data.frame(date = nyse$date, close = x, stringsAsFactors = FALSE, check.names = FALSE)
for (n in c(10, 50)) res[[sprintf("sma_%d_sma", n)]] <- as.numeric(SMA(x, n = n))
for (n in c(10, 50)) res[[sprintf("ema_%d_ema", n)]] <- as.numeric(EMA(x, n = n, wilder = FALSE))
for (n in c(14, 2)) res[[sprintf("rsi_%d_rsi", n)]] <- as.numeric(RSI(x, n = n))
for (p in list(c(12, 26, 9), c(5, 35, 5))) {
  m <- MACD(x, nFast = p[1], nSlow = p[2], nSig = p[3], percent = FALSE)
  key <- sprintf("macd_%d_%d_%d", p[1], p[2], p[3])
  res[[paste0(key, "_macd")]] <- as.numeric(m[, "macd"])
  res[[paste0(key, "_signal")]] <- as.numeric(m[, "signal"])
  res[[paste0(key, "_histogram")]] <- as.numeric(m[, "macd"] - m[, "signal"])
}
for (p in list(c(20, 2), c(10, 1.5))) {
  b <- BBands(x, n = p[1], sd = p[2])
  key <- sprintf("bbands_%d_%s", p[1], format(p[2]))
  res[[paste0(key, "_lower")]] <- as.numeric(b[, "dn"])
  res[[paste0(key, "_middle")]] <- as.numeric(b[, "mavg"])
  res[[paste0(key, "_upper")]] <- as.numeric(b[, "up"])
  res[[paste0(key, "_percentB")]] <- as.numeric(b[, "pctB"])
}
write_fixture(res, file.path(out_dir, "nyse_close_indicators.csv"))

# --- Daily high/low/close from USD/CHF 30-minute closes ------------------------------------
fx <- read.csv("data/samples/usdchf_30min.csv", stringsAsFactors = FALSE)
day <- substr(fx$timestamp, 1, 10)
days <- unique(day) # the file is in time order
px <- as.numeric(fx$close)
ohlc <- data.frame(
  date = days,
  open = as.numeric(tapply(px, day, function(v) v[1])[days]),
  high = as.numeric(tapply(px, day, max)[days]),
  low = as.numeric(tapply(px, day, min)[days]),
  close = as.numeric(tapply(px, day, function(v) v[length(v)])[days]),
  stringsAsFactors = FALSE
)
write.table(ohlc, file.path(out_dir, "usdchf_daily_ohlc.csv"), sep = ",", quote = FALSE, row.names = FALSE)

hlc <- cbind(ohlc$high, ohlc$low, ohlc$close)
res <- data.frame(date = ohlc$date, stringsAsFactors = FALSE)
for (n in c(14, 5)) {
  a <- ATR(hlc, n = n)
  res[[sprintf("atr_%d_tr", n)]] <- as.numeric(a[, "tr"])
  res[[sprintf("atr_%d_atr", n)]] <- as.numeric(a[, "atr"])
}
for (n in c(14, 5)) {
  d <- ADX(hlc, n = n)
  res[[sprintf("adx_%d_plusDI", n)]] <- as.numeric(d[, "DIp"])
  res[[sprintf("adx_%d_minusDI", n)]] <- as.numeric(d[, "DIn"])
  res[[sprintf("adx_%d_dx", n)]] <- as.numeric(d[, "DX"])
  res[[sprintf("adx_%d_adx", n)]] <- as.numeric(d[, "ADX"])
}
write_fixture(res, file.path(out_dir, "usdchf_daily_hlc_indicators.csv"))
cat(sprintf("TTR %s: wrote %s\n", as.character(packageVersion("TTR")), out_dir))
