import { useEffect, useRef, useState } from 'react';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import { formatCounter, formatDate, labelSeparator, parseCounter } from '../../../shared/format';
import {
  COUNTER_KINDS,
  type Contract,
  type CounterKind,
  type Customer,
  type DeviceDetail,
  type IsoDate,
} from '../../../shared/models';
import { checkDevice, type DeviceInput } from '../../../shared/rules/master-data';
import { checkCounterValues } from '../../../shared/rules/usage';
import { dateText, readDate } from '../../components/date-text';
import { CellInput, TextField } from '../../components/Field';
import { DeleteButton } from '../../components/DeleteButton';
import { MasterFormFooter } from '../../components/MasterFormFooter';
import { useMasterForm } from '../../components/useMasterForm';
import { useLanguage } from '../../i18n';
import { describeIssue } from '../../issues';
import { api } from '../../platform/transport';
import { contractHref, deviceHref, navigate } from '../../useHashRoute';

export interface DeviceFormPageProps {
  /** null: a new device of `contract`. */
  detail: DeviceDetail | null;
  contract: Contract;
  customer: Customer;
  today: IsoDate;
  /** A message from before the last reload ("done"). */
  notice: string | null;
  onChanged: (message?: string) => void;
}

interface CounterText {
  on: boolean;
  start: string;
}

interface DeviceFields {
  position: string;
  model: string;
  location: string;
  equipmentId: string;
  serialNumber: string;
  installDate: string;
  counters: Record<CounterKind, CounterText>;
}

function readDevice(fields: DeviceFields, today: IsoDate): { input: DeviceInput; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const counters = COUNTER_KINDS.filter((kind) => fields.counters[kind].on).map((kind) => {
    const start = fields.counters[kind].start.trim() === '' ? { ok: true as const, value: 0 } : parseCounter(fields.counters[kind].start);
    if (!start.ok) issues.push({ field: `counters.${kind}`, code: start.code });
    return { kind, startValue: start.ok ? start.value : 0 };
  });
  const input: DeviceInput = {
    position: fields.position.trim(),
    model: fields.model.trim(),
    location: fields.location.trim(),
    equipmentId: fields.equipmentId.trim(),
    serialNumber: fields.serialNumber.trim(),
    installDate: readDate(fields.installDate, today, 'installDate', issues),
    counters,
  };
  const checked = checkDevice(input).filter((issue) => !issues.some((i) => i.field === issue.field));
  return { input, issues: [...issues, ...checked] };
}

