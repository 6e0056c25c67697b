import { useEffect, useRef } from 'react';
import { addDays } from '../../../shared/dates';
import type { FieldIssue } from '../../../shared/errors';
import { formatCounter, formatDate, formatPrice, hasTooManyPriceDecimals, parseCounter, parsePrice } from '../../../shared/format';
import { COUNTER_KINDS, type ContractDetail, type CounterKind, type Customer, type IsoDate } from '../../../shared/models';
import { checkContract, INTERVALS, type ContractInput, type TermInput } from '../../../shared/rules/master-data';
import { dateText, readDate } from '../../components/date-text';
import { CellInput, SelectField, TextField } from '../../components/Field';
import { DeviceLinks } from '../../components/DeviceLinks';
import { DeleteButton } from '../../components/DeleteButton';
import { MasterFormFooter } from '../../components/MasterFormFooter';
import { useMasterForm } from '../../components/useMasterForm';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { contractHref, customerHref, deviceFormHref, navigate } from '../../useHashRoute';

export interface ContractPageProps {
  /** null: a new contract. */
  detail: ContractDetail | null;
  customer: Customer;
  today: IsoDate;
  /** A message from before the last reload ("saved"). */
  notice: string | null;
  onChanged: (message?: string) => void;
}

interface TermText {
  free: string;
  price: string;
}

interface ContractFields {
  number: string;
  startDate: string;
  endDate: string;
  intervalMonths: string;
  startMonth: string;
  terms: Record<CounterKind, TermText>;
  termsFrom: string;
}

/**
 * The form's text as a contract, with the issues of what could not be read. `inForce`: the
 * counter kinds the saved contract has terms for, whose rows cannot be emptied (the API takes
 * a kind left out as unchanged: the clerk would read "Gespeichert." and find them back).
 */
function readContract(
  fields: ContractFields,
  today: IsoDate,
  inForce: readonly CounterKind[] = [],
): { input: ContractInput; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const terms: TermInput[] = [];
  for (const kind of COUNTER_KINDS) {
    const { free, price } = fields.terms[kind];
    if (free.trim() === '' && price.trim() === '') {
      if (inForce.includes(kind)) issues.push({ field: `terms.${kind}.pricePerPage`, code: 'terms-kept' });
      continue;
    }
    const freePerMonth = free.trim() === '' ? { ok: true as const, value: 0 } : parseCounter(free);
    const pricePerPage = price.trim() === '' ? 0 : parsePrice(price);
    if (!freePerMonth.ok) issues.push({ field: `terms.${kind}.freePerMonth`, code: freePerMonth.code === 'negative' ? 'negative' : 'not-whole-number' });
    if (pricePerPage === null) {
      // A number with too many decimals says so; anything else is not a price.
      issues.push({ field: `terms.${kind}.pricePerPage`, code: hasTooManyPriceDecimals(price) ? 'price-decimals' : 'price-invalid' });
    }
    terms.push({ kind, freePerMonth: freePerMonth.ok ? freePerMonth.value : 0, pricePerPage: pricePerPage ?? 0 });
  }
  const input: ContractInput = {
    number: fields.number.trim(),
    startDate: readDate(fields.startDate, today, 'startDate', issues),
    endDate: readDate(fields.endDate, today, 'endDate', issues) || null,
    intervalMonths: Number(fields.intervalMonths),
    startMonth: Number(fields.startMonth),
    terms,
  };
  readDate(fields.termsFrom, today, 'termsFrom', issues);
  const checked = checkContract(input).filter((issue) => !issues.some((i) => i.field === issue.field));
  return { input, issues: [...issues, ...checked] };
}

/**
 * The day changed terms apply from, as the form offers it: today, unless the contract is billed
 * beyond it (terms never change inside a billed period): then the day after; and never before
 * the contract starts.
 */
function termsFromDefault(today: IsoDate, billedUntil: IsoDate | null, startDate: IsoDate | null): IsoDate {
  const day = !billedUntil || billedUntil < today ? today : addDays(billedUntil, 1);
  return startDate && startDate > day ? startDate : day;
}

