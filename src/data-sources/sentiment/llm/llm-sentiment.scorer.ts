import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { ProviderHttpClient, type ProviderHttpOptions } from '../../http/provider-http.client';
import { ProviderError, ProviderMalformedError } from '../../http/provider.errors';
import type { ScorableText, SentimentScore, SentimentScorer } from '../sentiment-scorer';
import { buildMessages, LlmAnswerError, parseLlmAnswer } from './core/llm-answer';

export interface LlmScorerOptions {
  /** e.g. https://api.openai.com or http://127.0.0.1:11434 (the path /v1/chat/completions is appended). */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
  /** The `provider` label of llm_latency_seconds and the name in errors (default: the host of baseUrl). */
  readonly providerName: string;
  readonly http: Omit<ProviderHttpOptions, 'provider' | 'baseUrl' | 'headers'>;
}

/**
 * Scores through an OpenAI-compatible chat-completions endpoint (OpenAI, Azure-compatible
 * gateways, vLLM, Ollama, llama.cpp server), through ProviderHttpClient: its timeout, and its
 * retries on 429 (honouring Retry-After) and 5xx. Each request's latency, retries included, goes
 * to llm_latency_seconds{provider}. An answer not in the asked-for shape is a
 * ProviderMalformedError for the whole batch.
 */
export class LlmSentimentScorer implements SentimentScorer {
  readonly name: string;
  private readonly http: ProviderHttpClient;

  constructor(
    private readonly options: LlmScorerOptions,
    private readonly latency: Histogram<string>,
  ) {
    this.name = `llm:${options.model}`;
    this.http = new ProviderHttpClient({
      ...options.http,
      provider: options.providerName,
      baseUrl: options.baseUrl,
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
    });
  }

  close(): void {
    this.http.close();
  }

  /** One chat-completions request for all of `batch` (FallbackSentimentScorer sizes the batches). */
  async score(batch: readonly ScorableText[]): Promise<SentimentScore[]> {
    if (batch.length === 0) return [];
    const end = this.latency.startTimer({ provider: this.options.providerName });
    let body: unknown;
    try {
      ({ body } = await this.http.json({
        path: '/v1/chat/completions',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: this.options.model, messages: buildMessages(batch), temperature: 0, response_format: { type: 'json_object' } }),
      }));
    } finally {
      end();
    }
    try {
      return parseLlmAnswer(body, batch);
    } catch (err) {
      if (err instanceof LlmAnswerError) throw new ProviderMalformedError(this.options.providerName, err.message);
      throw err;
    }
  }
}

/**
 * What happens when the LLM fails for a batch (unreachable, timed out, rate limited past the
 * retries, refused, or answered out of shape): that batch is scored by the lexicon scorer instead,
 * so ingestion never stops on the LLM, each score says which scorer produced it (`scorer`), the
 * fallback is counted in sentiment_llm_fallbacks_total{reason} (the ProviderError code) and logged.
 * Errors that are not provider errors (bugs) are not swallowed.
 */
export class FallbackSentimentScorer implements SentimentScorer, OnModuleDestroy {
  readonly name: string;
  private readonly logger = new Logger('LlmSentiment');

  constructor(
    private readonly primary: LlmSentimentScorer,
    private readonly fallback: SentimentScorer,
    private readonly fallbacks: Counter<string>,
    /** Items per chat-completions request; a failure falls back for that batch only. */
    private readonly batchSize: number,
  ) {
    this.name = primary.name;
  }

  onModuleDestroy(): void {
    this.primary.close();
  }

  async score(texts: readonly ScorableText[]): Promise<SentimentScore[]> {
    const out: SentimentScore[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) out.push(...(await this.scoreBatch(texts.slice(i, i + this.batchSize))));
    return out;
  }

  private async scoreBatch(texts: readonly ScorableText[]): Promise<SentimentScore[]> {
    const started = performance.now();
    try {
      const scores = await this.primary.score(texts);
      // The llm stream's record of each call: which scorer, how many items, how long.
      this.logger.log({ message: `${texts.length} item(s) scored by ${this.primary.name}`, scorer: this.primary.name, items: texts.length, durationMs: Math.round(performance.now() - started) });
      return scores.map((s) => ({ ...s, scorer: this.primary.name }));
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      this.fallbacks.inc({ reason: err.code });
      this.logger.warn({
        message: `${texts.length} item(s) scored by ${this.fallback.name} instead: ${err.message}`,
        scorer: this.primary.name,
        fallback: this.fallback.name,
        items: texts.length,
        reason: err.code,
        durationMs: Math.round(performance.now() - started),
      });
      const scores = await this.fallback.score(texts);
      return scores.map((s) => ({ ...s, scorer: this.fallback.name }));
    }
  }
}
