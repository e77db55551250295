/**
 * Coalesces many `schedule()` calls into one `flush()` per frame (or per 16 ms where there are no
 * frames: on a server, in a hidden tab), so a burst of log lines renders once, not once per line.
 */
export const createBatcher = (flush: () => void) => {
  let scheduled = false;
  const run = () => {
    scheduled = false;
    flush();
  };
  const visible = () => typeof document === 'undefined' || document.visibilityState === 'visible';
  return {
    schedule() {
      if (scheduled) return;
      scheduled = true;
      if (typeof requestAnimationFrame === 'function' && visible()) requestAnimationFrame(run);
      else setTimeout(run, 16);
    },
  };
};
