import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_STREAMS } from '../src/monitoring/logging/log-streams';
import { parseLogstashConfig, pluginsOf } from './support/logstash-config';

const ROOT = join(__dirname, '..', 'monitoring');
const NDJSON = join(ROOT, 'kibana', 'quantdesk-logs.ndjson');

interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

/** The daily index names the pipeline writes on one day, by stream (`%{+YYYY.MM.dd}` expanded). */
function pipelineIndices(): Map<string, string> {
  const conf = parseLogstashConfig(readFileSync(join(ROOT, 'logstash', 'pipeline', 'quantdesk.conf'), 'utf8'));
  const out = new Map<string, string>();
  for (const { plugin, conditions } of pluginsOf(conf.output)) {
    const stream = /^\[stream\] == "([a-z]+)"$/.exec(conditions[0] ?? '')?.[1];
    if (stream && typeof plugin.settings.index === 'string') out.set(stream, plugin.settings.index.replace('%{+YYYY.MM.dd}', '2026.12.02'));
  }
  return out;
}

/** Kibana index-pattern titles are comma-separated globs where `*` matches anything. */
function globMatches(title: string, index: string): boolean {
  return title.split(',').some((g) => new RegExp(`^${g.trim().split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(index));
}

describe('Kibana saved objects monitoring/kibana/quantdesk-logs.ndjson', () => {
  const lines = readFileSync(NDJSON, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((l, i) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`line ${i + 1} is not JSON`, { cause: e });
    }
  });
  const details = parsed.filter((o) => 'exportedCount' in o);
  const objects = parsed.filter((o) => !('exportedCount' in o)) as unknown as SavedObject[];
  const byKey = new Map(objects.map((o) => [`${o.type}:${o.id}`, o]));
  const indices = pipelineIndices();

  it('is one saved object per line, ids unique, with the export summary last', () => {
    expect(byKey.size).toBe(objects.length);
    for (const o of objects) {
      expect(['index-pattern', 'search', 'dashboard']).toContain(o.type);
      expect(typeof o.attributes.title).toBe('string');
      expect(Array.isArray(o.references)).toBe(true);
    }
    expect(details).toEqual([expect.objectContaining({ exportedCount: objects.length, missingRefCount: 0 })]);
    expect(parsed[parsed.length - 1]).toBe(details[0]);
  });

  it('has an index pattern on @timestamp for each stream, matching only the index the pipeline writes for it', () => {
    const patterns = objects.filter((o) => o.type === 'index-pattern');
    expect(indices.size).toBe(LOG_STREAMS.length);
    for (const p of patterns) {
      expect(p.attributes.timeFieldName).toBe('@timestamp');
      const matched = [...indices].filter(([, index]) => globMatches(String(p.attributes.title), index)).map(([s]) => s);
      expect({ pattern: p.attributes.title, matched: matched.length }).toEqual({ pattern: p.attributes.title, matched: 1 });
    }
    const covered = new Set(patterns.flatMap((p) => [...indices].filter(([, index]) => globMatches(String(p.attributes.title), index)).map(([s]) => s)));
    expect([...covered].sort()).toEqual([...LOG_STREAMS].sort());
  });

  it('every reference resolves to an object of the file; searches name their index through searchSourceJSON', () => {
    for (const o of objects) for (const r of o.references) expect({ from: o.id, to: `${r.type}:${r.id}`, found: byKey.has(`${r.type}:${r.id}`) }).toMatchObject({ found: true });
    const searches = objects.filter((o) => o.type === 'search');
    for (const s of searches) {
      const meta = s.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string };
      const source = JSON.parse(meta.searchSourceJSON) as { indexRefName: string; query: { language: string; query: string } };
      expect(source.query.language).toBe('kuery');
      const ref = s.references.find((r) => r.name === source.indexRefName);
      expect(ref).toMatchObject({ type: 'index-pattern' });
    }
  });

  it('has a saved search of the whole stream for every stream', () => {
    for (const stream of LOG_STREAMS) {
      const whole = objects.filter((o) => {
        if (o.type !== 'search') return false;
        const source = JSON.parse((o.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string } };
        return source.query.query === '' && o.references.some((r) => r.id === `quantdesk-${stream}`);
      });
      expect({ stream, searches: whole.length }).toEqual({ stream, searches: 1 });
    }
  });

  it('the dashboard shows every saved search, each panel referenced by name', () => {
    const dashboards = objects.filter((o) => o.type === 'dashboard');
    expect(dashboards).toHaveLength(1);
    const d = dashboards[0];
    const panels = JSON.parse(String(d.attributes.panelsJSON)) as { panelRefName: string; panelIndex: string; gridData: { i: string } }[];
    const refs = panels.map((p) => d.references.find((r) => r.name === p.panelRefName));
    expect(refs.every((r) => r?.type === 'search')).toBe(true);
    expect(new Set(panels.map((p) => p.panelIndex)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridData.i).toBe(p.panelIndex);
    const shown = new Set(refs.map((r) => r?.id));
    expect([...shown].sort()).toEqual(objects.filter((o) => o.type === 'search').map((o) => o.id).sort());
  });
});
