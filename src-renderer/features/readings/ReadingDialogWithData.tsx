import { useEffect, useState } from 'react';
import type { ReadingDraft } from '../../../shared/api';
import { formatDate } from '../../../shared/format';
import type { Reading } from '../../../shared/models';
import { coversMonthOf } from '../../../shared/rules/estimate';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { ReadingDialog } from './ReadingDialog';
import type { CarriedInput } from './useReadingForm';

export interface ReadingDialogWithDataProps {
  equipmentId: string;
  /** Absent for a new reading. */
  readingId?: number;
  onClose: () => void;
  onSaved: (reading: Reading | null) => void;
}

export function ReadingDialogWithData({
  equipmentId,
  readingId,
  onClose,
  onSaved,
}: ReadingDialogWithDataProps) {
  const { t, language } = useLanguage();
  const [draft, setDraft] = useState<ReadingDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The dialog may switch to another reading of the device (an open estimate): that one loads,
  // for as long as the caller asks for the same reading.
  const [switched, setSwitched] = useState<{ asked: number | undefined; shown: number; carried: CarriedInput } | null>(null);
  const shownId = switched && switched.asked === readingId ? switched.shown : readingId;

  useEffect(() => {
    let current = true;
    api
      .call(
        'readings-draft',
        shownId === undefined ? { equipmentId } : { equipmentId, readingId: shownId },
      )
      .then(
        (loaded) => {
          if (!current) return;
          // A new reading in a month an estimate not billed yet covers: the real values go into
          // the estimate, so the dialog opens it (dated today; the counters to be typed).
          const estimate = shownId === undefined ? loaded.openEstimate : null;
          if (estimate && coversMonthOf(estimate, loaded.date, loaded.cutoffDay)) {
            const carried = { date: formatDate(loaded.date, language), counters: new Map() };
            setSwitched({ asked: readingId, shown: estimate.readingId, carried });
            return;
          }
          setDraft(loaded);
        },
        (failure: Error) => current && setError(failure.message),
      );
    return () => {
      current = false;
    };
  }, [equipmentId, shownId, readingId, language]);

  useEffect(() => {
    if (draft) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [draft, onClose]);

  if (!draft) {
    return (
      <div className="dialog-backdrop">
        <div className="dialog" role="dialog" aria-modal="true" aria-label={t('dialog.titleNew')}>
          {error ? (
            <p role="alert" className="error-banner">
              {t('app.error', { message: error })}
            </p>
          ) : (
            <p className="muted">{t('app.loading')}</p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              {t('dialog.close')}
            </button>
          </div>
        </div>
      </div>
    );
  }
  return (
    <ReadingDialog
      key={shownId ?? 'new'}
      draft={draft}
      onClose={onClose}
      onSaved={onSaved}
      carried={switched && switched.asked === readingId ? switched.carried : undefined}
      onOpenReading={(id, carried) => {
        setDraft(null);
        setSwitched({ asked: readingId, shown: id, carried });
      }}
    />
  );
}
