import { expect, test } from './fixtures';

test('a fresh data folder starts empty and offers the demo data', async ({ page, emptyApp }) => {
  await page.goto(`${emptyApp.url}/`);
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
});
