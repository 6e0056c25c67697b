/**
 * A dealer's export as a table of text: CSV in UTF-8 or Windows-1252 (Latin-1), with
 * `;`, `,`, tab or `|` between columns, or the first sheet of an Excel workbook.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ApiError } from '../../../shared/errors';
import { decodeCsv, detectDelimiter, isZip } from '../../../shared/import/csv-header';
import type { ColumnMapping } from '../../../shared/import/master-fields';

export interface Table {
  headers: string[];
  rows: string[][];
  /** How the file was read, for the preview: `utf-8`, `windows-1252` or `xlsx`. */
  encoding: string;
  delimiter: string | null;
}

export class TableError extends Error {}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result);
    if ('text' in value) return String(value.text);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    return '';
  }
  return String(value);
}

async function readWorkbook(content: Buffer): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw new TableError('the file is not a readable Excel workbook (.xlsx)');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new TableError('the workbook has no sheet');
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const values = row.values as ExcelJS.CellValue[];
    rows.push(values.slice(1).map((value) => cellText(value).trim()));
  });
  const [headers = [], ...data] = rows;
  return { headers, rows: data, encoding: 'xlsx', delimiter: null };
}

/**
 * A CSV text without a quote character, read as csv-parse reads it with the options below
 * (cells trimmed, lines empty or blank skipped, rows of any length; lines end as its first
 * line does): a line split at the delimiter. Most exports quote nothing, and for a meter
 * export of 100,000 rows the parser's generality was a twentieth of the import.
 */
export function splitUnquoted(text: string, delimiter: string): string[][] {
  const end = /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
  const records: string[][] = [];
  for (const line of text.split(end)) {
    const blank = line.trim() === '';
    if (blank && !line.includes(delimiter)) continue;
    records.push(blank ? line.split(delimiter).map(() => '') : line.split(delimiter).map((cell) => cell.trim()));
  }
  return records;
}

/** csv-parse's reading of a CSV text (quotes and all): the import's options. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const records: string[][] = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true });
  return records;
}

export async function readTable(fileName: string, content: Buffer): Promise<Table> {
  if (isZip(content) || /\.xlsx$/i.test(fileName)) return readWorkbook(content);
  const { text, encoding } = decodeCsv(content);
  const delimiter = detectDelimiter(text);
  let records: string[][];
  try {
    records = text.includes('"') ? parseCsv(text, delimiter) : splitUnquoted(text, delimiter);
  } catch (error) {
    throw new TableError(`the file cannot be read as CSV: ${(error as Error).message}`);
  }
  const [headers = [], ...rows] = records;
  if (headers.length === 0) throw new TableError('the file is empty');
  return { headers, rows, encoding, delimiter };
}

/** An uploaded file (base64, as the API carries it) as a table; an unreadable one is a bad request. */
export async function readUpload(fileName: string, base64: string): Promise<Table> {
  try {
    return await readTable(fileName, Buffer.from(base64, 'base64'));
  } catch (error) {
    if (error instanceof TableError) throw new ApiError('bad-request', error.message);
    throw error;
  }
}

/** The mapping in force: the one given, else the source's saved one, else what the headers say — only real headers. */
export function mappingFor(table: Table, given: ColumnMapping | undefined, saved: ColumnMapping | undefined, auto: () => ColumnMapping): ColumnMapping {
  const chosen = given ?? saved ?? auto();
  return Object.fromEntries(Object.entries(chosen).filter(([, header]) => table.headers.includes(header)));
}

/**
 * The file's own rows at these lines (the header is line 1), as read: what the error list
 * gives back, with the problems beside them, to correct and import again.
 */
export function rowsAt(table: Table, lines: Iterable<number>): Array<{ line: number; cells: string[] }> {
  return [...new Set(lines)].sort((a, b) => a - b).map((line) => ({ line, cells: table.rows[line - 2] ?? [] }));
}
