import { LoadStatus } from '../../components/LoadStatus';
import { useLoad } from '../../components/useLoad';
import { useReload } from '../../components/useReload';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { CustomerPage } from './CustomerPage';

export interface CustomerPageWithDataProps {
  /** null: a new customer. */
  number: string | null;
}

export function CustomerPageWithData({ number }: CustomerPageWithDataProps) {
  const { t } = useLanguage();
  const { version, notice, reload } = useReload();
  const { data: detail, error } = useLoad(
    () => (number === null ? Promise.resolve(null) : api.call('customers-get', { number })),
    `${number}:${version}`,
  );
  if (number !== null && !detail)
    return <LoadStatus error={error} back={{ href: '#/customers', label: t('nav.customers') }} />;
  return (
    <CustomerPage
      key={detail?.customer.revision ?? 'new'}
      detail={detail}
      notice={notice}
      onChanged={reload}
    />
  );
}
