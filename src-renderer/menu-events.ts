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

/** A restore asked for or taken back (Einstellungen › Sicherung): the app's banner asks again. */
const RESTORE_EVENT = 'meterdesk:restore-changed';

export function emitRestoreChanged(): void {
  window.dispatchEvent(new Event(RESTORE_EVENT));
}

export function useRestoreChanged(handler: () => void): void {
  useEffect(() => {
    window.addEventListener(RESTORE_EVENT, handler);
    return () => window.removeEventListener(RESTORE_EVENT, handler);
  }, [handler]);
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
