import { useEffect, useRef, useState } from 'react';
import type { BillingRun } from '../../../shared/api';
import { formatPeriod } from '../../../shared/format';
import i18next from 'i18next';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { BillLines } from './BillLines';
import { StatementReadings } from './StatementReadings';

/** The printable statements of a run: one page per contract (print, or save as PDF). */
export function StatementPage({ runId }: { runId: number }) {
  const { t } = useLanguage();
  const [run, setRun] = useState<BillingRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const printButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    api.call('billing-run-get', { runId }).then(setRun, (failure: Error) => setError(failure.message));
  }, [runId]);
  // Opened with the keyboard from the run's line: the keyboard goes on with Drucken, not from the page's top.
  useEffect(() => {
    if (run) printButton.current?.focus();
  }, [run]);

  if (error) return <p role="alert">{t('app.error', { message: error })}</p>;
  if (!run) return <p className="muted">{t('app.loading')}</p>;
  return (
    <section className="statement">
      <p className="no-print toolbar">
        {/* Back to the run's month, which need not be this one. */}
        <a href={`#/billing?period=${run.period}`}>{t('billing.back')}</a>
        <button ref={printButton} type="button" className="primary" onClick={() => window.print()}>
          {t('billing.print')}
        </button>
      </p>
      {run.contracts.map((contract) => (
        <article key={contract.contractId} className="statement-page" lang={contract.customerLanguage}>
          {/* Each customer's statement in the customer's correspondence language. */}
          <h1>{i18next.getFixedT(contract.customerLanguage)('billing.statementTitle', { period: formatPeriod(run.period, contract.customerLanguage) })}</h1>
          <BillLines contract={contract} language={contract.customerLanguage} />
          {contract.readings && <StatementReadings readings={contract.readings} language={contract.customerLanguage} />}
        </article>
      ))}
    </section>
  );
}
