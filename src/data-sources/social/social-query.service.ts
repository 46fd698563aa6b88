import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { intervalMs, type SocialInterval } from './core/social-aggregation';
import type { SocialSeriesDto } from './social.dto';
import { SocialRepository } from './social.repository';

/** Most buckets one request returns. */
export const MAX_SERIES_BUCKETS = 5000;
const DEFAULT_BUCKETS = 500;

@Injectable()
export class SocialQueryService {
  constructor(
    private readonly repo: SocialRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async series(symbol: string, q: { interval?: SocialInterval; from?: string; to?: string }, nowMs = Date.now()): Promise<SocialSeriesDto> {
    const interval = q.interval ?? '1h';
    const step = intervalMs(interval);
    const toMs = q.to === undefined ? nowMs : Date.parse(q.to);
    const fromMs = q.from === undefined ? toMs - DEFAULT_BUCKETS * step : Date.parse(q.from);
    if (!(fromMs < toMs)) throw new ValidationFailedError('from must be before to', [{ field: 'from', reason: 'must be before to' }]);
    if ((toMs - fromMs) / step > MAX_SERIES_BUCKETS) {
      throw new ValidationFailedError(`at most ${MAX_SERIES_BUCKETS} ${interval} buckets per request`, [{ field: 'from', reason: `spans more than ${MAX_SERIES_BUCKETS} ${interval} buckets` }]);
    }
    const rows = await this.repo.series(symbol.toUpperCase(), interval, fromMs, toMs, MAX_SERIES_BUCKETS);
    return {
      symbol: symbol.toUpperCase(),
      interval,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      baseline: this.config.socialSpikeBaseline,
      threshold: this.config.socialSpikeZ,
      series: rows.map((r) => ({
        bucketStart: new Date(r.bucketStart).toISOString(),
        bucketEnd: new Date(r.bucketEnd).toISOString(),
        mentions: r.mentions,
        bullish: r.bullish,
        bearish: r.bearish,
        bullBearRatio: r.bullBearRatio,
        sentimentIndex: r.sentimentIndex,
        meanScore: r.meanScore,
        volumeZ: r.volumeZ,
        indexZ: r.indexZ,
        volumeSpike: r.volumeSpike,
        indexSpike: r.indexSpike,
      })),
    };
  }
}
