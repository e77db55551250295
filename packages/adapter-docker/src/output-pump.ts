import type { OutputChunk } from '@ampo/core';
import { Observable } from 'rxjs';

export interface OutputPump {
  /** Cold and single-use, as the port requires. */
  output$: Observable<OutputChunk>;
  /** Settles when the source is exhausted (or failed), whether anyone subscribed or not. */
  done: Promise<void>;
}

/**
 * Pulls chunks from `source` and hands them to the one subscriber. Before anyone subscribes, up
 * to `highWaterMark` bytes are kept (so a short process can finish and report its exit without a
 * subscriber); beyond that reading pauses, which in turn pauses the process once its pipe is
 * full. Delivery is synchronous, so a slow subscriber slows the reading. After an unsubscribe the
 * rest is read and dropped (or reading stops, for a process writing to a file), so the process
 * never blocks on a reader that went away.
 */
export interface OutputPumpOptions {
  /** Characters kept while nobody is subscribed before reading pauses. */
  highWaterMark: number;
  /** After an unsubscribe: `drain` reads on and drops (a process writing to a pipe must not block), `stop` stops reading. */
  onUnsubscribe: 'drain' | 'stop';
}

export const createOutputPump = (source: AsyncIterable<OutputChunk>, { highWaterMark, onUnsubscribe }: OutputPumpOptions): OutputPump => {
  type Subscriber = { next(chunk: OutputChunk): void; error(error: unknown): void; complete(): void };
  let subscriber: Subscriber | undefined;
  let subscribed = false;
  let unsubscribed = false;
  const queue: OutputChunk[] = [];
  let queuedBytes = 0;
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;

  const flush = () => {
    if (!subscriber) return;
    while (queue.length > 0) subscriber.next(queue.shift() as OutputChunk);
    queuedBytes = 0;
    if (failure) subscriber.error(failure.error);
    else if (ended) subscriber.complete();
  };

  const done = (async () => {
    try {
      for await (const chunk of source) {
        if (unsubscribed) {
          if (onUnsubscribe === 'stop') break;
          continue;
        }
        if (subscriber) {
          subscriber.next(chunk);
          continue;
        }
        queue.push(chunk);
        queuedBytes += chunk.text.length;
        if (queuedBytes >= highWaterMark && !subscribed) await new Promise<void>((resolve) => (wake = resolve));
      }
      ended = true;
    } catch (error) {
      failure = { error };
    }
    flush();
  })();

  const output$ = new Observable<OutputChunk>((observer) => {
    if (subscribed) {
      observer.error(new Error('output$ is single-use: subscribe once.'));
      return;
    }
    subscribed = true;
    subscriber = observer;
    flush();
    wake?.();
    return () => {
      subscriber = undefined;
      unsubscribed = true;
      queue.length = 0;
      wake?.();
    };
  });

  return { output$, done };
};
