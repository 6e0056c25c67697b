/**
 * What the portal does to stay fast under load, over real HTTP on a real portal database:
 * rendered pages kept until what they show changes, each answer with its own CSRF token; value
 * posts that arrive together written in one transaction (the strict answer-after-commit order
 * is tested in test/db/group-commit.test.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database';
import { openPortalDatabase, publish } from '../../db/portal/store';
import type { PublishedLink } from '../../shared/portal-sync';
import { hashToken, newToken } from '../../src-main/core/web/tokens';
import { createPortalServer, type PortalServer } from '../../src-main/portal/server';
import { tempDir } from '../db/helpers';
import { publishedLink } from '../db/portal-fixtures';
import { Visit } from '../web/helpers';

const NOW = new Date('2026-11-23T10:00:00.000Z');

const portals: PortalServer[] = [];
const databases: Database[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const portal of portals.splice(0)) await portal.stop();
  for (const db of databases.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function customer(token: string, customerNumber: string, equipment: string[]): PublishedLink {
  return publishedLink({
    tokenHash: hashToken(token),
    customerNumber,
    devices: equipment.map((equipmentId, index) => ({
      ref: Number(customerNumber) * 10 + index,
      model: 'PH RICOH MPC2051',
      position: `000${index + 1}`,
      location: 'REZ - COMPTABILITÉ',
      equipmentId,
      serialNumber: `V97138000${index}`,
      counters: [
        { kind: 'black' as const, lastDate: '2026-10-31', lastValue: 44_200, averageDaily: 50 },
        { kind: 'color' as const, lastDate: '2026-10-31', lastValue: 27_827, averageDaily: 10 },
      ],
    })),
  });
}

/** Two customers published on a portal of their own: the first with three devices. */
async function portal() {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir, 'portal.sqlite');
  const db = openPortalDatabase(file);
  databases.push(db);
  const tokens = [newToken(), newToken()] as const;
  publish(
    db,
    {
      contact: 'Copieurs SA',
      links: [
        customer(tokens[0], '999999', ['3.033.923', '3.033.924', '3.033.925']),
        customer(tokens[1], '200117', ['4.000.001']),
      ],
    },
    NOW.toISOString(),
    '2026-01-01',
  );
  const server = createPortalServer({ db, host: '127.0.0.1', port: 0, syncSecret: null, now: () => NOW });
  portals.push(server);
  const url = await server.start();
  return { db, file, url, tokens };
}

async function opened(url: string, token: string): Promise<Visit> {
  const visit = new Visit(url);
  await visit.get(`/l/${token}`);
  expect(visit.status).toBe(200);
  return visit;
}

