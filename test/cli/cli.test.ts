import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepSecretsSealed } from '../../db/queries/settings';
import { openCore } from '../../src-main/node-main';
import { tempDir } from '../db/helpers';
import { startSmtpSink } from '../web/helpers';
import { cli } from './helpers';

/** As `cli`, without blocking the event loop: for commands that talk to this process's SMTP server. */
function cliAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src-main/cli.ts', ...args], {
      env: { ...process.env, METERDESK_LOG_LEVEL: 'silent' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

// Each test runs several CLI processes (tsx, a second or more each): on a busy machine 20 s is not enough.
describe('npm run cli', { timeout: 60_000 }, () => {
  it('--help lists the commands and the options', () => {
    const { code, out } = cli('--help');
    expect(code).toBe(0);
    for (const word of ['serve', 'demo', '--data DIR', '--port N', '--demo', 'METERDESK_DATA']) expect(out).toContain(word);
    for (const word of ['portal', 'send-requests', '--period YYYY-MM', '--resend', '--customer NUMBER', 'sync', '--portal-port N', 'METERDESK_SMTP_URL', 'METERDESK_PUBLIC_URL']) {
      expect(out).toContain(word);
    }
  });

  it('send-requests and sync work on a data folder without the app running; settings are shown and set', async () => {
    const smtp = await startSmtpSink();
    try {
      const dir = tempDir();
      cli('demo', '--data', dir);
      expect(cli('send-requests', '--period', '2026-13', '--data', dir).code).toBe(2);
      expect(cli('settings', 'smtp.url', smtp.url, '--data', dir).code).toBe(0);
      const shown = cli('settings', '--data', dir);
      expect(shown.out).toMatch(/smtp\.url\s+\(set, hidden\)/);
      expect(shown.out).not.toContain(smtp.url);
      // A long value: cut with "…" in the list, whole (its lines joined) when asked for by name.
      const contact = 'Kopierwerk AG · Bahnhofstrasse 1 · 8001 Zürich\nT. +41 44 000 00 00';
      expect(cli('settings', 'dealer.contact', contact, '--data', dir).code).toBe(0);
      expect(cli('settings', '--data', dir).out).toMatch(/dealer\.contact\s+Kopierwerk AG · Bahnhofstrasse 1 · 8001… /);
      expect(cli('settings', 'dealer.contact', '--data', dir).out).toContain('Kopierwerk AG · Bahnhofstrasse 1 · 8001 Zürich / T. +41 44 000 00 00');
      expect(cli('settings', 'bogus', 'x', '--data', dir).code).toBe(2);

      const sent = await cliAsync('send-requests', '--data', dir);
      expect(sent.code).toBe(0);
      expect(sent.out).toMatch(/999999 → client999999@example\.com: sent/);
      expect(sent.out).toContain('2 sent, 0 failed');
      expect(smtp.mails).toHaveLength(2);
      const again = await cliAsync('send-requests', '--data', dir);
      expect(again.out).toContain('already requested for this period');
      // One customer with nothing due in the month: said, not a silent "0 sent".
      const none = await cliAsync('send-requests', '--customer', '999999', '--period', '2020-01', '--data', dir);
      expect(none.out).toContain('999999: nothing to send — none of its devices is due in 2020-01');
      const synced = await cliAsync('sync', '--data', dir);
      expect(synced.code).toBe(0);
      expect(synced.out).toMatch(/synchronised — 2 links published, 0 submissions collected/);
    } finally {
      await smtp.stop();
    }
  });

  it("says which secrets the desktop app sealed with its keychain, which the command line cannot read, and how else", async () => {
    const dir = tempDir();
    const app = openCore({ dataDir: dir, author: 'app', version: 'test' });
    // Any keychain will do: the command line has none.
    keepSecretsSealed(app.db, { seal: (clear) => Buffer.from(clear).toString('base64'), open: (sealed) => Buffer.from(sealed, 'base64').toString() });
    await app.api['settings-save']({ values: { 'smtp.url': 'smtp://127.0.0.1:2525' } });
    app.close();
    const send = cli('send-requests', '--data', dir);
    expect(send.err).toContain("smtp.url is sealed by the desktop app's keychain and cannot be read here — set METERDESK_SMTP_URL");
    const settings = cli('settings', '--data', dir);
    expect(settings.out).toMatch(/smtp\.url +\(set/);
  });

  it('link prints a new link for one customer to give by hand, and sends no e-mail', () => {
    const dir = tempDir();
    cli('demo', '--data', dir);
    const given = cli('link', '--customer', '999999', '--data', dir);
    expect(given.code).toBe(0);
    expect(given.out).toMatch(/a new link for customer 999999 \(\d{4}-\d{2}\), valid until \d{4}-\d{2}-04/);
    expect(given.out).toMatch(/^ {2}http:\/\/127\.0\.0\.1:4781\/l\/[\w-]{20,}$/m);
    const again = cli('link', '--customer', '999999', '--data', dir);
    expect(again.out).toContain('the previous link no longer works');
    expect(cli('link', '--customer', '300451', '--data', dir)).toMatchObject({ code: 1, out: expect.stringContaining('does not read its counters on the web') });
    expect(cli('link', '--data', dir).code).toBe(2);
  });

  it("a command's --help shows that command and the options it takes, not every command", () => {
    const billing = cli('billing', '--help');
    expect(billing.code).toBe(0);
    expect(billing.out).toContain('billing --period YYYY-MM [--preview | --run | --cancel ID | --post ID]');
    expect(billing.out).toContain('--data DIR');
    expect(billing.out).not.toContain('send-requests');
    expect(cli('serve', '-h').out).toContain('--portal-port N');
    expect(cli('--help').out).toContain('send-requests');
    expect(cli('help', 'billing').out).not.toContain('send-requests');
  });

  it('refuses an unknown command or option with exit code 2', () => {
    expect(cli('bogus').code).toBe(2);
    const option = cli('demo', '--colour');
    expect(option.code).toBe(2);
    expect(option.err).toContain('meterdesk: unknown option --colour\n');
    expect(cli('serve', '--port', 'eighty', '--no-build').err).toContain('--port must be a number');
  });

  it('serve names the port that is taken, the back-office\'s or the portal\'s, and the option for it (exit 2)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const dir = tempDir();
      const portal = cli('serve', '--no-build', '--no-scheduler', '--data', dir, '--port', '0', '--portal-port', String(port));
      expect(portal.code).toBe(2);
      expect(portal.err).toContain(`port ${port} on 127.0.0.1 is in use (another meterdesk?); pass --portal-port N`);
      const office = cli('serve', '--no-build', '--no-scheduler', '--data', dir, '--port', String(port), '--portal-port', '0');
      expect(office.code).toBe(2);
      expect(office.err).toContain(`port ${port} on 127.0.0.1 is in use (another meterdesk?); pass --port N`);
    } finally {
      taken.close();
    }
  });

  it('billing previews, runs and cancels a period, printing the lines and totals', () => {
    const dir = tempDir();
    cli('demo', '--data', dir);
    expect(cli('billing', '--data', dir).code).toBe(2);
    expect(cli('billing', '--period', '2026-11', '--run', '--post', '1', '--data', dir).code).toBe(2);
    const period = new Date().toISOString().slice(0, 7);
    const preview = cli('billing', '--period', period, '--data', dir);
    expect(preview.code).toBe(0);
    expect(preview.out).toContain('nothing is changed');
    expect(preview.out).toMatch(/300451 Imprimerie du Lac SA — contract V-300451-01/);
    expect(preview.out).toMatch(/rounded to 0\.05: CHF \d+\.\d[05]/);
    // Per counter kind in words: Black, Colour.
    expect(preview.out).toMatch(/^ {4}Colour usage +\d+ +free/m);
    // Run 1 is the demo's: last month's of the English customer.
    const run = cli('billing', '--period', period, '--run', '--data', dir);
    expect(run.out).toMatch(/billing run 2 for .*readings now billed \(11\)/);
    expect(cli('billing', '--period', period, '--run', '--data', dir).code).toBe(1);
    expect(cli('billing', '--cancel', '2', '--data', dir).out).toContain('cancelled');
    expect(cli('billing', '--cancel', '2', '--data', dir).code).toBe(1);
  });

  it('backup writes a checked copy that restore puts back', () => {
    const dir = tempDir();
    cli('demo', '--data', dir);
    const backup = cli('backup', '--data', dir);
    expect(backup.code).toBe(0);
    const file = /backup written to (\S+)/.exec(backup.out)![1]!;
    const restored = cli('restore', file, '--data', dir);
    expect(restored.code).toBe(0);
    expect(restored.out).toContain('is kept as');
    const refused = cli('restore', 'test/fixtures/devices.csv', '--data', dir);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('nothing was changed');
  });

  it("restore puts back the portal's backup, and is refused while the portal runs on the folder", async () => {
    const dir = tempDir();
    const portal = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src-main/cli.ts', 'portal', '--port', '0', '--data', dir], {
      env: { ...process.env, METERDESK_LOG_LEVEL: 'silent', METERDESK_PORTAL_SECRET: 'x'.repeat(32) },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        portal.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('customer portal running at')) resolve();
        });
        portal.once('exit', (code) => reject(new Error(`the portal stopped (${code}): ${out}`)));
      });
      const backup = cli('backup', '--data', dir);
      const file = /portal backup written to (\S+)/.exec(backup.out)?.[1];
      expect(file, backup.out).toBeDefined();
      const refused = cli('restore', file!, '--data', dir);
      expect(refused.code).toBe(1);
      expect(refused.out).toContain(`is running on ${dir}`);
    } finally {
      const exited = new Promise((resolve) => portal.once('exit', resolve));
      portal.kill('SIGTERM');
      await exited;
    }
    const backups = cli('backup', '--data', dir);
    const restored = cli('restore', /portal backup written to (\S+)/.exec(backups.out)![1]!, '--data', dir);
    expect(restored.code).toBe(0);
    expect(restored.out).toContain("the portal's database it replaced is kept as");
    expect(restored.out).toContain('synchronise once it runs again (npm run cli -- sync)');
  });

  it('import reads a fleet export, lists the refused readings and adds nothing the second time', () => {
    const dir = tempDir();
    cli('demo', '--data', dir);
    const today = new Date().toISOString().slice(0, 10);
    const file = join(dir, 'fleet.csv');
    writeFileSync(
      file,
      ['Serial;Date;Counter;Value', `6594501067;${today};black;999999999`, `1494701706;${today};black;999999999`, `1494701706;${today};mono;1`, `nope;${today};black;1`].join('\n'),
    );
    const first = cli('import', file, '--data', dir);
    expect(first.code).toBe(1);
    // Fields in words, as the import page names them: not black.new or equipmentId.
    expect(first.out).toContain('columns: Serial number ← "Serial", Date ← "Date", Counter ← "Counter", New counter ← "Value"');
    expect(first.out).toMatch(/lines 3, 4 \(3\.024\.072 .*\): Black new counter: .*line 3/);
    expect(first.out).toMatch(/line 5 \(nope .*\): Equipment ID: No device/);
    expect(first.out).not.toMatch(/black\.new|equipmentId/);
    // 999,999,999 pages is far above the usual: written to check, and counted as such.
    expect(first.out).toMatch(/note, line 2 \(3\.022\.790 .*\): Usage far above the usual/);
    expect(first.out).toContain('1 new (1 to check), 0 unchanged');
    const again = cli('import', file, '--data', dir);
    expect(again.out).toContain('0 new, 1 unchanged');
  });

  it('demo fills an empty data folder once, and never mixes with existing data', () => {
    const dir = tempDir();
    const first = cli('demo', '--data', dir);
    expect(first.code).toBe(0);
    expect(first.out).toContain('demo data loaded');
    const second = cli('demo', '--data', dir);
    expect(second.code).toBe(0);
    expect(second.out).toContain('already holds data');
  });

  it('import-master imports a file, says what it did, and with a bad file imports nothing (exit 1)', () => {
    const dir = tempDir();
    const customers = cli('import-master', 'test/fixtures/customers-latin1.csv', '--data', dir);
    expect(customers.code).toBe(0);
    expect(customers.out).toContain('3 new, 0 updated, 0 unchanged, 0 with errors — imported');
    expect(cli('import-master', 'test/fixtures/contracts.csv', '--data', dir).code).toBe(0);
    const bad = cli('import-master', 'test/fixtures/devices-bad.csv', '--data', dir, '--kind', 'devices');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('line 3 (3.500.002): Contract number ("Vertrag"): No contract with number V-999999-99.');
    expect(bad.out).toContain('nothing imported');
    expect(cli('import-master', '--data', dir).code).toBe(2);
    expect(cli('import-master', 'test/fixtures/devices.csv', '--kind', 'printers', '--data', dir).code).toBe(2);
    // A fleet tool's readings handed to import-master: which command takes them.
    const readings = join(dir, 'fleet.csv');
    writeFileSync(readings, 'Geräte-ID;Datum;Zähler;Stand\n3.022.790;24.11.2026;Schwarz;350000\n');
    const misplaced = cli('import-master', readings, '--data', dir);
    expect(misplaced.code).toBe(1);
    expect(misplaced.out).toContain(`its columns are meter readings' (a device, a date, values): npm run cli -- import ${readings}`);
  });
});
