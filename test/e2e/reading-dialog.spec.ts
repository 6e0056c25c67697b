import { expect, test } from './fixtures';

test('search a device, record a reading with F2, see usage and the new row, and keep it after a reload', async ({ meterdesk, page }) => {
  await meterdesk.open();
  await meterdesk.findDevice('6594501067', '3.022.790');
  await expect(meterdesk.historyRows()).toHaveCount(12);

  await meterdesk.newReading();
  const oldCounter = meterdesk.field('Schwarz Zählerstand alt');
  await expect(oldCounter).toHaveValue(/^344.805$/);
  await expect(oldCounter).toHaveAttribute('readonly', '');
  // The dialog opens with the keyboard in "Schwarz Zählerstand neu".
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toBeFocused();
  await page.keyboard.type('358965');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^14.160$/);
  await page.keyboard.press('Tab');
  await expect(meterdesk.field('Schwarz Freikopien')).toBeFocused();
  await page.keyboard.type('160');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^14.000$/);
  await expect(meterdesk.field('Schwarz Freikopien Vertrag')).not.toHaveValue('');

  // A clerk who presses F2 twice gets one reading.
  await page.keyboard.press('F2');
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  // The keyboard is back on "Neuer Zählerstand", ready for the next reading.
  await expect(page.getByRole('button', { name: 'Neuer Zählerstand' })).toBeFocused();
  await expect(meterdesk.historyRows()).toHaveCount(13);
  const newest = meterdesk.historyRows().filter({ hasText: '358' }).first();
  await expect(newest).toContainText('01 erfasst');
  await expect(newest).toContainText(/14.000/);

  await page.reload();
  await expect(meterdesk.historyRows()).toHaveCount(13);
  await expect(meterdesk.historyRows().filter({ hasText: /358.965/ })).toHaveCount(1);
  await expect(page.getByText(/358.965/).first()).toBeVisible();
});

test('a second reading of the same day is refused, and the dialog opens that day’s reading with what was typed', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.022.790');
  await meterdesk.newReading();
  await meterdesk.field('Schwarz Zählerstand neu').fill('345805');
  await meterdesk.field('Schwarz Freikopien').fill('100');
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  await expect(meterdesk.historyRows()).toHaveCount(13);

  // Typed again today, from another list: the dialog says there is one already and offers it.
  await meterdesk.newReading();
  await expect(meterdesk.dialog.getByText('Dieses Gerät hat schon einen Zählerstand vom')).toBeVisible();
  await meterdesk.field('Schwarz Zählerstand neu').fill('345905');
  await page.keyboard.press('F2');
  await expect(meterdesk.field('Datum')).toHaveAccessibleDescription(/hat das Gerät schon einen Zählerstand \(einer pro Tag\)/);
  await expect(meterdesk.dialog).toBeVisible();
  await meterdesk.dialog.getByRole('button', { name: /^Zählerstand vom \d\d\.\d\d\.\d{4} öffnen$/ }).click();

  // That reading, with the value typed and its own extra free copies: F2 corrects it. Still one reading that day.
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand bearbeiten' })).toBeVisible();
  await expect(meterdesk.dialog.getByText(/^Ihre Eingaben stehen in diesem Zählerstand vom/)).toBeVisible();
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toHaveValue(/^345.905$/);
  await expect(meterdesk.field('Schwarz Freikopien')).toHaveValue('100');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^1.000$/);
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  await expect(meterdesk.historyRows()).toHaveCount(13);
  await expect(meterdesk.historyRows().filter({ hasText: /345.905/ })).toHaveCount(1);
  await expect(meterdesk.historyRows().filter({ hasText: /345.805/ })).toHaveCount(0);
});

