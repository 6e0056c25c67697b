import { useEffect, useState } from 'react';
import type { DeviceSummary } from '../../../shared/models';
import { api } from '../../platform/transport';

export interface DeviceSearch {
  rows: DeviceSummary[];
  total: number;
  loading: boolean;
  error: string | null;
  /** The query these rows answer; while it differs from the one typed, a newer answer is due. */
  forQuery: string | null;
}

/** Devices matching `query`, asked for once the clerk pauses typing. */
export function useDeviceSearch(query: string, reloadKey = 0): DeviceSearch {
  const [state, setState] = useState<DeviceSearch>({
    rows: [],
    total: 0,
    loading: true,
    error: null,
    forQuery: null,
  });
  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      api.call('devices-search', { query }).then(
        (result) => current && setState({ ...result, loading: false, error: null, forQuery: query }),
        (error: Error) =>
          current && setState({ rows: [], total: 0, loading: false, error: error.message, forQuery: query }),
      );
    }, 120);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query, reloadKey]);
  return state;
}
