/**
 * The read cache behind the portal's pages: an answer is kept only while nothing could have
 * changed it — no write through the connection, no transaction ended, no commit by another
 * connection — and nothing read inside a transaction is ever kept.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../db/database';
import {
  counterOfLink,
  createSession,
  deleteSession,
  linkByTokenHash,
  linkDevices,
  openPortalDatabase,
  publish,
  saveEntry,
  sessionLink,
} from '../../db/portal/store';
import { ReadCache } from '../../db/read-cache';
import { tempDir } from './helpers';
import { publishedLink } from './portal-fixtures';

const opened: Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function open(file: string): Database {
  const db = openPortalDatabase(file);
  opened.push(db);
  return db;
}

/** A cache of `SELECT value FROM portal_config WHERE key = 'k'`, counting its loads. */
function configCache(db: Database) {
  const cache = new ReadCache<string, string | undefined>(db);
  let loads = 0;
  const read = () =>
    cache.get('k', () => {
      loads++;
      return db.get<{ value: string }>(`SELECT value FROM portal_config WHERE key = 'k'`)?.value;
    });
  return { read, loads: () => loads };
}

const setK = (db: Database, value: string) =>
  db.run(`INSERT INTO portal_config (key, value) VALUES ('k', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [value]);

/** A portal file open twice, 'one' stored and read once through the first connection's cache. */
function twoConnections() {
  const file = join(tempDir(), 'portal.sqlite');
  const db = open(file);
  const other = open(file);
  setK(db, 'one');
  const cache = configCache(db);
  expect(cache.read()).toBe('one');
  return { db, other, ...cache };
}

describe('ReadCache', () => {
  it('answers from memory until this connection writes', () => {
    const db = open(join(tempDir(), 'portal.sqlite'));
    setK(db, 'one');
    const { read, loads } = configCache(db);
    expect([read(), read(), read()]).toEqual(['one', 'one', 'one']);
    expect(loads()).toBe(1);
    setK(db, 'two');
    expect(read()).toBe('two');
    expect(loads()).toBe(2);
    // A read-only statement is not a change.
    db.get('SELECT count(*) FROM links');
    expect(read()).toBe('two');
    expect(loads()).toBe(2);
  });

  it('sees a commit by another connection to the same file from the next microtask on', async () => {
    const { db, other, read, loads } = twoConnections();
    setK(other, 'changed elsewhere');
    // Within the same synchronous run the file is asked once (PRAGMA data_version)...
    expect(read()).toBe('one');
    await Promise.resolve();
    expect(read()).toBe('changed elsewhere');
    expect(loads()).toBe(2);
    // ...but a write through this connection counts at once.
    setK(other, 'elsewhere again');
    setK(db, 'here');
    expect(read()).toBe('here');
  });

  it("sees another connection's commit that comes after this connection's own writes", async () => {
    const { db, other, read, loads } = twoConnections();
    await Promise.resolve();
    // Loaded again after a write here, without asking the file for its version...
    setK(db, 'two');
    expect(read()).toBe('two');
    await Promise.resolve();
    setK(other, 'three');
    await Promise.resolve();
    // ...so the version it compares with is still the one asked before the first load.
    expect(read()).toBe('three');
    expect(read()).toBe('three');
    expect(loads()).toBe(3);
  });

  it('does not ask the file for its version to load, only to answer from memory', async () => {
    const db = open(join(tempDir(), 'portal.sqlite'));
    const { read } = configCache(db);
    let asked = 0;
    const dataVersion = db.dataVersion.bind(db);
    db.dataVersion = () => (asked++, dataVersion());
    read();
    expect(asked).toBe(1);
    for (let i = 0; i < 3; i++) {
      setK(db, `value ${i}`);
      expect(read()).toBe(`value ${i}`);
      await Promise.resolve();
    }
    expect(asked).toBe(1);
    expect(read()).toBe('value 2');
    expect(asked).toBe(2);
  });

  it('keeps its entries through writes declared confined to a table its loads do not read', () => {
    const db = open(join(tempDir(), 'portal.sqlite'));
    setK(db, 'one');
    const cache = new ReadCache<string, string | undefined>(db, 10, ['portal_config']);
    let loads = 0;
    const read = () =>
      cache.get('k', () => (loads++, db.get<{ value: string }>(`SELECT value FROM portal_config WHERE key = 'k'`)?.value));
    const touchSessions = () =>
      db.runIn('sessions', `DELETE FROM sessions WHERE expires_at < '2000-01-01'`);
    expect(read()).toBe('one');
    touchSessions();
    db.transaction(() => touchSessions());
    expect(read()).toBe('one');
    expect(loads).toBe(1);
    // A write confined to a table it reads, or any other write, empties it.
    db.runIn('portal_config', `UPDATE portal_config SET value = 'two' WHERE key = 'k'`);
    expect(read()).toBe('two');
    expect(loads).toBe(2);
    db.run(`DELETE FROM sessions WHERE expires_at < '2000-01-01'`);
    expect(read()).toBe('two');
    expect(loads).toBe(3);
    // In a transaction that wrote only another table, what it reads is committed: kept.
    db.runIn('portal_config', `UPDATE portal_config SET value = 'three' WHERE key = 'k'`);
    db.transaction(() => {
      touchSessions();
      expect([read(), read()]).toEqual(['three', 'three']);
    });
    expect(read()).toBe('three');
    expect(loads).toBe(4);
    // A cache that names no tables reads them all.
    const { read: readAll, loads: loadsAll } = configCache(db);
    readAll();
    touchSessions();
    readAll();
    expect(loadsAll()).toBe(2);
  });

  it('answers and keeps inside a transaction what the transaction did not write, asking the file once per transaction', async () => {
    const { db, other, read, loads } = twoConnections();
    await Promise.resolve();
    // The PRAGMA itself, however often it is wanted.
    const asked = vi.spyOn(db as unknown as { askDataVersion(): number }, 'askDataVersion');
    db.transaction(() => {
      expect([read(), read(), read()]).toEqual(['one', 'one', 'one']);
    });
    expect(loads()).toBe(1);
    expect(asked).toHaveBeenCalledTimes(1);
    // Another connection's commit: read from the file in the transaction once, and kept.
    setK(other, 'two');
    db.transaction(() => {
      expect([read(), read()]).toEqual(['two', 'two']);
    });
    expect(loads()).toBe(2);
    expect(read()).toBe('two');
    expect(loads()).toBe(2);
    // The transaction's own write, then rolled back: read each time, nothing of it kept.
    expect(() =>
      db.transaction(() => {
        setK(db, 'three');
        expect([read(), read()]).toEqual(['three', 'three']);
        throw new Error('abandon');
      }),
    ).toThrow('abandon');
    expect(loads()).toBe(4);
    expect([read(), read()]).toEqual(['two', 'two']);
    expect(loads()).toBe(5);
  });

  it('keeps nothing read inside a transaction, and shows nothing of one rolled back', () => {
    const db = open(join(tempDir(), 'portal.sqlite'));
    setK(db, 'committed');
    const { read, loads } = configCache(db);
    expect(() =>
      db.transaction(() => {
        setK(db, 'rolled back');
        expect(read()).toBe('rolled back');
        throw new Error('abandon');
      }),
    ).toThrow('abandon');
    expect(read()).toBe('committed');
    expect(read()).toBe('committed');
    expect(loads()).toBe(2);
  });

  it('keeps at most its capacity, dropping the oldest first', () => {
    const db = open(join(tempDir(), 'portal.sqlite'));
    const cache = new ReadCache<number, number>(db, 2);
    const loaded: number[] = [];
    const read = (key: number) => cache.get(key, () => (loaded.push(key), key * 10));
    expect([read(1), read(2), read(1), read(3), read(2), read(1)]).toEqual([10, 20, 10, 30, 20, 10]);
    expect(loaded).toEqual([1, 2, 3, 1]);
  });
});

describe("the portal's cached reads", () => {
  const HASH = 'b'.repeat(64);
  const NOW = '2026-11-23T10:00:00.000Z';

  function published(file: string) {
    const db = open(file);
    publish(
      db,
      {
        contact: 'dealer',
        links: [
          publishedLink({
            tokenHash: HASH,
            devices: [{ ...publishedLink().devices[0]!, counters: publishedLink().devices[0]!.counters.slice(0, 1) }],
          }),
        ],
      },
      NOW,
      '2026-01-01',
    );
    return { db, link: linkByTokenHash(db, HASH)! };
  }

  it('show a saved value at once, and hand out frozen objects', () => {
    const { db, link } = published(join(tempDir(), 'portal.sqlite'));
    const before = linkDevices(db, link.id);
    expect(before[0]!.counters[0]!.entry).toBeNull();
    expect(() => {
      (before[0]!.counters[0] as { lastValue: number }).lastValue = 1;
    }).toThrow(TypeError);
    const counterId = before[0]!.counters[0]!.id;
    expect(saveEntry(db, link.id, counterId, { value: 45000, enteredOn: '2026-11-23', flagged: false }, NOW)).toBe('saved');
    expect(linkDevices(db, link.id)[0]!.counters[0]!.entry).toMatchObject({ value: 45000 });
  });

  it("keep the visit and the counter's basis through a value post, not through a publication", () => {
    const db = open(join(tempDir(), 'portal.sqlite'));
    const device = publishedLink().devices[0]!;
    publish(db, { contact: 'dealer', links: [publishedLink({ tokenHash: HASH, devices: [device] })] }, NOW, '2026-01-01');
    const link = linkByTokenHash(db, HASH)!;
    const session = 'e'.repeat(64);
    createSession(db, session, link.id, NOW, '2026-11-23T18:00:00.000Z');
    const visit = sessionLink(db, session, NOW);
    const [posted, other] = linkDevices(db, link.id)[0]!.counters.map((counter) => counter.id);
    const basis = counterOfLink(db, link.id, other!);
    expect(saveEntry(db, link.id, posted!, { value: 45000, enteredOn: '2026-11-23', flagged: false }, NOW)).toBe('saved');
    // The same objects: nothing read again.
    expect(sessionLink(db, session, NOW)).toBe(visit);
    expect(counterOfLink(db, link.id, other!)).toBe(basis);
    const newer = { ...device, counters: device.counters.map((counter) => ({ ...counter, lastValue: counter.lastValue + 100 })) };
    publish(db, { contact: 'dealer', links: [publishedLink({ tokenHash: HASH, devices: [newer] })] }, NOW, '2026-01-01');
    expect(counterOfLink(db, link.id, other!)?.lastValue).toBe(basis!.lastValue + 100);
    expect(sessionLink(db, session, NOW)).not.toBe(visit);
    expect(sessionLink(db, session, NOW)).toEqual(visit);
  });

  it('end a visit at its expiry and at logout, also when another connection deletes it', async () => {
    const file = join(tempDir(), 'portal.sqlite');
    const { db, link } = published(file);
    const [first, second] = ['c'.repeat(64), 'd'.repeat(64)];
    createSession(db, first, link.id, NOW, '2026-11-23T18:00:00.000Z');
    createSession(db, second, link.id, NOW, '2026-11-23T18:00:00.000Z');
    expect(sessionLink(db, first, NOW)?.id).toBe(link.id);
    expect(sessionLink(db, first, '2026-11-23T17:59:59.999Z')?.id).toBe(link.id);
    expect(sessionLink(db, first, '2026-11-23T18:00:00.000Z')).toBeNull();
    deleteSession(db, first);
    expect(sessionLink(db, first, NOW)).toBeNull();
    expect(sessionLink(db, second, NOW)?.id).toBe(link.id);
    deleteSession(open(file), second);
    await Promise.resolve();
    expect(sessionLink(db, second, NOW)).toBeNull();
  });
});
