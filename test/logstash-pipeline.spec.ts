import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_STREAMS } from '../src/monitoring/logging/log-streams';
import { parseLogstashConfig, pluginsOf, type LsNode } from './support/logstash-config';

const CONF = join(__dirname, '..', 'monitoring', 'logstash', 'pipeline', 'quantdesk.conf');

describe('Logstash pipeline monitoring/logstash/pipeline/quantdesk.conf', () => {
  const pipeline = parseLogstashConfig(readFileSync(CONF, 'utf8'));

  it('reads JSON lines from one tcp input', () => {
    const inputs = pluginsOf(pipeline.input);
    expect(inputs).toHaveLength(1);
    expect(inputs[0].plugin).toMatchObject({ name: 'tcp', settings: { codec: 'json_lines', port: expect.any(Number) } });
  });

  it('parses the winston timestamp into @timestamp before any routing', () => {
    const first = pipeline.filter[0];
    expect(first).toMatchObject({ kind: 'plugin', name: 'date', settings: { match: ['timestamp', 'ISO8601'], target: '@timestamp' } });
  });

  it('falls back to app for a record whose stream the code does not emit, with the list of the code', () => {
    const lists = JSON.stringify(pipeline.filter).match(/not in \[[^\]]*\]/g) ?? [];
    expect(lists).toHaveLength(1);
    const names = [...(lists[0] ?? '').matchAll(/\\"([a-z]+)\\"/g)].map((m) => m[1]);
    expect(names.sort()).toEqual([...LOG_STREAMS].sort());
  });

  it('has one elasticsearch output per stream the code emits, into quantdesk-<stream>-* and nothing else', () => {
    const outputs = pluginsOf(pipeline.output);
    expect(outputs.every((o) => o.plugin.name === 'elasticsearch')).toBe(true);
    const routed = outputs.map((o) => {
      expect(o.conditions).toHaveLength(1);
      const m = /^\[stream\] == "([a-z]+)"$/.exec(o.conditions[0] ?? '');
      expect(m).not.toBeNull();
      return { stream: (m as RegExpExecArray)[1], index: o.plugin.settings.index, settings: o.plugin.settings };
    });
    expect(routed.map((r) => r.stream).sort()).toEqual([...LOG_STREAMS].sort());
    for (const r of routed) {
      expect(r.index).toBe(`quantdesk-${r.stream}-%{+YYYY.MM.dd}`);
      expect(r.settings).toMatchObject({ hosts: [expect.stringContaining('${ELASTICSEARCH_HOSTS')], data_stream: 'false' });
    }
    // No catch-all else: every event has a stream after the filter, so each goes to exactly one index.
    const branches = pipeline.output.flatMap((n: LsNode) => (n.kind === 'if' ? n.branches : []));
    expect(branches.some((b) => b.condition === undefined)).toBe(false);
  });

  it('commits no password', () => {
    const passwords = pluginsOf(pipeline.output).map((o) => o.plugin.settings.password);
    expect(passwords.every((p) => p === '${ELASTICSEARCH_PASSWORD}')).toBe(true);
  });
});

describe('the Logstash config parser', () => {
  it('refuses unbalanced blocks and reads conditionals', () => {
    expect(() => parseLogstashConfig('output { if [a] == "b" { stdout { } }')).toThrow(/end of configuration/);
    expect(() => parseLogstashConfig('outputs { }')).toThrow(/expected input, filter or output/);
    const p = parseLogstashConfig('filter { if [a] == "x" { mutate { add_tag => ["t"] } } else if ![b] { drop { } } else { noop { k => { "a" => 1 } } } }');
    const branches = (p.filter[0] as Extract<LsNode, { kind: 'if' }>).branches;
    expect(branches.map((b) => b.condition)).toEqual(['[a] == "x"', '![b]', undefined]);
  });
});
