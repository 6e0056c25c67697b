import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';

const fixture = (name: string) => join(process.cwd(), 'test', 'fixtures', name);

test('import master data: preview with the recognised columns, errors per row, then import with F2', async ({ page, emptyApp }) => {
  await page.goto(`${emptyApp.url}/#/import`);
  await expect(page.getByRole('heading', { name: 'Daten importieren' })).toBeVisible();
  await page.getByLabel('Quelle (Name des bisherigen Systems)').fill('AltERP');
  await page.getByLabel('Datei', { exact: true }).setInputFiles(fixture('customers-latin1.csv'));
  await expect(page.getByText('Gelesen: Kunden · windows-1252 · Trennzeichen «;»')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Kundennummer – Spalte der Datei' })).toHaveValue('Kundennummer');
  const rows = page.getByRole('table', { name: 'Zeilen' }).getByRole('row');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(2)).toContainText('400501');
  await expect(rows.nth(2)).toContainText('neu');
  await page.keyboard.press('F2');
  await expect(page.getByRole('status').filter({ hasText: 'Importiert: 3 neu, 0 geändert, 0 unverändert.' })).toBeVisible();

  // Devices before their contracts: every row refused, with its reason; nothing imported.
  await page.getByLabel('Datei', { exact: true }).setInputFiles(fixture('devices.csv'));
  await expect(page.getByText(/Gelesen: Geräte · utf-8/)).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '0 neu, 0 geändert, 0 unverändert, 2 mit Fehlern.' })).toBeVisible();
  await expect(rows.nth(1)).toContainText('Kein Vertrag mit der Nummer V-400500-01.');
  await expect(page.getByRole('button', { name: 'Importieren (F2)' })).toBeDisabled();

  await page.getByLabel('Datei', { exact: true }).setInputFiles(fixture('contracts.csv'));
  await expect(page.getByRole('status').filter({ hasText: '2 neu' })).toBeVisible();
  await page.getByRole('button', { name: 'Importieren (F2)' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Importiert: 2 neu' })).toBeVisible();

  // Unknown headers are mapped by hand.
  await page.getByLabel('Art der Daten').selectOption({ label: 'Kunden' });
  await page.getByLabel('Datei', { exact: true }).setInputFiles({ name: 'alt.csv', mimeType: 'text/csv', buffer: Buffer.from('Kd;Firmenname\n700001;Alpha AG\n') });
  await expect(page.getByRole('alert')).toContainText('Noch nicht zugeordnet: Kundennummer, Name.');
  // Both quick choices count, also while the preview of the first is still on its way.
  const slowPreview = '**/api/import-master-preview';
  await page.route(slowPreview, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue();
  });
  await page.getByRole('combobox', { name: 'Kundennummer – Spalte der Datei' }).selectOption('Kd');
  await page.getByRole('combobox', { name: 'Name – Spalte der Datei' }).selectOption('Firmenname');
  await expect(page.getByRole('status').filter({ hasText: '1 neu' })).toBeVisible();
  await page.unroute(slowPreview);
  await page.keyboard.press('F2');
  await expect(page.getByRole('status').filter({ hasText: 'Importiert: 1 neu' })).toBeVisible();
  await page.goto(`${emptyApp.url}/#/customers/700001`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('700001 · Alpha AG');
});

