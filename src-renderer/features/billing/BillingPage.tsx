import type { ColDef } from 'ag-grid-community';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { BilledContract, BillingPreview, BillingRun } from '../../../shared/api';
import { billingCsv } from '../../../shared/billing-csv';
import type { Language } from '../../../shared/models';
import { formatAmount, formatDate, formatPeriod, labelSeparator } from '../../../shared/format';
import { formatMoment } from '../../moments';
import { downloadCsv } from '../../components/download';
import { Grid } from '../../components/Grid';
import { useLanguage } from '../../i18n';
import { MonthPicker } from '../../components/MonthPicker';
import { api } from '../../platform/transport';
import { deviceHref, navigate } from '../../useHashRoute';
import { BillLines } from './BillLines';

export interface BillingPageProps {
  /** The dealer's today, for the default period (this month). */
  today: string;
  /** The month to open instead (coming back from a reading it left out). */
  period?: string | null;
}

/** A contract of the preview with its devices still without a reading this month. */
type ContractRow = BilledContract & { missing: string[] };

/** Readings left out of the run, named with their devices: the first ones. */
const SKIPPED_SHOWN = 20;

interface PreviewNoticeProps {
  className: string;
  label: string;
  language: Language;
  items: Array<{ key: number; content: ReactNode }>;
}

/** A labelled list under the preview (what it leaves out, what is not due): the first ones, then "…". */
function PreviewNotice({ className, label, language, items }: PreviewNoticeProps) {
  if (items.length === 0) return null;
  return (
    <p className={className} aria-label={label}>
      {label}
      {labelSeparator(language)}
      {items.slice(0, SKIPPED_SHOWN).map((item, index) => (
        <span key={item.key}>
          {index > 0 && ', '}
          {item.content}
        </span>
      ))}
      {items.length > SKIPPED_SHOWN && ', …'}
    </p>
  );
}

/**
 * The print billing of a month: the preview of what a run would bill, the run (01 → 11), and
 * the period's runs with cancel, post (→ 21), the printable statements and the CSV export.
 */
