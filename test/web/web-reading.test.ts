/**
 * Web reading end to end without a browser: the request e-mail through a real SMTP server,
 * the customer's visit of the real portal server, and the sync into the back-office.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listReadings } from '../../db/queries/readings';
import { cancelMail } from '../../db/queries/web';
import { getDeviceByEquipmentId } from '../../db/queries/master-data';
import { startWeb, type OpenedCore } from '../../src-main/node-main';
import type { WebRuntime } from '../../src-main/jobs/runtime';
import { runSync, httpPortalClient } from '../../src-main/jobs/web-jobs';
import { restore, syncRecovery } from '../../src-main/jobs/backup';
import { join } from 'node:path';
import { recordReading, testCore } from '../db/helpers';
import { linkIn, startSmtpSink, Visit, type SmtpSink } from './helpers';
import { formatCounter } from '../../shared/format';
import { issueText } from '../../shared/i18n/issue-text';
import { heldReason, openRequestPeriod } from '../../shared/rules/web-reading';
import { heldReasonText } from '../../src-renderer/issues';

let smtp: SmtpSink;
let web: WebRuntime | null = null;

beforeEach(async () => {
  smtp = await startSmtpSink();
});
afterEach(async () => {
  await web?.stop();
  web = null;
  await smtp.stop();
});

async function withWeb(core: OpenedCore, dir: string, env: Record<string, string> = {}) {
  web = await startWeb(core, dir, { portal: 'private', scheduler: false, env: { METERDESK_SMTP_URL: smtp.url, ...env } });
  return web;
}

function readingsOf(core: OpenedCore, equipmentId: string) {
  return listReadings(core.db, getDeviceByEquipmentId(core.db, equipmentId)!.id);
}

/** The month's request e-mails queued: the SMTP server refused them once, and takes mail again. */
async function requestsQueued() {
  const core = testCore();
  const runtime = await withWeb(core, core.db.file.replace(/\/[^/]+$/, ''));
  smtp.refuse = true;
  await runtime.sendRequests('2026-11');
  smtp.refuse = false;
  return { core, runtime };
}

async function visitFromMail(core: OpenedCore, dir: string) {
  const runtime = await withWeb(core, dir, { METERDESK_PUBLIC_URL: 'http://portal.invalid' });
  const report = await runtime.sendRequests('2026-11');
  const [mail] = await smtp.waitFor(2);
  const mailFor999999 = smtp.mails.find((m) => (m.to as { text: string }).text.includes('client999999@example.com'))!;
  expect(mail).toBeDefined();
  // The e-mail's link points to the public address; the test reaches the same portal directly.
  const path = linkIn(mailFor999999).replace('http://portal.invalid', '');
  return { report, path, mail: mailFor999999, runtime, visit: new Visit(runtime.portalUrl!) };
}

/** The demo customer 999999 on its portal page, from the month's request e-mail. */
async function customerOnPortal() {
  const core = testCore();
  const started = await visitFromMail(core, core.db.file.replace(/\/[^/]+$/, ''));
  await started.visit.get(started.path);
  return { core, ...started };
}

describe('a link handed over by the office', () => {
  it("gives a customer a new link without an e-mail — for the phone, or the office's own e-mail — that works at once and replaces the old one", async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    const runtime = await withWeb(core, dir, { METERDESK_PUBLIC_URL: 'http://portal.invalid' });
    const first = await core.api['web-hand-over-link']({ customerNumber: '999999' });
    expect(first).toMatchObject({ customerNumber: '999999', period: '2026-11', validUntil: '2026-12-04', replacedLink: false, published: true });
    expect(first.url).toMatch(/^http:\/\/portal\.invalid\/l\/[\w-]{20,}$/);
    // No e-mail: none sent, none queued.
    expect(smtp.mails).toHaveLength(0);
    expect(core.db.get<{ n: number }>('SELECT count(*) AS n FROM mail_outbox')!.n).toBe(0);
    const visit = new Visit(runtime.portalUrl!);
    await visit.get(first.url.replace('http://portal.invalid', ''));
    expect(visit.page).toContain('999999');
    expect(visit.page).toContain('3.022.790');

    // Given again: a new link, and the first one stops working.
    const second = await core.api['web-hand-over-link']({ customerNumber: '999999' });
    expect(second.replacedLink).toBe(true);
    expect(second.url).not.toBe(first.url);
    const stale = new Visit(runtime.portalUrl!);
    await stale.get(first.url.replace('http://portal.invalid', ''));
    expect(stale.page).not.toContain('3.022.790');
    // The change log says who handed it over.
    const created = core.db.all<{ changes: string }>("SELECT changes FROM audit_log WHERE entity = 'web_link' AND action = 'create'");
    expect(created.map((row) => JSON.parse(row.changes) as Record<string, unknown>)).toContainEqual(expect.objectContaining({ handedOver: [null, 'test-clerk'] }));

    await expect(core.api['web-hand-over-link']({ customerNumber: '300451' })).rejects.toThrow(/does not read its counters on the web/);
    await expect(core.api['web-hand-over-link']({ customerNumber: '999999', period: '2026-10' })).rejects.toThrow(/links of 2026-10 ended on 2026-11-04/);
  });
});

