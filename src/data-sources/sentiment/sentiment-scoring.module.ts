import { Global, Module } from '@nestjs/common';
import { LexiconSentimentScorer } from './core/lexicon-scorer';

/** The scorer every ingested item goes through (news, social, transcripts). */
export const SENTIMENT_SCORER = Symbol('SENTIMENT_SCORER');

/** Global: every data-source module scores through the same configured scorer. */
@Global()
@Module({
  providers: [{ provide: SENTIMENT_SCORER, useClass: LexiconSentimentScorer }],
  exports: [SENTIMENT_SCORER],
})
export class SentimentScoringModule {}
