import type { GridApi } from 'ag-grid-community';
import { useEffect, useRef, useState } from 'react';
import { formatCounter, formatDate } from '../../../shared/format';
import type { DeviceDetail, Reading } from '../../../shared/models';
import { useLanguage } from '../../i18n';
import { useMenuAction } from '../../menu-events';
import { ReadingDialogWithData } from '../readings/ReadingDialogWithData';
import { contractHref, customerHref, deviceFormHref, deviceHref, navigate, type BackPage } from '../../useHashRoute';
import { HistoryGrid } from './HistoryGrid';

export interface DevicePageProps {
  detail: DeviceDetail;
  onChanged: () => void;
  initialReadingId?: number | null;
  /** The list `initialReadingId` was opened from: closing its dialog goes back there. */
  back?: BackPage | null;
}

type Open = { readingId?: number } | null;

export function DevicePage({ detail, onChanged, initialReadingId = null, back = null }: DevicePageProps) {
  const { t, language } = useLanguage();
  const { device, customer, contract, readings } = detail;
  const [open, setOpen] = useState<Open>(initialReadingId ? { readingId: initialReadingId } : null);
  const [message, setMessage] = useState('');
  const newButton = useRef<HTMLButtonElement>(null);
  const history = useRef<GridApi<Reading> | null>(null);
  // The reading opened from the history grid: its row takes the keyboard back when the dialog closes.
  const fromRow = useRef<number | null>(null);

  // "Gespeichert." belongs to the reading just saved: another dialog opening takes it away.
  const show = (reading: NonNullable<Open>) => {
    setMessage('');
    setOpen(reading);
  };

  useMenuAction((action) => {
    if (action === 'new-reading' && !open) show({});
  });

  const close = () => {
    if (open?.readingId !== undefined && open.readingId === initialReadingId) {
      // Opened from a list (Web-Erfassung's Öffnen): back to it, for the next row.
      if (back) {
        navigate(`#/${back}`);
        return;
      }
      // Opened by its address (a Hinweis): a reload no longer opens it again.
      window.history.replaceState(window.history.state, '', deviceHref(device.equipmentId));
    }
    setOpen(null);
  };
  // Back where the clerk was, ready for the next reading, once the dialog is gone: focused
  // while it was still there, its focus trap took the keyboard back, and it ended on <body>.
  // Opened from the search (Enter), the page takes the keyboard too: Enter again records a reading.
  useEffect(() => {
    if (open) return;
    const row = fromRow.current;
    fromRow.current = null;
    const api = history.current;
    const node = row !== null ? api?.getRowNode(String(row)) : undefined;
    const first = api?.getAllDisplayedColumns()[0];
    if (api && node?.rowIndex != null && first) {
      // Opened from its row (↓ Enter): back on that row, to go on with ↑ ↓.
      api.ensureIndexVisible(node.rowIndex);
      api.setFocusedCell(node.rowIndex, first);
    } else newButton.current?.focus();
  }, [open]);

  return (
    <section className="device-page">
      <div className="device-header">
        <div>
          <h1>
            {device.model} <span className="muted">· {device.equipmentId}</span>
          </h1>
          <p className="device-facts">
            <span>
              {t('search.position')} {device.position}
            </span>
            <span>{device.location}</span>
            <span>
              {t('search.serialNumber')} {device.serialNumber}
            </span>
            <span>
              {t('device.installDate')} {formatDate(device.installDate, language)}
            </span>
          </p>
          <p className="device-facts">
            <span>
              {t('device.customer')} <a href={customerHref(customer.number)}>{customer.number}</a> · {customer.name}
            </span>
            <span>
              {t('device.contract')} <a href={contractHref(contract.number)}>{contract.number}</a>
            </span>
            <span>{t('device.interval', { count: contract.intervalMonths })}</span>
          </p>
        </div>
        <dl className="current-counters">
          {device.counters.map((counter) => (
            <div key={counter.kind}>
              <dt>
                {t(`kinds.${counter.kind}`)} · {t('device.currentCounter')}
              </dt>
              <dd>{formatCounter(counter.currentValue, language)}</dd>
            </div>
          ))}
        </dl>
      </div>
      {device.outOfService && (
        <p className="notice">{t('deviceForm.retired', { date: formatDate(device.outOfService, language) })}</p>
      )}
      <div className="toolbar">
        {/* Out of service: it takes no new reading (the save refuses it), so the dialog does not open. */}
        <button ref={newButton} type="button" className="primary" disabled={device.outOfService !== null} onClick={() => show({})}>
          {t('device.newReading')}
        </button>
        <button type="button" onClick={() => navigate(deviceFormHref(device.equipmentId))}>
          {t('deviceForm.edit')}
        </button>
        <span className="muted small">{t('device.openHint')}</span>
        <span role="status" className="status-message">
          {message}
        </span>
      </div>
      <h2>{t('device.history')}</h2>
      {readings.length === 0 ? (
        <p className="muted">{t('device.noReadings')}</p>
      ) : (
        <HistoryGrid
          readings={readings}
          kinds={device.counters.map((c) => c.kind)}
          onOpen={(reading: Reading) => {
            fromRow.current = reading.id;
            show({ readingId: reading.id });
          }}
          onReady={(api) => {
            history.current = api;
          }}
        />
      )}
      {open && (
        <ReadingDialogWithData
          equipmentId={device.equipmentId}
          readingId={open.readingId}
          onClose={close}
          onSaved={(saved) => {
            // null: the reading was deleted.
            setMessage(saved ? t('dialog.saved') : t('dialog.deleted'));
            onChanged();
            close();
          }}
        />
      )}
    </section>
  );
}
