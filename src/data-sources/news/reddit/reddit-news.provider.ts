import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../../config/app-config';
import { ProviderError, ProviderMalformedError } from '../../http/provider.errors';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { MalformedPayload } from '../../social/core/social-payload';
import type { RedditPost } from '../../social/reddit/core/reddit.parser';
import type { RedditClient } from '../../social/reddit/reddit.client';
import type { ParsedArticle } from '../core/news-article';
import type { NewsIngestService } from '../news-ingest.service';

/** Longest self-text kept as an article's summary (the title carries the story). */
const SUMMARY_CHARS = 2000;

/** A Reddit post as a news article: a link post is the story it links to (so it dedupes against the publisher's own article), a self post is itself. */
export function articleOfPost(post: RedditPost): ParsedArticle {
  return {
    providerId: post.name,
    source: `reddit r/${post.subreddit}`,
    url: post.url || post.permalink,
    title: post.title,
    summary: post.selftext.slice(0, SUMMARY_CHARS),
    publishedAt: post.createdAt,
    tickers: [],
    providerSentiment: null,
  };
}

/**
 * Reddit posts of REDDIT_SUBREDDITS (r/wallstreetbets by default) as news articles, through the
 * social module's RedditClient (its OAuth token, User-Agent and rate budget are shared with the
 * mention counts). Symbols come from the article store's extraction (cashtags, tickers, company
 * names). Each listing page is one response stored in one transaction; paging older stops at a
 * page holding a post already stored, or at SOCIAL_MAX_PAGES.
 */
export class RedditNewsProvider implements IngestionProvider {
  readonly name = 'reddit-news';
  readonly kind = 'news' as const;
  readonly cron: string;
  private readonly logger = new Logger('RedditNews');

  constructor(
    private readonly config: AppConfig,
    private readonly reddit: RedditClient,
    private readonly ingest: NewsIngestService,
  ) {
    this.cron = config.redditCron;
  }

  disabledReason(): string | null {
    return this.reddit.disabledReason();
  }

  close(): void {
    // The client belongs to the social module, which closes it.
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const total = emptyCounts();
    const subs = this.config.redditSubreddits;
    let failed = 0;
    let lastError: ProviderError | null = null;
    for (const sub of subs) {
      let after: string | null = null;
      try {
        for (let page = 0; page < this.config.socialMaxPages && !ctx.signal.aborted; page++) {
          let listing;
          try {
            listing = await this.reddit.newPosts(sub, { limit: 100, after, signal: ctx.signal });
          } catch (e) {
            if (e instanceof MalformedPayload) throw new ProviderMalformedError(this.name, `r/${sub}: ${e.reason}`);
            throw e;
          }
          const c = await this.ingest.store(this.name, listing.posts.map(articleOfPost));
          total.fetched += c.fetched;
          total.stored += c.stored;
          total.duplicates += c.duplicates;
          ctx.progress(`r/${sub} page ${page + 1}: ${c.stored} stored, ${c.duplicates} duplicates`);
          if (listing.after === null || listing.posts.length === 0 || c.duplicates > 0) break;
          after = listing.after;
        }
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        this.logger.warn(e.message);
        total.errors++;
        failed++;
        lastError = e;
      }
    }
    if (failed === subs.length && lastError) throw lastError;
    return total;
  }
}
