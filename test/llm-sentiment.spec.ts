import { Counter, Histogram, Registry } from 'prom-client';
import { loadConfig } from '../src/config/app-config';
import { LexiconSentimentScorer } from '../src/data-sources/sentiment/core/lexicon-scorer';
import { FallbackSentimentScorer, LlmSentimentScorer } from '../src/data-sources/sentiment/llm/llm-sentiment.scorer';
import { createSentimentScorer, SENTIMENT_SCORER } from '../src/data-sources/sentiment/sentiment-scoring.module';
import { ProviderMalformedError, ProviderRateLimitedError, ProviderRequestError } from '../src/data-sources/http/provider.errors';
import type { ScorableText, SentimentScorer } from '../src/data-sources/sentiment/sentiment-scorer';
import { OpenAiServer, type PromptItem } from './support/openai-server';
import { startTestApp } from './support/test-app';

/** The stand-in model: bullish for "beats", bearish for "misses", else neutral. */
function model(items: readonly PromptItem[]): unknown {
  return {
    results: items.map((i) => {
      const score = /beats/i.test(i.text) ? 0.8 : /misses/i.test(i.text) ? -0.7 : 0;
      return { id: i.id, score, label: score > 0 ? 'bullish' : score < 0 ? 'bearish' : 'neutral', confidence: 0.9 };
    }),
  };
}

const TEXTS: ScorableText[] = [
  { id: 'a1', title: 'ACME beats estimates', body: 'Quarterly revenue up 20%.' },
  { id: 'a2', title: 'ACME misses guidance', body: 'Shares fall after the call.' },
  { id: 'a3', title: 'ACME holds annual meeting', body: 'Directors re-elected.' },
];

function metrics(): { registry: Registry; latency: Histogram<string>; fallbacks: Counter<string> } {
  const registry = new Registry();
  return {
    registry,
    latency: new Histogram({ name: 'llm_latency_seconds', help: 'h', labelNames: ['provider'], registers: [registry] }),
    fallbacks: new Counter({ name: 'sentiment_llm_fallbacks_total', help: 'h', labelNames: ['reason'], registers: [registry] }),
  };
}

function llm(url: string, latency: Histogram<string>, apiKey = 'sk-test-key', maxRetries = 2): LlmSentimentScorer {
  return new LlmSentimentScorer(
    { baseUrl: url, apiKey, model: 'gpt-4o-mini', providerName: 'openai-test', http: { timeoutMs: 2000, maxRetries, retryBaseMs: 5, maxRetryAfterMs: 5000 } },
    latency,
  );
}

async function latencyCount(registry: Registry, provider: string): Promise<number> {
  const m = await registry.getSingleMetric('llm_latency_seconds')?.get();
  return m?.values.find((v) => (v as { metricName?: string }).metricName === 'llm_latency_seconds_count' && v.labels.provider === provider)?.value ?? 0;
}

