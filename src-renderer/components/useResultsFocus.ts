import { useEffect, useRef, useState } from 'react';

const FOCUS_RESULTS_EVENT = 'meterdesk:focus-results';
/** How long a request waits for a results list to mount (its page's code still loading). */
const WAIT_MS = 10_000;

/** When Enter or ↓ came while no results list was there to take it; null: none waiting. */
let waitingSince: number | null = null;
/** Whether the last request was Enter (↓ only moves into the list). */
let byEnter = false;

/**
 * Enter or ↓ in the Suche field: the results list on screen takes it (`useResultsFocus`). With
 * none mounted yet — the first page's code still arriving, or the list just navigated to — the
 * request waits for the list that mounts next, instead of being lost (the keyboard stayed in
 * the field).
 */
export function requestResultsFocus(key: 'Enter' | 'ArrowDown' = 'ArrowDown'): void {
  byEnter = key === 'Enter';
  const taken = !window.dispatchEvent(new CustomEvent(FOCUS_RESULTS_EVENT, { cancelable: true }));
  waitingSince = taken ? null : performance.now();
}

/** 1 if a request is waiting (read without taking it: React may call a state's initializer twice). */
function waitingRequest(): number {
  return waitingSince !== null && performance.now() - waitingSince < WAIT_MS ? 1 : 0;
}

/**
 * Enter or ↓ in the Suche field moves to the results — but only to the answer of what was
 * typed, never to the rows of an earlier query still on screen. Returns the Grid's focusToken.
 */
export function useResultsFocus(upToDate: boolean): number {
  const [request, setRequest] = useState(waitingRequest);
  useEffect(() => {
    // Taken by this list, if one was waiting.
    waitingSince = null;
    const onRequest = (event: Event) => {
      event.preventDefault();
      setRequest((n) => n + 1);
    };
    window.addEventListener(FOCUS_RESULTS_EVENT, onRequest);
    return () => window.removeEventListener(FOCUS_RESULTS_EVENT, onRequest);
  }, []);
  return upToDate ? request : 0;
}

/**
 * Enter (not ↓) on a query with a single answer opens it at once — a scanned serial number
 * lands on its device — instead of stopping on its row. `open`: the only result's, or null.
 * Each request counts once (the token comes back unchanged after a later query's loading).
 */
export function useOpenOnlyResult(focusToken: number, open: (() => void) | null): void {
  const handled = useRef(0);
  useEffect(() => {
    if (focusToken === 0 || focusToken === handled.current) return;
    handled.current = focusToken;
    if (open && byEnter) open();
  }, [focusToken, open]);
}
