import { spawnSync } from 'node:child_process';

/** Runs `npm run cli -- …` as a child process, as a person would, with the logs silenced. */
export function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src-main/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, METERDESK_LOG_LEVEL: 'silent' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}
