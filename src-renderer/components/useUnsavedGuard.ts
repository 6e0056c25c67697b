import { useEffect } from 'react';
import { allowNextHashChange, guardLeaving } from '../useHashRoute';

/**
 * While a form has changes not saved, leaving it asks first: "leave anyway?". Esc stays the
 * way to discard them. It asks on a click on a link away (the header's Periode, a customer's
 * contract …), on Back and Forward, on the header's search (`confirmLeave`), and on reloading
 * or closing the window (the desktop app's main process asks that one: 'will-prevent-unload').
 * The app's own navigation after a save is not a clerk leaving a form (`navigate`).
 */
export function useUnsavedGuard(dirty: boolean, question: string): void {
  useEffect(() => {
    if (!dirty) return;
    guardLeaving(question);
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) return;
      const target = event.target instanceof Element ? event.target : null;
      if (!target?.closest('a[href^="#/"]')) return;
      if (window.confirm(question)) {
        allowNextHashChange();
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Chromium before 119 asks only with a returnValue set.
      event.returnValue = '';
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
