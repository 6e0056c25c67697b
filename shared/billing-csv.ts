/**
 * The billing lines of a run as CSV for the accounting system: one row per contract and
 * counter kind, `;`-separated (what Swiss Excel opens), amounts in CHF with a point, the
 * contract's total rounded to 0.05 on each of its rows. Names from the master data (perhaps
 * imported from another system) are kept as text (`csvSafeText`): none runs as a formula.
 */
import type { BillingRun } from './api';
import { csvSafeText, csvText } from './csv';
import { formatChf } from './rules/billing';

const HEADER = [
  'run',
  'period',
  'customer_number',
  'customer_name',
  'contract',
  'valid_from',
  'valid_to',
  'counter',
  'usage',
  'free_copies',
  'billable',
  'price_per_page_chf',
  'amount_chf',
  'contract_total_chf',
];

/** Micro-francs per page as CHF with up to 6 decimals: 8500 → 0.0085. */
function price(micros: number): string {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction.padEnd(2, '0')}` : `${whole}.00`;
}

export function billingCsv(run: BillingRun): string {
  const rows = [HEADER];
  for (const contract of run.contracts) {
    for (const line of contract.lines) {
      rows.push(
        [
          run.id,
          run.period,
          contract.customerNumber,
          csvSafeText(contract.customerName),
          csvSafeText(contract.contractNumber),
          contract.validFrom,
          contract.validTo,
          line.kind,
          line.usage,
          line.freeCopies,
          line.billable,
          price(line.pricePerPage),
          formatChf(line.amount),
          formatChf(contract.totalRounded),
        ].map(String),
      );
    }
  }
  return csvText(rows);
}
