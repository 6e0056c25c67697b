import { useEffect, useState } from 'react';
import type { BillingRun } from '../../../shared/api';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { BillLines } from './BillLines';

/** The printable statements of a run: one page per contract (print, or save as PDF). */
export function StatementPage({ runId, period }: { runId: number; period: string | null }) {
  const { t } = useLanguage();
  const [run, setRun] = useState<BillingRun | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // The run's period is not in the route: find it among the runs of recent months.
    const find = async () => {
      const months = period ? [period] : [];
      if (months.length === 0) {
        const now = new Date();
        for (let back = 0; back < 24; back++) {
          const d = new Date(now.getFullYear(), now.getMonth() - back, 1);
          months.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`);
        }
      }
      for (const month of months) {
        const found = (await api.call('billing-runs', { period: month })).find((r) => r.id === runId);
        if (found) return found;
      }
      return null;
    };
    find().then(setRun, (failure: Error) => setError(failure.message));
  }, [runId, period]);

  if (error) return <p role="alert">{t('app.error', { message: error })}</p>;
  if (!run) return <p className="muted">{t('app.loading')}</p>;
  return (
    <section className="statement">
      <p className="no-print toolbar">
        <a href="#/billing">{t('billing.back')}</a>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('billing.print')}
        </button>
      </p>
      {run.contracts.map((contract) => (
        <article key={contract.contractId} className="statement-page">
          <h1>{t('billing.statementTitle', { period: run.period })}</h1>
          <BillLines contract={contract} />
        </article>
      ))}
    </section>
  );
}
