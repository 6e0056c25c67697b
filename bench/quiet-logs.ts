/** Imported first by bench/faults.ts: the refused requests it causes by the thousand are logged at info. */
process.env.METERDESK_LOG_LEVEL ??= 'warn';