test('a new reading in a month an unbilled estimate covers opens the estimate: the real values go into it', async ({ meterdesk, page, app, request }) => {
  // The month today belongs to (the 1st–4th: the one before), estimated for this device.
  const period = await page.evaluate(() => new Date(Date.now() - 4 * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Zurich' }).slice(0, 7));
  const estimated = await request.post(`${app.url}/api/readings-estimate`, { data: { period, equipmentIds: ['3.022.790'] } });
  expect(((await estimated.json()) as { value: { created: unknown[] } }).value.created).toHaveLength(1);
  await meterdesk.open('#/devices/3.022.790');
  await expect(meterdesk.historyRows()).toHaveCount(13);
  // Opened so, nothing is typed yet: one Esc closes it.
  await page.getByRole('button', { name: 'Neuer Zählerstand' }).click();
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand bearbeiten' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog).toBeHidden();
  await page.getByRole('button', { name: 'Neuer Zählerstand' }).click();
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand bearbeiten' })).toBeVisible();
  await expect(meterdesk.dialog.getByText(/^Für diesen Monat gibt es eine noch nicht abgerechnete Schätzung: die echten Werte kommen in sie/)).toBeVisible();
  // Its old counter is the last real one; the new one is to be typed (not the guess).
  await expect(meterdesk.field('Schwarz Zählerstand alt')).toHaveValue(/^344.805$/);
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toHaveValue('');
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toBeFocused();
  await page.keyboard.type('345805');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^1.000$/);
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  // Still one reading for the month, now a real one.
  await expect(meterdesk.historyRows()).toHaveCount(13);
  await expect(meterdesk.historyRows().filter({ hasText: /345.805/ })).toHaveCount(1);
  await expect(meterdesk.historyRows().filter({ hasText: 'Schätzung' })).toHaveCount(0);
});

test('a second reading in a month the recorded reading covers is refused, and the dialog opens that reading with what was typed', async ({ meterdesk, page }) => {
  // 3.300.451's reading of last month is recorded, not billed. The 1st–4th belong to the month
  // before: a reading dated the 3rd (or today, if earlier) is last month's too.
  const date = await page.evaluate(() => {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Zurich' });
    return `${String(Math.min(Number(today.slice(8)), 3)).padStart(2, '0')}.${today.slice(5, 7)}.${today.slice(0, 4)}`;
  });
  await meterdesk.open('#/devices/3.300.451');
  await expect(meterdesk.historyRows()).toHaveCount(6);
  await meterdesk.newReading();
  await meterdesk.field('Datum').fill(date);
  await meterdesk.field('Schwarz Zählerstand neu').fill('61500');
  await meterdesk.field('Farbe Zählerstand neu').fill('20500');
  const notice = meterdesk.dialog.getByText(/^Dieses Gerät hat schon einen Zählerstand vom \d\d\.\d\d\.\d{4}, gültig bis \d\d\.\d\d\.\d{4} \(einer pro Periode\): die neuen Werte gehören in ihn\./);
  await expect(notice).toBeVisible();
  await page.keyboard.press('F2');
  await expect(meterdesk.field('Datum')).toHaveAccessibleDescription(/^Der Zählerstand vom \d\d\.\d\d\.\d{4} gilt schon bis \d\d\.\d\d\.\d{4} \(einer pro Periode\)\.$/);
  await meterdesk.dialog.getByRole('button', { name: /^Zählerstand vom \d\d\.\d\d\.\d{4} öffnen$/ }).click();

  // That reading, with the date and values typed: F2 corrects it, and the month keeps one reading.
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand bearbeiten' })).toBeVisible();
  await expect(meterdesk.field('Datum')).toHaveValue(date);
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toHaveValue(/^61.500$/);
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  await expect(meterdesk.historyRows()).toHaveCount(6);
  await expect(meterdesk.historyRows().filter({ hasText: /61.500/ })).toHaveCount(1);
});

test('a new reading dated into an earlier month an estimate covers offers the estimate and carries everything typed into it', async ({ meterdesk, page, app, request }) => {
  // The demo's 3.300.452 has no reading for last month (the calendar's): that month gets an estimate.
  const lastMonth = await page.evaluate(() => {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Zurich' });
    const month = new Date(`${today.slice(0, 7)}-15T12:00:00Z`);
    month.setUTCMonth(month.getUTCMonth() - 1);
    return month.toISOString().slice(0, 7);
  });
  const estimated = await request.post(`${app.url}/api/readings-estimate`, { data: { period: lastMonth, equipmentIds: ['3.300.452'] } });
  const { value } = (await estimated.json()) as { value: { date: string; created: Array<{ counters: Array<{ value: number; usage: number }> }> } };
  expect(value.created).toHaveLength(1);
  const lastReal = value.created[0]!.counters[0]!.value - value.created[0]!.counters[0]!.usage;
  const [year, month, day] = value.date.split('-');
  const estimateDate = `${day}.${month}.${year}`;

  await meterdesk.open('#/devices/3.300.452');
  await meterdesk.newReading();
  await meterdesk.field('Datum').fill(estimateDate);
  await meterdesk.field('Schwarz Zählerstand neu').fill(String(lastReal + 500));
  await meterdesk.field('Schwarz Freikopien').fill('20');
  await meterdesk.field('Bemerkung').fill('Kunde hat angerufen');
  await expect(meterdesk.dialog.getByText(`Dieser Monat ist mit der Schätzung vom ${estimateDate} abgedeckt`)).toBeVisible();
  await meterdesk.dialog.getByRole('button', { name: 'Schätzung öffnen' }).click();

  // The estimate, with what was typed: date, counter, extra free copies and note.
  await expect(meterdesk.dialog.getByRole('heading', { name: 'Zählerstand bearbeiten' })).toBeVisible();
  await expect(meterdesk.field('Datum')).toHaveValue(estimateDate);
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toHaveValue(new RegExp(`^${String(lastReal + 500).replace(/(\d)(?=(\d{3})+$)/g, '$1.')}$`));
  await expect(meterdesk.field('Schwarz Freikopien')).toHaveValue('20');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue('480');
  await expect(meterdesk.field('Bemerkung')).toHaveValue('Kunde hat angerufen');
  // What was typed is not saved yet: Esc says so before it goes.
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog.getByRole('status').filter({ hasText: 'Ihre Eingaben sind nicht gespeichert' })).toBeVisible();
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeHidden();
  await expect(meterdesk.historyRows().filter({ hasText: 'Schätzung' })).toHaveCount(0);
});

