import { LoadStatus } from '../../components/LoadStatus';
import { useLanguage } from '../../i18n';
import { DevicePage } from './DevicePage';
import { useDeviceDetail } from './useDeviceDetail';

export interface DevicePageWithDataProps {
  equipmentId: string;
}

export function DevicePageWithData({ equipmentId }: DevicePageWithDataProps) {
  const { t } = useLanguage();
  const { detail, error, reload } = useDeviceDetail(equipmentId);
  if (!detail) return <LoadStatus error={error} back={{ href: '#/', label: t('app.back') }} />;
  return <DevicePage detail={detail} onChanged={reload} />;
}
