/**
 * The tearsheet in a real browser: Debian's headless Chromium (which .ci/run installs) opens
 * the page rendered from real data (the NYSE composite sample) and we check that the charts
 * actually drew: every chart's SVG paths have data and a non-empty bounding box (getBBox, so
 * the browser parsed and laid out the SVG), the heatmap has a cell per year and month, the
 * histogram a bar per bin, the page follows the window's width, and a screenshot is not blank
 * and shows the charts' colours.
 *
 * Chromium is driven with its command line (--dump-dom, --screenshot) through child_process:
 * no browser-automation dependency. Measurements come from a probe script added to a copy of
 * the page (the page itself has no script; its Content-Security-Policy is widened by exactly
 * the probe's hash, so the policy stays in force for everything else).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { renderTearsheet, type TearsheetInput } from '../src/backtesting/report';
import { computeMetrics } from '../src/quant/metrics';

const CHROMIUM = '/usr/bin/chromium';
const SAMPLE = join(__dirname, '..', 'data', 'samples', 'nyse_composite_daily.csv');
const SMA_WINDOW = 200;

jest.setTimeout(120_000);

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium package (.ci/run installs it; as root: apt-get install -y chromium)`);
  }
}

/**
 * Buy-and-hold NYSE composite as the benchmark, and a trend rule as the strategy: long the
 * index while its close is above its 200-day SMA, flat otherwise, deciding at the close of bar
 * t for the return of bar t + 1 (causal). Computed here, not by the backtest engine, so this
 * test depends only on the report.
 */
async function nyseInput(): Promise<TearsheetInput> {
  const lines = (await readFile(SAMPLE, 'utf8')).trim().split('\n').slice(1);
  const n = lines.length;
  const timestamps = new Float64Array(n);
  const close = new Float64Array(n);
  lines.forEach((line, i) => {
    const [date, price] = line.split(',');
    timestamps[i] = Date.parse(`${date}T00:00:00Z`);
    close[i] = Number(price);
  });
  const returns = new Float64Array(n);
  const positions = new Float64Array(n);
  const equity = new Float64Array(n);
  const trades: number[] = [];
  returns[0] = NaN;
  positions[0] = NaN;
  equity[0] = 100_000;
  let held = 0;
  let entryEquity = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      positions[i] = held;
      returns[i] = held * (close[i] / close[i - 1] - 1);
      equity[i] = equity[i - 1] * (1 + returns[i]);
    }
    sum += close[i];
    if (i >= SMA_WINDOW) sum -= close[i - SMA_WINDOW];
    const want = i >= SMA_WINDOW - 1 && close[i] > sum / SMA_WINDOW ? 1 : 0;
    if (want !== held) {
      if (held === 1) trades.push(equity[i] / entryEquity - 1);
      else entryEquity = equity[i];
      held = want;
    }
  }
  const benchmarkReturns = new Float64Array(n);
  benchmarkReturns[0] = NaN;
  for (let i = 1; i < n; i++) benchmarkReturns[i] = close[i] / close[i - 1] - 1;
  const m = computeMetrics(returns, { positions, benchmark: benchmarkReturns });
  const metrics: Record<string, number | boolean | null> = {};
  for (const [k, v] of Object.entries(m) as [string, number | boolean | null][]) {
    metrics[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
  }
  return {
    title: 'NYSE composite: 200-day trend filter',
    strategy: { name: 'Trend filter', params: { smaWindow: SMA_WINDOW, symbol: 'NYSE composite', execution: 'next bar' } },
    timestamps,
    equity,
    benchmarkEquity: close,
    benchmarkName: 'NYSE composite (buy and hold)',
    returns,
    tradePnl: trades,
    metrics,
    periodsPerYear: 252,
    costs: { commission: 0, slippage: 0 },
  };
}