test('new < old shows the error next to Zählerstand neu and saves nothing', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.022.790');
  await meterdesk.newReading();
  await meterdesk.field('Schwarz Zählerstand neu').fill('12305');
  await page.keyboard.press('F2');
  await expect(meterdesk.dialog).toBeVisible();
  const newField = meterdesk.field('Schwarz Zählerstand neu');
  await expect(newField).toHaveAttribute('aria-invalid', 'true');
  await expect(newField).toHaveAccessibleDescription(/Muss mindestens 344.805 sein/);
  // No usage is made up of a refused value.
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue('');
  await expect(meterdesk.dialog.getByRole('alert')).toContainText('Nicht gespeichert');
  // Corrected, nothing is marked: the banner goes too.
  await newField.fill('345805');
  await expect(meterdesk.dialog.getByRole('alert').filter({ hasText: 'Nicht gespeichert' })).toHaveCount(0);
  // Abbrechen closes at once, typed values or not (Esc asks first).
  await meterdesk.dialog.getByRole('button', { name: 'Abbrechen (Esc)' }).click();
  await expect(meterdesk.dialog).toBeHidden();
  await page.reload();
  await expect(meterdesk.historyRows()).toHaveCount(12);
});

test('each counter says what is wrong with it, also while another one is not a number', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.024.072');
  await meterdesk.newReading();
  await meterdesk.field('Schwarz Zählerstand neu').fill('12305');
  await meterdesk.field('Farbe Zählerstand neu').fill('abc');
  await page.keyboard.press('F2');
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toHaveAccessibleDescription(/Muss mindestens 152.340 sein/);
  await expect(meterdesk.field('Farbe Zählerstand neu')).toHaveAttribute('aria-invalid', 'true');
  await expect(meterdesk.dialog.getByRole('alert')).toContainText('Nicht gespeichert');
});

test('free copies beyond the pages made are an error next to them, and no negative usage is shown', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.022.790');
  await meterdesk.newReading();
  await meterdesk.field('Schwarz Zählerstand neu').fill('350000');
  await meterdesk.field('Schwarz Freikopien').fill('6000');
  await page.keyboard.press('F2');
  await expect(meterdesk.field('Schwarz Freikopien')).toHaveAccessibleDescription(/Höchstens 5.195/);
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue('');
  await meterdesk.field('Schwarz Freikopien').fill('195');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^5.000$/);
});

