import { useEffect, useState } from 'react';
import { useReload } from '../../components/useReload';
import type { ContractDetail, CustomerDetail } from '../../../shared/models';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { ContractPage } from './ContractPage';

export interface ContractPageWithDataProps {
  /** null: a new contract of `customerNumber`. */
  number: string | null;
  customerNumber: string | null;
  today: string;
}

export function ContractPageWithData({ number, customerNumber, today }: ContractPageWithDataProps) {
  const { t } = useLanguage();
  const [detail, setDetail] = useState<ContractDetail | null>(null);
  const [customer, setCustomer] = useState<CustomerDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { version, notice, reload } = useReload();

  useEffect(() => {
    let current = true;
    const load =
      number !== null
        ? api.call('contracts-get', { number }).then((loaded) => current && setDetail(loaded))
        : api.call('customers-get', { number: customerNumber ?? '' }).then((loaded) => current && setCustomer(loaded));
    load.catch((failure: Error) => current && setError(failure.message));
    return () => {
      current = false;
    };
  }, [number, customerNumber, version]);

  if (error) {
    return (
      <p role="alert" className="error-banner">
        {t('app.error', { message: error })}
      </p>
    );
  }
  const owner = detail?.customer ?? customer?.customer;
  if (!owner) return <p className="muted">{t('app.loading')}</p>;
  return (
    <ContractPage
      key={detail?.contract.revision ?? 'new'}
      detail={detail}
      customer={owner}
      today={today}
      notice={notice}
      onChanged={reload}
    />
  );
}
