import { useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { ReadingDraft } from '../../../shared/api';
import { ApiError, type FieldIssue } from '../../../shared/errors';
import { formatCounter, formatDate } from '../../../shared/format';
import { coversMonthOf } from '../../../shared/rules/estimate';
import { periodEndFor } from '../../../shared/rules/validity';
import type { CounterKind, Reading } from '../../../shared/models';
import { useLanguage } from '../../i18n';
import { describeIssue } from '../../issues';
import { useSaveKeys } from '../../components/useSaveKeys';
import { api } from '../../platform/transport';
import { AuditTrail } from '../../components/AuditTrail';
import { useReadingForm, type CarriedInput, type CounterColumn, type CounterRow } from './useReadingForm';

export interface ReadingDialogProps {
  draft: ReadingDraft;
  onClose: () => void;
  onSaved: (reading: Reading | null) => void;
  /** Opens another reading of the device in the dialog instead (the estimate real values belong in), with what was typed. */
  onOpenReading?: (readingId: number, carried: CarriedInput) => void;
  /** What was typed for a new reading, opened here in the estimate it belongs in. */
  carried?: CarriedInput;
}

/** Drawn, not an emoji: office PCs often lack an emoji font. */
function LockIcon() {
  return (
    <svg className="lock-icon" width="12" height="14" viewBox="0 0 12 14" aria-hidden="true">
      <rect x="1" y="6" width="10" height="7.5" rx="1.5" fill="currentColor" />
      <path d="M3.2 6V4.2a2.8 2.8 0 0 1 5.6 0V6" fill="none" stroke="currentColor" strokeWidth="1.6" />
    </svg>
  );
}

const FOCUSABLE = 'input:not([tabindex="-1"]), select, textarea, button:not([disabled])';

/**
 * The OBS dialog "Zählerstand eintragen / bearbeiten": a real form, keyboard first. F2 saves
 * (also the menu's F2 in the desktop app), Esc cancels, Tab walks the editable fields.
 */
export function ReadingDialog({ draft, onClose, onSaved, onOpenReading, carried }: ReadingDialogProps) {
  const { t, language } = useLanguage();
  const form = useReadingForm(draft, language, carried);
  const dialogRef = useRef<HTMLDivElement>(null);
  const savingRef = useRef(false);
  const [banner, setBanner] = useState<string | null>(null);
  // "Correct the marked fields" goes once none is marked any more.
  const shownBanner = banner === t('dialog.notSaved') && !form.anyIssue ? null : banner;
  const [confirmDelete, setConfirmDelete] = useState(false);
  // Esc with values not saved says so first; a second Esc, with nothing typed in between, closes
  // (a stray key loses no typing). Abbrechen (the button, the menu) closes at once, and so does
  // Esc once a conflict refused the save (the reading changed elsewhere: F2 cannot save them).
  const [escapedAt, setEscapedAt] = useState<number | null>(null);
  const escapePending = escapedAt === form.edits && form.unsaved;
  const [showAudit, setShowAudit] = useState(false);
  const titleId = useId();
  const { device, customer, reading } = draft;

  const title = form.readOnly ? t('dialog.titleView') : reading ? t('dialog.titleEdit') : t('dialog.titleNew');
  const intoEstimate =
    !reading && draft.openEstimate !== null && form.parsedDate !== null &&
    coversMonthOf(draft.openEstimate, form.parsedDate, draft.cutoffDay);
  // One reading a device and day, and one a period while the one before is only recorded: the
  // new values belong in that reading, which the dialog offers to open.
  // The core's refusal too: a draft gone stale (a billing run cancelled since it was opened).
  const dateCode = form.issues.get('date')?.code ?? form.visibleIssue('date')?.code;
  const correctInstead = !reading && (dateCode === 'date-same-day' || dateCode === 'date-period-covered') ? dateCode : null;
  const describe = (issue: FieldIssue | undefined) => issue && describeIssue(issue, language);
  /**
   * What the clerk typed, for the reading the dialog switches to: everything into an estimate;
   * into the same day's real reading the values, and extra free copies or a meter exchange only
   * where typed (that reading keeps its own).
   */
  const typedInput = (all: boolean): CarriedInput => ({
    date: form.fields.date,
    note: form.fields.note,
    counters: new Map(
      form.fields.counters
        .filter((row) => row.new.trim() !== '')
        .map(({ kind, new: value, extraFree, exchange, final, start }) => [
          kind,
          {
            new: value,
            ...((all || (extraFree.trim() !== '' && extraFree.trim() !== '0')) && { extraFree }),
            ...((all || exchange) && { exchange, final, start }),
          },
        ]),
    ),
  });

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const first =
      dialog.querySelector<HTMLInputElement>('input[data-field$=".new"]:not([readonly])') ??
      dialog.querySelector<HTMLInputElement>('input[data-field="date"]:not([readonly])');
    (first ?? dialog.querySelector<HTMLElement>('button'))?.focus();
    first?.select();
    // A modal keeps the focus: whatever grabs it outside (a grid restoring its cell) gives it back.
    let lastInside: HTMLElement | null = first;
    const onFocusIn = (event: FocusEvent) => {
      const target = event.target as HTMLElement;
      if (dialog.contains(target)) lastInside = target;
      else (lastInside ?? dialog.querySelector<HTMLElement>('button'))?.focus();
    };
    document.addEventListener('focusin', onFocusIn);
    return () => document.removeEventListener('focusin', onFocusIn);
  }, []);

  const focusFirstIssue = (issues: Map<string, FieldIssue> | FieldIssue[]) => {
    const fields = new Set(Array.isArray(issues) ? issues.map((i) => i.field) : issues.keys());
    const inputs = dialogRef.current?.querySelectorAll<HTMLInputElement>('input[data-field]') ?? [];
    for (const input of inputs) {
      if (fields.has(input.dataset.field ?? '')) {
        input.focus();
        return;
      }
    }
  };

  /**
   * One write at a time, and none after a success: the dialog closes on the next render, and
   * a held-down F2 must not save the same reading twice in between.
   */
  const run = async (action: () => Promise<Reading | null>) => {
    if (savingRef.current) return;
    savingRef.current = true;
    let done = false;
    try {
      onSaved(await action());
      done = true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const fieldIssues = error.issues.filter((issue) => issue.field !== 'reading');
      form.setServerIssues(error.issues);
      if (error.code === 'conflict') setBanner(t('dialog.conflict'));
      else if (fieldIssues.length > 0) {
        setBanner(t('dialog.notSaved'));
        focusFirstIssue(fieldIssues);
      } else {
        const readingIssue = error.issues[0];
        setBanner(readingIssue ? describeIssue(readingIssue, language) : t('app.error', { message: error.message }));
      }
    } finally {
      if (!done) savingRef.current = false;
    }
  };

  const save = () => {
    if (form.readOnly) return;
    const args = form.submit();
    if (!args) {
      setBanner(t('dialog.notSaved'));
      focusFirstIssue(form.issues);
      return;
    }
    void run(() => api.call('readings-save', args));
  };

  const cancel = (by: 'key' | 'menu' | 'button') => {
    // A save under way finishes (or fails) before the dialog can go.
    if (savingRef.current) return;
    if (confirmDelete) setConfirmDelete(false);
    else if (by === 'key' && form.unsaved && !escapePending && banner !== t('dialog.conflict')) setEscapedAt(form.edits);
    else onClose();
  };

  // F2 and Esc work wherever the focus is while the dialog is open.
  useSaveKeys({ save, cancel });

  // Alt+W: the meter exchange of the counter being typed (or the first one), from the keyboard,
  // though its checkbox stays out of the Tab path; switched on, the cursor goes to its end value.
  const formRef = useRef(form);
  formRef.current = form;
  /** The field Alt+W leaves for the exchange: not yet typed, it is not marked *Pflichtfeld* on the way. */
  const leftForExchange = useRef<string | null>(null);
  useEffect(() => {
    const toggleExchange = (event: KeyboardEvent) => {
      if (!event.altKey || event.code !== 'KeyW') return;
      const { fields, readOnly, setExchange } = formRef.current;
      if (readOnly) return;
      event.preventDefault();
      const focused = document.activeElement instanceof HTMLElement ? (document.activeElement.dataset.field ?? '') : '';
      const row = fields.counters.find((counter) => focused.startsWith(`${counter.kind}.`)) ?? fields.counters[0];
      if (!row) return;
      setExchange(row.kind, !row.exchange);
      if (!row.exchange) {
        const input = document.activeElement;
        leftForExchange.current = input instanceof HTMLInputElement && input.value.trim() === '' ? focused : null;
        requestAnimationFrame(() =>
          dialogRef.current?.querySelector<HTMLInputElement>(`[data-field="${row.kind}.final"]`)?.focus(),
        );
      }
    };
    window.addEventListener('keydown', toggleExchange, true);
    return () => window.removeEventListener('keydown', toggleExchange, true);
  }, []);

  // Tab and Shift-Tab stay inside the dialog.
  useEffect(() => {
    const trapTab = (event: KeyboardEvent) => {
      if (event.key !== 'Tab') return;
      const focusable = [...(dialogRef.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])].filter(
        (element) => element.offsetParent !== null,
      );
      const first = focusable[0];
      const last = focusable.at(-1);
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    };
    window.addEventListener('keydown', trapTab, true);
    return () => window.removeEventListener('keydown', trapTab, true);
  }, []);

  const fieldProps = (field: string, label: string, readOnly: boolean) => {
    const issue = form.visibleIssue(field);
    const id = `reading-${field.replace('.', '-')}`;
    return {
      id,
      'data-field': field,
      'aria-label': label,
      'aria-invalid': issue ? true : undefined,
      'aria-describedby': issue ? `${id}-error` : undefined,
      readOnly: readOnly || undefined,
      'aria-readonly': readOnly || undefined,
      tabIndex: readOnly ? -1 : undefined,
      className: readOnly ? 'read-only' : undefined,
      onBlur: () => {
        if (leftForExchange.current === field) leftForExchange.current = null;
        else form.touch(field);
        if (!readOnly) form.tidy(field);
      },
    };
  };

  const errorFor = (field: string) => {
    const issue = form.visibleIssue(field);
    if (!issue) return null;
    return (
      <span id={`reading-${field.replace('.', '-')}-error`} className="field-error">
        {describe(issue)}
      </span>
    );
  };

  const dateField = (
    field: 'date' | 'validFrom' | 'validTo',
    label: string,
    readOnly: boolean,
    onChange: (text: string) => void,
  ) => (
    <label className="field">
      <span>{label}</span>
      <input
        {...fieldProps(field, label, readOnly)}
        value={form.fields[field]}
        placeholder={t('dialog.datePlaceholder')}
        onChange={(event) => onChange(event.target.value)}
        size={11}
      />
      {errorFor(field)}
    </label>
  );

  const computedCell = (label: string, value: number | null | undefined) => (
    <td>
      <input
        aria-label={label}
        className="read-only computed"
        readOnly
        aria-readonly
        tabIndex={-1}
        value={value === null || value === undefined ? '' : formatCounter(value, language)}
      />
    </td>
  );

  /** The counter grid's keys beyond Tab's walk through it. */
  const counterKey = (event: ReactKeyboardEvent<HTMLInputElement>, row: CounterRow, column: CounterColumn) => {
    const focus = (kind: CounterKind) => {
      const target = dialogRef.current?.querySelector<HTMLInputElement>(`[data-field="${kind}.new"]`);
      if (!target || target.readOnly) return null;
      event.preventDefault();
      target.focus();
      return target;
    };
    const plain = !event.shiftKey && !event.altKey && !event.ctrlKey;
    if (event.key === 'Enter' && plain && (column === 'new' || column === 'extraFree')) {
      // On to the next counter's new value (Tab passes its free copies first): Schwarz, Enter, Farbe, F2.
      const rows = form.fields.counters;
      const next = rows[rows.findIndex((other) => other.kind === row.kind) + 1];
      if (next) focus(next.kind)?.select();
    } else if (event.key === 'Tab' && plain && column === 'start' && row.new.trim() === '') {
      // End value, start value, then the new counter's reading: Tab goes back up to it while it
      // is empty, instead of on past it to the validity.
      focus(row.kind);
    }
  };

  const validityReadOnly = form.readOnly || form.validityLocked;
  const trueUpFloor = draft.counters.find((counter) => counter.floor !== null)?.floor ?? null;
  const status = `${draft.status} ${t(`status.${draft.status}`)}`;

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialogRef}
        className="dialog reading-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
      >
        <h2 id={titleId}>{title}</h2>
        <p className="dialog-device">
          <strong>{device.model}</strong> · {device.equipmentId} ·{' '}
          {/* A device without a location text: no empty part between two dots. */}
          {[`${t('search.position')} ${device.position}`, device.location, `${customer.number} ${customer.name}`].filter((part) => part.trim() !== '').join(' · ')}
        </p>

        {form.readOnly && (
          <p className="notice">{t('dialog.readOnly', { status: draft.status, label: t(`status.${draft.status}`) })}</p>
        )}
        {draft.isFirstReading && !form.readOnly && <p className="notice info">{t('dialog.firstReading')}</p>}
        {reading?.source === 'estimate' && (
          <p className="notice estimate">{carried ? t('dialog.estimateReal') : t('dialog.estimated')}</p>
        )}
        {/* Real values for a month an unbilled estimate covers belong in the estimate: a reading after it would count from the next month on. */}
        {intoEstimate && draft.openEstimate && (
          <p className="notice info">
            {t('dialog.estimateOpen', { date: formatDate(draft.openEstimate.date, language) })}{' '}
            {onOpenReading && (
              <button
                type="button"
                onClick={() => onOpenReading(draft.openEstimate!.readingId, typedInput(true))}
              >
                {t('dialog.openEstimate')}
              </button>
            )}
          </p>
        )}
        {/* One reading a device and day (and period): a second one is the first one corrected. */}
        {correctInstead && (
          <p className="notice info">
            {correctInstead === 'date-same-day'
              ? t('dialog.sameDay', { date: formatDate(draft.previousDate!, language) })
              : t('dialog.samePeriod', { date: formatDate(draft.previousDate!, language), to: formatDate(draft.previousValidTo!, language) })}{' '}
            {onOpenReading && draft.previousReadingId !== null && (
              <button type="button" onClick={() => onOpenReading(draft.previousReadingId!, typedInput(false))}>
                {t('dialog.openSameDay', { date: formatDate(draft.previousDate!, language) })}
              </button>
            )}
          </p>
        )}
        {carried && reading && reading.source !== 'estimate' && !form.readOnly && (
          <p className="notice info">{t('dialog.carried', { date: formatDate(reading.date, language) })}</p>
        )}
        {/* A second reading in a month already covered: its validity starts after the month the date belongs to (the 1st–4th: the one before). */}
        {!intoEstimate && !correctInstead && !reading && !form.readOnly && form.validity && form.parsedDate && draft.previousDate && draft.previousValidTo &&
          periodEndFor(form.parsedDate, draft.cutoffDay) < form.validity.from && (
          <p className="notice info">
            {describeIssue(
              { field: 'date', code: 'period-covered', params: { previous: draft.previousDate, to: draft.previousValidTo, from: form.validity.from } },
              language,
            )}{' '}
            {t('dialog.periodCovered', { previous: formatDate(draft.previousDate, language) })}
          </p>
        )}
        {!reading && !intoEstimate && trueUpFloor !== null && (
          <p className="notice info">{t('dialog.trueUp', { floor: formatCounter(trueUpFloor, language) })}</p>
        )}

        <div className="dialog-row">
          {dateField('date', t('dialog.date'), form.readOnly, form.setDate)}
          <label className="field">
            <span>{t('dialog.status')}</span>
            <input aria-label={t('dialog.status')} value={status} readOnly aria-readonly tabIndex={-1} className="read-only" size={14} />
          </label>
        </div>

        <table className="counter-grid">
          <thead>
            <tr>
              <th scope="col">{t('dialog.counter')}</th>
              <th scope="col">{t('dialog.old')}</th>
              <th scope="col">{t('dialog.new')}</th>
              <th scope="col">{t('dialog.extraFree')}</th>
              <th scope="col">{t('dialog.usage')}</th>
              <th scope="col">{t('dialog.contractFree')}</th>
            </tr>
          </thead>
          <tbody>
            {form.fields.counters.map((row) => {
              const computed = form.computed.find((c) => c.kind === row.kind);
              const kind = t(`kinds.${row.kind}`);
              const input = (column: CounterColumn, label: string, readOnly: boolean, shown?: string) => (
                <td>
                  <input
                    {...fieldProps(`${row.kind}.${column}`, `${kind} ${label}`, readOnly)}
                    // The exchange's two values sit under other columns' headers: each says what it is.
                    placeholder={shown}
                    title={shown}
                    inputMode="numeric"
                    value={row[column]}
                    onChange={(event) => form.setCounter(row.kind, column, event.target.value)}
                    onKeyDown={(event) => counterKey(event, row, column)}
                  />
                  {errorFor(`${row.kind}.${column}`)}
                </td>
              );
              return [
                <tr key={row.kind}>
                  <th scope="row">
                    {kind}
                    {(!form.readOnly || row.exchange) && (
                      <label className="exchange-toggle" title="Alt+W">
                        {/* Out of the Tab path: a rare case must not slow the clerk's walk through the values. */}
                        <input
                          type="checkbox"
                          tabIndex={-1}
                          checked={row.exchange}
                          disabled={form.readOnly}
                          onChange={(event) => form.setExchange(row.kind, event.target.checked)}
                        />{' '}
                        {t('dialog.exchange')}
                      </label>
                    )}
                  </th>
                  {input('old', t('dialog.old'), !computed?.oldEditable)}
                  {input('new', t('dialog.new'), form.readOnly)}
                  {input('extraFree', t('dialog.extraFree'), form.readOnly)}
                  {computedCell(`${kind} ${t('dialog.usage')}`, computed?.usage)}
                  {computedCell(`${kind} ${t('dialog.contractFree')}`, computed?.contractFree)}
                </tr>,
                row.exchange && (
                  <tr key={`${row.kind}-exchange`} className="exchange-row">
                    <th scope="row" className="muted small">
                      {t('dialog.exchange')}
                    </th>
                    {input('final', t('dialog.final'), form.readOnly, t('dialog.final'))}
                    {input('start', t('dialog.start'), form.readOnly, t('dialog.start'))}
                    <td colSpan={3} className="muted small">
                      {t('dialog.exchangeHint')}
                    </td>
                  </tr>
                ),
                computed?.implausible && (
                  <tr key={`${row.kind}-warning`} className="warning-row">
                    <td />
                    <td colSpan={5} className="plausibility-warning">
                      {t('dialog.implausible')}
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>

        <div className="dialog-row">
          {dateField('validFrom', t('dialog.validFrom'), validityReadOnly, (text) => form.setValidity('validFrom', text))}
          {dateField('validTo', t('dialog.validTo'), validityReadOnly, (text) => form.setValidity('validTo', text))}
          {/* Only where the validity can still be entered: a billed or posted reading keeps its own. */}
          {draft.validityLock && !form.readOnly && (
            <p className="notice lock">
              <LockIcon /> {t('dialog.validityLocked', { position: draft.validityLock.position, equipmentId: draft.validityLock.equipmentId })}
              {!reading && draft.validityLock.from < draft.validityLock.firstDeviceFrom &&
                ` ${t('dialog.validityLockGap', { from: formatDate(draft.validityLock.from, language), firstFrom: formatDate(draft.validityLock.firstDeviceFrom, language) })}`}
            </p>
          )}
        </div>

        <label className="field wide">
          <span>{t('dialog.note')}</span>
          <input
            aria-label={t('dialog.note')}
            value={form.fields.note}
            readOnly={form.readOnly || undefined}
            tabIndex={form.readOnly ? -1 : undefined}
            className={form.readOnly ? 'read-only' : undefined}
            maxLength={2000}
            onChange={(event) => form.setNote(event.target.value)}
          />
        </label>

        {reading?.flagged && <p className="notice flagged">{t('dialog.flaggedNotice')}</p>}
        {/* Hinweise lists it as far below the usual: said here, and confirmed here to take it off that list. */}
        {!reading?.flagged && draft.lowUsage.length > 0 && !form.readOnly && (
          <p className="notice flagged">
            {t('dialog.lowNotice', {
              list: draft.lowUsage
                .map((low) => t('dialog.lowCounter', { counter: t(`kinds.${low.kind}`), usage: formatCounter(low.usage, language), expected: formatCounter(low.expected, language) }))
                .join(', '),
            })}
          </p>
        )}
        {draft.stuck.length > 0 && !form.readOnly && (
          <p className="notice flagged">
            {t('dialog.stuckNotice', {
              list: draft.stuck.map((stuck) => t('dialog.stuckCounter', { counter: t(`kinds.${stuck.kind}`), value: formatCounter(stuck.value, language) })).join(', '),
            })}
          </p>
        )}
        {reading?.confirmedBy && <p className="muted small">{t('dialog.confirmedBy', { name: reading.confirmedBy })}</p>}
        {shownBanner && (
          <p role="alert" className="error-banner">
            {shownBanner}
          </p>
        )}
        {escapePending && (
          <p role="status" className="notice info">
            {t('dialog.escapeAgain')}
          </p>
        )}

        <div className="dialog-actions">
          {reading && !form.readOnly && (
            <button
              type="button"
              className={confirmDelete ? 'danger' : undefined}
              onClick={() => {
                if (!confirmDelete) setConfirmDelete(true);
                else void run(() => api.call('readings-delete', { readingId: reading.id, revision: reading.revision }).then(() => null));
              }}
            >
              {confirmDelete ? t('dialog.deleteConfirm') : t('dialog.delete')}
            </button>
          )}
          {reading && (reading.flagged || draft.lowUsage.length > 0 || draft.stuck.length > 0) && !form.readOnly && (
            <button
              type="button"
              onClick={() => void run(() => api.call('readings-confirm', { readingId: reading.id, revision: reading.revision }))}
            >
              {t('dialog.confirm')}
            </button>
          )}
          {reading && (
            <button type="button" aria-expanded={showAudit} onClick={() => setShowAudit((shown) => !shown)}>
              {t('dialog.audit')}
            </button>
          )}
          <span className="spacer" />
          <button type="button" onClick={() => cancel('button')}>
            {form.readOnly ? t('dialog.close') : t('dialog.cancel')}
          </button>
          {!form.readOnly && (
            <button type="button" className="primary" onClick={save}>
              {t('dialog.save')}
            </button>
          )}
        </div>
        {showAudit && reading && <AuditTrail entity="reading" entityId={reading.id} />}
      </div>
    </div>
  );
}
