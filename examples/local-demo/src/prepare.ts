// Sets up what the start command (`npm start`) and the canned demo (`npm run demo`) need, then
// writes the arguments of `ampo-server` for scripts/start.sh to exec: the server itself is the
// process a signal reaches. Setup: a Docker engine, the offline worker image, the demo repository.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestImage } from '@ampo/testkit';
import { demoPrompt, ensureDemoRepository } from './demo-repository.js';

const [mode, argumentsFile] = process.argv.slice(2);
if ((mode !== 'server' && mode !== 'demo') || !argumentsFile) {
  console.error('usage: prepare.ts server|demo ARGUMENTS_FILE');
  process.exit(2);
}

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const serverBin = join(repositoryRoot, 'packages/server/src/cli/main.ts');
const say = (label: string, text: string) => console.log(`${label.padEnd(8)} ${text}`);
const env = process.env;

say('setup', 'checking the Docker engine');
execFileSync('bash', [join(repositoryRoot, 'scripts/ensure-docker.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
// A key picks the real agent; without one, the scripted stand-in runs.
const realAgent = env.AMP_API_KEY ? 'amp' : env.ANTHROPIC_API_KEY ? 'claude-code' : env.CODEX_API_KEY ? 'codex' : undefined;
const agentNames = {
  amp: 'Amp (AMP_API_KEY is set)',
  'claude-code': 'Claude Code (ANTHROPIC_API_KEY is set)',
  codex: 'Codex (CODEX_API_KEY is set)',
};
if (!env.AMPO_IMAGE)
  say(
    'setup',
    realAgent
      ? 'building the worker image with the pinned agent CLIs if missing (once per machine; npm fetches about 750 MB)'
      : 'building the worker image if missing (once per machine)',
  );
const image =
  env.AMPO_IMAGE ||
  (await buildTestImage(realAgent ? { agentClis: true, log: (line) => say('image', line) } : { log: (line) => say('image', line) }));
say(
  'setup',
  realAgent
    ? `agent: ${agentNames[realAgent]}, the real CLI in ${image}`
    : 'agent: the scripted agent, a stand-in that replays a script and says so (set AMP_API_KEY, ANTHROPIC_API_KEY or CODEX_API_KEY for a real one)',
);
const agentArguments = realAgent ? [] : ['--agent-binary', 'ampo-scripted-agent'];
const dataDirectory = resolve(env.AMPO_DATA_DIR || join(repositoryRoot, '.ampo'));

const bin = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', serverBin, ...args], { encoding: 'utf8' }).trim();

let serverArguments: string[];
if (mode === 'server') {
  const repositories = join(dataDirectory, 'repos');
  const demo = join(repositories, 'demo.git');
  say('setup', `${ensureDemoRepository(demo) ? 'created' : 'using'} the demo repository ${demo} (a sum function, a test, a lint check)`);
  const token = bin('token', '--data-dir', dataDirectory, '--scope', 'tasks:write', '--ttl', '1h', '--subject', 'demo');
  const base = env.AMPO_PUBLIC_URL || `http://${env.AMPO_HOST || '127.0.0.1'}:${env.AMPO_PORT || '7077'}`;
  say(
    'setup',
    'start the demo task from the web app (log in with the link below), or with one REST call (the token is valid for an hour):',
  );
  const body = JSON.stringify({ repo: demo, prompt: demoPrompt, ...(realAgent && realAgent !== 'amp' ? { agent: realAgent } : {}) });
  console.log(`         curl -sS ${base}/api/tasks -H 'authorization: Bearer ${token}' -H 'content-type: application/json' -d '${body}'`);
  say('setup', 'the server runs until Ctrl-C');
  serverArguments = [
    'start',
    '--data-dir',
    dataDirectory,
    '--repo-root',
    repositories,
    '--repo',
    demo,
    '--image',
    image,
    ...agentArguments,
  ];
} else {
  const root = mkdtempSync(join(tmpdir(), 'ampo-demo-'));
  const demo = join(root, 'demo.git');
  ensureDemoRepository(demo);
  say('setup', `demo repository ${demo} (a sum function, a test, a lint check)`);
  // Its own data directory: a server started with `npm start` never resumes the demo's task.
  const demoData = join(dataDirectory, 'demo');
  const agent = realAgent && realAgent !== 'amp' ? ['--agent', realAgent] : [];
  serverArguments = [
    'run',
    '--data-dir',
    demoData,
    '--repo-root',
    root,
    '--repo',
    demo,
    '--image',
    image,
    ...agentArguments,
    ...agent,
    demoPrompt,
  ];
}
writeFileSync(argumentsFile, serverArguments.map((argument) => `${argument}\0`).join(''));
