import { expect, test } from './fixtures';
import type { ReadingDraft } from '../../shared/api';

test('an unusual usage shows among the alerts, counted on the period overview, and opens its device', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.024.072');
  await meterdesk.newReading();
  for (const [kind, more] of [['Schwarz', 500_000], ['Farbe', 1_600]] as const) {
    const old = Number((await meterdesk.field(`${kind} Zählerstand alt`).inputValue()).replace(/\D/g, ''));
    await meterdesk.field(`${kind} Zählerstand neu`).fill(String(old + more));
  }
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  // A colour device's history on a 1280-pixel screen: every column in view.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(() => meterdesk.columnsOutOfView('Zählerstände')).toEqual([]);
  await page.setViewportSize({ width: 1360, height: 900 });

  await meterdesk.open('#/period');
  await expect(page.locator('.alert-counts')).toContainText('1 ungewöhnlich');
  await page.locator('.alert-counts a').click();
  await expect(page).toHaveURL(/#\/alerts$/);
  const filters = page.getByRole('group', { name: 'Art' });
  await filters.getByRole('button', { name: 'ungewöhnlicher Verbrauch 1' }).click();
  const rows = meterdesk.gridRows('Hinweise');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('3.024.072');
  await expect(rows.first()).toContainText('deutlich höher');
  // At 1280 px every column is in view and the detail's sentence is whole.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(() => meterdesk.columnsOutOfView('Hinweise')).toEqual([]);
  const detail = rows.first().locator('[col-id="detail"]');
  expect(await detail.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
  await page.screenshot({ path: 'test-results/alerts.png' });
  await rows.first().dblclick();
  await expect(page).toHaveURL(/#\/devices\/3\.024\.072\?reading=\d+&back=alerts%3Fkind%3Dunusual%26at%3Dunusual-\d+-\w+-\d+$/);
  const reading = /reading=(\d+)/.exec(page.url())![1];
  await expect(page.getByRole('dialog')).toBeVisible();
  // Closed, the reading returns to the list it was opened from, filtered as it was, the keyboard on its row for the next one.
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/#\/alerts\?kind=unusual&at=unusual-\d+-\w+-\d+$/);
  await expect(rows.first().locator('[role="gridcell"]:focus')).toHaveCount(1);
  await expect(filters.getByRole('button', { name: 'ungewöhnlicher Verbrauch 1' })).toHaveAttribute('aria-pressed', 'true');
  // Opened by its address alone, closing it stays on the device, and a reload does not open it again.
  await meterdesk.open(`#/devices/3.024.072?reading=${reading}`);
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/#\/devices\/3\.024\.072$/);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Neuer Zählerstand' })).toBeVisible();
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('a counter standing three readings in a row says so in the dialog, and confirmed it leaves the alerts', async ({ meterdesk, page, app, request }) => {
  // 3.300.452's last demo reading, then two days ago and today the same black counter.
  const days = await page.evaluate(() =>
    [2, 0].map((back) => new Date(Date.now() - back * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Zurich' })),
  );
  for (const date of days) {
    const drafted = await request.post(`${app.url}/api/readings-draft`, { data: { equipmentId: '3.300.452' } });
    const draft = ((await drafted.json()) as { value: ReadingDraft }).value;
    const saved = await request.post(`${app.url}/api/readings-save`, {
      data: {
        equipmentId: '3.300.452',
        previousReadingId: draft.previousReadingId,
        date,
        validFrom: draft.validity.from,
        validTo: draft.validity.to,
        counters: draft.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld, extraFree: 0 })),
      },
    });
    expect(saved.ok(), await saved.text()).toBe(true);
  }
  await meterdesk.open('#/alerts?kind=stuck');
  const rows = meterdesk.gridRows('Hinweise');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('3.300.452');
  await rows.first().dblclick();
  await expect(meterdesk.dialog.getByText(/^⚠ Unter Hinweise: der Zähler steht \(Schwarz dreimal nacheinander [\d'’]+\)/)).toBeVisible();
  await meterdesk.dialog.getByRole('button', { name: 'Als geprüft bestätigen' }).click();
  await expect(meterdesk.dialog).toBeHidden();
  await expect(page).toHaveURL(/#\/alerts\?kind=stuck&at=/);
  await expect(rows).toHaveCount(0);
});
