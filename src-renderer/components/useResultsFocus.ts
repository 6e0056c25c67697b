import { useEffect, useState } from 'react';

export const FOCUS_RESULTS_EVENT = 'meterdesk:focus-results';

/**
 * Enter or ↓ in the Suche field moves to the results — but only to the answer of what was
 * typed, never to the rows of an earlier query still on screen. Returns the Grid's focusToken.
 */
export function useResultsFocus(upToDate: boolean): number {
  const [request, setRequest] = useState(0);
  useEffect(() => {
    const onRequest = () => setRequest((n) => n + 1);
    window.addEventListener(FOCUS_RESULTS_EVENT, onRequest);
    return () => window.removeEventListener(FOCUS_RESULTS_EVENT, onRequest);
  }, []);
  return upToDate ? request : 0;
}