describe("the office's month on the 1st–4th", () => {
  it("is the month before, whose links customers still use, until this month's requests go out", async () => {
    const core = testCore({ now: '2026-12-02T09:30:00Z' });
    const runtime = await withWeb(core, core.db.file.replace(/\/[^/]+$/, ''), { METERDESK_PUBLIC_URL: 'http://portal.invalid' });
    expect((await core.api['web-overview']({})).period).toBe('2026-11');
    // A customer who lost November's e-mail calls on the 2nd: the link handed over is November's.
    // (Imprimerie du Lac, reading on the web from now on, has a device not read for November.)
    core.db.run("UPDATE customers SET web_reading = 1 WHERE number = '300451'");
    const link = await core.api['web-hand-over-link']({ customerNumber: '300451' });
    expect(link).toMatchObject({ period: '2026-11', validUntil: '2026-12-04' });
    const overview = await core.api['web-overview']({});
    expect(overview.requests).toEqual([expect.objectContaining({ customerNumber: '300451', status: 'handed-over' })]);
    // 999999's November is read (and posted) already: its link would show nothing.
    await expect(core.api['web-hand-over-link']({ customerNumber: '999999' })).rejects.toThrow(/has its reading already/);
    // December's requests sent early: the office's month is December.
    await runtime.sendRequests('2026-12');
    expect((await core.api['web-overview']({})).period).toBe('2026-12');
    expect(openRequestPeriod('2026-12-04', false)).toBe('2026-11');
    expect(openRequestPeriod('2026-12-05', false)).toBe('2026-12');
    expect(openRequestPeriod('2026-11-23', false)).toBe('2026-11');
    expect(openRequestPeriod('2027-01-01', false)).toBe('2026-12');
  });
});

describe('request e-mails', () => {
  it('sends each due web customer one e-mail in its language, with a personal link valid until the 4th', async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    const { report, mail } = await visitFromMail(core, dir);
    expect(report.planned.map((p) => p.customerNumber).sort()).toEqual(['200117', '999999']);
    expect(report.delivery.sent).toHaveLength(2);
    expect(mail.subject).toContain('999999');
    expect(mail.text).toContain('Cher Client,');
    expect(mail.text).toContain("Ce lien est valable jusqu'au 4 du mois prochain (04.12.2026)");
    expect(mail.html).toContain('<a href="http://portal.invalid/l/');
    const english = smtp.mails.find((m) => m.text?.includes('Dear Customer,'));
    expect(english?.text).toContain('valid until the 4th of next month (04/12/2026)');
    expect(english?.subject).toContain('200117');

    // Once per customer and period: a second run sends nothing; --resend replaces the link.
    const again = await web!.sendRequests('2026-11');
    expect(again.planned).toHaveLength(0);
    expect(again.skipped.map((s) => s.reason)).toEqual(['already-requested', 'already-requested']);
    const resent = await web!.sendRequests('2026-11', { resend: true });
    expect(resent.planned.every((p) => p.replacedLink)).toBe(true);
    await smtp.waitFor(4);
    expect(smtp.mails).toHaveLength(4);
    // One customer who lost the e-mail: a new link for that customer only.
    const one = await web!.sendRequests('2026-11', { resend: true, customerNumber: '999999' });
    expect(one.planned.map((p) => [p.customerNumber, p.replacedLink])).toEqual([['999999', true]]);
    expect(one.skipped).toEqual([]);
    await smtp.waitFor(5);
    expect(smtp.mails).toHaveLength(5);
    await expect(web!.sendRequests('2026-11', { resend: true, customerNumber: '100234' })).rejects.toThrow(/does not read its counters on the web/);
  });

  it('sends no request, and gives no link, to a customer whose due devices are all read already', async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    const runtime = await withWeb(core, dir);
    // Harbour Print's one device is read for November by hand before the requests go out.
    await recordReading(core, '3.200.117', 500);
    const report = await runtime.sendRequests('2026-11');
    expect(report.planned.map((p) => p.customerNumber)).toEqual(['999999']);
    expect(report.skipped).toEqual([{ customerNumber: '200117', reason: 'all-read' }]);
    await smtp.waitFor(1);
    expect(smtp.mails.map((m) => m.subject).join()).not.toContain('200117');
    await expect(core.api['web-hand-over-link']({ customerNumber: '200117' })).rejects.toThrow(/has its reading already: the link would show nothing to enter/);
  });

  it('keeps a failed send queued with its error and delivers it on the next attempt', async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    const runtime = await withWeb(core, dir);
    smtp.refuse = true;
    const first = await runtime.sendRequests('2026-11');
    expect(first.delivery.sent).toHaveLength(0);
    expect(first.delivery.failed.map((f) => f.customerNumber).sort()).toEqual(['200117', '999999']);
    const queued = core.db.all<{ status: string; attempts: number; last_error: string; token: string | null }>('SELECT * FROM mail_outbox');
    expect(queued.every((m) => m.status === 'pending' && m.attempts === 1 && m.last_error.length > 0 && m.token)).toBe(true);

    smtp.refuse = false;
    // Not yet due: the retry waits its delay.
    expect((await runtime.deliverQueued()).sent).toHaveLength(0);
    core.db.run(`UPDATE mail_outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z'`);
    expect((await runtime.deliverQueued()).sent).toHaveLength(2);
    const sent = core.db.all<{ status: string; token: string | null }>('SELECT status, token FROM mail_outbox');
    expect(sent.every((m) => m.status === 'sent' && m.token === null)).toBe(true);
  });

  it('leaves an e-mail another sender has taken to it, and takes it once that sender\'s time is up', async () => {
    const { core, runtime } = await requestsQueued();
    // Taken by a sender elsewhere (send-requests beside the app) until tomorrow: not sent here.
    core.db.run(`UPDATE mail_outbox SET claimed_until = '2999-01-01T00:00:00.000Z'`);
    expect((await runtime.sendRequests('2026-11')).delivery).toEqual({ sent: [], failed: [] });
    expect(smtp.mails).toHaveLength(0);
    // That sender died: once its time is past, the e-mails go (and the mark is cleared).
    core.db.run(`UPDATE mail_outbox SET claimed_until = '2000-01-01T00:00:00.000Z'`);
    expect((await runtime.sendRequests('2026-11')).delivery.sent).toHaveLength(2);
    // Nor is one another sender has out withdrawn: its outcome is that sender's to write.
    const [first] = core.db.all<{ id: number }>('SELECT id FROM mail_outbox ORDER BY id');
    core.db.run(`UPDATE mail_outbox SET status = 'pending', claimed_until = '2999-01-01T00:00:00.000Z' WHERE id = ?`, [first!.id]);
    cancelMail(core.db, first!.id, '2026-11-23T10:00:00.000Z');
    expect(core.db.get<{ status: string }>('SELECT status FROM mail_outbox WHERE id = ?', [first!.id])!.status).toBe('pending');
    core.db.run(`UPDATE mail_outbox SET status = 'sent', claimed_until = NULL WHERE id = ?`, [first!.id]);
    const after = core.db.all<{ status: string; claimed_until: string | null }>('SELECT status, claimed_until FROM mail_outbox');
    expect(after).toEqual([
      { status: 'sent', claimed_until: null },
      { status: 'sent', claimed_until: null },
    ]);
  });

  it('does not replace a link whose e-mail another sender has out, and says so', async () => {
    const { core, runtime } = await requestsQueued();
    // The first customer's e-mail is out with a sender elsewhere: its link must keep working.
    const [out] = core.db.all<{ id: number; link_id: number }>('SELECT id, link_id FROM mail_outbox ORDER BY id');
    core.db.run(`UPDATE mail_outbox SET claimed_until = '2999-01-01T00:00:00.000Z' WHERE id = ?`, [out!.id]);
    const resent = await runtime.sendRequests('2026-11', { resend: true });
    expect(resent.planned).toHaveLength(1);
    expect(resent.skipped.map((s) => s.reason)).toEqual(['sending']);
    const link = core.db.get<{ replaced_at: string | null }>('SELECT replaced_at FROM web_links WHERE id = ?', [out!.link_id]);
    expect(link!.replaced_at).toBeNull();
    expect(core.db.get<{ status: string }>('SELECT status FROM mail_outbox WHERE id = ?', [out!.id])!.status).toBe('pending');
    // Once that sender is done (its mark cleared), the resend replaces the link.
    core.db.run(`UPDATE mail_outbox SET status = 'sent', claimed_until = NULL WHERE id = ?`, [out!.id]);
    const again = await runtime.sendRequests('2026-11', { resend: true });
    expect(again.skipped).toEqual([]);
    expect(again.planned.every((p) => p.replacedLink)).toBe(true);
  });
});

