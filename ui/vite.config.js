import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// VITE_API (the API's origin) is empty: the UI calls /api/v1 on the origin that served it.
process.env.VITE_API ??= '';

export default defineConfig({
  plugins: [sveltekit()],
  optimizeDeps: { include: ['date-fns', 'date-fns-tz'] },
  build: { chunkSizeWarningLimit: 8000, reportCompressedSize: false },
  logLevel: 'warn',
});
