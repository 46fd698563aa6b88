import { Global, Module } from '@nestjs/common';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { METRIC } from '../../monitoring/metrics/metric-names';
import { LexiconSentimentScorer } from './core/lexicon-scorer';
import { FallbackSentimentScorer, LlmSentimentScorer } from './llm/llm-sentiment.scorer';
import type { SentimentScorer } from './sentiment-scorer';
import { providerRetrySettings } from '../http/provider-http.client';

/** The scorer every ingested item goes through (news, social, transcripts). */
export const SENTIMENT_SCORER = Symbol('SENTIMENT_SCORER');

/**
 * SENTIMENT_SCORER=lexicon (default): the VADER + finance-lexicon scorer. llm: the OpenAI-compatible
 * endpoint, with the lexicon scorer taking over any batch the LLM fails (FallbackSentimentScorer).
 */
export function createSentimentScorer(config: AppConfig, latency: Histogram<string>, fallbacks: Counter<string>): SentimentScorer {
  const lexicon = new LexiconSentimentScorer();
  if (config.sentimentScorer === 'lexicon') return lexicon;
  const llm = new LlmSentimentScorer(
    {
      baseUrl: config.llmBaseUrl,
      apiKey: config.llmApiKey,
      model: config.llmModel,
      providerName: config.llmProviderName || new URL(config.llmBaseUrl).host,
      http: {
        ...providerRetrySettings(config),
      },
    },
    latency,
  );
  return new FallbackSentimentScorer(llm, lexicon, fallbacks, config.llmBatchSize);
}

/** Global: every data-source module scores through the same configured scorer. */
@Global()
@Module({
  providers: [
    {
      provide: SENTIMENT_SCORER,
      inject: [APP_CONFIG, getToken(METRIC.llmLatency), getToken(METRIC.llmFallbacks)],
      useFactory: createSentimentScorer,
    },
  ],
  exports: [SENTIMENT_SCORER],
})
export class SentimentScoringModule {}
