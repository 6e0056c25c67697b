import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { ApiArgs } from '../../shared/api';
import { expect, test } from './fixtures';
import { MeterdeskPage } from './pages/meterdesk-page';

/** Fills every counter of the open dialog with its old value + `usage`, then F2. */
async function fillCounters(meterdesk: MeterdeskPage, page: Page, usage = 100) {
  const kinds = ['Schwarz', 'Scan', 'Farbe', 'Frei-1', 'Frei-2'];
  for (const kind of kinds) {
    const field = meterdesk.field(`${kind} Zählerstand neu`);
    if ((await field.count()) === 0) continue;
    const old = Number((await meterdesk.field(`${kind} Zählerstand alt`).inputValue()).replace(/\D/g, ''));
    await field.fill(String(old + usage));
  }
  await page.keyboard.press('F2');
}

/** The device the dialog shows (its subtitle: model · equipment ID · …), once one other than `after` is loaded. */
async function nextDevice(meterdesk: MeterdeskPage, after: string): Promise<string> {
  let shown: string | null = null;
  await expect
    .poll(async () => {
      const text = (await meterdesk.dialog.count()) > 0 ? await meterdesk.dialog.textContent() : '';
      shown = /· (\d\.\d{3}\.\d{3}) ·/.exec(text ?? '')?.[1] ?? null;
      return shown !== null && shown !== after;
    })
    .toBe(true);
  return shown!;
}

test('the period overview: work down the missing readings with F2, counts and states follow', async ({ meterdesk, page }) => {
  await meterdesk.open('#/period');
  const filters = page.getByRole('group', { name: 'Status' });
  const missingFilter = filters.getByRole('button', { name: /^fehlt \d+$/ });
  await expect(missingFilter).toBeVisible();
  const missingBefore = Number((await missingFilter.textContent())!.replace(/\D/g, ''));
  expect(missingBefore).toBeGreaterThanOrEqual(3);
  await missingFilter.click();
  const rows = meterdesk.gridRows('Geräte der Periode');
  await expect(rows).toHaveCount(missingBefore);
  // On a 1280-pixel screen every column is in view, none past the grid's edge.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(() => meterdesk.columnsOutOfView('Geräte der Periode')).toEqual([]);
  // The list as filtered, every row of it, as a CSV to take to the phone.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Liste als CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^meterdesk-periode-\d{4}-\d\d-missing\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '').trimEnd().split('\r\n');
  expect(csv[0]).toBe('Status;Kundennummer;Kunde;Vertrag;Gerät;Pos.;Modell;Standort;Web-Erfassung;Datum');
  expect(csv).toHaveLength(1 + missingBefore);
  expect(csv.slice(1).every((line) => line.startsWith('fehlt;'))).toBe(true);
  await expect(page.getByRole('status')).toHaveText(`${missingBefore} Geräte als CSV gespeichert.`);

  // Open the first missing device from the keyboard, save with F2: the next missing one opens.
  const first = (await rows.first().locator('[col-id="equipmentId"]').textContent())!.trim();
  await rows.first().locator('[col-id="equipmentId"]').dblclick();
  await expect(meterdesk.dialog).toBeVisible();
  await expect(meterdesk.dialog).toContainText(first);
  await fillCounters(meterdesk, page);
  const second = await nextDevice(meterdesk, first);
  // Far above its usual usage: saved flagged all the same (F2 never stops for a warning), and
  // the page says so while the third missing device opens; Esc stops there.
  await fillCounters(meterdesk, page, 5_000_000);
  await nextDevice(meterdesk, second);
  await expect(page.getByRole('status').filter({ hasText: `⚠ ${second} gespeichert, aber zu prüfen` })).toBeVisible();
  const third = await nextDevice(meterdesk, second);
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog).toBeHidden();
  // The keyboard is back on that device's row: Enter opens it again, Esc closes it.
  await expect(rows.filter({ has: page.locator('.ag-cell-focus') })).toContainText(third);
  await page.keyboard.press('Enter');
  await expect(meterdesk.dialog).toContainText(third);
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog).toBeHidden();

  await expect(missingFilter).toHaveText(`fehlt ${missingBefore - 2}`);
  await expect(filters.getByRole('button', { name: /^zu prüfen 1$/ })).toBeVisible();
  await filters.getByRole('button', { name: /^erfasst \(Hand\) 1$/ }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.filter({ hasText: first })).toHaveCount(1);

  // Worked down to the last missing device: the page says so, and the keyboard stays on it.
  await missingFilter.click();
  await expect(rows).toHaveCount(missingBefore - 2);
  await rows.first().locator('[col-id="equipmentId"]').dblclick();
  for (let left = missingBefore - 2; left > 0; left--) {
    await expect(meterdesk.dialog).toBeVisible();
    const current = await nextDevice(meterdesk, '');
    await fillCounters(meterdesk, page);
    if (left > 1) await nextDevice(meterdesk, current);
  }
  await expect(meterdesk.dialog).toBeHidden();
  await expect(missingFilter).toHaveText('fehlt 0');
  await expect(page.getByRole('status').filter({ hasText: 'Alle Geräte der Periode haben einen Zählerstand.' })).toBeVisible();
  await expect(filters.locator(':focus')).toHaveCount(1);
});

