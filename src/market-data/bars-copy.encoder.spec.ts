import { copyHeader, copyTrailer, encodeCopyRows } from './bars-copy.encoder';
import { parseJsonBars } from './bars-json.parser';

/** Reads binary COPY rows back (the inverse of the encoder), for checking it. */
function decode(buf: Buffer): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  let o = 0;
  while (o < buf.length) {
    const n = buf.readInt16BE(o);
    o += 2;
    const row: (string | number | null)[] = [];
    for (let f = 0; f < n; f++) {
      const len = buf.readInt32BE(o);
      o += 4;
      if (len === -1) row.push(null);
      else if (f < n - 6) row.push(buf.toString('utf8', o, o + len));
      else if (f === n - 6) row.push(Number(buf.readBigInt64BE(o)));
      else row.push(buf.readDoubleBE(o));
      o += len === -1 ? 0 : len;
    }
    rows.push(row);
  }
  return rows;
}

describe('binary COPY encoding', () => {
  it('writes the PGCOPY header and the -1 trailer', () => {
    expect(copyHeader().toString('latin1')).toBe('PGCOPY\n\xff\r\n\0' + '\0'.repeat(8));
    expect([...copyTrailer()]).toEqual([0xff, 0xff]);
  });

  it('writes ts as microseconds since 2000-01-01, doubles bit for bit and NULL for missing', () => {
    const bars = parseJsonBars([
      { ts: '2000-01-01', open: 1.1, high: 2, low: 1, close: 1.5, volume: 0 },
      { ts: '1966-01-04', close: 49.92 },
      { ts: '2024-01-02T00:00:00.000001Z', close: 0.1 + 0.2, volume: 7 },
    ]);
    const rows = decode(Buffer.concat([...encodeCopyRows(bars)].map((c) => c.chunk)));
    expect(rows).toEqual([
      [0, 1.1, 2, 1, 1.5, 0],
      [(Date.UTC(1966, 0, 4) - Date.UTC(2000, 0, 1)) * 1000, null, null, null, 49.92, null],
      [(Date.UTC(2024, 0, 2) - Date.UTC(2000, 0, 1)) * 1000 + 1, null, null, null, 0.1 + 0.2, 7],
    ]);
  });

  it('puts constant text columns first and splits into chunks with progress', () => {
    const bars = parseJsonBars(Array.from({ length: 50 }, (_, i) => ({ ts: 1704153600 + i * 60, close: 100 + i })));
    const chunks = [...encodeCopyRows(bars, ['EUR/USD', '1m'], 200)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[chunks.length - 1].rowsDone).toBe(50);
    const rows = decode(Buffer.concat(chunks.map((c) => c.chunk)));
    expect(rows).toHaveLength(50);
    expect(rows[49]).toEqual(['EUR/USD', '1m', (1704153600 + 49 * 60 - 946684800) * 1e6, null, null, null, 149, null]);
  });
});
