import { useEffect, useRef } from 'react';
import { useMenuAction } from '../menu-events';

export interface SaveKeys {
  save: () => void;
  /** `by`: the Esc key (may come by mistake), or the menu's Abbrechen (chosen). */
  cancel: (by: 'key' | 'menu') => void;
}

/**
 * The OBS keys for every form: F2 saves, Esc cancels, wherever the focus is, and the desktop
 * menu's Save (F2 accelerator) does the same. A held F2 (key repeat) saves once.
 */
export function useSaveKeys(keys: SaveKeys): void {
  const latest = useRef(keys);
  useEffect(() => {
    latest.current = keys;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'F2') {
        event.preventDefault();
        if (!event.repeat) latest.current.save();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        latest.current.cancel('key');
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  useMenuAction((action) => {
    if (action === 'save') latest.current.save();
    if (action === 'cancel') latest.current.cancel('menu');
  });
}
