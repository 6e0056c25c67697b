import { expect, test } from './fixtures';

test('the settings screen: a bad value is refused next to its field, F2 saves, a secret stays hidden', async ({ meterdesk, page }) => {
  await meterdesk.open('#/settings');
  const cutoff = page.getByLabel('Stichtag (Tag im Monat)');
  await cutoff.fill('31');
  await page.keyboard.press('F2');
  await expect(page.getByText('Muss zwischen 1 und 28 liegen.')).toBeVisible();
  // Said at the save bar too, and the keyboard goes to the field to correct.
  await expect(page.getByRole('status')).toHaveText('Nicht gespeichert: bitte die markierten Felder korrigieren.');
  await expect(cutoff).toBeFocused();
  // Not lost to a click on the header without a question.
  const asked = meterdesk.answerNextQuestion('dismiss');
  await page.getByRole('link', { name: 'Periode' }).click();
  await expect.poll(asked).toContain('nicht gespeichert');
  await expect(cutoff).toHaveValue('31');
  await cutoff.fill('5');
  // A secret is not shown while it is typed.
  await expect(page.getByLabel('SMTP-Server')).toHaveAttribute('type', 'password');
  await page.getByLabel('SMTP-Server').fill('smtp://office:pw123@127.0.0.1:2525');
  await page.getByLabel('Ihre Kontaktangaben (E-Mails, Portal)').fill('Devillard SA · T. +41 0848 912 912');
  // The language and the time zone are picked from lists, not typed as codes.
  const language = page.locator('#setting-language');
  await expect(language.locator('option:checked')).toHaveText('Standard: Deutsch');
  await expect(language.locator('option')).toHaveText(['Standard: Deutsch', 'Deutsch', 'Französisch', 'Englisch']);
  await page.locator('#setting-timeZone').selectOption('Europe/Vienna');
  await page.keyboard.press('F2');
  await expect(page.getByRole('status')).toHaveText('Gespeichert.');
  // The result is in view at the window's foot, however long the page.
  await expect(page.getByRole('status')).toBeInViewport();

  await page.reload();
  await expect(page.getByLabel('Stichtag (Tag im Monat)')).toHaveValue('5');
  await expect(page.locator('#setting-timeZone')).toHaveValue('Europe/Vienna');
  await expect(page.getByLabel('SMTP-Server')).toHaveValue('');
  await expect(page.locator('#setting-smtp-url-hint')).toHaveText('gesetzt – leer lassen, um den gespeicherten Wert zu behalten');
  await expect(page.locator('body')).not.toContainText('pw123');

  // A backup by hand (before a big import, an update), listed newest first with its folder.
  const backups = page.getByRole('table', { name: 'Sicherungen' });
  await expect(page.getByText('Noch keine Sicherung.')).toBeVisible();
  await page.getByRole('button', { name: 'Jetzt sichern' }).click();
  await expect(page.locator('.backup-status')).toHaveText(/^Gesichert: meterdesk-\d{4}-\d\d-\d\dT[\d-]+Z\.sqlite\.$/);
  await expect(backups.getByRole('row').nth(1)).toContainText(/Datenbank\s*meterdesk-.*\.sqlite\s*[\d.']+ [KM]B/);
  await expect(page.getByText(/^Ordner: .*backups$/)).toBeVisible();

  // A restore is asked for here, after a question, and carried out at the next start; until then it can be taken back.
  const name = (await page.locator('.backup-status').textContent())!.replace(/^Gesichert: /, '').replace(/\.$/, '');
  let restoreQuestion = '';
  page.once('dialog', (dialog) => {
    restoreQuestion = dialog.message();
    void dialog.accept();
  });
  await page.getByRole('button', { name: `${name} zurückspielen` }).click();
  const pending = page.getByRole('status').filter({ hasText: 'Wird beim nächsten Start zurückgespielt' });
  await expect(pending).toContainText(`Wird beim nächsten Start zurückgespielt: ${name} (verlangt von`);
  expect(restoreQuestion).toContain('Was seither erfasst wurde, ist danach nicht mehr in der Datenbank');
  await expect(page.getByRole('button', { name: `${name} zurückspielen` })).toBeDisabled();
  // Every other page says so: what is entered until the restart will not be in the restored database.
  const banner = page.locator('.restore-banner');
  await expect(banner).toHaveCount(0);
  await page.getByRole('link', { name: 'Periode', exact: true }).click();
  await expect(banner).toContainText(`Beim nächsten Start wird die Sicherung ${name} zurückgespielt`);
  await expect(banner).toContainText('steht danach nicht mehr in meterdesk');
  await banner.getByRole('link', { name: 'Einstellungen › Sicherung' }).click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await expect(pending).toBeVisible();
  await pending.getByRole('button', { name: 'Nicht zurückspielen' }).click();
  await expect(pending).toHaveCount(0);
  await expect(page.getByRole('button', { name: `${name} zurückspielen` })).toBeEnabled();
  await page.getByRole('link', { name: 'Periode', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Periodenübersicht' })).toBeVisible();
  await expect(banner).toHaveCount(0);
});
