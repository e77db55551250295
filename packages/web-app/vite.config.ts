import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The app is built from the kit's and core's sources, so it needs no build of them first.
export default defineConfig({
  root: source('.'),
  base: '/',
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@ampo\/react-ui\/styles\.css$/, replacement: source('../react-ui/src/styles.css') },
      { find: /^@ampo\/react-ui$/, replacement: source('../react-ui/src/index.ts') },
      { find: /^@ampo\/core\/wire$/, replacement: source('../core/src/wire/index.ts') },
    ],
  },
  build: {
    outDir: source('dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
  },
});