export function BillingPage({ today, period: initialPeriod = null }: BillingPageProps) {
  const { t, language } = useLanguage();
  const [period, setPeriod] = useState(initialPeriod ?? today.slice(0, 7));
  const [preview, setPreview] = useState<BillingPreview | null>(null);
  const [runs, setRuns] = useState<BillingRun[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  // What the last action did (a run billed, cancelled or posted), until the next one.
  const [done, setDone] = useState<string | null>(null);

  // The run an action was on, whose line takes the keyboard once the runs are reloaded: its
  // buttons change (or go) with its state, and the one pressed would leave the focus on <body>.
  const focusRun = useRef<number | null>(null);
  const runsList = useRef<HTMLUListElement>(null);
  const runButton = useRef<HTMLButtonElement>(null);

  const load = useCallback(() => {
    if (!/^\d{4}-\d{2}$/.test(period)) return;
    Promise.all([api.call('billing-preview', { period }), api.call('billing-runs', { period })]).then(
      ([loadedPreview, loadedRuns]) => {
        setError(null);
        setPreview(loadedPreview);
        setRuns(loadedRuns);
      },
      (failure: Error) => {
        // No line to go on from: a later month's runs must not take the keyboard instead.
        focusRun.current = null;
        setError(failure.message);
      },
    );
  }, [period]);
  useEffect(load, [load]);
  useEffect(() => {
    const id = focusRun.current;
    if (id === null) return;
    focusRun.current = null;
    // Its first button (Abrechnungen drucken after Abrechnen and Verbuchen); a cancelled run has
    // none: Abrechnen then, its readings being billable again; else the line itself.
    const line = runsList.current?.querySelector<HTMLElement>(`[data-run="${id}"]`);
    const button = line?.querySelector<HTMLButtonElement>('button:enabled');
    (button ?? (runButton.current?.disabled === false ? runButton.current : line))?.focus();
  }, [runs]);

  const act = (call: () => Promise<BillingRun>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    call().then(
      (run) => {
        setBusy(false);
        setDone(
          t(`billing.done.${run.state}`, { id: run.id, count: run.contracts.length, total: formatAmount(run.total, language) }),
        );
        focusRun.current = run.id;
        load();
      },
      (failure: Error) => {
        setBusy(false);
        setError(failure.message);
      },
    );
  };

  const readings = preview?.contracts.reduce((sum, c) => sum + c.readingIds.length, 0) ?? 0;
  // Devices of the billed contracts still without a reading this month (the period page's *fehlt*).
  const missingOf = useMemo(() => {
    const byContract = new Map<number, string[]>();
    for (const { contractId, equipmentId } of preview?.missing ?? []) byContract.set(contractId, [...(byContract.get(contractId) ?? []), equipmentId]);
    return byContract;
  }, [preview]);
  const contractRows = useMemo(
    () => (preview?.contracts ?? []).map((contract) => ({ ...contract, missing: missingOf.get(contract.contractId) ?? [] })),
    [preview, missingOf],
  );
  const missingList = (preview?.missing ?? []).slice(0, 10).map((m) => m.equipmentId).join(', ') + ((preview?.missing.length ?? 0) > 10 ? ', …' : '');
  // The contract whose bill shows below the list: the one chosen, else the first.
  const shown = preview?.contracts.find((contract) => contract.contractId === selected) ?? preview?.contracts[0];

  const columns = useMemo<ColDef<ContractRow>[]>(
    () => [
      {
        colId: 'customer',
        headerName: t('billing.customer'),
        flex: 2,
        minWidth: 200,
        valueGetter: (p) => (p.data ? `${p.data.customerNumber} ${p.data.customerName}` : ''),
      },
      { field: 'contractNumber', headerName: t('billing.contract'), width: 140 },
      {
        colId: 'validity',
        headerName: t('billing.validity'),
        width: 200,
        valueGetter: (p) => (p.data ? `${formatDate(p.data.validFrom, language)} – ${formatDate(p.data.validTo, language)}` : ''),
        comparator: (_a, _b, a, b) => (a.data?.validFrom ?? '').localeCompare(b.data?.validFrom ?? ''),
      },
      {
        colId: 'readings',
        headerName: t('billing.readings'),
        width: 130,
        type: 'rightAligned',
        valueGetter: (p) => p.data?.readingIds.length ?? 0,
      },
      {
        colId: 'estimated',
        headerName: t('billing.estimated'),
        width: 120,
        valueGetter: (p) => p.data?.estimates.length ?? 0,
        valueFormatter: (p) => (p.value ? `⚠ ${String(p.value)}` : ''),
        cellClass: 'cell-flagged',
      },
      {
        colId: 'missing',
        headerName: t('billing.missing'),
        width: 120,
        // From the row's own data: a value read from outside the row went stale when the month changed.
        valueGetter: (p) => p.data?.missing.length ?? 0,
        valueFormatter: (p) => (p.value ? `⚠ ${String(p.value)}` : ''),
        tooltipValueGetter: (p) => p.data?.missing.join(', ') ?? '',
        cellClass: 'cell-flagged',
      },
      {
        colId: 'amount',
        headerName: t('billing.amount'),
        width: 140,
        type: 'rightAligned',
        valueGetter: (p) => p.data?.totalRounded ?? 0,
        valueFormatter: (p) => formatAmount(Number(p.value), language),
      },
    ],
    [t, language],
  );
  return (
    <section className="billing-page">
      <h1>{t('billing.title')}</h1>
      <div className="toolbar">
        <MonthPicker
          label={t('billing.period')}
          value={period}
          onChange={(next) => {
            setDone(null);
            setPeriod(next);
          }}
        />
        <button
          ref={runButton}
          type="button"
          className="primary"
          disabled={busy || !preview || preview.contracts.length === 0}
          onClick={() => {
            const missing = preview && preview.missing.length > 0 ? `\n\n${t('billing.missingConfirm', { count: preview.missing.length, list: missingList })}` : '';
            if (window.confirm(`${t('billing.runConfirm', { count: readings })}${missing}`)) act(() => api.call('billing-run', { period }));
          }}
        >
          {t('billing.run')}
        </button>
        <span className="muted" role="status">
          {done && !error && <strong className="done">{done} </strong>}
          {error
            ? t('app.error', { message: error })
            : !preview
              ? t('app.loading')
              : preview.contracts.length === 0
                ? // Right after a run, the emptied preview is no news.
                  done
                  ? ''
                  : t('billing.nothing')
                : t('billing.preview', { count: preview.contracts.length, total: formatAmount(preview.total, language) })}
          {preview && preview.skipped.length > 0 && ` · ${t('billing.skipped', { count: preview.skipped.length })}`}
          {preview && preview.missing.length > 0 && ` · ${t('billing.missingStatus', { count: preview.missing.length })}`}
        </span>
      </div>

      {preview && (
        // What the run leaves out, each opening its device: a reading to check is confirmed there first.
        <PreviewNotice
          className="notice flagged"
          label={t('billing.skippedLabel')}
          language={language}
          items={preview.skipped.map((skip) => ({
            key: skip.readingId,
            content: (
              <>
                <a href={deviceHref(skip.equipmentId, skip.readingId, `billing?period=${period}`)}>{skip.equipmentId}</a> ({t(`billing.skipReasons.${skip.reason}`)})
              </>
            ),
          }))}
        />
      )}
      {preview && (
        // Contracts between the months their interval ends in: their readings wait for that run.
        <PreviewNotice
          className="notice"
          label={t('billing.notDueLabel')}
          language={language}
          items={preview.notDue.map((contract) => ({
            key: contract.contractId,
            content: t('billing.notDueContract', {
              contract: contract.contractNumber,
              customer: `${contract.customerNumber} ${contract.customerName}`,
              due: formatPeriod(contract.duePeriod, language),
            }),
          }))}
        />
      )}

      {runs.length > 0 && (
        <section aria-label={t('billing.runs')} className="billing-runs">
          <h2>{t('billing.runs')}</h2>
          <ul ref={runsList}>
            {runs.map((run) => (
              <li key={run.id} data-run={run.id} tabIndex={-1}>
                <span>
                  {t('billing.runLabel', {
                    id: run.id,
                    state: t(`billing.states.${run.state}`),
                    at: formatMoment(run.createdAt, language),
                    total: formatAmount(run.total, language),
                    by: run.createdBy,
                  })}
                </span>
                {run.state !== 'cancelled' && (
                  <>
                    <button type="button" onClick={() => navigate(`#/billing/runs/${run.id}`)}>
                      {t('billing.statement')}
                    </button>
                    <button type="button" onClick={() => downloadCsv(`meterdesk-billing-${run.period}-run-${run.id}.csv`, billingCsv(run))}>
                      {t('billing.csv')}
                    </button>
                  </>
                )}
                {run.state === 'billed' && (
                  <>
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => {
                        if (window.confirm(t('billing.cancelConfirm', { id: run.id }))) act(() => api.call('billing-cancel', { runId: run.id }));
                      }}
                    >
                      {t('billing.cancel')}
                    </button>
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => {
                        if (window.confirm(t('billing.postConfirm', { id: run.id }))) act(() => api.call('billing-post', { runId: run.id }));
                      }}
                    >
                      {t('billing.post')}
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      {preview && preview.contracts.length > 0 && (
        <>
          <p className="muted">{t('billing.previewHint')}</p>
          <Grid<ContractRow>
            label={t('billing.previewList')}
            rows={contractRows}
            columns={columns}
            rowId={(contract) => String(contract.contractId)}
            onOpen={(contract) => setSelected(contract.contractId)}
            onFocusRow={(contract) => setSelected(contract.contractId)}
            // Some ten rows; a small dealer's few take no more room than they need.
            height={Math.min(preview.contracts.length, 10) * 34 + 40}
          />
          {shown && <BillLines contract={shown} />}
        </>
      )}
    </section>
  );
}
