import { useLanguage } from '../../i18n';
import { DevicePage } from './DevicePage';
import { useDeviceDetail } from './useDeviceDetail';

export interface DevicePageWithDataProps {
  equipmentId: string;
}

export function DevicePageWithData({ equipmentId }: DevicePageWithDataProps) {
  const { t } = useLanguage();
  const { detail, error, reload } = useDeviceDetail(equipmentId);
  if (error) {
    return (
      <section>
        <p role="alert" className="error-banner">
          {t('app.error', { message: error })}
        </p>
        <a href="#/">{t('app.back')}</a>
      </section>
    );
  }
  if (!detail) return <p className="muted">{t('app.loading')}</p>;
  return <DevicePage detail={detail} onChanged={reload} />;
}
