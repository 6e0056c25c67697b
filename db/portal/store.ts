/**
 * The customer portal's database (its own SQLite file, SPEC §4.8): what the back-office
 * publishes, the visits, and what customers enter. Every write is one transaction.
 */
import { fileURLToPath } from 'node:url';
import { Database } from '../database';
import { deepFreeze, ReadCache } from '../read-cache';
import type { CounterKind, IsoDate, Language } from '../../shared/models';
import type { PlausibilityRule } from '../../shared/rules/plausibility';
import { submissionKey, type PublishBody, type Submission } from '../../shared/portal-sync';

export const PORTAL_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function openPortalDatabase(file: string, migrationsDir: string = PORTAL_MIGRATIONS_DIR): Database {
  return Database.open({ file, migrationsDir });
}

export interface PortalLink {
  id: number;
  tokenHash: string;
  customerNumber: string;
  period: string;
  language: Language;
  validUntil: IsoDate;
  timeZone: string;
  rule: PlausibilityRule;
  closed: boolean;
}

export interface PortalEntry {
  value: number;
  enteredOn: IsoDate;
  flagged: boolean;
  transferred: boolean;
}

export interface PortalCounter {
  id: number;
  kind: CounterKind;
  lastDate: IsoDate | null;
  lastValue: number;
  averageDaily: number | null;
  entry: PortalEntry | null;
}

export interface PortalDevice {
  id: number;
  model: string;
  position: string;
  location: string;
  equipmentId: string;
  serialNumber: string;
  counters: PortalCounter[];
}

interface LinkRow {
  id: number;
  token_hash: string;
  customer_number: string;
  period: string;
  language: Language;
  valid_until: string;
  time_zone: string;
  rule: string;
  closed: number;
}

const LINK_COLUMNS = 'id, token_hash, customer_number, period, language, valid_until, time_zone, rule, closed';

function toLink(row: LinkRow): PortalLink {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    customerNumber: row.customer_number,
    period: row.period,
    language: row.language,
    validUntil: row.valid_until,
    timeZone: row.time_zone,
    rule: JSON.parse(row.rule) as PlausibilityRule,
    closed: row.closed === 1,
  };
}

/**
 * Every page of a visit reads its link and the link's devices, which change only when the
 * back-office publishes, the customer enters a value or the sync collects: kept between
 * requests (about 0.1 ms of SQLite and row building each), dropped on any change. A value post
 * reads the visit and the counter's basis, which a value entered does not change: the post's
 * write (`runIn('entries', …)`) leaves them, so a stream of posts does not reload them after
 * every commit.
 */
interface PortalReads {
  devices: ReadCache<number, PortalDevice[]>;
  sessions: ReadCache<string, { link: PortalLink; expiresAt: string } | null>;
  counters: ReadCache<number, CounterBasis | null>;
}

/** A counter's basis for a value (`checkPortalValue`), and the link whose devices it is of. */
export interface CounterBasis {
  id: number;
  linkId: number;
  lastDate: IsoDate | null;
  lastValue: number;
  averageDaily: number | null;
}

const reads = new WeakMap<Database, PortalReads>();

function readsOf(db: Database): PortalReads {
  let cached = reads.get(db);
  if (!cached) {
    cached = {
      devices: new ReadCache(db),
      sessions: new ReadCache(db, 1000, ['sessions', 'links']),
      counters: new ReadCache(db, 1000, ['counters', 'devices']),
    };
    reads.set(db, cached);
  }
  return cached;
}

export function getConfig(db: Database, key: string): string | undefined {
  return db.get<{ value: string }>('SELECT value FROM portal_config WHERE key = ?', [key])?.value;
}

