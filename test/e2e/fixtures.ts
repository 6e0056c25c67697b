import { test as base, expect } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtpSink, type SmtpSink } from '../web/helpers';
import { MeterdeskPage } from './pages/meterdesk-page';

export interface ServedApp {
  url: string;
  /** The customer portal the app runs beside the back-office. */
  portalUrl: string;
  dataDir: string;
}

/**
 * Each test gets its own `npm run serve -- --data <fresh folder> --port 0 --demo`, the command
 * a user runs, so tests never see each other's readings.
 */
async function serve(dataDir: string, demo: boolean, env: Record<string, string>): Promise<{ url: string; portalUrl: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      'node_modules/tsx/dist/cli.mjs',
      'src-main/cli.ts',
      'serve',
      '--data',
      dataDir,
      '--port',
      '0',
      '--no-build',
      '--portal-port',
      '0',
      '--no-scheduler',
      ...(demo ? ['--demo'] : []),
    ],
    { cwd: process.cwd(), env: { ...process.env, METERDESK_USER: 'e2e-clerk', METERDESK_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const urls = await new Promise<{ url: string; portalUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /back-office running at (http:\/\/[^\s/]+)\//.exec(output);
      const portal = /customer portal running at (http:\/\/[^\s/]+)\//.exec(output);
      if (match?.[1] && portal?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], portalUrl: portal[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
  return { ...urls, child };
}

/** A served app on a fresh data folder, stopped and removed after the test. */
async function servedApp(
  demo: boolean,
  use: (app: ServedApp) => Promise<void>,
  env: Record<string, string> = {},
  generate: string[] | null = null,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meterdesk-e2e-'));
  // A generated dealer, as a user makes one: `meterdesk generate --data DIR …`.
  if (generate) {
    execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src-main/cli.ts', 'generate', '--data', dataDir, ...generate], {
      env: { ...process.env, METERDESK_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
  }
  const { url, portalUrl, child } = await serve(dataDir, demo, env);
  try {
    await use({ url, portalUrl, dataDir });
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const test = base.extend<{
  app: ServedApp;
  emptyApp: ServedApp;
  dealerApp: ServedApp;
  meterdesk: MeterdeskPage;
  smtp: SmtpSink;
  webApp: ServedApp;
}>({
  // Playwright needs the empty pattern: it reads the fixtures a fixture depends on from it.
  // eslint-disable-next-line no-empty-pattern
  app: ({}, use) => servedApp(true, use),
  // eslint-disable-next-line no-empty-pattern
  emptyApp: ({}, use) => servedApp(false, use),
  /** A generated dealer whose month holds a few blocks of the period grid (100 rows each). */
  // eslint-disable-next-line no-empty-pattern
  dealerApp: ({}, use) => servedApp(false, use, {}, ['--customers', '60', '--devices', '360', '--years', '1', '--seed', '3']),
  // eslint-disable-next-line no-empty-pattern
  smtp: async ({}, use) => {
    const sink = await startSmtpSink();
    await use(sink);
    await sink.stop();
  },
  /** The demo app with its e-mails going to the test's SMTP server. */
  webApp: ({ smtp }, use) => servedApp(true, use, { METERDESK_SMTP_URL: smtp.url }),
  meterdesk: async ({ page, app }, use) => {
    await use(new MeterdeskPage(page, app.url));
  },
});

export { expect };
