import { useEffect } from 'react';

/**
 * While a form has changes not saved, a click on a link away (the header's Periode, a
 * customer's contract …) asks first: "leave anyway?". Esc stays the way to discard them.
 * Links only: the app's own navigation after a save is not a clerk leaving a form.
 */
export function useUnsavedGuard(dirty: boolean, question: string): void {
  useEffect(() => {
    if (!dirty) return;
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) return;
      const target = event.target instanceof Element ? event.target : null;
      if (!target?.closest('a[href^="#/"]')) return;
      if (window.confirm(question)) return;
      event.preventDefault();
      event.stopPropagation();
    };
    // Capture: before the link follows its address.
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [dirty, question]);
}
