import { expect, test } from './fixtures';

test('from an empty database: a customer, a contract and a device, then the device’s first reading with F2', async ({ page, emptyApp }) => {
  await page.goto(`${emptyApp.url}/#/customers/new`);
  await page.getByLabel('Kundennummer').fill('400500');
  await page.getByLabel('Name', { exact: true }).fill('Bureau Service Sàrl');
  await page.keyboard.press('F2');
  await expect(page).toHaveURL(/#\/customers\/400500$/);

  // The contract: quarterly, black and colour with their free copies and prices.
  await page.getByRole('button', { name: 'Neuer Vertrag' }).click();
  await expect(page.getByRole('heading', { name: 'Neuer Vertrag' })).toBeVisible();
  await page.getByLabel('Vertragsnummer').fill('V-400500-01');
  await page.getByLabel('Vertragsbeginn').fill('01.10.2026');
  await page.getByLabel('Abrechnungsintervall').selectOption({ label: 'alle 3 Monate' });
  await page.getByRole('textbox', { name: 'Schwarz Freikopien pro Monat' }).fill('1000');
  await page.getByRole('textbox', { name: 'Schwarz Preis pro Seite (CHF)' }).fill('0,0079');
  await page.getByRole('textbox', { name: 'Farbe Freikopien pro Monat' }).fill('200');
  await page.getByRole('textbox', { name: 'Farbe Preis pro Seite (CHF)' }).fill('abc');
  await page.keyboard.press('F2');
  await expect(page.getByRole('textbox', { name: 'Farbe Preis pro Seite (CHF)' })).toHaveAccessibleDescription(/Ein Preis pro Seite in CHF/);
  await page.getByRole('textbox', { name: 'Farbe Preis pro Seite (CHF)' }).fill('0.059');
  await page.keyboard.press('F2');
  await expect(page).toHaveURL(/#\/contracts\/V-400500-01$/);
  await expect(page.getByRole('textbox', { name: 'Schwarz Preis pro Seite (CHF)' })).toHaveValue('0.0079');
  // Saved terms are changed, not emptied; a negative or an over-precise figure says what is wrong.
  await page.getByRole('textbox', { name: 'Farbe Freikopien pro Monat' }).fill('');
  await page.getByRole('textbox', { name: 'Farbe Preis pro Seite (CHF)' }).fill('');
  await page.getByRole('textbox', { name: 'Schwarz Freikopien pro Monat' }).fill('-5');
  await page.getByRole('textbox', { name: 'Schwarz Preis pro Seite (CHF)' }).fill('0.08555555');
  await page.keyboard.press('F2');
  await expect(page.getByRole('textbox', { name: 'Farbe Preis pro Seite (CHF)' })).toHaveAccessibleDescription(/nicht entfernen, nur ändern/);
  await expect(page.getByRole('textbox', { name: 'Schwarz Freikopien pro Monat' })).toHaveAccessibleDescription('Darf nicht negativ sein.');
  await expect(page.getByRole('textbox', { name: 'Schwarz Preis pro Seite (CHF)' })).toHaveAccessibleDescription(/Höchstens sechs Stellen/);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('textbox', { name: 'Farbe Preis pro Seite (CHF)' })).toHaveValue('0.0590');

  // Entered by mistake, an empty contract could go again (asked in a second press).
  await expect(page.getByRole('button', { name: 'Vertrag löschen' })).toBeVisible();

  // The device, with its counters at installation.
  await page.getByRole('button', { name: 'Neues Gerät' }).click();
  await expect(page.getByRole('heading', { name: 'Neues Gerät' })).toBeVisible();
  await page.getByLabel('Position').fill('0001');
  await page.getByLabel('Modell').fill('KONICA bizhub C300i');
  await page.getByLabel('Standort').fill('EG - Empfang');
  await page.getByLabel('Geräte-ID').fill('3.400.500');
  await page.getByLabel('Seriennummer').fill('A9P1234');
  await page.getByLabel('Installationsdatum').fill('12.10.2026');
  await page.getByRole('textbox', { name: 'Schwarz Zählerstand Akt' }).fill('35');
  // A counter the contract has no terms for is said to bill at nothing.
  await page.getByLabel('Scan vorhanden').check();
  await expect(page.getByText('Der Vertrag V-400500-01 hat keine Konditionen für Scan')).toBeVisible();
  // F2 asks before it saves such a counter; not confirmed, nothing is saved.
  await page.getByRole('textbox', { name: 'Scan Zählerstand Akt' }).fill('0');
  let asked = '';
  page.once('dialog', (question) => {
    asked = question.message();
    void question.dismiss();
  });
  await page.keyboard.press('F2');
  await expect.poll(() => asked).toContain('hat keine Konditionen für Scan: diese Seiten würden mit 0 Freikopien zu 0.00 verrechnet. Trotzdem speichern?');
  await expect(page.getByRole('heading', { name: 'Neues Gerät' })).toBeVisible();
  await page.getByLabel('Scan vorhanden').uncheck();
  await expect(page.getByText(/hat keine Konditionen für/)).toHaveCount(0);
  await page.getByLabel('Farbe vorhanden').check();
  await page.getByRole('textbox', { name: 'Farbe Zählerstand Akt' }).fill('12');
  await page.keyboard.press('F2');
  await expect(page).toHaveURL(/#\/devices\/3\.400\.500$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('KONICA bizhub C300i');
  // Without a reading yet, it could be deleted; its contract, holding it, no longer.
  await page.getByRole('button', { name: 'Gerät bearbeiten' }).click();
  await page.getByRole('button', { name: 'Gerät löschen' }).click();
  await expect(page.getByRole('button', { name: 'Gerät wirklich löschen?' })).toBeVisible();
  await page.getByRole('link', { name: 'V-400500-01' }).click();
  await expect(page.getByRole('heading', { name: /V-400500-01/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Vertrag löschen' })).toHaveCount(0);
  await page.getByRole('link', { name: '3.400.500' }).click();

  // Its first reading: old prefilled from the counters at installation, editable, F2 saves.
  await page.getByRole('button', { name: 'Neuer Zählerstand' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('textbox', { name: 'Schwarz Zählerstand alt', exact: true })).toHaveValue('35');
  await expect(dialog.getByRole('textbox', { name: 'Schwarz Zählerstand alt', exact: true })).toBeEditable();
  await expect(dialog.getByRole('textbox', { name: 'Gültig von', exact: true })).toHaveValue('12.10.2026');
  await page.keyboard.type('2535');
  await dialog.getByRole('textbox', { name: 'Farbe Zählerstand neu', exact: true }).fill('612');
  await expect(dialog.getByRole('textbox', { name: 'Schwarz Verbrauch Kopie', exact: true })).toHaveValue(/^2.500$/);
  await page.keyboard.press('F2');
  await expect(dialog).toBeHidden();
  const rows = page.getByRole('region', { name: 'Zählerstände' }).getByRole('row').filter({ has: page.getByRole('gridcell') });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(/2.535/);

  // The device is found by the Suche like any other.
  await page.getByRole('link', { name: 'Geräte' }).click();
  await page.getByRole('searchbox', { name: 'Suche' }).fill('bureau');
  await expect(page.getByRole('status').filter({ hasText: '1 Gerät' })).toBeVisible();
});

test('a device moves to another contract from a date on and keeps its readings', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.033.923');
  await expect(meterdesk.historyRows()).toHaveCount(12);
  await page.getByRole('button', { name: 'Gerät bearbeiten' }).click();
  const move = page.getByRole('region', { name: 'Zu anderem Vertrag verschieben' });
  await move.getByLabel('Neuer Vertrag (Nummer)').fill('V-300451-01');
  await move.getByRole('button', { name: 'Verschieben' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Erledigt.' })).toBeVisible();
  await page.goto(`${meterdesk.baseUrl}/#/devices/3.033.923`);
  await expect(page.getByText('Vertrag V-300451-01')).toBeVisible();
  await expect(meterdesk.historyRows()).toHaveCount(12);
});

test('taking a device out of service asks first; afterwards it offers no new reading, and a deleted reading says so', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.300.452/edit');
  const retire = page.getByRole('region', { name: 'Ausser Betrieb nehmen' });
  const old = Number((await page.getByText(/Zählerstand Akt/).first().textContent() ?? '').replace(/\D/g, '')) || 0;
  // A final counter below the last one is said at once, before any question.
  let askedEarly = false;
  page.once('dialog', (dialog) => {
    askedEarly = true;
    void dialog.dismiss();
  });
  await expect(retire.getByRole('textbox', { name: /letzter Zählerstand$/ }).first()).toBeVisible();
  const finals = await retire.getByRole('textbox', { name: /letzter Zählerstand$/ }).all();
  for (const field of finals) await field.fill('1');
  await retire.getByRole('button', { name: 'Mit diesem Zählerstand ausser Betrieb nehmen' }).click();
  await expect(retire.getByText(/Muss mindestens [\d']+ sein/).first()).toBeVisible();
  expect(askedEarly).toBe(false);
  page.removeAllListeners('dialog');
  for (const field of finals) await field.fill(String(old + 999_999));
  // Cancelled: nothing happens.
  const asked = meterdesk.answerNextQuestion('dismiss');
  await retire.getByRole('button', { name: 'Mit diesem Zählerstand ausser Betrieb nehmen' }).click();
  await expect.poll(asked).toContain('Gerät 3.300.452 ab ');
  await meterdesk.open('#/devices/3.300.452');
  await expect(page.getByRole('button', { name: 'Neuer Zählerstand' })).toBeEnabled();

  // A reading recorded, then deleted: the page says it was deleted.
  await meterdesk.newReading();
  const field = meterdesk.field('Schwarz Zählerstand neu');
  const before = Number((await meterdesk.field('Schwarz Zählerstand alt').inputValue()).replace(/\D/g, ''));
  await field.fill(String(before + 10));
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  const grouped = String(before + 10).replace(/\B(?=(\d{3})+(?!\d))/g, '.?');
  await meterdesk.historyRows().filter({ hasText: new RegExp(grouped) }).getByRole('gridcell').first().dblclick();
  await meterdesk.dialog.getByRole('button', { name: 'Löschen' }).click();
  await meterdesk.dialog.getByRole('button', { name: 'Wirklich löschen?' }).click();
  await expect(meterdesk.dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Gelöscht.' })).toBeVisible();

  // Confirmed: out of service, and the device page offers no new reading.
  await meterdesk.open('#/devices/3.300.452/edit');
  // The form loaded (its fields there) before they are listed and filled.
  await expect(retire.getByRole('textbox', { name: /letzter Zählerstand$/ }).first()).toBeVisible();
  for (const input of await retire.getByRole('textbox', { name: /letzter Zählerstand$/ }).all()) await input.fill(String(before + 20));
  page.once('dialog', (dialog) => void dialog.accept());
  await retire.getByRole('button', { name: 'Mit diesem Zählerstand ausser Betrieb nehmen' }).click();
  await expect(page.getByText(/ausser Betrieb seit|Ausser Betrieb seit/)).toBeVisible();
  await meterdesk.open('#/devices/3.300.452');
  await expect(page.getByRole('button', { name: 'Neuer Zählerstand' })).toBeDisabled();
});

test('a contract entered by mistake is deleted in two presses, and its customer page no longer lists it', async ({ meterdesk, page }) => {
  await meterdesk.open('#/customers/100234');
  await page.getByRole('button', { name: 'Neuer Vertrag' }).click();
  await page.getByLabel('Vertragsnummer').fill('V-100234-99');
  await page.getByLabel('Vertragsbeginn').fill('01.11.2026');
  await page.keyboard.press('F2');
  await expect(page).toHaveURL(/#\/contracts\/V-100234-99$/);
  await page.getByRole('button', { name: 'Vertrag löschen' }).click();
  await page.getByRole('button', { name: 'Vertrag wirklich löschen?' }).click();
  await expect(page).toHaveURL(/#\/customers\/100234$/);
  await expect(page.getByRole('link', { name: 'V-100234-01' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'V-100234-99' })).toHaveCount(0);
});

test('a contract number, equipment ID, position or serial number another one has is said together with the form’s own errors, in one round', async ({ meterdesk, page }) => {
  await meterdesk.open('#/customers/999999');
  await page.getByRole('button', { name: 'Neuer Vertrag' }).click();
  await page.getByLabel('Vertragsnummer').fill('V-300451-01');
  await page.getByLabel('Vertragsbeginn').fill('31.02.2026');
  await page.keyboard.press('F2');
  await expect(page.getByLabel('Vertragsbeginn')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Vertragsnummer')).toHaveAccessibleDescription('Diese Vertragsnummer ist bereits vergeben.');
  await page.keyboard.press('Escape');

  await meterdesk.open('#/contracts/V-999999-01');
  await page.getByRole('button', { name: 'Neues Gerät' }).click();
  await page.getByLabel('Geräte-ID').fill('3.024.072');
  await page.getByLabel('Position').fill('14');
  await page.getByLabel('Seriennummer').fill('6594501067');
  await page.getByLabel('Installationsdatum').fill('kein Datum');
  // A text far too long is the form's own error; it keeps the core's answer from none of the others.
  await page.getByLabel('Standort').fill('Keller '.repeat(70));
  await page.keyboard.press('F2');
  await expect(page.getByLabel('Installationsdatum')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Standort')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Geräte-ID')).toHaveAccessibleDescription('Diese Geräte-ID hat schon das Gerät PH RICOH MPC2800 im Vertrag V-999999-01.');
  await expect(page.getByLabel('Position')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Position')).toHaveAccessibleDescription(/3\.033\.923/);
  await expect(page.getByLabel('Seriennummer')).toHaveAccessibleDescription('Diese Seriennummer hat schon das Gerät 3.022.790.');
});
