import { useLoad } from '../../components/useLoad';
import { useReload } from '../../components/useReload';
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
  const { version, notice, reload } = useReload();
  const { data, error } = useLoad(
    async () =>
      number !== null
        ? api.call('contracts-get', { number }).then((detail) => ({ detail, customer: detail.customer }))
        : { detail: null, customer: (await api.call('customers-get', { number: customerNumber ?? '' })).customer },
    `${number}:${customerNumber}:${version}`,
  );
  if (error) {
    return (
      <p role="alert" className="error-banner">
        {t('app.error', { message: error })}
      </p>
    );
  }
  if (!data) return <p className="muted">{t('app.loading')}</p>;
  return (
    <ContractPage
      key={data.detail?.contract.revision ?? 'new'}
      detail={data.detail}
      customer={data.customer}
      today={today}
      notice={notice}
      onChanged={reload}
    />
  );
}
