import { useEffect, useRef, useState } from 'react';
import type { BillingRun } from '../../../shared/api';
import { formatDate, formatMonths } from '../../../shared/format';
import { dayOfMoment } from '../../moments';
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
  // The dealer's contact details (Einstellungen), the statements' sender.
  const [sender, setSender] = useState('');
  const printButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    api
      .call('billing-run-get', { runId })
      .then(setRun, (failure: Error) => setError(failure.message));
    api.call('settings-get', {}).then(
      (settings) =>
        setSender(settings.find((setting) => setting.key === 'dealer.contact')?.value ?? ''),
      () => setSender(''),
    );
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
      {run.contracts.map((contract) => {
        // Each customer's statement in the customer's correspondence language.
        const written = contract.customerLanguage;
        const tc = i18next.getFixedT(written);
        return (
          <article key={contract.contractId} className="statement-page" lang={written}>
            <header className="statement-head">
              {sender && <p className="statement-sender">{sender}</p>}
              {/* Where an envelope's window shows it: the customer's name and address. */}
              <address className="statement-addressee" aria-label={tc('billing.addressee')}>
                {[contract.customerName, ...contract.customerAddress.split('\n')]
                  .filter(Boolean)
                  .join('\n')}
              </address>
              <p className="statement-meta">
                {tc('billing.statementMeta', {
                  customer: contract.customerNumber,
                  run: run.id,
                  date: formatDate(dayOfMoment(run.createdAt), written),
                })}
              </p>
            </header>
            {/* The months it bills: a quarterly contract's statement names its quarter, not the run's month. */}
            <h1>{tc('billing.statementTitle', { period: formatMonths(contract.validFrom, contract.validTo, written) })}</h1>
            <BillLines contract={contract} language={written} />
            {contract.readings && (
              <StatementReadings readings={contract.readings} language={written} />
            )}
            {/* Devices of the contract this bill has no reading of (held to check, or none yet): the customer reads that they come later. */}
            {contract.notBilled && contract.notBilled.length > 0 && (
              <p className="statement-not-billed">
                {tc('billing.notBilled', {
                  list: contract.notBilled.map((device) => `${[device.position, device.location].filter(Boolean).join(' ')}, ID ${device.equipmentId}`).join(' · '),
                })}
              </p>
            )}
          </article>
        );
      })}
    </section>
  );
}
