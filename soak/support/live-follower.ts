// A live-socket client that follows tasks across server restarts: after each restart it
// reconnects and resubscribes every task with the last seq it saw, as the React kit's client does.
import type { LiveServerMessage, OrchestratorEvent } from '@ampo/core';
import WebSocket from 'ws';

export const createLiveFollower = (token: string) => {
  /** Every event received, per task, in arrival order (repeats kept: they are what the gap count looks for). */
  const received = new Map<string, OrchestratorEvent[]>();
  /** Every text frame the server sent, for the secret search. */
  const frames: string[] = [];
  const waiters = new Set<() => void>();
  let socket: WebSocket | undefined;

  const lastSeq = (taskId: string) => Math.max(0, ...(received.get(taskId) ?? []).map((event) => event.seq));
  const subscribe = (taskId: string) =>
    socket?.readyState === WebSocket.OPEN &&
    socket.send(JSON.stringify({ type: 'subscribe', id: taskId.slice(0, 64), taskId, afterSeq: lastSeq(taskId) }));

  return {
    received,
    frames,
    /** Opens a socket to the server at `url` and resubscribes every followed task where it left off. */
    connect: (url: string) =>
      new Promise<void>((resolve, reject) => {
        const next = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events`, { headers: { authorization: `Bearer ${token}` } });
        socket = next;
        next.on('open', () => {
          for (const taskId of received.keys()) subscribe(taskId);
          resolve();
        });
        next.on('error', reject);
        next.on('message', (data) => {
          const text = String(data);
          frames.push(text);
          const message = JSON.parse(text) as LiveServerMessage;
          if (message.type !== 'event') return;
          const list = received.get(message.event.taskId) ?? [];
          list.push(message.event);
          received.set(message.event.taskId, list);
          for (const wake of waiters) wake();
        });
        next.on('close', () => {
          for (const wake of waiters) wake();
        });
      }),
    follow(taskId: string) {
      if (!received.has(taskId)) received.set(taskId, []);
      subscribe(taskId);
    },
    lastSeq,
    /** Resolves with the first event of `taskId` (received from now on or already) that matches; rejects after `timeoutMs`. */
    until: (taskId: string, match: (event: OrchestratorEvent) => boolean, timeoutMs: number, fromIndex = 0) =>
      new Promise<OrchestratorEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`task ${taskId}: no matching event within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          const found = (received.get(taskId) ?? []).slice(fromIndex).find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      }),
    close: () => socket?.close(),
  };
};

export type LiveFollower = ReturnType<typeof createLiveFollower>;

/**
 * Seqs missing from or repeated in what the client received, against the stored events: a gap
 * is a stored seq never received, a repeat is a seq received twice.
 */
export const eventGaps = (received: readonly OrchestratorEvent[], stored: readonly OrchestratorEvent[]): number => {
  const counts = new Map<number, number>();
  for (const event of received) counts.set(event.seq, (counts.get(event.seq) ?? 0) + 1);
  let gaps = 0;
  for (const event of stored) if (!counts.has(event.seq)) gaps += 1;
  for (const count of counts.values()) if (count > 1) gaps += count - 1;
  return gaps;
};
