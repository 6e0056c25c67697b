import type { ColDef } from 'ag-grid-community';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { NO_SMTP_ERROR, type HandedOverLink, type WebOverview, type WebRequestInfo } from '../../../shared/api';
import { formatCounter, formatDate, formatPeriod } from '../../../shared/format';
import { formatMoment } from '../../moments';
import type { CounterKind, WebSubmission } from '../../../shared/models';
import { isEditable } from '../../../shared/rules/status';
import { periodReadingBilled } from '../../../shared/rules/web-reading';
import { Grid } from '../../components/Grid';
import { HandedOverLinkNotice } from './HandedOverLinkNotice';
import { useLanguage } from '../../i18n';
import { failureText, heldReasonText } from '../../issues';
import { api } from '../../platform/transport';
import { deviceHref, navigate } from '../../useHashRoute';

/** A web reading a clerk changed since: its values are no longer what the customer entered. */
function corrected(row: WebSubmission): boolean {
  const now = row.readingValues;
  if (row.state !== 'applied' || !now) return false;
  return row.values.length !== now.length || row.values.some((entered) => now.find((v) => v.kind === entered.kind)?.value !== entered.value);
}

/** Kept aside against the office's reading of the month, billed already: only discarding is left. */
function billedOver(row: WebSubmission): boolean {
  return row.periodReading !== null && periodReadingBilled(row.periodReading);
}

const REQUEST_ORDER: Record<WebRequestInfo['status'], number> = { pending: 0, sent: 1, 'handed-over': 1, cancelled: 2 };
const requestRank = (request: WebRequestInfo) => REQUEST_ORDER[request.status] + (request.replaced ? 0.5 : 0);

/**
 * What customers entered on the portal (SPEC §5): kept-aside submissions first, then the
 * flagged ones; a clerk opens the reading in the meter dialog to confirm or correct it, or
 * decides on a submission kept aside. `Synchronisieren` runs the sync now.
 */
