import pino from 'pino';

/**
 * One logger per module. Level from METERDESK_LOG_LEVEL (default `info`); lines go to stderr
 * so that CLI output on stdout stays clean for scripts.
 */
const root = pino(
  { level: process.env.METERDESK_LOG_LEVEL ?? 'info', base: undefined },
  pino.destination(2),
);

export function logger(module: string): pino.Logger {
  return root.child({ module });
}
