import type { CellFocusedEvent, CellKeyDownEvent, ColDef, GridApi, IDatasource, RowDoubleClickedEvent } from 'ag-grid-community';
import {
  CellStyleModule,
  ClientSideRowModelModule,
  ColumnApiModule,
  InfiniteRowModelModule,
  LocaleModule,
  ModuleRegistry,
  RowApiModule,
  RowAutoHeightModule,
  ScrollApiModule,
  themeQuartz,
  TooltipModule,
  ValidationModule,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useLanguage } from '../i18n';
import { BLOCK_SIZE } from './grid-blocks';

export interface GridProps<Row> {
  label: string;
  /** The rows, all in the browser (ag-grid's client-side row model)… */
  rows?: Row[];
  /**
   * …or a datasource the grid asks for blocks of rows as they scroll into view (the infinite
   * row model): the server sorts and filters, for lists too long to hand over at once.
   */
  datasource?: IDatasource;
  /** The grid's API once it is ready (e.g. to refresh a datasource's rows). */
  onReady?: (api: GridApi<Row>) => void;
  columns: ColDef<Row>[];
  rowId: (row: Row) => string;
  /** Enter on a row, or a double-click, opens it. */
  onOpen: (row: Row) => void;
  /** A row took the keyboard focus (a click on it, or ↑ ↓ onto it). */
  onFocusRow?: (row: Row) => void;
  /** Each new non-zero value moves the keyboard focus to the first row, once. */
  focusToken?: number;
  /**
   * The row the keyboard goes on from once the rows are there, once per value (a list come back
   * to from the reading opened on it); the first row when that one is gone (dealt with).
   */
  focusRowId?: string | null;
  height?: number | string;
}

// The grid features meterdesk uses, and no more (AllCommunityModule doubles the bundle that
// every page start parses). A grid option of an unregistered module is silently ignored in
// a production build: the dev build's ValidationModule names the module that is missing.
ModuleRegistry.registerModules([
  ClientSideRowModelModule,
  InfiniteRowModelModule,
  // cellClass (period state, flagged readings)
  CellStyleModule,
  // tooltipValueGetter (web submissions)
  TooltipModule,
  // getAllDisplayedColumns, getDisplayedRowCount, ensureIndexVisible (focusToken)
  ColumnApiModule,
  RowApiModule,
  ScrollApiModule,
  // localeText (the empty grid's words in the UI's language)
  LocaleModule,
  // wrapText + autoHeight (web submissions: names, values and reasons in full)
  RowAutoHeightModule,
  ...(import.meta.env.DEV ? [ValidationModule] : []),
]);

const theme = themeQuartz.withParams({
  fontSize: 14,
  headerFontWeight: 600,
  rowHeight: 34,
  headerHeight: 36,
  accentColor: '#1d5fa8',
});

