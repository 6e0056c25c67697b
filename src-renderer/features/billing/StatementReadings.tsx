import i18next from 'i18next';
import type { StatementReading } from '../../../shared/api';
import { formatCounter, formatDate } from '../../../shared/format';
import type { Language } from '../../../shared/models';

/**
 * A statement's billed readings, device by device: the customer checks the bill against the
 * counters of their own machines (old, new, usage per counter), in the customer's language.
 */
export function StatementReadings({ readings, language }: { readings: StatementReading[]; language: Language }) {
  const t = i18next.getFixedT(language);
  const extraFree = readings.some((reading) => reading.counters.some((counter) => counter.extraFree > 0));
  const n = (value: number) => formatCounter(value, language);
  return (
    <table className="bill statement-readings">
      <caption>{t('billing.statementReadings')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('billing.device')}</th>
          <th scope="col" className="text">
            {t('dialog.date')}
          </th>
          <th scope="col" className="text">
            {t('billing.counter')}
          </th>
          <th scope="col">{t('billing.oldCounter')}</th>
          <th scope="col">{t('billing.newCounter')}</th>
          {extraFree && <th scope="col">{t('dialog.extraFree')}</th>}
          <th scope="col">{t('billing.usage')}</th>
        </tr>
      </thead>
      {readings.map((reading) => (
        <tbody key={reading.readingId}>
          {reading.counters.map((counter, index) => (
            <tr key={counter.kind}>
              {index === 0 && (
                <>
                  <th scope="rowgroup" rowSpan={reading.counters.length}>
                    {reading.position} · {reading.model}
                    {reading.location && ` · ${reading.location}`}
                    <br />
                    <span className="muted">ID {reading.equipmentId}</span>
                  </th>
                  <td rowSpan={reading.counters.length} className="text">
                    {formatDate(reading.date, language)}
                    {reading.source === 'estimate' && ` (${t('billing.estimated')})`}
                  </td>
                </>
              )}
              <td className="text">
                {t(`kinds.${counter.kind}`)}
                {counter.usage < 0 && (
                  // Below an estimate: the real counter trues it up, the customer is credited.
                  <span className="muted small">
                    <br />
                    {t('billing.creditLine', { old: n(counter.old) })}
                  </span>
                )}
                {counter.exchange && (
                  // The counter replaced in between: its end and the new one's start make the usage.
                  <span className="muted small">
                    <br />
                    {t('billing.exchangeLine', { final: n(counter.exchange.final), start: n(counter.exchange.start) })}
                  </span>
                )}
              </td>
              <td>{n(counter.old)}</td>
              <td>{n(counter.new)}</td>
              {extraFree && <td>{n(counter.extraFree)}</td>}
              <td>{n(counter.usage)}</td>
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}
