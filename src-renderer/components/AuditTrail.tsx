import { useEffect, useState } from 'react';
import type { ApiArgs } from '../../shared/api';
import type { AuditEntry } from '../../shared/models';
import { useLanguage } from '../i18n';
import { api } from '../platform/transport';

export interface AuditTrailProps {
  entity: ApiArgs<'audit-list'>['entity'];
  entityId: number;
}

/** Who changed what and when, old → new. */
export function AuditTrail({ entity, entityId }: AuditTrailProps) {
  const { t, language } = useLanguage();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  useEffect(() => {
    let current = true;
    void api.call('audit-list', { entity, entityId }).then((loaded) => current && setEntries(loaded));
    return () => {
      current = false;
    };
  }, [entity, entityId]);
  if (!entries) return <p className="muted">{t('app.loading')}</p>;
  if (entries.length === 0) return <p className="muted">{t('dialog.auditEmpty')}</p>;
  const when = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : `${language}-CH`, {
    dateStyle: 'short',
    timeStyle: 'short',
  });
  const show = (value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—';
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  return (
    <section className="audit-trail" aria-label={t('dialog.audit')}>
      <h3>{t('dialog.audit')}</h3>
      <ul>
        {entries.map((entry) => (
          <li key={entry.id}>
            <strong>{when.format(new Date(entry.at))}</strong> · {entry.author} · {t(`audit.${entry.action}`)}
            <ul>
              {Object.entries(entry.changes).map(([field, [before, after]]) => (
                <li key={field}>
                  <code>{field}</code>: {show(before)} → {show(after)}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
