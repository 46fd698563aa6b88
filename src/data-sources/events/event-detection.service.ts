import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ALERT_RAISER, type AlertRaiser } from '../../alerts/alert-raise.port';
import { eventsFromText, severityOf, type DetectedEvent, type EventKind } from './core/event-classifier';

export type EventSource = 'filing' | 'article' | 'transcript';

/** One event to store: detected in a source (filing accession, article id, transcript id) for a symbol. */
export interface EventCandidate {
  readonly symbol: string;
  readonly kind: EventKind;
  readonly source: EventSource;
  readonly sourceId: string;
  readonly title: string;
  readonly detail: string | null;
  readonly publishedAt: Date;
}

/** An article as news ingestion has it. */
export interface ArticleForEvents {
  readonly articleId: string;
  readonly symbols: readonly string[];
  readonly title: string;
  readonly summary: string | null;
  readonly publishedAt: Date;
}

/**
 * Stores material events and raises one alert per new event through the alerts module when it
 * is present (ALERT_RAISER, optional). The alert is raised with the same transaction that
 * inserts the event (outbox, DESIGN.md principle 5), and only for rows the insert created: a
 * re-ingested source hits the unique key (source, source_id, kind, symbol) and raises nothing.
 */
@Injectable()
export class EventDetectionService {
  private readonly logger = new Logger('EventDetection');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Optional() @Inject(ALERT_RAISER) private readonly alerts: AlertRaiser | null,
  ) {}

  /** Detects events in an article's title and summary, stores the new ones and raises their alerts (own transaction). Returns how many were new. */
  async detectInArticle(article: ArticleForEvents): Promise<number> {
    const candidates = EventDetectionService.articleCandidates(article);
    if (candidates.length === 0) return 0;
    return this.db.transaction((tx) => this.store(tx, candidates));
  }

  /** The same inside the caller's transaction (news ingestion: article, scores and events commit together). */
  detectInArticleWith(tx: EntityManager, article: ArticleForEvents): Promise<number> {
    const candidates = EventDetectionService.articleCandidates(article);
    return candidates.length === 0 ? Promise.resolve(0) : this.store(tx, candidates);
  }

  /** An article's events: each detected kind for each of its symbols. */
  static articleCandidates(article: ArticleForEvents): EventCandidate[] {
    const found = eventsFromText(`${article.title}. ${article.summary ?? ''}`);
    return article.symbols.flatMap((symbol) => EventDetectionService.candidates(symbol, 'article', article.articleId, article.title, article.publishedAt, found));
  }

  /** Builds candidates of one source from detected events. */
  static candidates(symbol: string, source: EventSource, sourceId: string, title: string, publishedAt: Date, found: readonly DetectedEvent[]): EventCandidate[] {
    return found.map((e) => ({ symbol, kind: e.kind, source, sourceId, title, detail: e.reason, publishedAt }));
  }

  /** Inserts the events with `tx` (the caller's transaction) and raises an alert for each new one in it. Returns how many were new. */
  async store(tx: EntityManager, events: readonly EventCandidate[]): Promise<number> {
    let fresh = 0;
    for (const e of events) {
      const rows = (await tx.query(
        `INSERT INTO events (symbol, kind, source, source_id, title, detail, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (source, source_id, kind, symbol) DO NOTHING
         RETURNING id`,
        [e.symbol, e.kind, e.source, e.sourceId, e.title, e.detail, e.publishedAt],
      )) as { id: string }[];
      if (rows.length === 0) continue;
      fresh += 1;
      if (!this.alerts) continue;
      const alertId = await this.alerts.raise(
        {
          rule: 'material_event',
          severity: severityOf(e.kind),
          title: `${e.symbol}: ${e.kind.replace(/_/g, ' ')} — ${e.title}`.slice(0, 300),
          body: `${e.kind} event for ${e.symbol} from ${e.source} ${e.sourceId}, published ${e.publishedAt.toISOString()}${e.detail ? ` (${e.detail})` : ''}`,
          accountId: null,
          dedupeKey: `event:${rows[0].id}`,
          data: { eventId: rows[0].id, symbol: e.symbol, kind: e.kind, source: e.source, sourceId: e.sourceId },
        },
        tx,
      );
      if (alertId) await tx.query(`UPDATE events SET alert_id = $1 WHERE id = $2`, [alertId, rows[0].id]);
    }
    if (fresh > 0) this.logger.log(`${fresh} new material event(s) stored`);
    return fresh;
  }
}
