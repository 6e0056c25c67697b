import type { ReadingStatus } from '../models';

/**
 * SPEC §3.5: 01 recorded → 11 billed (a print billing was made) → 21 posted (final). Only the
 * billing run moves a status; cancelling a billing returns 11 to 01; nothing leaves 21.
 */
const TRANSITIONS: Record<ReadingStatus, readonly ReadingStatus[]> = {
  '01': ['11'],
  '11': ['01', '21'],
  '21': [],
};

export function canTransition(from: ReadingStatus, to: ReadingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Only a recorded reading may be edited or deleted; billed and posted ones are read-only. */
export function isEditable(status: ReadingStatus): boolean {
  return status === '01';
}
