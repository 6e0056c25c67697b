import { useEffect, useRef } from 'react';
import type { MenuAction } from '../shared/bridge';

/**
 * Application-menu actions (Electron) and their keyboard twins (browser) reach components as
 * one DOM event, so a component handles "save" the same way whichever produced it.
 */
const EVENT = 'meterdesk:menu';

export function emitMenuAction(action: MenuAction): void {
  window.dispatchEvent(new CustomEvent<MenuAction>(EVENT, { detail: action }));
}

export function useMenuAction(handler: (action: MenuAction) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const listener = (event: Event) => latest.current((event as CustomEvent<MenuAction>).detail);
    window.addEventListener(EVENT, listener);
    return () => window.removeEventListener(EVENT, listener);
  }, []);
}