test('estimates the missing devices in one action, marks them, and the dialog records a meter exchange', async ({ meterdesk, page }) => {
  await meterdesk.open('#/period');
  const filters = page.getByRole('group', { name: 'Status' });
  const missing = Number((await filters.getByRole('button', { name: /^fehlt \d+$/ }).textContent())!.replace(/\D/g, ''));
  // Every missing device of the month, asked first.
  const asked = meterdesk.answerNextQuestion('accept');
  await page.getByRole('button', { name: `Fehlende schätzen (${missing})` }).click();
  await expect.poll(asked).toMatch(new RegExp(`^Alle ${missing} fehlenden Zählerstände von \\S+ \\d{4} schätzen`));
  await expect(page.getByRole('status')).toContainText(`${missing} Zählerstände geschätzt, 0 ohne Verlauf`);
  await expect(filters.getByRole('button', { name: `geschätzt ${missing}` })).toBeVisible();
  await page.screenshot({ path: 'test-results/period-estimates.png' });

  // The estimate says what it is in the dialog.
  await filters.getByRole('button', { name: `geschätzt ${missing}` }).click();
  // The filtered block may be drawn again as its count arrives: a double-click on the row it
  // replaced is lost, so it is given again until the dialog is there.
  await expect(async () => {
    await meterdesk.gridRows('Geräte der Periode').first().dblclick();
    await expect(meterdesk.dialog).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await expect(meterdesk.dialog).toContainText('Geschätzter Zählerstand');
  await page.keyboard.press('Escape');

  // A replaced counter board: final value of the old counter, start value of the new one —
  // read this month, so it goes into the month's estimate, which the dialog opens.
  await meterdesk.open('#/devices/3.022.790');
  await page.getByRole('button', { name: 'Neuer Zählerstand' }).click();
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand bearbeiten' })).toBeVisible();
  await expect(meterdesk.dialog).toContainText('Für diesen Monat gibt es eine noch nicht abgerechnete Schätzung');
  const old = Number((await meterdesk.field('Schwarz Zählerstand alt').inputValue()).replace(/\D/g, ''));
  // From the keyboard: Alt+W switches it on for the counter being typed, the cursor goes to the end value.
  await meterdesk.field('Schwarz Zählerstand neu').focus();
  await page.keyboard.press('Alt+KeyW');
  await expect(meterdesk.dialog.getByRole('checkbox', { name: 'Zählerwechsel' })).toBeChecked();
  await expect(meterdesk.field('Schwarz Endstand alter Zähler')).toBeFocused();
  // The reading it left, not typed yet, is not called missing on the way.
  await expect(meterdesk.field('Schwarz Zählerstand neu')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(meterdesk.dialog).not.toContainText('Pflichtfeld');
  // Under the old and new columns' headers, each of the two says what it is.
  await expect(meterdesk.field('Schwarz Endstand alter Zähler')).toHaveAttribute('placeholder', 'Endstand alter Zähler');
  await expect(meterdesk.field('Schwarz Startwert neuer Zähler')).toHaveAttribute('placeholder', 'Startwert neuer Zähler');
  await page.keyboard.type(String(old + 400));
  // End value, Tab, start value, Tab: the new counter's reading, still empty, comes next.
  await page.keyboard.press('Tab');
  await expect(meterdesk.field('Schwarz Startwert neuer Zähler')).toBeFocused();
  await page.keyboard.type('0');
  await page.keyboard.press('Tab');
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toBeFocused();
  await page.keyboard.type('600');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^1.000$/);
  await page.screenshot({ path: 'test-results/dialog-exchange.png' });
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  // The device's history marks the exchange (the old counter's end in the tooltip).
  await expect(meterdesk.gridRows('Zählerstände').filter({ hasText: '⇄ 600' })).toHaveCount(1);
});

test('a month of several blocks: the count, later rows on scrolling, and filter, sort and search done by the server', async ({ page, dealerApp }) => {
  const meterdesk = new MeterdeskPage(page, dealerApp.url);
  const asked: Array<ApiArgs<'period-rows'>> = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/period-rows')) asked.push(JSON.parse(request.postData() ?? '{}') as ApiArgs<'period-rows'>);
  });
  await meterdesk.open('#/period');
  const filters = page.getByRole('group', { name: 'Status' });
  const all = filters.getByRole('button', { name: /^Alle \d+$/ });
  await expect(all).toBeVisible();
  const total = Number((await all.textContent())!.replace(/\D/g, ''));
  expect(total).toBeGreaterThan(200);
  const grid = page.getByRole('region', { name: 'Geräte der Periode' });
  const device = (index: number) => grid.locator(`.ag-row[row-index="${index}"] [col-id="equipmentId"]`);
  await expect(device(0)).toHaveText(/\d\.\d{3}\.\d{3}/);
  // Only the first block came; the rest comes as the clerk scrolls.
  expect(asked.map((a) => a.startRow)).toEqual([0]);
  await grid.locator('.ag-body-vertical-scroll-viewport').evaluate((scroller) => (scroller.scrollTop = scroller.scrollHeight));
  await expect(device(total - 1)).toHaveText(/\d\.\d{3}\.\d{3}/);
  expect(asked.some((a) => a.startRow >= 200 && a.endRow >= total)).toBe(true);
  const last = (await device(total - 1).textContent())!.trim();
  await page.screenshot({ path: 'test-results/period-paged-end.png' });

  // Sorting goes to the server: the device column descending puts the largest ID first.
  const header = grid.getByRole('columnheader', { name: 'Gerät', exact: true });
  await header.click();
  await expect.poll(() => asked.at(-1)?.sort).toEqual([{ colId: 'equipmentId', sort: 'asc' }]);
  await header.click();
  await expect.poll(() => asked.at(-1)?.sort).toEqual([{ colId: 'equipmentId', sort: 'desc' }]);
  await grid.locator('.ag-body-vertical-scroll-viewport').evaluate((scroller) => (scroller.scrollTop = 0));
  await expect(device(0)).toHaveText(/\d\.\d{3}\.\d{3}/);
  expect((await device(1).textContent())!.trim() < (await device(0).textContent())!.trim()).toBe(true);

  // The state filter: the server sends only missing rows, as many as the button counts.
  const missingFilter = filters.getByRole('button', { name: /^fehlt \d+$/ });
  const missing = Number((await missingFilter.textContent())!.replace(/\D/g, ''));
  await missingFilter.click();
  await expect.poll(() => asked.at(-1)?.state).toBe('missing');
  await expect(grid.locator('.ag-row[row-index="0"] [col-id="state"]')).toHaveText('fehlt');
  await grid.locator('.ag-body-vertical-scroll-viewport').evaluate((scroller) => (scroller.scrollTop = scroller.scrollHeight));
  await expect(device(missing - 1)).toHaveText(/\d\.\d{3}\.\d{3}/);
  await expect(device(missing)).toHaveCount(0);

  // The search: one device, counted.
  await filters.getByRole('button', { name: /^Alle/ }).click();
  await page.getByRole('searchbox', { name: 'In der Periode suchen' }).fill(last);
  await expect(all).toHaveText('Alle 1');
  await expect(meterdesk.gridRows('Geräte der Periode')).toHaveCount(1);
  await expect(device(0)).toHaveText(last);
  expect(asked.at(-1)?.search).toBe(last);
  // Enter goes on to the list's first row, as in the header's search — the row of what was
  // typed, also when Enter comes before the search's pause is over (a scanner's).
  const search = page.getByRole('searchbox', { name: 'In der Periode suchen' });
  await search.fill('');
  await expect(all).not.toHaveText('Alle 1');
  await search.fill(last);
  await search.press('Enter');
  await expect(grid.locator('.ag-row[row-index="0"] .ag-cell-focus')).toHaveCount(1);
  await expect(device(0)).toHaveText(last);
  await expect(meterdesk.gridRows('Geräte der Periode')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/period-paged-search.png' });
});

test("the month is picked in the app's language, not the browser's, and ‹ › step it across the year", async ({ meterdesk, page }) => {
  await meterdesk.open('#/period');
  const picker = page.getByRole('group', { name: 'Periode' });
  const month = picker.getByRole('combobox', { name: 'Monat' });
  const year = picker.getByRole('combobox', { name: 'Jahr' });
  const germanMonths = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
  await expect(month.locator('option')).toHaveText(germanMonths);
  const shown = Number(await month.inputValue());
  await picker.getByRole('button', { name: 'Vormonat' }).click();
  await expect(month).toHaveValue(String(shown === 1 ? 12 : shown - 1));
  // The month before's readings, all recorded: the list follows the month.
  await expect(page.getByRole('group', { name: 'Status' }).getByRole('button', { name: /^verbucht [1-9]/ })).toBeVisible();

  await month.selectOption({ label: 'Januar' });
  const januaryYear = Number(await year.inputValue());
  await picker.getByRole('button', { name: 'Vormonat' }).click();
  await expect(month.locator('option:checked')).toHaveText('Dezember');
  await expect(year).toHaveValue(String(januaryYear - 1));

  await page.getByLabel('Sprache').selectOption('fr');
  const période = page.getByRole('group', { name: 'Période' });
  await expect(période.getByRole('combobox', { name: 'Mois' }).locator('option:checked')).toHaveText('décembre');
  await période.getByRole('button', { name: 'Mois suivant' }).click();
  await expect(période.getByRole('combobox', { name: 'Mois' }).locator('option:checked')).toHaveText('janvier');
  await expect(période.getByRole('combobox', { name: 'Année' })).toHaveValue(String(januaryYear));
});

test('Tab leaves the grid for the next control; the arrow keys walk its cells', async ({ meterdesk, page }) => {
  await meterdesk.open('#/period');
  const rows = meterdesk.gridRows('Geräte der Periode');
  await rows.first().locator('[col-id="equipmentId"]').click();
  await page.keyboard.press('ArrowRight');
  await expect(rows.first().locator('[col-id="position"]')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('grid').locator(':focus')).toHaveCount(0);
  // Shift+Tab from a cell goes back out of the grid too: to the state filters above it.
  await rows.first().locator('[col-id="equipmentId"]').click();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('grid').locator(':focus')).toHaveCount(0);
});