test('Enter goes on from a counter to the next counter’s new value, past its free copies', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.024.072');
  await meterdesk.newReading();
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toBeFocused();
  await page.keyboard.type('153340');
  await page.keyboard.press('Enter');
  await expect(meterdesk.field('Farbe Zählerstand neu')).toBeFocused();
  // From the free copies too; Tab still walks through every field.
  await meterdesk.field('Schwarz Freikopien').focus();
  await page.keyboard.press('Enter');
  await expect(meterdesk.field('Farbe Zählerstand neu')).toBeFocused();
  await meterdesk.field('Schwarz Zählerstand neu').focus();
  await page.keyboard.press('Tab');
  await expect(meterdesk.field('Schwarz Freikopien')).toBeFocused();
  // The last counter's Enter neither saves nor leaves it.
  await meterdesk.field('Farbe Zählerstand neu').focus();
  await page.keyboard.press('Enter');
  await expect(meterdesk.field('Farbe Zählerstand neu')).toBeFocused();
  await expect(meterdesk.dialog).toBeVisible();
});

test('the first reading of 3.100.001 has an editable old counter prefilled from the device', async ({ meterdesk, page }) => {
  await meterdesk.open();
  await meterdesk.findDevice('Muster', '3.100.001');
  await expect(page.getByText('Noch kein Zählerstand erfasst.')).toBeVisible();
  await meterdesk.newReading();
  await expect(meterdesk.dialog.getByText(/Erster Zählerstand dieses Geräts/)).toBeVisible();
  for (const [kind, value] of [['Schwarz', /^1.520$/], ['Scan', /^310$/], ['Farbe', /^880$/]] as const) {
    const old = meterdesk.field(`${kind} Zählerstand alt`);
    await expect(old).toHaveValue(value);
    await expect(old).toBeEditable();
  }
  await meterdesk.field('Schwarz Zählerstand alt').fill('1500');
  await meterdesk.field('Schwarz Zählerstand neu').fill('4000');
  await meterdesk.field('Scan Zählerstand neu').fill("1'000");
  await meterdesk.field('Farbe Zählerstand neu').fill('1.500');
  await expect(meterdesk.field('Schwarz Verbrauch Kopie')).toHaveValue(/^2.500$/);
  await expect(meterdesk.field('Scan Verbrauch Kopie')).toHaveValue(/^690$/);
  await expect(meterdesk.field('Farbe Verbrauch Kopie')).toHaveValue(/^620$/);
  await meterdesk.dialog.getByRole('button', { name: 'Speichern (F2)' }).click();
  await expect(meterdesk.dialog).toBeHidden();
  await expect(meterdesk.historyRows()).toHaveCount(1);

  // The next reading takes its old counters from this one, read-only.
  await meterdesk.newReading();
  await expect(meterdesk.field('Schwarz Zählerstand alt')).toHaveValue(/^4.000$/);
  await expect(meterdesk.field('Schwarz Zählerstand alt')).not.toBeEditable();
});

test('the validity is locked to the contract’s first device while it has unposted readings', async ({ meterdesk }) => {
  await meterdesk.open('#/devices/3.300.452');
  await meterdesk.newReading();
  const from = meterdesk.field('Gültig von');
  const to = meterdesk.field('Gültig bis');
  await expect(from).not.toBeEditable();
  await expect(to).not.toBeEditable();
  await expect(meterdesk.dialog.getByText(/Gültigkeit vorgegeben vom ersten Gerät des Vertrags \(Pos\. 0001, 3\.300\.451\)/)).toBeVisible();
  // The first device's unposted reading is last month's (the dealer's calendar, Zurich).
  const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Zurich' })
    .format(new Date())
    .split('-')
    .map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month - 1, 0));
  const pad = (n: number) => String(n).padStart(2, '0');
  await expect(from).toHaveValue(`01.${pad(last.getUTCMonth() + 1)}.${last.getUTCFullYear()}`);
  await expect(to).toHaveValue(`${pad(last.getUTCDate())}.${pad(last.getUTCMonth() + 1)}.${last.getUTCFullYear()}`);

  // The first device itself is not locked.
  await meterdesk.page.keyboard.press('Escape');
  await meterdesk.open('#/devices/3.300.451');
  await meterdesk.newReading();
  await expect(meterdesk.field('Gültig von')).toBeEditable();
});

