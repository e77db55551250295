/**
 * Runs `task` at most once per `intervalMs` and never twice at once; calls in between fold into
 * one trailing run. For refetching a task while its events stream in.
 */
export const createThrottle = (task: () => Promise<void>, intervalMs: number) => {
  let running = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = async () => {
    timer = undefined;
    running = true;
    again = false;
    try {
      await task();
    } finally {
      running = false;
      if (again && !stopped) timer = setTimeout(run, intervalMs);
    }
  };
  return {
    request() {
      if (stopped) return;
      if (running || timer !== undefined) {
        again = true;
        return;
      }
      void run();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
};