/** A device's master data; for an existing one also the move to another contract and retirement. */
export function DeviceFormPage({ detail, contract, customer, today, notice, onChanged }: DeviceFormPageProps) {
  const { t, language } = useLanguage();
  const device = detail?.device ?? null;
  const firstField = useRef<HTMLDivElement>(null);
  useEffect(() => {
    firstField.current?.querySelector('input')?.focus();
  }, []);
  /** The counters ticked that the contract has no terms for: billed at nothing. */
  const withoutTermsIn = (counters: DeviceFields['counters']) =>
    COUNTER_KINDS.filter((kind) => counters[kind].on && !contract.terms.some((term) => term.kind === kind));

  const form = useMasterForm<DeviceFields>({
    initial: {
      position: device?.position ?? '',
      model: device?.model ?? '',
      location: device?.location ?? '',
      equipmentId: device?.equipmentId ?? '',
      serialNumber: device?.serialNumber ?? '',
      installDate: dateText(device?.installDate ?? today, language),
      counters: Object.fromEntries(
        COUNTER_KINDS.map((kind) => {
          const counter = device?.counters.find((c) => c.kind === kind);
          return [kind, { on: counter !== undefined || (!device && kind === 'black'), start: counter ? formatCounter(counter.startValue, language) : '' }];
        }),
      ) as Record<CounterKind, CounterText>,
    },
    check: (fields) => readDevice(fields, today).issues,
    save: async (fields) => {
      // A counter added that the contract has no terms for is billed at nothing: asked once, as it is added.
      const added = withoutTermsIn(fields.counters).filter((kind) => !device?.counters.some((c) => c.kind === kind));
      if (added.length > 0 && !window.confirm(t('deviceForm.noTermsConfirm', { kinds: added.map((kind) => t(`kinds.${kind}`)).join(', '), contract: contract.number }))) return;
      const saved = await api.call('devices-save', {
        ...(device ? { id: device.id, revision: device.revision } : {}),
        contractId: contract.id,
        ...readDevice(fields, today).input,
      });
      navigate(deviceHref(saved.equipmentId));
    },
    leave: () => navigate(device ? deviceHref(device.equipmentId) : contractHref(contract.number)),
    // An equipment ID, position or serial number another device has (and what else only the
    // core knows), said with the other errors; the core checks them again at the save. A field
    // the form finds wrong keeps its own error and is not asked about (a text too long for the
    // question would spoil it for the others).
    conflicts: async (fields) => {
      const { input, issues } = readDevice(fields, today);
      const marked = (field: string) => issues.some((issue) => issue.field === field);
      const asked = Object.fromEntries(
        Object.entries(input).map(([field, value]) => [field, typeof value === 'string' && marked(field) ? '' : value]),
      ) as typeof input;
      const found = await api.call('devices-conflicts', {
        ...(device ? { id: device.id, revision: device.revision } : {}),
        contractId: contract.id,
        ...asked,
      });
      return found.filter((conflict) => !marked(conflict.field));
    },
  });
  const { fields, set, errorFor } = form;
  const setCounter = (kind: CounterKind, value: Partial<CounterText>) =>
    set('counters', { ...fields.counters, [kind]: { ...fields.counters[kind], ...value } });
  const withoutTerms = withoutTermsIn(fields.counters);

  return (
    <section className="master-page">
      <p className="breadcrumb">
        <a href={contractHref(contract.number)}>
          {customer.number} · {customer.name} · {t('device.contract')} {contract.number}
        </a>
      </p>
      <h1>{device ? t('deviceForm.title', { equipmentId: device.equipmentId }) : t('deviceForm.titleNew')}</h1>
      {device?.outOfService && <p className="notice">{t('deviceForm.retired', { date: formatDate(device.outOfService, language) })}</p>}
      <form
        className="master-form"
        onSubmit={(event) => {
          event.preventDefault();
          form.submit();
        }}
      >
        <div className="form-grid">
          <div ref={firstField}>
            <TextField id="device-position" label={t('deviceForm.position')} value={fields.position} onChange={(v) => set('position', v)} error={errorFor('position')} />
          </div>
          <TextField id="device-model" label={t('deviceForm.model')} value={fields.model} onChange={(v) => set('model', v)} error={errorFor('model')} />
          <TextField id="device-location" label={t('deviceForm.location')} value={fields.location} onChange={(v) => set('location', v)} error={errorFor('location')} />
          <TextField id="device-equipment-id" label={t('deviceForm.equipmentId')} value={fields.equipmentId} onChange={(v) => set('equipmentId', v)} error={errorFor('equipmentId')} />
          <TextField id="device-serial" label={t('deviceForm.serialNumber')} value={fields.serialNumber} onChange={(v) => set('serialNumber', v)} error={errorFor('serialNumber')} />
          <TextField id="device-install" label={t('deviceForm.installDate')} value={fields.installDate} onChange={(v) => set('installDate', v)} error={errorFor('installDate')} />
        </div>
        <h2>{t('deviceForm.counters')}</h2>
        <table className="counter-grid terms-grid">
          <thead>
            <tr>
              <th scope="col">{t('dialog.counter')}</th>
              <th scope="col">{t('deviceForm.startColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {COUNTER_KINDS.map((kind) => {
              const label = t(`kinds.${kind}`);
              const error = errorFor(`counters.${kind}`);
              return (
                <tr key={kind}>
                  <th scope="row">
                    <label className="inline-check">
                      <input type="checkbox" checked={fields.counters[kind].on} onChange={(event) => setCounter(kind, { on: event.target.checked })} />
                      {t('deviceForm.hasCounter', { kind: label })}
                    </label>
                  </th>
                  <CellInput
                    id={`device-counter-${kind}`}
                    label={t('deviceForm.startValue', { kind: label })}
                    value={fields.counters[kind].start}
                    inputMode="numeric"
                    disabled={!fields.counters[kind].on}
                    error={error}
                    onChange={(value) => setCounter(kind, { start: value })}
                  />
                </tr>
              );
            })}
          </tbody>
        </table>
        {errorFor('counters') && <p className="field-error">{errorFor('counters')}</p>}
        {/* A counter the contract has no terms for is billed at nothing: said before it is. */}
        {withoutTerms.length > 0 && (
          <p className="notice warning">
            {t('deviceForm.noTerms', { kinds: withoutTerms.map((kind) => t(`kinds.${kind}`)).join(', '), contract: contract.number })}
          </p>
        )}
        <p className="muted small">{t('deviceForm.countersHint')}</p>
        <MasterFormFooter
          banner={form.banner}
          onCancel={form.cancel}
          audit={device && { entity: 'device', entityId: device.id }}
        >
          {/* Entered by mistake: only while it has no reading (else: ausser Betrieb nehmen). */}
          {device && detail && detail.readings.length === 0 && (
            <DeleteButton
              label={t('deviceForm.delete')}
              confirmLabel={t('deviceForm.deleteConfirm')}
              onDelete={() =>
                void form.run(async () => {
                  await api.call('devices-delete', { id: device.id, revision: device.revision });
                  navigate(contractHref(contract.number));
                })
              }
            />
          )}
        </MasterFormFooter>
      </form>
      <p role="status" className="status-message">
        {notice}
      </p>
      {detail && !detail.device.outOfService && <DeviceActions detail={detail} today={today} onChanged={onChanged} />}
    </section>
  );
}

