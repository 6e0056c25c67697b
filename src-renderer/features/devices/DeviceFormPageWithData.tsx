import { LoadStatus } from '../../components/LoadStatus';
import { useLoad } from '../../components/useLoad';
import { useReload } from '../../components/useReload';
import { api } from '../../platform/transport';
import { DeviceFormPage } from './DeviceFormPage';

export interface DeviceFormPageWithDataProps {
  /** null: a new device of the contract `contractNumber`. */
  equipmentId: string | null;
  contractNumber: string | null;
  today: string;
}

export function DeviceFormPageWithData({
  equipmentId,
  contractNumber,
  today,
}: DeviceFormPageWithDataProps) {
  const { version, notice, reload } = useReload();
  const { data, error } = useLoad(async () => {
    if (equipmentId !== null) {
      const detail = await api.call('devices-get', { equipmentId });
      return { detail, contract: detail.contract, customer: detail.customer };
    }
    const owner = await api.call('contracts-get', { number: contractNumber ?? '' });
    return { detail: null, contract: owner.contract, customer: owner.customer };
  }, `${equipmentId}:${contractNumber}:${version}`);
  if (!data) return <LoadStatus error={error} />;
  return (
    <DeviceFormPage
      key={data.detail?.device.revision ?? 'new'}
      detail={data.detail}
      contract={data.contract}
      customer={data.customer}
      today={today}
      notice={notice}
      onChanged={reload}
    />
  );
}
