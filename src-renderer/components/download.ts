/** Saves a CSV text as a file: the browser's download, or Electron's save dialog. */
export function downloadCsv(name: string, text: string): void {
  // A byte-order mark, so Excel reads the UTF-8 names right.
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}
