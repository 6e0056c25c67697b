import { useEffect, useRef, useState } from 'react';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import { formatDate } from '../../../shared/format';
import { LANGUAGES, type CustomerDetail, type Language } from '../../../shared/models';
import { checkCustomer, splitEmails } from '../../../shared/rules/master-data';
import { AuditTrail } from '../../components/AuditTrail';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { useSaveKeys } from '../../components/useSaveKeys';
import { useLanguage } from '../../i18n';
import { describeIssue } from '../../issues';
import { api } from '../../platform/transport';
import { customerHref, deviceHref, navigate } from '../../useHashRoute';

export interface CustomerPageProps {
  /** null: a new customer. */
  detail: CustomerDetail | null;
  onChanged: () => void;
}

interface CustomerFields {
  number: string;
  name: string;
  language: Language;
  webReading: boolean;
  emails: string;
  note: string;
}

/** A customer's master data as a keyboard-first form (F2 saves, Esc cancels), with its contracts and devices. */
export function CustomerPage({ detail, onChanged }: CustomerPageProps) {
  const { t, language } = useLanguage();
  const customer = detail?.customer ?? null;
  const initial: CustomerFields = {
    number: customer?.number ?? '',
    name: customer?.name ?? '',
    language: customer?.language ?? 'de',
    webReading: customer?.webReading ?? false,
    emails: customer?.emails.join(', ') ?? '',
    note: customer?.note ?? '',
  };
  const [fields, setFields] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [banner, setBanner] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [showAudit, setShowAudit] = useState(false);
  const busy = useRef(false);
  const firstField = useRef<HTMLDivElement>(null);

  useEffect(() => {
    firstField.current?.querySelector('input')?.focus();
  }, []);

  const input = { ...fields, emails: splitEmails(fields.emails) };
  const issues = checkCustomer(input);
  const issueFor = (field: string) =>
    serverIssues.find((issue) => issue.field === field) ?? (submitted ? issues.find((issue) => issue.field === field) : undefined);
  const errorFor = (field: string) => {
    const issue = issueFor(field);
    return issue && describeIssue(issue, t, language);
  };
  const set = <K extends keyof CustomerFields>(key: K, value: CustomerFields[K]) => {
    setServerIssues([]);
    setBanner(null);
    setFields((previous) => ({ ...previous, [key]: value }));
  };

  const run = async (action: () => Promise<void>) => {
    if (busy.current) return;
    busy.current = true;
    try {
      await action();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setServerIssues(error.issues);
      setBanner(
        error.code === 'conflict'
          ? t('customers.conflict')
          : error.issues[0]?.field === 'customer'
            ? describeIssue(error.issues[0], t, language)
            : t('customers.notSaved'),
      );
    } finally {
      busy.current = false;
    }
  };

  const save = () => {
    setSubmitted(true);
    if (issues.length > 0) {
      setBanner(t('customers.notSaved'));
      return;
    }
    void run(async () => {
      const saved = await api.call('customers-save', {
        ...(customer ? { id: customer.id, revision: customer.revision } : {}),
        ...input,
      });
      setMessage(t('customers.saved'));
      if (!customer || saved.number !== customer.number) navigate(customerHref(saved.number));
      else onChanged();
    });
  };

  const cancel = () => {
    if (confirmDelete) setConfirmDelete(false);
    else if (JSON.stringify(fields) !== JSON.stringify(initial)) {
      setFields(initial);
      setServerIssues([]);
      setBanner(null);
      setSubmitted(false);
    } else navigate('#/customers');
  };
  useSaveKeys({ save, cancel });

  return (
    <section className="master-page">
      <h1>{customer ? `${customer.number} · ${customer.name}` : t('customers.titleNew')}</h1>
      {customer?.archived && <p className="notice">{t('customers.archivedNotice')}</p>}
      <form
        className="master-form"
        onSubmit={(event) => {
          event.preventDefault();
          save();
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
          <TextField id="customer-note" label={t('customers.note')} value={fields.note} onChange={(v) => set('note', v)} error={errorFor('note')} multiline />
        </div>
        {banner && (
          <p role="alert" className="error-banner">
            {banner}
          </p>
        )}
        <div className="dialog-actions">
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
          {customer && (
            <button type="button" aria-expanded={showAudit} onClick={() => setShowAudit((shown) => !shown)}>
              {t('customers.history')}
            </button>
          )}
          <span className="spacer" />
          <span role="status" className="status-message">
            {message}
          </span>
          <button type="button" onClick={cancel}>
            {t('customers.cancel')}
          </button>
          <button type="submit" className="primary">
            {t('customers.save')}
          </button>
        </div>
      </form>
      {showAudit && customer && <AuditTrail entity="customer" entityId={customer.id} />}

      {detail && (
        <>
          <h2>{t('customers.contracts')}</h2>
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
                    <td>{contract.number}</td>
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
          {detail.devices.length === 0 ? (
            <p className="muted">{t('customers.noDevices')}</p>
          ) : (
            <ul className="plain-list">
              {detail.devices.map((device) => (
                <li key={device.deviceId}>
                  <a href={deviceHref(device.equipmentId)}>{device.equipmentId}</a> · {device.position} · {device.model} · {device.location}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
