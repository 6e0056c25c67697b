import type { DeviceDetail } from '../../../shared/models';
import { useLoad } from '../../components/useLoad';
import { useReload } from '../../components/useReload';
import { api } from '../../platform/transport';

export interface DeviceDetailState {
  detail: DeviceDetail | null;
  error: string | null;
  reload: () => void;
}

export function useDeviceDetail(equipmentId: string): DeviceDetailState {
  const { version, reload } = useReload();
  const { data, error } = useLoad(() => api.call('devices-get', { equipmentId }), `${equipmentId}:${version}`);
  return { detail: data, error, reload: () => reload() };
}