/** `today`: the dealer's day; the requests sent are this month's. */
export function WebPage({ today, at = null }: { today: string; at?: string | null }) {
  const { t, language } = useLanguage();
  const [overview, setOverview] = useState<WebOverview | null>(null);
  const [busy, setBusy] = useState<'sync' | 'send' | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.call('web-overview', {}).then(setOverview, (failure: Error) => setError(failure.message));
  }, []);
  useEffect(load, [load]);

  const timestamp = useCallback((iso: string) => formatMoment(iso, language), [language]);

  // An e-mail's error as the clerk can act on it: the missing SMTP server in their language.
  const mailError = useCallback((error: string) => (error === NO_SMTP_ERROR ? t('web.noSmtp') : error), [t]);

  /** A sync or a send: busy while it runs, then its result in words (or its error), then the page anew. */
  const act = <R,>(kind: 'sync' | 'send', call: () => Promise<R>, describe: (result: R) => string) => {
    setBusy(kind);
    setError(null);
    setMessage('');
    call()
      .then(
        (result) => setMessage(describe(result)),
        // A refusal in the page's language where the core says why (nothing to enter for that customer).
        (failure: Error) => setError(failureText(failure, language, (text) => text)),
      )
      .finally(() => {
        setBusy(null);
        load();
      });
  };

  // The link shown once goes with the next action: it is not to be read off the screen later.
  const sync = () => {
    setHandedOver(null);
    act('sync', () => api.call('web-sync', {}), (report) => t('web.synced', { ...report }));
  };

  const send = () => {
    // E-mails to every customer due: asked first, as every action on many records is.
    if (!window.confirm(t('web.sendConfirm', { period: formatPeriod(today.slice(0, 7), language) }))) return;
    setHandedOver(null);
    act(
      'send',
      () => api.call('web-send-requests', {}),
      (report) => {
        const counts = t('web.sent', { period: formatPeriod(report.period, language), sent: report.sent, failed: report.failed.length, skipped: report.skipped.length });
        const failure = report.failed[0];
        // Who was skipped and why, where the office may act (asked already is the usual repeat).
        const skipped = report.skipped
          .filter((skip) => skip.reason !== 'already-requested')
          .map((skip) => t(`web.skipReasons.${skip.reason}`, { customer: skip.customerNumber }));
        return [counts, ...(failure ? [t('web.failedBecause', { error: mailError(failure.error) })] : []), ...skipped].join(' ');
      },
    );
  };

  // A customer who lost the e-mail, or whose link went astray: a new link, the old one stops working.
  const resend = (request: WebRequestInfo) => {
    if (!window.confirm(t('web.resendConfirm', { customer: `${request.customerNumber} ${request.customerName}` }))) return;
    // The send also delivers other customers' queued e-mails: only this customer's outcome counts here.
    const customer = request.customerNumber;
    act(
      'send',
      () => api.call('web-send-requests', { period: overview?.period, resend: true, customerNumber: customer }),
      (report) => {
        const failure = report.failed.find((f) => f.customerNumber === customer);
        const skipped = report.skipped.find((s) => s.customerNumber === customer);
        const planned = report.planned.find((p) => p.customerNumber === customer);
        if (failure) return `${t('web.resendFailed', { customer })} ${t('web.failedBecause', { error: mailError(failure.error) })}`;
        if (skipped) return t(`web.skipReasons.${skipped.reason}`, { customer });
        if (planned) return t('web.resent', { customer, to: planned.recipients.join(', ') });
        return t('web.notDue', { customer, period: formatPeriod(report.period, language) });
      },
    );
  };

  // A customer the e-mail cannot reach (no SMTP server yet, a lost e-mail): the office gives the link itself.
  const [handedOver, setHandedOver] = useState<HandedOverLink | null>(null);
  const handOver = (request: WebRequestInfo) => {
    if (!window.confirm(t('web.handOverConfirm', { customer: `${request.customerNumber} ${request.customerName}` }))) return;
    setHandedOver(null);
    act(
      'send',
      () => api.call('web-hand-over-link', { period: overview?.period, customerNumber: request.customerNumber }),
      (link) => {
        setHandedOver(link);
        return '';
      },
    );
  };

  const valuesText = useCallback(
    (values: ReadonlyArray<{ kind: CounterKind; value: number }>) =>
      values.map((v) => `${t(`kinds.${v.kind}`)} ${formatCounter(v.value, language)}`).join(' · '),
    [t, language],
  );

  const decide = useCallback(
    (row: WebSubmission, action: 'apply' | 'discard') => {
      // The customer's value is gone for good: asked first, like a new link.
      if (action === 'discard' && !window.confirm(t('web.discardConfirm', { device: row.equipmentId }))) return;
      // Taken over, the values replace the month's reading (its old values stay in its change log): asked too. Not
      // after a billed estimate, which stays as billed (the values come after it, a true-up).
      const office = row.periodReading;
      const replaces = office && (office.source !== 'estimate' || isEditable(office.status));
      const question = office?.source === 'estimate' ? 'web.applyEstimateConfirm' : office?.source === 'web' ? 'web.applyWebConfirm' : 'web.applyConfirm';
      if (
        action === 'apply' &&
        office &&
        replaces &&
        !window.confirm(
          t(question, {
            device: row.equipmentId,
            office: valuesText(office.values),
            web: valuesText(row.values),
          }),
        )
      )
        return;
      setError(null);
      setMessage('');
      // The office's reading as the clerk saw it: changed meanwhile, the take-over is refused.
      const revision = row.periodReading?.revision;
      api.call('web-decide', { id: row.id, action, ...(revision !== undefined && { revision }) }).then(
        () => {
          setMessage(t(action === 'apply' ? 'web.appliedMessage' : 'web.discardedMessage', { device: row.equipmentId }));
          load();
        },
        // Refused by the meter dialog's rules: each reason in words, with its counter.
        (failure: Error) => {
          setError(failureText(failure, language, (message) => message));
          load();
        },
      );
    },
    [load, language, t, valuesText],
  );

  // Back from the reading, the keyboard goes on from its row.
  const open = useCallback((row: WebSubmission) => navigate(deviceHref(row.equipmentId, row.readingId ?? undefined, `web?at=${row.id}`)), []);

  // Room for three buttons only where a kept-aside submission has them.
  const anyHeld = overview?.submissions.some((row) => row.state === 'held') ?? false;
  const columns = useMemo<ColDef<WebSubmission>[]>(
    () => [
      {
        // The reading's flag as it is now: confirmed or corrected by a clerk, it is checked.
        colId: 'flagged',
        headerName: t('web.flagged'),
        width: 112,
        valueGetter: (p) => (p.data ? (p.data.readingFlagged ?? p.data.flagged) : false),
        cellRenderer: (p: { value: boolean }) => (p.value ? <span className="flag">⚠ {t('web.flagged')}</span> : ''),
      },
      {
        colId: 'customer',
        headerName: t('web.customer'),
        flex: 1.6,
        minWidth: 130,
        // Names, values and reasons wrap rather than end in "…": the clerk decides on them.
        wrapText: true,
        autoHeight: true,
        valueGetter: (p) => (p.data ? `${p.data.customerNumber} ${p.data.customerName}` : ''),
      },
      {
        field: 'equipmentId',
        headerName: t('web.device'),
        width: 98,
        cellRenderer: (p: { value: string; data?: WebSubmission }) => (
          <a href={p.data ? deviceHref(p.value, p.data.readingId ?? undefined) : '#/'} tabIndex={-1}>
            {p.value}
          </a>
        ),
      },
      { field: 'position', headerName: t('web.position'), width: 70 },
      { field: 'enteredOn', headerName: t('web.enteredOn'), width: 106, valueFormatter: (p) => formatDate(String(p.value), language) },
      {
        colId: 'values',
        headerName: t('web.values'),
        flex: 2,
        minWidth: 160,
        wrapText: true,
        autoHeight: true,
        tooltipValueGetter: (p) => String(p.value ?? ''),
        valueGetter: (p) => {
          if (!p.data) return '';
          const entered = valuesText(p.data.values);
          // Kept aside beside the office's reading of the month: both, for the clerk to decide.
          if (p.data.state === 'held' && p.data.periodReading) {
            // The period's reading may be the customer's own, taken over from an earlier entry.
            const whose = p.data.periodReading.source === 'web' ? 'web.webValues' : 'web.officeValues';
            return `${entered} · ${t(whose, { values: valuesText(p.data.periodReading.values) })}`;
          }
          // Corrected by a clerk: what the customer entered, then what stands.
          return corrected(p.data) ? `${entered} → ${valuesText(p.data.readingValues!)}` : entered;
        },
      },
      {
        colId: 'state',
        headerName: t('web.state'),
        width: 132,
        valueGetter: (p) => (p.data ? (corrected(p.data) ? 'corrected' : p.data.state) : ''),
        valueFormatter: (p) => (p.value ? t(`web.states.${p.value as WebSubmission['state'] | 'corrected'}`) : ''),
      },
      {
        field: 'reason',
        headerName: t('web.reason'),
        flex: 3,
        minWidth: 160,
        wrapText: true,
        autoHeight: true,
        tooltipValueGetter: (p) => (p.valueFormatted as string | null) ?? '',
        valueGetter: (p) => (p.data?.state === 'held' ? (billedOver(p.data) ? 'billed' : p.data.reason) : null),
        valueFormatter: (p) => {
          // Once decided, the reason no longer matters.
          const reason = p.value as string | null;
          return reason ? heldReasonText(reason, language) : '';
        },
      },
      {
        colId: 'actions',
        headerName: '',
        // Öffnen, Übernehmen, Verwerfen side by side.
        width: anyHeld ? 262 : 90,
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
                  {p.data.reason !== 'incomplete' && !billedOver(p.data) && (
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
    [t, language, decide, open, anyHeld, valuesText],
  );

  const lastSync = overview?.lastSync;
  // Those not sent first: what the clerk has to look after.
  const requests = [...(overview?.requests ?? [])].sort(
    (a, b) => requestRank(a) - requestRank(b) || a.customerNumber.localeCompare(b.customerNumber),
  );
  // Customers, not e-mails: a resend's earlier e-mail does not count again.
  // E-mails sent, and apart from them links the office gave by hand (no e-mail went out).
  const stateOf = (request: WebRequestInfo) => {
    if (!request.replaced || request.status === 'cancelled' || request.status === 'pending') return t(`web.requestStates.${request.status}`);
    return t(request.status === 'handed-over' ? 'web.handedOverReplacedState' : 'web.requestReplaced');
  };
  const sent = overview?.requests.filter((r) => r.status === 'sent' && !r.replaced).length ?? 0;
  const givenByHand = overview?.requests.filter((r) => r.status === 'handed-over' && !r.replaced).length ?? 0;
  const pending = overview?.requests.filter((r) => r.status === 'pending').length ?? 0;
  return (
    <section className="search-page web-page">
      <h1>{t('web.title')}</h1>
      <div className="toolbar">
        <button type="button" className="primary" disabled={busy !== null || overview?.available === false} onClick={sync}>
          {busy === 'sync' ? t('web.syncing') : t('web.sync')}
        </button>
        <button type="button" disabled={busy !== null || overview?.available === false} onClick={send}>
          {busy === 'send' ? t('web.sending') : t('web.send')}
        </button>
        <span className="muted">
          {!lastSync
            ? t('web.neverSynced')
            : lastSync.error
              ? t('web.lastSyncFailed', { at: timestamp(lastSync.startedAt), error: lastSync.error })
              : t('web.lastSync', { at: timestamp(lastSync.startedAt) })}
          {overview && ` · ${t('web.requests', { period: formatPeriod(overview.period, language), sent, pending })}`}
          {givenByHand > 0 && `, ${t('web.requestsHandedOver', { count: givenByHand })}`}
        </span>
      </div>
      <p role="status" className={error ? 'error-banner' : 'muted'}>
        {error ? t('app.error', { message: error }) : overview?.available === false ? t('web.notRunning') : message}
      </p>
      {handedOver && (
        <HandedOverLinkNotice link={handedOver} />
      )}
      {overview && requests.length > 0 && (
        <details className="web-requests" open={pending > 0}>
          <summary>{t('web.requestList', { period: formatPeriod(overview.period, language), count: requests.length })}</summary>
          <table className="plain-table" aria-label={t('web.requestList', { period: formatPeriod(overview.period, language), count: requests.length })}>
            <thead>
              <tr>
                <th scope="col">{t('web.customer')}</th>
                <th scope="col">{t('web.state')}</th>
                <th scope="col">{t('web.attempts')}</th>
                <th scope="col">{t('web.sentAt')}</th>
                <th scope="col">{t('web.lastError')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('web.resend')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {requests.map((request, index) => (
                <tr key={`${request.customerNumber}-${index}`} className={request.status === 'pending' && request.lastError ? 'row-error' : undefined}>
                  <td>{`${request.customerNumber} ${request.customerName}`}</td>
                  <td>{stateOf(request)}</td>
                  <td>{request.attempts}</td>
                  <td>{request.sentAt ? timestamp(request.sentAt) : ''}</td>
                  <td>{request.status === 'pending' && request.lastError ? mailError(request.lastError) : ''}</td>
                  <td className="actions">
                    {/* By e-mail again, also to a customer the office gave a link by hand before. */}
                    {(request.status === 'sent' || request.status === 'handed-over') && !request.replaced && (
                      <button type="button" disabled={busy !== null} onClick={() => resend(request)}>
                        {t('web.resend')}
                      </button>
                    )}
                    {!request.replaced && request.status !== 'cancelled' && (
                      <button type="button" disabled={busy !== null} onClick={() => handOver(request)}>
                        {t('web.handOver')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      {overview && overview.submissions.length === 0 ? (
        <p className="muted">{t('web.none')}</p>
      ) : (
        <>
          {/* What customers entered, under its own heading (the request e-mails above are another list). */}
          <h2>{t('web.submissions')}</h2>
          <Grid<WebSubmission>
            label={t('web.submissions')}
            rows={overview?.submissions ?? []}
            columns={columns}
            rowId={(row) => String(row.id)}
            focusRowId={at}
            onOpen={open}
            height="calc(100vh - 280px)"
          />
        </>
      )}
    </section>
  );
}
