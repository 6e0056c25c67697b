import { useEffect, useState } from 'react';
import type { BillingRun } from '../../../shared/api';
import { formatPeriod } from '../../../shared/format';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { BillLines } from './BillLines';

/** The printable statements of a run: one page per contract (print, or save as PDF). */
export function StatementPage({ runId }: { runId: number }) {
  const { t, language } = useLanguage();
  const [run, setRun] = useState<BillingRun | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.call('billing-run-get', { runId }).then(setRun, (failure: Error) => setError(failure.message));
  }, [runId]);

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
          <h1>{t('billing.statementTitle', { period: formatPeriod(run.period, language) })}</h1>
          <BillLines contract={contract} />
        </article>
      ))}
    </section>
  );
}
