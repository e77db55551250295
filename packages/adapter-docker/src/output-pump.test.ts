import type { OutputChunk } from '@ampo/core';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createOutputPump } from './output-pump.js';

/** An endless source that counts how many chunks were pulled from it. */
const endless = () => {
  const state = { pulled: 0 };
  async function* source(): AsyncGenerator<OutputChunk> {
    for (;;) {
      state.pulled++;
      yield { stream: 'stdout', text: 'x'.repeat(1000) };
    }
  }
  return { state, source: source() };
};

const settle = async () => {
  for (let round = 0; round < 50; round++) await new Promise((resolve) => setImmediate(resolve));
};

describe('createOutputPump', () => {
  it('stops pulling at the high-water mark while nobody subscribes', async () => {
    const { state, source } = endless();
    createOutputPump(source, { highWaterMark: 10_000, onUnsubscribe: 'drain' });
    await settle();
    expect(state.pulled).toBe(10);
  });

  it('pulls no faster than a subscriber takes', async () => {
    const { state, source } = endless();
    const pump = createOutputPump(source, { highWaterMark: 10_000, onUnsubscribe: 'stop' });
    let delivered = 0;
    const subscription = pump.output$.subscribe(() => {
      delivered++;
      expect(state.pulled - delivered).toBeLessThanOrEqual(10);
      if (delivered === 500) subscription.unsubscribe();
    });
    await pump.done;
    expect(delivered).toBe(500);
    expect(state.pulled).toBeLessThanOrEqual(501);
  });

  it('hands kept chunks to a late subscriber, in order, then completes', async () => {
    async function* short(): AsyncGenerator<OutputChunk> {
      yield { stream: 'stdout', text: 'a' };
      yield { stream: 'stderr', text: 'b' };
      yield { stream: 'stdout', text: 'c' };
    }
    const pump = createOutputPump(short(), { highWaterMark: 10, onUnsubscribe: 'drain' });
    await pump.done;
    expect((await lastValueFrom(pump.output$.pipe(toArray()))).map((chunk) => chunk.text)).toEqual(['a', 'b', 'c']);
    await expect(lastValueFrom(pump.output$)).rejects.toThrow(/single-use/);
  });

  it('drains after an unsubscribe so that the writer is never stuck', async () => {
    let pulled = 0;
    async function* finite(): AsyncGenerator<OutputChunk> {
      for (let index = 0; index < 100; index++) {
        pulled++;
        yield { stream: 'stdout', text: 'y'.repeat(1000) };
      }
    }
    const pump = createOutputPump(finite(), { highWaterMark: 1000, onUnsubscribe: 'drain' });
    const subscription = pump.output$.subscribe(() => subscription.unsubscribe());
    await pump.done;
    expect(pulled).toBe(100);
  });

  it('passes a source failure to the subscriber', async () => {
    async function* failing(): AsyncGenerator<OutputChunk> {
      yield { stream: 'stdout', text: 'before' };
      throw new Error('connection lost');
    }
    const pump = createOutputPump(failing(), { highWaterMark: 10, onUnsubscribe: 'drain' });
    await expect(lastValueFrom(pump.output$.pipe(toArray()))).rejects.toThrow('connection lost');
  });
});
