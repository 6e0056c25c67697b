import { useEffect, useState } from 'react';

/** Routes live in the hash (`#/devices/3.022.790`), so the built UI works from file:// too. */
export type Route = { page: 'search' } | { page: 'device'; equipmentId: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/devices\/([^/?#]+)/.exec(hash);
  if (match?.[1]) return { page: 'device', equipmentId: decodeURIComponent(match[1]) };
  return { page: 'search' };
}

export function deviceHref(equipmentId: string): string {
  return `#/devices/${encodeURIComponent(equipmentId)}`;
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