interface DeviceActionsProps {
  detail: DeviceDetail;
  today: IsoDate;
  onChanged: (message: string) => void;
}

/** Moving a device to another contract, and taking it out of service with its final reading. */
function DeviceActions({ detail, today, onChanged }: DeviceActionsProps) {
  const { t, language } = useLanguage();
  const { device } = detail;
  const [moveTo, setMoveTo] = useState('');
  const [moveFrom, setMoveFrom] = useState(dateText(today, language));
  const [retireDate, setRetireDate] = useState(dateText(today, language));
  const [finals, setFinals] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const errorFor = (field: string) => {
    const issue = issues.find((i) => i.field === field);
    return issue && describeIssue(issue, language);
  };
  const attempt = async (action: () => Promise<unknown>) => {
    setIssues([]);
    setFailure(null);
    try {
      await action();
      onChanged(t('deviceForm.done'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setIssues(error.issues);
      if (error.issues.length === 0) setFailure(t('app.error', { message: error.message }));
    }
  };

  // The final reading checked first, then confirmed: going out of service cannot be undone.
  const retire = async () => {
    const found: FieldIssue[] = [];
    const date = readDate(retireDate, today, 'date', found);
    const counters = device.counters.map((counter) => {
      const value = parseCounter(finals[counter.kind] ?? '');
      if (!value.ok) found.push({ field: `${counter.kind}.new`, code: value.code });
      return { kind: counter.kind, new: value.ok ? value.value : 0 };
    });
    if (!date) found.push({ field: 'date', code: 'required' });
    if (found.length > 0 || !date) return setIssues(found);
    // Against the chain, as the dialog's rules judge a reading: below the last counter is said first.
    const draft = await api.call('readings-draft', { equipmentId: device.equipmentId }).catch(() => null);
    for (const counter of draft?.counters ?? []) {
      const final = counters.find((entered) => entered.kind === counter.kind);
      if (final) found.push(...checkCounterValues({ kind: counter.kind, old: counter.chainOld, new: final.new, extraFree: 0, floor: counter.floor }));
    }
    if (found.length > 0) return setIssues(found);
    // Final: a device out of service takes no reading any more.
    if (!window.confirm(t('deviceForm.retireConfirm', { device: device.equipmentId, date: formatDate(date, language) }))) return;
    void attempt(() => api.call('devices-retire', { equipmentId: device.equipmentId, revision: device.revision, date, counters }));
  };

  return (
    <div className="device-actions">
      <section className="master-form" aria-label={t('deviceForm.move')}>
        <h2>{t('deviceForm.move')}</h2>
        <div className="form-grid">
          <TextField id="move-to" label={t('deviceForm.moveTo')} value={moveTo} onChange={setMoveTo} error={errorFor('contractNumber')} />
          <TextField id="move-from" label={t('deviceForm.moveFrom')} value={moveFrom} onChange={setMoveFrom} error={errorFor('from')} />
        </div>
        <div className="dialog-actions">
          <button
            type="button"
            onClick={() => {
              const found: FieldIssue[] = [];
              const from = readDate(moveFrom, today, 'from', found);
              if (!from && found.length === 0) found.push({ field: 'from', code: 'required' });
              if (!moveTo.trim()) found.push({ field: 'contractNumber', code: 'required' });
              if (found.length > 0 || !from) return setIssues(found);
              void attempt(() => api.call('devices-move', { equipmentId: device.equipmentId, revision: device.revision, contractNumber: moveTo.trim(), from }));
            }}
          >
            {t('deviceForm.moveAction')}
          </button>
        </div>
      </section>
      <section className="master-form" aria-label={t('deviceForm.retire')}>
        <h2>{t('deviceForm.retire')}</h2>
        <div className="form-grid">
          <TextField id="retire-date" label={t('deviceForm.retireDate')} value={retireDate} onChange={setRetireDate} error={errorFor('date')} />
          {device.counters.map((counter) => (
            <TextField
              key={counter.kind}
              id={`retire-${counter.kind}`}
              label={t('deviceForm.retireCounter', { kind: t(`kinds.${counter.kind}`) })}
              value={finals[counter.kind] ?? ''}
              onChange={(value) => setFinals((previous) => ({ ...previous, [counter.kind]: value }))}
              error={errorFor(`${counter.kind}.new`)}
              hint={`${t('dialog.old')}${labelSeparator(language)}${formatCounter(counter.currentValue, language)}`}
              inputMode="numeric"
            />
          ))}
        </div>
        <div className="dialog-actions">
          <button
            type="button"
            className="danger"
            onClick={() => void retire()}
          >
            {t('deviceForm.retireAction')}
          </button>
        </div>
      </section>
      {failure && (
        <p role="alert" className="error-banner">
          {failure}
        </p>
      )}
    </div>
  );
}
