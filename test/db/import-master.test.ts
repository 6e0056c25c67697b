import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../shared/api';
import { issueText } from '../../shared/i18n/issue-text';
import { testCore } from './helpers';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const file = (name: string) => ({ fileName: name, content: readFileSync(join(FIXTURES, name)).toString('base64') });
const csv = (name: string, text: string) => ({ fileName: name, content: Buffer.from(text, 'utf8').toString('base64') });
const summary = (report: ImportReport) => [report.counts, report.committed];

async function importAll(core: ReturnType<typeof testCore>) {
  await core.api['import-master-run'](file('customers-latin1.csv'));
  await core.api['import-master-run'](file('contracts.csv'));
  return core.api['import-master-run'](file('devices.csv'));
}

describe('master-data import (issue 7)', () => {
  it('reads a Latin-1, semicolon file, recognising kind and columns from German headers', async () => {
    const core = testCore({ demo: false });
    const report = await core.api['import-master-run'](file('customers-latin1.csv'));
    expect(report).toMatchObject({ kind: 'customers', encoding: 'windows-1252', delimiter: ';', missingColumns: [], committed: true });
    expect(report.counts).toEqual({ create: 3, update: 0, unchanged: 0, error: 0 });
    const { customer } = await core.api['customers-get']({ number: '400500' });
    expect(customer).toMatchObject({ name: 'Bureau Service Sàrl', language: 'fr', webReading: true, emails: ['compta@bureau-service.example'] });
    expect((await core.api['customers-get']({ number: '400501' })).customer).toMatchObject({ name: 'Müller Druck GmbH', webReading: false, note: 'Kunde seit 1998' });
  });

  it('imports contracts (comma, UTF-8, decimal commas in quotes) and devices, then a first reading starts from the file’s counters', async () => {
    const core = testCore({ demo: false });
    const devices = await importAll(core);
    expect(summary(devices)).toEqual([{ create: 2, update: 0, unchanged: 0, error: 0 }, true]);
    const contract = await core.api['contracts-get']({ number: 'V-400500-01' });
    expect(contract.contract).toMatchObject({ intervalMonths: 3, startMonth: 10, terms: [{ kind: 'black', freePerMonth: 1_000, pricePerPage: 7_900 }, { kind: 'color', freePerMonth: 200, pricePerPage: 59_000 }] });
    const draft = await core.api['readings-draft']({ equipmentId: '3.400.501' });
    expect(draft.counters.map((c) => [c.kind, c.chainOld, c.oldEditable])).toEqual([['black', 1_200, true]]);
  });

  it('importing the same files again changes nothing; a changed row updates only that record', async () => {
    const core = testCore({ demo: false });
    await importAll(core);
    expect(summary(await importAll(core))).toEqual([{ create: 0, update: 0, unchanged: 2, error: 0 }, true]);
    const customers = readFileSync(join(FIXTURES, 'customers-latin1.csv'), 'latin1').replace('Harbour Copy Ltd', 'Harbour Copy Limited');
    const again = await core.api['import-master-run']({ fileName: 'c.csv', content: Buffer.from(customers, 'latin1').toString('base64') });
    expect(again.counts).toEqual({ create: 0, update: 1, unchanged: 2, error: 0 });
    // The preview says what an update overwrites, as the change log will have it.
    expect(again.rows.find((row) => row.action === 'update')?.changes).toEqual({ name: ['Harbour Copy Ltd', 'Harbour Copy Limited'] });
    expect((await core.api['customers-search']({ query: '' })).total).toBe(3);
  });

  it("names a customer row's every problem in words: a language or a yes/no it does not know, and the e-mail beside them", async () => {
    const core = testCore({ demo: false });
    const report = await core.api['import-master-run'](
      csv('customers.csv', ['Kundennummer;Name;Sprache;Web-Erfassung;E-Mail', '500004;Gamma AG;xx;vielleicht;gamma@'].join('\n')),
    );
    const [row] = report.rows;
    expect(row!.issues.map((issue) => `${issue.field}:${issue.code}`)).toEqual(['language:language-unknown', 'webReading:yes-no', 'emails:email-invalid']);
    expect(row!.issues.map((issue) => issueText(issue, 'de'))).toEqual([
      '„xx“ ist keine Sprache: de, fr oder en (Deutsch, Französisch, Englisch).',
      '„vielleicht“ ist weder ja noch nein.',
      expect.any(String),
    ]);
    // The row as the file has it, for the error list to give back.
    expect(report.errorListRows).toEqual([{ line: 2, cells: ['500004', 'Gamma AG', 'xx', 'vielleicht', 'gamma@'] }]);
  });

  it('reads postal addresses (lines in the cell, or split by |); a column the file lacks leaves that field of a customer as it is', async () => {
    const core = testCore();
    const report = await core.api['import-master-run'](
      csv('adressen.csv', ['Kundennummer;Name;Adresse', '999999;Fiduciaire du Léman SA;"Case postale 12\nAv. de Rhodanie 40\n1007 Lausanne"', '400600;Neu AG; Feldweg 3 | 3000 Bern '].join('\n')),
    );
    expect(report.counts).toEqual({ create: 1, update: 1, unchanged: 0, error: 0 });
    // Only the address changed: no language, web reading, e-mails or note in the file.
    expect(report.rows[0]!.changes).toEqual({ address: ['Avenue de Rhodanie 40\n1007 Lausanne', 'Case postale 12\nAv. de Rhodanie 40\n1007 Lausanne'] });
    expect((await core.api['customers-get']({ number: '999999' })).customer).toMatchObject({
      language: 'fr',
      webReading: true,
      emails: ['client999999@example.com'],
      address: 'Case postale 12\nAv. de Rhodanie 40\n1007 Lausanne',
    });
    expect((await core.api['customers-get']({ number: '400600' })).customer).toMatchObject({ language: 'de', webReading: false, address: 'Feldweg 3\n3000 Bern' });
  });

  it('contracts and devices too keep what a file has no column for: end, interval, location, counters', async () => {
    const core = testCore();
    const before = await core.api['contracts-get']({ number: 'V-100234-01' });
    const { device } = await core.api['devices-get']({ equipmentId: '3.100.001' });
    const contracts = await core.api['import-master-run'](
      csv('vertraege.csv', ['Vertragsnummer;Kundennummer;Vertragsbeginn', `V-100234-01;100234;${before.contract.startDate}`].join('\n')),
    );
    expect(contracts.counts).toEqual({ create: 0, update: 0, unchanged: 1, error: 0 });
    const devices = await core.api['import-master-run'](
      csv('geraete.csv', ['Geräte-ID;Vertragsnummer;Position;Modell;Seriennummer;Installationsdatum', `3.100.001;V-100234-01;${device.position};KONICA bizhub C250i;${device.serialNumber};${device.installDate}`].join('\n')),
    );
    expect(devices.counts).toEqual({ create: 0, update: 1, unchanged: 0, error: 0 });
    // Only the model changed: its place and counters stay.
    expect(devices.rows[0]!.changes).toEqual({ model: [device.model, 'KONICA bizhub C250i'] });
    expect((await core.api['devices-get']({ equipmentId: '3.100.001' })).device).toMatchObject({ location: device.location, counters: device.counters });
  });

  it('lists every bad row with its reason and imports nothing of the file', async () => {
    const core = testCore({ demo: false });
    await core.api['import-master-run'](file('customers-latin1.csv'));
    await core.api['import-master-run'](file('contracts.csv'));
    const report = await core.api['import-master-run'](file('devices-bad.csv'));
    expect(report.committed).toBe(false);
    expect(report.counts).toEqual({ create: 1, update: 0, unchanged: 0, error: 4 });
    // Nothing was imported: the error list gives the whole file back, the good row too.
    expect(report.errorListRows.map((row) => row.line)).toEqual(report.rows.map((row) => row.line).sort((a, b) => a - b));
    const errors = report.rows.filter((row) => row.action === 'error').map((row) => [row.line, row.issues.map((i) => `${i.field}:${i.code}`)]);
    expect(errors).toEqual([
      [3, ['contractNumber:unknown-contract']],
      [4, ['equipmentId:duplicate-row']],
      [5, ['installDate:date-invalid', 'blackStart:not-whole-number']],
      [6, ['position:required', 'model:required', 'serialNumber:required']],
    ]);
    // The good first row was rolled back with the rest.
    expect((await core.api['devices-search']({ query: '3.500.001' })).total).toBe(0);
  });

  it('a preview checks everything and writes nothing', async () => {
    const core = testCore({ demo: false });
    const preview = await core.api['import-master-preview'](file('customers-latin1.csv'));
    expect(summary(preview)).toEqual([{ create: 3, update: 0, unchanged: 0, error: 0 }, false]);
    expect((await core.api['customers-search']({ query: '' })).total).toBe(0);
  });

  it('maps unknown headers by hand and reuses the mapping saved for the source', async () => {
    const core = testCore({ demo: false });
    const text = 'Kd;Firmenname;Lang\n700001;Alpha AG;de\n700002;Beta SA;fr\n';
    const unmapped = await core.api['import-master-preview']({ ...csv('alt.csv', text), kind: 'customers' });
    expect(unmapped.missingColumns).toEqual(['number', 'name']);
    expect(unmapped.rows).toEqual([]);
    const mapping = { number: 'Kd', name: 'Firmenname', language: 'Lang' };
    const run = await core.api['import-master-run']({ ...csv('alt.csv', text), kind: 'customers', source: 'OldERP', mapping });
    expect(summary(run)).toEqual([{ create: 2, update: 0, unchanged: 0, error: 0 }, true]);
    expect(await core.api['import-mappings']({})).toEqual([{ source: 'OldERP', kind: 'customers', mapping }]);
    const reused = await core.api['import-master-preview']({ ...csv('alt.csv', text.replace('Beta SA', 'Beta SA Genève')), kind: 'customers', source: 'OldERP' });
    expect(reused.mapping).toEqual(mapping);
    expect(reused.counts).toEqual({ create: 0, update: 1, unchanged: 1, error: 0 });
  });

  it('reads the first sheet of an Excel workbook', async () => {
    const core = testCore({ demo: false });
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Kunden');
    sheet.addRow(['Kundennummer', 'Name', 'Sprache', 'Web', 'E-Mail']);
    sheet.addRow([800001, 'Gamma GmbH', 'Deutsch', 'ja', 'info@gamma.example']);
    sheet.addRow([800002, 'Delta Sàrl', 'français', 'non', '']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const report = await core.api['import-master-run']({ fileName: 'kunden.xlsx', content });
    expect(report).toMatchObject({ encoding: 'xlsx', delimiter: null, committed: true, counts: { create: 2 } });
    expect((await core.api['customers-get']({ number: '800002' })).customer).toMatchObject({ name: 'Delta Sàrl', language: 'fr' });
  });

  it('refuses what is not a table with a clear message', async () => {
    const core = testCore({ demo: false });
    await expect(core.api['import-master-preview']({ fileName: 'x.xlsx', content: Buffer.from('PK\u0003\u0004garbage').toString('base64') })).rejects.toThrow(/not a readable Excel workbook/);
    await expect(core.api['import-master-preview']({ fileName: 'x.csv', content: '' })).rejects.toThrow(/empty/);
  });
});
