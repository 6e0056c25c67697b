/**
 * Secret settings at rest (SPEC §7): sealed where the shell offers a keychain, so that
 * neither the database nor its backups hold them in clear. The desktop app's keychain is
 * Electron's safeStorage, which cannot run here; a keychain of AES-256-GCM under a key that
 * only this test holds stands in for it — the same seal and open, the same failure when the
 * key is another's.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepSecretsSealed, SEALED_PREFIX, sealedSettings, type SecretBox } from '../../db/queries/settings';
import { backupNow, sealBackupSecrets } from '../../src-main/jobs/backup';
import { webConfig } from '../../src-main/jobs/config';
import { openCore } from '../../src-main/node-main';
import { testCore } from './helpers';

function keychain(key = randomBytes(32)): SecretBox {
  return {
    seal(clear) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed) {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

const SMTP = 'smtps://dealer:Geheim-1234@mail.example.ch';
const stored = (core: ReturnType<typeof testCore>, key: string) =>
  core.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key])?.value;

describe('secret settings', () => {
  it('are sealed by the keychain when saved, read back in clear by the jobs, and kept out of the backup in clear', async () => {
    const core = testCore({ demo: false });
    keepSecretsSealed(core.db, keychain());
    await core.api['settings-save']({ values: { 'smtp.url': SMTP, 'mail.from': 'Dealer <service@dealer.ch>' } });
    const config = webConfig(core.db, {});
    expect(config.smtpUrl).toBe(SMTP);
    // The portal's secret, made on first use, is sealed too.
    expect(config.portalSecret).toMatch(/^[\w-]{20,}$/);
    expect(stored(core, 'smtp.url')).toMatch(new RegExp(`^${SEALED_PREFIX}`));
    expect(stored(core, 'portal.secret')).toMatch(new RegExp(`^${SEALED_PREFIX}`));
    expect(stored(core, 'mail.from')).toBe('Dealer <service@dealer.ch>');

    const dir = core.db.file.replace(/[/\\][^/\\]+$/, '');
    const backup = await backupNow(core.db, dir, 3);
    const bytes = readFileSync(backup.file).toString('latin1');
    expect(bytes).not.toContain('Geheim-1234');
    expect(bytes).not.toContain(config.portalSecret);
    expect(bytes).toContain('service@dealer.ch');
  });

  it('are opened for the web jobs, not on every call: the core reads its settings without asking the keychain', async () => {
    const core = testCore();
    const inner = keychain();
    let opens = 0;
    keepSecretsSealed(core.db, { seal: (clear) => inner.seal(clear), open: (sealed) => (opens++, inner.open(sealed)) });
    await core.api['settings-save']({ values: { 'smtp.url': SMTP } });
    opens = 0;
    await core.api['period-counts']({ period: '2026-11' });
    await core.api['readings-draft']({ equipmentId: '3.022.790' });
    expect(opens).toBe(0);
    expect(webConfig(core.db, {}).smtpUrl).toBe(SMTP);
    expect(opens).toBeGreaterThan(0);
  });

  it('typed before the keychain came are sealed when it comes', async () => {
    const core = testCore({ demo: false });
    await core.api['settings-save']({ values: { 'smtp.url': SMTP } });
    expect(stored(core, 'smtp.url')).toBe(SMTP);
    const box = keychain();
    expect(keepSecretsSealed(core.db, box)).toBe(1);
    expect(stored(core, 'smtp.url')).not.toContain('Geheim');
    expect(box.open(stored(core, 'smtp.url')!.slice(SEALED_PREFIX.length))).toBe(SMTP);
    expect(keepSecretsSealed(core.db, box)).toBe(0);
    // Nothing of the clear value is left behind, in the file or its write-ahead log.
    for (const file of [core.db.file, `${core.db.file}-wal`]) {
      expect(existsSync(file) ? readFileSync(file).toString('latin1') : '').not.toContain('Geheim-1234');
    }
    const backup = await backupNow(core.db, core.db.file.replace(/[/\\][^/\\]+$/, ''), 3);
    expect(readFileSync(backup.file).toString('latin1')).not.toContain('Geheim-1234');
  });

  it('held in clear by backups made before the keychain came are sealed in them too; each backup keeps its own', async () => {
    const core = testCore({ demo: false });
    const dir = core.db.file.replace(/[/\\][^/\\]+$/, '');
    await core.api['settings-save']({ values: { 'smtp.url': SMTP } });
    const older = await backupNow(core.db, dir, 3, new Date('2026-11-20T01:30:00Z'));
    await core.api['settings-save']({ values: { 'smtp.url': 'smtps://dealer:Neu-5678@mail.example.ch' } });
    const newer = await backupNow(core.db, dir, 3, new Date('2026-11-21T01:30:00Z'));
    expect(readFileSync(older.file).toString('latin1')).toContain('Geheim-1234');
    writeFileSync(join(dir, 'backups', 'not-a-database.sqlite'), 'garbage');

    const box = keychain();
    keepSecretsSealed(core.db, box);
    const result = sealBackupSecrets(dir, box);
    expect(result.sealed.sort()).toEqual([older.file, newer.file].sort());
    expect(result.failed).toEqual([join(dir, 'backups', 'not-a-database.sqlite')]);
    for (const [file, secret, value] of [[older.file, 'Geheim-1234', SMTP], [newer.file, 'Neu-5678', 'smtps://dealer:Neu-5678@mail.example.ch']] as const) {
      expect(readFileSync(file).toString('latin1')).not.toContain(secret);
      const copy = new BetterSqlite3(file, { readonly: true });
      try {
        const { value: sealed } = copy.prepare("SELECT value FROM settings WHERE key = 'smtp.url'").get() as { value: string };
        expect(box.open(sealed.slice(SEALED_PREFIX.length))).toBe(value);
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        copy.close();
      }
    }
    // Once sealed, nothing more to do.
    expect(sealBackupSecrets(dir, box).sealed).toEqual([]);
  });

  it('a keychain that refuses is not used: the secrets stay as they were, and can still be saved', async () => {
    const core = testCore({ demo: false });
    await core.api['settings-save']({ values: { 'smtp.url': SMTP } });
    const refusing: SecretBox = {
      seal: () => {
        throw new Error('the keychain is locked');
      },
      open: () => {
        throw new Error('the keychain is locked');
      },
    };
    expect(() => keepSecretsSealed(core.db, refusing)).toThrow(/locked/);
    expect(stored(core, 'smtp.url')).toBe(SMTP);
    await core.api['settings-save']({ values: { 'smtp.url': 'smtp://127.0.0.1:2525' } });
    expect(webConfig(core.db, {}).smtpUrl).toBe('smtp://127.0.0.1:2525');
  });

  it("sealed by another keychain (or read by the CLI, which has none) count as set, unreadable; a remote portal's secret is never replaced", async () => {
    const core = testCore({ demo: false });
    keepSecretsSealed(core.db, keychain());
    // Paired with a portal on another server: its secret must stay.
    await core.api['settings-save']({ values: { 'smtp.url': SMTP, 'portal.url': 'https://releve.dealer.ch', 'portal.secret': 'shared-with-the-dmz-portal' } });
    const sealedSecret = stored(core, 'portal.secret');
    const dir = core.db.file.replace(/[/\\][^/\\]+$/, '');

    // The same database opened without the keychain, as the command line opens it.
    const cli = openCore({ dataDir: dir, author: 'cli', version: 'test' });
    try {
      expect(sealedSettings(cli.db).sort()).toEqual(['portal.secret', 'smtp.url']);
      const config = webConfig(cli.db, {});
      expect(config.smtpUrl).toBeNull();
      expect(config.portalSecret).toBe('');
      // Not replaced by a new one, which would unpair the portal on the other server.
      expect(stored(cli, 'portal.secret')).toBe(sealedSecret);
      const listed = await cli.api['settings-get']({});
      expect(listed.find((setting) => setting.key === 'smtp.url')).toMatchObject({ set: true, value: null, unreadable: true });
      // The environment still wins, as on a server.
      expect(webConfig(cli.db, { METERDESK_SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');

      // Another keychain (another user's) opens nothing either; typing the value again replaces it.
      keepSecretsSealed(cli.db, keychain());
      expect(sealedSettings(cli.db).sort()).toEqual(['portal.secret', 'smtp.url']);
      await cli.api['settings-save']({ values: { 'smtp.url': 'smtp://127.0.0.1:2525' } });
      expect(webConfig(cli.db, {}).smtpUrl).toBe('smtp://127.0.0.1:2525');
      expect(sealedSettings(cli.db)).toEqual(['portal.secret']);
    } finally {
      cli.close();
    }
    // The first keychain still opens the portal's secret it sealed.
    expect(webConfig(core.db, {}).portalSecret).toBe('shared-with-the-dmz-portal');
  });

  it("an unreadable secret of the built-in portal is replaced by a new one, so the built-in portal syncs again", () => {
    const core = testCore({ demo: false });
    keepSecretsSealed(core.db, keychain());
    const sealedSecret = webConfig(core.db, {}).portalSecret;
    // A backup restored on another PC: another keychain, which cannot open it.
    const other = openCore({ dataDir: core.db.file.replace(/[/\\][^/\\]+$/, ''), author: 'other', version: 'test' });
    try {
      keepSecretsSealed(other.db, keychain());
      const fresh = webConfig(other.db, {}).portalSecret;
      expect(fresh).toMatch(/^[\w-]{20,}$/);
      expect(fresh).not.toBe(sealedSecret);
      expect(webConfig(other.db, {}).portalSecret).toBe(fresh);
      expect(sealedSettings(other.db)).toEqual([]);
    } finally {
      other.close();
    }
  });
});
