import type { LiveClientMessageInput, LiveServerMessage } from '@ampo/core';
import WebSocket from 'ws';

export interface LiveClient {
  readonly socket: WebSocket;
  readonly messages: LiveServerMessage[];
  send(message: LiveClientMessageInput | string | Buffer): void;
  /** Resolves with the first message (from the start) that satisfies `predicate`. */
  waitFor<T extends LiveServerMessage>(predicate: (message: LiveServerMessage) => message is T, timeoutMs?: number): Promise<T>;
  waitFor(predicate: (message: LiveServerMessage) => boolean, timeoutMs?: number): Promise<LiveServerMessage>;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** A real WebSocket client (the `ws` package) on the live endpoint, recording every message. */
export const openLive = (
  url: string,
  options: { token?: string; ticket?: string; headers?: Record<string, string> } = {},
): Promise<LiveClient> =>
  new Promise((resolve, reject) => {
    const address = `${url.replace(/^http/, 'ws')}/api/events${options.ticket ? `?ticket=${options.ticket}` : ''}`;
    const socket = new WebSocket(address, {
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    });
    const messages: LiveServerMessage[] = [];
    const waiters = new Set<() => void>();
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      messages.push(JSON.parse(data.toString()) as LiveServerMessage);
      for (const waiter of [...waiters]) waiter();
    });
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on('close', (code, reason) => {
        done({ code, reason: reason.toString() });
        for (const waiter of [...waiters]) waiter();
      }),
    );
    socket.once('unexpected-response', (_request, response) =>
      reject(Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode })),
    );
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        messages,
        closed,
        send: (message) => socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message)),
        waitFor: ((predicate: (message: LiveServerMessage) => boolean, timeoutMs = 10_000) =>
          new Promise((found, failed) => {
            const check = () => {
              const match = messages.find(predicate);
              if (match) {
                waiters.delete(check);
                clearTimeout(timer);
                found(match);
              } else if (socket.readyState === WebSocket.CLOSED) {
                waiters.delete(check);
                clearTimeout(timer);
                failed(new Error(`closed before the awaited message; last: ${JSON.stringify(messages.slice(-2)).slice(0, 400)}`));
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              failed(new Error(`no such message within ${timeoutMs} ms; last: ${JSON.stringify(messages.slice(-2)).slice(0, 400)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          })) as LiveClient['waitFor'],
        close: async () => {
          if (socket.readyState === WebSocket.OPEN) socket.close(1000);
          await closed;
        },
      }),
    );
  });

export const eventsOf = (messages: readonly LiveServerMessage[], id: string) =>
  messages.flatMap((message) => (message.type === 'event' && message.id === id ? [message.event] : []));
