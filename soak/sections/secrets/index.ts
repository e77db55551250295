// Secrets: every secret the server is given is a distinct canary value. After a run with tasks,
// none may appear in the database, the data directory, the server's output, any event or response
// the client saw, `docker inspect` of any container, or any process's command line. Each canary
// is also shown to have reached the place it is for, or its absence would prove nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import type { SoakSection } from '../../section.js';
import { inspectInstance } from '../../support/docker-inspect.js';
import { soakPostgres } from '../../support/soak-store.js';
import { disposeRun, runTasks } from '../../support/task-run.js';
import { agentKeyCanaries, canary, gitTokenCanary, sha256, writeJwtSecret } from './canaries.js';
import { leftoverWatcherCommand, tokensCaughtIn } from './leftover-process-probe.js';
import { plantCommands, startSnoopingProxy } from './planted-git-config-probe.js';
import { createProcessWatch } from './process-watch.js';
import { findLeaks, type Searched } from './search.js';

const filesUnder = (directory: string): string[] =>
  readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

export const secrets: SoakSection = async ({ quick, progress }) => {
  const keys = agentKeyCanaries();
  let jwt: { value: string; file: string } | undefined;
  const inspected = new Map<string, string>();
  const processes = createProcessWatch();
  const caught = new Set<string>();
  const proxy = await startSnoopingProxy();
  let lastProbe = 0;

  const run = await runTasks({
    name: 'secrets',
    tasks: quick ? 2 : 4,
    killOnce: !quick,
    env: keys,
    // The agent proves it got its key without showing it: it prints the key's digest.
    scenario: {
      firstTurnCommands: [['sh', '-c', 'printf %s "$AMP_API_KEY" | sha256sum'], leftoverWatcherCommand, ...plantCommands(proxy.url)],
    },
    prepareDataDirectory: (dataDirectory) => {
      jwt = writeJwtSecret(dataDirectory);
    },
    observeEveryMs: 50,
    observe: (instanceId) => {
      processes.scan();
      // Inspected while they exist: check containers are gone a moment after their run.
      const now = Date.now();
      const probe = now - lastProbe > 1_000;
      if (probe) lastProbe = now;
      for (const { inspect, raw } of inspectInstance(instanceId)) {
        inspected.set(inspect.Id, raw);
        if (probe && inspect.State.Running && inspect.Config.Labels?.['ampo.role'] === 'workspace')
          for (const token of tokensCaughtIn(inspect.Id)) caught.add(token);
      }
    },
    progress,
  });
  if (!jwt) throw new Error('the token secret was not written');

  // What a client reads back: the task list and every task, its events and its logs.
  const url = run.server.current.url;
  await run.api.call(url, '/api/tasks?limit=100');
  await run.api.call(url, '/api/repositories');
  const events = [];
  for (const taskId of run.taskIds) {
    events.push(...(await run.api.events(url, taskId)));
    await run.api.logs(url, taskId);
  }
  // The positive control: the server's own environment holds the agent key, and the search must find it there.
  const control = readFileSync(`/proc/${run.server.current.process.child.pid}/environ`, 'latin1');
  const orphaned = await disposeRun(run);
  // On PostgreSQL the database is searched too, and the servers' role's password is a canary.
  const postgres = soakPostgres();
  const databaseDump = postgres && run.server.databaseUrl ? await postgres.dump(run.server.databaseUrl) : undefined;
  await proxy.close();
  processes.scan();

  const gitCanaries = [...processes.gitTokens].map(gitTokenCanary);
  const canaries = [...Object.entries(keys).map(([name, value]) => canary(name, value)), canary('jwt-secret', jwt.value), ...gitCanaries];
  if (postgres) canaries.push(canary('postgres-password', postgres.password));

  // Each canary reached its use: the agent printed its key's digest, the token the CLI signed
  // verifies with the canary secret (and the server accepted it), git ran with the server's token.
  const jwtBytes = new Uint8Array(Buffer.from(jwt.value, 'base64url'));
  const jwtUsed = await jwtVerify(await run.server.token(), jwtBytes).then(
    () => run.api.bodies.length > 0,
    () => false,
  );
  const stolen = [...caught].filter((token) => processes.gitTokens.has(token)).length;
  if (stolen > 0) progress(`the agent's leftover process or pre-push hook caught ${stolen} git server token(s) from a push`);
  const proxied = [...proxy.passwords].filter((token) => processes.gitTokens.has(token)).length;
  if (proxied > 0)
    progress(
      `an http.proxy the agent set in its checkout's .git/config saw ${proxied} git server token(s): open finding, see docs/security.md`,
    );
  const reached = {
    AMP_API_KEY: JSON.stringify(events).includes(sha256(keys.AMP_API_KEY)),
    'jwt-secret': jwtUsed,
    'git-token': gitCanaries.length > 0,
    // The role logs in with SCRAM: tasks in its database prove the server used the password.
    ...(databaseDump !== undefined ? { 'postgres-password': run.taskIds.every((id) => databaseDump.includes(id)) } : {}),
  };
  for (const [name, ok] of Object.entries(reached))
    if (!ok) progress(`canary ${name} never reached its use: the search proves nothing for it`);
  progress('ANTHROPIC_API_KEY and CODEX_API_KEY: searched, but no task ran Claude Code or Codex, so they were never used');

  const dataFiles = filesUnder(run.server.dataDirectory).filter((path) => path !== jwt?.file);
  const places: Searched[] = [
    ...dataFiles.map((path) => ({
      place: `data directory: ${path.slice(run.server.dataDirectory.length + 1)}`,
      text: readFileSync(path, 'latin1'),
    })),
    ...run.server.lives.flatMap((life, index) => [
      { place: `server stdout (life ${index + 1})`, text: life.process.lines.join('\n') },
      { place: `server stderr (life ${index + 1})`, text: life.process.stderr() },
    ]),
    { place: 'live events (WebSocket frames)', text: run.live.frames.join('\n') },
    { place: 'REST responses', text: run.api.bodies.join('\n') },
    ...[...inspected].map(([id, raw]) => ({ place: `docker inspect ${id.slice(0, 12)}`, text: raw })),
    { place: '/proc/*/cmdline', text: [...processes.commandLines].join('\n') },
    ...(databaseDump !== undefined ? [{ place: 'PostgreSQL database (every table)', text: databaseDump }] : []),
  ];
  const hits = findLeaks(canaries, places);
  const controlHits = findLeaks(canaries, [{ place: 'server environ', text: control }]).length;
  // The environment holds the agent keys (and AMPO_DATABASE_URL's password on PostgreSQL).
  const inEnvironment = Object.keys(keys).length + (postgres ? 1 : 0);
  if (controlHits !== inEnvironment)
    throw new Error(`the search found ${controlHits} secrets in the server's own environment, not ${inEnvironment}`);
  for (const hit of hits) progress(`leak: ${hit.canary} in ${hit.place}`);
  const unreached = Object.values(reached).filter((ok) => !ok).length;
  if (unreached > 0) throw new Error(`${unreached} canaries never reached their use (see above): the search would prove nothing`);

  return {
    'soak.secrets.canaries': canaries.length,
    'soak.secrets.canaries_reached': Object.values(reached).filter(Boolean).length,
    'soak.secrets.places_searched': places.length,
    'soak.secrets.control_hits': controlHits,
    'soak.secrets.containers_inspected': inspected.size,
    'soak.secrets.command_lines_seen': processes.commandLines.size,
    'soak.secrets.git_tokens_caught_by_leftover_process_or_hook': stolen,
    'soak.secrets.git_tokens_seen_by_planted_proxy': proxied,
    'soak.tasks.total': run.taskIds.length,
    'soak.tasks.lost': run.outcomes.lost,
    'soak.tasks.wrong': run.outcomes.wrong,
    'soak.containers.orphaned': orphaned,
    'soak.responses.5xx': run.api.serverErrors(),
    'soak.secrets.leaked': hits.length,
  };
};
