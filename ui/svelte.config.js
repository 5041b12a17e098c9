import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * A static single-page app: every route renders in the browser (ssr off), and the server
 * answers unknown paths with index.html (adapter-static's fallback).
 */
/** Where the site goes: UI_BUILD_DIR (the service builds into a fresh directory, then swaps it in) or build/. */
const outDir = process.env.UI_BUILD_DIR || 'build';

export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: outDir, assets: outDir, fallback: 'index.html', strict: false }),
    prerender: { entries: [] },
  },
};
