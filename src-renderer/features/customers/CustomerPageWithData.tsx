import { useEffect, useState } from 'react';
import { useReload } from '../../components/useReload';
import type { CustomerDetail } from '../../../shared/models';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { CustomerPage } from './CustomerPage';

export interface CustomerPageWithDataProps {
  /** null: a new customer. */
  number: string | null;
}

export function CustomerPageWithData({ number }: CustomerPageWithDataProps) {
  const { t } = useLanguage();
  const [detail, setDetail] = useState<CustomerDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { version, notice, reload } = useReload();

  useEffect(() => {
    if (number === null) return;
    let current = true;
    api.call('customers-get', { number }).then(
      (loaded) => current && setDetail(loaded),
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
  }, [number, version]);

  if (error) {
    return (
      <section>
        <p role="alert" className="error-banner">
          {t('app.error', { message: error })}
        </p>
        <a href="#/customers">{t('nav.customers')}</a>
      </section>
    );
  }
  if (number !== null && !detail) return <p className="muted">{t('app.loading')}</p>;
  return (
    <CustomerPage
      key={detail?.customer.revision ?? 'new'}
      detail={number === null ? null : detail}
      notice={notice}
      onChanged={reload}
    />
  );
}
