// npm run bench:web-app — the web app's bundle, <LiveLog> with 100k lines, and a burst of 10k
// lines: each beside the bare alternative, in Debian's Chromium. Prints `key=value`; asserts nothing.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createFakeWorld } from '@ampo/core/testing';
import { createServer } from '@ampo/server';
import type { CDPSession, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '../packages/web-app/src/test-support/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the checkout, so the entries below resolve react from its node_modules.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const scratch = mkdtempSync(join(root, 'node_modules/.cache/ampo-bench-web-'));
const print = (key: string, value: number | string) => console.log(`${key}=${value}`);

const gzipOf = (directory: string) =>
  readdirSync(join(directory, 'assets'))
    .filter((name) => /\.(js|css)$/.test(name))
    .reduce((sum, name) => sum + gzipSync(readFileSync(join(directory, 'assets', name))).length, 0);

/** A one-file entry built for production like the app, with react and react-dom inside or outside. */
const buildEntry = async (name: string, code: string, external: string[]) => {
  const directory = join(scratch, name);
  writeFileSync(join(scratch, `${name}.tsx`), code);
  writeFileSync(join(scratch, `${name}.html`), `<!doctype html><script type="module" src="./${name}.tsx"></script>`);
  await build({
    configFile: join(root, 'packages/web-app/vite.config.ts'),
    root: scratch,
    logLevel: 'silent',
    build: { outDir: directory, emptyOutDir: true, sourcemap: false, rollupOptions: { input: join(scratch, `${name}.html`), external } },
  });
  return gzipOf(directory);
};

// Bundle sizes.
const appDirectory = join(scratch, 'app');
await build({
  configFile: join(root, 'packages/web-app/vite.config.ts'),
  logLevel: 'silent',
  build: { outDir: appDirectory, emptyOutDir: true, sourcemap: false },
});
print('bundle.app.gzip_bytes', gzipOf(appDirectory));
print(
  'bundle.react_alone.gzip_bytes',
  await buildEntry('react-alone', `import { createRoot } from 'react-dom/client';\ncreateRoot(document.body).render(<p>hello</p>);\n`, []),
);
print(
  'bundle.live_log_component.gzip_bytes',
  await buildEntry(
    'live-log',
    `import { AmpoProvider, createAmpoClient, LiveLog } from '@ampo/react-ui';\nimport { createRoot } from 'react-dom/client';\ncreateRoot(document.body).render(<AmpoProvider client={createAmpoClient()}><LiveLog taskId="t" /></AmpoProvider>);\n`,
    ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client'],
  ),
);

// A real server over the in-memory world; each task's agent prints `lines` lines.
const lines = Number(process.env.AMPO_BENCH_LOG_LINES ?? 100_000);
let agentLines = lines;
/** Each turn waits for this, so a burst starts once the page watches. */
let gate: Promise<void> = Promise.resolve();
let openGate = () => {};
const closeGate = () => {
  gate = new Promise((resolve) => {
    openGate = resolve;
  });
};
const world = createFakeWorld({
  agent: async () => {
    await gate;
    return {
      messages: Array.from({ length: agentLines }, (_, index) => `\u001b[32mline\u001b[0m ${index} of the bench`),
      edits: { 'src/sum.ts': 'ok' },
    };
  },
  ci: () => 'pending',
});
const server = createServer({
  orchestrator: world.orchestrator,
  auth: { secret: randomBytes(32) },
  webAppDirectory: appDirectory,
  rateLimit: false,
});
const listening = await server.listen({ port: 0 });
const big = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Print a long log' });
await world.waitFor(big.id, ['ci-waiting']);

const context = await launchChromium();
// tsx keeps function names with a `__name` helper that does not exist inside the page.
await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
const page = await context.newPage();
await page.goto(await server.loginLink(listening.url));
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
const heap = async (session: CDPSession) => {
  await session.send('HeapProfiler.collectGarbage');
  const { metrics } = await session.send('Performance.getMetrics');
  return Math.round((metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024);
};
const lineCount = (target: Page, count: number) =>
  target.waitForFunction(
    (wanted) => Number(document.querySelector('.ampo-live-log__viewport')?.getAttribute('data-line-count')) >= wanted,
    count,
    { timeout: 600_000, polling: 50 },
  );

// <LiveLog>: from opening the task page to every line in, then the page's heap.
const opened = performance.now();
await page.goto(`${listening.url}/tasks/${big.id}`);
await lineCount(page, lines);
print('live_log.render_100k.ms', Math.round(performance.now() - opened));
print('live_log.heap_after.mb', await heap(cdp));

// The bare alternative: the same log fetched over REST into one <pre>.
await page.goto(`${listening.url}/api/health`);
const bareMs = await page.evaluate(async (id) => {
  const started = performance.now();
  const pre = document.createElement('pre');
  document.body.append(pre);
  let after = 0;
  let text = '';
  for (;;) {
    const page = (await (await fetch(`/api/tasks/${id}/logs?after=${after}&limit=1000`)).json()) as {
      logs: { seq: number; text: string }[];
      hasMore: boolean;
    };
    for (const chunk of page.logs) text += chunk.text;
    after = page.logs.at(-1)?.seq ?? after;
    if (!page.hasMore) break;
  }
  pre.textContent = text;
  pre.getBoundingClientRect();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  return performance.now() - started;
}, big.id);
print('bare_pre.render_100k.ms', Math.round(bareMs));
print('bare_pre.heap_after.mb', await heap(cdp));

// A burst of 10k lines while the page watches: frames longer than two 60 Hz frames count as dropped.
const burst = 10_000;
agentLines = burst;
const watchFrames = (target: Page) =>
  target.evaluate(() => {
    const state = { frames: 0, dropped: 0, last: performance.now(), running: true };
    const tick = (now: number) => {
      state.frames++;
      if (now - state.last > 2 * (1000 / 60)) state.dropped += Math.round((now - state.last) / (1000 / 60)) - 1;
      state.last = now;
      if (state.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    (window as unknown as { frames$: typeof state }).frames$ = state;
  });
const stopFrames = (target: Page) =>
  target.evaluate(() => {
    const state = (window as unknown as { frames$: { frames: number; dropped: number; running: boolean } }).frames$;
    state.running = false;
    return { frames: state.frames, dropped: state.dropped };
  });

closeGate();
const kitTask = await world.orchestrator.createTask({ repo: world.repo, prompt: 'A burst for the kit' });
await page.goto(`${listening.url}/tasks/${kitTask.id}`);
await page.locator('.ampo-live-log__viewport').waitFor();
await watchFrames(page);
const burstStarted = performance.now();
openGate();
await lineCount(page, burst);
const kit = await stopFrames(page);
print('burst_10k.seconds', ((performance.now() - burstStarted) / 1000).toFixed(2));
print('burst_10k.live_log.frames', kit.frames);
print('burst_10k.live_log.frames_dropped', kit.dropped);

// The bare alternative: each chunk appended to a <pre> as it arrives over the same WebSocket.
closeGate();
const bareTask = await world.orchestrator.createTask({ repo: world.repo, prompt: 'A burst for a bare pre' });
await page.goto(`${listening.url}/api/health`);
await page.evaluate(async (id) => {
  const pre = document.createElement('pre');
  document.body.append(pre);
  const { ticket } = (await (await fetch('/api/auth/ticket', { method: 'POST' })).json()) as { ticket: string };
  const socket = new WebSocket(`${location.origin.replace('http', 'ws')}/api/events?ticket=${ticket}`);
  await new Promise((resolve) => {
    socket.onopen = resolve;
  });
  let lines = 0;
  (window as unknown as { done$: Promise<void> }).done$ = new Promise<void>((resolve) => {
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as { type: string; chunk?: { text: string } };
      if (data.type !== 'log' || !data.chunk) return;
      pre.append(data.chunk.text);
      pre.getBoundingClientRect();
      lines += data.chunk.text.split('\n').length - 1;
      if (lines >= 10_000) resolve();
    };
  });
  socket.send(JSON.stringify({ type: 'subscribe-logs', id: 'bench', taskId: id, afterSeq: 0 }));
}, bareTask.id);
await watchFrames(page);
openGate();
await page.evaluate(() => (window as unknown as { done$: Promise<void> }).done$);
const bareFrames = await stopFrames(page);
print('burst_10k.bare_pre.frames', bareFrames.frames);
print('burst_10k.bare_pre.frames_dropped', bareFrames.dropped);

await context.close();
await listening.close();
await world.orchestrator.stop();
