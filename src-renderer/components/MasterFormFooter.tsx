import { useState, type ReactNode } from 'react';
import type { ApiArgs } from '../../shared/api';
import { useLanguage } from '../i18n';
import { AuditTrail } from './AuditTrail';

export interface MasterFormFooterProps {
  banner: string | null;
  /** A message after a save ("saved"). */
  notice?: string | null;
  onCancel: () => void;
  /** The record whose change log the footer offers; none for a new record. */
  audit?: { entity: ApiArgs<'audit-list'>['entity']; entityId: number } | null;
  /** Further buttons, on the left. */
  children?: ReactNode;
}

/** The end of every master-data form: what went wrong, the change log, Abbrechen (Esc), Speichern (F2). */
export function MasterFormFooter({ banner, notice, onCancel, audit, children }: MasterFormFooterProps) {
  const { t } = useLanguage();
  const [showAudit, setShowAudit] = useState(false);
  return (
    <>
      {banner && (
        <p role="alert" className="error-banner">
          {banner}
        </p>
      )}
      <div className="dialog-actions">
        {children}
        {audit && (
          <button type="button" aria-expanded={showAudit} onClick={() => setShowAudit((shown) => !shown)}>
            {t('customers.history')}
          </button>
        )}
        <span className="spacer" />
        <span role="status" className="status-message">
          {notice}
        </span>
        <button type="button" onClick={onCancel}>
          {t('customers.cancel')}
        </button>
        <button type="submit" className="primary">
          {t('customers.save')}
        </button>
      </div>
      {showAudit && audit && <AuditTrail entity={audit.entity} entityId={audit.entityId} />}
    </>
  );
}
