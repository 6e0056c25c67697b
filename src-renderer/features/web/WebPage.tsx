import type { ColDef } from 'ag-grid-community';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { WebOverview } from '../../../shared/api';
import { formatCounter, formatDate, LOCALES } from '../../../shared/format';
import type { WebSubmission } from '../../../shared/models';
import { Grid } from '../../components/Grid';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { deviceHref, navigate } from '../../useHashRoute';

/**
 * What customers entered on the portal (SPEC §5): kept-aside submissions first, then the
 * flagged ones; a clerk opens the reading in the meter dialog to confirm or correct it, or
 * decides on a submission kept aside. `Synchronisieren` runs the sync now.
 */
export function WebPage() {
  const { t, language } = useLanguage();
  const [overview, setOverview] = useState<WebOverview | null>(null);
  const [busy, setBusy] = useState<'sync' | 'send' | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.call('web-overview', {}).then(setOverview, (failure: Error) => setError(failure.message));
  }, []);
  useEffect(load, [load]);

  const timestamp = useCallback(
    (iso: string) => new Date(iso).toLocaleString(LOCALES[language], { dateStyle: 'short', timeStyle: 'short' }),
    [language],
  );

  const run = (kind: 'sync' | 'send') => {
    setBusy(kind);
    setError(null);
    setMessage('');
    const done = () => {
      setBusy(null);
      load();
    };
    if (kind === 'sync') {
      api.call('web-sync', {}).then(
        (report) => {
          setMessage(t('web.synced', { ...report }));
          done();
        },
        (failure: Error) => {
          setError(failure.message);
          done();
        },
      );
    } else {
      api.call('web-send-requests', {}).then(
        (report) => {
          setMessage(
            t('web.sent', { period: report.period, sent: report.sent, failed: report.failed.length, skipped: report.skipped.length }),
          );
          done();
        },
        (failure: Error) => {
          setError(failure.message);
          done();
        },
      );
    }
  };

  const decide = useCallback(
    (row: WebSubmission, action: 'apply' | 'discard') => {
      setError(null);
      api.call('web-decide', { id: row.id, action }).then(load, (failure: Error) => setError(failure.message));
    },
    [load],
  );

  const open = useCallback((row: WebSubmission) => navigate(deviceHref(row.equipmentId, row.readingId ?? undefined)), []);

  // Room for three buttons only where a kept-aside submission has them.
  const anyHeld = overview?.submissions.some((row) => row.state === 'held') ?? false;
  const columns = useMemo<ColDef<WebSubmission>[]>(
    () => [
      {
        field: 'flagged',
        headerName: t('web.flagged'),
        width: 100,
        cellRenderer: (p: { value: boolean }) => (p.value ? <span className="flag">⚠ {t('web.flagged')}</span> : ''),
      },
      {
        colId: 'customer',
        headerName: t('web.customer'),
        flex: 2,
        minWidth: 150,
        valueGetter: (p) => (p.data ? `${p.data.customerNumber} ${p.data.customerName}` : ''),
      },
      {
        field: 'equipmentId',
        headerName: t('web.device'),
        width: 110,
        cellRenderer: (p: { value: string; data?: WebSubmission }) => (
          <a href={p.data ? deviceHref(p.value, p.data.readingId ?? undefined) : '#/'} tabIndex={-1}>
            {p.value}
          </a>
        ),
      },
      { field: 'position', headerName: t('web.position'), width: 70 },
      { field: 'enteredOn', headerName: t('web.enteredOn'), width: 110, valueFormatter: (p) => formatDate(String(p.value), language) },
      {
        colId: 'values',
        headerName: t('web.values'),
        flex: 2,
        minWidth: 160,
        tooltipValueGetter: (p) => String(p.value ?? ''),
        valueGetter: (p) =>
          p.data?.values.map((v) => `${t(`kinds.${v.kind}`)} ${formatCounter(v.value, language)}`).join(' · ') ?? '',
      },
      {
        field: 'state',
        headerName: t('web.state'),
        width: 130,
        valueFormatter: (p) => t(`web.states.${p.value as WebSubmission['state']}`),
      },
      {
        field: 'reason',
        headerName: t('web.reason'),
        flex: 1,
        minWidth: 110,
        tooltipValueGetter: (p) => (p.valueFormatted as string | null) ?? '',
        valueFormatter: (p) => {
          const reason = p.value as string | null;
          if (!reason) return '';
          return t(`web.reasons.${reason.startsWith('refused') ? 'refused' : reason}`);
        },
      },
      {
        colId: 'actions',
        headerName: '',
        width: anyHeld ? 270 : 100,
        pinned: 'right',
        sortable: false,
        cellRenderer: (p: { data?: WebSubmission }) =>
          p.data ? (
            <span className="row-actions">
              <button type="button" onClick={() => open(p.data!)}>
                {t('web.open')}
              </button>
              {p.data.state === 'held' && (
                <>
                  {p.data.reason !== 'incomplete' && (
                    <button type="button" onClick={() => decide(p.data!, 'apply')}>
                      {t('web.apply')}
                    </button>
                  )}
                  <button type="button" onClick={() => decide(p.data!, 'discard')}>
                    {t('web.discard')}
                  </button>
                </>
              )}
            </span>
          ) : null,
      },
    ],
    [t, language, decide, open, anyHeld],
  );

  const lastSync = overview?.lastSync;
  const sent = overview?.requests.filter((r) => r.status === 'sent').length ?? 0;
  const pending = overview?.requests.filter((r) => r.status === 'pending').length ?? 0;
  return (
    <section className="search-page web-page">
      <h1>{t('web.title')}</h1>
      <div className="toolbar">
        <button type="button" className="primary" disabled={busy !== null || overview?.available === false} onClick={() => run('sync')}>
          {busy === 'sync' ? t('web.syncing') : t('web.sync')}
        </button>
        <button type="button" disabled={busy !== null || overview?.available === false} onClick={() => run('send')}>
          {busy === 'send' ? t('web.sending') : t('web.send')}
        </button>
        <span className="muted">
          {!lastSync
            ? t('web.neverSynced')
            : lastSync.error
              ? t('web.lastSyncFailed', { at: timestamp(lastSync.startedAt), error: lastSync.error })
              : t('web.lastSync', { at: timestamp(lastSync.startedAt) })}
          {overview && ` · ${t('web.requests', { period: overview.period, sent, pending })}`}
        </span>
      </div>
      <p role="status" className={error ? 'error-banner' : 'muted'}>
        {error ? t('app.error', { message: error }) : overview?.available === false ? t('web.notRunning') : message}
      </p>
      {overview && overview.submissions.length === 0 ? (
        <p className="muted">{t('web.none')}</p>
      ) : (
        <Grid<WebSubmission>
          label={t('web.submissions')}
          rows={overview?.submissions ?? []}
          columns={columns}
          rowId={(row) => String(row.id)}
          onOpen={open}
          height="calc(100vh - 240px)"
        />
      )}
    </section>
  );
}
