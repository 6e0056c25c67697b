/** Devices as master data (issue 7): edits, counters, moves between contracts, retirement. */
import type { CounterKind, IsoDate } from '../../shared/models';
import type { DeviceInput } from '../../shared/rules/master-data';
import type { Database } from '../database';
import { refreshDeviceSearchText } from './master-data';

export type DeviceFields = Omit<DeviceInput, 'counters'>;

export function updateDevice(db: Database, id: number, device: DeviceFields, now: string): void {
  db.run(
    `UPDATE devices SET position = @position, model = @model, location = @location,
       equipment_id = @equipmentId, serial_number = @serialNumber, install_date = @installDate,
       revision = revision + 1, updated_at = @now
     WHERE id = @id`,
    { id, ...device, now },
  );
  refreshDeviceSearchText(db, id);
}

export function setDeviceCounters(db: Database, id: number, counters: Array<{ kind: CounterKind; startValue: number }>): void {
  const keep = new Set(counters.map((counter) => counter.kind));
  for (const { kind } of db.all<{ kind: CounterKind }>('SELECT kind FROM device_counters WHERE device_id = ?', [id])) {
    if (!keep.has(kind)) db.run('DELETE FROM device_counters WHERE device_id = ? AND kind = ?', [id, kind]);
  }
  for (const counter of counters) {
    db.run(
      `INSERT INTO device_counters (device_id, kind, start_value) VALUES (?, ?, ?)
       ON CONFLICT (device_id, kind) DO UPDATE SET start_value = excluded.start_value`,
      [id, counter.kind, counter.startValue],
    );
  }
}

/** The counter kinds that appear in any of the device's readings. */
export function kindsWithReadings(db: Database, deviceId: number): CounterKind[] {
  return db
    .all<{ kind: CounterKind }>(
      `SELECT DISTINCT rc.kind FROM reading_counters rc JOIN readings r ON r.id = rc.reading_id WHERE r.device_id = ?`,
      [deviceId],
    )
    .map((row) => row.kind);
}

export function contractHistory(db: Database, deviceId: number): Array<{ validFrom: IsoDate; contractId: number }> {
  return db
    .all<{ valid_from: string; contract_id: number }>(
      'SELECT valid_from, contract_id FROM device_contracts WHERE device_id = ? ORDER BY valid_from',
      [deviceId],
    )
    .map((row) => ({ validFrom: row.valid_from, contractId: row.contract_id }));
}

/** From `from` on the device belongs to `contractId`; its readings stay where they are. */
export function moveDevice(db: Database, deviceId: number, contractId: number, from: IsoDate, now: string): void {
  db.run('INSERT INTO device_contracts (device_id, valid_from, contract_id) VALUES (?, ?, ?)', [deviceId, from, contractId]);
  db.run('UPDATE devices SET contract_id = ?, revision = revision + 1, updated_at = ? WHERE id = ?', [contractId, now, deviceId]);
  refreshDeviceSearchText(db, deviceId);
}

export function retireDevice(db: Database, deviceId: number, date: IsoDate, now: string): void {
  db.run('UPDATE devices SET out_of_service = ?, revision = revision + 1, updated_at = ? WHERE id = ?', [date, now, deviceId]);
}

export function equipmentIdHolder(db: Database, equipmentId: string): number | undefined {
  return db.get<{ id: number }>('SELECT id FROM devices WHERE equipment_id = ?', [equipmentId])?.id;
}

/** The equipment ID of another device in service with this serial number, if any. */
export function serialNumberHolder(db: Database, serialNumber: string, except: number | undefined): string | undefined {
  return db.get<{ equipment_id: string }>(
    'SELECT equipment_id FROM devices WHERE serial_number = ? AND out_of_service IS NULL AND id IS NOT ? LIMIT 1',
    [serialNumber, except ?? null],
  )?.equipment_id;
}
