import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../db/helpers';
import { cli } from './helpers';

describe('npm run cli -- generate', () => {
  it('fills an empty folder, prints the counts and seconds, and refuses to run twice (exit 1)', () => {
    const dir = tempDir();
    const first = cli('generate', '--data', dir, '--customers', '20', '--devices', '60', '--years', '2', '--seed', '3');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`generated a dealer into ${dir} (seed 3, 2 years up to `);
    expect(first.out).toMatch(/20 customers \(\d+ e-mail addresses\), \d+ contracts \(\d+ terms\), 60 devices \(\d+ counters\), \d+ readings \(\d+ counter values\)/);
    expect(first.out).toMatch(/\d+ rows in \d+\.\d s \(\d+ rows\/s, one transaction\)/);
    const again = cli('generate', '--data', dir, '--customers', '20', '--devices', '60', '--years', '2');
    expect(again.code).toBe(1);
    expect(again.out).toContain('already holds 20 customer(s)');
    expect(again.out).toContain('nothing was changed');
  });

  it('is listed in --help; missing or bad sizes are usage errors (exit 2) that create nothing', () => {
    expect(cli('--help').out).toContain('generate --customers N --devices N --years N [--seed N]');
    const dir = join(tempDir(), 'dealer');
    const missing = cli('generate', '--data', dir, '--customers', '20', '--years', '2');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('generate needs --devices N');
    const fewer = cli('generate', '--data', dir, '--customers', '20', '--devices', '5', '--years', '2');
    expect(fewer.code).toBe(2);
    expect(fewer.err).toContain('--devices must be at least customers');
    expect(cli('generate', '--data', dir, '--customers', 'many', '--devices', '5', '--years', '2').code).toBe(2);
    expect(existsSync(dir)).toBe(false);
  });
});
