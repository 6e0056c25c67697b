/** Rows per request of a datasource grid (apart from Grid.tsx, which brings ag-grid with it). */
export const BLOCK_SIZE = 100;
