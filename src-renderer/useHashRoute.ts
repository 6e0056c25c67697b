import { useEffect, useState } from 'react';

/** Routes live in the hash (`#/devices/3.022.790`), so the built UI works from file:// too. */
export type Route =
  | { page: 'search' }
  /**
   * A device page; `readingId` opens that reading in the meter dialog, and `back` (a list the
   * clerk came from: Web-Erfassung, Billing) is where closing that dialog returns.
   */
  | { page: 'device'; equipmentId: string; readingId: number | null; back: BackPage | null }
  | { page: 'web' }
  /** The print billing; `period` a month to open other than this one. */
  | { page: 'billing'; period: string | null }
  | { page: 'settings' }
  | { page: 'period' }
  | { page: 'alerts'; kind: string | null }
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
 */
export type BackPage = string;
const BACK_PAGE = /^(web|alerts|billing(\?period=\d{4}-(0[1-9]|1[0-2]))?)$/;

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
  if (/^#\/web\/?$/.test(hash)) return { page: 'web' };
  if (/^#\/billing\/?(\?|$)/.test(hash)) {
    const period = queryParam(hash, 'period');
    return { page: 'billing', period: period !== null && /^\d{4}-(0[1-9]|1[0-2])$/.test(period) ? period : null };
  }
  if (/^#\/settings\/?$/.test(hash)) return { page: 'settings' };
  if (/^#\/period\/?$/.test(hash)) return { page: 'period' };
  const alerts = /^#\/alerts\/?(?:\?kind=([\w-]+))?$/.exec(hash);
  if (alerts) return { page: 'alerts', kind: alerts[1] ?? null };
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
/** The next change of address is the app's own, or one a link's click already asked about. */
let hashChangeAllowed = false;

/** `useUnsavedGuard`: a form with unsaved changes is on screen (its question), or none (null). */
export function guardLeaving(question: string | null): void {
  leaveQuestion = question;
  hashChangeAllowed = false;
}

/** `useUnsavedGuard`: the next change of address passes unasked (a link it asked about). */
export function allowNextHashChange(): void {
  hashChangeAllowed = true;
}

/**
 * Asks before the app leaves a form with unsaved changes by its own doing (the header's
 * search jumping to its list); true when there is none, or the clerk chooses to leave.
 */
export function confirmLeave(): boolean {
  return leaveQuestion === null || window.confirm(leaveQuestion);
}

export function navigate(href: string): void {
  // The app's own step (after a save, a search): a form's unsaved-changes guard lets it pass.
  if (window.location.hash !== href) allowNextHashChange();
  window.location.hash = href.slice(1);
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = (event: HashChangeEvent) => {
      // Back or Forward (or an address typed) away from a form with unsaved changes asks first;
      // declined, the address goes back to the form's and the page stays.
      const allowed = hashChangeAllowed;
      hashChangeAllowed = false;
      if (leaveQuestion !== null && !allowed && !window.confirm(leaveQuestion)) {
        window.history.replaceState(window.history.state, '', event.oldURL);
        return;
      }
      setRoute(parseRoute(window.location.hash));
    };
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
