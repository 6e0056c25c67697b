import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { MeterdeskPage } from './pages/meterdesk-page';

/** Fills every counter of the open dialog with its old value + 100, from the keyboard's start. */
async function fillCounters(meterdesk: MeterdeskPage, page: Page) {
  const kinds = ['Schwarz', 'Scan', 'Farbe', 'Frei-1', 'Frei-2'];
  for (const kind of kinds) {
    const field = meterdesk.field(`${kind} Zählerstand neu`);
    if ((await field.count()) === 0) continue;
    const old = Number((await meterdesk.field(`${kind} Zählerstand alt`).inputValue()).replace(/\D/g, ''));
    await field.fill(String(old + 100));
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

  // Open the first missing device from the keyboard, save with F2: the next missing one opens.
  const first = (await rows.first().locator('[col-id="equipmentId"]').textContent())!.trim();
  await rows.first().locator('[col-id="equipmentId"]').dblclick();
  await expect(meterdesk.dialog).toBeVisible();
  await expect(meterdesk.dialog).toContainText(first);
  await fillCounters(meterdesk, page);
  const second = await nextDevice(meterdesk, first);
  await fillCounters(meterdesk, page);
  // Saved: the third missing device opens; Esc stops there.
  await nextDevice(meterdesk, second);
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog).toBeHidden();

  await expect(missingFilter).toHaveText(`fehlt ${missingBefore - 2}`);
  await expect(filters.getByRole('button', { name: /^erfasst \(Hand\) 2$/ })).toBeVisible();
  await filters.getByRole('button', { name: /^erfasst \(Hand\)/ }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: first })).toHaveCount(1);
});

test('estimates the missing devices in one action, marks them, and the dialog records a meter exchange', async ({ meterdesk, page }) => {
  await meterdesk.open('#/period');
  const filters = page.getByRole('group', { name: 'Status' });
  const missing = Number((await filters.getByRole('button', { name: /^fehlt \d+$/ }).textContent())!.replace(/\D/g, ''));
  await page.getByRole('button', { name: `Fehlende schätzen (${missing})` }).click();
  await expect(page.getByRole('status')).toContainText(`${missing} Zählerstände geschätzt, 0 ohne Verlauf`);
  await expect(filters.getByRole('button', { name: `geschätzt ${missing}` })).toBeVisible();
  await page.screenshot({ path: 'test-results/period-estimates.png' });

  // The estimate says what it is in the dialog.
  await filters.getByRole('button', { name: `geschätzt ${missing}` }).click();
  await meterdesk.gridRows('Geräte der Periode').first().dblclick();
  await expect(meterdesk.dialog).toContainText('Geschätzter Zählerstand');
  await page.keyboard.press('Escape');

  // A replaced counter board: final value of the old counter, start value of the new one.
  await meterdesk.open('#/devices/3.022.790');
  await meterdesk.newReading();
  await expect(meterdesk.dialog).toContainText('Der letzte Zählerstand ist geschätzt');
  const old = Number((await meterdesk.field('Schwarz Zählerstand alt').inputValue()).replace(/\D/g, ''));
  await meterdesk.dialog.getByRole('checkbox', { name: 'Zählerwechsel' }).check();
  await meterdesk.field('Schwarz Endstand alter Zähler').fill(String(old + 400));
  await meterdesk.field('Schwarz Startwert neuer Zähler').fill('0');
  await meterdesk.field('Schwarz Zählerstand neu').fill('600');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^1.000$/);
  await page.screenshot({ path: 'test-results/dialog-exchange.png' });
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
});
