/**
 * A CSV export's header line, read the way the import reads the whole file (`read-table`):
 * the separator is the one that splits it into the most columns outside quotes. The import
 * page reads it from the file's first line before sending the file, so that a fleet tool's
 * readings go straight to the readings' preview.
 */

export const DELIMITERS = [';', ',', '\t', '|'] as const;

/** An export's bytes as text: UTF-8 (without its BOM), else Windows-1252. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: Swiss office exports are then Windows-1252 (a superset of Latin-1).
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** Whether a file's first bytes are a zip's, as an .xlsx workbook's are. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
}

/** The separator that splits the header line into the most columns, outside quotes. */
export function detectDelimiter(text: string): string {
  const line = firstLine(text).replace(/"[^"]*"/g, '');
  let best: string = ';';
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = line.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** The header line's column names, trimmed and unquoted (`""` inside quotes is one `"`). */
export function csvHeaders(text: string): string[] {
  const line = firstLine(text);
  const delimiter = detectDelimiter(line);
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (char === delimiter) {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}
