import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ApiError } from '../../shared/errors';
import { loadDemo, openCore, type OpenedCore } from '../../src-main/node-main';

const opened: Array<{ core: OpenedCore; dir: string | null }> = [];

afterEach(() => {
  for (const { core, dir } of opened.splice(0)) {
    core.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'meterdesk-test-'));
}

/** A core on a real SQLite file in a fresh folder, at a fixed "now" (23 Nov 2026, Zurich). */
export function testCore(options: { demo?: boolean; now?: string; dir?: string } = {}): OpenedCore {
  const dir = options.dir ?? tempDir();
  const now = new Date(options.now ?? '2026-11-23T09:30:00Z');
  const core = openCore({ dataDir: dir, author: 'test-clerk', version: 'test', now: () => now });
  opened.push({ core, dir });
  if (options.demo ?? true) loadDemo(core);
  return core;
}

/**
 * A second core on `core`'s database at a later "now" (default 23 Dec 2026): for a chain of
 * recorded readings over several months, as a device has one reading a period while the one
 * covering it is only recorded (the earlier months' readings are saved through `core`).
 */
export function laterCore(core: OpenedCore, now = '2026-12-23T09:30:00Z'): OpenedCore {
  const first = opened.find((entry) => entry.core === core);
  if (!first?.dir) throw new Error('laterCore takes a core from testCore');
  const later = openCore({ dataDir: first.dir, author: 'test-clerk', version: 'test', now: () => new Date(now) });
  // Closed before the first, whose folder goes with it.
  opened.unshift({ core: later, dir: null });
  return later;
}

/** The ApiError a call was refused with; fails the test when the call succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

/** A new reading of the device today, every counter `usage` pages above the last: what a clerk saves. */
/** A new reading `usage` pages after the last, dated `date` (default: the core's today), with the validity the dialog proposes. */
export async function recordReading(core: OpenedCore, equipmentId: string, usage: number, date?: string) {
  const draft = await core.api['readings-draft']({ equipmentId });
  return core.api['readings-save']({
    equipmentId,
    previousReadingId: draft.previousReadingId,
    date: date ?? draft.today,
    validFrom: draft.validity.from,
    validTo: draft.validity.to,
    counters: draft.counters.map((c) => ({ kind: c.kind, old: c.chainOld, new: c.chainOld + usage, extraFree: 0 })),
  });
}
