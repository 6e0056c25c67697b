import { useEffect, useState } from 'react';

/** Routes live in the hash (`#/devices/3.022.790`), so the built UI works from file:// too. */
export type Route =
  | { page: 'search' }
  | { page: 'device'; equipmentId: string }
  | { page: 'customers' }
  | { page: 'customer'; number: string | null };

export function parseRoute(hash: string): Route {
  const device = /^#\/devices\/([^/?#]+)/.exec(hash);
  if (device?.[1]) return { page: 'device', equipmentId: decodeURIComponent(device[1]) };
  const customer = /^#\/customers\/([^/?#]+)/.exec(hash);
  if (customer?.[1]) {
    return { page: 'customer', number: customer[1] === 'new' ? null : decodeURIComponent(customer[1]) };
  }
  if (/^#\/customers\/?$/.test(hash)) return { page: 'customers' };
  return { page: 'search' };
}

export function deviceHref(equipmentId: string): string {
  return `#/devices/${encodeURIComponent(equipmentId)}`;
}

export function customerHref(number: string | null): string {
  return `#/customers/${number === null ? 'new' : encodeURIComponent(number)}`;
}

export function navigate(href: string): void {
  window.location.hash = href.slice(1);
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