export function setConfig(db: Database, key: string, value: string): void {
  db.run('INSERT INTO portal_config (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}

export function linkByTokenHash(db: Database, tokenHash: string): PortalLink | null {
  const row = db.get<LinkRow>(`SELECT ${LINK_COLUMNS} FROM links WHERE token_hash = ?`, [tokenHash]);
  return row ? toLink(row) : null;
}

export function linkById(db: Database, id: number): PortalLink | null {
  const row = db.get<LinkRow>(`SELECT ${LINK_COLUMNS} FROM links WHERE id = ?`, [id]);
  return row ? toLink(row) : null;
}

/**
 * Stores what the back-office publishes: links are matched by their token hash, devices by
 * the back-office's id, counters by kind. Published data is refreshed (a corrected location
 * text, a newer last reading); what customers entered is never touched, and a device that is
 * no longer due disappears only while nothing was entered for it.
 */
export function publish(db: Database, body: PublishBody, now: string, purgeBefore: IsoDate): { links: number } {
  return db.transaction(() => {
    setConfig(db, 'contact', body.contact);
    // Links long over, whose values the back-office has all stored, are no longer kept.
    db.run(
      `DELETE FROM links WHERE valid_until < ? AND NOT EXISTS (
         SELECT 1 FROM devices d JOIN counters c ON c.device_id = d.id JOIN entries e ON e.counter_id = c.id
          WHERE d.link_id = links.id AND e.acknowledged_at IS NULL)`,
      [purgeBefore],
    );
    for (const link of body.links) {
      db.run(
        `INSERT INTO links (token_hash, customer_number, period, language, valid_until, time_zone, rule, closed, published_at)
         VALUES (@tokenHash, @customerNumber, @period, @language, @validUntil, @timeZone, @rule, @closed, @now)
         ON CONFLICT (token_hash) DO UPDATE SET language = excluded.language, valid_until = excluded.valid_until,
           time_zone = excluded.time_zone, rule = excluded.rule, closed = max(links.closed, excluded.closed),
           published_at = excluded.published_at`,
        {
          tokenHash: link.tokenHash,
          customerNumber: link.customerNumber,
          period: link.period,
          language: link.language,
          validUntil: link.validUntil,
          timeZone: link.timeZone,
          rule: JSON.stringify(link.rule),
          closed: link.closed,
          now,
        },
      );
      const linkId = db.get<{ id: number }>('SELECT id FROM links WHERE token_hash = ?', [link.tokenHash])!.id;
      if (link.closed) {
        db.run('DELETE FROM sessions WHERE link_id = ?', [linkId]);
        continue;
      }
      const refs = link.devices.map((device) => device.ref);
      db.run(
        `DELETE FROM devices WHERE link_id = ? AND device_ref NOT IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM counters c JOIN entries e ON e.counter_id = c.id WHERE c.device_id = devices.id)`,
        [linkId, JSON.stringify(refs)],
      );
      link.devices.forEach((device, index) => {
        const sort = device.sort ?? index;
        db.run(
          `INSERT INTO devices (link_id, device_ref, sort, model, position, location, equipment_id, serial_number)
           VALUES (@linkId, @ref, @sort, @model, @position, @location, @equipmentId, @serialNumber)
           ON CONFLICT (link_id, device_ref) DO UPDATE SET sort = excluded.sort, model = excluded.model,
             position = excluded.position, location = excluded.location, equipment_id = excluded.equipment_id,
             serial_number = excluded.serial_number`,
          {
            linkId,
            sort,
            ref: device.ref,
            model: device.model,
            position: device.position,
            location: device.location,
            equipmentId: device.equipmentId,
            serialNumber: device.serialNumber,
          },
        );
        const deviceId = db.get<{ id: number }>('SELECT id FROM devices WHERE link_id = ? AND device_ref = ?', [linkId, device.ref])!.id;
        device.counters.forEach((counter, counterSort) => {
          db.run(
            `INSERT INTO counters (device_id, kind, sort, last_date, last_value, average_daily)
             VALUES (@deviceId, @kind, @sort, @lastDate, @lastValue, @averageDaily)
             ON CONFLICT (device_id, kind) DO UPDATE SET sort = excluded.sort, last_date = excluded.last_date,
               last_value = excluded.last_value, average_daily = excluded.average_daily
             -- The basis a customer entered a value against stays what they saw.
             WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.counter_id = counters.id)`,
            { deviceId, sort: counterSort, ...counter },
          );
        });
      });
    }
    carryEntriesOver(db);
    return { links: body.links.length };
  });
}

/**
 * A customer's values not yet collected go with them to their new link of the period (one
 * handed over again, a new e-mail): the new link shows them, the customer can change them
 * there, and they are collected once — not again from the closed link beside the new
 * link's. A counter already entered on the new link keeps its own.
 */
function carryEntriesOver(db: Database): void {
  // One value per new counter: should two closed links hold one, the last entered goes.
  const moves = db.rows<[from: number, to: number, enteredAt: string]>(
    `SELECT e.counter_id, cn.id, max(e.entered_at)
       FROM entries e JOIN counters co ON co.id = e.counter_id JOIN devices dold ON dold.id = co.device_id
       JOIN links lold ON lold.id = dold.link_id AND lold.closed = 1
       JOIN links lnew ON lnew.customer_number = lold.customer_number AND lnew.period = lold.period AND lnew.closed = 0
       JOIN devices dnew ON dnew.link_id = lnew.id AND dnew.device_ref = dold.device_ref
       JOIN counters cn ON cn.device_id = dnew.id AND cn.kind = co.kind
      WHERE e.transferred_at IS NULL AND NOT EXISTS (SELECT 1 FROM entries en WHERE en.counter_id = cn.id)
      GROUP BY cn.id`,
  );
  for (const [from, to] of moves) db.run('UPDATE entries SET counter_id = ? WHERE counter_id = ?', [to, from]);
}

interface CounterRow {
  device_id: number;
  model: string;
  position: string;
  location: string;
  equipment_id: string;
  serial_number: string;
  counter_id: number;
  kind: CounterKind;
  last_date: string | null;
  last_value: number;
  average_daily: number | null;
  value: number | null;
  entered_on: string | null;
  flagged: number | null;
  transferred_at: string | null;
}

/**
 * The devices of a link with their counters and what was entered, in the published order.
 * Frozen: the same objects are handed to every request until something changes.
 */
export function linkDevices(db: Database, linkId: number): PortalDevice[] {
  return readsOf(db).devices.get(linkId, () => deepFreeze(readLinkDevices(db, linkId)));
}

/** The counter `counterId` if it is one of the link's devices', with its basis (frozen). */
export function counterOfLink(db: Database, linkId: number, counterId: number): CounterBasis | null {
  const counter = readsOf(db).counters.get(counterId, () => {
    const row = db.get<{ link_id: number; last_date: string | null; last_value: number; average_daily: number | null }>(
      `SELECT d.link_id, c.last_date, c.last_value, c.average_daily
         FROM counters c JOIN devices d ON d.id = c.device_id WHERE c.id = ?`,
      [counterId],
    );
    return row
      ? deepFreeze({ id: counterId, linkId: row.link_id, lastDate: row.last_date, lastValue: row.last_value, averageDaily: row.average_daily })
      : null;
  });
  return counter?.linkId === linkId ? counter : null;
}

function readLinkDevices(db: Database, linkId: number): PortalDevice[] {
  const rows = db.all<CounterRow>(
    `SELECT d.id AS device_id, d.model, d.position, d.location, d.equipment_id, d.serial_number,
            c.id AS counter_id, c.kind, c.last_date, c.last_value, c.average_daily,
            e.value, e.entered_on, e.flagged, e.transferred_at
       FROM devices d JOIN counters c ON c.device_id = d.id LEFT JOIN entries e ON e.counter_id = c.id
      WHERE d.link_id = ? ORDER BY d.sort, d.id, c.sort`,
    [linkId],
  );
  const devices = new Map<number, PortalDevice>();
  for (const row of rows) {
    let device = devices.get(row.device_id);
    if (!device) {
      device = {
        id: row.device_id,
        model: row.model,
        position: row.position,
        location: row.location,
        equipmentId: row.equipment_id,
        serialNumber: row.serial_number,
        counters: [],
      };
      devices.set(row.device_id, device);
    }
    device.counters.push({
      id: row.counter_id,
      kind: row.kind,
      lastDate: row.last_date,
      lastValue: row.last_value,
      averageDaily: row.average_daily,
      entry:
        row.value === null
          ? null
          : { value: row.value, enteredOn: row.entered_on!, flagged: row.flagged === 1, transferred: row.transferred_at !== null },
    });
  }
  return [...devices.values()];
}

export type SaveEntryResult = 'saved' | 'locked' | 'unknown';

/**
 * Stores a customer's value for one counter of the link, unless it was already transferred.
 * One statement, atomic on its own (no transaction or savepoint of its own: every portal post
 * runs it, and a savepoint is two statements more), which changes the table entries alone (no
 * trigger on it; `runIn`); only when it stores nothing is it asked why.
 */
export function saveEntry(
  db: Database,
  linkId: number,
  counterId: number,
  entry: { value: number; enteredOn: IsoDate; flagged: boolean },
  now: string,
): SaveEntryResult {
  const { changes } = db.runIn(
    'entries',
    `INSERT INTO entries (counter_id, value, entered_on, entered_at, flagged)
     SELECT c.id, ?, ?, ?, ? FROM counters c JOIN devices d ON d.id = c.device_id WHERE c.id = ? AND d.link_id = ?
     ON CONFLICT (counter_id) DO UPDATE SET value = excluded.value, entered_on = excluded.entered_on,
       entered_at = excluded.entered_at, flagged = excluded.flagged, changes = entries.changes + 1
       WHERE entries.transferred_at IS NULL`,
    [entry.value, entry.enteredOn, now, entry.flagged ? 1 : 0, counterId, linkId],
  );
  if (changes > 0) return 'saved';
  return counterOfLink(db, linkId, counterId) ? 'locked' : 'unknown';
}

export function createSession(db: Database, idHash: string, linkId: number, now: string, expiresAt: string): void {
  db.transaction(() => {
    db.run('DELETE FROM sessions WHERE expires_at < ?', [now]);
    db.run('INSERT INTO sessions (id_hash, link_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [idHash, linkId, now, expiresAt]);
  });
}

const SESSION_LINK = `SELECT ${LINK_COLUMNS.split(', ').map((c) => `l.${c}`).join(', ')}, s.expires_at
  FROM sessions s JOIN links l ON l.id = s.link_id WHERE s.id_hash = ?`;

/** The link of an open visit (frozen, as `linkDevices`); null once it has expired. */
export function sessionLink(db: Database, idHash: string, now: string): PortalLink | null {
  const session = readsOf(db).sessions.get(idHash, () => {
    const row = db.get<LinkRow & { expires_at: string }>(SESSION_LINK, [idHash]);
    return row ? deepFreeze({ link: toLink(row), expiresAt: row.expires_at }) : null;
  });
  return session && session.expiresAt > now ? session.link : null;
}

export function deleteSession(db: Database, idHash: string): void {
  db.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
}

interface CollectRow {
  device_id: number;
  device_ref: number;
  token_hash: string;
  customer_number: string;
  period: string;
  kind: CounterKind;
  value: number;
  entered_on: string;
  flagged: number;
  acknowledged: number;
  counters: number;
  entered: number;
}

/**
 * Freezes what is ready — devices with every counter entered, and whatever was entered on a
 * link that has ended (`isOver`) — and returns every frozen, unacknowledged submission. Frozen
 * values are shown locked to the customer from then on. `again`: the acknowledged ones too,
 * frozen since `again.since` if given (the back-office's database was restored from a backup
 * of then), each marked `acknowledged`.
 */
export function collect(
  db: Database,
  now: string,
  isOver: (link: PortalLink) => boolean,
  again: { since: string | null } | null = null,
): Submission[] {
  return db.transaction(() => {
    const open = db.all<LinkRow>(
      `SELECT DISTINCT ${LINK_COLUMNS.split(', ').map((c) => `l.${c}`).join(', ')}
         FROM links l JOIN devices d ON d.link_id = l.id JOIN counters c ON c.device_id = d.id
         JOIN entries e ON e.counter_id = c.id WHERE e.transferred_at IS NULL`,
    ).map(toLink);
    for (const link of open) {
      const over = isOver(link);
      db.run(
        `UPDATE entries SET transferred_at = @now WHERE transferred_at IS NULL AND counter_id IN (
           SELECT c.id FROM counters c JOIN devices d ON d.id = c.device_id WHERE d.link_id = @linkId
              AND (@over OR NOT EXISTS (SELECT 1 FROM counters c2 LEFT JOIN entries e2 ON e2.counter_id = c2.id
                                         WHERE c2.device_id = d.id AND e2.counter_id IS NULL)))`,
        { now, linkId: link.id, over },
      );
    }
    const rows = db.all<CollectRow>(
      `SELECT d.id AS device_id, d.device_ref, l.token_hash, l.customer_number, l.period, c.kind, e.value, e.entered_on, e.flagged,
              e.acknowledged_at IS NOT NULL AS acknowledged,
              (SELECT count(*) FROM counters c2 WHERE c2.device_id = d.id) AS counters,
              (SELECT count(*) FROM counters c2 JOIN entries e2 ON e2.counter_id = c2.id WHERE c2.device_id = d.id) AS entered
         FROM entries e JOIN counters c ON c.id = e.counter_id JOIN devices d ON d.id = c.device_id JOIN links l ON l.id = d.link_id
        WHERE e.transferred_at IS NOT NULL AND (e.acknowledged_at IS NULL OR (@again AND e.transferred_at >= @since))
        ORDER BY l.id, d.sort, c.sort`,
      { again: again ? 1 : 0, since: again?.since ?? '' },
    );
    const submissions = new Map<number, Submission>();
    for (const row of rows) {
      let item = submissions.get(row.device_id);
      if (!item) {
        item = {
          key: submissionKey(row.token_hash, row.device_ref),
          tokenHash: row.token_hash,
          customerNumber: row.customer_number,
          period: row.period,
          deviceRef: row.device_ref,
          complete: row.entered === row.counters,
          ...(row.acknowledged === 1 && { acknowledged: true }),
          values: [],
        };
        submissions.set(row.device_id, item);
      }
      item.values.push({ kind: row.kind, value: row.value, enteredOn: row.entered_on, flagged: row.flagged === 1 });
    }
    return [...submissions.values()];
  });
}

/** The back-office has stored these submissions. */
export function acknowledge(db: Database, keys: string[], now: string): number {
  return db.transaction(() => {
    let count = 0;
    for (const key of keys) {
      const [tokenHash, ref] = key.split(':');
      count += db.run(
        `UPDATE entries SET acknowledged_at = @now WHERE transferred_at IS NOT NULL AND acknowledged_at IS NULL AND counter_id IN (
           SELECT c.id FROM counters c JOIN devices d ON d.id = c.device_id JOIN links l ON l.id = d.link_id
            WHERE l.token_hash = @tokenHash AND d.device_ref = @ref)`,
        { now, tokenHash: tokenHash ?? '', ref: Number(ref) },
      ).changes;
    }
    return count;
  });
}
