import { expect, test } from './fixtures';

test('an implausible reading shows the orange warning, F2 still saves it flagged, and a clerk confirms it', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.022.790');
  await meterdesk.newReading();
  await page.keyboard.type('690256');
  const warning = meterdesk.dialog.getByText('⚠ Der eingegebene Wert ist deutlich höher als der übliche Verbrauch. Bitte prüfen.');
  await expect(warning).toBeVisible();
  await expect(warning).toHaveCSS('color', 'rgb(179, 92, 0)');
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  const flagged = meterdesk.historyRows().filter({ hasText: /690.256/ });
  await expect(flagged).toContainText('zu prüfen');

  // Enter on the history row opens that reading.
  await flagged.getByRole('gridcell').first().click();
  await page.keyboard.press('Enter');
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand bearbeiten' })).toBeVisible();
  await meterdesk.dialog.getByRole('button', { name: 'Als geprüft bestätigen' }).click();
  await expect(meterdesk.dialog).toBeHidden();
  await expect(meterdesk.historyRows().filter({ hasText: /690.256/ })).not.toContainText('zu prüfen');
  // Opened from its row, closed (Esc), the keyboard is back on that row to go on with ↑ ↓.
  await page.keyboard.press('Enter');
  await expect(meterdesk.dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog).toBeHidden();
  await expect(meterdesk.historyRows().filter({ hasText: /690.256/ }).locator('.ag-cell-focus')).toHaveCount(1);
});

test('a recorded reading can be corrected, and its audit trail says who changed what', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.033.923');
  await meterdesk.newReading();
  await meterdesk.field('Schwarz Zählerstand neu').fill('45000');
  await meterdesk.field('Farbe Zählerstand neu').fill('28400');
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();

  await meterdesk.historyRows().filter({ hasText: /45.000/ }).getByRole('gridcell').first().dblclick();
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand bearbeiten' })).toBeVisible();
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toHaveValue(/^45.000$/);
  await meterdesk.field('Schwarz Zählerstand neu').fill('45100');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^900$/);
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  await expect(meterdesk.historyRows().filter({ hasText: /45.100/ })).toHaveCount(1);

  await meterdesk.historyRows().filter({ hasText: /45.100/ }).getByRole('gridcell').first().dblclick();
  await meterdesk.dialog.getByRole('button', { name: 'Änderungsprotokoll' }).click();
  const audit = meterdesk.dialog.getByRole('region', { name: 'Änderungsprotokoll' });
  await expect(audit).toContainText('e2e-clerk · angelegt');
  await expect(audit).toContainText('e2e-clerk · geändert');
  // In the dialog's words and formats: no field names of the code, no ISO dates.
  await expect(audit).toContainText(/Schwarz Zählerstand neu: 45.000 → 45.100/);
  await expect(audit).toContainText(/Datum: — → \d\d\.\d\d\.\d{4}/);
  await expect(audit).toContainText('Quelle: — → manuell');
  await expect(audit).toContainText('zu prüfen: — → nein');
  await expect(audit).toContainText(/\d\d\.\d\d\.\d{4}, \d\d:\d\d · e2e-clerk/);
  await expect(audit).not.toContainText('black.new');
});

test('a billed reading (status 11) opens read-only: nothing editable, F2 saves nothing', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.200.117');
  const billed = meterdesk.historyRows().filter({ hasText: '11 abgerechnet' });
  await billed.getByRole('gridcell').first().click();
  await page.keyboard.press('Enter');
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand ansehen' })).toBeVisible();
  await expect(meterdesk.dialog).toContainText('Status 11 (abgerechnet): dieser Zählerstand kann nicht mehr geändert werden.');
  for (const name of ['Datum', 'Schwarz Zählerstand neu', 'Farbe Zählerstand neu', 'Schwarz Freikopien', 'Gültig von', 'Gültig bis']) {
    await expect(meterdesk.field(name)).not.toBeEditable();
  }
  await expect(meterdesk.dialog.getByRole('button', { name: 'Speichern (F2)' })).toHaveCount(0);
  const rowsBefore = await meterdesk.historyRows().allInnerTexts();
  await page.keyboard.press('F2');
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog).toBeHidden();
  await page.reload();
  await expect(meterdesk.historyRows()).toHaveCount(rowsBefore.length);
  expect(await meterdesk.historyRows().allInnerTexts()).toEqual(rowsBefore);
});

test('Tab and Shift-Tab walk the dialog’s fields in order and stay inside it', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.024.072');
  await meterdesk.newReading();
  const order = [
    'Schwarz Zählerstand neu',
    'Schwarz Freikopien',
    'Farbe Zählerstand neu',
    'Farbe Freikopien',
    'Gültig von',
    'Gültig bis',
    'Bemerkung',
  ];
  await expect(meterdesk.field(order[0]!)).toBeFocused();
  for (const name of order.slice(1)) {
    await page.keyboard.press('Tab');
    await expect(meterdesk.field(name)).toBeFocused();
  }
  await page.keyboard.press('Tab');
  await expect(meterdesk.dialog.getByRole('button', { name: 'Abbrechen (Esc)' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(meterdesk.dialog.getByRole('button', { name: 'Speichern (F2)' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(meterdesk.field('Datum')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(meterdesk.dialog.getByRole('button', { name: 'Speichern (F2)' })).toBeFocused();
  // The computed and read-only fields are skipped.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toBeFocused();
});

test('in French the dialog speaks the extranet’s words', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.022.790');
  await page.getByRole('combobox', { name: 'Sprache' }).selectOption('fr');
  await page.getByRole('button', { name: 'Nouveau relevé' }).click();
  const newField = meterdesk.dialog.getByRole('textbox', { name: 'Noir-blanc Compteur saisi', exact: true });
  await newField.fill('12305');
  await page.keyboard.press('F2');
  await expect(newField).toHaveAccessibleDescription(
    /La valeur doit être supérieure ou égale à celle du dernier compteur \(344\s805\)/,
  );
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog.getByRole('status').filter({ hasText: 'Vos saisies ne sont pas enregistrées : Échap une seconde fois les abandonne, F2 les enregistre.' })).toBeVisible();
  await page.keyboard.press('Escape');
  // The choice sticks across a reload.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Nouveau relevé' })).toBeVisible();
});

test.describe('on a PC whose clock is in another time zone than the dealer’s', () => {
  test.use({ timezoneId: 'America/New_York' });

  test('the change log gives its times on the dealer’s clock (Europe/Zurich), as the reading dates are', async ({ meterdesk, page }) => {
    const zurich = new Intl.DateTimeFormat('de-CH', { timeZone: 'Europe/Zurich', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
    await meterdesk.open('#/devices/3.033.923');
    await meterdesk.newReading();
    await meterdesk.field('Schwarz Zählerstand neu').fill('45000');
    await meterdesk.field('Farbe Zählerstand neu').fill('28400');
    const before = Date.now();
    await page.keyboard.press('F2');
    await expect(meterdesk.dialog).toBeHidden();
    const after = Date.now();

    await meterdesk.historyRows().filter({ hasText: /45.000/ }).getByRole('gridcell').first().dblclick();
    await meterdesk.dialog.getByRole('button', { name: 'Änderungsprotokoll' }).click();
    const entry = meterdesk.dialog.getByRole('region', { name: 'Änderungsprotokoll' }).locator('li strong').first();
    await expect(entry).toHaveText(/\d\d\.\d\d\.\d{4}, \d\d:\d\d/);
    // New York is six hours behind Zurich: the PC's clock would show another hour.
    expect([zurich.format(before), zurich.format(after)]).toContain(await entry.textContent());
  });
});
