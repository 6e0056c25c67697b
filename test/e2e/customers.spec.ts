import type { Dialog } from '@playwright/test';
import { expect, test } from './fixtures';

test('create a customer from scratch on an empty database with F2, then correct and archive it', async ({ page, emptyApp }) => {
  await page.goto(`${emptyApp.url}/#/customers`);
  await expect(page.getByRole('navigation', { name: 'Bereiche' }).getByRole('link', { name: 'Kunden' })).toHaveAttribute('aria-current', 'page');
  await page.getByRole('button', { name: 'Neuer Kunde' }).click();
  await expect(page.getByRole('heading', { name: 'Neuer Kunde' })).toBeVisible();
  await expect(page.getByLabel('Kundennummer')).toBeFocused();

  // Field by field: the rules speak before anything is saved.
  await page.keyboard.type('40A');
  await page.getByLabel('Name', { exact: true }).fill('Bureau Service Sàrl');
  await page.getByLabel('Zählerstände per Web').check();
  await page.keyboard.press('F2');
  await expect(page.getByLabel('Kundennummer')).toHaveAccessibleDescription('Nur Ziffern.');
  // The keyboard goes to the first field marked (it stayed on the checkbox where F2 was pressed).
  await expect(page.getByLabel('Kundennummer')).toBeFocused();
  await expect(page.getByLabel('E-Mail-Adressen')).toHaveAccessibleDescription(/mindestens eine E-Mail-Adresse/);
  await page.getByLabel('Kundennummer').fill('400500');
  await page.getByLabel('E-Mail-Adressen').fill('compta@bureau-service.example; Chef@Bureau-Service.example');
  await page.getByLabel('Korrespondenzsprache').selectOption('fr');
  // The postal address line by line (Enter is a new line there, not a save).
  await page.getByLabel('Adresse', { exact: true }).fill('Rue du Lac 12 ');
  await page.keyboard.press('Enter');
  await page.keyboard.type('1003 Lausanne');
  await page.keyboard.press('F2');

  await expect(page).toHaveURL(/#\/customers\/400500$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('400500 · Bureau Service Sàrl');
  await expect(page.getByLabel('E-Mail-Adressen')).toHaveValue('chef@bureau-service.example, compta@bureau-service.example');
  await expect(page.getByLabel('Adresse', { exact: true })).toHaveValue('Rue du Lac 12\n1003 Lausanne');

  // A link away from an unsaved change asks first; staying keeps the change.
  await page.getByLabel('Name', { exact: true }).fill('Typo');
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole('navigation', { name: 'Bereiche' }).getByRole('link', { name: 'Periode' }).click();
  await expect.poll(() => asked).toBe('Die Änderungen sind nicht gespeichert. Trotzdem verlassen?');
  await expect(page).toHaveURL(/#\/customers\/400500$/);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Typo');
  // So do the header's search (it would jump to the list) and Back; declined, nothing moves.
  const questions: string[] = [];
  const decline = (dialog: Dialog) => {
    questions.push(dialog.message());
    void dialog.dismiss();
  };
  page.on('dialog', decline);
  await page.getByRole('searchbox', { name: 'Suche' }).press('M');
  await expect.poll(() => questions).toEqual(['Die Änderungen sind nicht gespeichert. Trotzdem verlassen?']);
  await expect(page.getByRole('searchbox', { name: 'Suche' })).toHaveValue('');
  await page.goBack();
  await expect.poll(() => questions.length).toBe(2);
  await expect(page).toHaveURL(/#\/customers\/400500$/);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Typo');
  // A button that goes elsewhere asks too.
  await page.getByRole('button', { name: 'Neuer Vertrag' }).click();
  await expect.poll(() => questions.length).toBe(3);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Typo');
  page.off('dialog', decline);
  // The history is whole: Back, now accepted, goes to the page before (the new customer's form).
  page.once('dialog', (dialog) => void dialog.accept());
  await page.goBack();
  await expect(page).toHaveURL(/#\/customers\/new$/);
  await page.goForward();
  await expect(page).toHaveURL(/#\/customers\/400500$/);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Bureau Service Sàrl');
  await page.getByLabel('Name', { exact: true }).fill('Typo');
  // Esc discards an unsaved change; F2 saves the next one, recorded in the change log.
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Bureau Service Sàrl');
  await page.getByLabel('Bemerkung').fill('Zählerstände per E-Mail an die Buchhaltung');
  await page.keyboard.press('F2');
  await expect(page.getByRole('status').filter({ hasText: 'Gespeichert.' })).toBeVisible();
  await page.getByRole('button', { name: 'Änderungsprotokoll' }).click();
  await expect(page.getByRole('region', { name: 'Änderungsprotokoll' })).toContainText('Bemerkung: — → Zählerstände per E-Mail an die Buchhaltung');

  // The list finds it through the same Suche; archived customers leave the list.
  await page.getByRole('link', { name: 'Kunden' }).click();
  await page.getByRole('searchbox', { name: 'Suche' }).fill('bureau');
  const rows = page.getByRole('region', { name: 'Kunden' }).getByRole('row').filter({ has: page.getByRole('gridcell') });
  await expect(rows).toHaveCount(1);
  await rows.first().dblclick();
  await page.getByRole('button', { name: 'Archivieren' }).click();
  await expect(page.getByText('Archiviert: erscheint nicht mehr in der Kundenliste.')).toBeVisible();
  await page.getByRole('link', { name: 'Kunden' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Kein Kunde gefunden.' })).toBeVisible();
  await page.getByLabel('Archivierte anzeigen').check();
  await expect(rows).toHaveCount(1);
});

test('a customer with readings can be archived but not deleted', async ({ meterdesk, page }) => {
  await meterdesk.open('#/customers/999999');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('999999 · Fiduciaire du Léman SA');
  await expect(page.getByRole('button', { name: 'Archivieren' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Löschen' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: '3.022.790' })).toBeVisible();
  // A number already taken is refused, naming its holder.
  await page.getByLabel('Kundennummer').fill('100234');
  await page.keyboard.press('F2');
  await expect(page.getByLabel('Kundennummer')).toHaveAccessibleDescription('Diese Nummer hat bereits «Muster AG».');
  // Also beside another error: both in one round, not the number's after the other is mended.
  await page.getByLabel('E-Mail-Adressen').fill('kaputt@');
  await page.keyboard.press('F2');
  await expect(page.getByLabel('E-Mail-Adressen')).toHaveAccessibleDescription(/kaputt@/);
  await expect(page.getByLabel('Kundennummer')).toHaveAccessibleDescription('Diese Nummer hat bereits «Muster AG».');
  // Its own number again: nothing taken, the e-mail's error alone.
  await page.getByLabel('Kundennummer').fill('999999');
  await page.keyboard.press('F2');
  await expect(page.getByLabel('E-Mail-Adressen')).toHaveAccessibleDescription(/kaputt@/);
  await expect(page.getByLabel('Kundennummer')).not.toHaveAttribute('aria-invalid', 'true');
});

test("the header's search filters the customer list and says so, with a way back to every customer", async ({ meterdesk, page }) => {
  await meterdesk.open('#/');
  await page.getByRole('searchbox').first().fill('ricoh');
  await page.getByRole('link', { name: 'Kunden' }).click();
  await expect(page.getByText('Gefiltert nach «ricoh» (Suche oben)')).toBeVisible();
  await page.getByRole('button', { name: 'Alle zeigen' }).click();
  await expect(page.getByText(/Gefiltert nach/)).toHaveCount(0);
  await expect(meterdesk.gridRows('Kunden')).toHaveCount(4);
});
