import type { DeviceSummary } from '../../shared/models';
import { deviceHref } from '../useHashRoute';

export interface DeviceLinksProps {
  devices: DeviceSummary[];
  emptyText: string;
}

/** A customer's or contract's devices, each a link to its page. */
export function DeviceLinks({ devices, emptyText }: DeviceLinksProps) {
  if (devices.length === 0) return <p className="muted">{emptyText}</p>;
  return (
    <ul className="plain-list">
      {devices.map((device) => (
        <li key={device.deviceId}>
          {/* A device without a location text: no dot before nothing. */}
          <a href={deviceHref(device.equipmentId)}>{device.equipmentId}</a> · {[device.position, device.model, device.location].filter((part) => part.trim() !== '').join(' · ')}
        </li>
      ))}
    </ul>
  );
}
