// Malformed traffic on the live WebSocket (`/api/events`): binary frames, frames that are not JSON,
// unknown message types, huge frames, subscriptions to unknown or ill-formed ids, bad cursors, too
// many subscriptions. The server must answer with `error` messages and close with the codes its
// OpenAPI entry documents, never 1011 or a dropped connection.
import { LiveServerMessage } from '@ampo/core';
import fc from 'fast-check';
import WebSocket from 'ws';
import { nastyString } from './json-arbitraries.js';

/** The close codes documented for `/api/events` (1000: the soak closed it itself). */
export const documentedCloseCodes = new Set([1000, 1001, 1009, 4000, 4001, 4002, 4003]);

export interface SocketTally {
  connections: number;
  framesSent: number;
  errorsReceived: number;
  /** `error` messages with code `internal`, closes with 1011 or without a close frame (1006), messages that are not LiveServerMessage. */
  serverFaults: number;
  /** Scenarios that ended without the close code they should (or the server never answered). */
  unexpected: number;
  closeCodes: Record<string, number>;
  examples: string[];
}

export const createSocketTally = (): SocketTally => ({
  connections: 0,
  framesSent: 0,
  errorsReceived: 0,
  serverFaults: 0,
  unexpected: 0,
  closeCodes: {},
  examples: [],
});

interface Scenario {
  name: string;
  frames: Array<string | Buffer>;
  /** The close code the server must end with; `undefined`: it keeps the connection open (the soak closes it, 1000). */
  expectClose?: number;
  /** How many `error` messages at least must come back. */
  expectErrors?: number;
  /** Messages of these types at least, before the soak closes. */
  expectTypes?: Record<string, number>;
}

const json = (value: unknown) => JSON.stringify(value);

