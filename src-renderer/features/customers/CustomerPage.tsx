import { useEffect, useRef, useState } from 'react';
import type { HandedOverLink } from '../../../shared/api';
import { formatDate } from '../../../shared/format';
import { LANGUAGES, type CustomerDetail, type Language } from '../../../shared/models';
import { checkCustomer, splitEmails } from '../../../shared/rules/master-data';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { DeviceLinks } from '../../components/DeviceLinks';
import { MasterFormFooter } from '../../components/MasterFormFooter';
import { useMasterForm } from '../../components/useMasterForm';
import { useLanguage } from '../../i18n';
import { HandedOverLinkNotice } from '../web/HandedOverLinkNotice';
import { api } from '../../platform/transport';
import { contractHref, customerHref, navigate } from '../../useHashRoute';

export interface CustomerPageProps {
  /** null: a new customer. */
  detail: CustomerDetail | null;
  /** A message from before the last reload ("saved"). */
  notice: string | null;
  onChanged: (message?: string) => void;
}

interface CustomerFields {
  number: string;
  name: string;
  language: Language;
  webReading: boolean;
  emails: string;
  address: string;
  note: string;
}

/** A customer's master data as a keyboard-first form (F2 saves, Esc cancels), with its contracts and devices. */
export function CustomerPage({ detail, notice, onChanged }: CustomerPageProps) {
  const { t, language } = useLanguage();
  const customer = detail?.customer ?? null;
  const initial: CustomerFields = {
    number: customer?.number ?? '',
    name: customer?.name ?? '',
    language: customer?.language ?? 'de',
    webReading: customer?.webReading ?? false,
    emails: customer?.emails.join(', ') ?? '',
    address: customer?.address ?? '',
    note: customer?.note ?? '',
  };
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [handedOver, setHandedOver] = useState<HandedOverLink | null>(null);
  const firstField = useRef<HTMLDivElement>(null);

  useEffect(() => {
    firstField.current?.querySelector('input')?.focus();
  }, []);

  const toInput = (f: CustomerFields) => ({ ...f, emails: splitEmails(f.emails) });
  const form = useMasterForm<CustomerFields>({
    initial,
    check: (f) => checkCustomer(toInput(f)),
    save: async (f) => {
      const saved = await api.call('customers-save', {
        ...(customer ? { id: customer.id, revision: customer.revision } : {}),
        ...toInput(f),
      });
      if (!customer || saved.number !== customer.number) navigate(customerHref(saved.number));
      else onChanged(t('customers.saved'));
    },
    leave: () => (confirmDelete ? setConfirmDelete(false) : navigate('#/customers')),
    // A number another customer has, said with the other errors (the core checks it again at the save).
    conflicts: async (f) => {
      const number = f.number.trim();
      if (number === '' || checkCustomer(toInput(f)).some((issue) => issue.field === 'number')) return [];
      const holder = await api.call('customers-get', { number }).catch(() => null);
      return holder && holder.customer.id !== customer?.id ? [{ field: 'number', code: 'number-taken', params: { name: holder.customer.name } }] : [];
    },
  });
  const { fields, set, errorFor, banner, run } = form;

  return (
    <section className="master-page">
      <h1>{customer ? `${customer.number} · ${customer.name}` : t('customers.titleNew')}</h1>
      {customer?.archived && <p className="notice">{t('customers.archivedNotice')}</p>}
      <form
        className="master-form"
        onSubmit={(event) => {
          event.preventDefault();
          form.submit();
        }}
      >
        <div className="form-grid">
          <div ref={firstField}>
            <TextField id="customer-number" label={t('customers.number')} value={fields.number} onChange={(v) => set('number', v)} error={errorFor('number')} inputMode="numeric" size={12} />
          </div>
          <TextField id="customer-name" label={t('customers.name')} value={fields.name} onChange={(v) => set('name', v)} error={errorFor('name')} size={40} />
          <SelectField<Language>
            id="customer-language"
            label={t('customers.language')}
            value={fields.language}
            options={LANGUAGES.map((code) => ({ value: code, label: t(`languages.${code}`) }))}
            onChange={(v) => set('language', v)}
            error={errorFor('language')}
          />
          <CheckboxField id="customer-web" label={t('customers.webReading')} checked={fields.webReading} onChange={(v) => set('webReading', v)} />
          <TextField id="customer-emails" label={t('customers.emails')} value={fields.emails} onChange={(v) => set('emails', v)} error={errorFor('emails')} hint={t('customers.emailsHint')} multiline />
          <TextField id="customer-address" label={t('customers.address')} value={fields.address} onChange={(v) => set('address', v)} error={errorFor('address')} hint={t('customers.addressHint')} multiline />
          <TextField id="customer-note" label={t('customers.note')} value={fields.note} onChange={(v) => set('note', v)} error={errorFor('note')} multiline />
        </div>
        <MasterFormFooter
          banner={banner}
          notice={notice}
          onCancel={form.cancel}
          audit={customer && { entity: 'customer', entityId: customer.id }}
        >
          {customer && (
            <button
              type="button"
              onClick={() =>
                void run(async () => {
                  await api.call('customers-archive', { id: customer.id, revision: customer.revision, archived: !customer.archived });
                  onChanged();
                })
              }
            >
              {customer.archived ? t('customers.unarchive') : t('customers.archive')}
            </button>
          )}
          {customer && !detail?.hasReadings && (
            <button
              type="button"
              className={confirmDelete ? 'danger' : undefined}
              onClick={() => {
                if (!confirmDelete) setConfirmDelete(true);
                else
                  void run(async () => {
                    await api.call('customers-delete', { id: customer.id, revision: customer.revision });
                    navigate('#/customers');
                  });
              }}
            >
              {confirmDelete ? t('customers.deleteConfirm') : t('customers.delete')}
            </button>
          )}
        </MasterFormFooter>
      </form>

      {/* A customer who reads on the web gets their portal link from here too, before or without the month's e-mails. */}
      {customer?.webReading && !customer.archived && (
        <div className="toolbar">
          <button
            type="button"
            onClick={() => {
              if (!window.confirm(t('web.handOverConfirm', { customer: `${customer.number} ${customer.name}` }))) return;
              setHandedOver(null);
              void run(async () => setHandedOver(await api.call('web-hand-over-link', { customerNumber: customer.number })));
            }}
          >
            {t('customers.handOver')}
          </button>
        </div>
      )}
      {handedOver && <HandedOverLinkNotice link={handedOver} />}

      {detail && (
        <>
          <h2>{t('customers.contracts')}</h2>
          <div className="toolbar">
            <button type="button" onClick={() => navigate(contractHref(null, detail.customer.number))}>
              {t('contracts.new')}
            </button>
          </div>
          {detail.contracts.length === 0 ? (
            <p className="muted">{t('customers.noContracts')}</p>
          ) : (
            <table className="plain-table">
              <thead>
                <tr>
                  <th scope="col">{t('device.contract')}</th>
                  <th scope="col">{t('customers.start')}</th>
                  <th scope="col">{t('customers.end')}</th>
                  <th scope="col">{t('customers.devices')}</th>
                  <th scope="col">{t('customers.billing')}</th>
                </tr>
              </thead>
              <tbody>
                {detail.contracts.map((contract) => (
                  <tr key={contract.id}>
                    <td>
                      <a href={contractHref(contract.number)}>{contract.number}</a>
                    </td>
                    <td>{formatDate(contract.startDate, language)}</td>
                    <td>{contract.endDate ? formatDate(contract.endDate, language) : '—'}</td>
                    <td>{contract.devices}</td>
                    <td>{t('device.interval', { count: contract.intervalMonths })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>{t('customers.devices')}</h2>
          <DeviceLinks devices={detail.devices} emptyText={t('customers.noDevices')} />
        </>
      )}
    </section>
  );
}
