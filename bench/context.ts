/**
 * What `npm run bench` hands every benchmark module: the generated dealer's data folder, a
 * core opened on it (its `db` and `api`), and the core clock's "today". A module is a file
 * in bench/ exporting `async function rows(ctx: BenchContext): Promise<BenchRow[]>`; its
 * rows go into the one table (bench/table.ts) beside everyone else's.
 */
import type { OpenedCore } from '../src-main/node-main';
import type { BenchRow } from './table';

export interface BenchContext {
  dataDir: string;
  core: OpenedCore;
  /** The core clock's calendar day (YYYY-MM-DD): the generated data ends here. */
  today: string;
}

export type BenchRows = (ctx: BenchContext) => Promise<BenchRow[]>;
