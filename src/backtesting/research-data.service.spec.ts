import { UnprocessableError } from '../common/errors/domain-error';
import type { CloseRow, ResearchBarsRepository } from './research-bars.repository';
import { ResearchDataService } from './research-data.service';

/** A repository answering from fixed rows (the SQL itself is exercised by test/research-runs.spec.ts). */
function serviceWith(rows: CloseRow[], missing: string[] = []): ResearchDataService {
  const repo: Pick<ResearchBarsRepository, 'closes' | 'symbolsWithoutBars'> = {
    closes: async () => rows,
    symbolsWithoutBars: async () => missing,
  };
  return new ResearchDataService(repo as ResearchBarsRepository);
}

describe('ResearchDataService', () => {
  it('aligns symbols on the union of their bar times: NaN before the first bar, the last close carried after it', async () => {
    const rows: CloseRow[] = [
      { symbol: 'A', ms: 1, close: 10 },
      { symbol: 'A', ms: 2, close: 11 },
      { symbol: 'B', ms: 2, close: 50 },
      { symbol: 'A', ms: 3, close: 12 },
      { symbol: 'B', ms: 4, close: 52 },
    ];
    const { data, timestamps } = await serviceWith(rows).load({ source: 'bars', symbols: ['B', 'A'], timeframe: '1d' });
    expect(Array.from(timestamps ?? [])).toEqual([1, 2, 3, 4]);
    expect(data.symbols).toEqual(['B', 'A']);
    expect(Array.from(data.bars[0].close)).toEqual([NaN, 50, 50, 52]);
    expect(Array.from(data.bars[1].close)).toEqual([10, 11, 12, 12]);
  });

  it('reads inline closes as sent, null as NaN', async () => {
    const { data, timestamps } = await serviceWith([]).load({ source: 'inline', symbols: ['X'], timestamps: null, close: [[null, 2, 3]] });
    expect(timestamps).toBeNull();
    expect(Array.from(data.bars[0].close)).toEqual([NaN, 2, 3]);
  });

  it('is a 422 naming the symbols without bars in the range', async () => {
    const err = await serviceWith([], ['ZZZ'])
      .assertAvailable({ source: 'bars', symbols: ['A', 'ZZZ'], timeframe: '1d', from: '2020-01-01T00:00:00.000Z' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessableError);
    expect(err).toMatchObject({ statusCode: 422, code: 'NO_BARS', details: { symbols: ['ZZZ'], timeframe: '1d' } });
    expect((err as Error).message).toMatch(/ZZZ between 2020-01-01/);
  });
});
