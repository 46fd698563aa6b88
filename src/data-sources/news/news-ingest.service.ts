import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../../config/inject-config.decorator';
import { symbolUniverse } from '../processing/company-names';
import { extractSymbols, type SymbolUniverse } from '../processing/core/symbol-extraction';
import { combineWithProvider } from '../sentiment/core/lexicon-scorer';
import { labelOf, type SentimentScorer } from '../sentiment/sentiment-scorer';
import { SENTIMENT_SCORER } from '../sentiment/sentiment-scoring.module';
import type { IngestionCounts } from '../ingestion/ingestion-provider';
import { canonicalUrl } from './core/canonical-url';
import type { ParsedArticle } from './core/news-article';
import { NewsRepository, type NewArticleSentiment } from './news.repository';

/**
 * Stores one provider response: every article deduplicated (canonical URL, or the provider's id),
 * its symbols (the provider's tickers plus those the text names), each scored through the one
 * SENTIMENT_SCORER and blended with the provider's per-ticker score where it gave one, and the
 * sentiment buckets those articles fall in recomputed. One transaction: all or nothing.
 */
@Injectable()
export class NewsIngestService {
  private readonly logger = new Logger('News');
  private readonly universe: SymbolUniverse;

  constructor(
    private readonly repo: NewsRepository,
    @Inject(SENTIMENT_SCORER) private readonly scorer: SentimentScorer,
    @InjectConfig() config: AppConfig,
  ) {
    this.universe = symbolUniverse(config.newsSymbols, config.newsCompanyNames);
  }

  get scorerName(): string {
    return this.scorer.name;
  }

  async store(provider: string, articles: readonly ParsedArticle[]): Promise<IngestionCounts> {
    const prepared = articles.map((a) => ({ a, canonical: canonicalUrl(a.url), symbols: symbolsOf(a, this.universe) }));
    const scores = await this.scorer.score(prepared.map((p, i) => ({ id: String(i), title: p.a.title, body: p.a.summary })));
    const byId = new Map(scores.map((s) => [s.id, s]));
    return this.repo.transaction(async (tx) => {
      let stored = 0;
      let duplicates = 0;
      const touched: { symbol: string; publishedAt: Date }[] = [];
      for (let i = 0; i < prepared.length; i++) {
        const { a, canonical, symbols } = prepared[i];
        const row = await this.repo.insertArticle(tx, {
          provider,
          providerId: a.providerId,
          source: a.source,
          url: a.url,
          canonicalUrl: canonical,
          title: a.title,
          summary: a.summary,
          publishedAt: a.publishedAt,
          symbols,
          providerSentiment: a.providerSentiment,
        });
        if (row === null) {
          duplicates++;
          continue;
        }
        stored++;
        const own = byId.get(String(i));
        if (!own) throw new Error(`scorer ${this.scorer.name} returned no score for article ${i}`);
        const rows: NewArticleSentiment[] = symbols.map((symbol) => {
          const t = a.tickers.find((x) => x.symbol === symbol);
          const providerScore = t?.score ?? null;
          const score = combineWithProvider(own.score, providerScore);
          return { symbol, scorer: this.scorer.name, score, label: labelOf(score), confidence: own.confidence, ownScore: own.score, providerScore, relevance: t?.relevance ?? null };
        });
        await this.repo.insertSentiment(tx, row, rows);
        for (const r of rows) touched.push({ symbol: r.symbol, publishedAt: row.publishedAt });
      }
      await this.repo.refreshSeries(tx, this.scorer.name, touched);
      if (duplicates > 0) this.logger.debug(`${provider}: ${duplicates} duplicate article(s)`);
      return { fetched: articles.length, stored, duplicates, errors: 0 };
    });
  }
}

/** The provider's tickers first, then the ones the title and summary name (cashtags, tickers, company names). */
function symbolsOf(a: ParsedArticle, universe: SymbolUniverse): string[] {
  const out = a.tickers.map((t) => t.symbol);
  for (const s of extractSymbols(`${a.title}\n${a.summary}`, universe)) if (!out.includes(s)) out.push(s);
  return out;
}
