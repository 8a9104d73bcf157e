import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const api = process.env.PASSERELLE_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    // The app only speaks to its own origin (no CORS on the API): in development Vite forwards.
    proxy: { '/api': api, '/health': api, '/docs': api },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // dist/.vite/manifest.json: which chunks each entry and route needs (scripts/bundle-budget.mjs).
    manifest: true,
    reportCompressedSize: false,
    // The size that matters is checked by scripts/bundle-budget.mjs (gzip, sign-in + case list).
    chunkSizeWarningLimit: 1024,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});
