import type { ColDef, GridApi, IDatasource, IGetRowsParams } from 'ag-grid-community';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AlertsOverview, PeriodCounts, PeriodRow } from '../../../shared/api';
import { PERIOD_SORT_COLUMNS, PERIOD_STATES, type PeriodSortColumn, type PeriodState, type Reading } from '../../../shared/models';
import { formatCounter, formatDate, formatPeriod } from '../../../shared/format';
import { downloadCsv } from '../../components/download';
import { Grid } from '../../components/Grid';
import { useLanguage } from '../../i18n';
import { MonthPicker } from '../../components/MonthPicker';
import { api } from '../../platform/transport';
import { ReadingDialogWithData } from '../readings/ReadingDialogWithData';
import { periodRows } from './first-rows';
import { periodCsv } from './period-csv';

interface Open {
  row: PeriodRow;
  /** Opened from the missing list: after a save the next missing device opens. */
  next: boolean;
}

/** Counts as the server gave them for one period and search. */
interface CountsOf {
  key: string;
  value: PeriodCounts;
}

const isSortColumn = (colId: string): colId is PeriodSortColumn =>
  (PERIOD_SORT_COLUMNS as readonly string[]).includes(colId);

/** The grid's sort as the core takes it: one column, of those it sorts by. */
function periodSort(columns: ReadonlyArray<{ colId: string; sort?: 'asc' | 'desc' | null }>): Array<{ colId: PeriodSortColumn; sort: 'asc' | 'desc' }> {
  return columns.flatMap(({ colId, sort }) => (sort && isSortColumn(colId) ? [{ colId, sort }] : [])).slice(0, 1);
}

/** The search as typed, once the clerk pauses: each change is a query of the whole month. */
function useSettled(text: string, ms = 250): [settled: string, settleNow: (text: string) => void] {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(text), ms);
    return () => window.clearTimeout(timer);
  }, [text, ms]);
  return [settled, setSettled];
}

/**
 * The month's work list: every due device with the state of its reading; filters per state
 * with their counts, a search, the requests and the sync, and the meter dialog on a row —
 * after F2 the next missing device opens, so a clerk works down the list from the keyboard.
 *
 * A dealer's month can hold 100,000 devices (issue 6): the grid asks the server for blocks of
 * rows as they scroll into view, sorted and filtered there (`period-rows`), and the counts come
 * apart (`period-counts`), so the first rows never wait for the whole month.
 */
