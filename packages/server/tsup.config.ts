import { cpSync, existsSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// The library, and the bin `ampo-server` (dist/cli/main.js keeps its shebang).
const base = packageBuild(['src/index.ts', 'src/cli/main.ts']) as Parameters<typeof defineConfig>[0] & object;
const webApp = '../web-app/dist';

// The web app ships inside this package, as `dist/web-app`, and the server serves it at `/`.
// The root build makes it first (packages/web-app comes before packages/server in the workspaces).
export default defineConfig({
  ...base,
  onSuccess: async () => {
    if (!existsSync(`${webApp}/index.html`)) {
      throw new Error('The web app is not built: run `npm run build -w @ampo/web-app` first (the root `npm run build` does).');
    }
    cpSync(webApp, 'dist/web-app', { recursive: true, filter: (path) => !path.endsWith('.map') });
  },
});
