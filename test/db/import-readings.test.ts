/** The meter import on a real database: long and wide files, encodings, rules, repeats, mappings. */
import { describe, expect, it } from 'vitest';
import { getDeviceByEquipmentId } from '../../db/queries/master-data';
import { listReadings } from '../../db/queries/readings';
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
});
