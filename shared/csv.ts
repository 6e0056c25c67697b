/** CSV as Swiss Excel opens it: `;` between cells, CRLF lines, quotes only where needed. */

export function csvCell(value: string | number): string {
  const text = String(value);
  return /[";\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `${rows.map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

/**
 * A text from someone else's file, for a CSV a clerk opens in Excel: one that starts like a
 * formula (= + - @, or a tab or return) is kept as text by a leading apostrophe, so opening
 * the file never runs what an export happened to contain.
 */
export function csvSafeText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