const brokenMessages = fc.oneof(
  fc.record({
    type: fc.oneof(
      fc.constantFrom('subscribe', 'subscribe-all', 'subscribe-logs', 'unsubscribe', 'ping', 'SUBSCRIBE', '', 'hello'),
      nastyString(),
    ),
  }),
  fc.record(
    {
      type: fc.constant('subscribe'),
      id: fc.oneof(nastyString(), fc.integer()),
      taskId: fc.oneof(nastyString(), fc.constant(null)),
      afterSeq: fc.oneof(fc.double(), fc.constant(-1), fc.string()),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record({
    type: fc.constant('subscribe-all'),
    id: fc.string({ minLength: 65, maxLength: 100 }),
    cursors: fc.anything({ maxDepth: 2 }),
  }),
  fc.record({ type: fc.constant('ping'), extra: fc.jsonValue() }),
  fc.anything({ maxDepth: 3 }),
);

/** The scenarios, with `sampleSize` generated broken messages in the fuzzed ones. */
export const scenarios = (options: { sampleSize: number; seed: number; maxMessageBytes: number; realTaskId?: string }): Scenario[] => {
  const generated = fc.sample(brokenMessages, { numRuns: options.sampleSize, seed: options.seed }).map((value) => json(value) ?? 'null');
  // Each connection takes 19 invalid messages before the 20th closes it: batch by 15, then close.
  const batches: Scenario[] = [];
  for (let index = 0; index < generated.length; index += 15) {
    const frames = generated.slice(index, index + 15);
    // A frame over the limit ends the connection there (1009), whatever came before it.
    const tooBig = frames.findIndex((frame) => Buffer.byteLength(frame) > options.maxMessageBytes);
    batches.push({
      name: `generated broken messages #${index}`,
      frames: tooBig === -1 ? frames : frames.slice(0, tooBig + 1),
      ...(tooBig === -1 ? { expectErrors: 1 } : { expectClose: 1009 }),
    });
  }
  const unknown = Array.from({ length: 10 }, (_, index) =>
    json({ type: 'subscribe', id: `unknown-${index}`, taskId: `no-such-task-${index}` }),
  );
  const real = options.realTaskId;
  return [
    { name: 'binary frames', frames: Array.from({ length: 25 }, () => Buffer.from([0, 1, 2, 255])), expectClose: 4000, expectErrors: 19 },
    {
      name: 'frames that are not JSON',
      frames: Array.from({ length: 25 }, (_, index) => `{not json ${index}`),
      expectClose: 4000,
      expectErrors: 19,
    },
    {
      name: 'unknown types',
      frames: Array.from({ length: 25 }, (_, index) => json({ type: `nope-${index}`, id: 'x' })),
      expectClose: 4000,
    },
    { name: 'a frame over the limit', frames: ['x'.repeat(options.maxMessageBytes + 1)], expectClose: 1009 },
    {
      name: 'a JSON frame far over the limit',
      frames: [json({ type: 'ping', pad: 'y'.repeat(4 * options.maxMessageBytes) })],
      expectClose: 1009,
    },
    { name: 'subscriptions to tasks that do not exist', frames: unknown, expectErrors: 10 },
    {
      name: 'ill-formed ids and cursors',
      frames: [
        json({ type: 'subscribe', id: '', taskId: 'x' }),
        json({ type: 'subscribe', id: 'a'.repeat(65), taskId: 'x' }),
        json({ type: 'subscribe', id: 'b', taskId: 'x'.repeat(201) }),
        json({ type: 'subscribe', id: 'c', taskId: 'x', afterSeq: -1 }),
        json({ type: 'subscribe', id: 'd', taskId: 'x', afterSeq: 1.5 }),
        json({ type: 'subscribe', id: 'e', taskId: 'x', afterSeq: '5' }),
        json({ type: 'subscribe-all', id: 'f', cursors: { x: -3 } }),
        json({ type: 'subscribe-all', id: 'g', since: -1 }),
        json({ type: 'subscribe-logs', id: 'h', taskId: '\u0000' }),
        json({ type: 'unsubscribe' }),
      ],
      expectErrors: 10,
    },
    {
      name: 'subscribe-all with a thousand unknown cursors and since 0',
      frames: [
        json({
          type: 'subscribe-all',
          id: 'all',
          since: 0,
          cursors: Object.fromEntries(Array.from({ length: 1000 }, (_, index) => [`gone-${index}`, index])),
        }),
      ],
      expectTypes: { 'caught-up': 1 },
    },
    {
      name: 'the same subscription id twice, and unsubscribing what was never subscribed',
      frames: [
        json({ type: 'subscribe-all', id: 'twice' }),
        json({ type: 'subscribe-all', id: 'twice' }),
        json({ type: 'unsubscribe', id: 'never' }),
      ],
      expectErrors: 1,
      expectTypes: { unsubscribed: 1 },
    },
    {
      name: 'more subscriptions than a connection may hold',
      frames: Array.from({ length: 101 }, (_, index) => json({ type: 'subscribe-all', id: `many-${index}` })),
      expectClose: 4002,
    },
    { name: 'a flood of pings', frames: Array.from({ length: 500 }, () => json({ type: 'ping' })), expectTypes: { pong: 500 } },
    ...(real
      ? [
          {
            name: 'cursors past the end and at the limits of a real task',
            frames: [
              json({ type: 'subscribe', id: 'far', taskId: real, afterSeq: Number.MAX_SAFE_INTEGER }),
              json({ type: 'subscribe-logs', id: 'far-logs', taskId: real, afterSeq: Number.MAX_SAFE_INTEGER }),
              json({ type: 'subscribe', id: 'beyond', taskId: real, afterSeq: Number.MAX_SAFE_INTEGER + 2 }),
              json({ type: 'subscribe-all', id: 'cursor', cursors: { [real]: 1e15 } }),
            ],
            expectErrors: 1,
            expectTypes: { 'caught-up': 3 },
          } satisfies Scenario,
        ]
      : []),
    ...batches,
  ];
};

const remember = (tally: SocketTally, line: string) => {
  if (tally.examples.length < 20) tally.examples.push(line);
};

/** Runs one scenario on its own connection and counts what came back. */
const play = async (url: string, token: string, scenario: Scenario, tally: SocketTally) => {
  tally.connections += 1;
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events`, { headers: { authorization: `Bearer ${token}` } });
  const received: Record<string, number> = {};
  let errors = 0;
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('error', () => undefined);
  socket.on('message', (data, binary) => {
    let message: LiveServerMessage;
    try {
      message = LiveServerMessage.parse(JSON.parse(String(data)));
    } catch {
      tally.serverFaults += 1;
      remember(
        tally,
        `${scenario.name}: a message that is not LiveServerMessage${binary ? ' (binary)' : ''}: ${String(data).slice(0, 200)}`,
      );
      return;
    }
    received[message.type] = (received[message.type] ?? 0) + 1;
    if (message.type === 'error') {
      errors += 1;
      if (message.code === 'internal') {
        tally.serverFaults += 1;
        remember(tally, `${scenario.name}: error code internal: ${message.message}`);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new Error(`the upgrade was answered ${response.statusCode}`)));
    socket.once('error', reject);
  });
  for (const frame of scenario.frames) {
    if (socket.readyState !== WebSocket.OPEN) break;
    socket.send(frame);
    tally.framesSent += 1;
  }
  const wanted = () =>
    errors >= (scenario.expectErrors ?? 0) &&
    Object.entries(scenario.expectTypes ?? {}).every(([type, count]) => (received[type] ?? 0) >= count);
  const deadline = Date.now() + 10_000;
  if (scenario.expectClose === undefined) {
    while (!wanted() && Date.now() < deadline && socket.readyState === WebSocket.OPEN)
      await new Promise((resolve) => setTimeout(resolve, 20));
    socket.close(1000, 'done');
  }
  const code = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 15_000))]);
  if (code === -1) socket.terminate();
  tally.errorsReceived += errors;
  tally.closeCodes[code] = (tally.closeCodes[code] ?? 0) + 1;
  const expected = scenario.expectClose ?? 1000;
  if (code === 1011 || code === 1006) {
    tally.serverFaults += 1;
    remember(tally, `${scenario.name}: closed with ${code}`);
  } else if (code !== expected || !documentedCloseCodes.has(code) || !wanted()) {
    tally.unexpected += 1;
    remember(tally, `${scenario.name}: closed with ${code} (expected ${expected}), errors ${errors}, received ${JSON.stringify(received)}`);
  }
};

export const abuseLiveSocket = async (url: string, token: string, list: Scenario[], tally: SocketTally) => {
  for (const scenario of list) await play(url, token, scenario, tally);
};
