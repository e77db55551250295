import { useEffect, useState } from 'react';

/** The time, refreshed every `intervalMs` after mounting; on a server, the time of the render. */
export const useNow = (intervalMs = 30_000, fixed?: number) => {
  const [now, setNow] = useState(() => fixed ?? Date.now());
  useEffect(() => {
    if (fixed !== undefined) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, fixed]);
  return fixed ?? now;
};
