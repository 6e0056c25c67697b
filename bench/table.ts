/**
 * The one table `npm run bench` prints: every figure beside a baseline measured in the same
 * run, their ratio, and the goal with whether it was met.
 */
import { cpus, totalmem } from 'node:os';

export interface BenchRow {
  /** What was measured, e.g. "save a reading (core API), p99". */
  name: string;
  value: number;
  /** "ms", "rows/s", "req/s" … */
  unit: string;
  /** The bare operation it is compared with, e.g. "bare better-sqlite3 insert, p99". */
  baselineName: string;
  baseline: number;
  /** The goal in words ("< 2 ms", "≥ ½ bare"), and whether this run met it (null: no goal). */
  goal: string;
  met: boolean | null;
}

/** Quantile `q` (0..1) of the samples (sorted here); 0 when there are none. */
export function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

function figure(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

export function formatTable(rows: BenchRow[]): string {
  const lines = [
    '| # | measured | value | baseline (same run) | ratio | goal | met |',
    '|---|---|---:|---|---:|---|:---:|',
  ];
  rows.forEach((row, index) => {
    const ratio = row.baseline === 0 ? '–' : `${(row.value / row.baseline).toFixed(2)}×`;
    const met = row.met === null ? '' : row.met ? 'yes' : '**no**';
    lines.push(
      `| ${index + 1} | ${row.name} | ${figure(row.value)} ${row.unit} | ${row.baselineName}: ${figure(row.baseline)} ${row.unit} | ${ratio} | ${row.goal} | ${met} |`,
    );
  });
  return lines.join('\n');
}