function chromium(args: readonly string[], userDataDir: string): Promise<string> {
  const flags = [
    '--headless',
    '--no-sandbox', // we run as root, where Chromium's sandbox cannot start
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    // Without these Chromium phones home at start-up; this machine is offline, refusals slow it down.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${userDataDir}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, [...flags, ...args], { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

/** What the probe measures in the laid-out page. */
interface ProbeResult {
  readonly viewportWidth: number;
  readonly charts: readonly {
    readonly id: string;
    readonly width: number;
    readonly height: number;
    readonly paths: readonly { readonly cls: string; readonly dLength: number; readonly bboxWidth: number; readonly bboxHeight: number }[];
    readonly rects: number;
    readonly texts: number;
  }[];
  readonly heatmapCells: number;
  readonly heatmapRows: number;
  readonly histogramBars: number;
  readonly binsNote: string;
  readonly fontFamily: string;
}

const PROBE = `(function () {
  var charts = Array.prototype.map.call(document.querySelectorAll('svg[data-chart]'), function (svg) {
    var box = svg.getBoundingClientRect();
    return {
      id: svg.getAttribute('data-chart'),
      width: box.width,
      height: box.height,
      paths: Array.prototype.map.call(svg.querySelectorAll('path'), function (p) {
        var b = p.getBBox();
        return { cls: p.getAttribute('class'), dLength: (p.getAttribute('d') || '').length, bboxWidth: b.width, bboxHeight: b.height };
      }),
      rects: svg.querySelectorAll('rect').length,
      texts: svg.querySelectorAll('text').length
    };
  });
  var heat = document.querySelector('svg[data-chart="monthly-returns"]');
  var hist = document.querySelector('svg[data-chart="trade-pnl"]');
  var note = hist ? hist.parentNode.querySelector('.note') : null;
  var result = {
    viewportWidth: document.documentElement.clientWidth,
    charts: charts,
    heatmapCells: heat ? heat.querySelectorAll('rect.hm-cell').length : 0,
    heatmapRows: heat ? heat.querySelectorAll(':scope > text.axis').length : 0,
    histogramBars: hist ? hist.querySelectorAll('rect.bar').length : 0,
    binsNote: note ? note.textContent : '',
    fontFamily: getComputedStyle(document.body).fontFamily
  };
  document.body.setAttribute('data-probe', btoa(unescape(encodeURIComponent(JSON.stringify(result)))));
})();`;

/** A copy of the page with the probe added and allowed by its hash in the page's own CSP. */
function withProbe(html: string): string {
  const hash = createHash('sha256').update(PROBE).digest('base64');
  const csp = "default-src 'none';";
  if (!html.includes(csp)) throw new Error('the tearsheet no longer has its default-src none policy');
  return html.replace(csp, `${csp} script-src 'sha256-${hash}';`).replace('</body>', `<script>${PROBE}</script></body>`);
}

async function probe(file: string, width: number, userDataDir: string): Promise<ProbeResult> {
  const dom = await chromium([`--window-size=${width},1600`, '--dump-dom', `file://${file}`], userDataDir);
  const encoded = /data-probe="([A-Za-z0-9+/=]+)"/.exec(dom)?.[1];
  if (encoded === undefined) throw new Error(`the probe did not run (blocked by the CSP or a script error); DOM starts: ${dom.slice(0, 300)}`);
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as ProbeResult;
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's --screenshot writes) to RGBA. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error(`unsupported PNG: bit depth ${data[8]}, interlace ${data[12]}`);
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (channels === 0) throw new Error(`unsupported PNG colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = pixels[i * channels];
    rgba[i * 4 + 1] = pixels[i * channels + 1];
    rgba[i * 4 + 2] = pixels[i * channels + 2];
    rgba[i * 4 + 3] = channels === 4 ? pixels[i * channels + 3] : 255;
  }
  return { width, height, rgba };
}

describe('tearsheet in headless Chromium', () => {
  let dir: string;
  let page: string;
  let input: TearsheetInput;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tearsheet-browser-'));
    input = await nyseInput();
    const html = renderTearsheet(input);
    page = join(dir, 'tearsheet.html');
    await writeFile(page, html);
    await writeFile(join(dir, 'probe.html'), withProbe(html));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lays out every chart with drawn paths, heatmap cells and histogram bars', async () => {
    requireChromium();
    const result = await probe(join(dir, 'probe.html'), 1280, join(dir, 'profile-probe'));
    const ids = result.charts.map((c) => c.id);
    expect(ids).toEqual(['equity', 'drawdown', 'rolling-sharpe', 'monthly-returns', 'trade-pnl']);
    for (const chart of result.charts) {
      expect(chart.width).toBeGreaterThan(900); // laid out across the page column
      expect(chart.height).toBeGreaterThan(100);
      expect(chart.texts).toBeGreaterThan(5); // axis labels
    }
    const byId = new Map(result.charts.map((c) => [c.id, c]));
    // Line charts: each path has data and the browser gives it a real extent.
    for (const [id, classes] of [
      ['equity', ['series', 'series']],
      ['drawdown', ['area', 'series']],
      ['rolling-sharpe', ['series']],
    ] as const) {
      const paths = byId.get(id)?.paths ?? [];
      expect(paths.map((p) => p.cls).sort()).toEqual([...classes].sort());
      for (const p of paths) {
        expect(p.dLength).toBeGreaterThan(1000); // thousands of points, not a stub
        expect(p.bboxWidth).toBeGreaterThan(800); // spans most of the 920-unit plot
        expect(p.bboxHeight).toBeGreaterThan(20);
      }
    }
    // 1966..2002: 37 years, 12 months and a year total each.
    expect(result.heatmapRows).toBe(37);
    expect(result.heatmapCells).toBe(37 * 13);
    const bins = Number(/^(\d+) bins/.exec(result.binsNote)?.[1]);
    expect(bins).toBeGreaterThan(3);
    expect(result.histogramBars).toBe(bins);
    expect((input.tradePnl as readonly number[]).length).toBeGreaterThan(20);
    // The inline stylesheet applied (the CSP let it through): not the browser's default serif.
    expect(result.fontFamily).toContain('sans-serif');
  });

  it('follows the window width (responsive)', async () => {
    requireChromium();
    // 600 px: a phone in landscape or a narrow window (headless Chromium's smallest window is 500).
    const narrow = await probe(join(dir, 'probe.html'), 600, join(dir, 'profile-narrow'));
    expect(narrow.viewportWidth).toBeLessThanOrEqual(600);
    for (const chart of narrow.charts) {
      expect(chart.width).toBeLessThanOrEqual(narrow.viewportWidth);
      expect(chart.width).toBeGreaterThan(300);
      // The SVG keeps its aspect ratio, so it gets shorter, not clipped.
      expect(chart.height).toBeGreaterThan(40);
    }
  });

  it('screenshots to a picture with the charts in it, not a blank page', async () => {
    requireChromium();
    const png = join(dir, 'tearsheet.png');
    await chromium(['--window-size=1280,3800', `--screenshot=${png}`, `file://${page}`], join(dir, 'profile-shot'));
    const { width, height, rgba } = decodePng(await readFile(png));
    expect(width).toBe(1280);
    expect(height).toBe(3800);
    const colours = new Set<number>();
    let nearStrategyBlue = 0; // the strategy line, #1f5fa8
    let nearDrawdownRed = 0; // the underwater line, #c0392b
    let strongGreen = 0; // heatmap gains and winning trades, towards #1a7f4b
    const near = (i: number, r: number, g: number, b: number): boolean =>
      Math.abs(rgba[i] - r) + Math.abs(rgba[i + 1] - g) + Math.abs(rgba[i + 2] - b) < 40;
    for (let i = 0; i < rgba.length; i += 4) {
      colours.add(((rgba[i] >> 3) << 10) | ((rgba[i + 1] >> 3) << 5) | (rgba[i + 2] >> 3));
      if (near(i, 0x1f, 0x5f, 0xa8)) nearStrategyBlue++;
      if (near(i, 0xc0, 0x39, 0x2b)) nearDrawdownRed++;
      if (near(i, 0x1a, 0x7f, 0x4b)) strongGreen++;
    }
    expect(colours.size).toBeGreaterThan(200); // antialiased lines, heatmap shades, text
    expect(nearStrategyBlue).toBeGreaterThan(1000);
    expect(nearDrawdownRed).toBeGreaterThan(1000);
    expect(strongGreen).toBeGreaterThan(200);
  });
});
