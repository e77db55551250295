import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createBareRepository, sampleProject, sampleScenario } from '@ampo/testkit';

/** The demo task's prompt: the scripted agent gets it wrong once (a test and a lint check fail), then right. */
export const demoPrompt = 'Let sum take an offset, keeping the tests and the lint check green.';

/** The sample project (a sum function, a test, a lint check) with the scripted agent's scenario, as a bare repository. */
export const demoFiles = { ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(sampleScenario, null, 2)}\n` };

/**
 * The demo repository at `path` (a bare repository), created on first use and kept afterwards,
 * so that tasks of earlier runs still find it. Returns whether it was created now.
 */
export const ensureDemoRepository = (path: string, files: Record<string, string> = demoFiles): boolean => {
  if (existsSync(path)) return false;
  const scratch = createBareRepository(files);
  try {
    mkdirSync(dirname(path), { recursive: true });
    execFileSync('git', ['clone', '--quiet', '--bare', scratch.bare, path]);
    execFileSync('git', ['-C', path, 'remote', 'remove', 'origin']);
  } finally {
    rmSync(scratch.root, { recursive: true, force: true });
  }
  return true;
};
