import { expect, test } from './fixtures';

test('a fresh data folder starts empty and offers the demo data', async ({ page, emptyApp }) => {
  // Nothing the page asks for is missing (a tab icon it has not, once).
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${emptyApp.url}/`);
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', /^data:image\/svg\+xml,/);
  await expect(page.getByText('Die Datenbank ist noch leer.')).toBeVisible();
  await page.getByRole('button', { name: 'Demodaten laden' }).click();
  await expect(page.getByRole('status').filter({ hasText: '7 Geräte' })).toBeVisible();
  const rows = page.getByRole('region', { name: '7 Geräte' }).getByRole('row').filter({ has: page.getByRole('gridcell') });
  await expect(rows).toHaveCount(7);
  await expect(rows.first()).toContainText('Muster AG');
  // The equipment ID is a link to the device's stable address.
  await page.getByRole('link', { name: '3.022.790' }).click();
  await expect(page).toHaveURL(/#\/devices\/3\.022\.790$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('PH RICOH MP2550CSP');
  expect(failed).toEqual([]);
});

test('an empty grid says so in the language of the UI', async ({ page, emptyApp }) => {
  await page.goto(`${emptyApp.url}/#/customers`);
  const customers = page.getByRole('region', { name: /Kunden/ }).first();
  await expect(customers.getByText('Keine Einträge.')).toBeVisible();
  await expect(page.getByText('No Rows To Show')).toHaveCount(0);
  // What a screen reader hears on a header is in German too, not "Press ENTER to sort".
  await customers.locator('.ag-header-cell').first().focus();
  await expect(page.locator('.ag-aria-description-container')).toContainText('Enter sortiert');
  await expect(page.locator('.ag-aria-description-container')).not.toContainText('Press ENTER');
});

test("a page whose code is gone (the server updated under an open tab) asks for a reload; the header still works", async ({ page, emptyApp }) => {
  await page.route(/\/assets\/SettingsPage-[^/]+\.js$/, (route) => route.abort());
  await page.goto(`${emptyApp.url}/#/settings`);
  await expect(page.getByRole('alert')).toHaveText('meterdesk wurde aktualisiert: bitte die Seite neu laden (F5).');
  await page.getByRole('navigation', { name: 'Bereiche' }).getByRole('link', { name: 'Kunden' }).click();
  await expect(page.getByRole('button', { name: 'Neuer Kunde' })).toBeVisible();
});