describe('the readings page kept rendered', () => {
  it('gives every answer its own CSRF token, each good for a post, and shows a saved value at once', async () => {
    const { url, tokens } = await portal();
    const visit = await opened(url, tokens[0]);
    const counter = visit.counterId('3.033.924', 'Couleur');
    await visit.get('/releve');
    const first = visit.csrf();
    const firstPage = visit.page;
    await visit.get('/releve');
    const second = visit.csrf();
    expect(second).not.toBe(first);
    expect(visit.page.replaceAll(second, '')).toBe(firstPage.replaceAll(first, ''));

    // The older token is still good for the visit's form, as before the pages were kept.
    const response = await fetch(`${url}/releve/${counter}`, {
      method: 'POST',
      headers: { cookie: visit.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: first, value: '28100' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    await visit.get('/releve');
    const row = visit.page.split('<tr id="c').find((part) => part.startsWith(`${counter}"`))!;
    expect(row).toMatch(/<td class="value">(<span[^>]*>[^<]*<\/span>)?28100<\/td>/);
  });

  it('opens a field only for one of the link\'s own counters: another link\'s, or none, shows the plain page', async () => {
    const { url, tokens } = await portal();
    const other = await opened(url, tokens[1]);
    const foreign = other.counterId('4.000.001', 'Noir');
    const visit = await opened(url, tokens[0]);
    const own = visit.counterId('3.033.923', 'Noir');
    const plain = async (path: string) => {
      await visit.get(path);
      expect(visit.status).toBe(200);
      return visit.page.replaceAll(visit.csrf(), 'TOKEN');
    };
    const none = await plain('/releve');
    expect(await plain(`/releve?saisir=${foreign}`)).toBe(none);
    expect(await plain('/releve?saisir=99999999')).toBe(none);
    expect(await plain('/releve?saisir=abc')).toBe(none);
    const editing = await plain(`/releve?saisir=${own}`);
    expect(editing).not.toBe(none);
    expect(editing).toContain(`id="v${own}"`);
  });
});

describe('a value post judged where it is written', () => {
  it("stores nothing for another link's counter (404), and judges against what another connection committed", async () => {
    const { file, url, tokens } = await portal();
    const other = await opened(url, tokens[1]);
    const foreign = other.counterId('4.000.001', 'Noir');
    const visit = await opened(url, tokens[0]);
    const own = visit.counterId('3.033.923', 'Noir');
    const post = async (counter: number, value: number) => {
      await visit.get('/releve');
      return (await visit.post(`/releve/${counter}`, { _csrf: visit.csrf(), value: String(value) }, false)).status;
    };
    expect(await post(foreign, 99_000)).toBe(404);
    const observer = openPortalDatabase(file);
    databases.push(observer);
    expect(observer.get<{ n: number }>('SELECT count(*) AS n FROM entries')!.n).toBe(0);

    // A value stored (the counter's basis read and kept); then the last value moves on elsewhere.
    const last = observer.get<{ last_value: number }>('SELECT last_value FROM counters WHERE id = ?', [own])!.last_value;
    expect(await post(own, last + 100)).toBe(303);
    observer.run('UPDATE counters SET last_value = ? WHERE id = ?', [last + 1_000, own]);
    expect(await post(own, last + 500)).toBe(422);
    expect(visit.page).toContain(`celle du dernier compteur (${last + 1_000})`);
    expect(await post(own, last + 1_500)).toBe(303);
    expect(observer.get<{ value: number }>('SELECT value FROM entries WHERE counter_id = ?', [own])?.value).toBe(last + 1_500);
  });
});

describe('value posts written together (group commit)', () => {
  /** What the portal's file holds, seen from a connection of its own. */
  function entries(file: string): Map<number, number> {
    const observer = openPortalDatabase(file);
    databases.push(observer);
    const rows = observer.all<{ counter_id: number; value: number }>('SELECT counter_id, value FROM entries');
    return new Map(rows.map((row) => [row.counter_id, row.value]));
  }

  /** Every counter of both customers, each posted by a visit of its own, all at once. */
  async function postAll(url: string, tokens: readonly string[], value: (index: number) => number) {
    const posts: { visit: Visit; counter: number; value: number }[] = [];
    for (const token of tokens) {
      const ids = [...(await opened(url, token)).page.matchAll(/<tr id="c(\d+)"/g)].map((m) => Number(m[1]));
      for (const counter of ids) posts.push({ visit: await opened(url, token), counter, value: value(posts.length) });
    }
    return posts;
  }

  it('stores every one of many posts arriving together; each 303 finds its value committed', async () => {
    const { file, url, tokens } = await portal();
    const posts = await postAll(url, tokens, (index) => 50_000 + index);
    expect(posts).toHaveLength(8);
    const committedAtAnswer = await Promise.all(
      posts.map(async ({ visit, counter, value }) => {
        const response = await fetch(`${url}/releve/${counter}`, {
          method: 'POST',
          headers: { cookie: visit.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: visit.csrf(), value: String(value) }),
          redirect: 'manual',
        });
        expect(response.status).toBe(303);
        return entries(file).get(counter);
      }),
    );
    expect(committedAtAnswer).toEqual(posts.map((post) => post.value));
    expect(entries(file)).toEqual(new Map(posts.map((post) => [post.counter, post.value])));
  });

  it('answers each post with the failure page and stores none when the writes fail', async () => {
    const { db, file, url, tokens } = await portal();
    const posts = await postAll(url, tokens, (index) => 60_000 + index);
    db.pragma('query_only = ON');
    const statuses = await Promise.all(
      posts.map(async ({ visit, counter, value }) => {
        const response = await visit.post(`/releve/${counter}`, { value: String(value) });
        expect(visit.page).toContain('</html>');
        expect(visit.page).not.toMatch(/SQLITE|Error\b/);
        return response.status;
      }),
    );
    expect(statuses).toEqual(posts.map(() => 500));
    expect(entries(file).size).toBe(0);

    db.pragma('query_only = OFF');
    const { visit, counter } = posts[0]!;
    await visit.get('/releve');
    expect((await visit.post(`/releve/${counter}`, { value: '60000' })).status).toBe(303);
    expect(entries(file)).toEqual(new Map([[counter, 60_000]]));
  });
});
