import { LoadStatus } from '../../components/LoadStatus';
import { useLoad } from '../../components/useLoad';
import { useReload } from '../../components/useReload';
import { api } from '../../platform/transport';
import { ContractPage } from './ContractPage';

export interface ContractPageWithDataProps {
  /** null: a new contract of `customerNumber`. */
  number: string | null;
  customerNumber: string | null;
  today: string;
}

export function ContractPageWithData({ number, customerNumber, today }: ContractPageWithDataProps) {
  const { version, notice, reload } = useReload();
  const { data, error } = useLoad(
    async () =>
      number !== null
        ? api
            .call('contracts-get', { number })
            .then((detail) => ({ detail, customer: detail.customer }))
        : {
            detail: null,
            customer: (await api.call('customers-get', { number: customerNumber ?? '' })).customer,
          },
    `${number}:${customerNumber}:${version}`,
  );
  if (!data) return <LoadStatus error={error} />;
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
