import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TearsheetInput } from './tearsheet-input';
import { TearsheetInputError } from './tearsheet-input.error';
import { renderTearsheet } from './tearsheet.renderer';
import { writeTearsheet } from './tearsheet.writer';

const input: TearsheetInput = {
  title: 'Writer test',
  strategy: { name: 'buy-and-hold', params: {} },
  timestamps: [Date.UTC(2021, 0, 4), Date.UTC(2021, 0, 5), Date.UTC(2021, 1, 1)],
  equity: [100, 101, 103],
  returns: [NaN, 0.01, 103 / 101 - 1],
  tradePnl: [0.03],
  metrics: { totalReturn: 0.03 },
  periodsPerYear: 252,
};

describe('writeTearsheet', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tearsheet-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the rendered page, replacing an existing file, and leaves no temporary file', async () => {
    const path = join(dir, 'report.html');
    await writeFile(path, 'old');
    await writeTearsheet(path, input);
    expect(await readFile(path, 'utf8')).toBe(renderTearsheet(input));
    expect(await readdir(dir)).toEqual(['report.html']);
  });

  it('touches nothing when the input is bad', async () => {
    const path = join(dir, 'report.html');
    await writeFile(path, 'old');
    await expect(writeTearsheet(path, { ...input, equity: [100, 101] })).rejects.toBeInstanceOf(TearsheetInputError);
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['report.html']);
  });

  it('fails on a missing directory without leaving anything behind', async () => {
    await expect(writeTearsheet(join(dir, 'missing', 'report.html'), input)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes its temporary file when the rename fails', async () => {
    // A directory where the file should go: the temp file is written, the rename over it fails.
    const path = join(dir, 'report.html');
    await writeFile(join(dir, 'keep.txt'), 'x');
    await mkdir(join(path, 'inner'), { recursive: true });
    await expect(writeTearsheet(path, input)).rejects.toBeDefined();
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'report.html']);
  });
});
