import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../db/helpers';

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src-main/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, METERDESK_LOG_LEVEL: 'silent' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('npm run cli', () => {
  it('--help lists the commands and the options', () => {
    const { code, out } = cli('--help');
    expect(code).toBe(0);
    for (const word of ['serve', 'demo', '--data DIR', '--port N', '--demo', 'METERDESK_DATA']) expect(out).toContain(word);
  });

  it('refuses an unknown command or option with exit code 2', () => {
    expect(cli('bogus').code).toBe(2);
    const option = cli('demo', '--colour');
    expect(option.code).toBe(2);
    expect(option.err).toContain('--colour');
    expect(cli('serve', '--port', 'eighty', '--no-build').err).toContain('--port must be a number');
  });

  it('demo fills an empty data folder once, and never mixes with existing data', () => {
    const dir = tempDir();
    const first = cli('demo', '--data', dir);
    expect(first.code).toBe(0);
    expect(first.out).toContain('demo data loaded');
    const second = cli('demo', '--data', dir);
    expect(second.code).toBe(0);
    expect(second.out).toContain('already holds data');
  });

  it('import-master imports a file, says what it did, and with a bad file imports nothing (exit 1)', () => {
    const dir = tempDir();
    const customers = cli('import-master', 'test/fixtures/customers-latin1.csv', '--data', dir);
    expect(customers.code).toBe(0);
    expect(customers.out).toContain('3 new, 0 updated, 0 unchanged, 0 with errors — imported');
    expect(cli('import-master', 'test/fixtures/contracts.csv', '--data', dir).code).toBe(0);
    const bad = cli('import-master', 'test/fixtures/devices-bad.csv', '--data', dir, '--kind', 'devices');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('line 3 (3.500.002): contractNumber ("Vertrag"): No contract with number V-999999-99.');
    expect(bad.out).toContain('nothing imported');
    expect(cli('import-master', '--data', dir).code).toBe(2);
    expect(cli('import-master', 'test/fixtures/devices.csv', '--kind', 'printers', '--data', dir).code).toBe(2);
  });
});
