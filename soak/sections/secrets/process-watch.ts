// What every process on the machine shows of itself: its command line (which anyone on the host
// may read) for the search, and, for git's own processes, the token the server gave them in their
// exec environment, which is how the soak learns the git server's random token.
import { readdirSync, readFileSync } from 'node:fs';

const read = (path: string) => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
};

export const createProcessWatch = () => {
  const commandLines = new Set<string>();
  const gitTokens = new Set<string>();
  return {
    commandLines,
    gitTokens,
    scan() {
      for (const pid of readdirSync('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        const commandLine = read(`/proc/${pid}/cmdline`);
        if (!commandLine) continue;
        commandLines.add(commandLine.replaceAll('\0', ' '));
        if (!/(^|\/)git[\0 -]/.test(commandLine)) continue;
        const header = /GIT_CONFIG_VALUE_0=Authorization: Basic ([A-Za-z0-9+/=]+)/.exec(read(`/proc/${pid}/environ`) ?? '');
        const [, password] = Buffer.from(header?.[1] ?? '', 'base64')
          .toString()
          .split(/:(.*)/s);
        if (password) gitTokens.add(password);
      }
    },
  };
};
