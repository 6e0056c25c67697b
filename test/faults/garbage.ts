/**
 * Garbage for the customer portal (issue 6, faults), shared by portal-fuzz.test.ts and
 * bench/faults.ts: seeded requests at every route — random bytes, huge, negative and
 * fractional numbers, wrong and tampered tokens, malformed and oversized forms, very long
 * fields, wrong content types, garbage cookies — each with the answers it may get.
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import type { Database } from '../../db/database';
import { seededRandom } from './helpers';

export interface Garbage {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Blob;
  /** A page the visitor may see even with a garbage query (it is ignored): 200 allowed. */
  page?: boolean;
  /** The one legitimate redirect: `/` with a live visit goes to `/releve`. */
  redirect?: boolean;
}

export interface Visitor {
  /** The portal's address. */
  base: string;
  /** A raw token from a request e-mail (43 base64url characters). */
  token: string;
  /** A live visit's cookies (session and CSRF secret) and its form token. */
  cookie: string;
  csrf: string;
  /** Ids of counters on the visit's page. */
  counterIds: number[];
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Values no counter may take: never a whole number at or above a last counter. */
const BAD_VALUES = [
  '-1',
  '-999999999',
  '- 5',
  '1.5',
  '3,14',
  '1e9',
  '1E+300',
  'NaN',
  'Infinity',
  '0x1F',
  '9'.repeat(13),
  '9'.repeat(400),
  '1'.repeat(4000),
  '',
  '   ',
  '<script>alert(1)</script>',
  "344'8O5",
  '１２３４５６７',
  '12 34 56 78',
  '\u0000\u0001\u0002',
  '%00',
  '{"value":1}',
];

export function garbageRequests(visitor: Visitor, count: number, seed: number): Garbage[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const bytes = (length: number) => new Blob([Uint8Array.from({ length }, () => int(0, 255))]);
  const text = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(int(1, 0xd7ff))).join('');
  /** What a header may carry: printable Latin-1. */
  const headerText = (length: number) =>
    Array.from({ length }, () =>
      String.fromCharCode(pick([int(0x21, 0x7e), int(0xa0, 0xff)])),
    ).join('');
  const tampered = () => {
    const at = int(0, 42);
    const swap = pick([...BASE64URL].filter((c) => c !== visitor.token[at]));
    return visitor.token.slice(0, at) + swap + visitor.token.slice(at + 1);
  };
  const session = { cookie: visitor.cookie };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const counter = () =>
    random() < 0.7
      ? String(pick(visitor.counterIds))
      : pick(['0', '-1', '99999999999', '1.5', 'abc', '%2e%2e', String(2 ** 53 + 1)]);
  const makers: Array<() => Garbage> = [
    () => ({
      label: 'wrong token',
      method: 'GET',
      path: `/l/${Array.from({ length: 43 }, () => pick([...BASE64URL])).join('')}`,
      headers: {},
    }),
    () => ({ label: 'tampered token', method: 'GET', path: `/l/${tampered()}`, headers: {} }),
    () => ({
      label: 'token of another length',
      method: 'GET',
      path: `/l/${visitor.token.slice(0, int(0, 42))}${random() < 0.5 ? 'A'.repeat(int(1, 3000)) : ''}`,
      headers: {},
    }),
    () => ({
      label: 'token of random bytes',
      method: 'GET',
      path: `/l/${random() < 0.8 ? encodeURIComponent(text(int(1, 80))) : pick(['%zz', '%E0%A4%A', '%', '%00', '..%2f..%2fetc%2fpasswd'])}`,
      headers: {},
    }),
    () => ({
      label: 'post to a link',
      method: 'POST',
      path: `/l/${visitor.token}`,
      headers: form,
      body: `value=${encodeURIComponent(pick(BAD_VALUES))}`,
    }),
    () => ({
      label: 'page without a visit',
      method: 'GET',
      path: pick(['/releve', '/imprimer', `/releve?saisir=${counter()}`]),
      headers: { cookie: pick(['', 'md_session=garbage', `md_session=${tampered()}`]) },
    }),
    () => ({
      label: 'page with a garbage query',
      method: 'GET',
      path: `/releve?saisir=${encodeURIComponent(pick([...BAD_VALUES, text(int(1, 200))]))}`,
      headers: session,
      page: true,
    }),
    () => ({
      label: 'print with a garbage query',
      method: 'GET',
      path: `/imprimer?${encodeURIComponent(text(int(1, 100)))}=1`,
      headers: session,
      page: true,
    }),
    () => ({
      label: 'bad value, valid form',
      method: 'POST',
      path: `/releve/${counter()}`,
      headers: { ...session, ...form },
      body: new URLSearchParams({ _csrf: visitor.csrf, value: pick(BAD_VALUES) }).toString(),
    }),
    () => ({
      label: 'value without its CSRF token',
      method: 'POST',
      path: `/releve/${counter()}`,
      headers: { ...session, ...form },
      body: new URLSearchParams({ value: String(int(0, 10 ** 9)) }).toString(),
    }),
    () => ({
      label: 'wrong CSRF token',
      method: 'POST',
      path: `/releve/${counter()}`,
      headers: { ...session, ...form },
      body: new URLSearchParams({
        _csrf: random() < 0.5 ? tampered() : text(int(1, 60)),
        value: String(int(0, 10 ** 9)),
      }).toString(),
    }),
    () => ({
      label: 'value without a visit',
      method: 'POST',
      path: `/releve/${counter()}`,
      headers: form,
      body: new URLSearchParams({ _csrf: visitor.csrf, value: String(int(0, 10 ** 9)) }).toString(),
    }),
    () => ({
      label: 'malformed form',
      method: 'POST',
      path: `/releve/${counter()}`,
      headers: { ...session, ...form },
      body: pick([
        `_csrf=${visitor.csrf}&value=%zz%`,
        `_csrf=${visitor.csrf}&&&===&value`,
        `_csrf=${visitor.csrf}&value[]=1&value[]=2`,
        `_csrf=${visitor.csrf}&value=1&value=2`,
        '%',
      ]),
    }),
    () => ({
      label: 'very long field',
      method: 'POST',
      path: `/releve/${counter()}`,
      headers: { ...session, ...form },
      body: `_csrf=${visitor.csrf}&value=${'7'.repeat(int(5000, 200_000))}`,
    }),
    () => ({
      label: 'random bytes as a form',
      method: 'POST',
      path: `/releve/${counter()}`,
      headers: { ...session, ...form },
      body: bytes(int(1, 3000)),
    }),
    () => ({
      label: 'wrong content type',
      method: 'POST',
      path: `/releve/${counter()}`,
      headers: {
        ...session,
        'content-type': pick([
          'application/json',
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/xml',
        ]),
      },
      body: pick([`{"_csrf":"${visitor.csrf}","value":"1"}`, '<x/>', text(50)]),
    }),
    () => ({
      label: 'logout without its token',
      method: 'POST',
      path: '/deconnexion',
      headers: { ...session, ...form },
      body: pick(['', '_csrf=nope', text(30)]),
    }),
    () => ({
      label: 'unknown path',
      method: pick(['GET', 'POST'] as const),
      path: `/${encodeURIComponent(text(int(1, 300)))}`,
      headers: {},
    }),
    () => ({
      label: 'garbage cookies',
      method: 'GET',
      path: pick(['/releve', '/imprimer', '/']),
      headers: {
        cookie: `md_session=${encodeURIComponent(text(int(1, 100)))}; _csrf=${encodeURIComponent(text(20))}`,
      },
    }),
    () => ({
      label: 'sync without the secret',
      method: 'POST',
      path: pick(['/sync/publish', '/sync/collect', '/sync/ack']),
      headers: {
        'content-type': 'application/json',
        authorization: pick(['', 'Bearer ', `Bearer ${headerText(40)}`, 'Basic Zm9vOmJhcg==']),
      },
      body: pick(['{}', '{"keys":["x:1"]}', '{"links":[]}', text(100), '[]', 'null']),
    }),
  ];
  return Array.from({ length: count }, () => {
    const garbage = pick(makers)();
    // A root with a live visit redirects to its page: the one legitimate 3xx.
    if (garbage.path === '/' && garbage.headers.cookie === visitor.cookie) garbage.redirect = true;
    return garbage;
  });
}

