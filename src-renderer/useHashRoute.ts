import { useEffect, useState } from 'react';

/** Routes live in the hash (`#/devices/3.022.790`), so the built UI works from file:// too. */
export type Route =
  | { page: 'search' }
  /**
   * A device page; `readingId` opens that reading in the meter dialog, and `back` (a list the
   * clerk came from: Web-Erfassung, Billing) is where closing that dialog returns.
   */
  | { page: 'device'; equipmentId: string; readingId: number | null; back: BackPage | null }
  | { page: 'web'; at: string | null }
  /** The print billing; `period` a month to open other than this one. */
  | { page: 'billing'; period: string | null }
  | { page: 'settings' }
  | { page: 'period' }
  | { page: 'alerts'; kind: string | null; at: string | null }
  | { page: 'statement'; runId: number }
  | { page: 'customers' }
  | { page: 'import' }
  | { page: 'customer'; number: string | null }
  /** A contract: `number` null for a new one of `customer`. */
  | { page: 'contract'; number: string | null; customer: string | null }
  /** The device form: `equipmentId` null for a new device of `contract`. */
  | { page: 'device-form'; equipmentId: string | null; contract: string | null };

/**
 * The list a reading opened from goes back to once its dialog closes: Web-Erfassung, Hinweise,
 * or the billing of a month (`billing?period=2026-11`), as the part of the address after `#/`.
 * A list's `at` names the row the reading was opened from: the keyboard goes on from there.
 */
export type BackPage = string;
const BACK_PAGE = /^(web(\?at=[\w-]+)?|alerts(\?kind=[\w-]+)?([?&]at=[\w-]+)?|billing(\?period=\d{4}-(0[1-9]|1[0-2]))?)$/;

function queryParam(hash: string, name: string): string | null {
  const query = hash.split('?')[1];
  return query ? new URLSearchParams(query).get(name) : null;
}

