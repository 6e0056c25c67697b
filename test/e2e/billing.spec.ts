import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

test('a billing run: preview, bill with its statement as PDF and the CSV, then the readings are read-only', async ({ meterdesk, page }) => {
  // 344805 → 358965: 14160 Schwarz copies this month on the demo contract (500 free, CHF 0.0085).
  await meterdesk.recordReading('3.022.790', { Schwarz: '358965' });
  // A reading saved to check (far above the usual) is left out of the run, and named with its device.
  await meterdesk.recordReading('3.024.072', { Schwarz: '9999999', Farbe: '9999999' });

  await page.getByRole('link', { name: 'Abrechnung' }).click();
  const left = page.getByLabel('Nicht abgerechnet');
  await expect(left).toContainText('3.024.072 (zu prüfen: erst bestätigen)');
  // It opens the reading to confirm; closed, its dialog returns to the billing.
  await expect(left.getByRole('link', { name: '3.024.072' })).toHaveAttribute('href', /^#\/devices\/3\.024\.072\?reading=\d+&back=billing%3Fperiod%3D\d{4}-\d{2}$/);
  const month = await page.getByRole('group', { name: 'Periode' }).getByRole('combobox', { name: 'Monat' }).inputValue();
  await left.getByRole('link', { name: '3.024.072' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/#\/billing\?period=\d{4}-\d{2}$/);
  await expect(page.getByRole('group', { name: 'Periode' }).getByRole('combobox', { name: 'Monat' })).toHaveValue(month);
  // The preview lists the contracts; the first one's bill shows below, a click or ↑ ↓ shows another's.
  const contracts = meterdesk.gridRows('Verträge der Vorschau');
  await expect(contracts).toHaveCount(2);
  await expect(contracts.filter({ hasText: 'V-999999-01' })).toContainText('116.10');
  await expect(page.locator('table.bill')).toHaveCount(1);
  await expect(page.locator('table.bill')).toContainText('V-300451-01');
  await contracts.filter({ hasText: 'V-999999-01' }).getByRole('gridcell').first().click();
  const bill = page.locator('table.bill', { hasText: 'V-999999-01' });
  await expect(bill).toContainText('Fiduciaire du Léman SA');
  const black = bill.getByRole('row', { name: /^Schwarz/ });
  await expect(black).toContainText(/14.160\s*500\s*13.660\s*0\.0085\s*116\.11/);
  await expect(bill.locator('tr.grand')).toContainText('116.10');
  await page.keyboard.press('ArrowUp');
  await expect(page.locator('table.bill')).toContainText('V-300451-01');
  await page.keyboard.press('ArrowDown');
  await expect(bill).toBeVisible();

  // The contract's devices not in the run (as the statement names them) are named before it.
  await expect(page.getByRole('status')).toContainText(/⚠ (1 Gerät|\d+ Geräte) dieser Verträge nicht in der Abrechnung \(noch ohne Zählerstand dafür, oder zu prüfen\)/);
  const missing = contracts.filter({ hasText: 'V-999999-01' }).locator('[col-id="missing"]');
  await expect(missing).toHaveText(/⚠ [12]/);
  // Each contract's own devices, also after the month was changed and changed back.
  const picker = page.getByRole('group', { name: 'Periode' });
  await picker.getByRole('button', { name: 'Vormonat' }).click();
  await picker.getByRole('button', { name: 'Nächster Monat' }).click();
  await expect(missing).toHaveText(/⚠ [12]/);
  await expect(contracts.filter({ hasText: 'V-300451-01' }).locator('[col-id="missing"]')).toHaveText(/⚠ [12]/);
  const confirmation = meterdesk.answerNextQuestion('accept');
  await page.getByRole('button', { name: 'Abrechnen' }).click();
  await expect.poll(confirmation).toContain('nicht in der Abrechnung: ');
  expect(confirmation()).toMatch(/3\.0\d\d\.\d{3}/);
  const runs = page.getByRole('region', { name: 'Abrechnungsläufe' });
  // Run 1 is the demo's (last month's of the English customer): this month's is run 2.
  await expect(runs).toContainText(/Lauf 2 · abgerechnet · \d\d\.\d\d\.\d{4}, \d\d:\d\d · CHF/);
  // Said once done; nothing left to bill, and the button looks it.
  await expect(page.getByRole('status')).toContainText(/Lauf 2 abgerechnet: 2 Verträge, CHF [\d'.]+\./);
  // The emptied preview is no news right after the run.
  await expect(page.getByRole('status')).not.toContainText('keine erfassten, bestätigten Zählerstände');
  await expect(page.getByRole('button', { name: 'Abrechnen' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Abrechnen' })).toHaveCSS('cursor', 'not-allowed');
  // The keyboard goes on from the new run's line (the button pressed is disabled now).
  await expect(runs.getByRole('listitem').filter({ hasText: 'Lauf 2' }).getByRole('button', { name: 'Abrechnungen drucken' })).toBeFocused();

  const [download] = await Promise.all([page.waitForEvent('download'), runs.getByRole('button', { name: 'CSV exportieren' }).click()]);
  const csv = readFileSync((await download.path()), 'utf8');
  expect(csv).toContain('999999;Fiduciaire du Léman SA;V-999999-01;');
  expect(csv).toContain(';black;14160;500;13660;0.0085;116.11;116.10');

  await runs.getByRole('button', { name: 'Abrechnungen drucken' }).click();
  const statement = page.locator('article.statement-page', { hasText: 'V-999999-01' });
  // The French customer's statement is in French, whatever the clerk's language.
  await expect(statement).toHaveAttribute('lang', 'fr');
  await expect(statement.getByRole('heading', { level: 1 })).toHaveText(/^Décompte des copies \S+ \d{4}$/);
  // Addressed like a letter: the customer's name and postal address, the dealer as sender, the run and its day.
  await expect(statement.getByLabel('Destinataire')).toHaveText('Fiduciaire du Léman SA\nAvenue de Rhodanie 40\n1007 Lausanne', { useInnerText: true });
  await expect(statement.locator('.statement-sender')).toContainText('meterdesk demo dealer');
  await expect(statement).toContainText(/N° du client 999999 · Facturation n° 2 · \d\d\.\d\d\.\d{4}/);
  await expect(statement).not.toContainText('Druckabrechnung');
  await expect(statement.locator('tr.grand')).toContainText('116.10');
  // Device by device, the counters the bill comes from, for the customer to check against their machines.
  const readings = statement.locator('table.statement-readings');
  await expect(readings.locator('caption')).toHaveText('Relevés des machines');
  const copier = readings.locator('tbody', { hasText: 'ID 3.022.790' });
  await expect(copier).toContainText('RICOH');
  await expect(copier.getByRole('row', { name: /Noir-blanc/ })).toContainText(/344\s805\s*358\s965\s*14\s160/);
  await expect(page.getByRole('button', { name: 'Drucken / PDF' })).toBeFocused();
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(5_000);
  // Back to the run's month.
  await page.getByRole('link', { name: 'Zurück zur Abrechnung' }).click();
  await expect(page).toHaveURL(/#\/billing\?period=\d{4}-\d{2}$/);

  // Billed: the reading opens read-only (status 11).
  await meterdesk.open('#/devices/3.022.790');
  await expect(meterdesk.historyRows().filter({ hasText: /358.965/ })).toContainText('11 abgerechnet');

  // Cancelling a run asks first: declined, nothing happens.
  await page.getByRole('link', { name: 'Abrechnung' }).click();
  page.once('dialog', (dialog) => {
    expect(dialog.message()).toContain('Lauf 2 stornieren?');
    void dialog.dismiss();
  });
  await runs.getByRole('button', { name: 'Stornieren' }).click();
  await expect(runs).toContainText('Lauf 2 · abgerechnet');
  page.once('dialog', (dialog) => void dialog.accept());
  await runs.getByRole('button', { name: 'Stornieren' }).click();
  await expect(runs).toContainText('Lauf 2 · storniert');
  // Its readings billable again, Abrechnen takes the keyboard (the run's buttons are gone).
  await expect(page.getByRole('button', { name: 'Abrechnen' })).toBeFocused();
});

test('new terms of a contract billed to the end of the month apply from the day after, as the form proposes', async ({ meterdesk, page, app, request }) => {
  await meterdesk.open('#/devices/3.022.790');
  await meterdesk.newReading();
  await meterdesk.field('Schwarz Zählerstand neu').fill('358965');
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  const period = await page.evaluate(() => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Zurich' }).slice(0, 7));
  expect((await request.post(`${app.url}/api/billing-run`, { data: { period } })).ok()).toBe(true);

  await meterdesk.open('#/contracts/V-999999-01');
  const billed = /Abgerechnet bis (\d\d)\.(\d\d)\.(\d{4})\./.exec(await page.getByText(/^Abgerechnet bis/).innerText())!;
  const dayAfter = new Date(Date.UTC(Number(billed[3]), Number(billed[2]) - 1, Number(billed[1]) + 1));
  const expected = dayAfter.toLocaleDateString('de-CH', { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });
  await expect(page.getByLabel('Konditionen gültig ab')).toHaveValue(expected);
  await page.getByRole('textbox', { name: 'Farbe Preis pro Seite (CHF)' }).fill('0.07');
  await page.keyboard.press('F2');
  await expect(page.getByRole('status').filter({ hasText: 'Gespeichert.' })).toBeVisible();
  // The new price from that day on; the billed month keeps its own.
  await expect(page.getByRole('row', { name: `${expected} Farbe` })).toContainText('0.07');
});