test('import readings: the preview shows the recognised columns and each reading, refused ones stay out', async ({ page, app }) => {
  await page.goto(`${app.url}/#/import`);
  // The kind is left to the columns: a device, a date, a counter and its value are readings.
  await expect(page.getByLabel('Art der Daten')).toHaveValue('');
  const today = await page.evaluate(() => new Date().toLocaleDateString('de-CH', { timeZone: 'Europe/Zurich', day: '2-digit', month: '2-digit', year: 'numeric' }));
  const csv = ['Seriennummer;Datum;Zähler;Wert', `6594501067;${today};Schwarz;345900`, `1494701706;${today};Schwarz;5`, `V9713800086;${today};Schwarz;44300`, `V9713800086;${today};Farbe;27900`].join('\n');
  // Recognised from its header line in the page: the file goes to the readings' preview only.
  const calls: string[] = [];
  page.on('request', (request) => {
    if (/\/api\/import-(master|readings)-/.test(request.url())) calls.push(new URL(request.url()).pathname);
  });
  await page.getByLabel('Datei', { exact: true }).setInputFiles({ name: 'flotte.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByText('Gelesen: Zählerstände · utf-8 · Trennzeichen «;»')).toBeVisible();
  expect(calls).toEqual(['/api/import-readings-preview']);
  await expect(page.getByRole('combobox', { name: 'Zähler – Spalte der Datei' })).toHaveValue('Zähler');
  await expect(page.getByRole('combobox', { name: 'Datum – Spalte der Datei' })).toHaveValue('Datum');
  const rows = page.getByRole('table', { name: 'Zeilen' }).getByRole('row');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(1)).toContainText(`3.022.790 ${today}`);
  await expect(rows.nth(1)).toContainText('neu');
  await expect(rows.nth(2)).toContainText('3.024.072');
  await expect(rows.nth(2)).toContainText('Fehler');
  // A colour copier's reading from two rows of the file names both lines.
  await expect(rows.nth(3).getByRole('cell').first()).toHaveText('4, 5');
  await expect(page.getByRole('status').filter({ hasText: '2 neu, 0 schon erfasst, 1 abgelehnt. Abgelehnte Zählerstände bleiben draussen' })).toBeVisible();
  // The refused ones as a list to take back to the fleet tool, with the texts shown here.
  const problems = (await rows.nth(2).getByRole('cell').nth(3).innerText()).split('\n');
  expect(problems).toHaveLength(2);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Fehlerliste (CSV)' }).click()]);
  expect(download.suggestedFilename()).toBe('flotte-fehler.csv');
  // The file's own columns, then the line and the problems: to correct and import again.
  expect(readFileSync(await download.path(), 'utf8')).toBe(`\ufeffSeriennummer;Datum;Zähler;Wert;Zeile;Probleme\r\n1494701706;${today};Schwarz;5;3;${problems.join(' | ')}\r\n`);
  await page.keyboard.press('F2');
  await expect(page.getByRole('status').filter({ hasText: 'Importiert: 2 neu, 1 abgelehnt.' })).toBeVisible();

  await page.goto(`${app.url}/#/devices/3.022.790`);
  await expect(page.getByRole('region', { name: 'Zählerstände' }).getByRole('row').filter({ hasText: /345.900/ })).toContainText('Import');
});

test('import readings: of many refused rows the page shows the first, the error list holds them all', async ({ page, app }) => {
  await page.goto(`${app.url}/#/import`);
  const lines = Array.from({ length: 1000 }, (_, i) => `9.${String(900_000 + i)};01.11.2026;Schwarz;${1000 + i}`);
  const csv = ['Geräte-ID;Datum;Zähler;Stand', ...lines].join('\n');
  await page.getByLabel('Datei', { exact: true }).setInputFiles({ name: 'alt.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByRole('status').filter({ hasText: '0 neu, 0 schon erfasst, 1000 abgelehnt.' })).toBeVisible();
  await expect(page.getByText('Angezeigt: die ersten 300 von 1000 Zeilen und 500 der 700 weiteren mit Fehlern oder Hinweisen; alle Fehler stehen in der Fehlerliste.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Zeilen' }).getByRole('row')).toHaveCount(1 + 800);
  await expect(page.getByRole('button', { name: 'Importieren (F2)' })).toBeDisabled();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Fehlerliste (CSV)' }).click()]);
  const list = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
  expect(list).toHaveLength(1 + 1000);
  expect(list[1000]).toMatch(/^9\.900999;01\.11\.2026;Schwarz;1999;1001;Geräte-ID \(«Geräte-ID»\): /);
});

test('import master data: a column no field takes is named, and its customers still import', async ({ page, app }) => {
  await page.goto(`${app.url}/#/import`);
  const csv = ['Kundennummer;Name;Sprache;Web-Erfassung;E-Mail;Lieblingsfarbe', '500101;Kopierwerk AG;de;ja;info@kopierwerk.example;blau'].join('\n');
  await page.getByLabel('Datei', { exact: true }).setInputFiles({ name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByText('Nicht zugeordnet und nicht importiert: «Lieblingsfarbe».')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Zählerstände per Web – Spalte der Datei' })).toHaveValue('Web-Erfassung');
});

test('import: a file chosen after another is read for itself; a source whose saved mapping is a meter import reads its files as readings', async ({ page, app }) => {
  await page.goto(`${app.url}/#/import`);
  const today = await page.evaluate(() => new Date().toLocaleDateString('de-CH', { timeZone: 'Europe/Zurich', day: '2-digit', month: '2-digit', year: 'numeric' }));
  const file = page.getByLabel('Datei', { exact: true });
  // Readings, then customers on the same page: the second is read as customers.
  await file.setInputFiles({ name: 'flotte.csv', mimeType: 'text/csv', buffer: Buffer.from(`Seriennummer;Datum;Zähler;Wert\n6594501067;${today};Schwarz;345900\n`) });
  await expect(page.getByText(/^Gelesen: Zählerstände/)).toBeVisible();
  await file.setInputFiles({ name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from('Kundennummer;Name;Sprache\n700001;Neu AG;de\n') });
  await expect(page.getByText(/^Gelesen: Kunden/)).toBeVisible();

  // A fleet tool's own headers, imported once as readings under its name with the columns chosen.
  await page.getByLabel('Quelle (Name des bisherigen Systems)').fill('FleetX');
  await page.getByLabel('Art der Daten').selectOption({ label: 'Zählerstände' });
  const own = `Maschine;Tag;Art;Zahl\n3.022.790;${today};Schwarz;345900\n`;
  await file.setInputFiles({ name: 'fleetx.csv', mimeType: 'text/csv', buffer: Buffer.from(own) });
  await expect(page.getByText(/^Gelesen: Zählerstände/)).toBeVisible();
  const column = (field: string) => page.getByRole('combobox', { name: `${field} – Spalte der Datei`, exact: true });
  await column('Geräte-ID').selectOption('Maschine');
  await column('Datum').selectOption('Tag');
  await column('Zähler').selectOption('Art');
  await column('Zählerstand neu').selectOption('Zahl');
  await expect(page.getByRole('status').filter({ hasText: '1 neu, 0 schon erfasst, 0 abgelehnt.' })).toBeVisible();
  await page.keyboard.press('F2');
  await expect(page.getByRole('status').filter({ hasText: 'Importiert: 1 neu' })).toBeVisible();

  // Next month's file of that source, the kind left to the columns: read as readings with the saved mapping.
  await page.reload();
  await expect(page.getByLabel('Art der Daten')).toHaveValue('');
  await page.getByLabel('Quelle (Name des bisherigen Systems)').fill('FleetX');
  await file.setInputFiles({ name: 'fleetx2.csv', mimeType: 'text/csv', buffer: Buffer.from(own) });
  await expect(page.getByText(/^Gelesen: Zählerstände/)).toBeVisible();
  await expect(column('Geräte-ID')).toHaveValue('Maschine');
  await expect(page.getByRole('status').filter({ hasText: '0 neu, 1 schon erfasst, 0 abgelehnt.' })).toBeVisible();
});
