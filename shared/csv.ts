/** CSV as Swiss Excel opens it: `;` between cells, CRLF lines, quotes only where needed. */

export function csvCell(value: string | number): string {
  const text = String(value);
  return /[";\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `${rows.map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
}
