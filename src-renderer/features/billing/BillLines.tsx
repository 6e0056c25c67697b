import { formatAmount, formatCounter, formatDate, formatPrice } from '../../../shared/format';
import type { BilledContract } from '../../../shared/api';
import type { Language } from '../../../shared/models';
import i18next from 'i18next';
import { useLanguage } from '../../i18n';

/** One contract's bill: a line per counter kind, the exact total and the total rounded to 0.05. */
export function BillLines({ contract, language: written }: { contract: BilledContract; language?: Language }) {
  const ui = useLanguage();
  // The statement for the customer in the customer's language; the preview in the clerk's.
  const language = written ?? ui.language;
  const t = written ? i18next.getFixedT(written) : ui.t;
  return (
    <table className="bill">
      <caption>
        {contract.customerNumber} {contract.customerName} ·{' '}
        {t('billing.statementOf', {
          contract: contract.contractNumber,
          from: formatDate(contract.validFrom, language),
          to: formatDate(contract.validTo, language),
        })}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('billing.counter')}</th>
          <th scope="col">{t('billing.usage')}</th>
          <th scope="col">{t('billing.free')}</th>
          <th scope="col">{t('billing.billable')}</th>
          <th scope="col">{t('billing.price')}</th>
          <th scope="col">{t('billing.amount')}</th>
        </tr>
      </thead>
      <tbody>
        {contract.estimates.length > 0 && (
          <tr className="estimates">
            <td colSpan={6}>
              {t('billing.estimates', {
                list: contract.estimates
                  .map((estimate) => `${estimate.equipmentId} (${formatDate(estimate.date, language)})`)
                  .join(', '),
              })}
            </td>
          </tr>
        )}
        {contract.lines.map((line) => (
          <tr key={line.kind}>
            <th scope="row">{t(`kinds.${line.kind}`)}</th>
            <td>{formatCounter(line.usage, language)}</td>
            <td>{formatCounter(line.freeCopies, language)}</td>
            <td>{formatCounter(line.billable, language)}</td>
            <td>{formatPrice(line.pricePerPage)}</td>
            <td>{formatAmount(line.amount, language)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={5}>
            {t('billing.total')}
          </th>
          <td>{formatAmount(contract.total, language)}</td>
        </tr>
        <tr className="grand">
          <th scope="row" colSpan={5}>
            {t('billing.totalRounded')}
          </th>
          <td>{formatAmount(contract.totalRounded, language)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