/** A contract with its print-billing terms per counter kind, keyboard-first like every form. */
export function ContractPage({ detail, customer, today, notice, onChanged }: ContractPageProps) {
  const { t, language } = useLanguage();
  const contract = detail?.contract ?? null;
  const inForce = contract?.terms.map((term) => term.kind) ?? [];
  const termsFromProposed = dateText(termsFromDefault(today, detail?.billedUntil ?? null, contract?.startDate ?? null), language);
  const firstField = useRef<HTMLDivElement>(null);
  useEffect(() => {
    firstField.current?.querySelector('input')?.focus();
  }, []);

  const initialTerms = Object.fromEntries(
    COUNTER_KINDS.map((kind) => {
      const term = contract?.terms.find((t) => t.kind === kind);
      return [kind, term ? { free: formatCounter(term.freePerMonth, language), price: formatPrice(term.pricePerPage) } : { free: '', price: '' }];
    }),
  ) as Record<CounterKind, TermText>;
  const form = useMasterForm<ContractFields>({
    initial: {
      number: contract?.number ?? '',
      startDate: dateText(contract?.startDate ?? today, language),
      endDate: dateText(contract?.endDate, language),
      intervalMonths: String(contract?.intervalMonths ?? 1),
      startMonth: String(contract?.startMonth ?? Number(today.slice(5, 7))),
      terms: initialTerms,
      termsFrom: termsFromProposed,
    },
    check: (fields) => readContract(fields, today, inForce).issues,
    save: async (fields) => {
      const { input } = readContract(fields, today, inForce);
      // A contract not started yet changes the terms it starts with: the day is its start, which
      // the core takes (also a start moved in the same save) unless the clerk gave another one.
      const proposed = fields.termsFrom === termsFromProposed && contract !== null && contract.startDate > today;
      const termsFrom = proposed ? '' : readDate(fields.termsFrom, today, 'termsFrom', []);
      const saved = await api.call('contracts-save', {
        ...(contract ? { id: contract.id, revision: contract.revision, ...(termsFrom ? { termsFrom } : {}) } : {}),
        customerId: customer.id,
        ...input,
      });
      if (!contract || saved.number !== contract.number) navigate(contractHref(saved.number));
      else {
        // New terms from a later day: the form shows today's again, which must not look like a lost save.
        const later =
          termsFrom !== '' &&
          termsFrom > today &&
          input.terms.some((term) => {
            const current = contract.terms.find((t) => t.kind === term.kind);
            return !current || current.freePerMonth !== term.freePerMonth || current.pricePerPage !== term.pricePerPage;
          });
        onChanged(later ? t('contracts.savedLater', { date: dateText(termsFrom, language) }) : t('customers.saved'));
      }
    },
    leave: () => navigate(customerHref(customer.number)),
    // A number another contract has, said with the other errors (the core checks it again at the save).
    conflicts: async (fields) => {
      const number = fields.number.trim();
      if (number === '' || readContract(fields, today, inForce).issues.some((issue) => issue.field === 'number')) return [];
      const holder = await api.call('contracts-get', { number }).catch(() => null);
      return holder && holder.contract.id !== contract?.id ? [{ field: 'number', code: 'contract-number-taken' }] : [];
    },
  });
  const { fields, set, errorFor } = form;
  const setTerm = (kind: CounterKind, key: keyof TermText, value: string) =>
    set('terms', { ...fields.terms, [kind]: { ...fields.terms[kind], [key]: value } });
  const months = Array.from({ length: 12 }, (_, i) => ({
    value: String(i + 1),
    label: new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : `${language}-CH`, { month: 'long', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2026, i, 1)),
    ),
  }));

  return (
    <section className="master-page">
      <p className="breadcrumb">
        <a href={customerHref(customer.number)}>
          {customer.number} · {customer.name}
        </a>
      </p>
      <h1>{contract ? t('contracts.title', { number: contract.number }) : t('contracts.titleNew')}</h1>
      <form
        className="master-form"
        onSubmit={(event) => {
          event.preventDefault();
          form.submit();
        }}
      >
        <div className="form-grid">
          <div ref={firstField}>
            <TextField id="contract-number" label={t('contracts.number')} value={fields.number} onChange={(v) => set('number', v)} error={errorFor('number')} />
          </div>
          <TextField id="contract-start" label={t('contracts.startDate')} value={fields.startDate} onChange={(v) => set('startDate', v)} error={errorFor('startDate')} />
          <TextField id="contract-end" label={t('contracts.endDate')} value={fields.endDate} onChange={(v) => set('endDate', v)} error={errorFor('endDate')} />
          <SelectField
            id="contract-interval"
            label={t('contracts.interval')}
            value={fields.intervalMonths}
            options={INTERVALS.map((n) => ({ value: String(n), label: t('contracts.intervalOption', { count: n }) }))}
            onChange={(v) => set('intervalMonths', v)}
            error={errorFor('intervalMonths')}
          />
          <SelectField id="contract-start-month" label={t('contracts.startMonth')} value={fields.startMonth} options={months} onChange={(v) => set('startMonth', v)} error={errorFor('startMonth')} />
        </div>

        <h2>{t('contracts.terms')}</h2>
        <table className="counter-grid terms-grid">
          <thead>
            <tr>
              <th scope="col">{t('dialog.counter')}</th>
              <th scope="col">{t('contracts.freePerMonth')}</th>
              <th scope="col">{t('contracts.pricePerPage')}</th>
            </tr>
          </thead>
          <tbody>
            {COUNTER_KINDS.map((kind) => {
              const label = t(`kinds.${kind}`);
              const cell = (key: keyof TermText, column: string, field: string) => (
                <CellInput
                  id={`contract-${kind}-${key}`}
                  label={`${label} ${column}`}
                  value={fields.terms[kind][key]}
                  inputMode="decimal"
                  error={errorFor(field)}
                  onChange={(value) => setTerm(kind, key, value)}
                />
              );
              return (
                <tr key={kind}>
                  <th scope="row">{label}</th>
                  {cell('free', t('contracts.freePerMonth'), `terms.${kind}.freePerMonth`)}
                  {cell('price', t('contracts.pricePerPage'), `terms.${kind}.pricePerPage`)}
                </tr>
              );
            })}
          </tbody>
        </table>
        <p className="muted small">{t('contracts.termsHint')}</p>
        {contract && (
          <div className="form-grid">
            <TextField
              id="contract-terms-from"
              label={t('contracts.termsFrom')}
              value={fields.termsFrom}
              onChange={(v) => set('termsFrom', v)}
              error={errorFor('termsFrom')}
              hint={t('contracts.termsFromHint')}
            />
            {detail?.billedUntil && <p className="muted">{t('contracts.billedUntil', { date: formatDate(detail.billedUntil, language) })}</p>}
          </div>
        )}
        <MasterFormFooter
          banner={form.banner}
          notice={notice}
          onCancel={form.cancel}
          audit={contract && { entity: 'contract', entityId: contract.id }}
        >
          {/* Entered by mistake: only while no device is on it and nothing was billed. */}
          {contract && detail && detail.devices.length === 0 && detail.billedUntil === null && (
            <DeleteButton
              label={t('contracts.delete')}
              confirmLabel={t('contracts.deleteConfirm')}
              onDelete={() =>
                void form.run(async () => {
                  await api.call('contracts-delete', { id: contract.id, revision: contract.revision });
                  navigate(customerHref(customer.number));
                })
              }
            />
          )}
        </MasterFormFooter>
      </form>

      {detail && (
        <>
          <h2>{t('contracts.devices')}</h2>
          <div className="toolbar">
            <button type="button" onClick={() => navigate(deviceFormHref(null, detail.contract.number))}>
              {t('contracts.newDevice')}
            </button>
          </div>
          <DeviceLinks devices={detail.devices} emptyText={t('contracts.noDevices')} />
          <h2>{t('contracts.history')}</h2>
          <table className="plain-table">
            <thead>
              <tr>
                <th scope="col">{t('contracts.validFrom')}</th>
                <th scope="col">{t('dialog.counter')}</th>
                <th scope="col">{t('contracts.freePerMonth')}</th>
                <th scope="col">{t('contracts.pricePerPage')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.termHistory.map((term) => (
                <tr key={`${term.validFrom}-${term.kind}`}>
                  <td>{formatDate(term.validFrom, language)}</td>
                  <td>{t(`kinds.${term.kind}`)}</td>
                  <td>{formatCounter(term.freePerMonth, language)}</td>
                  <td>{formatPrice(term.pricePerPage)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
