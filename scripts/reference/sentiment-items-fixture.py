#!/usr/bin/env python3
"""
Writes the sentiment fixture pair test/backtest-cli.spec.ts backtests sentiment-intraday on:

  test/fixtures/sentiment/usdchf_30min_head.csv   the first 3,000 rows of the real USD/CHF
                                                 30-minute closes (data/samples/usdchf_30min.csv),
                                                 the close column renamed "usdchf" (the symbol)
  test/fixtures/sentiment/usdchf_items.csv        published_at,symbol,score,mentions items

The items are SYNTHETIC, from a seeded generator (Python's random, seed 20260401): the project has
no real sentiment data until the alternative-data issue brings news/social sources. What the CLI
test checks does not depend on the items being real: that --sentiment aligns them point in time
(only items published strictly before a bar's close count) exactly as alignSentimentBySymbol does.
The stream: on each bar, with probability 0.3, 1-3 background items (score ~ N(0, 0.3), mentions
1-5); with probability 0.02 a burst (8-15 items, score ~ N(±2, 0.5), mentions 20-60), so the
strategy sees spikes. Times are uniform inside the bar's 30 minutes, whole seconds, and every
50th bar's first item is published exactly at a bar close (the boundary case). Standard library
only: `python3 scripts/reference/sentiment-items-fixture.py` regenerates both files.
"""
import datetime as dt
import os
import random

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')
SRC = os.path.join(ROOT, 'data', 'samples', 'usdchf_30min.csv')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'sentiment')
ROWS = 3000


def main() -> None:
    with open(SRC) as f:
        lines = f.read().strip().split('\n')
    assert lines[0] == 'timestamp,close', lines[0]
    rows = lines[1 : ROWS + 1]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'usdchf_30min_head.csv'), 'w') as f:
        f.write('timestamp,usdchf\n' + '\n'.join(rows) + '\n')

    rng = random.Random(20260401)
    closes = [dt.datetime.strptime(r.split(',')[0], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=dt.timezone.utc) for r in rows]
    items = []
    for t in range(1, len(closes)):
        start, end = closes[t - 1], closes[t]
        span = int((end - start).total_seconds())
        n, burst = 0, False
        if rng.random() < 0.02:
            n, burst = rng.randint(8, 15), True
        elif rng.random() < 0.3:
            n = rng.randint(1, 3)
        sign = 1 if rng.random() < 0.5 else -1
        for i in range(n):
            at = start if (t % 50 == 0 and i == 0) else start + dt.timedelta(seconds=rng.randrange(span))
            score = rng.gauss(2 * sign, 0.5) if burst else rng.gauss(0, 0.3)
            mentions = rng.randint(20, 60) if burst else rng.randint(1, 5)
            items.append((at, score, mentions))
    items.sort(key=lambda x: x[0])
    with open(os.path.join(OUT, 'usdchf_items.csv'), 'w') as f:
        f.write('published_at,symbol,score,mentions\n')
        for at, score, mentions in items:
            f.write(f"{at.strftime('%Y-%m-%dT%H:%M:%SZ')},usdchf,{score:.4f},{mentions}\n")


if __name__ == '__main__':
    main()
