import { useEffect, useState } from 'react';
import type { ApiArgs } from '../../shared/api';
import { labelSeparator } from '../../shared/format';
import { formatMoment } from '../moments';
import type { AuditEntry } from '../../shared/models';
import { useLanguage } from '../i18n';
import { api } from '../platform/transport';
import { auditText } from './audit-text';

export interface AuditTrailProps {
  entity: ApiArgs<'audit-list'>['entity'];
  entityId: number;
}

const isEmpty = (value: unknown) => value === null || value === undefined || value === '';

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
  return (
    <section className="audit-trail" aria-label={t('dialog.audit')}>
      <h3>{t('dialog.audit')}</h3>
      <ul>
        {entries.map((entry) => (
          <li key={entry.id}>
            <strong>{formatMoment(entry.at, language)}</strong> · {entry.author} · {t(`audit.${entry.action}`)}
            <ul>
              {Object.entries(entry.changes).map(([key, [before, after]]) => {
                // An empty field made empty (a new reading's note): nothing to tell.
                if (isEmpty(before) && isEmpty(after)) return null;
                const text = auditText(entity, key, before, after, t, language);
                return (
                  <li key={key}>
                    {text.field}
                    {labelSeparator(language)}
                    {text.before} → {text.after}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
