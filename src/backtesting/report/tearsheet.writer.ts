import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type TearsheetInput } from './tearsheet-input';
import { renderTearsheet } from './tearsheet.renderer';

/**
 * Renders the tearsheet and writes it to `path` atomically: the page is written and fsynced to
 * a temporary file in the same directory, then renamed over `path` (rename is atomic within a
 * file system), so a reader sees the old file or the whole new one, never half a page. Input
 * errors (TearsheetInputError) are thrown before anything touches the disk.
 */
export async function writeTearsheet(path: string, input: TearsheetInput): Promise<void> {
  const html = renderTearsheet(input);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(html, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
