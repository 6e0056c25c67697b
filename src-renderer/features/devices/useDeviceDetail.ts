import { useCallback, useEffect, useState } from 'react';
import type { DeviceDetail } from '../../../shared/models';
import { api } from '../../platform/transport';

export interface DeviceDetailState {
  detail: DeviceDetail | null;
  error: string | null;
  reload: () => void;
}

export function useDeviceDetail(equipmentId: string): DeviceDetailState {
  const [detail, setDetail] = useState<DeviceDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    api.call('devices-get', { equipmentId }).then(
      (loaded) => {
        if (!current) return;
        setDetail(loaded);
        setError(null);
      },
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
  }, [equipmentId, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { detail, error, reload };
}
