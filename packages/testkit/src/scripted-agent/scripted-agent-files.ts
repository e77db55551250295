import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScriptedAgentScenario, type ScriptedAgentScenarioInput, ScriptedAgentThread } from './scenario.js';

/** The environment variable naming a scenario file; it wins over the repository's own. */
export const scriptedAgentScenarioEnv = 'AMPO_SCRIPTED_AGENT_SCENARIO';
/** Where the scripted agent looks for its scenario inside the repository (its cwd). */
export const scriptedAgentScenarioPath = '.ampo/scripted-agent.json';

const findBin = (): string => {
  const relative = join('scripted-agent', 'bin', 'ampo-scripted-agent.js');
  // From src/scripted-agent/ in the repository, or from dist/ once built.
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 4; level += 1) {
    if (existsSync(join(directory, relative))) return join(directory, relative);
    directory = dirname(directory);
  }
  throw new Error(`ampo-scripted-agent not found above ${fileURLToPath(import.meta.url)}`);
};

/** Absolute path of the executable `ampo-scripted-agent` (plain Node, no dependencies). */
export const scriptedAgentBin: string = findBin();

/** Validates a scenario and writes it to `<dir>/.ampo/scripted-agent.json`; returns the path. */
export const writeScenario = async (dir: string, scenario: ScriptedAgentScenarioInput): Promise<string> => {
  const valid = ScriptedAgentScenario.parse(scenario);
  const path = join(dir, scriptedAgentScenarioPath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(valid, null, 2)}\n`);
  return path;
};

const threadsDir = (home: string) => join(home, '.ampo-scripted-agent', 'threads');

/** A thread the scripted agent recorded under `home` (the HOME it ran with). */
export const readScriptedAgentThread = async (home: string, threadId: string): Promise<ScriptedAgentThread> =>
  ScriptedAgentThread.parse(JSON.parse(await readFile(join(threadsDir(home), `${threadId}.json`), 'utf8')));

/** Every thread the scripted agent recorded under `home`. */
export const listScriptedAgentThreads = async (home: string): Promise<ScriptedAgentThread[]> => {
  const names = await readdir(threadsDir(home)).catch(() => [] as string[]);
  return Promise.all(
    names.filter((name) => name.endsWith('.json')).map((name) => readScriptedAgentThread(home, name.slice(0, -'.json'.length))),
  );
};