/** ag-grid with meterdesk's defaults: sortable, keyboard navigable, Enter opens a row. */
export function Grid<Row>({
  label,
  rows,
  datasource,
  onReady,
  columns,
  rowId,
  onOpen,
  onFocusRow,
  focusToken,
  focusRowId,
  height = 420,
}: GridProps<Row>) {
  const apiRef = useRef<GridApi<Row> | null>(null);
  const handledToken = useRef(0);
  const handledRowId = useRef<string | null>(null);
  // The props as last committed, for the focus below: before its effect (effects run in order).
  const latest = useRef({ rows, rowId, focusToken, focusRowId });
  useEffect(() => {
    latest.current = { rows, rowId, focusToken, focusRowId };
  }, [rows, rowId, focusToken, focusRowId]);

  // The focus goes to the first row once ag-grid shows the rows the token is for: it takes a
  // new rowData after React's commit, sometimes a tick after this component's effect, and a
  // cell focused among the previous rows lost its focus when they were replaced.
  const focusFirstRow = useCallback(() => {
    const api = apiRef.current;
    const { rows: shown, rowId: idOf, focusToken: token } = latest.current;
    const first = api?.getAllDisplayedColumns()[0];
    if (!token || token === handledToken.current || !api || !first) return;
    if (shown) {
      const taken = shown[0] ? api.getRowNode(idOf(shown[0]))?.data === shown[0] : api.getDisplayedRowCount() === 0;
      if (!taken) return;
    }
    handledToken.current = token;
    if (api.getDisplayedRowCount() === 0) return;
    api.ensureIndexVisible(0);
    api.setFocusedCell(0, first);
  }, []);

  // Back on the list: the row it was opened from, as soon as the loaded rows are the grid's.
  const focusCameFrom = useCallback(() => {
    const api = apiRef.current;
    const { rows: shown, rowId: idOf, focusRowId: id } = latest.current;
    const first = api?.getAllDisplayedColumns()[0];
    if (!id || id === handledRowId.current || !api || !first || !shown?.[0]) return;
    if (api.getRowNode(idOf(shown[0]))?.data !== shown[0]) return;
    handledRowId.current = id;
    const index = api.getRowNode(id)?.rowIndex ?? 0;
    api.ensureIndexVisible(index);
    api.setFocusedCell(index, first);
  }, []);

  // Each time the grid may show what a focus was asked for: ready, new rows, a new token or row.
  const focusAsAsked = useCallback(() => {
    focusFirstRow();
    focusCameFrom();
  }, [focusFirstRow, focusCameFrom]);

  useEffect(() => {
    const timer = window.setTimeout(focusAsAsked, 0);
    return () => window.clearTimeout(timer);
  }, [focusToken, focusRowId, focusAsAsked]);

  const onCellKeyDown = useCallback(
    (event: CellKeyDownEvent<Row>) => {
      const key = (event.event as KeyboardEvent | null)?.key;
      if (key === 'Enter' && event.data) onOpen(event.data);
    },
    [onOpen],
  );

  const { t, language } = useLanguage();
  // The grid's own words, and what it tells a screen reader about a header ("Press ENTER to sort").
  const localeText = useMemo(
    () => ({
      noRowsToShow: t('app.noRows'),
      loadingOoo: t('app.loading'),
      ariaSortableColumn: t('grid.sortable'),
      ariaMenuColumn: t('grid.menu'),
      ariaLabelColumnMenu: t('grid.columnMenu'),
    }),
    [t],
  );

  return (
    <section className="grid" aria-label={label} style={{ height }}>
      <AgGridReact<Row>
        // ag-grid reads localeText once, when it starts: a new language starts it anew.
        key={language}
        theme={theme}
        {...(datasource
          ? {
              rowModelType: 'infinite' as const,
              datasource,
              cacheBlockSize: BLOCK_SIZE,
              // Memory stays bounded however far a clerk scrolls.
              maxBlocksInCache: 50,
              // One sort column: the server sorts by it, then in the list's own order.
              suppressMultiSort: true,
            }
          : { rowData: rows })}
        columnDefs={columns}
        defaultColDef={{ sortable: true, resizable: true, suppressHeaderMenuButton: true }}
        getRowId={(params) => rowId(params.data)}
        onGridReady={(event) => {
          apiRef.current = event.api;
          onReady?.(event.api);
          focusAsAsked();
        }}
        onRowDataUpdated={focusAsAsked}
        onCellKeyDown={onCellKeyDown}
        onCellFocused={(event: CellFocusedEvent<Row>) => {
          const row = event.rowIndex === null ? undefined : event.api.getDisplayedRowAtIndex(event.rowIndex)?.data;
          if (row && onFocusRow) onFocusRow(row);
        }}
        onRowDoubleClicked={(event: RowDoubleClickedEvent<Row>) => event.data && onOpen(event.data)}
        suppressCellFocus={false}
        // Tab leaves the grid for the next control, as in a form: the arrow keys walk the cells
        // (Tab went through every cell of every row, some 900 presses for a block of 100).
        tabToNextCell={() => false}
        tabToNextHeader={() => false}
        animateRows={false}
        // The grid's own words in the UI's language (its default is English: "No Rows To Show").
        localeText={localeText}
      />
    </section>
  );
}
