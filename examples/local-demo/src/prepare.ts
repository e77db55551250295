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
if (!env.AMPO_IMAGE) say('setup', 'building the worker image if missing (once per machine)');
const image = env.AMPO_IMAGE || (await buildTestImage());

const realAmp = Boolean(env.AMP_API_KEY);
say(
  'setup',
  realAmp
    ? 'agent: Amp (AMP_API_KEY is set)'
    : 'agent: the scripted agent, a stand-in that replays a script and says so (set AMP_API_KEY, and AMPO_IMAGE to an image with Amp, for the real one)',
);
if (realAmp && !env.AMPO_IMAGE)
  say(
    'warning',
    'the offline test image has no Amp CLI: build one with `docker build -t ampo-worker:1 packages/adapter-docker/worker-image` and set AMPO_IMAGE=ampo-worker:1',
  );
const agentArguments = realAmp ? [] : ['--agent-binary', 'ampo-scripted-agent'];
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
  const body = JSON.stringify({ repo: demo, prompt: demoPrompt });
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
  serverArguments = ['run', '--data-dir', demoData, '--repo-root', root, '--repo', demo, '--image', image, ...agentArguments, demoPrompt];
}
writeFileSync(argumentsFile, serverArguments.map((argument) => `${argument}\0`).join(''));
