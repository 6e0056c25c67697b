import type { FieldIssue } from '../errors';
import type { CounterExchange, CounterKind, IsoDate, ReadingStatus } from '../models';
import { isEditable } from './status';
import { countedPages } from './usage';

/** The following reading of the same counter in the device's chain. */
export interface NextLink {
  readingId: number;
  date: IsoDate;
  status: ReadingStatus;
  old: number;
  new: number;
  extraFree: number;
  /** The next reading's meter exchange: its old counter ends at `final`. */
  exchange: CounterExchange | null;
}

export type ChainEffect = { kind: 'none' } | { kind: 'relink'; readingId: number; old: number };

/**
 * SPEC §3.6: the readings of a device form a chain per counter, the *old* of a reading being
 * the *new* of the one before. Changing the *new* of a recorded reading carries over into the
 * next reading's *old* while that one is still recorded (01), and is refused when it is
 * billed or posted, because that would change a bill already made.
 */
export function planChainEdit(
  kind: CounterKind,
  newValue: number,
  next: NextLink | null,
): { effect: ChainEffect; issues: FieldIssue[] } {
  if (!next || next.old === newValue) return { effect: { kind: 'none' }, issues: [] };
  const field = `${kind}.new`;
  if (!isEditable(next.status)) {
    return {
      effect: { kind: 'none' },
      issues: [
        {
          field,
          code: 'next-reading-locked',
          params: { status: next.status, date: next.date, value: next.old },
        },
      ],
    };
  }
  // Across the next reading's meter exchange, the old counter's final value is the ceiling.
  const ceiling = next.exchange?.final ?? next.new;
  if (newValue > ceiling) {
    return {
      effect: { kind: 'none' },
      issues: [{ field, code: 'new-above-next', params: { max: ceiling, date: next.date } }],
    };
  }
  if (next.extraFree > countedPages(newValue, next.new, next.exchange)) {
    return {
      effect: { kind: 'none' },
      issues: [
        {
          field,
          code: 'next-extra-free-too-large',
          params: { max: countedPages(0, next.new, next.exchange) - next.extraFree, date: next.date },
        },
      ],
    };
  }
  return { effect: { kind: 'relink', readingId: next.readingId, old: newValue }, issues: [] };
}
