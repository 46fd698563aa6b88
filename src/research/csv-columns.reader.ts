/**
 * Named numeric columns of a CSV text, for research commands that need any column (a price, an
 * equity curve, a ticker of a wide file) rather than the bars the market-data parser builds.
 *
 * The first line is the header. Fields are split on `,`, with RFC 4180 quotes understood on a
 * line (`"a,b"`, `""` inside quotes); quoted newlines are not (one record per line). `\r\n` and
 * `\n` line ends; blank lines are skipped. A column is found by its exact name, else by a
 * case-insensitive match if there is only one. Cells must be decimal numbers (`1.5`, `-2e-3`);
 * an empty cell is NaN (a gap, which the metrics skip). Problems throw CsvColumnsError naming
 * the line (the header is line 1) and the columns that exist.
 */

export class CsvColumnsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvColumnsError';
  }
}

export interface CsvColumns {
  /** Header names, as in the file. */
  readonly header: readonly string[];
  /** Data rows read (blank lines not counted). */
  readonly rows: number;
  /** Each requested name → its values, one per data row. */
  readonly columns: ReadonlyMap<string, Float64Array>;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Splits one CSV line into fields (quotes understood within the line). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function findColumn(header: readonly string[], name: string): number {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  const matches = header.flatMap((h, i) => (h.toLowerCase() === lower ? [i] : []));
  return matches.length === 1 ? matches[0] : -1;
}

/** Reads the named columns of `text` (`source` names the file in messages). */
export function readCsvColumns(text: string, names: readonly string[], source = 'CSV'): CsvColumns {
  const lines = text.split(/\r?\n/);
  const headerLine = lines.findIndex((l) => l.trim() !== '');
  if (headerLine < 0) throw new CsvColumnsError(`${source}: empty file (no header row)`);
  const header = splitCsvLine(lines[headerLine]).map((h) => h.trim());
  const indexes = names.map((name) => {
    const i = findColumn(header, name);
    if (i < 0) throw new CsvColumnsError(`${source}: no column "${name}"; the columns are ${header.map((h) => `"${h}"`).join(', ')}`);
    return i;
  });

  const values = names.map(() => new Float64Array(lines.length));
  let rows = 0;
  for (let l = headerLine + 1; l < lines.length; l++) {
    if (lines[l].trim() === '') continue;
    const fields = splitCsvLine(lines[l]);
    if (fields.length < header.length) throw new CsvColumnsError(`${source}: line ${l + 1} has ${fields.length} fields, the header ${header.length}`);
    for (let c = 0; c < names.length; c++) {
      const cell = fields[indexes[c]].trim();
      if (cell === '') values[c][rows] = NaN;
      else if (NUMBER.test(cell)) values[c][rows] = Number(cell);
      else throw new CsvColumnsError(`${source}: line ${l + 1}, column "${header[indexes[c]]}": "${cell}" is not a number`);
    }
    rows++;
  }
  return { header, rows, columns: new Map(names.map((name, c) => [name, values[c].slice(0, rows)])) };
}
