import { useEffect, useState } from 'react';
import { useReload } from '../../components/useReload';
import type { ContractDetail, DeviceDetail } from '../../../shared/models';
import { useLanguage } from '../../i18n';
import { api } from '../../platform/transport';
import { DeviceFormPage } from './DeviceFormPage';

export interface DeviceFormPageWithDataProps {
  /** null: a new device of the contract `contractNumber`. */
  equipmentId: string | null;
  contractNumber: string | null;
  today: string;
}

export function DeviceFormPageWithData({ equipmentId, contractNumber, today }: DeviceFormPageWithDataProps) {
  const { t } = useLanguage();
  const [device, setDevice] = useState<DeviceDetail | null>(null);
  const [contract, setContract] = useState<ContractDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { version, notice, reload } = useReload();

  useEffect(() => {
    let current = true;
    const load =
      equipmentId !== null
        ? api.call('devices-get', { equipmentId }).then((loaded) => current && setDevice(loaded))
        : api.call('contracts-get', { number: contractNumber ?? '' }).then((loaded) => current && setContract(loaded));
    load.catch((failure: Error) => current && setError(failure.message));
    return () => {
      current = false;
    };
  }, [equipmentId, contractNumber, version]);

  if (error) {
    return (
      <p role="alert" className="error-banner">
        {t('app.error', { message: error })}
      </p>
    );
  }
  const owner = device ? { contract: device.contract, customer: device.customer } : contract;
  if (!owner) return <p className="muted">{t('app.loading')}</p>;
  return (
    <DeviceFormPage
      key={device?.device.revision ?? 'new'}
      detail={device}
      contract={owner.contract}
      customer={owner.customer}
      today={today}
      notice={notice}
      onChanged={reload}
    />
  );
}
