import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/{unit,db,http,cli,web,faults}/**/*.test.ts'],
    environment: 'node',
    env: { METERDESK_LOG_LEVEL: 'silent' },
    testTimeout: 20_000,
  },
});
