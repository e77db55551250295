import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

const base = packageBuild() as Parameters<typeof defineConfig>[0] & object;

// The opt-in stylesheet ships as it is: `@ampo/react-ui/styles.css`.
export default defineConfig({
  ...base,
  target: 'es2022',
  onSuccess: async () => copyFileSync('src/styles.css', 'dist/styles.css'),
});
