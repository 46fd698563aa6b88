import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { emptyCounts, type IngestionCounts, type IngestionProvider, type IngestionRunContext } from '../../ingestion/ingestion-provider';
import { extractSymbols, type SymbolUniverse } from '../../processing/core/symbol-extraction';
import { symbolUniverse } from '../../processing/company-names';
import type { ParsedMention } from '../core/social-payload';
import { SocialIngestService } from '../social-ingest.service';
import type { RedditPost } from './core/reddit.parser';
import { RedditClient } from './reddit.client';

/**
 * Reddit mention counts: the new posts of REDDIT_SUBREDDITS, each post that names a symbol
 * (cashtags, SOCIAL_SYMBOLS tickers, company names: extractSymbols) stored as one mention of
 * each. Pages older (`after`) until a page holds a post already stored, at most SOCIAL_MAX_PAGES.
 */
@Injectable()
export class RedditProvider implements IngestionProvider {
  readonly name = 'reddit';
  readonly kind = 'social' as const;
  readonly cron: string;
  private readonly universe: SymbolUniverse;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reddit: RedditClient,
    private readonly ingest: SocialIngestService,
  ) {
    this.cron = config.redditCron;
    this.universe = symbolUniverse(config.socialSymbols);
  }

  disabledReason(): string | null {
    return this.reddit.disabledReason();
  }

  /** The mention of a post, or null when it names no symbol. */
  mentionOf(post: RedditPost): ParsedMention | null {
    const text = post.selftext === '' ? post.title : `${post.title}\n\n${post.selftext}`;
    const symbols = extractSymbols(text, this.universe);
    if (symbols.length === 0) return null;
    return {
      providerId: post.id,
      source: post.subreddit.toLowerCase(),
      symbols,
      author: post.author,
      text,
      url: post.permalink,
      publishedAtMs: post.createdAt.getTime(),
      providerLabel: null,
    };
  }

  async run(ctx: IngestionRunContext): Promise<IngestionCounts> {
    const counts = emptyCounts();
    const touched = new Map<string, number>();
    subs: for (const sub of this.config.redditSubreddits) {
      let after: string | null = null;
      for (let page = 0; page < this.config.socialMaxPages; page++) {
        if (ctx.signal.aborted) break subs;
        let again = false;
        const goOn = await this.ingest.guard(this.name, `r/${sub}`, counts, async () => {
          const listing = await this.reddit.newPosts(sub, { limit: 100, after, signal: ctx.signal });
          const mentions = listing.posts.map((p) => this.mentionOf(p)).filter((m): m is ParsedMention => m !== null);
          // Posts that name no symbol were read too (fetched), but are no mention to store.
          counts.fetched += listing.posts.length - mentions.length;
          const dupBefore = counts.duplicates;
          await this.ingest.store(this.name, mentions, counts, touched);
          again = listing.after !== null && listing.posts.length > 0 && counts.duplicates === dupBefore;
          after = listing.after;
        });
        if (!goOn) break subs;
        if (!again) break;
        ctx.progress(`reddit r/${sub}: page ${page + 2}`);
      }
    }
    await this.ingest.refresh(touched);
    return counts;
  }
}