export interface Answer {
  garbage: Garbage;
  status: number;
  contentType: string;
  body: string;
}

export async function send(base: string, garbage: Garbage): Promise<Answer> {
  const response = await fetch(`${base}${garbage.path}`, {
    method: garbage.method,
    headers: garbage.headers,
    body: garbage.body,
    redirect: 'manual',
  });
  return {
    garbage,
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

/** Sends every request, `parallel` at a time. */
export async function sendAll(base: string, requests: Garbage[], parallel = 8): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < requests.length) answers.push(await send(base, requests[next++]!));
    }),
  );
  return answers;
}

/** What is wrong with an answer to garbage; null when it is a proper refusal. */
export function problemWith(answer: Answer): string | null {
  const { garbage, status, contentType, body } = answer;
  const sync = garbage.path.startsWith('/sync/');
  const allowed =
    (status >= 400 && status < 500) ||
    (garbage.page && status === 200) ||
    (garbage.redirect && status === 302);
  if (!allowed) return `status ${status}`;
  if (sync)
    return contentType.startsWith('application/json') ? null : `sync answer as ${contentType}`;
  if (!contentType.startsWith('text/html')) return `page as ${contentType || 'nothing'}`;
  if (status !== 302 && !body.includes('</html>')) return 'not a whole page';
  if (/<script>alert/.test(body)) return 'garbage echoed unescaped';
  if (/\bat \S+ \(|node_modules|FST_|\w+Error\b/.test(body)) return 'internals in the page';
  return null;
}

/** Raw bytes that are not HTTP at all: Node's parser answers 400 and closes. */
export function rawGarbage(base: string, payload: Uint8Array): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.end(payload));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
  });
}

/** The portal's data as customers and the back-office see it (not the visits). */
export function portalContent(db: Database): string {
  const hash = createHash('sha256');
  for (const table of ['portal_config', 'links', 'devices', 'counters', 'entries']) {
    hash.update(`${table}\n${JSON.stringify(db.all(`SELECT * FROM ${table} ORDER BY 1`))}\n`);
  }
  return hash.digest('hex');
}
