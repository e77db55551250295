// The CI the GitHub simulator plays for the faults section: a commit that still holds the sample's
// broken change fails a test, any other passes; results come a moment after the push, with their
// webhooks (which the random faults may drop), so the watcher needs a webhook or its poll.
import { execFileSync } from 'node:child_process';
import type { CiScript, GitHubSimulator } from '@ampo/testkit';

const failingTestLog = [
  '##[group]Run node --test test/',
  'not ok 1 - sum adds two numbers',
  '  ---',
  "  error: 'Expected values to be strictly equal:\\n\\n4 !== 3\\n'",
  '  location: test/sum.test.js:5:1',
  '  ...',
  '# fail 1',
  '##[endgroup]',
  '##[error]Process completed with exit code 1.',
].join('\n');

/** Whether the commit's src/sum.js still has the broken attempt's `var`. */
const isBroken = (gitDirectory: string, sha: string): boolean => {
  try {
    return /\bvar\s/.test(execFileSync('git', ['--git-dir', gitDirectory, 'show', `${sha}:src/sum.js`], { encoding: 'utf8' }));
  } catch {
    return false;
  }
};

/** The script, and the pushes it saw (for the duplicate count). `sim` is read late: the script is made before it. */
export const createRedThenGreenCi = (simulator: () => GitHubSimulator, completeAfterMs: number) => {
  const timers = new Set<NodeJS.Timeout>();
  const script: CiScript = (push) => {
    if (push.branch === 'main') return [{ name: 'test', conclusion: 'success' }];
    const sim = simulator();
    const red = isBroken(sim.repoDir(push.repo), push.sha);
    const timer = setTimeout(() => {
      timers.delete(timer);
      sim.completeCi(push.repo, push.sha);
    }, completeAfterMs);
    timers.add(timer);
    return {
      checks: [
        red
          ? {
              name: 'test',
              conclusion: 'failure',
              steps: [
                { name: 'Set up job', conclusion: 'success' },
                { name: 'Run node --test test/', conclusion: 'failure' },
              ],
              log: failingTestLog,
            }
          : { name: 'test', conclusion: 'success' },
      ],
      hold: true,
    };
  };
  return {
    script,
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
};
