import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LogChunk } from '@ampo/core/wire';
import { brokenChange, containersLabelled, fixedChange, prepareDocker } from '@ampo/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, scriptedRepository, startAppServer } from './test-support/app-server.js';
import { launchChromium } from './test-support/chromium.js';
import { expectedLogLines, readLiveLog } from './test-support/page-helpers.js';

const output = fileURLToPath(new URL('../../../test-results/web-app/', import.meta.url));
const screenshots = join(output, 'screenshots');
const testRun = randomUUID();

/** Red first (a wrong sum and a `var`), then green once the digest arrives; a pause on each turn, so a person can watch. */
const redThenGreen = {
  steps: [
    {
      name: 'fix-from-ci-feedback',
      when: 'CI failed',
      files: fixedChange,
      delayMs: 4000,
      messages: ['[scripted agent] Read the CI feedback: fixed the offset that broke the test and replaced var with const.'],
    },
    { name: 'first-attempt', files: brokenChange, delayMs: 1500, messages: ['[scripted agent] Added an offset to sum.'] },
  ],
};

/** Checks that never finish, many log lines, and an answer to each message. */
const slowChecks = {
  steps: [
    {
      name: 'first-message',
      when: 'please add a comment',
      files: { 'src/sum.js': '// Adds two numbers.\nexport const sum = (a, b) => a + b;\n' },
      messages: ['[scripted agent] Added the comment you asked for.'],
    },
    {
      name: 'second-message',
      when: 'second message',
      files: { 'NOTES.md': 'Read the second message.\n' },
      messages: ['[scripted agent] Noted your second message.'],
    },
    {
      name: 'first-attempt',
      files: {
        'src/sum.js': 'export const sum = (a, b) => a + b;\n',
        '.ampo/checks.yml': 'checks:\n  - name: slow\n    command: sleep 600\n',
      },
      messages: Array.from({ length: 150 }, (_, index) => `[scripted agent] \u001b[32mreading\u001b[0m part ${index + 1} of 150`),
    },
  ],
};

