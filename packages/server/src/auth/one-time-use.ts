/**
 * Remembers token ids (`jti`) already redeemed until the token would have expired anyway, so a
 * login link or a WebSocket ticket works once. Bounded: past `capacity` ids the oldest are
 * forgotten, which only ever shortens how long a replay is refused, never lets a live token in
 * twice within the window the tokens' short lifetimes allow.
 */
export const createOneTimeUse = (capacity = 100_000, now: () => number = Date.now) => {
  const redeemed = new Map<string, number>();
  const sweep = () => {
    const at = now();
    for (const [id, expiresAt] of redeemed) if (expiresAt <= at) redeemed.delete(id);
    while (redeemed.size >= capacity) {
      const oldest = redeemed.keys().next().value;
      if (oldest === undefined) break;
      redeemed.delete(oldest);
    }
  };
  return {
    /** True the first time `id` is redeemed, false ever after (until it expires). */
    redeem(id: string, expiresAt: number): boolean {
      if (redeemed.has(id)) return false;
      if (redeemed.size >= capacity / 2) sweep();
      redeemed.set(id, expiresAt);
      return true;
    },
  };
};
