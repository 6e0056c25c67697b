import { LoadStatus } from '../../components/LoadStatus';
import type { BackPage } from '../../useHashRoute';
import { useLanguage } from '../../i18n';
import { DevicePage } from './DevicePage';
import { useDeviceDetail } from './useDeviceDetail';

export interface DevicePageWithDataProps {
  equipmentId: string;
  /** Opens this reading in the meter dialog at once (from the web submissions). */
  readingId?: number | null;
  /** Where closing that reading's dialog returns (the list it was opened from). */
  back?: BackPage | null;
}

export function DevicePageWithData({ equipmentId, readingId, back }: DevicePageWithDataProps) {
  const { t } = useLanguage();
  const { detail, error, reload } = useDeviceDetail(equipmentId);
  if (!detail) return <LoadStatus error={error} back={{ href: '#/', label: t('app.back') }} />;
  return <DevicePage detail={detail} onChanged={reload} initialReadingId={readingId ?? null} back={back ?? null} />;
}
