import { z } from 'zod';
import { OrchestratorEvent } from '../domain/events.js';
import { LogChunk } from '../domain/log-chunk.js';

const subscriptionId = z.string().min(1).max(64);
const taskId = z.string().min(1).max(200);
const seq = z.number().int().nonnegative();

/**
 * What a client sends over the live WebSocket (`GET /api/events`), one JSON object per text frame.
 * Every subscription has an id the client chooses; messages for it carry that id.
 */
export const LiveClientMessage = z.discriminatedUnion('type', [
  /** One task's events after `afterSeq` (from the store), then live ones. */
  z.object({ type: z.literal('subscribe'), id: subscriptionId, taskId, afterSeq: seq.default(0) }).strict(),
  /**
   * Every task's events from now on. To resume after a drop, pass the last seq seen per task in
   * `cursors` and the `at` of the last message received from the server in `since`: what those
   * tasks missed, and every event of tasks updated since then, is sent first.
   */
  z
    .object({
      type: z.literal('subscribe-all'),
      id: subscriptionId,
      cursors: z.record(taskId, seq).default({}),
      since: z.number().int().nonnegative().optional(),
    })
    .strict(),
  /** One task's log chunks after log seq `afterSeq`, then live ones. */
  z.object({ type: z.literal('subscribe-logs'), id: subscriptionId, taskId, afterSeq: seq.default(0) }).strict(),
  z.object({ type: z.literal('unsubscribe'), id: subscriptionId }).strict(),
  /** Answered by a `pong`: a client's own liveness check. */
  z.object({ type: z.literal('ping') }).strict(),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;
export type LiveClientMessageInput = z.input<typeof LiveClientMessage>;

/** What the server sends over the live WebSocket. `at` is the server's clock (epoch ms). */
export const LiveServerMessage = z.discriminatedUnion('type', [
  /** The first message of a connection. */
  z.object({ type: z.literal('welcome'), at: z.number(), heartbeatMs: z.number().int().positive() }),
  /** The subscription sent everything it had stored; what follows is live. */
  z.object({ type: z.literal('caught-up'), id: subscriptionId, at: z.number() }),
  z.object({ type: z.literal('event'), id: subscriptionId, event: OrchestratorEvent }),
  z.object({ type: z.literal('log'), id: subscriptionId, chunk: LogChunk }),
  z.object({ type: z.literal('unsubscribed'), id: subscriptionId }),
  z.object({ type: z.literal('heartbeat'), at: z.number() }),
  z.object({ type: z.literal('pong'), at: z.number() }),
  /** A message the server could not take; `id` names the subscription when there is one. */
  z.object({ type: z.literal('error'), id: subscriptionId.optional(), code: z.string(), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;

/** Why the server closed a live connection: the WebSocket close codes it uses. */
export const liveCloseCodes = {
  /** The server is shutting down; reconnect to another instance or later. */
  goingAway: 1001,
  /** A frame was larger than the server accepts. */
  messageTooBig: 1009,
  /** Something failed inside the server. */
  internalError: 1011,
  /** The client sent too many messages the server could not take. */
  invalidMessages: 4000,
  /** The client did not read fast enough: more than the server buffers per connection was waiting. */
  slowConsumer: 4001,
  /** The client asked for more subscriptions than one connection may hold. */
  tooManySubscriptions: 4002,
  /** The session or ticket the connection was opened with expired. */
  sessionExpired: 4003,
} as const;