test('Esc with values typed says so first, and a second Esc discards them; with nothing typed one Esc closes', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.024.072');
  await meterdesk.newReading();
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog).toBeHidden();
  await meterdesk.newReading();
  await meterdesk.field('Schwarz Zählerstand neu').fill('160000');
  await meterdesk.field('Farbe Zählerstand neu').fill('95000');
  // A stray Esc loses nothing: the dialog stays, with the values, and says what the keys do.
  const notice = meterdesk.dialog.getByRole('status').filter({ hasText: 'Ihre Eingaben sind nicht gespeichert: Esc noch einmal verwirft sie, F2 speichert sie.' });
  await page.keyboard.press('Escape');
  await expect(notice).toBeVisible();
  await expect(meterdesk.field('Farbe Zählerstand neu')).toHaveValue(/^95.?000$/);
  await expect(meterdesk.field('Farbe Zählerstand neu')).toBeFocused();
  // Typing on, the next Esc asks again.
  await page.keyboard.press('Backspace');
  await expect(notice).toBeHidden();
  await page.keyboard.press('Escape');
  await expect(notice).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(meterdesk.dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Neuer Zählerstand' })).toBeFocused();
  await page.reload();
  await expect(meterdesk.historyRows()).toHaveCount(12);
  await meterdesk.newReading();
  await expect(meterdesk.field('Schwarz Zählerstand neu')).toHaveValue('');
});

test('↓ typed while the results page is still loading moves to its results once they are there', async ({ meterdesk, page }) => {
  // The pages' code arrives late, as on a slow first start: ↓ comes before the list exists.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/(?!index-)[^/]+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await meterdesk.open();
  await meterdesk.search.fill('Muster');
  await meterdesk.search.press('ArrowDown');
  await expect(meterdesk.search).toBeFocused();
  release();
  await expect(page.locator('[role="gridcell"]:focus')).toHaveCount(1);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/devices\/3\.100\.001$/);
});

test('Enter on a search with a single answer opens it (a scanned serial number); with several it stops on the first row', async ({ meterdesk, page }) => {
  await meterdesk.open();
  // Enter at once, before the search's pause is over, as a scanner sends it.
  await meterdesk.search.fill('6594501067');
  await meterdesk.search.press('Enter');
  await expect(page).toHaveURL(/#\/devices\/3\.022\.790$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('3.022.790');
  // Back in the list, a query of several devices: Enter moves into the rows, it opens none.
  await meterdesk.search.fill('Fiduciaire');
  await meterdesk.search.press('Enter');
  await expect(page.locator('[role="gridcell"]:focus')).toHaveCount(1);
  await expect(meterdesk.gridRows(/^\d+ Geräte$/)).toHaveCount(3);
  await expect(page).toHaveURL(/#\/$|#\/\?/);
  // The same single answer again, by ↓: its row, not the device.
  await meterdesk.search.fill('6594501067');
  await meterdesk.search.press('ArrowDown');
  await expect(meterdesk.gridRows(/^\d+ Gerät$/)).toHaveCount(1);
  await expect(page.locator('[role="gridcell"]:focus')).toHaveCount(1);
  await expect(page).not.toHaveURL(/#\/devices\//);
  // A customer's number on the customer list: Enter opens the customer.
  await page.goto(`${page.url().split('#')[0]}#/customers`);
  await meterdesk.search.fill('200117');
  await meterdesk.search.press('Enter');
  await expect(page).toHaveURL(/#\/customers\/200117$/);
});

test('Alt+W on a counter already typed asks for the exchange values, not for the typed one', async ({ meterdesk, page }) => {
  await meterdesk.open('#/devices/3.022.790');
  await meterdesk.newReading();
  const newField = meterdesk.field('Schwarz Zählerstand neu');
  await newField.fill('345805');
  await page.keyboard.press('Alt+KeyW');
  await expect(meterdesk.field('Schwarz Endstand alter Zähler')).toBeFocused();
  await expect(newField).not.toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.press('F2');
  // Saved without them: the exchange's values are said missing, the typed counter is not.
  await expect(meterdesk.field('Schwarz Endstand alter Zähler')).toHaveAttribute('aria-invalid', 'true');
  await expect(newField).not.toHaveAttribute('aria-invalid', 'true');
});
