import temporal, { textStyles } from './node_modules/@temporalio/ui/dist/theme/plugin.js';
import defaultTheme from 'tailwindcss/defaultTheme';

/** Temporal's theme (the Tailwind plugin @temporalio/ui ships) over the UI components' classes. */
export default {
  content: ['./src/**/*.{html,js,svelte,ts}', './node_modules/@temporalio/ui/dist/**/*.{js,svelte}'],
  darkMode: ['selector', '[data-theme="dark"]'],
  theme: {
    fontFamily: { sans: ['Inter', ...defaultTheme.fontFamily.sans], mono: ['Noto Sans Mono', ...defaultTheme.fontFamily.mono] },
    extend: { animation: { 'spin-slow': 'spin 3s linear infinite' }, zIndex: { 100: '100' } },
  },
  plugins: [temporal, textStyles],
};
