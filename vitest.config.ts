// Test runner settings: every suite is a real-storage integration test, so files run in parallel
// processes and each opens its own database (an in-memory SQLite, or a fresh PostgreSQL schema).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
