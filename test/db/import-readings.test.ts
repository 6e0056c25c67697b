/** The meter import on a real database: long and wide files, encodings, rules, repeats, mappings. */
import { describe, expect, it } from 'vitest';
import { getDeviceByEquipmentId } from '../../db/queries/master-data';
import { listReadings } from '../../db/queries/readings';
import { generateDealer } from '../../src-main/core/generate';
import { testCore } from './helpers';

const b64 = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding).toString('base64');
const last = (core: ReturnType<typeof testCore>, equipmentId: string) => listReadings(core.db, getDeviceByEquipmentId(core.db, equipmentId)!.id).at(-1)!;

describe('the meter import', () => {
  it('imports a semicolon file, one row per counter, judging each reading by the dialog’s rules', async () => {
    const core = testCore();
    const colour = getDeviceByEquipmentId(core.db, '3.033.923')!;
    const black = colour.counters.find((c) => c.kind === 'black')!.currentValue;
    const color = colour.counters.find((c) => c.kind === 'color')!.currentValue;
    const first = getDeviceByEquipmentId(core.db, '3.100.001')!;
    const file = [
      'Geräte-ID;Datum;Zähler;Wert',
      '3.022.790;20.11.2026;Schwarz;345500',
      `3.033.923;20.11.2026;Schwarz;${black + 300}`,
      `3.033.923;20.11.2026;Farbe;${color + 40}`,
      '3.024.072;20.11.2026;Schwarz;12',
      '9.999.999;20.11.2026;Schwarz;100',
      '3.022.790;31.02.2026;Schwarz;1',
      // The first reading of 3.100.001 (written without dots): old is its counter at installation.
      ...first.counters.map((c) => `3100001;21.11.2026;${{ black: 'Schwarz', scan: 'Scan', color: 'Farbe', free1: 'Frei-1', free2: 'Frei-2' }[c.kind]};${c.startValue + 1000}`),
    ].join('\n');
    const preview = await core.api['import-readings-preview']({ fileName: 'fleet.csv', content: b64(file) });
    expect(preview).toMatchObject({ encoding: 'utf-8', delimiter: ';', dateOrder: 'dmy', missingColumns: [], committed: false });
    expect(preview.mapping).toEqual({ equipmentId: 'Geräte-ID', date: 'Datum', kind: 'Zähler', value: 'Wert' });
    expect(last(core, '3.022.790').source).not.toBe('import');

    const report = await core.api['import-readings-run']({ fileName: 'fleet.csv', content: b64(file), source: 'FleetTool' });
    const byLine = (line: number) => report.rows.find((row) => row.lines.includes(line))!;
    expect(byLine(2)).toMatchObject({ action: 'create', equipmentId: '3.022.790' });
    expect(byLine(3)).toMatchObject({ action: 'create', lines: [3, 4], counters: [{ kind: 'black', value: black + 300 }, { kind: 'color', value: color + 40 }] });
    expect(byLine(5).action).toBe('error');
    expect(byLine(5).issues.map((i) => i.code)).toContain('new-below-old');
    expect(byLine(6).issues).toEqual([{ field: 'equipmentId', code: 'unknown-device', params: { value: '9.999.999' } }]);
    expect(byLine(7).issues[0]!.code).toBe('date-invalid');
    expect(byLine(8)).toMatchObject({ action: 'create', equipmentId: '3.100.001' });
    expect(byLine(8).lines).toHaveLength(first.counters.length);
    expect(report.counts).toEqual({ create: 3, unchanged: 0, error: 3 });

    expect(last(core, '3.022.790')).toMatchObject({ source: 'import', date: '2026-11-20', status: '01', author: 'import FleetTool' });
    expect(last(core, '3.024.072').source).not.toBe('import');
    const firstReading = last(core, '3.100.001');
    for (const counter of first.counters) {
      expect(firstReading.counters.find((c) => c.kind === counter.kind)).toMatchObject({ old: counter.startValue, new: counter.startValue + 1000 });
    }

    // The same file again adds nothing.
    const count = core.db.get<{ n: number }>('SELECT count(*) AS n FROM readings')!.n;
    const again = await core.api['import-readings-run']({ fileName: 'fleet.csv', content: b64(file), source: 'FleetTool' });
    expect(again.counts).toEqual({ create: 0, unchanged: 3, error: 3 });
    expect(core.db.get<{ n: number }>('SELECT count(*) AS n FROM readings')!.n).toBe(count);
  });

  it('refuses a second reading of a month the recorded one covers (one a period); after a billed one it counts only after the month, as the dialog says', async () => {
    const core = testCore();
    const before = last(core, '3.022.790');
    const black = before.counters.find((c) => c.kind === 'black')!.new;
    const file = ['Geräte-ID;Datum;Zähler;Wert', `3.022.790;10.11.2026;Schwarz;${black + 500}`, `3.022.790;20.11.2026;Schwarz;${black + 900}`].join('\n');
    const report = await core.api['import-readings-run']({ fileName: 'fleet.csv', content: b64(file) });
    expect(report.counts).toEqual({ create: 1, unchanged: 0, error: 1 });
    expect(report.rows[0]!.notices).toBeUndefined();
    expect(report.rows[1]!.issues).toEqual([{ field: 'date', code: 'date-period-covered', params: { date: '2026-11-10', to: '2026-11-30' } }]);
    const november = last(core, '3.022.790');
    expect(november).toMatchObject({ date: '2026-11-10', validFrom: '2026-11-01', validTo: '2026-11-30' });

    // Billed, that reading is no longer corrected: a later one counts only after its month.
    core.db.run(`UPDATE readings SET status = '11' WHERE id = ?`, [november.id]);
    const again = await core.api['import-readings-run']({ fileName: 'fleet.csv', content: b64(file) });
    expect(again.counts).toEqual({ create: 1, unchanged: 1, error: 0 });
    expect(again.rows[1]!.notices).toEqual([
      { field: 'date', code: 'period-covered', params: { previous: '2026-11-10', to: '2026-11-30', from: '2026-12-01' } },
    ]);
    expect(last(core, '3.022.790')).toMatchObject({ date: '2026-11-20', validFrom: '2026-12-01', validTo: '2026-12-31' });
  });

  it('says in the preview which readings are far above the usual and go in to check', async () => {
    const core = testCore();
    const black = last(core, '3.022.790').counters.find((c) => c.kind === 'black')!.new;
    const file = ['Geräte-ID;Datum;Zähler;Wert', `3.022.790;20.11.2026;Schwarz;${black + 900_000}`].join('\n');
    const preview = await core.api['import-readings-preview']({ fileName: 'fleet.csv', content: b64(file) });
    expect(preview.rows[0]!.notices).toEqual([{ field: 'reading', code: 'import-flagged' }]);
    await core.api['import-readings-run']({ fileName: 'fleet.csv', content: b64(file) });
    expect(last(core, '3.022.790')).toMatchObject({ date: '2026-11-20', flagged: true });
  });

  it('puts real values for a month an unbilled estimate covers into the estimate, which keeps its period', async () => {
    const core = testCore();
    const lastReal = last(core, '3.022.790');
    const real = lastReal.counters.find((c) => c.kind === 'black')!.new;
    const [estimate] = (await core.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.022.790'] })).created;
    // Dated before the estimate (23 Nov), in its month: the fleet tool's counter of 20 Nov.
    const file = ['Geräte-ID;Datum;Zähler;Wert', `3.022.790;20.11.2026;Schwarz;${real + 700}`].join('\n');
    const report = await core.api['import-readings-run']({ fileName: 'fleet.csv', content: b64(file) });
    expect(report.counts).toEqual({ create: 1, unchanged: 0, error: 0 });
    expect(report.rows[0]!.notices).toEqual([{ field: 'reading', code: 'estimate-replaced', params: { estimate: '2026-11-23' } }]);
    const replaced = last(core, '3.022.790');
    expect(replaced).toMatchObject({ id: estimate!.readingId, source: 'import', date: '2026-11-20', validFrom: '2026-11-01', validTo: '2026-11-30' });
    expect(replaced.counters[0]).toMatchObject({ old: real, new: real + 700, usage: 700 });
    expect(core.db.get<{ n: number }>('SELECT count(*) AS n FROM readings WHERE device_id = ? AND date > ?', [replaced.deviceId, lastReal.date])!.n).toBe(1);
    const log = await core.api['audit-list']({ entity: 'reading', entityId: estimate!.readingId });
    expect(log.at(-1)!.changes).toMatchObject({ date: ['2026-11-23', '2026-11-20'], source: ['estimate', 'import'] });
    // The same file again: unchanged.
    expect((await core.api['import-readings-run']({ fileName: 'fleet.csv', content: b64(file) })).counts).toEqual({ create: 0, unchanged: 1, error: 0 });
  });

  it('leaves a billed estimate as it is: the real reading after it trues it up', async () => {
    const core = testCore();
    const real = last(core, '3.022.790').counters.find((c) => c.kind === 'black')!.new;
    const [estimate] = (await core.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.022.790'] })).created;
    await core.api['billing-run']({ period: '2026-11' });
    expect(last(core, '3.022.790')).toMatchObject({ id: estimate!.readingId, status: '11' });
    const file = ['Geräte-ID;Datum;Zähler;Wert', `3.022.790;23.11.2026;Schwarz;${real + 700}`].join('\n');
    const report = await core.api['import-readings-run']({ fileName: 'fleet.csv', content: b64(file) });
    expect(report.rows[0]).toMatchObject({ action: 'error', issues: [{ code: 'reading-differs' }] });
    expect(last(core, '3.022.790')).toMatchObject({ id: estimate!.readingId, source: 'estimate' });
  });

  it('reads a Latin-1, comma file with a column per counter and serial numbers, and reuses a saved mapping', async () => {
    const core = testCore();
    const colour = getDeviceByEquipmentId(core.db, '3.033.923')!;
    const black = colour.counters.find((c) => c.kind === 'black')!.currentValue;
    const color = colour.counters.find((c) => c.kind === 'color')!.currentValue;
    const file = ['Seriennummer,Ablesedatum,Zähler Schwarz,Zähler Farbe', `V9713800086,2026-11-19,${black + 10},${color + 5}`].join('\r\n');
    const report = await core.api['import-readings-run']({ fileName: 'wide.csv', content: b64(file, 'latin1') });
    expect(report).toMatchObject({ encoding: 'windows-1252', delimiter: ',', dateOrder: 'ymd' });
    expect(report.mapping).toMatchObject({ serialNumber: 'Seriennummer', date: 'Ablesedatum', 'value.black': 'Zähler Schwarz', 'value.color': 'Zähler Farbe' });
    expect(report.counts.create).toBe(1);
    expect(last(core, '3.033.923').counters.map((c) => c.new)).toEqual([black + 10, color + 5]);

    // Unknown headers, mapped by hand once, then found again by the source's name.
    const odd = ['Asset Tag|When|Mono Pages', `3.022.790|11/21/2026|345700`].join('\n');
    const unmapped = await core.api['import-readings-preview']({ fileName: 'odd.csv', content: b64(odd), source: 'OddTool' });
    expect(unmapped.missingColumns).toEqual(['equipmentId', 'date', 'kind', 'value']);
    const mapping = { equipmentId: 'Asset Tag', date: 'When', 'value.black': 'Mono Pages' };
    const mapped = await core.api['import-readings-run']({ fileName: 'odd.csv', content: b64(odd), source: 'OddTool', mapping });
    // 11/21/2026 can only be month first: the values tell the date order.
    expect(mapped).toMatchObject({ dateOrder: 'mdy', counts: { create: 1, error: 0 } });
    expect(last(core, '3.022.790')).toMatchObject({ date: '2026-11-21', source: 'import' });
    const reused = await core.api['import-readings-preview']({ fileName: 'odd.csv', content: b64(odd), source: 'OddTool' });
    expect(reused.mapping).toEqual(mapping);
    expect(reused.counts).toEqual({ create: 0, unchanged: 1, error: 0 });
  });

  it('refuses a value for a counter the device does not have, writing nothing of that reading', async () => {
    const core = testCore();
    const before = last(core, '3.022.790').id;
    const file = ['Geräte-ID;Datum;Zähler;Wert', '3.022.790;20.11.2026;Schwarz;345500', '3.022.790;20.11.2026;Farbe;10'].join('\n');
    const report = await core.api['import-readings-run']({ fileName: 'f.csv', content: b64(file) });
    expect(report.rows[0]).toMatchObject({ action: 'error', lines: [2, 3], issues: [{ field: 'color.new', code: 'unknown-counter' }] });
    expect(last(core, '3.022.790').id).toBe(before);
  });
  it('a failure once a reading is being written is not a refusal: the whole file is rolled back', async () => {
    const core = testCore();
    const count = (table: string) => core.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)!.n;
    const state = () => ({ readings: count('readings'), audits: count('audit_log'), last: last(core, '3.300.452').id });
    const before = state();
    const black = getDeviceByEquipmentId(core.db, '3.300.452')!.counters.find((c) => c.kind === 'black')!.currentValue;
    // The second reading passes the rules, then its audit entry fails (the way a full disk
    // would): neither its reading rows nor the first reading may stay behind.
    core.db.exec(`CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON audit_log
      WHEN NEW.changes LIKE '%${black + 777}%' BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`);
    const file = ['Geräte-ID;Datum;Zähler;Wert', '3.022.790;20.11.2026;Schwarz;345500', `3.300.452;20.11.2026;Schwarz;${black + 777}`].join('\n');
    await expect(core.api['import-readings-run']({ fileName: 'f.csv', content: b64(file) })).rejects.toThrow(/simulated write failure/);
    expect(state()).toEqual(before);
    expect(last(core, '3.022.790').source).not.toBe('import');

    core.db.exec('DROP TRIGGER fail_audit');
    const report = await core.api['import-readings-run']({ fileName: 'f.csv', content: b64(file) });
    expect(report.counts).toEqual({ create: 2, unchanged: 0, error: 0 });
    expect(count('readings')).toBe(before.readings + 2);
  });

  it('imports months of a whole contract in any row order: each month’s readings take the validity of the first device’s', async () => {
    const core = testCore({ demo: false, now: '2027-02-26T09:00:00Z' });
    generateDealer(core.db, { customers: 12, devices: 60, years: 2, seed: 5, today: '2026-11-23' });
    // A contract of several devices whose latest readings cover the same month (a device that
    // missed a month would rightly be refused: the first device's reading would then span two).
    const devicesOf = (contract: number) =>
      core.db.all<{ id: number; equipment_id: string; position: string }>(
        'SELECT id, equipment_id, position FROM devices WHERE contract_id = ? AND out_of_service IS NULL ORDER BY position',
        [contract],
      );
    const contract = core.db
      .all<{ id: number }>('SELECT id FROM contracts ORDER BY id')
      .map(({ id }) => id)
      .find((id) => {
        const ends = devicesOf(id).map((device) => listReadings(core.db, device.id).at(-1)?.validTo);
        return ends.length >= 3 && ends.every((end) => end !== undefined && end === ends[0]);
      })!;
    const devices = devicesOf(contract);
    const months = ['28.12.2026', '28.01.2027', '25.02.2027'];
    const lines: string[] = [];
    for (const device of devices) {
      const latest = listReadings(core.db, device.id).at(-1)!;
      months.forEach((date, month) => {
        for (const counter of latest.counters) {
          lines.push(`${device.equipment_id};${date};${counter.kind === 'black' ? 'Schwarz' : 'Farbe'};${counter.new + 1000 * (month + 1)}`);
        }
      });
    }
    // The fleet tool lists the first device last and the newest month first.
    const file = ['Geräte-ID;Datum;Zähler;Stand', ...lines.reverse()].join('\n');
    const report = await core.api['import-readings-run']({ fileName: 'months.csv', content: b64(file) });
    expect(report.missingColumns).toEqual([]);
    expect(report.rows.flatMap((row) => row.issues)).toEqual([]);
    expect(report.counts).toEqual({ create: devices.length * months.length, unchanged: 0, error: 0 });
    const validities = (device: { id: number }) =>
      listReadings(core.db, device.id)
        .filter((reading) => reading.date >= '2026-12-01')
        .map((reading) => [reading.validFrom, reading.validTo]);
    const first = validities(devices[0]!);
    expect(first.map(([, to]) => to!.slice(0, 7))).toEqual(['2026-12', '2027-01', '2027-02']);
    for (const device of devices.slice(1)) expect(validities(device)).toEqual(first);
  });
});
