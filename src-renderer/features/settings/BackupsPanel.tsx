import { useEffect, useState } from 'react';
import { RESTORE_PENDING_DAYS, type BackupFile, type BackupList, type RestoreRefusal } from '../../../shared/api';
import { ApiError } from '../../../shared/errors';
import { formatMoment } from '../../moments';
import { useLanguage } from '../../i18n';
import { emitRestoreChanged } from '../../menu-events';
import { api } from '../../platform/transport';

/** Backups shown: the newest; the folder holds backup.keep of each kind and the copies kept. */
const SHOWN = 8;

/** A file's size as a clerk compares them: megabytes with one decimal, a small one in kilobytes. */
function size(bytes: number, language: string): string {
  const locale = language === 'en' ? 'en-GB' : `${language}-CH`;
  // French writes octets: Ko, Mo.
  const [kb, mb] = language === 'fr' ? ['Ko', 'Mo'] : ['KB', 'MB'];
  if (bytes < 1_048_576) return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString(locale)} ${kb}`;
  return `${(bytes / 1_048_576).toLocaleString(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 })} ${mb}`;
}

/**
 * Einstellungen › Sicherung: the backups there are (newest first, where the folder is), a
 * backup now — before a big import or an update — as the nightly job makes it, and a restore
 * of one at the next start (with what came of the last one).
 */
export function BackupsPanel() {
  const { t, language } = useLanguage();
  const [list, setList] = useState<BackupList | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');

  useEffect(() => {
    api.call('backups-list', {}).then(setList, (failure: Error) => setMessage(t('app.error', { message: failure.message })));
  }, [t]);

  const backup = () => {
    setBusy(true);
    setMessage(t('settings.backups.running'));
    api.call('backup-now', {}).then(
      (next) => {
        setList(next);
        setBusy(false);
        setMessage(t('settings.backups.done', { name: next.files.find((file) => file.kind === 'database')?.name ?? '' }));
      },
      (failure: Error) => {
        setBusy(false);
        setMessage(t('settings.backups.failed', { message: failure.message }));
      },
    );
  };

  // A restore is asked for here and carried out at the next start, before the database opens.
  const askRestore = (args: { name: string } | { cancel: 'meterdesk' | 'portal' }, file?: BackupFile) => {
    if (file && !window.confirm(t('settings.backups.restoreConfirm', { at: formatMoment(file.at, language), name: file.name }))) return;
    setBusy(true);
    api.call('backup-restore', args).then(
      (next) => {
        setList(next);
        setBusy(false);
        setMessage('');
        emitRestoreChanged();
      },
      (failure: Error) => {
        setBusy(false);
        const reason = failure instanceof ApiError ? (failure.issues[0]?.params?.reason as RestoreRefusal | undefined) : undefined;
        setMessage(t('settings.backups.refusedNow', { reason: reason ? t(`settings.backups.refused.${reason}`, { days: RESTORE_PENDING_DAYS }) : failure.message }));
      },
    );
  };
  const pending = list?.pending ?? [];
  const asked = new Set(pending.map((request) => request.name));

  return (
    <div className="backups" aria-label={t('settings.backups.title')} role="region">
      {pending.map((request) => (
        <p key={request.kind} className="notice warning" role="status">
          {t('settings.backups.pending', { name: request.name, by: request.requestedBy, at: formatMoment(request.requestedAt, language), days: RESTORE_PENDING_DAYS })}{' '}
          <button type="button" onClick={() => askRestore({ cancel: request.kind })} disabled={busy}>
            {t('settings.backups.pendingCancel')}
          </button>
        </p>
      ))}
      {pending.length === 0 &&
        list?.lastRestores.map((last) => (
          <p key={`${last.name}-${last.at}`} className={last.refused ? 'notice error' : 'notice info'}>
            {last.refused
              ? t('settings.backups.restoredRefused', { name: last.name, at: formatMoment(last.at, language), reason: t(`settings.backups.refused.${last.refused}`, { days: RESTORE_PENDING_DAYS }) })
              : t('settings.backups.restored', { name: last.name, at: formatMoment(last.at, language), previous: last.previous ?? '—' })}
          </p>
        ))}
      <p className="toolbar">
        <button type="button" onClick={backup} disabled={busy}>
          {t('settings.backups.now')}
        </button>
        {/* Announced, but not the page's status (that one is the save bar's). */}
        <span aria-live="polite" className="status-message backup-status">
          {message}
        </span>
      </p>
      {list && (
        <>
          <p className="muted small">{t('settings.backups.folder', { folder: list.folder })}</p>
          {list.files.length === 0 ? (
            <p className="muted">{t('settings.backups.none')}</p>
          ) : (
            <table className="plain-table" aria-label={t('settings.backups.title')}>
              <thead>
                <tr>
                  <th scope="col">{t('settings.backups.at')}</th>
                  <th scope="col">{t('settings.backups.kind')}</th>
                  <th scope="col">{t('settings.backups.file')}</th>
                  <th scope="col" className="number">
                    {t('settings.backups.size')}
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">{t('settings.backups.restoreButton')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.files.slice(0, SHOWN).map((file) => (
                  <tr key={file.name}>
                    <td>{formatMoment(file.at, language)}</td>
                    <td>{t(`settings.backups.kinds.${file.kind}`)}</td>
                    <td>{file.name}</td>
                    <td className="number">{size(file.bytes, language)}</td>
                    <td>
                      <button
                        type="button"
                        className="small"
                        aria-label={t('settings.backups.restoreLabel', { name: file.name })}
                        disabled={busy || asked.has(file.name)}
                        onClick={() => askRestore({ name: file.name }, file)}
                      >
                        {t('settings.backups.restoreButton')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted small">{t('settings.backups.restore')}</p>
        </>
      )}
    </div>
  );
}