async function fallbackCount(registry: Registry, reason: string): Promise<number> {
  const m = await registry.getSingleMetric('sentiment_llm_fallbacks_total')?.get();
  return m?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('LLM sentiment scorer (OpenAI chat-completions stand-in)', () => {
  let server: OpenAiServer;
  const scorers: LlmSentimentScorer[] = [];
  const make = (...args: Parameters<typeof llm>): LlmSentimentScorer => {
    const s = llm(...args);
    scorers.push(s);
    return s;
  };

  beforeEach(async () => {
    server = await new OpenAiServer(model).start();
  });
  afterEach(async () => {
    for (const s of scorers.splice(0)) s.close();
    await server.stop();
  });

  it('posts the items with the bearer key and model, and reads choices[0].message.content in item order', async () => {
    const { registry, latency } = metrics();
    const scores = await make(server.url, latency).score(TEXTS);
    expect(scores).toEqual([
      { id: 'a1', score: 0.8, label: 'bullish', confidence: 0.9 },
      { id: 'a2', score: -0.7, label: 'bearish', confidence: 0.9 },
      { id: 'a3', score: 0, label: 'neutral', confidence: 0.9 },
    ]);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test-key');
    const sent = JSON.parse(req.body) as { model: string; messages: { role: string; content: string }[] };
    expect(sent.model).toBe('gpt-4o-mini');
    expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect((JSON.parse(sent.messages[1].content) as { items: PromptItem[] }).items.map((i) => i.id)).toEqual(['a1', 'a2', 'a3']);
    expect(await latencyCount(registry, 'openai-test')).toBe(1);
  });

  it('waits out a 429 with Retry-After and a 500, then scores; latency is one observation per batch', async () => {
    const { registry, latency } = metrics();
    server.faults.push({ kind: 'rate-limit', retryAfterSeconds: 1 }, { kind: 'server-error', status: 503 });
    const started = Date.now();
    const scores = await make(server.url, latency).score(TEXTS.slice(0, 1));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(scores.map((s) => s.label)).toEqual(['bullish']);
    expect(server.requests.map((r) => r.status)).toEqual([429, 503, 200]);
    expect(await latencyCount(registry, 'openai-test')).toBe(1);
  });

  it('a Retry-After past the limit fails at once as ProviderRateLimitedError; a bad key as ProviderRequestError', async () => {
    const { latency } = metrics();
    server.faults.push({ kind: 'rate-limit', retryAfterSeconds: 60 });
    await expect(make(server.url, latency).score(TEXTS)).rejects.toBeInstanceOf(ProviderRateLimitedError);
    await expect(make(server.url, latency, 'sk-wrong').score(TEXTS)).rejects.toMatchObject({ status: 401, constructor: ProviderRequestError });
    expect(server.requests.map((r) => r.status)).toEqual([429, 401]);
  });

  it.each([
    ['prose instead of JSON', 'The first is bullish, the second bearish.', /not JSON/],
    ['a score out of range', JSON.stringify({ results: [{ id: 'a1', score: 1.5, label: 'bullish', confidence: 0.9 }] }), /score: not a number in \[-1, 1\]/],
    ['an unknown label', JSON.stringify({ results: [{ id: 'a1', score: 0.5, label: 'positive', confidence: 0.9 }] }), /label/],
    ['a missing item', JSON.stringify({ results: [] }), /no result for 1 item/],
    ['an id not asked for', JSON.stringify({ results: [{ id: 'zz', score: 0.5, label: 'bullish', confidence: 0.9 }] }), /not one of the requested ids/],
    ['confidence out of range', JSON.stringify({ results: [{ id: 'a1', score: 0.5, label: 'bullish', confidence: 2 }] }), /confidence/],
  ])('refuses %s as ProviderMalformedError', async (_what, content, reason) => {
    const { latency } = metrics();
    server.faults.push({ kind: 'content', content });
    const err = await make(server.url, latency).score(TEXTS.slice(0, 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderMalformedError);
    expect((err as ProviderMalformedError).reason).toMatch(reason);
  });

  it('accepts the JSON inside one Markdown code fence', async () => {
    const { latency } = metrics();
    server.faults.push({ kind: 'content', content: '```json\n{"results":[{"id":"a1","score":0.4,"label":"bullish","confidence":0.6}]}\n```' });
    expect(await make(server.url, latency).score(TEXTS.slice(0, 1))).toEqual([{ id: 'a1', score: 0.4, label: 'bullish', confidence: 0.6 }]);
  });

  it('falls back to the lexicon for a failed batch only, says which scorer scored each item, and counts it', async () => {
    const { registry, latency, fallbacks } = metrics();
    const lexicon = new LexiconSentimentScorer();
    const scorer = new FallbackSentimentScorer(make(server.url, latency, 'sk-test-key', 0), lexicon, fallbacks, 2);
    // Batch 1 (a1, a2) is answered; batch 2 (a3) gets a malformed answer.
    server.faults.push({ kind: 'content', content: JSON.stringify(model([{ id: 'a1', text: 'beats' }, { id: 'a2', text: 'misses' }])) });
    server.faults.push({ kind: 'content', content: 'I cannot help with that.' });
    const scores = await scorer.score(TEXTS);
    expect(server.requests).toHaveLength(2);
    expect(scores.map((s) => [s.id, s.scorer])).toEqual([
      ['a1', 'llm:gpt-4o-mini'],
      ['a2', 'llm:gpt-4o-mini'],
      ['a3', 'vader-finance'],
    ]);
    const [own] = await lexicon.score(TEXTS.slice(2));
    expect(scores[2]).toEqual({ ...own, scorer: 'vader-finance' });
    expect(await fallbackCount(registry, 'PROVIDER_MALFORMED_RESPONSE')).toBe(1);

    // An unreachable endpoint (5xx past the retries) falls back too.
    server.faults.push({ kind: 'server-error' });
    const again = await scorer.score(TEXTS.slice(0, 1));
    expect(again[0].scorer).toBe('vader-finance');
    expect(await fallbackCount(registry, 'PROVIDER_UNAVAILABLE')).toBe(1);
  });

  it('SENTIMENT_SCORER selects the scorer: lexicon by default, llm with the host as provider label', async () => {
    const { registry, latency, fallbacks } = metrics();
    const base = { ...process.env, SENTIMENT_SCORER: '' };
    expect(createSentimentScorer(loadConfig(base), latency, fallbacks)).toBeInstanceOf(LexiconSentimentScorer);
    expect(() => loadConfig({ ...base, SENTIMENT_SCORER: 'gpt' })).toThrow(/SENTIMENT_SCORER/);
    const chosen = createSentimentScorer(
      loadConfig({ ...base, SENTIMENT_SCORER: 'llm', LLM_BASE_URL: server.url, LLM_API_KEY: 'sk-test-key', LLM_MODEL: 'local-model' }),
      latency,
      fallbacks,
    ) as FallbackSentimentScorer;
    expect(chosen).toBeInstanceOf(FallbackSentimentScorer);
    expect(chosen.name).toBe('llm:local-model');
    const scores = await chosen.score(TEXTS.slice(0, 1));
    chosen.onModuleDestroy();
    expect(scores[0]).toMatchObject({ label: 'bullish', scorer: 'llm:local-model' });
    expect(await latencyCount(registry, new URL(server.url).host)).toBe(1);
  });

  it('the app provides the configured scorer under SENTIMENT_SCORER and exports llm_latency_seconds on /metrics', async () => {
    const t = await startTestApp({ SENTIMENT_SCORER: 'llm', LLM_BASE_URL: server.url, LLM_API_KEY: 'sk-test-key', LLM_PROVIDER_NAME: 'app-llm', METRICS_TOKEN: '' });
    try {
      const scorer = t.app.get<SentimentScorer>(SENTIMENT_SCORER);
      expect(scorer).toBeInstanceOf(FallbackSentimentScorer);
      await scorer.score(TEXTS.slice(1, 2));
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.body).toMatch(/llm_latency_seconds_count\{provider="app-llm"\} 1/);
    } finally {
      await t.close();
    }
  });
});
