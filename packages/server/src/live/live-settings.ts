/** Limits of the live WebSocket. */
export interface LiveSettings {
  /** How often the server sends a heartbeat. @default 15_000 */
  heartbeatMs?: number;
  /** Bytes a connection may have queued before it is closed as a slow consumer (4001). @default 8 MiB */
  maxBufferedBytes?: number;
  /** How long a replay waits for a slow client to drain before it gives up on it (4001). @default 10_000 */
  drainTimeoutMs?: number;
  /** Subscriptions one connection may hold (4002 past it). @default 100 */
  maxSubscriptions?: number;
  /** The largest frame the server reads (1009 past it). @default 64 KiB */
  maxMessageBytes?: number;
  /** Messages the server could not take before it closes the connection (4000). @default 20 */
  maxInvalidMessages?: number;
  /** Tasks an `all` subscription replays when it resumes. @default 1000 */
  maxReplayedTasks?: number;
  /** How long a connection lives at most; the client reconnects with a fresh credential (4003). @default 12 hours */
  maxConnectionMs?: number;
}

export type ResolvedLiveSettings = Required<LiveSettings>;

export const resolveLiveSettings = (settings: LiveSettings = {}): ResolvedLiveSettings => ({
  heartbeatMs: settings.heartbeatMs ?? 15_000,
  maxBufferedBytes: settings.maxBufferedBytes ?? 8 * 1024 * 1024,
  drainTimeoutMs: settings.drainTimeoutMs ?? 10_000,
  maxSubscriptions: settings.maxSubscriptions ?? 100,
  maxMessageBytes: settings.maxMessageBytes ?? 64 * 1024,
  maxInvalidMessages: settings.maxInvalidMessages ?? 20,
  maxReplayedTasks: settings.maxReplayedTasks ?? 1000,
  maxConnectionMs: settings.maxConnectionMs ?? 12 * 3_600_000,
});
