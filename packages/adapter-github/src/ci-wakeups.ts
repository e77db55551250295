/**
 * Lets webhooks cut a CI watcher's wait short: `wake(repo, sha)` runs every listener for that
 * commit. It also remembers which repositories sent a `status` event, so a watcher can skip
 * reading commit statuses of a repository that never had any.
 */
export const createCiWakeups = () => {
  const listeners = new Map<string, Set<() => void>>();
  const key = (repo: string, sha: string) => `${repo.toLowerCase()}@${sha}`;
  const statusRepos = new Set<string>();
  return {
    noteStatus(repo: string) {
      statusRepos.add(repo.toLowerCase());
    },
    hadStatus(repo: string) {
      return statusRepos.has(repo.toLowerCase());
    },
    on(repo: string, sha: string, listener: () => void): () => void {
      const set = listeners.get(key(repo, sha)) ?? new Set();
      set.add(listener);
      listeners.set(key(repo, sha), set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key(repo, sha));
      };
    },
    wake(repo: string, sha: string) {
      for (const listener of [...(listeners.get(key(repo, sha)) ?? [])]) listener();
    },
  };
};
export type CiWakeups = ReturnType<typeof createCiWakeups>;
