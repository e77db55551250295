// The repository every soak task works on: the sample project (red, then green through the
// local checks), with a reflog that records every push so duplicates can be counted afterwards.
import { execFileSync } from 'node:child_process';
import { createBareRepository, sampleProject, sampleScenario } from '@ampo/testkit';

export interface ScenarioTweaks {
  /** A pause in each agent turn, so a kill can land while the agent runs. */
  agentDelayMs?: number;
  /** Extra commands the agent runs in its first turn (each an argv). */
  firstTurnCommands?: string[][];
}

/** A bare repository `app.git` whose scripted agent breaks the sample project, then fixes it from the CI feedback. */
export const createSoakRepository = (tweaks: ScenarioTweaks = {}) => {
  const steps = sampleScenario.steps.map((step) => ({
    ...step,
    ...(tweaks.agentDelayMs ? { delayMs: tweaks.agentDelayMs } : {}),
    ...(step.name === 'first-attempt' && tweaks.firstTurnCommands ? { commands: tweaks.firstTurnCommands } : {}),
  }));
  const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify({ steps })}\n` });
  execFileSync('git', ['-C', repository.bare, 'config', 'core.logAllRefUpdates', 'always']);
  return { ...repository, repo: 'app.git' };
};

/**
 * Pushes to `branch` that were one too many: every reflog entry beyond the first that carries a
 * tree already pushed (a repeated sha, or the same work committed again after a crash).
 */
export const duplicatePushes = (bare: string, branch: string): { pushes: number; duplicates: number } => {
  let log: string;
  try {
    log = execFileSync('git', ['-C', bare, 'reflog', 'show', '--format=%H %T', `refs/heads/${branch}`], { encoding: 'utf8' });
  } catch {
    return { pushes: 0, duplicates: 0 };
  }
  const entries = log.split('\n').filter((line) => line.trim() !== '');
  const trees = new Set(entries.map((line) => line.split(' ')[1]));
  return { pushes: entries.length, duplicates: entries.length - trees.size };
};
