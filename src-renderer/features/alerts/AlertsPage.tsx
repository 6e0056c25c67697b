import type { ColDef } from 'ag-grid-community';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Alert, AlertKind, AlertsOverview } from '../../../shared/api';
import { formatCounter, formatDate } from '../../../shared/format';
import { Grid } from '../../components/Grid';
import { useLanguage } from '../../i18n';
import { heldReasonText } from '../../issues';
import { api } from '../../platform/transport';
import { ALERT_KINDS } from './alert-kinds';
import { deviceHref, navigate } from '../../useHashRoute';

/** An alert's row in the list (and in the address coming back to it): letters, digits and dashes. */
function alertRowId(row: Alert): string {
  return `${row.kind}-${row.deviceId}-${row.counter ?? ''}-${row.readingId ?? ''}`;
}

/**
 * What needs a look: stuck counters, silent devices, unusual usage, web values waiting. A
 * filter per kind with its count (`#/alerts?kind=…` from the period overview); Enter or a
 * double-click opens the device.
 */
export function AlertsPage({ kind, at = null }: { kind: AlertKind | null; at?: string | null }) {
  const { t, language } = useLanguage();
  const [overview, setOverview] = useState<AlertsOverview | null>(null);
  const [filter, setFilter] = useState<AlertKind | null>(kind);
  const [message, setMessage] = useState('');
  useEffect(() => {
    api.call('alerts-list', {}).then(setOverview, (failure: Error) => setMessage(t('app.error', { message: failure.message })));
  }, [t]);

  const detail = (alert: Alert): string => {
    const counter = alert.counter ? t(`kinds.${alert.counter}`) : '';
    const n = (value: number | undefined) => formatCounter(value ?? 0, language);
    if (alert.kind === 'stuck') return t('alerts.detail.stuck', { counter, value: n(alert.value) });
    if (alert.kind === 'silent') return t('alerts.detail.silent', { count: alert.months ?? 0 });
    if (alert.kind === 'unusual') {
      // A reading flagged by the portal's check, or under other settings, has no usual usage to name.
      const detail = alert.direction === 'low' ? 'low' : alert.expected === undefined ? 'flagged' : 'high';
      return t(`alerts.detail.${detail}`, { counter, usage: n(alert.value), expected: n(alert.expected) });
    }
    // The reason in words, as Web-Erfassung gives it.
    return t('alerts.detail.web', { reason: heldReasonText(alert.reason ?? '', language) });
  };

  const rows = useMemo(() => overview?.alerts.filter((alert) => !filter || alert.kind === filter) ?? [], [overview, filter]);
  // Back from the last entry of the list, dealt with: the keyboard goes on from the filters, not from nowhere.
  const filters = useRef<HTMLDivElement>(null);
  const empty = overview !== null && rows.length === 0;
  useEffect(() => {
    if (at !== null && empty) filters.current?.querySelector('button')?.focus();
  }, [at, empty]);
  const columns = useMemo<ColDef<Alert>[]>(
    () => [
      // At 1280 px the detail (the sentence that says what is wrong) gets the most room, with a tooltip.
      { field: 'kind', headerName: t('alerts.kind'), width: 210, valueFormatter: (p) => t(`alerts.kinds.${p.value as AlertKind}`) },
      {
        colId: 'customer',
        headerName: t('period.customer'),
        flex: 1.1,
        minWidth: 215,
        tooltipValueGetter: (p) => String(p.value ?? ''),
        valueGetter: (p) => (p.data ? `${p.data.customerNumber} ${p.data.customerName}` : ''),
      },
      { field: 'equipmentId', headerName: t('period.device'), width: 105 },
      { field: 'model', headerName: t('period.model'), flex: 0.8, minWidth: 130, tooltipField: 'model' },
      { field: 'date', headerName: t('period.date'), width: 105, valueFormatter: (p) => (p.value ? formatDate(String(p.value), language) : '–') },
      {
        colId: 'detail',
        headerName: t('alerts.detail.title'),
        flex: 2.3,
        minWidth: 300,
        // The sentence whole, in every language (French ran past the column with "…").
        wrapText: true,
        autoHeight: true,
        tooltipValueGetter: (p) => String(p.value ?? ''),
        valueGetter: (p) => (p.data ? detail(p.data) : ''),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, language],
  );

  return (
    <section className="alerts-page">
      <h1>{t('alerts.title')}</h1>
      <p className="muted" role="status">
        {message}
      </p>
      <div ref={filters} className="state-filters" role="group" aria-label={t('alerts.kind')}>
        <button type="button" aria-pressed={filter === null} onClick={() => setFilter(null)}>
          {t('period.all')} {overview?.alerts.length ?? ''}
        </button>
        {ALERT_KINDS.map((k) => (
          <button key={k} type="button" aria-pressed={filter === k} onClick={() => setFilter(filter === k ? null : k)}>
            {t(`alerts.kinds.${k}`)} {overview?.counts[k] ?? ''}
          </button>
        ))}
      </div>
      <Grid<Alert>
        label={t('alerts.list')}
        rows={rows}
        columns={columns}
        rowId={alertRowId}
        focusRowId={at}
        onOpen={(row) => {
          // A web value kept aside is decided on Web-Erfassung (Übernehmen / Verwerfen), not on the device.
          // A reading opened here comes back to this list, filtered as it was, to its row, once its dialog closes.
          const back = `alerts?${filter ? `kind=${filter}&` : ''}at=${alertRowId(row)}`;
          navigate(row.kind === 'web-waiting' ? '#/web' : deviceHref(row.equipmentId, row.readingId ?? undefined, back));
        }}
        height="calc(100vh - 250px)"
      />
      <p className="muted small">{t('alerts.hint')}</p>
    </section>
  );
}
