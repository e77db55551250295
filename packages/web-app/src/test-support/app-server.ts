import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddedStack, createServer } from '@ampo/server';
import { createBareRepository, sampleProject } from '@ampo/testkit';
import { build } from 'vite';

/** Builds the app from the sources now, so the browser tests never run a stale build. */
export const buildWebApp = async (outDir: string) => {
  await build({
    configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return outDir;
};

/** A repository of the sample project whose scripted agent follows `scenario`. */
export const scriptedRepository = (scenario: object) =>
  createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(scenario)}\n` });

/**
 * The real server with the local stack — SQLite, Docker, local git and checks, the scripted
 * agent — serving the app built in `webAppDirectory`, on 127.0.0.1.
 */
export const startAppServer = async (settings: { image: string; webAppDirectory: string; repositories: string[]; testRun: string }) => {
  const directory = mkdtempSync(join(tmpdir(), 'ampo-web-app-'));
  const stack = await createEmbeddedStack({
    image: settings.image,
    dataDirectory: directory,
    agents: { amp: { binary: 'ampo-scripted-agent' } },
    labels: { 'ampo.test-run': settings.testRun },
    instanceId: `web-${randomUUID().slice(0, 8)}`,
  });
  const server = createServer({
    ...stack.serverSettings,
    auth: { secret: randomBytes(32) },
    repositories: { list: settings.repositories, mode: 'local' },
    webAppDirectory: settings.webAppDirectory,
    rateLimit: false,
  });
  const listening = await server.listen({ port: 0 });
  await stack.orchestrator.start();
  return {
    stack,
    server,
    url: listening.url,
    async close() {
      await listening.close();
      await server.close();
      await stack.close();
    },
  };
};
