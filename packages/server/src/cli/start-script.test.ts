import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDocker } from '@ampo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersLeft, freePort, type Running, start } from './__fixtures__/child-process.js';

const instanceId = `start-script-${randomUUID().slice(0, 8)}`;
/** As on a newcomer's machine with no agent key, unattended. */
const environment = (data: string, extra: NodeJS.ProcessEnv = {}) => ({
  CI: 'true',
  AMPO_DATA_DIR: data,
  AMPO_INSTANCE_ID: instanceId,
  AMP_API_KEY: '',
  AMPO_IMAGE: '',
  ...extra,
});

interface TaskView {
  id: string;
  status: string;
  attempts: Array<{ conclusion: string }>;
}

describe('the start command (scripts/start.sh, which `npm start` and `npm run demo` run)', () => {
  const running: Running[] = [];
  beforeAll(async () => {
    await prepareDocker();
  }, 900_000);
  afterAll(async () => {
    for (const process of running) process.child.kill('SIGKILL');
    expect(await containersLeft(instanceId)).toEqual([]);
  });

  it('npm start: the server comes up on a fresh data directory with the login link and the demo repository, and the printed REST call runs the demo task to green', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'ampo-start-')), 'data');
    const port = await freePort();
    // Its own process group, so that SIGTERM reaches the whole command as Ctrl-C does.
    const server = start(['bash', 'scripts/start.sh', 'server'], { env: environment(data, { AMPO_PORT: String(port) }), detached: true });
    running.push(server);

    const [, url] = await server.line(/^ampo is listening at (\S+)$/);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const [link = ''] = await server.line(/http:\S+\/api\/auth\/login\?code=\S+/);
    const [, endpoint, token = '', body = ''] = await server.line(
      /curl -sS (\S+) -H 'authorization: Bearer ([^']+)' -H 'content-type: application\/json' -d '([^']+)'$/,
    );
    expect(endpoint).toBe(`${url}/api/tasks`);
    expect(server.lines.join('\n')).toContain('agent: the scripted agent, a stand-in that replays a script and says so');

    // The login link gives a browser its session; the demo repository is offered to it.
    const login = await fetch(link, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const repositories = await fetch(`${url}/api/repositories`, { headers: { cookie } });
    const demo = join(data, 'repos', 'demo.git');
    expect(await repositories.json()).toEqual({ repositories: [demo], mode: 'local' });

    // The one REST call it printed starts the demo task, which goes red, gets the digest, and goes green.
    expect(JSON.parse(body)).toMatchObject({ repo: demo });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(endpoint ?? '', { method: 'POST', headers, body });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as TaskView;
    let task: TaskView;
    do {
      await new Promise((resolve) => setTimeout(resolve, 500));
      task = (await (await fetch(`${url}/api/tasks/${id}`, { headers })).json()) as TaskView;
    } while (!['succeeded', 'failed', 'cancelled'].includes(task.status));
    expect(task.status).toBe('succeeded');
    expect(task.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']);

    process.kill(-(server.child.pid ?? 0), 'SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.join('\n')).toContain('SIGTERM: stopping');
  }, 600_000);

  it('npm run demo: one task from prompt to green checks, each step printed as it happens; exit 0', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'ampo-demo-')), 'data');
    const demo = start(['bash', 'scripts/start.sh', 'demo'], { env: environment(data) });
    running.push(demo);
    expect(await demo.exited).toEqual({ code: 0, signal: null });
    const output = demo.lines.join('\n');
    for (const step of [
      'status   agent-running',
      'ci       attempt 1 on ',
      'check    test: failure',
      'check    lint: failure',
      'digest   sent to the agent:',
      '         | 1. check `test` (test failure)',
      'agent    turn 2 (ci-feedback)',
      'ci       attempt 2 on ',
      'check    test: success',
      'status   succeeded',
      'done     succeeded',
    ])
      expect(output).toContain(step);
    expect(output.indexOf('attempt 1 on')).toBeLessThan(output.indexOf('attempt 2 on'));
  }, 600_000);
});
