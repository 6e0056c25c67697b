import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { linkIn } from '../web/helpers';
import { expect, test } from './fixtures';
import { MeterdeskPage } from './pages/meterdesk-page';

/** The customer's device on the portal page, and one of its counter rows. */
const device = (page: Page, equipmentId: string) => page.locator('section.device', { hasText: `ID : ${equipmentId}` });
const counter = (page: Page, equipmentId: string, kind: string) =>
  device(page, equipmentId).locator('tr.counter', { has: page.locator('th', { hasText: kind }) });

async function enter(page: Page, equipmentId: string, kind: string, value: string) {
  const row = counter(page, equipmentId, kind);
  await row.getByRole('link', { name: /^(Saisir|Modifier)\b/ }).click();
  const field = page.getByLabel(`${kind} — Saisissez le compteur`);
  // The cursor is in the field: the customer types straight away.
  await expect(field).toBeFocused();
  await field.fill(value);
  await page.getByRole('button', { name: 'Enregistrer' }).click();
}

test('a customer enters counters from the e-mailed link; the sync brings them into the back-office', async ({ webApp, smtp, page, browser }) => {
  // The office sends the month's requests (the scheduler does this on the 20th).
  await page.goto(`${webApp.url}/#/web`);
  // E-mails to every customer due: asked first.
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await page.getByRole('button', { name: 'Anfragen senden' }).click();
  await expect(page.getByRole('status')).toContainText('2 gesendet, 0 fehlgeschlagen');
  expect(asked).toMatch(/^Die Anfrage-E-Mails von \S+ \d{4} an alle Kunden mit Web-Erfassung senden, die noch keine erhalten haben\?$/);
  await smtp.waitFor(2);
  // The customer lost it: a new link for that customer alone (the first one stops working).
  await page.getByText(/^Anfrage-E-Mails .* \(2\)$/).click();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('row', { name: /999999 Fiduciaire/ }).getByRole('button', { name: 'Neu per E-Mail' }).click();
  await expect(page.getByRole('status')).toContainText('Neuer Link für 999999 gesendet an');
  await smtp.waitFor(3);
  // Its first e-mail is listed as replaced; the month still counts two customers asked.
  await expect(page.getByRole('row', { name: /999999 Fiduciaire.*gesendet, ersetzt/ })).toHaveCount(1);
  await expect(page.getByText(/Anfragen \S+ \d{4}: 2 gesendet, 0 ausstehend/)).toBeVisible();
  const mail = smtp.mails.filter((m) => m.text?.includes('Cher Client,')).at(-1)!;
  const link = linkIn(mail);
  expect(link.startsWith(webApp.portalUrl)).toBe(true);

  // On a phone first: no sideways scrolling, the field and its button in full view.
  const phone = await browser.newPage({ locale: 'fr-CH', viewport: { width: 390, height: 844 } });
  await phone.goto(link);
  await counter(phone, '3.022.790', 'Compteur Noir-blanc').getByRole('link', { name: /^Saisir\b/ }).click();
  await expect(phone.getByLabel('Compteur Noir-blanc — Saisissez le compteur')).toBeInViewport();
  await expect(phone.getByRole('button', { name: 'Enregistrer' })).toBeInViewport();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phone.screenshot({ path: 'test-results/portal-phone.png', fullPage: true });
  await phone.close();

  const customer = await browser.newPage({ locale: 'fr-CH' });
  await customer.goto(link);
  await expect(customer.getByText('N° DU CLIENT : 999999')).toBeVisible();
  // The token leaves the address bar and the history: Back after Déconnexion cannot open a new visit.
  await expect(customer).toHaveURL(`${webApp.portalUrl}/releve`);
  await expect(customer.locator('section.device')).toHaveCount(3);
  for (const id of ['3.022.790', '3.024.072', '3.033.923']) await expect(device(customer, id)).toBeVisible();
  await expect(counter(customer, '3.022.790', 'Compteur Noir-blanc')).toContainText('Dernier compteur 344805');
  await expect(counter(customer, '3.022.790', 'Compteur Noir-blanc')).toContainText('A saisir');

  // Lower than the last counter: refused, nothing stored.
  await enter(customer, '3.022.790', 'Compteur Noir-blanc', '12305');
  await expect(customer.getByText('✘ Echec !')).toBeVisible();
  await expect(customer.getByText('La valeur doit être supérieure ou égale à celle du dernier compteur (344805)')).toBeVisible();
  // Plausible: stored.
  await customer.getByLabel('Compteur Noir-blanc — Saisissez le compteur').fill('345500');
  await customer.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(counter(customer, '3.022.790', 'Compteur Noir-blanc')).toContainText(/345500\s*Saisie effectuée \d\d\.\d\d\.\d{4}/);
  // Far above the usual consumption: stored, orange, with the warning.
  await enter(customer, '3.024.072', 'Compteur Couleur', '9999999');
  await expect(counter(customer, '3.024.072', 'Compteur Couleur')).toContainText('A vérifier');
  await expect(customer.getByText('⚠ La valeur saisie est considérablement supérieure à votre consommation habituelle. Merci de vérifier.')).toBeVisible();
  // Changed before the night.
  const colourLast = Number(/Dernier compteur (\d+)/.exec((await counter(customer, '3.024.072', 'Compteur Couleur').textContent()) ?? '')![1]);
  await enter(customer, '3.024.072', 'Compteur Couleur', String(colourLast + 400));
  await expect(counter(customer, '3.024.072', 'Compteur Couleur')).toContainText('Saisie effectuée');
  await expect(customer.getByText('⚠ La valeur saisie')).toHaveCount(0);
  const blackLast = Number(/Dernier compteur (\d+)/.exec((await counter(customer, '3.024.072', 'Compteur Noir-blanc').textContent()) ?? '')![1]);
  await enter(customer, '3.024.072', 'Compteur Noir-blanc', String(blackLast + 900));

  // The print view lists everything.
  await customer.getByRole('link', { name: 'Imprimer' }).click();
  await expect(customer.getByText('N° DU CLIENT : 999999')).toBeVisible();
  await expect(customer.locator('section.device')).toHaveCount(3);
  await expect(customer.locator('section.device', { hasText: '3.022.790' })).toContainText('345500');
  await customer.goBack();

  await customer.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(customer.getByText('Vous êtes déconnecté')).toBeVisible();
  await customer.goto(`${webApp.portalUrl}/releve`);
  await expect(customer.getByText('Votre visite est terminée (déconnexion ou délai dépassé)')).toBeVisible();

  // The night's sync, by hand: the values become web readings and are locked in the portal.
  await page.getByRole('button', { name: 'Synchronisieren' }).click();
  await expect(page.getByRole('status')).toContainText('Eingaben abgeholt: 2, als Web-Zählerstände übernommen: 2');
  const grid = page.getByRole('grid');
  await expect(grid.getByRole('row').filter({ hasText: '3.022.790' })).toContainText('übernommen');
  await expect(grid.getByRole('row').filter({ hasText: '3.024.072' })).toContainText('übernommen');
  // On a 1280-pixel screen every column is in view: none runs under the pinned buttons.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(() => new MeterdeskPage(page, webApp.url).columnsOutOfView('Web-Eingaben')).toEqual([]);
  // The customer's values are shown whole (wrapped), not cut off with "…".
  const values = grid.getByRole('row').filter({ hasText: '3.024.072' }).locator('[col-id="values"]');
  await expect(values).toContainText(/Farbe [\d']+/);
  expect(await values.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);

  await customer.goto(link);
  await expect(counter(customer, '3.022.790', 'Compteur Noir-blanc')).toContainText('Transmis, ne peut plus être modifié');
  await expect(counter(customer, '3.022.790', 'Compteur Noir-blanc').getByRole('link', { name: /^Modifier\b/ })).toHaveCount(0);

  // In the back-office: a web reading, status 01, opened in the meter dialog from the grid.
  await grid.getByRole('row').filter({ hasText: '3.022.790' }).getByRole('button', { name: 'Öffnen' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await expect(page.getByRole('dialog').getByLabel('Schwarz Zählerstand neu')).toHaveValue(/345.500/);
  await page.keyboard.press('Escape');
  // Closed, the dialog returns to the list it was opened from, for the next row.
  await expect(page).toHaveURL(/#\/web\?at=\d+$/);
  await expect(grid.getByRole('row').filter({ hasText: '3.022.790' }).locator('[role="gridcell"]:focus')).toHaveCount(1);
  await page.goto(`${webApp.url}/#/devices/3.022.790`);
  const newest = page.locator('.ag-row').filter({ hasText: /345.500/ });
  await expect(newest).toContainText('Web');
  await expect(newest).toContainText('01 erfasst');
  // A clerk corrects it: the web list shows what the customer entered and what stands now.
  await newest.dblclick();
  await page.getByRole('dialog').getByLabel('Schwarz Zählerstand neu').fill('345600');
  await page.keyboard.press('F2');
  await expect(page.getByRole('dialog')).toBeHidden();
  await page.goto(`${webApp.url}/#/web`);
  const corrected = page.getByRole('grid').getByRole('row').filter({ hasText: '3.022.790' });
  await expect(corrected).toContainText('korrigiert');
  await expect(corrected).toContainText(/Schwarz 345.500 → Schwarz 345.600/);
});

test('the invalid-link page for a tampered and an expired link; the pages work without JavaScript', async ({ webApp, smtp, browser, request }) => {
  const sent = await request.post(`${webApp.url}/api/web-send-requests`, { data: {} });
  expect(sent.ok()).toBe(true);
  await smtp.waitFor(2);
  const link = linkIn(smtp.mails.find((m) => m.text?.includes('Cher Client,'))!);

  const noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-CH' });
  const page = await noScript.newPage();
  const tampered = link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A');
  await page.goto(tampered);
  await expect(page.getByText("Le lien utilisé est incorrect ou n'est plus valable.")).toBeVisible();
  await expect(page.getByText('meterdesk demo dealer')).toBeVisible();
  await expect(page.locator('section.device')).toHaveCount(0);

  await page.goto(link);
  await expect(page.getByText('N° DU CLIENT : 999999')).toBeVisible();
  await enter(page, '3.022.790', 'Compteur Noir-blanc', '12305');
  await expect(page.getByText('✘ Echec !')).toBeVisible();
  await page.getByLabel('Compteur Noir-blanc — Saisissez le compteur').fill('344900');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(counter(page, '3.022.790', 'Compteur Noir-blanc')).toContainText('Saisie effectuée');
  await page.getByRole('link', { name: 'Imprimer' }).click();
  await expect(page.locator('section.device', { hasText: '3.022.790' })).toContainText('344900');

  // Time passes: the link's last day (the 4th of next month) is behind us.
  const portalDb = new Database(join(webApp.dataDir, 'portal.sqlite'));
  portalDb.prepare(`UPDATE links SET valid_until = '2026-10-04'`).run();
  portalDb.close();
  await page.goto(link);
  await expect(page.getByText("Le lien utilisé est incorrect ou n'est plus valable.")).toBeVisible();
  await expect(page.getByText('N° DU CLIENT')).toHaveCount(0);
  await noScript.close();
});

test("without an SMTP server the requests fail with the reason, and the list of the month's request e-mails says what to do", async ({ app, page }) => {
  await page.goto(`${app.url}/#/web`);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Anfragen senden' }).click();
  await expect(page.getByRole('status')).toContainText(
    '0 gesendet, 2 fehlgeschlagen, 0 übersprungen. Grund: Kein SMTP-Server eingestellt: unter Einstellungen den SMTP-Server (smtp.url) eintragen, dann erneut senden.',
  );
  // Not sent: the list is open, each e-mail with its customer, attempts and error.
  const list = page.getByRole('table', { name: /^Anfrage-E-Mails \S+ \d{4} \(\d+\)$/ });
  await expect(list).toBeVisible();
  await expect(list).toHaveAccessibleName(/\(2\)$/);
  const rows = list.getByRole('row');
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: '999999 Fiduciaire du Léman SA' }).first()).toContainText(/ausstehend\s*1\s*Kein SMTP-Server eingestellt/);

  // The customer calls: the office gives the link itself, and it works at once.
  page.once('dialog', (dialog) => void dialog.accept());
  await rows.filter({ hasText: '999999 Fiduciaire du Léman SA' }).getByRole('button', { name: 'Link selbst geben' }).click();
  const handedOver = page.getByRole('region', { name: 'Link für 999999' });
  await expect(handedOver).toContainText(/Link für 999999 – gültig bis \d\d\.\d\d\.\d{4}/);
  // The e-mail never went out: no earlier link reached the customer, none is said to stop.
  await expect(handedOver).not.toContainText('Der bisherige Link');
  // The list says a link was given, and offers to give another one (the customer misheard it).
  const given = rows.filter({ hasText: /999999 Fiduciaire du Léman SA\s*Link gegeben/ });
  await expect(given).toHaveCount(1);
  // Given by hand, not e-mailed: counted apart from the e-mails sent.
  await expect(page.getByText(/Anfragen \S+ \d{4}: 0 gesendet, 1 ausstehend, 1 Link gegeben/)).toBeVisible();
  // Once an SMTP server is set, the customer can have a link by e-mail again.
  await expect(given.getByRole('button', { name: 'Neu per E-Mail' })).toBeVisible();
  page.once('dialog', (dialog) => void dialog.accept());
  await given.getByRole('button', { name: 'Link selbst geben' }).click();
  await expect(handedOver).toContainText('Der bisherige Link funktioniert nicht mehr; was der Kunde schon eingegeben hat, zeigt der neue.');
  await expect(rows.filter({ hasText: /999999 Fiduciaire du Léman SA\s*Link gegeben, ersetzt/ })).toHaveCount(1);
  const url = await handedOver.getByRole('textbox').inputValue();
  expect(url).toMatch(/\/l\/[\w-]{20,}$/);
  const customer = await page.context().newPage();
  await customer.goto(url);
  await expect(customer.getByText('N° DU CLIENT : 999999')).toBeVisible();
  await customer.close();
});

test("taking a customer's value over the office's reading of the month asks first, saying both", async ({ webApp, page, request }) => {
  const office = new MeterdeskPage(page, webApp.url);
  // The customer enters both counters of the colour copier on the portal; meanwhile the office reads it too.
  const handed = await request.post(`${webApp.url}/api/web-hand-over-link`, { data: { customerNumber: '999999' }, headers: { 'x-meterdesk': '1' } });
  expect(handed.ok()).toBe(true);
  const { value: link } = (await handed.json()) as { value: { url: string } };
  const customer = await page.context().newPage();
  await customer.goto(link.url);
  const last = async (kind: string) => Number(/Dernier compteur (\d+)/.exec((await counter(customer, '3.033.923', kind).textContent()) ?? '')![1]);
  const black = await last('Compteur Noir-blanc');
  const colour = await last('Compteur Couleur');
  await enter(customer, '3.033.923', 'Compteur Noir-blanc', String(black + 300));
  await enter(customer, '3.033.923', 'Compteur Couleur', String(colour + 100));
  await expect(counter(customer, '3.033.923', 'Compteur Couleur')).toContainText('Saisie effectuée');
  await customer.close();
  await office.recordReading('3.033.923', { Schwarz: String(black + 200), Farbe: String(colour + 50) });

  await office.open('#/web');
  await page.getByRole('button', { name: 'Synchronisieren' }).click();
  const row = page.getByRole('grid').getByRole('row').filter({ hasText: '3.033.923' });
  await expect(row).toContainText('zurückgestellt');
  const n = (value: number) => String(value).replace(/\B(?=(\d{3})+$)/g, '.');
  // Declined: nothing changes.
  let asked = office.answerNextQuestion('dismiss');
  await row.getByRole('button', { name: 'Übernehmen' }).click();
  await expect
    .poll(asked)
    .toMatch(new RegExp(`^Den Zählerstand des Büros von 3\\.033\\.923 \\(Schwarz ${n(black + 200)} · Farbe ${n(colour + 50)}\\) durch die Web-Werte des Kunden \\(Schwarz ${n(black + 300)} · Farbe ${n(colour + 100)}\\) ersetzen\\?`));
  await expect(row).toContainText('zurückgestellt');
  // Accepted: the customer's values are the month's reading.
  asked = office.answerNextQuestion('accept');
  await row.getByRole('button', { name: 'Übernehmen' }).click();
  await expect.poll(asked).toContain('Die bisherigen Werte bleiben im Änderungsprotokoll.');
  await expect(row).toContainText('übernommen');
});

test("a web customer's portal link is given from the customer's page too, before any e-mail", async ({ webApp, page }) => {
  const office = new MeterdeskPage(page, webApp.url);
  await office.open('#/customers/999999');
  const asked = office.answerNextQuestion('accept');
  await page.getByRole('button', { name: 'Portal-Link selbst geben' }).click();
  await expect.poll(asked).toContain('Einen neuen Link für 999999 Fiduciaire du Léman SA erstellen');
  const shown = page.getByRole('textbox', { name: 'Link für 999999' });
  await expect(shown).toHaveValue(/\/l\/[\w-]{20,}$/);
  const customer = await page.context().newPage();
  await customer.goto(await shown.inputValue());
  await expect(customer.getByText('N° DU CLIENT : 999999')).toBeVisible();
  // The customer reads it in German from the page's header; the office's next link starts in French again.
  await customer.getByRole('link', { name: 'Deutsch' }).click();
  await expect(customer.getByText('KUNDENNUMMER: 999999')).toBeVisible();
  await customer.close();
  // A customer who does not read on the web has no such button.
  await office.open('#/customers/300451');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('300451');
  await expect(page.getByRole('button', { name: 'Portal-Link selbst geben' })).toHaveCount(0);
});
