/** The portal's database: publishing refreshes, never touches what customers entered. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { acknowledge, collect, counterOfLink, linkByTokenHash, linkDevices, openPortalDatabase, publish, saveEntry } from '../../db/portal/store';
import type { PublishBody, PublishedLink } from '../../shared/portal-sync';
import { tempDir } from './helpers';
import { publishedLink } from './portal-fixtures';

const HASH = 'a'.repeat(64);
let db: Database | null = null;
afterEach(() => db?.close());

const link = (overrides: Partial<PublishedLink> = {}) => publishedLink({ tokenHash: HASH, ...overrides });

const body = (...links: PublishedLink[]): PublishBody => ({ contact: 'dealer', links });
const NOW = '2026-11-23T10:00:00.000Z';

describe('the portal database', () => {
  it('keeps the basis a customer entered against, and removes a device no longer due only while nothing was entered', () => {
    db = openPortalDatabase(join(tempDir(), 'portal.sqlite'));
    publish(db, body(link()), NOW, '2026-01-01');
    const portalLink = linkByTokenHash(db, HASH)!;
    const [first] = linkDevices(db, portalLink.id);
    const black = first!.counters[0]!;
    expect(saveEntry(db, portalLink.id, black.id, { value: 45000, enteredOn: '2026-11-23', flagged: false }, NOW)).toBe('saved');

    const republished = link();
    republished.devices[0]!.counters[0]!.lastValue = 45000;
    republished.devices[0]!.counters[1]!.lastValue = 28000;
    republished.devices[0]!.location = '2E - COMMERCIAL';
    publish(db, body({ ...republished, devices: [republished.devices[0]!] }), NOW, '2026-01-01');
    const devices = linkDevices(db, portalLink.id);
    expect(devices).toHaveLength(1);
    expect(devices[0]!.location).toBe('2E - COMMERCIAL');
    expect(devices[0]!.counters.map((c) => c.lastValue)).toEqual([44200, 28000]);
    expect(devices[0]!.counters[0]!.entry).toMatchObject({ value: 45000, transferred: false });
  });

  it('transfers a device once every counter is entered, or when its link is over; purges old stored links', () => {
    db = openPortalDatabase(join(tempDir(), 'portal.sqlite'));
    publish(db, body(link()), NOW, '2026-01-01');
    const portalLink = linkByTokenHash(db, HASH)!;
    const [colour, mono] = linkDevices(db, portalLink.id);
    saveEntry(db, portalLink.id, colour!.counters[0]!.id, { value: 44300, enteredOn: '2026-11-23', flagged: false }, NOW);
    saveEntry(db, portalLink.id, mono!.counters[0]!.id, { value: 150, enteredOn: '2026-11-23', flagged: true }, NOW);
    const open = collect(db, NOW, () => false);
    expect(open.map((s) => s.deviceRef)).toEqual([2]);
    expect(open[0]).toMatchObject({ complete: true, values: [{ kind: 'black', value: 150, flagged: true }] });
    // Locked now: a change is refused.
    expect(saveEntry(db, portalLink.id, mono!.counters[0]!.id, { value: 160, enteredOn: '2026-11-23', flagged: false }, NOW)).toBe('locked');
    expect(linkDevices(db, portalLink.id)[1]!.counters[0]!.entry).toMatchObject({ value: 150, flagged: true, transferred: true });
    // A counter of no device of this link: nothing stored for it.
    expect(saveEntry(db, portalLink.id + 1, colour!.counters[1]!.id, { value: 1, enteredOn: '2026-11-23', flagged: false }, NOW)).toBe('unknown');
    expect(saveEntry(db, portalLink.id, 9999, { value: 1, enteredOn: '2026-11-23', flagged: false }, NOW)).toBe('unknown');
    expect(linkDevices(db, portalLink.id)[0]!.counters[1]!.entry).toBeNull();
    // A counter's basis for a value, only as one of the link's devices'.
    expect(counterOfLink(db, portalLink.id, colour!.counters[1]!.id)).toMatchObject({ lastValue: colour!.counters[1]!.lastValue });
    expect(counterOfLink(db, portalLink.id + 1, colour!.counters[1]!.id)).toBeNull();
    expect(counterOfLink(db, portalLink.id, 9999)).toBeNull();

    const over = collect(db, NOW, () => true);
    expect(over.map((s) => [s.deviceRef, s.complete])).toEqual([[1, false], [2, true]]);
    expect(acknowledge(db, over.map((s) => s.key), NOW)).toBe(2);
    expect(collect(db, NOW, () => true)).toEqual([]);

    publish(db, body(), NOW, '2026-12-05');
    expect(linkByTokenHash(db, HASH)).toBeNull();
  });

  it('never purges a link whose values the back-office has not stored', () => {
    db = openPortalDatabase(join(tempDir(), 'portal.sqlite'));
    publish(db, body(link()), NOW, '2026-01-01');
    const portalLink = linkByTokenHash(db, HASH)!;
    const [, mono] = linkDevices(db, portalLink.id);
    saveEntry(db, portalLink.id, mono!.counters[0]!.id, { value: 150, enteredOn: '2026-11-23', flagged: false }, NOW);
    publish(db, body(), NOW, '2027-06-01');
    expect(linkByTokenHash(db, HASH)).not.toBeNull();
  });
});
