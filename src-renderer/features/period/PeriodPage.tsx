import type { ColDef } from 'ag-grid-community';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AlertsOverview, PeriodOverview, PeriodRow, PeriodState } from '../../../shared/api';
import { formatCounter, formatDate } from '../../../shared/format';
import { Grid } from '../../components/Grid';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { ReadingDialogWithData } from '../readings/ReadingDialogWithData';

const STATES: PeriodState[] = ['missing', 'manual', 'web', 'import', 'estimate', 'flagged', 'billed', 'posted'];

interface Open {
  row: PeriodRow;
  /** Opened from the missing list: after a save the next missing device opens. */
  next: boolean;
}

/**
 * The month's work list: every due device with the state of its reading; filters per state
 * with their counts, the requests and the sync, and the meter dialog on a row — after F2 the
 * next missing device opens, so a clerk works down the list from the keyboard.
 */
export function PeriodPage({ today }: { today: string }) {
  const { t, language } = useLanguage();
  const [period, setPeriod] = useState(today.slice(0, 7));
  const [filter, setFilter] = useState<PeriodState | null>(null);
  const [overview, setOverview] = useState<PeriodOverview | null>(null);
  const [open, setOpen] = useState<Open | null>(null);
  const [message, setMessage] = useState('');
  const [alerts, setAlerts] = useState<AlertsOverview['counts'] | null>(null);
  useEffect(() => {
    // Apart from the overview, so a large dealer's month list is not kept waiting.
    api.call('alerts-list', {}).then((loaded) => setAlerts(loaded.counts), () => setAlerts(null));
  }, [overview]);
  // The dialog open now: a save that completes after the clerk closed it opens nothing more.
  const openNow = useRef<Open | null>(null);
  useEffect(() => {
    openNow.current = open;
  }, [open]);

  const load = useCallback(
    () =>
      api.call('period-overview', { period }).then(
        (loaded) => {
          setOverview(loaded);
          return loaded;
        },
        (failure: Error) => {
          setMessage(failure.message);
          return null;
        },
      ),
    [period],
  );
  useEffect(() => {
    if (/^\d{4}-\d{2}$/.test(period)) void load();
  }, [load, period]);

  const rows = useMemo(() => overview?.rows.filter((row) => !filter || row.state === filter) ?? [], [overview, filter]);

  const columns = useMemo<ColDef<PeriodRow>[]>(
    () => [
      {
        field: 'state',
        headerName: t('period.state'),
        width: 150,
        cellClass: (p) => `state-${String(p.value)}`,
        valueFormatter: (p) => t(`period.states.${p.value as PeriodState}`),
      },
      { colId: 'customer', headerName: t('period.customer'), width: 240, valueGetter: (p) => (p.data ? `${p.data.customerNumber} ${p.data.customerName}` : '') },
      { field: 'contractNumber', headerName: t('period.contract'), width: 130 },
      { field: 'equipmentId', headerName: t('period.device'), width: 120 },
      { field: 'position', headerName: t('period.position'), width: 80 },
      { field: 'model', headerName: t('period.model'), width: 200 },
      { field: 'location', headerName: t('period.location'), flex: 1, minWidth: 160 },
      { field: 'date', headerName: t('period.date'), width: 115, valueFormatter: (p) => (p.value ? formatDate(String(p.value), language) : '') },
      {
        colId: 'counters',
        headerName: t('period.counters'),
        width: 230,
        valueGetter: (p) => p.data?.counters.map((c) => `${t(`kinds.${c.kind}`)} ${formatCounter(c.value, language)}`).join(' · ') ?? '',
      },
    ],
    [t, language],
  );

  const run = (call: () => Promise<string>) => {
    setMessage('');
    call().then(
      (text) => {
        setMessage(text);
        void load();
      },
      (failure: Error) => setMessage(t('app.error', { message: failure.message })),
    );
  };

  const afterSave = (current: Open) => {
    const stillOpen = openNow.current === current;
    setOpen(null);
    void load().then((loaded) => {
      if (!loaded || !current.next || !stillOpen) return;
      const missing = loaded.rows.filter((row) => row.state === 'missing');
      const after = missing.find((row) => `${row.customerNumber} ${row.contractNumber} ${row.position}` > `${current.row.customerNumber} ${current.row.contractNumber} ${current.row.position}`);
      const next = after ?? missing[0];
      if (next && next.deviceId !== current.row.deviceId) setOpen({ row: next, next: true });
    });
  };

  return (
    <section className="period-page">
      <h1>{t('period.title')}</h1>
      <div className="toolbar">
        <label className="inline-field">
          <span>{t('period.period')}</span>
          <input type="month" value={period} onChange={(event) => setPeriod(event.target.value)} />
        </label>
        <button
          type="button"
          onClick={() =>
            run(async () => {
              const report = await api.call('web-send-requests', { period });
              return t('web.sent', { period: report.period, sent: report.sent, failed: report.failed.length, skipped: report.skipped.length });
            })
          }
        >
          {t('web.send')}
        </button>
        <button type="button" onClick={() => run(async () => t('web.synced', { ...(await api.call('web-sync', {})) }))}>
          {t('web.sync')}
        </button>
        <button
          type="button"
          disabled={!overview?.counts.missing}
          onClick={() =>
            run(async () => {
              const done = await api.call('readings-estimate', { period });
              return t('period.estimated', { created: done.created.length, skipped: done.skipped.length });
            })
          }
        >
          {t('period.estimate', { count: overview?.counts.missing ?? 0 })}
        </button>
        <span className="muted" role="status">
          {message}
        </span>
      </div>
      <div className="state-filters" role="group" aria-label={t('period.state')}>
        <button type="button" aria-pressed={filter === null} onClick={() => setFilter(null)}>
          {t('period.all')} {overview?.rows.length ?? ''}
        </button>
        {STATES.map((state) => (
          <button key={state} type="button" className={`state-${state}`} aria-pressed={filter === state} onClick={() => setFilter(filter === state ? null : state)}>
            {t(`period.states.${state}`)} {overview?.counts[state] ?? ''}
          </button>
        ))}
      </div>
      {alerts && (
        <p className="alert-counts">
          <a href="#/alerts">
            {t('alerts.onPeriod', { stuck: alerts.stuck, silent: alerts.silent, unusual: alerts.unusual, web: alerts['web-waiting'] })}
          </a>
        </p>
      )}
      <p className="muted small">{t('period.hint')}</p>
      <Grid<PeriodRow>
        label={t('period.list')}
        rows={rows}
        columns={columns}
        rowId={(row) => String(row.deviceId)}
        onOpen={(row) => setOpen({ row, next: row.state === 'missing' })}
        height="calc(100vh - 260px)"
      />
      {open && (
        <ReadingDialogWithData
          key={`${open.row.deviceId}-${open.row.readingId ?? 'new'}`}
          equipmentId={open.row.equipmentId}
          readingId={open.row.readingId ?? undefined}
          onClose={() => setOpen(null)}
          onSaved={() => afterSave(open)}
        />
      )}
    </section>
  );
}