describe('the web app in Chromium against the real server and the local stack', { timeout: 300_000 }, () => {
  let context: BrowserContext;
  let page: Page;
  let app: Awaited<ReturnType<typeof startAppServer>>;
  const green = scriptedRepository(redThenGreen);
  const slow = scriptedRepository(slowChecks);
  let slowTaskId = '';
  /** Uncaught errors and console errors of every page. */
  const pageErrors: string[] = [];

  const shoot = async (name: string, target: Page = page, fullPage = false) => {
    await target.screenshot({ path: join(screenshots, `${name}.png`), fullPage });
  };
  const logOf = async (taskId: string) => {
    const chunks: LogChunk[] = [];
    for (;;) {
      const page = await app.stack.orchestrator.readLogs(taskId, { afterSeq: chunks.at(-1)?.seq ?? 0, limit: 1000 });
      chunks.push(...page);
      if (page.length < 1000) return chunks;
    }
  };

  /**
   * What the page's log shows, and the stored log it must equal. The task may still be printing,
   * so both are read again until they agree on a length (or a minute has passed).
   */
  const shownAndStoredLog = async (taskId: string) => {
    for (let tries = 0; ; tries++) {
      const expected = expectedLogLines(await logOf(taskId));
      await page
        .waitForFunction(
          (count) => Number(document.querySelector('.ampo-live-log__viewport')?.getAttribute('data-line-count')) >= count,
          expected.length,
          { timeout: 30_000 },
        )
        .catch(() => undefined);
      const shown = await readLiveLog(page);
      const again = expectedLogLines(await logOf(taskId));
      if ((shown.numbers.length === again.length && again.length === expected.length) || tries >= 30) return { shown, expected: again };
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    const [image, webAppDirectory] = await Promise.all([prepareDocker(), buildWebApp(join(output, 'app'))]);
    app = await startAppServer({ image, webAppDirectory, repositories: [green.bare, slow.bare], testRun });
    context = await launchChromium();
    context.on('weberror', (error) => pageErrors.push(String(error.error())));
    context.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page = await context.newPage();
  }, 900_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    expect(pageErrors.filter((error) => !/ERR_INTERNET_DISCONNECTED|401 \(Unauthorized\)/.test(error))).toEqual([]);
    // Nothing of the tasks is left running; whatever a failed test left is removed all the same.
    const left = containersLabelled(`ampo.test-run=${testRun}`);
    if (left.length > 0) await promisify(execFile)('docker', ['rm', '--force', ...left]);
    expect(left).toEqual([]);
  });

  it('asks to log in, then logs in with the one-time link; the link works once', async () => {
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'Log in to ampo' }).waitFor();
    const link = await app.server.loginLink(app.url);
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await page.getByText('No tasks yet.').waitFor();
    const again = await context.newPage();
    const refused = await again.goto(link);
    expect(refused?.status()).toBe(401);
    await again.close();
  });

  it('shows the field errors of a form with invalid input, and sends nothing', async () => {
    await page.getByRole('link', { name: 'New task' }).click();
    await page.getByRole('heading', { name: 'New task' }).waitFor();
    await page.getByLabel('Repository').fill('');
    await page.getByLabel('CI attempts').fill('0');
    await page.getByLabel('Checks').fill('lint: npm run lint\njust a command');
    await page.getByRole('button', { name: 'Create task' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('Repository: Required.');
    expect(text).toContain('Prompt: Required.');
    expect(text).toContain('CI attempts: Must be at least 1.');
    expect(text).toContain('Line 2, name: Required.');
    expect(await page.getByLabel('Prompt').getAttribute('aria-invalid')).toBe('true');
    await shoot('new-task-invalid-desktop');
    expect((await app.stack.orchestrator.listTasks({ limit: 10 })).tasks).toEqual([]);
  });

  it('creates a task from the form and watches it go red, the digest in the timeline, then green — live, without a reload', async () => {
    await page.getByLabel('Repository').fill(green.bare);
    await page.getByLabel('Prompt').fill('Let sum take an offset');
    await page.getByLabel('Title').fill('Let sum take an offset');
    await page.getByLabel('CI attempts').fill('3');
    await page.getByLabel('Checks').fill('');
    await page.getByRole('button', { name: 'Create task' }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]+$/);
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });

    // Red: attempt 1 failed and its digest is on the page while attempt 2 has not started.
    await page.waitForFunction(
      () =>
        document.querySelector('[data-attempt="1"][data-tone="failure"]') !== null &&
        document.querySelector('[data-attempt="2"]') === null &&
        document.querySelector('.ampo-task-detail')?.getAttribute('data-status') !== 'succeeded',
      undefined,
      { timeout: 240_000, polling: 100 },
    );
    const first = page.locator('[data-attempt="1"]');
    await first.getByText('Feedback sent to the agent').waitFor();
    const digest = (await first.locator('.ampo-ci-timeline__digest pre').textContent()) ?? '';
    expect(digest).toContain('sum adds two numbers');
    expect(digest).toContain('Unexpected var');
    await shoot('task-red-desktop');

    // Green, on the same page.
    await page.locator('.ampo-task-detail[data-status="succeeded"]').waitFor({ timeout: 240_000 });
    await page.locator('[data-attempt="2"][data-tone="success"]').waitFor();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.getByText('Feedback sent to the agent (turn 2)').waitFor();
    await page.getByRole('region', { name: 'Agent transcript' }).getByText('Read the CI feedback', { exact: false }).waitFor();
    await page.getByRole('region', { name: 'Changes' }).getByText('src/sum.js').first().waitFor();
    await shoot('task-green-desktop');
  });

  it('sends a message to a running task and shows the agent’s answer', async () => {
    const task = await app.stack.orchestrator.createTask({
      repo: slow.bare,
      prompt: 'Keep the checks slow',
      title: 'Keep the checks slow',
    });
    slowTaskId = task.id;
    await page.getByRole('link', { name: 'Tasks', exact: true }).click();
    await page.getByRole('link', { name: 'Keep the checks slow' }).click();
    await page.locator('.ampo-task-detail[data-status="ci-waiting"]').waitFor({ timeout: 240_000 });
    await page.getByLabel('Message to the agent').fill('Thanks — please add a comment above sum.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Sent.').waitFor();
    const transcript = page.getByRole('region', { name: 'Agent transcript' });
    await transcript.getByText('Thanks — please add a comment above sum.').first().waitFor();
    await transcript.getByText('[scripted agent] Added the comment you asked for.').waitFor({ timeout: 120_000 });
    await page.locator('.ampo-task-detail[data-status="ci-waiting"]').waitFor({ timeout: 120_000 });
    await shoot('task-message-desktop');
  });

  it('reloads in the middle of the run and shows the same log, with no gap and no line twice', async () => {
    await page.reload();
    await page.locator('.ampo-task-detail[data-status="ci-waiting"]').waitFor();
    const { shown, expected } = await shownAndStoredLog(slowTaskId);
    expect(shown.numbers).toEqual(expected.map((_, index) => index + 1));
    expect(shown.lines).toEqual(expected.map((line) => line.replace(/\u001b\[[0-9;]*m/g, '')));
    expect(expected.length).toBeGreaterThan(150);
  });

  it('resumes after the WebSocket is cut: what happened meanwhile appears once', async () => {
    await context.setOffline(true);
    app.server.closeLiveConnections('cut by the test');
    await page
      .getByRole('status')
      .filter({ hasText: /Reconnecting|Offline/ })
      .first()
      .waitFor();
    await shoot('task-offline-desktop');
    // While the page is cut off, the agent answers a second message.
    await app.stack.orchestrator.sendMessage(slowTaskId, 'A second message, sent while you were offline.', 'operator');
    const answered = async () =>
      (await app.stack.orchestrator.readEvents(slowTaskId)).some(
        (event) => event.type === 'agent-output' && JSON.stringify(event).includes('Noted your second message'),
      );
    for (let tries = 0; !(await answered()) && tries < 600; tries++) await new Promise((resolve) => setTimeout(resolve, 200));
    await context.setOffline(false);
    await page.getByRole('status').filter({ hasText: 'Live' }).first().waitFor({ timeout: 60_000 });
    const transcript = page.getByRole('region', { name: 'Agent transcript' });
    await transcript.getByText('[scripted agent] Noted your second message.').waitFor({ timeout: 60_000 });
    expect(
      await transcript.locator('[data-from="person"]').filter({ hasText: 'A second message, sent while you were offline.' }).count(),
    ).toBe(1);
    expect(await transcript.locator('[data-from="agent"]').filter({ hasText: '[scripted agent] Noted your second message.' }).count()).toBe(
      1,
    );
    const { shown, expected } = await shownAndStoredLog(slowTaskId);
    expect(shown.numbers).toEqual(expected.map((_, index) => index + 1));
  });

  it('cancels the running task after a confirmation', async () => {
    await page.getByRole('button', { name: 'Cancel task' }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.locator('.ampo-task-detail[data-status="cancelled"]').waitFor({ timeout: 60_000 });
    expect((await app.stack.orchestrator.getTask(slowTaskId))?.status).toBe('cancelled');
    await shoot('task-cancelled-desktop');
  });

  it('is usable 360 px wide: the list, a task and the form fit the screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 360, height: 780 });
    await phone.goto(app.url);
    await phone.getByRole('link', { name: 'Let sum take an offset' }).waitFor();
    const fits = () => phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await shoot('task-list-phone', phone);
    expect(await fits()).toBe(true);
    await shoot('task-list-phone', phone);
    await phone.getByRole('link', { name: 'Let sum take an offset' }).click();
    await phone.locator('.ampo-task-detail[data-status="succeeded"]').waitFor();
    expect(await fits()).toBe(true);
    await shoot('task-phone', phone, true);
    await phone.goto(`${app.url}/tasks/new`);
    await phone.getByRole('button', { name: 'Create task' }).waitFor();
    expect(await fits()).toBe(true);
    await shoot('new-task-phone', phone, true);
    await phone.emulateMedia({ colorScheme: 'dark' });
    await phone.goto(app.url);
    await phone.getByRole('link', { name: 'Let sum take an offset' }).waitFor();
    await shoot('task-list-phone-dark', phone);
    await page.goto(app.url);
    await page.getByRole('link', { name: 'Keep the checks slow' }).waitFor();
    await shoot('task-list-desktop');
    await phone.close();
  });
});
