import { exposedSeriesNames, metricNamesOf, tokenize } from './support/promql-metric-names';

describe('metricNamesOf (PromQL)', () => {
  it('finds a bare selector and one with label matchers, not the label names or values', () => {
    expect(metricNamesOf('process_resident_memory_bytes')).toEqual(['process_resident_memory_bytes']);
    expect(metricNamesOf('api_latency_seconds_count{status=~"5..", endpoint!="x_total"}')).toEqual(['api_latency_seconds_count']);
  });

  it('skips functions, aggregations, grouping label lists, ranges and offsets', () => {
    const expr = 'histogram_quantile(0.99, sum by (le, endpoint) (rate(api_latency_seconds_bucket[5m])))';
    expect(metricNamesOf(expr)).toEqual(['api_latency_seconds_bucket']);
    expect(metricNamesOf('sum(rate(cache_hits_total[5m])) without (instance) / ignoring(key_type) group_left(job) up')).toEqual(['cache_hits_total', 'up']);
    expect(metricNamesOf('pnl_total_usd - pnl_total_usd offset 1d')).toEqual(['pnl_total_usd']);
    expect(metricNamesOf('max_over_time(drawdown_pct[1h:5m]) @ end()')).toEqual(['drawdown_pct']);
    expect(metricNamesOf('count(topk(3, trades_total)) and bool on() vector(1)')).toEqual(['trades_total']);
  });

  it('reads __name__ matchers, numbers with exponents and Grafana variables', () => {
    expect(metricNamesOf('{__name__="var_95_usd"} > 1e+3')).toEqual(['var_95_usd']);
    expect(metricNamesOf('rate(trades_total{symbol="$symbol"}[$__rate_interval]) * ${factor}')).toEqual(['trades_total']);
  });

  it('tokenizes operators longest first and strings with escapes', () => {
    expect(tokenize('a=~"x\\"y"!=b').map((t) => t.text)).toEqual(['a', '=~', '"x\\"y"', '!=', 'b']);
  });

  it('throws on unbalanced brackets, unterminated strings and unknown characters', () => {
    expect(() => metricNamesOf('rate(x[5m]')).toThrow(/unclosed/);
    expect(() => metricNamesOf('x{a="b}')).toThrow(/unterminated string/);
    expect(() => metricNamesOf('x ? y')).toThrow(/unexpected character/);
    expect(() => metricNamesOf('sum by (le') ).toThrow(/unclosed label list/);
  });
});

describe('exposedSeriesNames (text exposition)', () => {
  it('keeps sample names and derives the names of families that have no sample yet', () => {
    const text = [
      '# HELP up_seconds x',
      '# TYPE process_cpu_seconds_total counter',
      'process_cpu_seconds_total 1.5',
      '# TYPE trades_failed counter',
      '# TYPE api_latency_seconds histogram',
      '# TYPE rpc summary',
      'nodejs_heap_size_used_bytes{instance="a"} 12',
    ].join('\n');
    expect([...exposedSeriesNames(text)].sort()).toEqual([
      'api_latency_seconds_bucket', 'api_latency_seconds_count', 'api_latency_seconds_sum',
      'nodejs_heap_size_used_bytes', 'process_cpu_seconds_total', 'rpc', 'rpc_count', 'rpc_sum', 'trades_failed',
    ]);
  });
});