export function PeriodPage({ today }: { today: string }) {
  const { t, language } = useLanguage();
  const [period, setPeriod] = useState(today.slice(0, 7));
  const [filter, setFilter] = useState<PeriodState | null>(null);
  const [searchText, setSearchText] = useState('');
  const [search, settleSearch] = useSettled(searchText.trim());
  // Enter or ↓ in the search: the first row of the list for what was typed (not the one before).
  const [focusFor, setFocusFor] = useState<string | null>(null);
  const [counts, setCounts] = useState<CountsOf | null>(null);
  const [allMissing, setAllMissing] = useState<number | null>(null);
  // Bumped after every change of the data: the counts, the alerts and the rows load again.
  const [version, setVersion] = useState(0);
  const [open, setOpen] = useState<Open | null>(null);
  const [message, setMessage] = useState('');
  const [alerts, setAlerts] = useState<AlertsOverview['counts'] | null>(null);
  const validPeriod = /^\d{4}-\d{2}$/.test(period);
  const countsKey = `${period}|${search}`;
  useEffect(() => {
    // After the rows and the counts: the alerts take a large dealer's server a second, and the
    // server answers one call after the other.
    if (!counts) return;
    api.call('alerts-list', {}).then((loaded) => setAlerts(loaded.counts), () => setAlerts(null));
  }, [counts]);
  // The dialog open now: a save that completes after the clerk closed it opens nothing more.
  const openNow = useRef<Open | null>(null);
  useEffect(() => {
    openNow.current = open;
  }, [open]);

  const gridApi = useRef<GridApi<PeriodRow> | null>(null);
  // Enter or ↓ in the period's search field: the list's first row takes the keyboard.
  const [focusToken, setFocusToken] = useState(0);
  const countsNow = useRef<CountsOf | null>(null);
  /** The length of the list the grid shows, when the counts for its period and search are in. */
  const lengthOf = useCallback((key: string, state: PeriodState | null) => {
    const known = countsNow.current;
    if (!known || known.key !== key) return undefined;
    return state ? known.value.counts[state] : known.value.total;
  }, []);

  /**
   * Resolves once the first rows of a period and search have come (or failed): the counts wait
   * for them, because the server answers one call after the other and the rows are what the
   * clerk waits for. At most a second, should the grid not ask.
   */
  const firstRows = useRef<{ key: string; done: Promise<void>; resolve: () => void } | null>(null);
  const firstRowsOf = useCallback((key: string) => {
    if (firstRows.current?.key !== key) {
      let resolve = () => {};
      const done = new Promise<void>((settle) => {
        resolve = settle;
        window.setTimeout(settle, 1000);
      });
      firstRows.current = { key, done, resolve };
    }
    return firstRows.current;
  }, []);

  // The focus asked for in the search goes to the first row once that search's rows are there.
  useEffect(() => {
    if (focusFor === null || focusFor !== search) return;
    let current = true;
    void firstRowsOf(countsKey).done.then(() => {
      if (!current) return;
      setFocusFor(null);
      setFocusToken((token) => token + 1);
    });
    return () => {
      current = false;
    };
  }, [focusFor, search, countsKey, firstRowsOf]);

  useEffect(() => {
    if (!validPeriod) return;
    let current = true;
    firstRowsOf(countsKey)
      .done.then(() =>
        current ? api.call('period-counts', { period, search: search || undefined }) : null,
      )
      .then(
        (value) => {
          if (!current || !value) return;
          const loaded = { key: countsKey, value };
          countsNow.current = loaded;
          setCounts(loaded);
          // The first rows may have come before the count: the scrollbar learns the length now —
          // only if it did not know it (a block shorter than a page told it): setting it again
          // redraws the rows, and a click on one at that moment would be lost.
          const length = lengthOf(countsKey, filter);
          const grid = gridApi.current;
          if (length !== undefined && grid && !(grid.isLastRowIndexKnown() && grid.getDisplayedRowCount() === length)) {
            grid.setRowCount(length, true);
          }
          if (!search) setAllMissing(value.counts.missing);
        },
        (failure: Error) => current && setMessage(failure.message),
      );
    // The estimates button counts every missing device of the period, whatever the search.
    if (search) {
      api.call('period-counts', { period }).then(
        (value) => current && setAllMissing(value.counts.missing),
        () => undefined,
      );
    }
    return () => {
      current = false;
    };
    // filter: read when the counts arrive, not a reason to count again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [period, search, countsKey, validPeriod, version, lengthOf, firstRowsOf]);

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows: (params: IGetRowsParams) => {
        if (!validPeriod) {
          params.successCallback([], 0);
          return;
        }
        const sort = periodSort(params.sortModel);
        periodRows({
            period,
            state: filter ?? undefined,
            search: search || undefined,
            sort,
            startRow: params.startRow,
            endRow: params.endRow,
          })
          .then(
            (page) =>
              params.successCallback(page.rows, page.lastRow ?? lengthOf(countsKey, filter)),
            (failure: Error) => {
              setMessage(t('app.error', { message: failure.message }));
              params.failCallback();
            },
          )
          .finally(() => {
            if (params.startRow === 0) firstRowsOf(countsKey).resolve();
          });
      },
    }),
    [period, filter, search, countsKey, validPeriod, lengthOf, firstRowsOf, t],
  );

  /** After a change of the data: counts and alerts again, and the rows in view, where they are. */
  const reload = useCallback(() => {
    setVersion((v) => v + 1);
    gridApi.current?.refreshInfiniteCache();
  }, []);

  const columns = useMemo<ColDef<PeriodRow>[]>(
    () => [
      {
        field: 'state',
        headerName: t('period.state'),
        // "erfasst (Hand)", "abgerechnet" whole.
        width: 134,
        cellClass: (p) => `state-${String(p.value)}`,
        // Empty while its block loads.
        valueFormatter: (p) => (p.value ? t(`period.states.${p.value as PeriodState}`) : ''),
      },
      {
        colId: 'customer',
        headerName: t('period.customer'),
        flex: 2.4,
        minWidth: 170,
        tooltipValueGetter: (p) => String(p.value ?? ''),
        valueGetter: (p) => (p.data ? `${p.data.customerNumber} ${p.data.customerName}` : ''),
      },
      { field: 'contractNumber', headerName: t('period.contract'), width: 114 },
      { field: 'equipmentId', headerName: t('period.device'), width: 96 },
      { field: 'position', headerName: t('period.position'), width: 70 },
      { field: 'model', headerName: t('period.model'), flex: 1.7, minWidth: 130, tooltipField: 'model' },
      { field: 'location', headerName: t('period.location'), flex: 1.4, minWidth: 100, tooltipField: 'location' },
      {
        field: 'date',
        headerName: t('period.date'),
        // A whole date (24.11.2026) with the sort arrow.
        width: 116,
        valueFormatter: (p) => (p.value ? formatDate(String(p.value), language) : ''),
      },
      {
        colId: 'counters',
        headerName: t('period.counters'),
        // Empty on the rows still missing, which a clerk works down: the least room of the texts.
        flex: 2.2,
        minWidth: 160,
        sortable: false,
        tooltipValueGetter: (p) => String(p.value ?? ''),
        valueGetter: (p) =>
          p.data?.counters
            .map((c) => `${t(`kinds.${c.kind}`)} ${formatCounter(c.value, language)}`)
            .join(' · ') ?? '',
      },
    ],
    [t, language],
  );

  const run = (call: () => Promise<string>) => {
    setMessage('');
    call().then(
      (text) => {
        setMessage(text);
        reload();
      },
      (failure: Error) => setMessage(t('app.error', { message: failure.message })),
    );
  };

  /** The list as on screen (state, search, sort), every row of it, as a CSV file. Changes nothing: no reload. */
  const exportList = () => {
    setMessage('');
    const sort = periodSort(gridApi.current?.getColumnState() ?? []);
    api.call('period-export', { period, state: filter ?? undefined, search: search || undefined, sort }).then(
      (rows) => {
        downloadCsv(t('period.exportFile', { period, state: filter ? `-${filter}` : '' }), periodCsv(rows, t, language));
        setMessage(t('period.exported', { count: rows.length }));
      },
      (failure: Error) => setMessage(t('app.error', { message: failure.message })),
    );
  };

  /** The keyboard back on the device's row once its dialog closes, to go on with ↑ ↓ and Enter. */
  const focusRow = (deviceId: number) => {
    window.setTimeout(() => {
      const api = gridApi.current;
      const node = api?.getRowNode(String(deviceId));
      if (!api || !node || node.rowIndex === null) return;
      api.ensureIndexVisible(node.rowIndex);
      api.setFocusedCell(node.rowIndex, 'state');
    }, 0);
  };

  const afterSave = (current: Open, saved: Reading | null) => {
    const stillOpen = openNow.current === current;
    setOpen(null);
    reload();
    // Saved and on to the next device (F2 never stops for a warning, SPEC §3.8): the flag is said here.
    setMessage(saved?.flagged ? t('period.savedFlagged', { device: current.row.equipmentId }) : '');
    if (!current.next || !stillOpen) return focusRow(current.row.deviceId);
    api.call('period-next-missing', { period, after: current.row.deviceId }).then(
      (next) => {
        if (next) return setOpen({ row: next, next: true });
        // The list is worked down: said, beside a flag of the last one.
        setMessage((flagged) => [flagged, t('period.allRecorded')].filter(Boolean).join(' '));
        // Filtered to the missing ones, the list is now empty: the keyboard goes to the filters.
        if (filter === 'missing') document.querySelector<HTMLButtonElement>('.state-filters button')?.focus();
        else focusRow(current.row.deviceId);
      },
      (failure: Error) => setMessage(t('app.error', { message: failure.message })),
    );
  };

  const shown = counts?.key === countsKey ? counts.value : null;
  return (
    <section className="period-page">
      <h1>{t('period.title')}</h1>
      <div className="toolbar">
        <MonthPicker
          label={t('period.period')}
          value={period}
          onChange={(next) => {
            // What was said of the month before (a reading saved to check) is not of this one.
            setMessage('');
            setPeriod(next);
          }}
        />
        <label className="inline-field">
          <span>{t('period.search')}</span>
          <input
            type="search"
            value={searchText}
            className="period-search"
            placeholder={t('period.searchHint')}
            title={t('period.searchHint')}
            onChange={(event) => setSearchText(event.target.value)}
            // As in the header's search: Enter or ↓ goes on to the list's first row.
            onKeyDown={(event) => {
              if (event.key !== 'Enter' && event.key !== 'ArrowDown') return;
              event.preventDefault();
              // Typed quickly (a scanner ends with Enter): searched now, not after the pause.
              settleSearch(searchText.trim());
              setFocusFor(searchText.trim());
            }}
          />
        </label>
        <button
          type="button"
          onClick={() =>
            window.confirm(t('web.sendConfirm', { period: formatPeriod(period, language) })) &&
            run(async () => {
              const report = await api.call('web-send-requests', { period });
              return t('web.sent', {
                period: formatPeriod(report.period, language),
                sent: report.sent,
                failed: report.failed.length,
                skipped: report.skipped.length,
              });
            })
          }
        >
          {t('web.send')}
        </button>
        <button
          type="button"
          onClick={() => run(async () => t('web.synced', { ...(await api.call('web-sync', {})) }))}
        >
          {t('web.sync')}
        </button>
        <button
          type="button"
          disabled={!allMissing}
          onClick={() => {
            // Every missing device of the month, not only those shown: asked first.
            if (!window.confirm(t('period.estimateConfirm', { count: allMissing ?? 0, period: formatPeriod(period, language) }))) return;
            run(async () => {
              const done = await api.call('readings-estimate', { period });
              const counts = t('period.estimated', { created: done.created.length, skipped: done.skipped.length });
              // Which ones were not estimated, and why: each is for the clerk to look at.
              const list = done.skipped
                .slice(0, 10)
                .map((skip) => `${skip.equipmentId} (${t(`period.notEstimatedReasons.${skip.reason}`)})`)
                .join(', ');
              return done.skipped.length === 0 ? counts : `${counts} ${t('period.notEstimated', { list: done.skipped.length > 10 ? `${list}, …` : list })}`;
            });
          }}
        >
          {t('period.estimate', { count: allMissing ?? 0 })}
        </button>
      </div>
      {/* Under the toolbar, the whole width: a sentence, not a narrow column beside the buttons. */}
      <p className="muted page-status" role="status">
        {message}
      </p>
      <div className="filters-row">
        <div className="state-filters" role="group" aria-label={t('period.state')}>
          <button type="button" aria-pressed={filter === null} onClick={() => setFilter(null)}>
            {t('period.all')} {shown?.total ?? ''}
          </button>
          {PERIOD_STATES.map((state) => (
            <button
              key={state}
              type="button"
              // In its state's colour while there is one: fehlt 0, zu prüfen 0 need no attention.
              className={shown?.counts[state] === 0 ? undefined : `state-${state}`}
              aria-pressed={filter === state}
              onClick={() => setFilter(filter === state ? null : state)}
            >
              {t(`period.states.${state}`)} {shown?.counts[state] ?? ''}
            </button>
          ))}
        </div>
        {/* The list as it is filtered here, to take along. */}
        <button type="button" onClick={exportList} disabled={!validPeriod}>
          {t('period.export')}
        </button>
      </div>
      {alerts && (
        <p className="alert-counts">
          <a href="#/alerts">
            {t('alerts.onPeriod', {
              stuck: alerts.stuck,
              silent: alerts.silent,
              unusual: alerts.unusual,
              web: alerts['web-waiting'],
            })}
          </a>
        </p>
      )}
      <p className="muted small">{t('period.hint')}</p>
      <Grid<PeriodRow>
        label={t('period.list')}
        datasource={datasource}
        onReady={(ready) => {
          gridApi.current = ready;
        }}
        columns={columns}
        rowId={(row) => String(row.deviceId)}
        onOpen={(row) => setOpen({ row, next: row.state === 'missing' })}
        focusToken={focusToken}
        height="calc(100vh - 260px)"
      />
      {open && (
        <ReadingDialogWithData
          key={`${open.row.deviceId}-${open.row.readingId ?? 'new'}`}
          equipmentId={open.row.equipmentId}
          readingId={open.row.readingId ?? undefined}
          onClose={() => {
            setOpen(null);
            focusRow(open.row.deviceId);
          }}
          onSaved={(saved) => afterSave(open, saved)}
        />
      )}
    </section>
  );
}
