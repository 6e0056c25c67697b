/**
 * Issue 6, faults: the SMTP server refusing (550), answering 421 and hanging up, or not there at
 * all while the request e-mails go out. Each failure is reported, recorded on the e-mail
 * (attempts, error, next attempt after the growing delay) and retried; nothing is marked sent
 * that was not, and once the server is back each customer gets exactly one e-mail.
 */
import { rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mailsOfPeriod } from '../../db/queries/web';
import type { WebRuntime } from '../../src-main/jobs/runtime';
import { loadDemo, openCore, startWeb, type OpenedCore } from '../../src-main/node-main';
import { tempDir } from '../db/helpers';
import { startSmtpSink, type SmtpSink } from '../web/helpers';
import { startCli } from './helpers';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server that greets every connection with `421` and hangs up (an overloaded relay). */
async function busyServer(): Promise<string> {
  const server: Server = createServer((socket) =>
    socket.end('421 4.3.2 Service not available, closing channel\r\n'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback port nobody listens on (an SMTP server that is down). */
async function deadPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

async function sink(): Promise<SmtpSink> {
  const smtp = await startSmtpSink();
  cleanups.push(() => smtp.stop());
  return smtp;
}

/** The demo dealer on 23 Nov 2026 with a clock the test moves on, web reading on `smtpUrl`. */
async function dealer(
  smtpUrl: string,
): Promise<{ core: OpenedCore; web: WebRuntime; clock: { now: Date } }> {
  const dir = tempDir();
  const clock = { now: new Date('2026-11-23T09:30:00Z') };
  const core = openCore({
    dataDir: dir,
    author: 'fault-test',
    version: 'test',
    now: () => clock.now,
  });
  loadDemo(core);
  const web = await startWeb(core, dir, {
    portal: 'private',
    scheduler: false,
    env: { METERDESK_SMTP_URL: smtpUrl },
  });
  cleanups.push(() => {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  });
  cleanups.push(() => web.stop());
  return { core, web, clock };
}

const minutes = (from: Date, to: string) => (new Date(to).getTime() - from.getTime()) / 60_000;

describe('the SMTP server fails while the request e-mails go out', () => {
  it('refused (550), then 421, then down: each attempt reported and recorded, retried later; back up, one e-mail per customer', async () => {
    const smtp = await sink();
    smtp.refuse = true;
    const { core, web, clock } = await dealer(smtp.url);
    const start = clock.now;

    const refused = await web.sendRequests('2026-11');
    expect(refused.delivery.sent).toEqual([]);
    expect(refused.delivery.failed.map((f) => f.customerNumber).sort()).toEqual([
      '200117',
      '999999',
    ]);
    expect(refused.delivery.failed[0]!.error).toMatch(/550/);
    let outbox = mailsOfPeriod(core.db, '2026-11');
    expect(outbox).toHaveLength(2);
    for (const mail of outbox) {
      expect(mail).toMatchObject({ status: 'pending', attempts: 1, sentAt: null });
      expect(mail.token).not.toBeNull();
      expect(mail.lastError).toMatch(/550/);
      expect(minutes(start, mail.nextAttemptAt)).toBe(5);
    }
    // Not due before its time: a retry a minute later sends nothing and counts no attempt.
    clock.now = new Date(start.getTime() + 60_000);
    expect(await web.deliverQueued()).toEqual({ sent: [], failed: [] });
    expect(mailsOfPeriod(core.db, '2026-11').map((m) => m.attempts)).toEqual([1, 1]);

    // The relay now greets with 421 and hangs up; then it is down altogether.
    await web.stop();
    const busy = await startWeb(core, dirname(core.db.file), {
      portal: 'private',
      scheduler: false,
      env: { METERDESK_SMTP_URL: await busyServer() },
    });
    cleanups.push(() => busy.stop());
    clock.now = new Date(start.getTime() + 6 * 60_000);
    const greeted = await busy.deliverQueued();
    expect(greeted.sent).toEqual([]);
    expect(greeted.failed).toHaveLength(2);
    expect(greeted.failed[0]!.error).toMatch(/421|Greeting|closed/i);
    outbox = mailsOfPeriod(core.db, '2026-11');
    for (const mail of outbox) {
      expect(mail).toMatchObject({ status: 'pending', attempts: 2, sentAt: null });
      expect(minutes(clock.now, mail.nextAttemptAt)).toBe(10);
    }
    await busy.stop();

    const down = await startWeb(core, dirname(core.db.file), {
      portal: 'private',
      scheduler: false,
      env: { METERDESK_SMTP_URL: await deadPort() },
    });
    cleanups.push(() => down.stop());
    clock.now = new Date(start.getTime() + 20 * 60_000);
    const unreachable = await down.deliverQueued();
    expect(unreachable.sent).toEqual([]);
    expect(unreachable.failed).toHaveLength(2);
    expect(unreachable.failed[0]!.error).toMatch(/ECONNREFUSED|connect/i);
    for (const mail of mailsOfPeriod(core.db, '2026-11')) {
      expect(mail).toMatchObject({ status: 'pending', attempts: 3, sentAt: null });
      expect(minutes(clock.now, mail.nextAttemptAt)).toBe(20);
    }
    await down.stop();
    expect(smtp.mails).toEqual([]);

    // Back up: the next due retry sends each customer one e-mail; later retries send nothing more.
    smtp.refuse = false;
    const back = await startWeb(core, dirname(core.db.file), {
      portal: 'private',
      scheduler: false,
      env: { METERDESK_SMTP_URL: smtp.url },
    });
    cleanups.push(() => back.stop());
    clock.now = new Date(start.getTime() + 41 * 60_000);
    const delivered = await back.deliverQueued();
    expect(delivered.sent.map((s) => s.customerNumber).sort()).toEqual(['200117', '999999']);
    expect(delivered.failed).toEqual([]);
    clock.now = new Date(start.getTime() + 12 * 3_600_000);
    expect(await back.deliverQueued()).toEqual({ sent: [], failed: [] });
    await smtp.waitFor(2);
    expect(smtp.mails).toHaveLength(2);
    for (const mail of mailsOfPeriod(core.db, '2026-11')) {
      expect(mail).toMatchObject({ status: 'sent', attempts: 4, token: null, lastError: null });
      expect(mail.sentAt).not.toBeNull();
    }
  });

  it('a clerk who sends again once the server is back sends what waits for its retry at once, one e-mail per customer', async () => {
    const smtp = await sink();
    smtp.refuse = true;
    const { core, web, clock } = await dealer(smtp.url);
    const start = clock.now;
    expect((await web.sendRequests('2026-11')).delivery.failed).toHaveLength(2);

    // A minute later, the server fixed: the retry job would wait four more minutes, the
    // clerk's *Anfragen senden* does not.
    smtp.refuse = false;
    clock.now = new Date(start.getTime() + 60_000);
    expect(await web.deliverQueued()).toEqual({ sent: [], failed: [] });
    const again = await web.sendRequests('2026-11');
    expect(again.delivery.sent.map((s) => s.customerNumber).sort()).toEqual(['200117', '999999']);
    expect(again.delivery.failed).toEqual([]);
    for (const mail of mailsOfPeriod(core.db, '2026-11')) {
      expect(mail).toMatchObject({ status: 'sent', attempts: 2, token: null, lastError: null });
    }
    // Nothing is left for the retry job, nor for another send.
    clock.now = new Date(start.getTime() + 3_600_000);
    expect(await web.deliverQueued()).toEqual({ sent: [], failed: [] });
    expect((await web.sendRequests('2026-11')).delivery).toEqual({ sent: [], failed: [] });
    await smtp.waitFor(2);
    expect(smtp.mails).toHaveLength(2);
  });

  it('two senders on one data folder at once (the app, and send-requests beside it): one e-mail per customer', async () => {
    const smtp = await sink();
    const { core, web, clock } = await dealer(smtp.url);
    const dir = dirname(core.db.file);
    const second = openCore({ dataDir: dir, author: 'fault-test', version: 'test', now: () => clock.now });
    cleanups.push(() => second.close());
    const beside = await startWeb(second, dir, { portal: 'private', scheduler: false, env: { METERDESK_SMTP_URL: smtp.url } });
    cleanups.push(() => beside.stop());

    const reports = await Promise.all([web.sendRequests('2026-11'), beside.sendRequests('2026-11')]);
    const sent = reports.flatMap((report) => report.delivery.sent.map((s) => s.customerNumber));
    expect(sent.sort()).toEqual(['200117', '999999']);
    // The server has answered each e-mail it got (the sink keeps it before it answers).
    expect(smtp.mails).toHaveLength(2);
    for (const mail of mailsOfPeriod(core.db, '2026-11')) {
      expect(mail).toMatchObject({ status: 'sent', attempts: 1, token: null });
    }
  });

  it('npm run cli -- send-requests says NOT SENT per customer and exits 1; the e-mails stay queued', async () => {
    const smtp = await sink();
    smtp.refuse = true;
    const dir = tempDir();
    const core = openCore({ dataDir: dir, author: 'fault-test' });
    loadDemo(core);
    core.close();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

    const run = startCli(['send-requests', '--data', dir], { METERDESK_SMTP_URL: smtp.url });
    const { code, out } = await run.done;
    expect(code).toBe(1);
    expect(out).toMatch(
      /999999 → client999999@example\.com: NOT SENT \(.*550.*\); queued, retried later/,
    );
    expect(out).toContain('0 sent, 2 failed');

    const after = openCore({ dataDir: dir, author: 'fault-test' });
    try {
      const period = out.match(/reading requests for (\d{4}-\d{2})/)![1]!;
      const outbox = mailsOfPeriod(after.db, period);
      expect(outbox.map((m) => [m.status, m.attempts, m.sentAt])).toEqual([
        ['pending', 1, null],
        ['pending', 1, null],
      ]);
    } finally {
      after.close();
    }
    expect(smtp.mails).toEqual([]);
  });
});
