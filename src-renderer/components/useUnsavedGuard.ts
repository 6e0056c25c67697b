import { useEffect } from 'react';
import { allowHashChange, guardLeaving } from '../useHashRoute';

/**
 * While a form has changes not saved, leaving it asks first: "leave anyway?". Esc stays the
 * way to discard them. It asks on a click on a link away (the header's Periode, a customer's
 * contract …), on Back and Forward and the app's own steps (`navigate`: a button, the header's
 * search), and on reloading or closing the window (the desktop app's main process asks that
 * one: 'will-prevent-unload'). Going to the saved record after a save asks nothing (`whileSaving`).
 */
export function useUnsavedGuard(dirty: boolean, question: string): void {
  useEffect(() => {
    if (!dirty) return;
    guardLeaving(question);
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      const target = event.target instanceof Element ? event.target : null;
      const link = target?.closest<HTMLAnchorElement>('a[href^="#/"]');
      // A link to the page on screen leaves nothing.
      if (!link || link.hash === window.location.hash) return;
      if (window.confirm(question)) {
        allowHashChange(link.getAttribute('href')!);
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older Chromium asks only with a returnValue set (any value but undefined).
      event.returnValue = true;
    };
    // Capture: before the link follows its address. (Back and Forward: `useHashRoute`.)
    document.addEventListener('click', onClick, true);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      guardLeaving(null);
      document.removeEventListener('click', onClick, true);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [dirty, question]);
}