export function parseRoute(hash: string): Route {
  if (/^#\/devices\/new(\?|$)/.test(hash)) {
    return { page: 'device-form', equipmentId: null, contract: queryParam(hash, 'contract') };
  }
  const edit = /^#\/devices\/([^/?#]+)\/edit/.exec(hash);
  if (edit?.[1]) return { page: 'device-form', equipmentId: decodeURIComponent(edit[1]), contract: null };
  const device = /^#\/devices\/([^/?#]+)/.exec(hash);
  if (device?.[1]) {
    const reading = Number(queryParam(hash, 'reading'));
    const back = queryParam(hash, 'back');
    return {
      page: 'device',
      equipmentId: decodeURIComponent(device[1]),
      readingId: reading > 0 ? reading : null,
      back: back !== null && BACK_PAGE.test(back) ? back : null,
    };
  }
  const contract = /^#\/contracts\/([^/?#]+)/.exec(hash);
  if (contract?.[1]) {
    return contract[1] === 'new'
      ? { page: 'contract', number: null, customer: queryParam(hash, 'customer') }
      : { page: 'contract', number: decodeURIComponent(contract[1]), customer: null };
  }
  const customer = /^#\/customers\/([^/?#]+)/.exec(hash);
  if (customer?.[1]) {
    return { page: 'customer', number: customer[1] === 'new' ? null : decodeURIComponent(customer[1]) };
  }
  if (/^#\/customers\/?$/.test(hash)) return { page: 'customers' };
  if (/^#\/import\/?$/.test(hash)) return { page: 'import' };
  const web = /^#\/web\/?(?:\?at=([\w-]+))?$/.exec(hash);
  if (web) return { page: 'web', at: web[1] ?? null };
  if (/^#\/billing\/?(\?|$)/.test(hash)) {
    const period = queryParam(hash, 'period');
    return { page: 'billing', period: period !== null && /^\d{4}-(0[1-9]|1[0-2])$/.test(period) ? period : null };
  }
  if (/^#\/settings\/?$/.test(hash)) return { page: 'settings' };
  if (/^#\/period\/?$/.test(hash)) return { page: 'period' };
  const alerts = /^#\/alerts\/?(?:\?kind=([\w-]+))?(?:[?&]at=([\w-]+))?$/.exec(hash);
  if (alerts) return { page: 'alerts', kind: alerts[1] ?? null, at: alerts[2] ?? null };
  const statement = /^#\/billing\/runs\/(\d+)/.exec(hash);
  if (statement?.[1]) return { page: 'statement', runId: Number(statement[1]) };
  return { page: 'search' };
}

export function deviceHref(equipmentId: string, readingId?: number, back?: BackPage): string {
  const query = new URLSearchParams();
  if (readingId) query.set('reading', String(readingId));
  if (readingId && back) query.set('back', back);
  const text = query.toString();
  return `#/devices/${encodeURIComponent(equipmentId)}${text ? `?${text}` : ''}`;
}

export function customerHref(number: string | null): string {
  return `#/customers/${number === null ? 'new' : encodeURIComponent(number)}`;
}

export function contractHref(number: string | null, customer?: string): string {
  return number === null
    ? `#/contracts/new?customer=${encodeURIComponent(customer ?? '')}`
    : `#/contracts/${encodeURIComponent(number)}`;
}

export function deviceFormHref(equipmentId: string | null, contract?: string): string {
  return equipmentId === null
    ? `#/devices/new?contract=${encodeURIComponent(contract ?? '')}`
    : `#/devices/${encodeURIComponent(equipmentId)}/edit`;
}

/** The question of the form with unsaved changes on screen (`useUnsavedGuard`); null: none. */
let leaveQuestion: string | null = null;
/** The one address the next change may go to unasked: the app's own step, or a link asked about. */
let allowedHash: string | null = null;
/** A save under way: the page it goes to afterwards (the record's own) is no leaving. */
let saving = 0;
/** The history entry shown, numbered in its state, to step back to it when leaving is declined. */
let shownIndex = 0;
/** The change of address that steps back to the form: not a change of page. */
let steppingBack = false;

/** An address as `location.hash` has it (encoded the browser's way), for comparing. */
function hashOf(href: string): string {
  return new URL(href, window.location.href).hash;
}

/** `useUnsavedGuard`: a form with unsaved changes is on screen (its question), or none (null). */
export function guardLeaving(question: string | null): void {
  leaveQuestion = question;
  allowedHash = null;
}

/** `useUnsavedGuard`: the address a link goes to, once the clerk chose to leave. */
export function allowHashChange(href: string): void {
  allowedHash = hashOf(href);
}

/** A form's save, during which the app's navigation to the saved record asks nothing. */
export async function whileSaving<T>(action: () => Promise<T>): Promise<T> {
  saving += 1;
  try {
    return await action();
  } finally {
    saving -= 1;
  }
}

/**
 * The app's own step to another page (a button, the search, after a save). Away from a form
 * with unsaved changes it asks first; false when the clerk chose to stay.
 */
export function navigate(href: string): boolean {
  const hash = hashOf(href);
  if (window.location.hash === hash) return true;
  if (leaveQuestion !== null && saving === 0 && !window.confirm(leaveQuestion)) return false;
  allowedHash = hash;
  window.location.hash = href.slice(1);
  return true;
}

function entryIndex(): number | undefined {
  const state: unknown = window.history.state;
  const index = state && typeof state === 'object' ? (state as { meterdeskIndex?: unknown }).meterdeskIndex : undefined;
  return typeof index === 'number' ? index : undefined;
}

function numberEntry(index: number): void {
  const state: unknown = window.history.state;
  window.history.replaceState({ ...(state && typeof state === 'object' ? state : {}), meterdeskIndex: index }, '');
  shownIndex = index;
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    numberEntry(entryIndex() ?? 0);
    const update = (event: HashChangeEvent) => {
      if (steppingBack) {
        steppingBack = false;
        return;
      }
      const allowed = allowedHash !== null && allowedHash === new URL(event.newURL).hash;
      allowedHash = null;
      const index = entryIndex();
      // Back or Forward (or an address typed) away from a form with unsaved changes asks first;
      // declined, the history steps back to the form's entry (it keeps the entries around it),
      // and the page stays.
      if (leaveQuestion !== null && !allowed && !window.confirm(leaveQuestion)) {
        if (index === shownIndex) {
          window.history.replaceState(window.history.state, '', event.oldURL);
          return;
        }
        steppingBack = true;
        if (index === undefined) window.history.back();
        else window.history.go(shownIndex - index);
        return;
      }
      numberEntry(index ?? shownIndex + 1);
      setRoute(parseRoute(window.location.hash));
    };
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
