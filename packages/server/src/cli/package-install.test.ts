import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDocker } from '@ampo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersLeft, type Running, repositoryRoot, run, scriptedAgentFlags, start } from './__fixtures__/child-process.js';

/** What the server needs at run time, in build order. `@ampo/testkit` is private and must not be among them. */
const publishable = ['core', 'adapter-docker', 'adapter-local', 'adapter-github', 'store-sqlite', 'store-postgres', 'server'];
const instanceId = `package-${randomUUID().slice(0, 8)}`;
const packageJson = (path: string) =>
  JSON.parse(readFileSync(path, 'utf8')) as { name: string; version: string; private?: boolean; dependencies?: Record<string, string> };

describe('packaging: the packed packages install into an empty folder and the installed ampo-server starts', () => {
  let image: string;
  let server: Running | undefined;
  beforeAll(async () => {
    image = await prepareDocker();
  }, 900_000);
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    expect(await containersLeft(instanceId)).toEqual([]);
  });

  it('npm pack, npm install of the tarballs (third-party packages from the registry), npx @ampo/server, GET /api/health', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ampo-package-'));
    const tarballs: Record<string, string> = {};
    for (const name of publishable) {
      const directory = join(repositoryRoot, 'packages', name);
      expect(packageJson(join(directory, 'package.json')).private).not.toBe(true);
      // `npm test` builds before the tests; a test run on its own builds what is missing.
      if (!existsSync(join(directory, 'dist', 'index.js'))) expect((await run(['npx', 'tsup'], { cwd: directory })).code).toBe(0);
      const packed = await run(['npm', 'pack', '--json', '--pack-destination', root], { cwd: directory });
      expect(packed.code).toBe(0);
      const [{ filename, name: packageName }] = JSON.parse(packed.stdout) as [{ filename: string; name: string }];
      tarballs[packageName] = `file:${join(root, filename)}`;
    }

    const app = join(root, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'uses-ampo',
        private: true,
        dependencies: tarballs,
        // better-sqlite3 builds its binding; dockerode's optional native helpers are not needed.
        allowScripts: { 'better-sqlite3': true, 'cpu-features': false, ssh2: false, protobufjs: false },
      }),
    );
    // Peers are not installed for us: every runtime dependency must be declared (better-sqlite3 is a peer of store-sqlite).
    const install = await run(['npm', 'install', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps'], { cwd: app });
    expect(install.code, install.stderr).toBe(0);
    expect(existsSync(join(app, 'node_modules', '@ampo', 'testkit'))).toBe(false);
    for (const name of Object.keys(tarballs)) {
      expect(Object.keys(packageJson(join(app, 'node_modules', name, 'package.json')).dependencies ?? {})).not.toContain('@ampo/testkit');
    }

    const { version } = packageJson(join(repositoryRoot, 'packages', 'server', 'package.json'));
    const npx = await run(['npx', '--no', '--', '@ampo/server', '--version'], { cwd: app });
    expect(npx).toMatchObject({ code: 0, stdout: version });

    // The fakes import without a test runner (vitest, an optional peer, is not installed here);
    // the conformance suites, which register vitest cases, say that they need it.
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);
    const importing = (entry: string) =>
      run(['node', '--input-type=module', '-e', `const m = await import('${entry}'); console.log(Object.keys(m).sort().join(' '))`], {
        cwd: app,
      });
    const fakes = await importing('@ampo/core/testing');
    expect(fakes.code, fakes.stderr).toBe(0);
    expect(fakes.stdout.split(' ')).toEqual(expect.arrayContaining(['createFakeWorld', 'createInMemoryTaskStore']));
    expect(fakes.stdout).not.toMatch(/describe/);
    const suites = await importing('@ampo/core/conformance');
    expect(suites.code).not.toBe(0);
    expect(suites.stderr).toMatch(/vitest/);

    server = start(
      [
        join(app, 'node_modules', '.bin', 'ampo-server'),
        'start',
        '--data-dir',
        join(root, 'data'),
        '--port',
        '0',
        '--repo-root',
        root,
        ...scriptedAgentFlags(image, instanceId),
      ],
      { cwd: app },
    );
    const [, url] = await server.line(/^ampo is listening at (\S+)$/);
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/api/ready`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: { ok: true }, docker: { ok: true } } });

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 900_000);
});