describe('settings changed while the app runs', () => {
  it('apply to the next job without a restart: the SMTP server, the contact details in the e-mails and on the portal', async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    web = await startWeb(core, dir, { portal: 'private', scheduler: false, env: {} });
    const unset = await web.sendRequests('2026-11');
    expect(unset.delivery.failed.map((f) => f.error)).toEqual([expect.stringMatching(/no SMTP server configured/), expect.any(String)]);
    // The settings screen, meanwhile: an SMTP server and new contact details.
    await core.api['settings-save']({ values: { 'smtp.url': smtp.url, 'dealer.contact': 'Kopierwerk AG\n044 000 00 00' } });
    const sent = await web.sendRequests('2026-11');
    expect(sent.delivery.sent).toHaveLength(2);
    await smtp.waitFor(2);
    expect(smtp.mails.every((mail) => mail.text?.includes('Kopierwerk AG'))).toBe(true);
    await web.sync();
    const visit = new Visit(web.portalUrl!);
    await visit.get('/l/not-a-link');
    expect(visit.page).toContain('Kopierwerk AG<br>044 000 00 00');
  });
});

describe('the portal visit and the sync', () => {
  it("labels a device's ID and serial number in the customer's language", async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    await visitFromMail(core, dir);
    const english = smtp.mails.find((m) => m.text?.includes('Dear Customer,'))!;
    const visit = new Visit(web!.portalUrl!);
    await visit.get(linkIn(english).replace('http://portal.invalid', ''));
    expect(visit.page).toContain('Equipment ID: 3.200.117');
    expect(visit.page).toMatch(/Serial no\.: \S+/);
    expect(visit.page).not.toContain('NS : ');
  });

  it("lists a flagged web value with its reading's flag as it is now: confirmed by a clerk, it is no longer to check", async () => {
    const { core, visit, runtime } = await customerOnPortal();
    const black = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    const last = visit.lastValue(black);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(last + 5_000_000))).toBe(303);
    await runtime.sync();
    // Transferred now: the customer can no longer change it, so the page no longer asks to check it.
    await visit.get('/releve');
    expect(visit.page).toContain('Transmis, ne peut plus être modifié');
    expect(visit.page).not.toContain('considérablement supérieure');
    const listed = async () => (await core.api['web-overview']({})).submissions.find((s) => s.equipmentId === '3.022.790')!;
    expect(await listed()).toMatchObject({ flagged: true, readingFlagged: true, readingValues: [{ kind: 'black', value: last + 5_000_000 }] });
    const reading = readingsOf(core, '3.022.790').at(-1)!;
    await core.api['readings-confirm']({ readingId: reading.id, revision: reading.revision });
    // What the customer entered stays as entered; the reading is checked now.
    expect(await listed()).toMatchObject({ flagged: true, readingFlagged: false });
  });

  it('lets the customer enter, refuses a lower value, flags an implausible one, and the sync makes web readings', async () => {
    const { core, visit, runtime } = await customerOnPortal();
    expect(visit.status).toBe(200);
    expect(visit.page).toContain('N° DU CLIENT : 999999');
    for (const id of ['3.022.790', '3.024.072', '3.033.923']) expect(visit.page).toContain(`ID : ${id}`);
    expect(visit.page).toContain('A saisir');

    const black = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    const last = visit.lastValue(black);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', '12305')).toBe(422);
    expect(visit.page).toContain('✘ Echec !');
    expect(visit.page).toContain(`La valeur doit être supérieure ou égale à celle du dernier compteur (${last})`);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', '12a')).toBe(422);
    expect(visit.page).toContain('nombre entier');
    // The refused value's page is at the form's address: reloaded, it is the customer's page with that field open.
    const reloaded = await visit.get(`/releve/${black}`);
    expect(reloaded.status).toBe(303);
    expect(reloaded.headers.get('location')).toBe(`/releve?saisir=${black}#c${black}`);
    await visit.get(`/releve?saisir=${black}`);
    expect(visit.page).toContain('N° DU CLIENT : 999999');
    expect((await visit.get('/releve/x1')).status).toBe(404);
    await visit.get('/releve');
    expect(core.db.get('SELECT 1 FROM web_submissions')).toBeUndefined();

    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(last + 900))).toBe(303);
    expect(visit.page).toMatch(/Saisie effectuée 23\.11\.2026/);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(last + 5_000_000))).toBe(303);
    expect(visit.page).toContain('A vérifier 23.11.2026');
    expect(visit.page).toContain('⚠ La valeur saisie est considérablement supérieure à votre consommation habituelle. Merci de vérifier.');
    // Changed again before the night: the last value counts.
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(last + 1000))).toBe(303);
    expect(visit.page).not.toContain('A vérifier');

    // One of two counters of a colour device: not transferred until both are there.
    const colourLast = (kind: string) =>
      visit.lastValue(visit.counterId('3.033.923', kind));
    const colour = colourLast('Compteur Couleur');
    expect(await visit.enter('3.033.923', 'Compteur Couleur', String(colour + 50))).toBe(303);
    // Said under that device (and only there): it goes once its other counter is entered.
    expect(visit.page.split('Il manque encore un compteur de cette machine')).toHaveLength(2);
    expect(visit.page.split('<section').find((part) => part.includes(' 3.033.923">'))).toContain('Il manque encore un compteur');

    const first = await runtime.sync();
    expect(first).toMatchObject({ collected: 1, applied: 1, held: 0, already: 0 });
    const [reading] = readingsOf(core, '3.022.790').slice(-1);
    expect(reading).toMatchObject({ source: 'web', status: '01', date: '2026-11-23', flagged: false });
    expect(reading!.counters.find((c) => c.kind === 'black')!.new).toBe(last + 1000);

    // Locked in the portal now; the half-entered colour device can still be changed.
    await visit.get('/releve');
    expect(visit.page).toContain('Transmis, ne peut plus être modifié');
    const blackRow = new RegExp(`id="c${black}"[\\s\\S]*?</tr>`).exec(visit.page)![0];
    expect(blackRow).not.toContain('Modifier');
    await visit.post(`/releve/${black}`, { value: String(last + 2000) });
    expect(visit.status).toBe(409);
    // Said beside the counter: the change was not saved.
    expect(visit.page).toContain('Ce compteur a déjà été transmis : la valeur saisie n’a pas été enregistrée.');

    // Twice in a row: the second sync changes nothing.
    const before = core.db.get<{ n: number }>('SELECT count(*) AS n FROM readings')!.n;
    const second = await runtime.sync();
    expect(second).toMatchObject({ collected: 0, applied: 0, held: 0 });
    expect(core.db.get<{ n: number }>('SELECT count(*) AS n FROM readings')!.n).toBe(before);
  });

  it('after a restore of the database from a backup, the syncs bring back what customers entered since — kept aside for a clerk, on a link made after the backup too', async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    let runtime = await withWeb(core, dir, { METERDESK_PUBLIC_URL: 'http://portal.invalid' });
    // A link before the backup (it is in the backup), then the backup, then a new link that replaces it.
    await core.api['web-hand-over-link']({ customerNumber: '999999' });
    const { files } = await core.api['backup-now']({});
    const backup = files.find((file) => file.kind === 'database')!;
    const link = await core.api['web-hand-over-link']({ customerNumber: '999999' });
    const visit = new Visit(runtime.portalUrl!);
    await visit.get(link.url.replace('http://portal.invalid', ''));
    const last = visit.lastValue(visit.counterId('3.022.790', 'Compteur Noir-blanc'));
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(last + 900))).toBe(303);
    // Taken over, then discarded by a clerk who knew better: a decision the backup does not hold.
    const colour = visit.lastValue(visit.counterId('3.024.072', 'Compteur Couleur'));
    const black = visit.lastValue(visit.counterId('3.024.072', 'Compteur Noir-blanc'));
    expect(await visit.enter('3.024.072', 'Compteur Couleur', String(colour + 100))).toBe(303);
    expect(await visit.enter('3.024.072', 'Compteur Noir-blanc', String(black + 100))).toBe(303);
    await recordReading(core, '3.024.072', 50);
    expect(await runtime.sync()).toMatchObject({ collected: 2, applied: 1, held: 1 });
    const [held] = (await core.api['web-overview']({})).submissions.filter((row) => row.state === 'held');
    await core.api['web-decide']({ id: held!.id, action: 'discard' });
    await web!.stop();
    web = null;
    core.close();

    // Restored (as the next start does for a restore asked for on the settings screen): both values and the new link are gone from it.
    restore(dir, join(dir, 'backups', backup.name), new Date('2026-11-23T10:00:00Z'));
    const restored = testCore({ dir, demo: false });
    expect(readingsOf(restored, '3.022.790').some((reading) => reading.source === 'web')).toBe(false);
    runtime = await withWeb(restored, dir, { METERDESK_PUBLIC_URL: 'http://portal.invalid' });
    const recovered = await runtime.sync();
    // Both come back, neither applied by itself: the discarded one must not return as a reading unseen.
    expect(recovered).toMatchObject({ collected: 2, applied: 0, held: 2, unknown: [] });
    const back = (await restored.api['web-overview']({})).submissions;
    expect(back.map((row) => [row.equipmentId, row.state, row.reason])).toEqual(
      expect.arrayContaining([
        ['3.022.790', 'held', 'recovered'],
        ['3.024.072', 'held', 'recovered'],
      ]),
    );
    // The link made after the backup is the customer's current one again (its change log says how it came back); the old one is closed.
    const links = restored.db.all<{ id: number; token_hash: string; replaced_at: string | null }>(
      "SELECT l.id, l.token_hash, l.replaced_at FROM web_links l JOIN customers c ON c.id = l.customer_id WHERE c.number = '999999' ORDER BY l.id",
    );
    expect(links.map((row) => row.replaced_at === null)).toEqual([false, true]);
    expect(restored.db.get<{ changes: string }>("SELECT changes FROM audit_log WHERE entity = 'web_link' AND entity_id = ?", [links[1]!.id])!.changes).toContain('recovered');
    // Taken over by the clerk: the customer's value is the month's reading again.
    await restored.api['web-decide']({ id: back.find((row) => row.equipmentId === '3.022.790')!.id, action: 'apply' });
    const [reading] = readingsOf(restored, '3.022.790').slice(-1);
    expect(reading).toMatchObject({ source: 'web', status: '01' });
    expect(reading!.counters.find((c) => c.kind === 'black')!.new).toBe(last + 900);
    const again = new Visit(runtime.portalUrl!);
    await again.get(link.url.replace('http://portal.invalid', ''));
    expect(again.page).toContain('Transmis, ne peut plus être modifié');

    // The recovery lasts: a value entered later on that link is taken in too, each submission stored once.
    const colourDevice = again.lastValue(again.counterId('3.033.923', 'Compteur Couleur'));
    const blackDevice = again.lastValue(again.counterId('3.033.923', 'Compteur Noir-blanc'));
    expect(await again.enter('3.033.923', 'Compteur Couleur', String(colourDevice + 10))).toBe(303);
    expect(await again.enter('3.033.923', 'Compteur Noir-blanc', String(blackDevice + 10))).toBe(303);
    expect(await runtime.sync()).toMatchObject({ collected: 3, applied: 1, held: 0, already: 2 });
    expect(restored.db.get<{ n: number }>('SELECT count(*) AS n FROM web_submissions')!.n).toBe(3);
    // Two months on, the recovery is over: the syncs collect only what is new.
    expect(syncRecovery(dir, new Date('2026-12-23T09:00:00Z'))).not.toBeNull();
    expect(syncRecovery(dir, new Date('2027-01-30T09:00:00Z'))).toBeNull();
    expect(syncRecovery(dir, new Date('2026-12-23T09:00:00Z'))).toBeNull();
  });

  it('after a restore, a link the database made since (the requests sent again) stays the customer\'s, and the recovered one is only for the record', async () => {
    const core = testCore();
    const dir = core.db.file.replace(/\/[^/]+$/, '');
    let runtime = await withWeb(core, dir, { METERDESK_PUBLIC_URL: 'http://portal.invalid' });
    const { files } = await core.api['backup-now']({});
    const link = await core.api['web-hand-over-link']({ customerNumber: '999999' });
    const visit = new Visit(runtime.portalUrl!);
    await visit.get(link.url.replace('http://portal.invalid', ''));
    const last = visit.lastValue(visit.counterId('3.022.790', 'Compteur Noir-blanc'));
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(last + 900))).toBe(303);
    expect(await runtime.sync()).toMatchObject({ applied: 1 });
    await web!.stop();
    web = null;
    core.close();
    restore(dir, join(dir, 'backups', files.find((file) => file.kind === 'database')!.name), new Date('2026-11-23T10:00:00Z'));
    // An hour after the restore the office gives the customer a link again (or the month's requests go out again).
    const restored = testCore({ dir, demo: false, now: '2026-11-23T11:00:00Z' });
    runtime = await withWeb(restored, dir, { METERDESK_PUBLIC_URL: 'http://portal.invalid' });
    const fresh = await restored.api['web-hand-over-link']({ customerNumber: '999999' });
    expect(await runtime.sync()).toMatchObject({ collected: 1, held: 1, unknown: [] });
    const links = restored.db.all<{ token_hash: string; replaced_at: string | null }>(
      "SELECT l.token_hash, l.replaced_at FROM web_links l JOIN customers c ON c.id = l.customer_id WHERE c.number = '999999' ORDER BY l.id",
    );
    expect(links.map((row) => row.replaced_at === null)).toEqual([true, false]);
    const customer = new Visit(runtime.portalUrl!);
    await customer.get(fresh.url.replace('http://portal.invalid', ''));
    expect(customer.page).toContain('N° DU CLIENT : 999999');
  });

  it('loses and duplicates nothing when a sync dies half-way', async () => {
    const { core, visit, runtime } = await customerOnPortal();
    for (const [device, kind] of [['3.022.790', 'Compteur Noir-blanc'], ['3.024.072', 'Compteur Couleur'], ['3.024.072', 'Compteur Noir-blanc'], ['3.033.923', 'Compteur Couleur'], ['3.033.923', 'Compteur Noir-blanc']] as const) {
      const id = visit.counterId(device, kind);
      const lastValue = visit.lastValue(id);
      expect(await visit.enter(device, kind, String(lastValue + 100))).toBe(303);
    }
    const count = () => core.db.get<{ n: number }>(`SELECT count(*) AS n FROM readings WHERE source = 'web'`)!.n;

    // Dies while storing: after the first of three submissions (one transaction: all rolled back).
    core.db.run(`CREATE TEMP TRIGGER crash AFTER INSERT ON web_submissions WHEN (SELECT count(*) FROM web_submissions) >= 2
                 BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`);
    await expect(runtime.sync()).rejects.toThrow(/simulated crash/);
    expect(count()).toBe(0);
    core.db.run('DROP TRIGGER crash');

    // Dies after storing, before the portal heard back: the next run stores nothing twice.
    const client = httpPortalClient(runtime.portalUrl!, runtime.config.portalSecret);
    const dying = { ...client, ack: () => Promise.reject(new Error('killed before the acknowledgement')) };
    await expect(runSync(core.context, runtime.config, dying)).rejects.toThrow(/killed/);
    expect(count()).toBe(3);
    const again = await runtime.sync();
    expect(again).toMatchObject({ collected: 3, already: 3, applied: 0 });
    expect(count()).toBe(3);
    expect((await runtime.sync()).collected).toBe(0);
    expect(count()).toBe(3);
  });

  it('keeps a web value aside when a clerk recorded the period, until staff decide', async () => {
    const { core, visit, runtime } = await customerOnPortal();
    const id = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    const lastValue = visit.lastValue(id);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(lastValue + 300))).toBe(303);

    // Meanwhile a clerk records the device's reading for November by hand.
    const manual = await recordReading(core, '3.022.790', 250);
    const report = await runtime.sync();
    expect(report).toMatchObject({ applied: 0, held: 1 });
    const latest = readingsOf(core, '3.022.790').at(-1)!;
    expect(latest.id).toBe(manual.id);
    expect(latest.counters[0]!.new).toBe(lastValue + 250);

    const overview = await core.api['web-overview']({});
    const [held] = overview.submissions;
    expect(held).toMatchObject({ state: 'held', reason: 'recorded', equipmentId: '3.022.790', customerNumber: '999999' });
    expect(held!.values[0]!.value).toBe(lastValue + 300);
    // Beside it, the office's reading of the month, to compare: taking over checks it is still the one compared.
    expect(held!.periodReading).toMatchObject({ id: manual.id, status: '01', source: 'manual', values: [{ kind: 'black', value: lastValue + 250 }] });
    const stale = core.api['web-decide']({ id: held!.id, action: 'apply', revision: held!.periodReading!.revision + 1 });
    await expect(stale).rejects.toThrow(/changed meanwhile/);
    // Taken over, the customer's value corrects the clerk's reading of the period: one reading
    // of November, its validity kept — not a second one with a validity of its own after it.
    const before = readingsOf(core, '3.022.790');
    const decided = await core.api['web-decide']({ id: held!.id, action: 'apply', revision: held!.periodReading!.revision });
    expect(decided.state).toBe('applied');
    const after = readingsOf(core, '3.022.790');
    expect(after).toHaveLength(before.length);
    const web = after.at(-1)!;
    expect(web).toMatchObject({ id: manual.id, source: 'web', validFrom: manual.validFrom, validTo: manual.validTo, date: held!.values[0]!.enteredOn });
    expect(decided.readingId).toBe(manual.id);
    expect(web.counters[0]).toMatchObject({ old: lastValue, new: lastValue + 300 });
    const history = await core.api['devices-get']({ equipmentId: '3.022.790' });
    expect(history.readings.filter((r) => r.validTo >= '2026-11-01' && r.validFrom <= '2026-11-30')).toHaveLength(1);
    await expect(core.api['web-decide']({ id: held!.id, action: 'discard' })).rejects.toThrow(/decided already/);
  });

  it('keeps a web value the rules refuse at the sync aside, and says which rule and which counter', async () => {
    const { core, visit, runtime } = await customerOnPortal();
    const id = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    const lastValue = visit.lastValue(id);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(lastValue + 300))).toBe(303);
    // After the portal was published, October's counter turns out higher than the customer's value.
    const october = readingsOf(core, '3.022.790').at(-1)!;
    core.db.run("UPDATE reading_counters SET new_value = ? WHERE reading_id = ? AND kind = 'black'", [lastValue + 1000, october.id]);
    expect(await runtime.sync()).toMatchObject({ applied: 0, held: 1 });
    const [held] = (await core.api['web-overview']({})).submissions;
    expect(held!.state).toBe('held');
    const { kind, issues } = heldReason(held!.reason!);
    expect(kind).toBe('refused');
    expect(issues).toEqual([expect.objectContaining({ field: 'black.new', params: expect.objectContaining({ min: lastValue + 1000 }) })]);
    // In words, as Web-Erfassung, Hinweise and the change log show it.
    const min = formatCounter(lastValue + 1000, 'de');
    expect(heldReasonText(held!.reason!, 'de')).toBe(`Von den Regeln abgelehnt: Schwarz Zählerstand neu: ${issueText(issues[0]!, 'de')}`);
    expect(heldReasonText(held!.reason!, 'de')).toContain(min);
    // A reason stored before the issues were kept (only their codes) still reads.
    expect(heldReasonText('refused:below-old', 'fr')).toBe('Refusé par les règles');
    expect(heldReasonText('recorded', 'en')).toMatch(/^A reading was already recorded for this period/);
  });

  it("carries the customer's values not yet collected over to a new link of the month, and collects them once", async () => {
    const { core, visit, runtime } = await customerOnPortal();
    const black = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    const last = visit.lastValue(black);
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(last + 100))).toBe(303);
    const colour = visit.counterId('3.033.923', 'Compteur Couleur');
    const colourLast = visit.lastValue(colour);
    expect(await visit.enter('3.033.923', 'Compteur Couleur', String(colourLast + 40))).toBe(303);

    // Before the night, the customer calls: the office hands over a new link.
    const link = await core.api['web-hand-over-link']({ customerNumber: '999999' });
    const fresh = new Visit(runtime.portalUrl!);
    await fresh.get(new URL(link.url).pathname);
    // What was entered on the old link is there, and can still be changed.
    const row = (page: string, equipmentId: string, label: string) => {
      const section = page.split('<section').find((part) => part.includes(` ${equipmentId}">`))!;
      return section.split('<tr id="c').find((part) => part.includes(label))!;
    };
    expect(row(fresh.page, '3.022.790', 'Compteur Noir-blanc')).toContain(String(last + 100));
    expect(row(fresh.page, '3.022.790', 'Compteur Noir-blanc')).toContain('Modifier');
    expect(await fresh.enter('3.022.790', 'Compteur Noir-blanc', String(last + 150))).toBe(303);
    expect(row(fresh.page, '3.033.923', 'Compteur Couleur')).toContain(String(colourLast + 40));

    // Collected once: one web reading with the corrected value, nothing kept aside twice.
    const report = await runtime.sync();
    expect(report).toMatchObject({ collected: 1, applied: 1, held: 0 });
    expect(readingsOf(core, '3.022.790').at(-1)!.counters[0]).toMatchObject({ new: last + 150 });
    expect((await core.api['web-overview']({})).submissions).toHaveLength(1);
    expect(await runtime.sync()).toMatchObject({ collected: 0 });
  });

  it("speaks the customer's language after a logout, whatever the browser's", async () => {
    const { visit } = await customerOnPortal();
    await visit.post('/deconnexion', {});
    expect(visit.page).toContain('Vous êtes déconnecté');
    await visit.get('/releve');
    expect(visit.status).toBe(403);
    expect(visit.page).toContain('Votre visite est terminée (déconnexion ou délai dépassé)');
  });

  it('lets the customer read the portal in another language from its header, until the link is opened again', async () => {
    const { visit, path } = await customerOnPortal();
    expect(visit.page).toContain('<span aria-current="true">Français</span>');
    expect(visit.page).toContain('<a href="/langue/de" lang="de" hreflang="de">Deutsch</a>');
    const switched = await visit.get('/langue/de');
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/releve');
    await visit.get('/releve');
    expect(visit.page).toContain('<html lang="de">');
    expect(visit.page).toContain('Zählerstände erfassen');
    expect(visit.page).toContain('<span aria-current="true">Deutsch</span>');
    // A refused value is refused in it too; the print view and the logout speak it.
    const black = visit.counterId('3.022.790', 'Zähler Schwarz-Weiss');
    await visit.post(`/releve/${black}`, { value: '12' });
    expect(visit.status).toBe(422);
    expect(visit.page).toContain('<html lang="de">');
    await visit.get('/imprimer');
    expect(visit.page).toContain('<html lang="de">');
    expect((await visit.get('/langue/xx')).status).toBe(404);
    // Opened from the e-mail again: the customer's own language.
    await visit.get(path);
    expect(visit.page).toContain('<html lang="fr">');
    await visit.get('/langue/en');
    await visit.get('/releve');
    expect(visit.page).toContain('Meter readings');
    await visit.post('/deconnexion', {});
    expect(visit.page).toContain('<html lang="en">');
  });

  it('no longer asks the customer for a device the office has read for the period', async () => {
    const { core, path, visit, runtime } = await customerOnPortal();
    expect(visit.page).toContain('3.022.790');
    expect(visit.page).toContain('3.024.072');
    // A clerk records 3.022.790 by hand; the customer has entered nothing for it.
    await recordReading(core, '3.022.790', 250);
    await runtime.sync();
    await visit.get(path);
    expect(visit.page).not.toContain('3.022.790');
    expect(visit.page).toContain('3.024.072');
  });

  it("keeps a real value aside over the office's estimate of the month, saying so; taken over it replaces the estimate, judged from the last real reading", async () => {
    const { core, visit, runtime, path } = await customerOnPortal();
    const estimated = await core.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.033.923'] });
    expect(estimated.created).toHaveLength(1);
    const estimate = readingsOf(core, '3.033.923').at(-1)!;
    expect(estimate).toMatchObject({ source: 'estimate', status: '01', date: '2026-11-23' });
    await runtime.sync();
    await visit.get(path);
    // The portal names the last real reading — its date and counter — not the estimate.
    const counterRow = (label: string) => {
      const section = visit.page.split('<section').find((part) => part.includes(' 3.033.923">'))!;
      return section.split('<tr id="c').find((part) => part.includes(label))!;
    };
    expect(counterRow('Compteur Noir-blanc')).toContain('31.10.2026');
    const black = visit.lastValue(visit.counterId('3.033.923', 'Compteur Noir-blanc'));
    const colour = visit.lastValue(visit.counterId('3.033.923', 'Compteur Couleur'));
    expect(black).toBe(estimate.counters.find((c) => c.kind === 'black')!.old);
    // About the usual month's usage: no A vérifier.
    const usage = estimate.counters.find((c) => c.kind === 'black')!.usage;
    expect(await visit.enter('3.033.923', 'Compteur Noir-blanc', String(black + usage - 6))).toBe(303);
    expect(await visit.enter('3.033.923', 'Compteur Couleur', String(colour + 100))).toBe(303);
    expect(counterRow('Compteur Noir-blanc')).not.toContain('A vérifier');

    // SPEC §5: the period's reading is not overwritten at the sync, an estimate neither; the reason says it is one.
    expect(await runtime.sync()).toMatchObject({ applied: 0, held: 1 });
    const [held] = (await core.api['web-overview']({})).submissions;
    expect(held).toMatchObject({ state: 'held', reason: 'estimated' });
    expect(heldReasonText(held!.reason!, 'de')).toMatch(/^Für diese Periode gibt es nur eine Schätzung/);
    // Taken over, the real value takes the estimate's place: one reading of November, not flagged.
    await core.api['web-decide']({ id: held!.id, action: 'apply', revision: held!.periodReading!.revision });
    const after = readingsOf(core, '3.033.923');
    expect(after.filter((r) => r.validTo >= '2026-11-01')).toHaveLength(1);
    expect(after.at(-1)).toMatchObject({ id: estimate.id, source: 'web', flagged: false, validFrom: estimate.validFrom, validTo: estimate.validTo });
    expect(after.at(-1)!.counters.find((c) => c.kind === 'black')).toMatchObject({ old: black, new: black + usage - 6 });
  });

  it('takes a web value over a billed estimate as the real reading after it, which trues the estimate up', async () => {
    const { core, visit, runtime } = await customerOnPortal();
    const estimated = await core.api['readings-estimate']({ period: '2026-11', equipmentIds: ['3.022.790'] });
    expect(estimated.created).toHaveLength(1);
    await core.api['billing-run']({ period: '2026-11' });
    const estimate = readingsOf(core, '3.022.790').at(-1)!;
    expect(estimate).toMatchObject({ source: 'estimate', status: '11' });
    // The portal still asks for the real value.
    await runtime.sync();
    await visit.get('/releve');
    // It names the last real counter: a value below the estimate is no error.
    const lastReal = visit.lastValue(visit.counterId('3.022.790', 'Compteur Noir-blanc'));
    expect(lastReal).toBeLessThan(estimate.counters[0]!.new);
    const real = estimate.counters[0]!.new - 50;
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(real))).toBe(303);
    expect((await runtime.sync()).held).toBe(1);
    const [held] = (await core.api['web-overview']({})).submissions;
    const decided = await core.api['web-decide']({ id: held!.id, action: 'apply' });
    const after = readingsOf(core, '3.022.790');
    expect(after.at(-2)).toMatchObject({ id: estimate.id, source: 'estimate', status: '11' });
    expect(after.at(-1)).toMatchObject({ id: decided.readingId, source: 'web' });
    expect(after.at(-1)!.counters[0]).toMatchObject({ old: estimate.counters[0]!.new, new: real, usage: -50 });
  });

  it("keeps the portal page's order of devices after a sync took one of them over", async () => {
    const { core, visit, runtime, path } = await customerOnPortal();
    const order = () => [...visit.page.matchAll(/ID : (\d\.\d{3}\.\d{3})/g)].map((m) => m[1]);
    expect(order()).toEqual(['3.022.790', '3.024.072', '3.033.923']);
    for (const kind of ['Compteur Noir-blanc', 'Compteur Couleur']) {
      const id = visit.counterId('3.024.072', kind);
      expect(await visit.enter('3.024.072', kind, String(visit.lastValue(id) + 200))).toBe(303);
    }
    expect((await runtime.sync()).applied).toBe(1);
    // The first device read by a clerk the next day: it leaves the page, the others keep their order.
    await recordReading(core, '3.022.790', 250);
    await runtime.sync();
    await visit.get(path);
    expect(order()).toEqual(['3.024.072', '3.033.923']);
  });

  it('does not ask again on a new link for a device the customer entered on the old one', async () => {
    const { core, visit, runtime } = await customerOnPortal();
    const id = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(visit.lastValue(id) + 300))).toBe(303);
    expect((await runtime.sync()).applied).toBe(1);
    const link = await core.api['web-hand-over-link']({ customerNumber: '999999' });
    const fresh = new Visit(runtime.portalUrl!);
    await fresh.get(new URL(link.url).pathname);
    expect(fresh.page).toContain('3.024.072');
    expect(fresh.page).not.toContain('3.022.790');
  });

  it('refuses to take a web value over a billed reading of the period, and says why', async () => {
    const { core, visit, runtime } = await customerOnPortal();
    const id = visit.counterId('3.022.790', 'Compteur Noir-blanc');
    expect(await visit.enter('3.022.790', 'Compteur Noir-blanc', String(visit.lastValue(id) + 300))).toBe(303);
    const manual = await recordReading(core, '3.022.790', 250);
    expect((await runtime.sync()).held).toBe(1);
    core.db.run("UPDATE readings SET status = '11' WHERE id = ?", [manual.id]);
    const [held] = (await core.api['web-overview']({})).submissions;
    expect(held!.periodReading).toMatchObject({ id: manual.id, status: '11' });
    await expect(core.api['web-decide']({ id: held!.id, action: 'apply' })).rejects.toThrow(/billed already .*discard the web value/);
    expect((await core.api['web-overview']({})).submissions[0]!.state).toBe('held');
  });
});
